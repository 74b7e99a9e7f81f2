//! The sandbox's data: agent tokens and access tokens per sub-account, issued bearer tokens, and
//! the remaining pages of paged answers. Plain data and lookups; the HTTP layer is elsewhere.

use std::collections::HashMap;
use std::time::Instant;

use chrono::{DateTime, Duration, SubsecRound, TimeZone, Utc};

use crate::random;

/// The current time at the service's precision (milliseconds), so that a time read from an
/// answer compares equal to the stored one.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(3)
}

/// One agent access token, as the sandbox keeps it (the wire forms are made in `wire`).
#[derive(Clone, Debug, PartialEq)]
pub struct AgentTokenRecord {
    /// The token value, which is also its id.
    pub access_token: String,
    /// The token's name.
    pub alias: String,
    /// Whether agents may use it.
    pub enabled: bool,
    /// When it was created.
    pub created: DateTime<Utc>,
    /// `props.description`.
    pub description: Option<String>,
    /// `props.os`.
    pub os: Option<String>,
    /// `props.subscription`.
    pub subscription: Option<String>,
    /// The token format version.
    pub version: String,
}

/// Whether an access token can be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccessTokenStatus {
    /// In use.
    Active,
    /// Switched off.
    Inactive,
}

/// One API access token.
#[derive(Clone, Debug, PartialEq)]
pub struct AccessTokenRecord {
    /// `id` and `accessTokenId`.
    pub id: String,
    /// The owner.
    pub user_id: String,
    /// 1 to 255 characters.
    pub name: String,
    /// When it was created.
    pub created: DateTime<Utc>,
    /// When it last changed.
    pub updated: DateTime<Utc>,
    /// When it stops working, if ever.
    pub expires: Option<DateTime<Utc>>,
    /// What it grants.
    pub scope: Vec<String>,
    /// Active or inactive.
    pub status: AccessTokenStatus,
}

/// The data of one sub-account (the primary account is the sub-account named "").
#[derive(Debug, Default)]
pub struct Account {
    agent_tokens: Vec<AgentTokenRecord>,
    agent_index: HashMap<String, usize>,
    /// Access tokens in creation order.
    pub access_tokens: Vec<AccessTokenRecord>,
}

impl Account {
    /// Agent tokens in creation order.
    pub fn agent_tokens(&self) -> &[AgentTokenRecord] {
        &self.agent_tokens
    }

    /// The agent token whose value is `token`.
    pub fn agent_token(&self, token: &str) -> Option<&AgentTokenRecord> {
        self.agent_index.get(token).map(|&i| &self.agent_tokens[i])
    }

    /// The agent token whose value is `token`, to change it.
    pub fn agent_token_mut(&mut self, token: &str) -> Option<&mut AgentTokenRecord> {
        self.agent_index.get(token).map(|&i| &mut self.agent_tokens[i])
    }

    /// Stores a new agent token.
    pub fn insert_agent_token(&mut self, record: AgentTokenRecord) {
        self.agent_index.insert(record.access_token.clone(), self.agent_tokens.len());
        self.agent_tokens.push(record);
    }

    /// The access token with this id.
    pub fn access_token(&self, id: &str) -> Option<&AccessTokenRecord> {
        self.access_tokens.iter().find(|t| t.id == id)
    }

    /// The access token with this id, to change it.
    pub fn access_token_mut(&mut self, id: &str) -> Option<&mut AccessTokenRecord> {
        self.access_tokens.iter_mut().find(|t| t.id == id)
    }
}

/// A bearer token the exchange issued.
#[derive(Clone, Debug)]
pub struct Bearer {
    /// The API key it was issued for: rate limits count per key.
    pub key_id: String,
    /// When it stops working.
    pub expires: Instant,
}

/// The rest of a paged answer, fetched through `paging.urls.nextPage`.
#[derive(Debug)]
pub struct PendingPages {
    /// Rows not yet sent, already in their wire form.
    pub rows: Vec<serde_json::Value>,
    /// Rows in the whole answer.
    pub total_rows: usize,
    /// The bearer's key: only its owner may read on.
    pub key_id: String,
}

/// Everything the sandbox stores.
#[derive(Debug, Default)]
pub struct Store {
    accounts: HashMap<String, Account>,
    /// Issued bearer tokens by value.
    pub bearers: HashMap<String, Bearer>,
    /// Unread pages by cursor.
    pub pages: HashMap<String, PendingPages>,
}

impl Store {
    /// The data of `sub_account` ("" for the primary account), created on first use.
    pub fn account(&mut self, sub_account: &str) -> &mut Account {
        self.accounts.entry(sub_account.to_owned()).or_default()
    }

    /// Adds a handful of realistic tokens to the primary account.
    pub fn seed_demo(&mut self, user_id: &str) {
        let base = Utc.with_ymd_and_hms(2024, 3, 1, 9, 30, 0).single().unwrap_or_else(now);
        let demo = [
            ("prod-linux-fleet", true, "Production Linux hosts", Some("linux"), Some("enterprise")),
            ("prod-windows-fleet", true, "Production Windows hosts", Some("windows"), Some("enterprise")),
            ("staging", true, "Staging cluster", Some("linux"), Some("professional")),
            ("ci-runners", true, "Ephemeral CI runners", Some("linux"), Some("standard")),
            ("ci-legacy", false, "Old CI, kept for audit", Some("linux"), Some("standard")),
            ("dev-laptops", false, "", None, None),
        ];
        let account = self.account("");
        for (i, (alias, enabled, description, os, subscription)) in demo.into_iter().enumerate() {
            let created = base + Duration::days(30 * i as i64) + Duration::milliseconds(137 * i as i64);
            account.insert_agent_token(AgentTokenRecord {
                access_token: random::agent_token(),
                alias: alias.to_owned(),
                enabled,
                created,
                description: (!description.is_empty()).then(|| description.to_owned()),
                os: os.map(str::to_owned),
                subscription: subscription.map(str::to_owned),
                version: "0.1".to_owned(),
            });
        }
        for (name, scope) in
            [("terraform", vec!["devices"]), ("dashboards", vec!["devices", "devices.state"])]
        {
            account.access_tokens.push(AccessTokenRecord {
                id: random::object_id(),
                user_id: user_id.to_owned(),
                name: name.to_owned(),
                created: base,
                updated: base,
                expires: None,
                scope: scope.into_iter().map(str::to_owned).collect(),
                status: AccessTokenStatus::Active,
            });
        }
    }
}
