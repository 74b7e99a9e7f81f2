//! Low-level client for the token endpoints of the Lacework API v2, generated at build time by
//! [progenitor](https://github.com/oxidecomputer/progenitor) from `spec/lacework-tokens.yaml`.
//!
//! Most users want the `lacework-tokens` facade, which adds authentication, retries, typed
//! models and errors on top of this crate. This crate is the wire layer: one builder per
//! operation, grouped in one trait per tag ([`ClientAgentAccessTokensExt`],
//! [`ClientAccessTokensExt`], [`ClientAuthExt`]),
//! and the [`types`] of the spec as they travel on the wire. Secrets in those types are held in
//! [`SecretString`], whose `Debug` hides them; credentials (the bearer, the API key's secret) are
//! never parameters of the builders: they are security schemes, set by a [`RequestHooks`].
//!
//! ```no_run
//! use lacework_tokens_api::{Client, ClientAgentAccessTokensExt};
//!
//! # async fn example() -> Result<(), lacework_tokens_api::Error<lacework_tokens_api::types::Error>> {
//! // A plain client: no hooks, so it sends what you build, with the headers you set.
//! let client = Client::plain("http://127.0.0.1:8080");
//! let tokens = client.list_agent_access_tokens().send().await?;
//! println!("{} tokens", tokens.data.len());
//! # Ok(())
//! # }
//! ```
//!
//! # Hooks
//! A [`Client`] carries a [`Hooks`] value through which a caller prepares each request (sets the
//! bearer, say) and wraps its execution (retries, tracing); see [`hooks`].
//!
//! # TLS
//! This crate enables no TLS backend of `reqwest`: the application picks one (the facade uses
//! rustls). Without one, only `http://` URLs work, which suits a local sandbox.

pub mod hooks;
pub mod rules;
pub mod secret;

pub use hooks::{Hooks, RequestHooks};
pub use secret::SecretString;

#[allow(missing_docs, clippy::all, clippy::pedantic)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/lacework_tokens.rs"));
}

pub use generated::*;

/// The API surface summary that `build.rs` produced (one line per operation); the snapshot
/// tests show it to reviewers.
#[doc(hidden)]
pub const SURFACE: &str = include_str!(concat!(env!("OUT_DIR"), "/surface.txt"));

/// The generated code exactly as `build.rs` wrote it, for the snapshot tests.
#[doc(hidden)]
pub const GENERATED_SOURCE: &str = include_str!(concat!(env!("OUT_DIR"), "/lacework_tokens.rs"));
