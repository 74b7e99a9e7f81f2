//! Bearer tokens: exchanged for the API key on first use, cached, refreshed before they expire,
//! and at most one exchange in flight however many calls need one. With a [`TokenStore`], a
//! bearer is also looked for there before exchanging, and saved there after, so that other
//! clients and processes reuse it. A bearer supplied by the caller is used as it is.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use lacework_tokens_api::ops;
use lacework_tokens_api::{ClientAuthExt, types};
use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};

use crate::call::{self, CredentialKind};
use crate::error::Error;
use crate::token_store::{StoredToken, TokenKey, TokenStore};

/// The longest a bearer can live (the exchange's maximum `expiryTime`): a stored bearer that
/// claims more was not issued by the exchange, or the clock moved.
const MAX_LIFETIME: chrono::TimeDelta = chrono::TimeDelta::seconds(86_400);
/// How far a stored bearer's issue time may lie in the future before the clock is distrusted.
const CLOCK_SLACK: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

/// Where bearers come from.
pub(crate) enum Credentials {
    /// An API key: exchanged for bearers as needed.
    ApiKey { key_id: String, secret: SecretString },
    /// A bearer supplied by the caller.
    Bearer(SecretString),
}

struct Cached {
    header: HeaderValue,
    /// When to stop using it: its expiry less the refresh margin.
    refresh_at: Instant,
}

/// The bearer source of one client.
pub(crate) struct Auth {
    credentials: Credentials,
    /// `expiryTime` asked of the exchange, in seconds (1..=86400).
    expiry_secs: u32,
    margin: Duration,
    cached: RwLock<Option<Cached>>,
    /// Held while an exchange runs, so that concurrent callers wait for it instead of starting
    /// their own.
    exchanging: tokio::sync::Mutex<()>,
    /// The generated client the exchange goes through (with the key-secret `FacadeHooks`).
    exchange_client: lacework_tokens_api::Client,
    /// Where bearers are shared with other clients, and the key this client's are kept under.
    store: Option<(Arc<dyn TokenStore>, TokenKey)>,
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match &self.credentials {
            Credentials::ApiKey { key_id, .. } => format!("api key {key_id}"),
            Credentials::Bearer(_) => "bearer token".to_owned(),
        };
        f.debug_struct("Auth").field("credentials", &kind).field("expiry_secs", &self.expiry_secs).finish()
    }
}

/// A bearer as an `Authorization` header value, marked sensitive so HTTP layers do not print it.
fn bearer_header(token: &str) -> Result<HeaderValue, Error> {
    let refused = || {
        Error::invalid(
            "bearer token",
            "must be visible ASCII (no control characters, TAB or non-ASCII characters)",
        )
    };
    if !crate::client::is_header_safe(token) {
        return Err(refused());
    }
    let mut value = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| refused())?;
    value.set_sensitive(true);
    Ok(value)
}

impl Auth {
    pub(crate) fn new(
        credentials: Credentials,
        expiry_secs: u32,
        margin: Duration,
        exchange_client: lacework_tokens_api::Client,
        store: Option<(Arc<dyn TokenStore>, TokenKey)>,
    ) -> Result<Self, Error> {
        let credentials_kind = match &credentials {
            Credentials::ApiKey { .. } => CredentialKind::ApiKey,
            Credentials::Bearer(_) => CredentialKind::BearerToken,
        };
        let cached = match &credentials {
            Credentials::Bearer(token) => {
                Some(Cached { header: bearer_header(token.expose_secret())?, refresh_at: far_future() })
            }
            Credentials::ApiKey { .. } => None,
        };
        Ok(Auth {
            credentials,
            expiry_secs,
            margin,
            cached: RwLock::new(cached),
            exchanging: Default::default(),
            exchange_client,
            store: store.filter(|_| matches!(credentials_kind, CredentialKind::ApiKey)),
        })
    }

    /// The lifetime asked of the exchange for this client's bearers, in seconds.
    pub(crate) fn expiry_secs(&self) -> u32 {
        self.expiry_secs
    }

    pub(crate) fn kind(&self) -> CredentialKind {
        match self.credentials {
            Credentials::ApiKey { .. } => CredentialKind::ApiKey,
            Credentials::Bearer(_) => CredentialKind::BearerToken,
        }
    }

    /// The cached bearer if it is still good, without waiting.
    pub(crate) fn current(&self) -> Option<HeaderValue> {
        let cached = self.cached.read().unwrap_or_else(|p| p.into_inner());
        cached.as_ref().filter(|c| c.refresh_at > Instant::now()).map(|c| c.header.clone())
    }

    /// The `Authorization` header for the next request: the cached bearer, or a fresh one.
    pub(crate) async fn header(&self) -> Result<HeaderValue, Error> {
        if let Some(header) = self.current() {
            return Ok(header);
        }
        let _turn = self.exchanging.lock().await;
        // Whoever held the lock before us may have just refreshed it.
        if let Some(header) = self.current() {
            return Ok(header);
        }
        self.fresh(None).await
    }

    /// After the server refused `rejected`: a fresh bearer to repeat with, or `None` when the
    /// bearer is the caller's own and cannot be refreshed.
    pub(crate) async fn refresh_after_rejection(
        &self,
        rejected: Option<&HeaderValue>,
    ) -> Result<Option<HeaderValue>, Error> {
        if matches!(self.credentials, Credentials::Bearer(_)) {
            return Ok(None);
        }
        let _turn = self.exchanging.lock().await;
        if let Some(header) = self.current().filter(|current| Some(current) != rejected) {
            return Ok(Some(header));
        }
        if let (Some((store, key)), Some(rejected)) = (&self.store, rejected.and_then(bearer_of)) {
            store.discard(key, &rejected).await;
        }
        self.fresh(rejected).await.map(Some)
    }

