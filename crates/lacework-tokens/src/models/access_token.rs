//! [`AccessToken`]: an API access token, and [`NewAccessToken`], the answer to a create, which
//! carries the token's secret this once.

use std::fmt;

use chrono::{DateTime, Utc};
use lacework_tokens_api::types;
use secrecy::SecretString;

/// Whether an access token can be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    /// In use.
    Active,
    /// Switched off.
    Inactive,
}

impl From<types::AccessTokenStatus> for Status {
    fn from(status: types::AccessTokenStatus) -> Self {
        match status {
            types::AccessTokenStatus::Active => Status::Active,
            types::AccessTokenStatus::Inactive => Status::Inactive,
        }
    }
}

impl From<Status> for types::AccessTokenStatus {
    fn from(status: Status) -> Self {
        match status {
            Status::Active => types::AccessTokenStatus::Active,
            Status::Inactive => types::AccessTokenStatus::Inactive,
        }
    }
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

impl From<types::AccessToken> for AccessToken {
    fn from(wire: types::AccessToken) -> Self {
        AccessToken {
            id: AccessTokenId(wire.id.or(wire.access_token_id).unwrap_or_default()),
            name: wire.name,
            user_id: wire.user_id,
            created_at: wire.creation_date,
            updated_at: wire.last_updated,
            expires_at: wire.expiration_date,
            scope: wire.scope,
            status: wire.status.map(Status::from),
        }
    }
}

impl From<types::AccessToken> for NewAccessToken {
    fn from(mut wire: types::AccessToken) -> Self {
        let secret = wire.token.take().map(|s| SecretString::from(s.into_inner()));
        NewAccessToken { token: wire.into(), secret }
    }
}
