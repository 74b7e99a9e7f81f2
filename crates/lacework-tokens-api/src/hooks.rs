//! The seam through which a caller drives the generated [`Client`]: prepare each request and
//! wrap its execution. Cross-cutting concerns (bearer injection and refresh, retries, tracing,
//! rate-limit bookkeeping) plug in here instead of around every call.
//!
//! The generated client is built with progenitor's `HooksMode::Expected`, so the one
//! `ClientHooks` implementation is the one below, and it has to live in this crate beside the
//! generated `Client` (orphan rules). With no [`RequestHooks`] plugged in, the client sends each
//! request as built.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};

use crate::Client;

/// A boxed, sendable future, as [`RequestHooks`] methods return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The error a [`RequestHooks::prepare`] returns to stop a request. The generated operation then
/// fails with [`Error::Custom`] carrying its message, so the message must hold no secret.
pub type PrepareError = Box<dyn std::error::Error + Send + Sync>;

/// What a caller plugs into a [`Client`] to take part in every request.
///
/// Both methods have defaults that do nothing special, so an implementation overrides only
/// what it needs. `operation_id` is the spec's operationId in snake case, as progenitor
/// names the builder method, e.g. `get_agent_access_token`.
pub trait RequestHooks: Send + Sync + 'static {
    /// Runs after the request is built and before it is sent: add headers (the bearer, the
    /// sub-account), or refuse to send it.
    fn prepare<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        operation_id: &'static str,
    ) -> BoxFuture<'a, Result<(), PrepareError>> {
        let _ = (request, operation_id);
        Box::pin(async { Ok(()) })
    }

    /// Sends the request and returns the response the generated code will decode. Override it
    /// to retry (`request.try_clone()` keeps the body), time, or trace the call.
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        operation_id: &'static str,
    ) -> BoxFuture<'a, reqwest::Result<reqwest::Response>> {
        let _ = operation_id;
        Box::pin(client.execute(request))
    }
}

/// The inner value of the generated [`Client`]: the caller's [`RequestHooks`], if any.
#[derive(Clone, Default)]
pub struct Hooks(Option<Arc<dyn RequestHooks>>);

impl Hooks {
    /// No hooks: requests go out exactly as built.
    pub fn none() -> Self {
        Self(None)
    }

    /// Plugs `hooks` into every request of the client that holds this value.
    pub fn new(hooks: impl RequestHooks) -> Self {
        Self(Some(Arc::new(hooks)))
    }

    /// Like [`Hooks::new`], for hooks that are already shared.
    pub fn from_arc(hooks: Arc<dyn RequestHooks>) -> Self {
        Self(Some(hooks))
    }

    /// The plugged-in hooks, if any.
    pub fn get(&self) -> Option<&Arc<dyn RequestHooks>> {
        self.0.as_ref()
    }
}

// Hooks hold credentials in practice: Debug says only whether any are plugged in.
impl fmt::Debug for Hooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hooks").field("plugged_in", &self.0.is_some()).finish()
    }
}

impl Client {
    /// A client for `baseurl` (scheme, host, optional port; no trailing path) with no hooks
    /// and no timeouts beyond `reqwest`'s defaults.
    pub fn plain(baseurl: &str) -> Self {
        Self::new_with_client(baseurl, reqwest::Client::new(), Hooks::none())
    }
}

impl ClientHooks<Hooks> for Client {
    async fn pre<E>(&self, request: &mut reqwest::Request, info: &OperationInfo) -> Result<(), Error<E>> {
        match self.inner().get() {
            Some(hooks) => {
                hooks.prepare(request, info.operation_id).await.map_err(|e| Error::Custom(e.to_string()))
            }
            None => Ok(()),
        }
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        match self.inner().get() {
            Some(hooks) => hooks.execute(self.client(), request, info.operation_id).await,
            None => self.client().execute(request).await,
        }
    }
}