    /// A bearer other than `rejected`: a good one from the store, else a new exchange (saved to
    /// the store). With a store, the exchange happens under its lock, and the store is read
    /// again once the lock is held: another process may have exchanged meanwhile. Callers hold
    /// `exchanging`.
    async fn fresh(&self, rejected: Option<&HeaderValue>) -> Result<HeaderValue, Error> {
        let Some((store, key)) = &self.store else {
            return self.exchange().await.map(|(header, _)| header);
        };
        if let Some(header) = self.adopt(store.load(key).await, rejected) {
            return Ok(header);
        }
        let _guard = store.lock(key).await;
        if let Some(header) = self.adopt(store.load(key).await, rejected) {
            return Ok(header);
        }
        let (header, stored) = self.exchange().await?;
        store.save(key, &stored).await;
        Ok(header)
    }

    /// The refresh margin for a bearer living `lifetime`: a margin longer than half the
    /// lifetime would refresh on every call.
    fn margin_for(&self, lifetime: Duration) -> Duration {
        self.margin.min(lifetime / 2)
    }

    /// Takes a stored bearer into use if it is good for longer than the refresh margin, is not
    /// `rejected`, and is plausible (issued in the past, for at most a day: a file edited by
    /// hand or a clock that jumped back is not trusted).
    fn adopt(&self, stored: Option<StoredToken>, rejected: Option<&HeaderValue>) -> Option<HeaderValue> {
        let stored = stored?;
        let now = chrono::Utc::now();
        let plausible =
            stored.issued_at <= now + CLOCK_SLACK && stored.expires_at - stored.issued_at <= MAX_LIFETIME;
        if !plausible {
            tracing::warn!("a stored bearer has implausible times (was the clock changed?): not using it");
            return None;
        }
        let left = (stored.expires_at - now).to_std().ok()?;
        let margin = self.margin_for(Duration::from_secs(self.expiry_secs.into()));
        let usable = left.checked_sub(margin).filter(|usable| !usable.is_zero())?;
        let header = bearer_header(stored.token.expose_secret()).ok()?;
        if Some(&header) == rejected {
            return None;
        }
        *self.cached.write().unwrap_or_else(|p| p.into_inner()) =
            Some(Cached { header: header.clone(), refresh_at: Instant::now() + usable });
        tracing::debug!(left_s = left.as_secs(), "stored bearer token reused");
        Some(header)
    }

    /// Exchanges the API key for a bearer and caches it. Callers hold `exchanging`.
    async fn exchange(&self) -> Result<(HeaderValue, StoredToken), Error> {
        let issued_at = chrono::Utc::now();
        let token = self.issue(self.expiry_secs).await?;
        let header = bearer_header(token.token.expose_secret())?;
        let lifetime = Duration::from_secs(self.expiry_secs.into());
        // Trust the shorter of what was asked and what the server says.
        let server_lifetime = (token.expires_at - chrono::Utc::now()).to_std().unwrap_or_default();
        let lifetime = lifetime.min(server_lifetime.max(Duration::from_secs(1)));
        let margin = self.margin_for(lifetime);
        let refresh_at = Instant::now() + lifetime - margin;
        *self.cached.write().unwrap_or_else(|p| p.into_inner()) =
            Some(Cached { header: header.clone(), refresh_at });
        tracing::debug!(lifetime_s = lifetime.as_secs(), "bearer token issued");
        let stored = StoredToken {
            token: SecretString::from(token.token.expose_secret().to_owned()),
            issued_at,
            expires_at: issued_at + chrono::TimeDelta::from_std(lifetime).unwrap_or(MAX_LIFETIME),
        };
        Ok((header, stored))
    }

    /// Asks the server for a new bearer for the API key, valid `expiry_secs` seconds.
    pub(crate) async fn issue(&self, expiry_secs: u32) -> Result<types::ApiToken, Error> {
        let Credentials::ApiKey { key_id, .. } = &self.credentials else {
            return Err(Error::config(
                "api key",
                "a bearer token can only be issued with an API key and secret",
            ));
        };
        let body = types::ApiTokenRequest::builder()
            .key_id(key_id.as_str())
            .expiry_time(std::num::NonZeroU32::new(expiry_secs));
        let result = call::run(
            ops::CREATE_API_TOKEN.id,
            CredentialKind::ApiKey,
            self.exchange_client.create_api_token().body(body).send(),
        )
        .await;
        let token = result.map_err(|e| match e {
            Error::Unauthorized { .. } | Error::Api { status: reqwest::StatusCode::FORBIDDEN, .. } => {
                Error::Unauthorized {
                    message: format!("the API key {key_id} or its secret was refused by the key exchange"),
                }
            }
            other => other,
        })?;
        // Checked where it is received: a bearer the server made up with control characters
        // is the server's fault (and must reach neither a header nor a terminal).
        if !crate::client::is_header_safe(token.token.expose_secret()) {
            return Err(Error::Decode {
                operation: ops::CREATE_API_TOKEN.id,
                status: None,
                path: "token".to_owned(),
                message: "the bearer token issued holds characters a bearer cannot have (control \
                          characters, TAB or non-ASCII); refused"
                    .to_owned(),
                body: "[not shown]".to_owned(),
            });
        }
        Ok(token)
    }
}

fn far_future() -> Instant {
    crate::rate_limit::instant_after(Duration::MAX).into_std()
}

/// The bearer in an `Authorization` header value.
fn bearer_of(header: &HeaderValue) -> Option<SecretString> {
    let token = header.to_str().ok()?.strip_prefix("Bearer ")?;
    Some(SecretString::from(token.to_owned()))
}
