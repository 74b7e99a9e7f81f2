//! The bulk runner: enables or disables every agent token whose alias matches a pattern, one at
//! a time, with a progress bar on a terminal, and reports what happened to each.
//!
//! Tokens already in the wanted state are left alone (no request), `--dry-run` sends nothing
//! but the search, and a failure that would recur for every token (credentials, rate limit,
//! network, the request budget) ends the run: the rest are reported as not attempted rather
//! than failed one by one. Before any change, the plan (requests needed against the request
//! budget) is printed on stderr. Requests are sequential and paced by the budget: the API
//! allows 480 an hour, so speed would only reach the limit sooner.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use lacework_tokens::budget::{ApiFamily, BudgetStop, LocalBudget};
use lacework_tokens::search::Field;
use lacework_tokens::{AgentToken, AgentTokenId, Client, Error};
use serde::Serialize;

use crate::args::{BulkTarget, ConnectionArgs};
use crate::error::CliError;
use crate::render::{AgentTokenView, BulkReport, Outcome, Plan, Reveal, duration};

/// Which way tokens are switched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Switch {
    /// Enable them.
    Enable,
    /// Disable them.
    Disable,
}

impl Switch {
    /// The state the tokens end in.
    pub fn enabled(self) -> bool {
        self == Switch::Enable
    }

    /// `enable` / `disable`.
    pub fn verb(self) -> &'static str {
        if self.enabled() { "enable" } else { "disable" }
    }

    /// `enabled` / `disabled`.
    pub fn past(self) -> &'static str {
        if self.enabled() { "enabled" } else { "disabled" }
    }

    /// Switches one token, and returns it as it now is.
    pub async fn apply(self, client: &Client, id: AgentTokenId) -> Result<AgentToken, Error> {
        let tokens = client.agent_tokens();
        if self.enabled() { tokens.enable(id).await } else { tokens.disable(id).await }
    }
}

/// How the run is shown while it goes.
#[derive(Clone, Copy, Debug)]
pub struct Progress {
    /// Draw a bar (stderr is a terminal, and no log lines would tear it).
    pub visible: bool,
    /// In colour.
    pub color: bool,
    /// Print the plan on stderr before the work (with `--json` it is in the report instead).
    pub plan: bool,
}

/// The budget a bulk job is paced by: the allowance of `--budget`, stopping at
/// `--max-requests`, and never waiting with `--no-wait`. Each wait is announced on stderr.
pub fn budget(connection: &ConnectionArgs, target: &BulkTarget) -> LocalBudget {
    let allowance = connection.budget;
    let mut budget = LocalBudget::new(allowance.limit, allowance.window).on_wait(|family, wait| {
        eprintln!("waiting {} for the next window of the {} request budget", duration(wait), family.as_str())
    });
    if target.no_wait {
        budget = budget.max_wait(Duration::ZERO);
    }
    if let Some(max) = target.max_requests {
        budget = budget.max_requests(max);
    }
    budget
}

/// How a bulk run ended.
pub struct BulkRun {
    /// What happened to each token.
    pub report: BulkReport,
    /// Why the request budget stopped the run with work left, if it did.
    pub stopped: Option<BudgetStop>,
}

/// Switches every token whose alias matches `pattern` (SQL LIKE), paced by the client's budget.
pub async fn run(
    client: &Client,
    switch: Switch,
    pattern: &str,
    target: &BulkTarget,
    progress: Progress,
) -> Result<BulkRun, CliError> {
    let tokens = client.agent_tokens().search().filter(Field::Alias.like(pattern)).send().await?;
    let mut report = BulkReport::new(switch, pattern, target.dry_run);
    let requests = tokens.iter().filter(|t| t.enabled != switch.enabled()).count() as u64;
    if let Some(standing) = client.budget_standing(ApiFamily::AgentAccessTokens) {
        let plan = Plan::new(tokens.len(), requests, standing);
        if progress.plan {
            eprintln!("{}", plan.line(switch.verb()));
        }
        if target.no_wait && !target.dry_run && plan.exceeds_window() {
            return Err(CliError::OverBudget(format!(
                "not started: {requests} requests needed, {} left in this window of the request budget \
                 (it resets in {}); run without --no-wait to pace the job, or after the reset",
                plan.budget.remaining,
                duration(Duration::from_secs(plan.budget.resets_in_seconds))
            )));
        }
        report.set_plan(plan);
    }
    let bar =
        progress_bar(tokens.len(), Progress { visible: progress.visible && !target.dry_run, ..progress });
    let mut stop: Option<Error> = None;
    for token in &tokens {
        let view = AgentTokenView::new(token, Reveal::Hint);
        bar.set_message(crate::terminal::escape(&token.alias).into_owned());
        if token.enabled == switch.enabled() {
            report.record(&view, Outcome::Unchanged, None);
        } else if target.dry_run {
            report.record(&view, Outcome::WouldChange, None);
        } else if stop.is_some() {
            report.record(&view, Outcome::Skipped, None);
        } else {
            match switch.apply(client, token.id().clone()).await {
                Ok(_) => report.record(&view, Outcome::Changed, None),
                Err(Error::OverBudget { stop: budget_stop, family }) => {
                    // Nothing was sent for this token: it is left, not failed.
                    report.record(&view, Outcome::Skipped, None);
                    stop = Some(Error::OverBudget { stop: budget_stop, family });
                }
                Err(error) => {
                    tracing::debug!(alias = %token.alias, %error, "switch failed");
                    report.record(&view, Outcome::Failed, Some(error.to_string()));
                    if ends_the_run(&error) {
                        stop = Some(error);
                    }
                }
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    let stopped = match stop {
        Some(Error::OverBudget { stop, .. }) => Some(stop),
        _ => None,
    };
    Ok(BulkRun { report, stopped })
}

/// Whether `error` would recur for every other token: it is about the session, not the token.
fn ends_the_run(error: &Error) -> bool {
    match error {
        Error::Unauthorized { .. }
        | Error::RateLimited { .. }
        | Error::Transport { .. }
        | Error::Config { .. }
        | Error::OverBudget { .. } => true,
        other => other.is_retryable() || other.status().is_some_and(|s| s.as_u16() == 403),
    }
}

/// A bar on stderr, or one that draws nothing.
fn progress_bar(len: usize, progress: Progress) -> ProgressBar {
    if !progress.visible {
        return ProgressBar::hidden();
    }
    let template = if progress.color {
        "{bar:30.cyan/blue} {pos}/{len} {wide_msg}"
    } else {
        "{bar:30} {pos}/{len} {wide_msg}"
    };
    let style = ProgressStyle::with_template(template).expect("the template is valid").progress_chars("=> ");
    ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::stderr()).with_style(style)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_failures_end_the_run_and_token_failures_do_not() {
        let api = |status: u16| Error::Api {
            status: status.try_into().unwrap(),
            message: None,
            kind: None,
            rate_limit: None,
        };
        assert!(ends_the_run(&Error::Unauthorized { message: "refused".into() }));
        assert!(ends_the_run(&api(503)));
        assert!(ends_the_run(&api(403)));
        assert!(!ends_the_run(&api(404)));
        assert!(!ends_the_run(&api(400)));
    }
}
