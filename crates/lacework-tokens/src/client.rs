//! [`Client`] and its [`ClientBuilder`]: where the API is, who is calling, and how patiently.
//!
//! Settings come from three places, in this order of precedence: what the builder is told
//! explicitly, the environment (`LW_*`), and `~/.lacework.toml` (see [`ClientBuilder::from_env`]).

use std::sync::Arc;
use std::time::Duration;

use lacework_tokens_api::Hooks;
use reqwest::header::{self, HeaderMap, HeaderValue};
use secrecy::SecretString;

use crate::access_tokens::AccessTokens;
use crate::agent_tokens::AgentTokens;
use crate::auth::{Auth, Credentials};
use crate::budget::{ApiFamily, BudgetKey, BudgetStanding, RequestBudget};
use crate::config::{self, Missing, Setting, Settings, Source};
use crate::error::Error;
use crate::hooks::FacadeHooks;
use crate::models::BearerToken;
use crate::rate_limit::{LastRateLimit, RateLimitInfo};
use crate::retry::RetryPolicy;
use crate::token_store::{TokenKey, TokenStore};
use crate::transport::Transport;
use crate::{base_url, call};

/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default timeout of one HTTP request (each retry has its own).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default lifetime asked of the key exchange for each bearer.
pub const DEFAULT_TOKEN_EXPIRY: Duration = Duration::from_secs(3600);
/// Default cap on the body of a success answer: far above any page the API sends (a page of
/// agent tokens is a few megabytes at most), far below what would hurt a CI runner.
pub const DEFAULT_MAX_BODY_SIZE: usize = 32 * 1024 * 1024;
/// Default time before a bearer's expiry at which it is replaced.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// A client of the Lacework token endpoints. Cheap to clone; clones share the connection pool,
/// the bearer cache and the rate-limit readings.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub api: lacework_tokens_api::Client,
    pub transport: Arc<Transport>,
    pub auth: Arc<Auth>,
    pub base_url: String,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("auth", &self.inner.auth)
            .finish()
    }
}

impl Client {
    /// A builder with nothing set.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured like the Lacework CLI: from `LW_*` environment variables over the
    /// `LW_PROFILE` (else `default`) profile of `~/.lacework.toml`.
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::from_env()?.build()
    }

    /// A client configured from the `name` profile of `~/.lacework.toml`, with `LW_*`
    /// environment variables taking precedence over it.
    pub fn from_profile(name: &str) -> Result<Client, Error> {
        ClientBuilder::from_profile(name)?.build()
    }

    /// The agent access tokens.
    pub fn agent_tokens(&self) -> AgentTokens<'_> {
        AgentTokens { client: self }
    }

    /// The API access tokens.
    pub fn access_tokens(&self) -> AccessTokens<'_> {
        AccessTokens { client: self }
    }

    /// The `RateLimit-*` headers of the last answer that had them.
    pub fn rate_limit(&self) -> Option<RateLimitInfo> {
        self.inner.transport.last_rate_limit.get()
    }

    /// Where the request budget of `family` stands, if the client has a budget: what a job can
    /// still spend in this window, and when the next one starts.
    pub fn budget_standing(&self, family: ApiFamily) -> Option<BudgetStanding> {
        let (budget, base_url) = self.inner.transport.budget.as_ref()?;
        Some(budget.standing(&BudgetKey { base_url: base_url.clone(), family }))
    }

    /// The base URL requests go to, e.g. `https://acme.lacework.net`.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Exchanges the client's API key for a new bearer token, valid for `expiry` (1 s to 24 h;
    /// the client's token expiry when `None`), e.g. to hand to another tool. The client's own
    /// cached bearer is not affected.
    pub async fn issue_bearer_token(&self, expiry: Option<Duration>) -> Result<BearerToken, Error> {
        let expiry = match expiry {
            Some(expiry) => expiry_secs("expiry", expiry)?,
            None => self.inner.auth.expiry_secs(),
        };
        let token = self.inner.auth.issue(expiry).await?;
        Ok(BearerToken { token: SecretString::from(token.token.into_inner()), expires_at: token.expires_at })
    }

    /// The bearer lookup every call makes before it is sent; for the benchmarks only.
    #[cfg(feature = "internals")]
    #[doc(hidden)]
    pub async fn bearer_lookup_for_benchmarks(&self) -> Result<(), Error> {
        self.inner.auth.header().await.map(drop)
    }

    /// Not an `async fn`, so that `call` goes straight into [`call::run`]'s box.
    pub(crate) fn run<T: serde::de::DeserializeOwned>(
        &self,
        operation: &'static str,
        call: impl std::future::Future<
            Output = Result<
                lacework_tokens_api::ResponseValue<T>,
                lacework_tokens_api::Error<lacework_tokens_api::types::Error>,
            >,
        >,
    ) -> impl std::future::Future<Output = Result<T, Error>> {
        call::run(operation, self.inner.auth.kind(), call)
    }
}

