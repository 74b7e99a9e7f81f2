//! A Rust SDK for the token endpoints of the Lacework API v2: agent access tokens, API access
//! tokens, and the exchange of an API key for the bearer token every call needs.
//!
//! ```no_run
//! use lacework_tokens::search::Field;
//! use lacework_tokens::{Client, Error};
//!
//! # async fn example() -> Result<(), Error> {
//! // LW_ACCOUNT, LW_API_KEY, LW_API_SECRET... or ~/.lacework.toml, as the Lacework CLI reads them.
//! let client = Client::from_env()?;
//! let token = client.agent_tokens().create("qa").description("QA group").send().await?;
//! let all = client.agent_tokens().list().await?;
//! let hits = client.agent_tokens().search().filter(Field::TokenAlias.eq("qa")).send().await?;
//! client.agent_tokens().update(token.id()).alias("Eng").send().await?; // only the alias is sent
//! client.agent_tokens().disable(token.id()).await?;
//! println!("{} tokens, {} named qa", all.len(), hits.len());
//! # Ok(())
//! # }
//! ```
//!
//! What the client does for you:
//! - exchanges the API key for a bearer on first use, caches it, refreshes it before it expires
//!   (one exchange at a time, however many calls are waiting), and repeats a call once with a
//!   fresh bearer after a 401;
//! - retries what is safe to retry, and never sends a create twice ([`RetryPolicy`]);
//! - turns every wire form of a token into one model ([`models`]), follows paging
//!   ([`AgentTokens::list_stream`](agent_tokens::AgentTokens::list_stream));
//! - keeps secrets out of `Debug`, errors, logs and tracing spans.

pub mod access_tokens;
pub mod agent_tokens;
mod auth;
mod base_url;
mod call;
mod client;
pub mod config;
mod error;
mod hooks;
pub mod models;
mod paging;
mod rate_limit;
mod retry;
pub mod search;
mod transport;

pub use client::{
    Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REFRESH_MARGIN, DEFAULT_TIMEOUT,
    DEFAULT_TOKEN_EXPIRY,
};
pub use error::Error;
pub use models::{
    AccessToken, AgentToken, AgentTokenId, AgentTokenRow, BearerToken, NewAccessToken, Os, Status,
    Subscription,
};
pub use rate_limit::RateLimitInfo;
pub use retry::RetryPolicy;
pub use secrecy::{ExposeSecret, SecretString};
