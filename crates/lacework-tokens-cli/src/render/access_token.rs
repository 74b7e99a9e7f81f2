//! API access tokens as printed: a list, one token's details (with its secret right after a
//! create, the only time the API returns it), and a delete's confirmation.

use comfy_table::Color;
use lacework_tokens::{AccessToken, ExposeSecret, NewAccessToken, Status};
use schemars::JsonSchema;
use serde::Serialize;

use super::table::{TableStyle, Text};
use super::{Listing, View, time};

/// A time as the views write it (RFC 3339, UTC, milliseconds), and its schema.
type Time = Option<chrono::DateTime<chrono::Utc>>;

/// One API access token (docs/json.md, "Access token").
#[derive(Serialize, JsonSchema)]
pub struct AccessTokenView {
    /// The token's id (ID arguments also accept `name:NAME`).
    id: String,
    /// The token's name.
    name: Option<String>,
    /// `active`, `inactive`, or a value as sent.
    status: Option<String>,
    /// What it grants.
    scope: Vec<String>,
    /// Its owner.
    user_id: Option<String>,
    /// When it was created.
    #[serde(serialize_with = "time::serialize")]
    #[schemars(with = "Time")]
    created_at: Time,
    /// When it was last changed.
    #[serde(serialize_with = "time::serialize")]
    #[schemars(with = "Time")]
    updated_at: Time,
    /// When it expires.
    #[serde(serialize_with = "time::serialize")]
    #[schemars(with = "Time")]
    expires_at: Time,
    /// The token's secret, which the API returns only when it is created: only from `access
    /// create` and `access rotate`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    secret: Option<String>,
}

impl AccessTokenView {
    /// The view of a token read back from the API.
    pub fn new(token: &AccessToken) -> AccessTokenView {
        AccessTokenView {
            id: token.id.to_string(),
            name: token.name.clone(),
            status: token.status.map(|s| s.to_string()),
            scope: token.scope.clone(),
            user_id: token.user_id.clone(),
            created_at: token.created_at,
            updated_at: token.updated_at,
            expires_at: token.expires_at,
            secret: None,
        }
    }

    /// The view of a token just created, with its secret.
    pub fn created(new: &NewAccessToken) -> AccessTokenView {
        AccessTokenView {
            secret: new.secret.as_ref().map(|s| s.expose_secret().to_owned()),
            ..AccessTokenView::new(&new.token)
        }
    }

    fn status(&self) -> Text {
        match self.status.as_deref() {
            Some(status) if status == Status::Active.to_string() => Text::colored(status, Color::Green),
            Some(status) => Text::colored(status, Color::Red),
            None => Text::plain("-"),
        }
    }

    fn scope(&self) -> String {
        if self.scope.is_empty() { "-".to_owned() } else { self.scope.join(",") }
    }
}

/// `access list`: a JSON array of access tokens.
#[derive(Serialize, JsonSchema)]
#[serde(transparent)]
pub struct AccessTokenList(pub Vec<AccessTokenView>);

impl Listing for AccessTokenList {
    type Row = AccessTokenView;

    fn rows(&self) -> &[AccessTokenView] {
        &self.0
    }

    fn columns(&self) -> Vec<&'static str> {
        vec!["id", "name", "status", "scope", "user_id", "created_at", "updated_at", "expires_at"]
    }
}

impl View for AccessTokenList {
    fn table(&self, style: &TableStyle) -> String {
        if self.0.is_empty() {
            return "no API access tokens\n".to_owned();
        }
        let rows = self
            .0
            .iter()
            .map(|t| {
                vec![
                    Text::plain(t.id.clone()),
                    Text::plain(t.name.clone().unwrap_or_else(|| "-".to_owned())),
                    t.status(),
                    Text::plain(t.scope()),
                    Text::plain(time::table(t.created_at)),
                    Text::plain(time::table(t.expires_at)),
                ]
            })
            .collect();
        style.list(&["ID", "NAME", "STATUS", "SCOPE", "CREATED (UTC)", "EXPIRES (UTC)"], rows)
    }
}

/// `access show`, `create`, `update` and `rotate`: one access token.
#[derive(Serialize, JsonSchema)]
#[serde(transparent)]
pub struct AccessTokenDetails(pub AccessTokenView);

impl View for AccessTokenDetails {
    fn table(&self, style: &TableStyle) -> String {
        let t = &self.0;
        let mut fields = vec![
            ("id", Text::plain(t.id.clone())),
            ("name", Text::plain(t.name.clone().unwrap_or_else(|| "-".to_owned()))),
            ("status", t.status()),
            ("scope", Text::plain(t.scope())),
            ("user id", Text::plain(t.user_id.clone().unwrap_or_else(|| "-".to_owned()))),
            ("created (UTC)", Text::plain(time::table(t.created_at))),
            ("updated (UTC)", Text::plain(time::table(t.updated_at))),
            ("expires (UTC)", Text::plain(time::table(t.expires_at))),
        ];
        if let Some(secret) = &t.secret {
            fields.push(("secret", Text::plain(secret.clone())));
        }
        style.details(fields)
    }
}

/// `access delete`: `{"id": "...", "deleted": true}`.
#[derive(Serialize, JsonSchema)]
pub struct Deleted {
    /// The deleted token's id.
    id: String,
    /// Always `true`.
    deleted: bool,
}

impl Deleted {
    /// The confirmation that `id` is gone.
    pub fn new(id: &str) -> Deleted {
        Deleted { id: id.to_owned(), deleted: true }
    }
}

impl View for Deleted {
    fn table(&self, _style: &TableStyle) -> String {
        format!("deleted API access token {}\n", crate::terminal::escape(&self.id))
    }
}
