#![doc = include_str!("../README.md")]

pub mod access_tokens;
pub mod agent_tokens;
mod auth;
mod base_url;
pub mod budget;
mod call;
mod client;
pub mod config;
mod error;
#[cfg(feature = "internals")]
#[doc(hidden)]
pub mod fuzz;
mod hooks;
pub mod models;
mod operation;
mod paging;
mod path_id;
mod rate_limit;
mod retry;
pub mod search;
pub mod token_store;
mod transport;
mod wire;

pub use client::{
    Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_BODY_SIZE, DEFAULT_REFRESH_MARGIN,
    DEFAULT_TIMEOUT, DEFAULT_TOKEN_EXPIRY,
};
pub use error::Error;
pub use models::{
    AccessToken, AccessTokenId, AgentToken, AgentTokenId, AgentTokenRow, BearerToken, NewAccessToken, Os,
    Status, Subscription,
};
pub use rate_limit::RateLimitInfo;
pub use retry::RetryPolicy;
pub use secrecy::{ExposeSecret, SecretString};
