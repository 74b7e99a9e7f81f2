//! API access tokens: list, create (the secret comes back once), get, patch and delete.

use chrono::{DateTime, Utc};
use lacework_tokens_api::ClientAccessTokensExt;
use lacework_tokens_api::ops;
use lacework_tokens_api::types;

use crate::error::Error;
use crate::models::{AccessToken, AccessTokenId, NewAccessToken, Status};
use crate::path_id;
use crate::wire::wire_name;
use crate::{Client, call};

/// The API access tokens (see [`Client::access_tokens`]).
#[derive(Clone, Copy, Debug)]
pub struct AccessTokens<'c> {
    pub(crate) client: &'c Client,
}

/// Checks `name` as a create or a patch would before sending it (the spec's length limits), so
/// that a caller can refuse it before spending requests on anything else.
pub fn check_name(name: &str) -> Result<(), Error> {
    wire_name::<types::AccessTokenPostName>(name.to_owned())?;
    wire_name::<types::AccessTokenPatchName>(name.to_owned()).map(drop)
}

fn checked_id(id: &AccessTokenId) -> Result<&str, Error> {
    path_id::checked("id", id.as_str())
}

impl<'c> AccessTokens<'c> {
    /// Every access token.
    pub async fn list(&self) -> Result<Vec<AccessToken>, Error> {
        let call = self.client.inner.api.list_access_tokens().send();
        Ok(self
            .client
            .run(ops::LIST_ACCESS_TOKENS.id, call)
            .await?
            .items
            .into_iter()
            .map(AccessToken::from)
            .collect())
    }

    /// Starts creating a token named `name`.
    pub fn create(&self, name: impl Into<String>) -> CreateAccessToken<'c> {
        CreateAccessToken {
            client: self.client,
            name: name.into(),
            scope: Vec::new(),
            expires_at: None,
            status: None,
        }
    }

    /// One token.
    pub async fn get(&self, id: impl Into<AccessTokenId>) -> Result<AccessToken, Error> {
        let id = id.into();
        let call = self.client.inner.api.get_access_token().access_token_id(checked_id(&id)?).send();
        Ok(self.client.run(ops::GET_ACCESS_TOKEN.id, call).await?.into())
    }

    /// Starts a patch of the token's name or status.
    pub fn patch(&self, id: impl Into<AccessTokenId>) -> PatchAccessToken<'c> {
        PatchAccessToken { client: self.client, id: id.into(), name: None, status: None }
    }

    /// Rotates `old`: creates its replacement (the old token's name and scope unless set on
    /// the builder), then, if asked, makes the old token inactive or deletes it, only once the
    /// replacement exists. The create is sent at most once.
    pub fn rotate(&self, old: AccessToken) -> RotateAccessToken<'c> {
        RotateAccessToken { client: self.client, old, name: None, expires_at: None, retire: Retire::Keep }
    }

    /// Deletes a token; getting it afterwards answers 404. If an attempt timed out or its answer
    /// broke off and the retry finds the token gone, the delete is taken as done.
    pub async fn delete(&self, id: impl Into<AccessTokenId>) -> Result<(), Error> {
        let id = id.into();
        let call = self.client.inner.api.delete_access_token().access_token_id(checked_id(&id)?).send();
        let (outcome, context) = call::scoped(call).await;
        let maybe_applied = context.maybe_applied;
        match call::settle(ops::DELETE_ACCESS_TOKEN.id, self.client.inner.auth.kind(), outcome, context).await
        {
            Ok(answer) if answer.success => Ok(()),
            Ok(_) => Err(Error::Api {
                status: reqwest::StatusCode::OK,
                message: Some("the API did not confirm the delete".into()),
                kind: None,
                rate_limit: None,
            }),
            Err(Error::Api { status: reqwest::StatusCode::NOT_FOUND, .. }) if maybe_applied => Ok(()),
            Err(e) => Err(e),
        }
    }
}

/// A create in the making (see [`AccessTokens::create`]).
#[derive(Debug)]
#[must_use = "nothing is created until `.send().await`"]
pub struct CreateAccessToken<'c> {
    client: &'c Client,
    name: String,
    scope: Vec<String>,
    expires_at: Option<DateTime<Utc>>,
    status: Option<Status>,
}

impl CreateAccessToken<'_> {
    /// What it grants, e.g. `devices`, `devices.state`.
    pub fn scope(mut self, scope: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.scope = scope.into_iter().map(Into::into).collect();
        self
    }

    /// When it stops working.
    pub fn expires_at(mut self, at: DateTime<Utc>) -> Self {
        self.expires_at = Some(at);
        self
    }

    /// Active (the default) or inactive.
    pub fn status(mut self, status: Status) -> Self {
        self.status = Some(status);
        self
    }

    /// Creates the token; the answer holds its secret, which the API returns only this once.
    /// Sent at most once.
    pub async fn send(self) -> Result<NewAccessToken, Error> {
        let body = types::AccessTokenPost {
            name: wire_name(self.name)?,
            scope: self.scope,
            expiration_date: self.expires_at,
            status: self.status.map(Into::into),
        };
        let call = self.client.inner.api.create_access_token().body(body).send();
        Ok(self.client.run(ops::CREATE_ACCESS_TOKEN.id, call).await?.into())
    }
}

