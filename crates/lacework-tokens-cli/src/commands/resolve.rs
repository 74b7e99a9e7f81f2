//! Turns a TOKEN argument into one agent token, and an ID argument into one access token's id:
//! a value or id is used as it is; an alias, a shortened value or a name is looked up, and
//! must find exactly one token.

use lacework_tokens::search::{Field, Filter};
use lacework_tokens::{AccessToken, AccessTokenId, AgentToken, AgentTokenId, Client};

use crate::args::{AccessRef, TokenRef};
use crate::error::CliError;

/// The token named: its id only, or the whole token when a search found it.
pub enum Resolved {
    /// A value given in full: nothing was fetched.
    Id(AgentTokenId),
    /// Found by a search.
    Token(Box<AgentToken>),
}

impl Resolved {
    /// The whole token: the one found, or fetched by its id.
    pub async fn fetch(self, client: &Client) -> Result<AgentToken, CliError> {
        Ok(match self {
            Resolved::Token(token) => *token,
            Resolved::Id(id) => client.agent_tokens().get(id).await?,
        })
    }

    /// The token's id.
    pub fn id(&self) -> AgentTokenId {
        match self {
            Resolved::Id(id) => id.clone(),
            Resolved::Token(token) => token.id().clone(),
        }
    }
}

/// Resolves each of `tokens`, in order, with as few searches as it takes: every `alias:` in one
/// search (`in`), each shortened value in its own (a prefix has no `in`), values in none.
pub async fn resolve_all(client: &Client, tokens: &[TokenRef]) -> Result<Vec<Resolved>, CliError> {
    let aliases: Vec<&str> = tokens
        .iter()
        .filter_map(|token| match token {
            TokenRef::Alias(alias) => Some(alias.as_str()),
            _ => None,
        })
        .collect();
    let by_alias =
        if aliases.is_empty() { Vec::new() } else { search(client, Field::Alias.is_in(aliases)).await? };
    let mut resolved = Vec::with_capacity(tokens.len());
    for token in tokens {
        resolved.push(match token {
            TokenRef::Alias(alias) => the_one(
                by_alias.iter().filter(|t| t.alias == *alias).cloned().collect(),
                &format!("the alias {alias:?}"),
            )?,
            other => resolve(client, other).await?,
        });
    }
    Ok(resolved)
}

/// Resolves `token`.
pub async fn resolve(client: &Client, token: &TokenRef) -> Result<Resolved, CliError> {
    let (filter, named) = match token {
        TokenRef::Value(id) => return Ok(Resolved::Id(id.clone())),
        TokenRef::Alias(alias) => (Field::Alias.eq(alias), format!("the alias {alias:?}")),
        TokenRef::Hint(start) => {
            (Field::Token.like(format!("{start}%")), format!("a value starting {start}"))
        }
    };
    the_one(search(client, filter).await?, &named)
}

/// An access token named: its id only, or the whole token when the list found it by name.
pub enum ResolvedAccess {
    /// An id given as it is: nothing was fetched.
    Id(AccessTokenId),
    /// Found by its name in the list.
    Token(Box<AccessToken>),
}

impl ResolvedAccess {
    /// The whole token: the one found by its name (fetching it again would cost a request), or
    /// fetched by its id.
    pub async fn fetch(self, client: &Client) -> Result<AccessToken, CliError> {
        Ok(match self {
            ResolvedAccess::Token(token) => *token,
            ResolvedAccess::Id(id) => client.access_tokens().get(&id).await?,
        })
    }

    /// The token's id.
    pub fn id(&self) -> &AccessTokenId {
        match self {
            ResolvedAccess::Id(id) => id,
            ResolvedAccess::Token(token) => &token.id,
        }
    }
}

/// Resolves an access token's `id` argument.
pub async fn resolve_access(client: &Client, id: &AccessRef) -> Result<ResolvedAccess, CliError> {
    let name = match id {
        AccessRef::Id(id) => return Ok(ResolvedAccess::Id(id.into())),
        AccessRef::Name(name) => name,
    };
    let mut found: Vec<_> = client
        .access_tokens()
        .list()
        .await?
        .into_iter()
        .filter(|t| t.name.as_deref() == Some(name))
        .collect();
    match found.len() {
        0 => Err(CliError::Failed(format!("no API access token has the name {name:?}"))),
        1 => Ok(ResolvedAccess::Token(Box::new(found.remove(0)))),
        n => {
            Err(CliError::Usage(format!("{n} API access tokens have the name {name:?}: name one by its id")))
        }
    }
}

async fn search(client: &Client, filter: Filter) -> Result<Vec<AgentToken>, CliError> {
    Ok(client.agent_tokens().search().filter(filter).send().await?)
}

/// The single match; none is a failure, several are the user's to disambiguate.
fn the_one(mut found: Vec<AgentToken>, named: &str) -> Result<Resolved, CliError> {
    match found.len() {
        0 => Err(CliError::Failed(format!("no agent token has {named}"))),
        1 => Ok(Resolved::Token(Box::new(found.remove(0)))),
        n => {
            let each: Vec<String> = found
                .iter()
                .map(|t| {
                    format!(
                        "{} (created {}, {})",
                        crate::render::hint(t.token.expose_secret()),
                        t.created_at.map_or("unknown".to_owned(), |c| c.format("%Y-%m-%d %H:%M").to_string()),
                        if t.enabled { "enabled" } else { "disabled" }
                    )
                })
                .collect();
            Err(CliError::Usage(format!(
                "{n} agent tokens have {named}: {}; name one by its value or by a longer start of it",
                each.join(", ")
            )))
        }
    }
}
