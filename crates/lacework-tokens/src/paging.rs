//! Following `paging.urls.nextPage`: a GET with the same authorization, to the same origin only
//! (the bearer is never sent to a host the client was not configured for).

use futures_util::{Stream, TryStreamExt, stream};
use lacework_tokens_api::types::Paging;
use reqwest::Url;
use reqwest::header::{self, HeaderValue};
use serde::de::DeserializeOwned;

use crate::Client;
use crate::call::{self, CallContext};
use crate::error::{Error, scrub};

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
        Url(String),
        Done,
    }
    stream::try_unfold(Next::First(first), move |next| async move {
        let page = match next {
            Next::First(first) => first.await?,
            Next::Url(url) => fetch::<P>(client, &url).await?,
            Next::Done => return Ok::<_, Error>(None),
        };
        let (items, paging) = page.into_parts();
        let next = next_url(paging.as_ref()).map_or(Next::Done, Next::Url);
        Ok(Some((stream::iter(items.into_iter().map(Ok)), next)))
    })
    .try_flatten()
}

/// Fetches one next page.
async fn fetch<P: Page>(client: &Client, url: &str) -> Result<P, Error> {
    let inner = &client.inner;
    let same_origin = |u: &str| Url::parse(u).ok().map(|u| u.origin());
    if same_origin(url).is_none() || same_origin(url) != same_origin(&inner.base_url) {
        return Err(Error::Decode {
            operation: "nextPage",
            status: None,
            path: "paging.urls.nextPage".to_owned(),
            message: "the next page is on another origin than the API; not sending credentials there"
                .to_owned(),
            body: scrub(url),
        });
    }
    let mut request = inner.transport.http.get(url).build().map_err(Error::transport)?;
    request.headers_mut().insert(header::ACCEPT, HeaderValue::from_static("application/json"));
    let (outcome, context) = call::scoped(async {
        let bearer = inner.auth.header().await?;
        inner.transport.admit("next_page").await?;
        request.headers_mut().insert(header::AUTHORIZATION, bearer);
        inner.transport.send(request, "next_page", Some(&inner.auth)).await.map_err(Error::transport)
    })
    .await;
    let CallContext { error, status, .. } = context;
    if let Some(error) = error {
        return Err(error);
    }
    let response = outcome?;
    let (status_code, headers) = (response.status(), response.headers().clone());
    let bytes = response.bytes().await.map_err(Error::transport)?;
    if !status_code.is_success() {
        return Err(call::from_body(status_code, &headers, &bytes, inner.auth.kind()));
    }
    call::decode::<P>("nextPage", status.or(Some(status_code)), &bytes)
}
