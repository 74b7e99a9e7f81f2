//! Agent access tokens: create, list, get, update (only the fields set), enable, disable and
//! typed search, with lists and searches also as streams across pages.

use chrono::{DateTime, Utc};
use futures_util::{Stream, TryStreamExt};
use lacework_tokens_api::ClientAgentAccessTokensExt;
use lacework_tokens_api::ops;
use lacework_tokens_api::types::{
    self, AgentAccessTokenList, AgentAccessTokenSearch, AgentAccessTokenSearchResult, Paging,
};

use crate::Client;
use crate::error::Error;
use crate::models::{AgentToken, AgentTokenId, AgentTokenRow, Os, Subscription};
use crate::paging::{self, Page};
use crate::path_id;
use crate::search::{Field, Filter};
use crate::wire::{props_input, time_filter, token_enabled, wire_alias};

/// Checks `alias` as a create or an update would before sending it (not blank, and the spec's
/// limits through the wire types), so that a caller can refuse it before spending requests on
/// anything else.
pub fn check_alias(alias: &str) -> Result<(), Error> {
    wire_alias::<types::AgentAccessTokenCreateTokenAlias>(alias.to_owned())?;
    wire_alias::<types::AgentAccessTokenUpdateTokenAlias>(alias.to_owned()).map(drop)
}

/// The agent access tokens of the client's account (see [`Client::agent_tokens`]).
#[derive(Clone, Copy, Debug)]
pub struct AgentTokens<'c> {
    pub(crate) client: &'c Client,
}

impl Page for AgentAccessTokenList {
    type Item = types::AgentAccessToken;
    fn into_parts(self) -> (Vec<Self::Item>, Option<Paging>) {
        (self.data, self.paging)
    }
}

impl Page for AgentAccessTokenSearchResult {
    type Item = types::AgentAccessTokenRow;
    fn into_parts(self) -> (Vec<Self::Item>, Option<Paging>) {
        (self.data, self.paging)
    }
}

impl<'c> AgentTokens<'c> {
    /// Starts creating a token named `alias`; enabled unless [`enabled(false)`](CreateAgentToken::enabled).
    pub fn create(&self, alias: impl Into<String>) -> CreateAgentToken<'c> {
        CreateAgentToken {
            client: self.client,
            alias: alias.into(),
            enabled: None,
            description: None,
            os: None,
            subscription: None,
        }
    }

    /// Every token, across all pages.
    pub async fn list(&self) -> Result<Vec<AgentToken>, Error> {
        self.list_stream().try_collect().await
    }

    /// Every token, page by page as the stream is read.
    pub fn list_stream(&self) -> impl Stream<Item = Result<AgentToken, Error>> + 'c {
        let client = self.client;
        let first =
            client.run(ops::LIST_AGENT_ACCESS_TOKENS.id, client.inner.api.list_agent_access_tokens().send());
        paging::items::<AgentAccessTokenList, _>(client, first).map_ok(AgentToken::from)
    }

    /// One token.
    pub async fn get(&self, id: impl Into<AgentTokenId>) -> Result<AgentToken, Error> {
        let id = id.into();
        let call = self.client.inner.api.get_agent_access_token().id(checked_id(&id)?).send();
        Ok(self.client.run(ops::GET_AGENT_ACCESS_TOKEN.id, call).await?.data.into())
    }

    /// Starts an update that sends only the fields set: a rename leaves `enabled` alone.
    pub fn update(&self, id: impl Into<AgentTokenId>) -> UpdateAgentToken<'c> {
        UpdateAgentToken { client: self.client, id: id.into(), alias: None, enabled: None, description: None }
    }

    /// Enables a token.
    pub async fn enable(&self, id: impl Into<AgentTokenId>) -> Result<AgentToken, Error> {
        self.update(id).enabled(true).send().await
    }

    /// Disables a token: agents using it can no longer connect.
    pub async fn disable(&self, id: impl Into<AgentTokenId>) -> Result<AgentToken, Error> {
        self.update(id).enabled(false).send().await
    }

    /// Rotates `old`: creates its replacement (the old token's alias, description, OS and
    /// subscription unless set on the builder), then, with
    /// [`disable_old`](RotateAgentToken::disable_old), disables the old token, only once the
    /// replacement exists. The create is sent at most once.
    pub fn rotate(&self, old: AgentToken) -> RotateAgentToken<'c> {
        RotateAgentToken { client: self.client, old, alias: None, description: None, disable_old: false }
    }

    /// Starts a search.
    pub fn search(&self) -> SearchBuilder<'c> {
        SearchBuilder {
            client: self.client,
            filters: Vec::new(),
            start: None,
            end: None,
            returns: Vec::new(),
        }
    }
}