/// Builds a [`Client`]. Setters take `impl Into<…>`; [`build`](ClientBuilder::build) checks
/// everything and says which setting is wrong.
#[derive(Default)]
pub struct ClientBuilder {
    account: Option<String>,
    base_url: Option<String>,
    api_key: Option<(String, SecretString)>,
    bearer_token: Option<SecretString>,
    sub_account: Option<String>,
    user_agent_suffix: Option<String>,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    refresh_margin: Option<Duration>,
    token_expiry: Option<Duration>,
    max_body_size: Option<usize>,
    http: Option<reqwest::Client>,
    token_store: Option<Arc<dyn TokenStore>>,
    request_budget: Option<Arc<dyn RequestBudget>>,
    /// From the environment and `~/.lacework.toml`: below everything set explicitly.
    settings: Settings,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("account", &self.account)
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key.as_ref().map(|(id, _)| id))
            .field("bearer_token", &self.bearer_token.as_ref().map(|_| "[redacted]"))
            .field("sub_account", &self.sub_account)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// A builder preset from the environment over the `LW_PROFILE` (else `default`) profile of
    /// `~/.lacework.toml`; explicit setters override both.
    pub fn from_env() -> Result<ClientBuilder, Error> {
        Ok(ClientBuilder { settings: config::gather_from_process(None)?, ..Default::default() })
    }

    /// A builder preset from the environment over the `name` profile of `~/.lacework.toml`.
    pub fn from_profile(name: &str) -> Result<ClientBuilder, Error> {
        Ok(ClientBuilder { settings: config::gather_from_process(Some(name))?, ..Default::default() })
    }

    /// A builder preset from already gathered settings (see [`config::gather`]).
    pub fn from_settings(settings: Settings) -> ClientBuilder {
        ClientBuilder { settings, ..Default::default() }
    }

    /// The Lacework account: `acme` (for `https://acme.lacework.net`) or a full host such as
    /// `acme.fra.lacework.net`.
    pub fn account(mut self, account: impl Into<String>) -> Self {
        self.account = Some(account.into());
        self
    }

    /// The base URL, instead of an account: e.g. `http://127.0.0.1:8080` for the sandbox.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// An API key id and its secret: exchanged for bearer tokens as needed.
    pub fn api_key(mut self, key_id: impl Into<String>, secret: impl Into<SecretString>) -> Self {
        self.api_key = Some((key_id.into(), secret.into()));
        self
    }

    /// A ready bearer token, used as is (it cannot be refreshed).
    pub fn bearer_token(mut self, token: impl Into<SecretString>) -> Self {
        self.bearer_token = Some(token.into());
        self
    }

    /// The sub-account to act on (sent as `Account-Name`).
    pub fn sub_account(mut self, sub_account: impl Into<String>) -> Self {
        self.sub_account = Some(sub_account.into());
        self
    }

    /// Appended to the `User-Agent` (`lacework-tokens/<version> <suffix>`).
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// How long to wait for a connection (default 10 s). Ignored with [`http_client`](Self::http_client).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How long one HTTP request may take, answer included (default 30 s). Ignored with
    /// [`http_client`](Self::http_client).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How failed requests are retried (see [`RetryPolicy`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// How long before its expiry a bearer is replaced (default 60 s).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = Some(margin);
        self
    }

    /// The lifetime asked of the key exchange for each bearer: 1 s to 24 h (default 1 h).
    pub fn token_expiry(mut self, expiry: Duration) -> Self {
        self.token_expiry = Some(expiry);
        self
    }

    /// Keeps bearers in `store` too, so that clients and processes sharing it reuse one bearer
    /// instead of each exchanging the key (default: this client's memory only). Bearers are
    /// kept per base URL, sub-account and API key id; a bearer the server refuses is dropped
    /// from the store. Ignored with a bearer token instead of an API key.
    pub fn token_store(mut self, store: Arc<dyn TokenStore>) -> Self {
        self.token_store = Some(store);
        self
    }

    /// Paces every request by `budget` (see [`budget`](crate::budget)): once a window of the
    /// account's allowance is spent, requests wait for the next instead of failing with 429.
    /// Off by default: a paced call may wait as long as the budget allows (up to an hour with
    /// [`LocalBudget`](crate::budget::LocalBudget)'s defaults).
    pub fn request_budget(mut self, budget: Arc<dyn RequestBudget>) -> Self {
        self.request_budget = Some(budget);
        self
    }

    /// The largest body of a success answer the client reads, in bytes (default 32 MiB,
    /// [`DEFAULT_MAX_BODY_SIZE`]). The cap is enforced while the body arrives: a larger answer
    /// ends the call with [`Error::TooLarge`] after reading no more than the cap, and is not
    /// asked again. Error answers are capped at 64 KiB whatever this says.
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.max_body_size = Some(bytes);
        self
    }

    /// Sends through this `reqwest::Client` (its timeouts, proxies and TLS settings apply:
    /// the client's own rule of no proxy for a loopback base URL is then yours to keep).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Checks the settings and builds the client. Nothing is sent until the first call.
    pub fn build(self) -> Result<Client, Error> {
        if self.base_url.is_some() && self.account.is_some() {
            return Err(Error::config("base_url", "both a base URL and an account are set; set one"));
        }
        if self.api_key.is_some() && self.bearer_token.is_some() {
            return Err(Error::config("credentials", "both an API key and a bearer token are set; set one"));
        }
        let explicit = |setter: &'static str| Source::Builder(setter);
        let (api_key, api_secret) = self
            .api_key
            .map(|(id, secret)| {
                (Setting::new(id, explicit("api_key")), Setting::new(secret, explicit("api_key")))
            })
            .unzip();
        let explicit = Settings {
            account: self.account.map(|account| Setting::new(account, explicit("account"))),
            subaccount: self.sub_account.map(|sub| Setting::new(sub, explicit("sub_account"))),
            api_key,
            api_secret,
            api_token: self.bearer_token.map(|token| Setting::new(token, explicit("bearer_token"))),
            api_server_url: self.base_url.map(|url| Setting::new(url, explicit("base_url"))),
        };
        let settings = Settings::layered([explicit, self.settings])?;
        let base_url = match (&settings.api_server_url, &settings.account) {
            (Some(url), _) => base_url::checked(&url.source.to_string(), &url.value)?,
            (None, Some(account)) => base_url::for_account(&account.source.to_string(), &account.value)?,
            (None, None) => return Err(missing(Missing::Account)),
        };
        let credentials = match (&settings.api_key, &settings.api_secret, &settings.api_token) {
            (Some(key), Some(secret), _) => {
                Credentials::ApiKey { key_id: key.value.clone(), secret: secret.value.clone() }
            }
            (_, _, Some(token)) => Credentials::Bearer(token.value.clone()),
            _ => return Err(missing(Missing::Credentials)),
        };
        if let Credentials::ApiKey { key_id, .. } = &credentials
            && key_id.trim().is_empty()
        {
            return Err(Error::invalid("api_key", "the API key id is empty"));
        }

        let mut headers = HeaderMap::new();
        let user_agent = match &self.user_agent_suffix {
            Some(suffix) => format!("lacework-tokens/{} {suffix}", env!("CARGO_PKG_VERSION")),
            None => format!("lacework-tokens/{}", env!("CARGO_PKG_VERSION")),
        };
        headers.insert(header::USER_AGENT, header_value("user_agent_suffix", &user_agent)?);
        let sub_account = settings.subaccount.as_ref().map(|sub| &sub.value);
        if let Some(sub) = &settings.subaccount {
            headers.insert("account-name", header_value(&sub.source.to_string(), &sub.value)?);
        }
        let token_store = match (self.token_store, &credentials) {
            (Some(store), Credentials::ApiKey { key_id, .. }) => Some((
                store,
                TokenKey {
                    base_url: base_url.clone(),
                    sub_account: sub_account.cloned(),
                    key_id: key_id.clone(),
                },
            )),
            _ => None,
        };
        let expiry = expiry_secs("token_expiry", self.token_expiry.unwrap_or(DEFAULT_TOKEN_EXPIRY))?;

        let http = match self.http {
            Some(http) => http,
            None => {
                let builder = reqwest::Client::builder();
                // Plain http is allowed only to loopback, because it never leaves the machine;
                // through a proxy (HTTP_PROXY, ALL_PROXY) it would, carrying the secret and the
                // bearer in clear. Other base URLs use the proxies of the environment, as
                // reqwest reads them (HTTPS_PROXY, ALL_PROXY, NO_PROXY).
                let builder = if base_url::is_loopback_url(&base_url) { builder.no_proxy() } else { builder };
                builder
                    .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                    .timeout(self.timeout.unwrap_or(DEFAULT_TIMEOUT))
                    // The API does not redirect; following one could carry the bearer elsewhere.
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .map_err(|e| {
                        Error::config(
                            "http client",
                            format!("cannot build the HTTP client: {}", e.without_url()),
                        )
                    })?
            }
        };
        let transport = Arc::new(Transport {
            http: http.clone(),
            retry: self.retry.unwrap_or_default(),
            headers,
            last_rate_limit: LastRateLimit::default(),
            budget: self.request_budget.map(|budget| (budget, base_url.clone())),
            max_body: self.max_body_size.unwrap_or(DEFAULT_MAX_BODY_SIZE),
            configured_secret: configured_secret(&credentials),
        });
        let exchange_hooks = match &credentials {
            Credentials::ApiKey { secret, .. } => {
                Hooks::new(FacadeHooks::key_secret(transport.clone(), secret).ok_or_else(|| {
                    Error::invalid(
                        "api_secret",
                        "must be visible ASCII (no control characters, TAB or non-ASCII characters)",
                    )
                })?)
            }
            Credentials::Bearer(_) => Hooks::none(),
        };
        let exchange_client =
            lacework_tokens_api::Client::new_with_client(&base_url, http.clone(), exchange_hooks);
        let auth = Arc::new(Auth::new(
            credentials,
            expiry,
            self.refresh_margin.unwrap_or(DEFAULT_REFRESH_MARGIN),
            exchange_client,
            token_store,
        )?);
        let api_hooks = Hooks::new(FacadeHooks::bearer(transport.clone(), auth.clone()));
        let api = lacework_tokens_api::Client::new_with_client(&base_url, http, api_hooks);
        Ok(Client { inner: Arc::new(Inner { api, transport, auth, base_url }) })
    }
}

