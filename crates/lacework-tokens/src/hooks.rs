//! What the facade plugs into the generated client (its `RequestHooks` seam): the bearer on
//! every operation, the API key's secret on the exchange, and sending through the
//! [`Transport`] (retries, spans, rate limits).

use std::sync::Arc;

use lacework_tokens_api::RequestHooks;
use lacework_tokens_api::hooks::{BoxFuture, PrepareError};
use reqwest::header::{self, HeaderValue};
use secrecy::ExposeSecret;

use crate::auth::Auth;
use crate::call::with_context;
use crate::transport::Transport;

/// Hooks of the client's operations.
pub(crate) struct ApiHooks {
    pub transport: Arc<Transport>,
    pub auth: Arc<Auth>,
}

impl RequestHooks for ApiHooks {
    fn prepare<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        operation_id: &'static str,
    ) -> BoxFuture<'a, Result<(), PrepareError>> {
        Box::pin(async move {
            let admitted = async {
                let bearer = self.auth.header().await?;
                self.transport.admit(operation_id).await?;
                Ok::<_, crate::Error>(bearer)
            };
            match admitted.await {
                Ok(bearer) => {
                    request.headers_mut().insert(header::AUTHORIZATION, bearer);
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
        Box::pin(self.transport.send(request, operation_id, Some(&self.auth)))
    }
}

/// Hooks of the key-for-bearer exchange.
pub(crate) struct ExchangeHooks {
    pub transport: Arc<Transport>,
    /// The `X-LW-UAKS` header, marked sensitive.
    pub key_secret: HeaderValue,
}

impl ExchangeHooks {
    /// `None` when the secret cannot be sent as a header (see `client::is_header_safe`).
    pub(crate) fn new(transport: Arc<Transport>, secret: &secrecy::SecretString) -> Option<Self> {
        if !crate::client::is_header_safe(secret.expose_secret()) {
            return None;
        }
        let mut key_secret = HeaderValue::from_str(secret.expose_secret()).ok()?;
        key_secret.set_sensitive(true);
        Some(ExchangeHooks { transport, key_secret })
    }
}

impl RequestHooks for ExchangeHooks {
    fn prepare<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        operation_id: &'static str,
    ) -> BoxFuture<'a, Result<(), PrepareError>> {
        request.headers_mut().insert("x-lw-uaks", self.key_secret.clone());
        Box::pin(async move {
            self.transport.admit(operation_id).await.map_err(|e| {
                let message = e.to_string();
                with_context(|ctx| ctx.error = Some(e));
                message.into()
            })
        })
    }

    fn execute<'a>(
        &'a self,
        _client: &'a reqwest::Client,
        request: reqwest::Request,
        operation_id: &'static str,
    ) -> BoxFuture<'a, reqwest::Result<reqwest::Response>> {
        Box::pin(self.transport.send(request, operation_id, None))
    }
}