fn checked_id(id: &AgentTokenId) -> Result<&str, Error> {
    path_id::checked("token", id.expose_secret())
}

/// A create in the making (see [`AgentTokens::create`]).
#[derive(Debug)]
#[must_use = "nothing is created until `.send().await`"]
pub struct CreateAgentToken<'c> {
    client: &'c Client,
    alias: String,
    enabled: Option<bool>,
    description: Option<String>,
    os: Option<Os>,
    subscription: Option<Subscription>,
}

impl CreateAgentToken<'_> {
    /// Whether the token starts enabled (it does by default).
    pub fn enabled(mut self, enabled: bool) -> Self {
        self.enabled = Some(enabled);
        self
    }

    /// A description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// The operating system of the agents that will use it.
    pub fn os(mut self, os: Os) -> Self {
        self.os = Some(os);
        self
    }

    /// The subscription the agents belong to.
    pub fn subscription(mut self, subscription: Subscription) -> Self {
        self.subscription = Some(subscription);
        self
    }

    /// Creates the token. Sent at most once: a create is never retried once it may have reached
    /// the server.
    pub async fn send(self) -> Result<AgentToken, Error> {
        let body = types::AgentAccessTokenCreate {
            token_alias: wire_alias(self.alias)?,
            token_enabled: self.enabled.map(token_enabled),
            props: props_input(self.description, self.os.as_ref(), self.subscription.as_ref())?,
        };
        let call = self.client.inner.api.create_agent_access_token().body(body).send();
        Ok(self.client.run(ops::CREATE_AGENT_ACCESS_TOKEN.id, call).await?.data.into())
    }
}

/// An update in the making (see [`AgentTokens::update`]); only the fields set are sent.
#[derive(Debug)]
#[must_use = "nothing changes until `.send().await`"]
pub struct UpdateAgentToken<'c> {
    client: &'c Client,
    id: AgentTokenId,
    alias: Option<String>,
    enabled: Option<bool>,
    description: Option<String>,
}

impl UpdateAgentToken<'_> {
    /// A new name.
    pub fn alias(mut self, alias: impl Into<String>) -> Self {
        self.alias = Some(alias.into());
        self
    }

    /// Enables or disables the token.
    pub fn enabled(mut self, enabled: bool) -> Self {
        self.enabled = Some(enabled);
        self
    }

    /// A new description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Sends the fields set, and returns the token as it now is.
    pub async fn send(self) -> Result<AgentToken, Error> {
        let id = checked_id(&self.id)?;
        if self.alias.is_none() && self.enabled.is_none() && self.description.is_none() {
            return Err(Error::invalid("update", "nothing to change: set alias, enabled or description"));
        }
        let body = types::AgentAccessTokenUpdate {
            token_alias: self.alias.map(wire_alias).transpose()?,
            token_enabled: self.enabled.map(token_enabled),
            props: props_input(self.description, None, None)?,
        };
        let call = self.client.inner.api.update_agent_access_token().id(id).body(body).send();
        Ok(self.client.run(ops::UPDATE_AGENT_ACCESS_TOKEN.id, call).await?.data.into())
    }
}

/// A search in the making (see [`AgentTokens::search`]). Every filter must hold.
#[derive(Debug)]
#[must_use = "nothing is searched until `.send().await`"]
pub struct SearchBuilder<'c> {
    client: &'c Client,
    filters: Vec<Filter>,
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
    returns: Vec<Field>,
}

impl<'c> SearchBuilder<'c> {
    /// Adds a filter, e.g. `Field::Alias.like("ci-%")`.
    pub fn filter(mut self, filter: Filter) -> Self {
        self.filters.push(filter);
        self
    }

    /// Adds several filters.
    pub fn filters(mut self, filters: impl IntoIterator<Item = Filter>) -> Self {
        self.filters.extend(filters);
        self
    }

    /// Only tokens created within this window (`timeFilter`); either end may be open.
    pub fn time_range(mut self, start: Option<DateTime<Utc>>, end: Option<DateTime<Utc>>) -> Self {
        self.start = start;
        self.end = end;
        self
    }

    /// Only these fields in each row (`returns`); read the rows with [`send_rows`](Self::send_rows).
    pub fn returns(mut self, fields: impl IntoIterator<Item = Field>) -> Self {
        self.returns = fields.into_iter().collect();
        self
    }

    fn body(&self) -> Result<AgentAccessTokenSearch, Error> {
        Ok(AgentAccessTokenSearch {
            filters: self.filters.iter().enumerate().map(|(i, f)| f.to_wire(i)).collect::<Result<_, _>>()?,
            returns: self.returns.iter().map(|f| f.wire()).collect(),
            time_filter: match (self.start, self.end) {
                (None, None) => None,
                (start, end) => Some(time_filter(start, end)),
            },
        })
    }

