//! What the facade plugs into the generated client (its `RequestHooks` seam): one credential
//! header on each request (the bearer on every operation, the API key's secret on the
//! exchange), the request budget's permission, and sending through the [`Transport`] (retries,
//! spans, rate limits).

use std::sync::Arc;

use lacework_tokens_api::RequestHooks;
use lacework_tokens_api::hooks::{BoxFuture, PrepareError};
use reqwest::header::{self, HeaderName, HeaderValue};
use secrecy::ExposeSecret;

use crate::auth::Auth;
use crate::call::with_context;
use crate::error::Error;
use crate::transport::Transport;

/// The hooks of one generated client: the operations' (with the bearer) or the exchange's
/// (with the API key's secret).
pub(crate) struct FacadeHooks {
    transport: Arc<Transport>,
    credential: Credential,
}

/// What authenticates a request.
enum Credential {
    /// `Authorization: Bearer …`, from the client's bearer source; a 401 refreshes it.
    Bearer(Arc<Auth>),
    /// `X-LW-UAKS`, the API key's secret (marked sensitive): the exchange only.
    KeySecret(HeaderValue),
}

impl FacadeHooks {
    /// The operations' hooks.
    pub(crate) fn bearer(transport: Arc<Transport>, auth: Arc<Auth>) -> Self {
        FacadeHooks { transport, credential: Credential::Bearer(auth) }
    }

    /// The exchange's hooks; `None` when the secret cannot be sent as a header (see
    /// `client::is_header_safe`).
    pub(crate) fn key_secret(transport: Arc<Transport>, secret: &secrecy::SecretString) -> Option<Self> {
        if !crate::client::is_header_safe(secret.expose_secret()) {
            return None;
        }
        let mut value = HeaderValue::from_str(secret.expose_secret()).ok()?;
        value.set_sensitive(true);
        Some(FacadeHooks { transport, credential: Credential::KeySecret(value) })
    }

    /// The credential header for the next request, once the budget lets it go. The bearer is
    /// taken after the wait, which can be long: one taken before could expire during it.
    async fn admit(&self, operation_id: &'static str) -> Result<(HeaderName, HeaderValue), Error> {
        self.transport.admit(operation_id).await?;
        Ok(match &self.credential {
            Credential::Bearer(auth) => (header::AUTHORIZATION, auth.header().await?),
            Credential::KeySecret(value) => (HeaderName::from_static("x-lw-uaks"), value.clone()),
        })
    }
}

impl RequestHooks for FacadeHooks {
    fn prepare<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        operation_id: &'static str,
    ) -> BoxFuture<'a, Result<(), PrepareError>> {
        Box::pin(async move {
            match self.admit(operation_id).await {
                Ok((name, value)) => {
                    request.headers_mut().insert(name, value);
                    Ok(())
                }
                Err(e) => {
                    // The call picks the typed error up from its context; the string is a
                    // stand-in the generated client needs.
                    let message = e.to_string();
                    with_context(|ctx| ctx.error = Some(e));
                    Err(message.into())
                }
            }
        })
    }

    fn execute<'a>(
        &'a self,
        _client: &'a reqwest::Client,
        request: reqwest::Request,
        operation_id: &'static str,
    ) -> BoxFuture<'a, reqwest::Result<reqwest::Response>> {
        let auth = match &self.credential {
            Credential::Bearer(auth) => Some(auth.as_ref()),
            Credential::KeySecret(_) => None,
        };
        Box::pin(self.transport.send(request, operation_id, auth))
    }
}
