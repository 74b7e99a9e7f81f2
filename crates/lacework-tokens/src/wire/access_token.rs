//! API access tokens between the wire and the models, both ways.

use lacework_tokens_api::types;
use secrecy::SecretString;

use crate::error::Error;
use crate::models::{AccessToken, AccessTokenId, NewAccessToken, Status};

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

impl From<types::AccessToken> for AccessToken {
    fn from(wire: types::AccessToken) -> Self {
        AccessToken {
            id: AccessTokenId::new(wire.id.or(wire.access_token_id).unwrap_or_default()),
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

/// A name as the wire type takes it: the wire type checks the spec's length limits, so a name
/// the API would refuse is refused before sending.
pub(crate) fn wire_name<T: TryFrom<String, Error: std::fmt::Display>>(name: String) -> Result<T, Error> {
    let length = name.chars().count();
    if length == 0 {
        return Err(Error::invalid("name", "must not be empty"));
    }
    name.try_into().map_err(|e: T::Error| Error::invalid("name", format!("{e} (it has {length})")))
}