    /// The matching tokens, across all pages.
    pub async fn send(self) -> Result<Vec<AgentToken>, Error> {
        self.stream().try_collect().await
    }

    /// The matching rows, with only the `returns` fields, across all pages.
    pub async fn send_rows(self) -> Result<Vec<AgentTokenRow>, Error> {
        self.stream_rows().try_collect().await
    }

    /// The matching tokens, page by page as the stream is read.
    pub fn stream(self) -> impl Stream<Item = Result<AgentToken, Error>> + 'c {
        let projected = !self.returns.is_empty();
        self.stream_rows().and_then(move |row| async move {
            if projected {
                return Err(Error::invalid(
                    "returns",
                    "rows with only some fields are not tokens: use send_rows",
                ));
            }
            row.into_token().ok_or_else(|| Error::Decode {
                operation: ops::SEARCH_AGENT_ACCESS_TOKENS.id,
                status: None,
                path: "data[]".to_owned(),
                message: "a row lacks accessToken, tokenAlias or tokenEnabled".to_owned(),
                body: String::new(),
            })
        })
    }

    /// The matching rows, page by page as the stream is read.
    pub fn stream_rows(self) -> impl Stream<Item = Result<AgentTokenRow, Error>> + 'c {
        let client = self.client;
        let body = self.body();
        let first = async move {
            let call = client.inner.api.search_agent_access_tokens().body(body?).send();
            client.run(ops::SEARCH_AGENT_ACCESS_TOKENS.id, call).await
        };
        paging::items::<AgentAccessTokenSearchResult, _>(client, first).map_ok(AgentTokenRow::from)
    }
}

/// A rotation in the making (see [`AgentTokens::rotate`]).
#[derive(Debug)]
#[must_use = "nothing changes until `.send().await`"]
pub struct RotateAgentToken<'c> {
    client: &'c Client,
    old: AgentToken,
    alias: Option<String>,
    description: Option<String>,
    disable_old: bool,
}

/// A rotation done: the token replaced (as it now is) and its replacement.
#[derive(Debug)]
pub struct AgentRotation {
    /// The old token; disabled if that was asked.
    pub old: AgentToken,
    /// The replacement, with its full value.
    pub new: AgentToken,
}

/// The step a rotation failed at, and what was done before it.
#[derive(Debug, thiserror::Error)]
pub enum AgentRotateError {
    /// Creating the replacement failed: nothing was changed (the old token is as it was).
    #[error("rotation failed creating the replacement: {error}; nothing was changed")]
    Create {
        /// The old token, untouched.
        old: Box<AgentToken>,
        /// Why.
        error: Error,
    },
    /// The replacement exists, but disabling the old token failed: it is still enabled.
    #[error(
        "rotation failed disabling the old token: {error}; the replacement exists and the old token is \
         still enabled"
    )]
    DisableOld {
        /// The old token, still enabled.
        old: Box<AgentToken>,
        /// The replacement, with its full value.
        new: Box<AgentToken>,
        /// Why.
        error: Error,
    },
}

impl RotateAgentToken<'_> {
    /// The replacement's alias, instead of the old token's.
    pub fn alias(mut self, alias: impl Into<String>) -> Self {
        self.alias = Some(alias.into());
        self
    }

    /// The replacement's description, instead of the old token's.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Disables the old token once the replacement exists.
    pub fn disable_old(mut self, disable: bool) -> Self {
        self.disable_old = disable;
        self
    }

    /// Creates the replacement, then disables the old token if asked.
    pub async fn send(self) -> Result<AgentRotation, AgentRotateError> {
        let tokens = self.client.agent_tokens();
        let old = self.old;
        let mut create = tokens.create(self.alias.unwrap_or_else(|| old.alias.clone()));
        if let Some(description) = self.description.or_else(|| old.description.clone()) {
            create = create.description(description);
        }
        if let Some(os) = old.os.clone() {
            create = create.os(os);
        }
        if let Some(subscription) = old.subscription.clone() {
            create = create.subscription(subscription);
        }
        let new = match create.send().await {
            Ok(new) => new,
            Err(error) => return Err(AgentRotateError::Create { old: Box::new(old), error }),
        };
        if !self.disable_old || !old.enabled {
            return Ok(AgentRotation { old, new });
        }
        match tokens.disable(old.id().clone()).await {
            Ok(disabled) => Ok(AgentRotation { old: disabled, new }),
            Err(error) => Err(AgentRotateError::DisableOld { old: Box::new(old), new: Box::new(new), error }),
        }
    }
}