/// A patch in the making (see [`AccessTokens::patch`]); only the fields set are sent.
#[derive(Debug)]
#[must_use = "nothing changes until `.send().await`"]
pub struct PatchAccessToken<'c> {
    client: &'c Client,
    id: AccessTokenId,
    name: Option<String>,
    status: Option<Status>,
}

impl PatchAccessToken<'_> {
    /// A new name (see [`check_name`]).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// A new status.
    pub fn status(mut self, status: Status) -> Self {
        self.status = Some(status);
        self
    }

    /// Sends the fields set, and returns the token as it now is.
    pub async fn send(self) -> Result<AccessToken, Error> {
        let id = checked_id(&self.id)?;
        if self.name.is_none() && self.status.is_none() {
            return Err(Error::invalid("patch", "nothing to change: set name or status"));
        }
        let body = types::AccessTokenPatch {
            name: self.name.map(wire_name).transpose()?,
            status: self.status.map(Into::into),
        };
        let call = self.client.inner.api.patch_access_token().access_token_id(id).body(body).send();
        Ok(self.client.run(ops::PATCH_ACCESS_TOKEN.id, call).await?.into())
    }
}

/// What a rotation does with the old access token once the replacement exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retire {
    /// Leave it as it is.
    Keep,
    /// Make it inactive.
    Deactivate,
    /// Delete it.
    Delete,
}

/// A rotation in the making (see [`AccessTokens::rotate`]).
#[derive(Debug)]
#[must_use = "nothing changes until `.send().await`"]
pub struct RotateAccessToken<'c> {
    client: &'c Client,
    old: AccessToken,
    name: Option<String>,
    expires_at: Option<DateTime<Utc>>,
    retire: Retire,
}

/// A rotation done: the old token (as it now is; `None` once deleted) and the new one, with its
/// secret.
#[derive(Debug)]
pub struct AccessRotation {
    /// The old token, unless it was deleted.
    pub old: Option<AccessToken>,
    /// The replacement and its secret.
    pub new: NewAccessToken,
}

/// The step a rotation failed at, and what was done before it.
#[derive(Debug, thiserror::Error)]
pub enum AccessRotateError {
    /// Creating the replacement failed: nothing was changed.
    #[error("rotation failed creating the replacement: {error}; nothing was changed")]
    Create {
        /// The old token, untouched.
        old: Box<AccessToken>,
        /// Why.
        error: Error,
    },
    /// The replacement exists, but retiring the old token failed: it is as it was.
    #[error(
        "rotation failed retiring the old token: {error}; the replacement exists and the old token is unchanged"
    )]
    Retire {
        /// The old token, unchanged.
        old: Box<AccessToken>,
        /// The replacement and its secret.
        new: Box<NewAccessToken>,
        /// Why.
        error: Error,
    },
}

impl RotateAccessToken<'_> {
    /// The replacement's name, instead of the old token's.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// When the replacement expires (default: the API's default, not the old token's time).
    pub fn expires_at(mut self, at: DateTime<Utc>) -> Self {
        self.expires_at = Some(at);
        self
    }

    /// What to do with the old token once the replacement exists.
    pub fn retire(mut self, retire: Retire) -> Self {
        self.retire = retire;
        self
    }

    /// Creates the replacement, then retires the old token as asked.
    pub async fn send(self) -> Result<AccessRotation, AccessRotateError> {
        let tokens = self.client.access_tokens();
        let old = self.old;
        let name = self.name.or_else(|| old.name.clone()).unwrap_or_else(|| old.id.to_string());
        let mut create = tokens.create(name).scope(old.scope.clone());
        if let Some(at) = self.expires_at {
            create = create.expires_at(at);
        }
        let new = match create.send().await {
            Ok(new) => new,
            Err(error) => return Err(AccessRotateError::Create { old: Box::new(old), error }),
        };
        let retired = match self.retire {
            Retire::Keep => Ok(Some(old.clone())),
            Retire::Deactivate => {
                tokens.patch(old.id.clone()).status(Status::Inactive).send().await.map(Some)
            }
            Retire::Delete => tokens.delete(&old.id).await.map(|()| None),
        };
        match retired {
            Ok(old) => Ok(AccessRotation { old, new }),
            Err(error) => Err(AccessRotateError::Retire { old: Box::new(old), new: Box::new(new), error }),
        }
    }
}