/// The configured secret (the API key's, or the caller's bearer) as a sensitive header value,
/// for exact redaction (see `Transport::configured_secret`); `None` if it cannot be one (the
/// build then fails with an error naming it).
fn configured_secret(credentials: &Credentials) -> Option<HeaderValue> {
    let secret = match credentials {
        Credentials::ApiKey { secret, .. } => secret,
        Credentials::Bearer(token) => token,
    };
    let mut value = HeaderValue::from_str(secrecy::ExposeSecret::expose_secret(secret)).ok()?;
    value.set_sensitive(true);
    Some(value)
}

/// What is missing, in the library's terms: the builder and where `from_env` looks.
fn missing(what: Missing) -> Error {
    match what {
        Missing::Account => Error::config(
            "account",
            "no Lacework account: set LW_ACCOUNT (or LW_API_SERVER_URL), a profile's `account` in \
             ~/.lacework.toml, or ClientBuilder::account",
        ),
        Missing::Credentials => Error::config(
            "credentials",
            "no API key and secret (LW_API_KEY, LW_API_SECRET, or a profile's api_key and api_secret) \
             and no bearer token (LW_API_TOKEN)",
        ),
    }
}

/// Whether `value` may be sent as a header value: visible ASCII and spaces, nothing else. CR,
/// LF and other control characters could split or smuggle headers; TAB and bytes past ASCII
/// are allowed by HTTP but refused by the API (and read differently by proxies).
pub(crate) fn is_header_safe(value: &str) -> bool {
    !value.is_empty() && value.bytes().all(|b| (0x20..0x7f).contains(&b))
}

/// A header value of visible ASCII only (see [`is_header_safe`]).
fn header_value(field: &str, value: &str) -> Result<HeaderValue, Error> {
    if !is_header_safe(value) {
        return Err(Error::invalid(field, "must be non-empty visible ASCII (no control characters)"));
    }
    HeaderValue::from_str(value).map_err(|_| Error::invalid(field, "is not a valid HTTP header value"))
}

/// A token lifetime as the exchange's `expiryTime`: whole seconds, 1..=86400.
fn expiry_secs(field: &str, expiry: Duration) -> Result<u32, Error> {
    let secs = expiry.as_secs();
    if (1..=86_400).contains(&secs) && expiry.subsec_nanos() == 0 {
        Ok(secs as u32)
    } else {
        Err(Error::invalid(
            field,
            format!("must be a whole number of seconds from 1 to 86400, got {expiry:?}"),
        ))
    }
}
