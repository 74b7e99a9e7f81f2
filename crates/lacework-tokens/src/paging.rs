//! Following `paging.urls.nextPage`: a GET with the same authorization, to the same origin only
//! (the bearer is never sent to a host the client was not configured for), and never without
//! end: a `nextPage` already fetched, or more pages than the first answer's `totalRows` can
//! fill, ends the call with an error.

use std::collections::HashSet;

use futures_util::{Stream, TryStreamExt, stream};
use lacework_tokens_api::types::Paging;
use reqwest::Url;
use reqwest::header::{self, HeaderValue};
use serde::de::DeserializeOwned;

use crate::Client;
use crate::call::{self, CallContext};
use crate::error::Error;
use crate::operation::NEXT_PAGE;

/// A page of results and where the next one is.
pub(crate) trait Page: DeserializeOwned + Send + 'static {
    type Item;
    fn into_parts(self) -> (Vec<Self::Item>, Option<Paging>);
}

/// The URL of the page after this one, if any.
pub(crate) fn next_url(paging: Option<&Paging>) -> Option<String> {
    paging?.urls.as_ref()?.next_page.clone().filter(|url| !url.is_empty())
}

/// Every item of every page, starting from the first page's outcome.
pub(crate) fn items<'c, P, F>(client: &'c Client, first: F) -> impl Stream<Item = Result<P::Item, Error>> + 'c
where
    P: Page + 'c,
    P::Item: 'c,
    F: Future<Output = Result<P, Error>> + 'c,
{
    enum Next<F> {
        First(F),
        Url(String, Walk),
        Done,
    }
    stream::try_unfold(Next::First(first), move |next| async move {
        let (page, walk) = match next {
            Next::First(first) => (first.await?, None),
            Next::Url(url, walk) => (fetch::<P>(client, &url).await?, Some(walk)),
            Next::Done => return Ok::<_, Error>(None),
        };
        let (items, paging) = page.into_parts();
        let walk = walk.unwrap_or_else(|| Walk::after_first(paging.as_ref(), items.len()));
        let next = match next_url(paging.as_ref()) {
            Some(url) => Next::Url(url.clone(), walk.step(url, client)?),
            None => Next::Done,
        };
        Ok(Some((stream::iter(items.into_iter().map(Ok)), next)))
    })
    .try_flatten()
}

/// The most pages followed when the first answer does not say how many rows there are.
pub(crate) const MAX_PAGES_WITHOUT_TOTAL: usize = 10_000;

/// Where a paged call has been, to stop one that would never end.
struct Walk {
    /// The `nextPage` URLs followed so far.
    seen: HashSet<String>,
    /// Pages fetched so far, the first included.
    pages: usize,
    /// The most pages the call may fetch, and why.
    allowed: usize,
    because: String,
}

impl Walk {
    /// The bound set by the first page: as many pages as its `totalRows` fills at its own size,
    /// plus one for rows added while paging; with no `totalRows`, [`MAX_PAGES_WITHOUT_TOTAL`].
    fn after_first(paging: Option<&Paging>, rows: usize) -> Walk {
        let total = paging.and_then(|p| p.total_rows).map(|t| usize::try_from(t).unwrap_or(0));
        let (allowed, because) = match total {
            Some(total) => (
                total.div_ceil(rows.max(1)) + 1,
                format!("its first answer said totalRows {total}, with {rows} rows a page"),
            ),
            None => (MAX_PAGES_WITHOUT_TOTAL, "its first answer gave no totalRows".to_owned()),
        };
        Walk { seen: HashSet::new(), pages: 1, allowed, because }
    }

    /// The walk with `url` as its next page, or the error that stops it there.
    fn step(mut self, url: String, client: &Client) -> Result<Walk, Error> {
        let stop = |message: String| Error::Decode {
            operation: NEXT_PAGE,
            status: None,
            path: "paging.urls.nextPage".to_owned(),
            message,
            body: shown_url(client, &url),
        };
        if url.len() > crate::transport::MAX_URL_LENGTH {
            return Err(stop(format!(
                "the server sent a next page URL of {} bytes, longer than an HTTP request can carry; stopped",
                url.len()
            )));
        }
        if self.seen.contains(&url) {
            return Err(stop(format!(
                "the server sent a next page already fetched, after {} pages: its paging loops; stopped",
                self.pages
            )));
        }
        if self.pages >= self.allowed {
            return Err(stop(format!(
                "the server sent more than {} pages, more than {}; stopped",
                self.allowed, self.because
            )));
        }
        self.pages += 1;
        self.seen.insert(url);
        Ok(self)
    }
}

/// A next-page URL as an error shows it: with the client's secret and bearer redacted exactly
/// (a server may echo them into it), then scrubbed. The call that brought the URL has ended,
/// so `scrub` alone would know neither.
fn shown_url(client: &Client, url: &str) -> String {
    let inner = &client.inner;
    let secrets = inner.transport.configured_secret.iter().cloned().chain(inner.auth.current()).collect();
    call::scrub_knowing(secrets, url)
}

/// Fetches one next page.
async fn fetch<P: Page>(client: &Client, url: &str) -> Result<P, Error> {
    let inner = &client.inner;
    let same_origin = |u: &str| Url::parse(u).ok().map(|u| u.origin());
    if same_origin(url).is_none() || same_origin(url) != same_origin(&inner.base_url) {
        return Err(Error::Decode {
            operation: NEXT_PAGE,
            status: None,
            path: "paging.urls.nextPage".to_owned(),
            message: "the next page is on another origin than the API; not sending credentials there"
                .to_owned(),
            body: shown_url(client, url),
        });
    }
    let mut request = inner.transport.http.get(url).build().map_err(Error::transport)?;
    request.headers_mut().insert(header::ACCEPT, HeaderValue::from_static("application/json"));
    let (outcome, context) = call::scoped(async {
        // The bearer after the budget's wait, which it could outlive (see `FacadeHooks::admit`).
        inner.transport.admit(NEXT_PAGE).await?;
        let bearer = inner.auth.header().await?;
        request.headers_mut().insert(header::AUTHORIZATION, bearer);
        inner.transport.send(request, NEXT_PAGE, Some(&inner.auth)).await.map_err(Error::transport)
    })
    .await;
    let CallContext { error, status, secrets, .. } = context;
    if let Some(error) = error {
        return Err(error);
    }
    let response = outcome?;
    let (status_code, headers) = (response.status(), response.headers().clone());
    let bytes = response.bytes().await.map_err(Error::transport)?;
    call::knowing_secrets(secrets, async {
        if !status_code.is_success() {
            return Err(call::from_body(status_code, &headers, &bytes, inner.auth.kind()));
        }
        call::decode::<P>(NEXT_PAGE, status.or(Some(status_code)), &bytes)
    })
    .await
}
