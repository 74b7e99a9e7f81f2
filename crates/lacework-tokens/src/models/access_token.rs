//! [`AccessToken`]: an API access token, and [`NewAccessToken`], the answer to a create, which
//! carries the token's secret this once.

use std::fmt;

use chrono::{DateTime, Utc};
use secrecy::SecretString;

/// Whether an access token can be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    /// In use.
    Active,
    /// Switched off.
    Inactive,
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Status::Active => "active",
            Status::Inactive => "inactive",
        })
    }
}

/// An API access token's id: not a secret (unlike an agent token's value), and not to be mixed
/// up with one. Converts from `&str` and `String`, so calls take ids as they come.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccessTokenId(String);

impl AccessTokenId {
    /// Wraps an id.
    pub fn new(id: impl Into<String>) -> Self {
        AccessTokenId(id.into())
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for AccessTokenId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for AccessTokenId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for AccessTokenId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for AccessTokenId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl From<&str> for AccessTokenId {
    fn from(id: &str) -> Self {
        AccessTokenId::new(id)
    }
}

impl From<String> for AccessTokenId {
    fn from(id: String) -> Self {
        AccessTokenId(id)
    }
}

impl From<&String> for AccessTokenId {
    fn from(id: &String) -> Self {
        AccessTokenId(id.clone())
    }
}

impl From<&AccessTokenId> for AccessTokenId {
    fn from(id: &AccessTokenId) -> Self {
        id.clone()
    }
}

/// An API access token (its secret is only in [`NewAccessToken`]).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct AccessToken {
    /// Its id (`id`, or `accessTokenId` when only that is sent).
    pub id: AccessTokenId,
    /// Its name.
    pub name: Option<String>,
    /// Its owner.
    pub user_id: Option<String>,
    /// When it was created.
    pub created_at: Option<DateTime<Utc>>,
    /// When it last changed.
    pub updated_at: Option<DateTime<Utc>>,
    /// When it stops working.
    pub expires_at: Option<DateTime<Utc>>,
    /// What it grants.
    pub scope: Vec<String>,
    /// Active or inactive.
    pub status: Option<Status>,
}

/// A freshly created access token and its secret, which the API returns only this once.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct NewAccessToken {
    /// The token.
    pub token: AccessToken,
    /// Its secret. `Debug` hides it.
    pub secret: Option<SecretString>,
}
