//! What a bulk enable or disable did to each matching token, and the summary line.

use schemars::JsonSchema;
use serde::Serialize;

use super::View;
use super::plan::Plan;
use super::table::{TableStyle, Text};
use crate::bulk::Switch;

/// What happened to one token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Switched.
    Changed,
    /// Already in the wanted state: nothing was sent.
    Unchanged,
    /// `--dry-run`: would be switched.
    WouldChange,
    /// The API refused or failed.
    Failed,
    /// Not tried: an earlier failure (credentials, rate limit, network) would recur, or the
    /// run was stopped (Ctrl-C); `--resume` does it.
    Skipped,
    /// Done by an earlier run of the same job (from its journal): nothing was sent.
    DoneEarlier,
}

/// One token's line of the report.
#[derive(Serialize, JsonSchema)]
struct Entry {
    /// As in an agent token.
    token_hint: String,
    /// As in an agent token.
    alias: String,
    /// What happened to it.
    outcome: Outcome,
    /// The one-line error, only when `outcome` is `failed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    error: Option<String>,
}

/// How many tokens had each outcome.
#[derive(Default, Serialize, JsonSchema)]
struct Summary {
    /// Tokens the selection matched.
    matched: usize,
    /// Switched.
    changed: usize,
    /// Already in the wanted state.
    unchanged: usize,
    /// Would be switched (dry run).
    would_change: usize,
    /// Refused or failed.
    failed: usize,
    /// Not attempted.
    skipped: usize,
    /// Done by an earlier run of the job (present only when not zero).
    #[serde(skip_serializing_if = "is_zero")]
    done_earlier: usize,
    /// Tokens whose request may have been sent twice: the one in flight when an earlier run died.
    #[serde(skip_serializing_if = "is_zero")]
    maybe_sent_twice: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// The report of `agent enable|disable` over a selection (docs/json.md, "Bulk report").
#[derive(Serialize, JsonSchema)]
pub struct BulkReport {
    /// What the job does to the tokens.
    action: Switch,
    /// The `--alias-like` pattern, as given.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    alias_like: Option<String>,
    /// The selection in words, when it is not only `--alias-like`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    selection: Option<String>,
    /// The job's journal, which `--resume` finishes the job from.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    journal: Option<String>,
    /// Whether nothing was changed (`--dry-run`).
    dry_run: bool,
    /// What the job was to cost, made before any change.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Plan")]
    plan: Option<Plan>,
    /// One entry per matching token, in the API's order.
    results: Vec<Entry>,
    /// How many tokens had each outcome.
    summary: Summary,
}

impl BulkReport {
    /// An empty report.
    pub fn new(
        action: Switch,
        alias_like: Option<&str>,
        selection: Option<&str>,
        dry_run: bool,
    ) -> BulkReport {
        BulkReport {
            action,
            alias_like: alias_like.map(str::to_owned),
            selection: selection.map(str::to_owned),
            journal: None,
            dry_run,
            plan: None,
            results: Vec::new(),
            summary: Summary::default(),
        }
    }

    /// Records what happened to `token`.
    pub fn record(&mut self, token_hint: String, alias: &str, outcome: Outcome, error: Option<String>) {
        let summary = &mut self.summary;
        summary.matched += 1;
        *match outcome {
            Outcome::Changed => &mut summary.changed,
            Outcome::Unchanged => &mut summary.unchanged,
            Outcome::WouldChange => &mut summary.would_change,
            Outcome::Failed => &mut summary.failed,
            Outcome::Skipped => &mut summary.skipped,
            Outcome::DoneEarlier => &mut summary.done_earlier,
        } += 1;
        self.results.push(Entry { token_hint, alias: alias.to_owned(), outcome, error });
    }

    /// Records that `n` tokens may have been sent twice (in flight when an earlier run died).
    pub fn set_maybe_sent_twice(&mut self, n: usize) {
        self.summary.maybe_sent_twice = n;
    }

    /// Records where the journal is.
    pub fn set_journal(&mut self, path: &std::path::Path) {
        self.journal = Some(path.display().to_string());
    }

    /// Records the plan the job ran by.
    pub fn set_plan(&mut self, plan: Plan) {
        self.plan = Some(plan);
    }

    /// How many tokens were switched.
    pub fn changed(&self) -> usize {
        self.summary.changed
    }

    /// How many tokens failed.
    pub fn failed(&self) -> usize {
        self.summary.failed
    }

    /// How many tokens could not be switched (failed or skipped).
    pub fn unfinished(&self) -> usize {
        self.summary.failed + self.summary.skipped
    }

    /// How many tokens matched.
    pub fn matched(&self) -> usize {
        self.summary.matched
    }

    /// The closing line: what was done, and what was not.
    pub fn summary_line(&self) -> String {
        let s = &self.summary;
        let which = match (&self.alias_like, &self.selection) {
            (Some(pattern), None) => format!("whose alias matches {pattern:?}"),
            (_, Some(selection)) => format!("selected ({selection})"),
            (None, None) => "selected".to_owned(),
        };
        if s.matched == 0 {
            return match (&self.alias_like, &self.selection) {
                (Some(pattern), None) => format!("no agent token's alias matches {pattern:?}"),
                _ => format!("no agent token is {which}"),
            };
        }
        let (done, count) = if self.dry_run {
            (format!("dry run: would {}", self.action.verb()), s.would_change)
        } else {
            (self.action.past().to_owned(), s.changed)
        };
        let mut line = format!("{done} {count} of {} agent tokens {which}", s.matched);
        let mut notes = Vec::new();
        if s.unchanged > 0 {
            notes.push(format!("{} already {}", s.unchanged, self.action.past()));
        }
        if s.done_earlier > 0 {
            notes.push(format!("{} done by an earlier run", s.done_earlier));
        }
        if s.failed > 0 {
            notes.push(format!("{} failed", s.failed));
        }
        if s.skipped > 0 {
            notes.push(format!("{} not attempted", s.skipped));
        }
        if !notes.is_empty() {
            line.push_str(&format!(" ({})", notes.join(", ")));
        }
        if self.dry_run {
            line.push_str("; nothing was changed");
        }
        if s.maybe_sent_twice > 0 {
            line.push_str(&format!(
                "; {} sent again: it was in flight when an earlier run stopped (updates are idempotent)",
                s.maybe_sent_twice
            ));
        }
        line
    }

    fn result_text(&self, entry: &Entry) -> Text {
        use comfy_table::Color;
        match entry.outcome {
            Outcome::Changed => Text::colored(self.action.past(), Color::Green),
            Outcome::Unchanged => Text::plain(format!("already {}", self.action.past())),
            Outcome::WouldChange => Text::colored(format!("would {}", self.action.verb()), Color::Yellow),
            Outcome::Failed => {
                Text::colored(format!("failed: {}", entry.error.as_deref().unwrap_or("?")), Color::Red)
            }
            Outcome::Skipped => Text::colored("not attempted", Color::Red),
            Outcome::DoneEarlier => Text::plain(format!("{} by an earlier run", self.action.past())),
        }
    }
}

impl View for BulkReport {
    fn table(&self, style: &TableStyle) -> String {
        let mut text = String::new();
        if !self.results.is_empty() {
            let rows = self
                .results
                .iter()
                .map(|e| {
                    vec![Text::plain(e.token_hint.clone()), Text::plain(e.alias.clone()), self.result_text(e)]
                })
                .collect();
            text.push_str(&style.list(&["TOKEN", "ALIAS", "RESULT"], rows));
        }
        text.push_str(&crate::terminal::escape(&self.summary_line()));
        text.push('\n');
        text
    }
}
