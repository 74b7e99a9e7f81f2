//! The bulk runner: enables or disables every agent token a selection names (a search, or a
//! list on stdin), one at a time, journaled so `--resume` can finish a job cut short, with a
//! progress bar on a terminal (a line now and then without one), and reports each token.
//!
//! Tokens already in the wanted state are left alone (no request), `--dry-run` sends nothing
//! but the search, and a failure that would recur for every token (credentials, rate limit,
//! network, the request budget) ends the run: the rest are reported as not attempted rather
//! than failed one by one. Before any change, the plan (requests needed against the request
//! budget) is printed on stderr. Requests are sequential and paced by the budget: the API
//! allows 480 an hour, so speed would only reach the limit sooner.

use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use lacework_tokens::budget::{ApiFamily, BudgetStop, LocalBudget};
use lacework_tokens::search::Filter;
use lacework_tokens::{AgentToken, AgentTokenId, Client, Error};
use serde::Serialize;

use crate::args::{BulkTarget, ConnectionArgs, TokenRef};
use crate::commands::resolve::{Resolved, resolve_all};
use crate::connect::Identity;
use crate::error::CliError;
use crate::journal::{self, Earlier, Entry, Header, Journal, Selected};
use crate::render::{BulkReport, Outcome, Plan, duration, hint};

/// Which way tokens are switched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
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
    /// Ask before changing anything (stdin and stderr are a terminal).
    pub confirm: bool,
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
    /// Ctrl-C stopped the run.
    pub interrupted: bool,
}

/// Where a bulk job's tokens come from.
pub enum Source {
    /// One search: `--alias-like` and the `--filter`s.
    Search(Vec<Filter>),
    /// The list on stdin.
    Listed(Vec<TokenRef>),
}

/// What a bulk job is over.
pub struct Selection {
    /// The tokens.
    pub source: Source,
    /// `--alias-like`, kept for the report.
    pub alias_like: Option<String>,
    /// The selection in words, when more than `--alias-like`.
    pub text: Option<String>,
    /// What identifies the selection (hashed into the journal).
    pub key: String,
}

/// Runs the job over `selection`, paced by the client's budget and journaled as it goes.
pub async fn run(
    client: &Client,
    identity: &Identity,
    switch: Switch,
    selection: Selection,
    target: &BulkTarget,
    progress: Progress,
) -> Result<BulkRun, CliError> {
    let selection_text = selection
        .text
        .clone()
        .or_else(|| selection.alias_like.as_ref().map(|p| format!("alias like {p:?}")))
        .unwrap_or_default();
    let mut expected = Header::new(
        switch.verb(),
        client.base_url(),
        identity.sub_account.clone(),
        identity.key_id.clone(),
        &selection.key,
        selection_text,
    );
    let path = match &target.journal {
        Some(path) => path.clone(),
        None => expected.default_path()?,
    };
    let existing = if target.dry_run { None } else { journal::read(&path)? };
    let mut reopen = None;
    let (tokens, earlier) = match existing {
        Some((header, earlier, complete)) if target.resume => {
            if let Some(why) = journal::mismatch(&header, &expected, &path) {
                return Err(CliError::Usage(format!("{why}: not resumed")));
            }
            reopen = Some(complete);
            (header.tokens, earlier)
        }
        Some((header, earlier, _)) if !earlier.finished => {
            let why = journal::mismatch(&header, &expected, &path)
                .map(|why| format!("{why}; name another --journal FILE, or remove it to start over"))
                .unwrap_or_else(|| {
                    format!(
                        "an unfinished run of this job left its journal at {}: add --resume to finish it, \
                         or remove the file to start over",
                        path.display()
                    )
                });
            return Err(CliError::Usage(why));
        }
        _ => {
            if target.resume && !target.quiet {
                eprintln!("no unfinished journal at {}: starting the job", path.display());
            }
            (select(client, &selection.source).await?, Earlier::default())
        }
    };
    let mut report =
        BulkReport::new(switch, selection.alias_like.as_deref(), selection.text.as_deref(), target.dry_run);
    let wanted = Some(switch.enabled());
    let to_send = |(i, t): &(usize, &Selected)| !earlier.done.contains(i) && t.enabled != wanted;
    let requests = tokens.iter().enumerate().filter(to_send).count() as u64;
    if let Some(standing) = client.budget_standing(ApiFamily::AgentAccessTokens) {
        let plan = Plan::new(tokens.len(), requests, standing);
        if progress.plan {
            eprintln!("{}", plan.line(switch.verb()));
        }
        if target.no_wait && !target.dry_run && plan.exceeds_window() {
            return Err(CliError::Unfinished(format!(
                "not started: {requests} requests needed, {} left in this window of the request budget \
                 (it resets in {}); run without --no-wait to pace the job, or after the reset",
                plan.budget.remaining,
                duration(Duration::from_secs(plan.budget.resets_in_seconds))
            )));
        }
        report.set_plan(plan);
    }
    if !target.dry_run && requests > 0 && progress.confirm && !target.yes && !confirmed(switch, requests)? {
        return Err(CliError::Usage("not confirmed: nothing was changed".into()));
    }
    let mut journal = if target.dry_run {
        None
    } else if let Some(complete) = reopen {
        Some(Journal::reopen(&path, complete)?)
    } else {
        expected.tokens = tokens.clone();
        Some(Journal::create(&path, &expected)?)
    };
    if let Some(journal) = &journal {
        report.set_journal(journal.path());
    }
    let maybe_sent = earlier.maybe_sent.filter(|i| tokens.get(*i).is_some_and(|t| t.enabled != wanted));
    let mut shown = Shown::new(tokens.len(), requests, progress, target);
    let mut stop: Option<Error> = None;
    let mut interrupted = false;
    let mut in_flight_at_interrupt = None;
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    for (index, token) in tokens.iter().enumerate() {
        let hint = hint(&token.id);
        shown.message(&token.alias);
        if earlier.done.contains(&index) {
            report.record(hint, &token.alias, Outcome::DoneEarlier, None);
        } else if token.enabled == wanted {
            report.record(hint, &token.alias, Outcome::Unchanged, None);
        } else if target.dry_run {
            report.record(hint, &token.alias, Outcome::WouldChange, None);
        } else if stop.is_some() || interrupted {
            report.record(hint, &token.alias, Outcome::Skipped, None);
        } else {
            let sent = tokio::select! {
                result = switch.apply(client, AgentTokenId::from(token.id.clone())) => Some(result),
                _ = &mut ctrl_c => None,
            };
            let (outcome, error) = match sent {
                None => {
                    interrupted = true;
                    in_flight_at_interrupt = Some(index);
                    (Outcome::Skipped, None)
                }
                Some(Ok(_)) => (Outcome::Changed, None),
                Some(Err(Error::OverBudget { stop: budget_stop, family })) => {
                    // Nothing was sent for this token: it is left, not failed.
                    stop = Some(Error::OverBudget { stop: budget_stop, family });
                    (Outcome::Skipped, None)
                }
                Some(Err(error)) => {
                    tracing::debug!(alias = %token.alias, %error, "switch failed");
                    let message = error.to_string();
                    if ends_the_run(&error) {
                        stop = Some(error);
                    }
                    (Outcome::Failed, Some(message))
                }
            };
            if let Some(journal) = journal.as_mut()
                && matches!(outcome, Outcome::Changed | Outcome::Failed)
            {
                let ok = outcome == Outcome::Changed;
                journal.write(&Entry::Done { index, ok, error: error.clone() })?;
            }
            if outcome == Outcome::Changed || outcome == Outcome::Failed {
                shown.sent();
            }
            report.record(hint, &token.alias, outcome, error);
        }
        shown.inc();
    }
    shown.finish();
    if maybe_sent.is_some() && report.changed() > 0 {
        report.set_maybe_sent_twice(1);
    }
    if let Some(journal) = journal.as_mut() {
        let entry = if interrupted {
            Entry::Stopped { reason: "interrupted (Ctrl-C)".into(), in_flight: in_flight_at_interrupt }
        } else if let Some(error) = &stop {
            Entry::Stopped { reason: error.to_string(), in_flight: None }
        } else if report.unfinished() > 0 {
            Entry::Stopped { reason: "some tokens failed".into(), in_flight: None }
        } else {
            Entry::Finished
        };
        journal.write(&entry)?;
    }
    let stopped = match stop {
        Some(Error::OverBudget { stop, .. }) => Some(stop),
        _ => None,
    };
    Ok(BulkRun { report, stopped, interrupted })
}

/// The selected tokens, in order, each once.
async fn select(client: &Client, source: &Source) -> Result<Vec<Selected>, CliError> {
    let from = |token: &AgentToken| Selected {
        id: token.id().expose_secret().to_owned(),
        alias: token.alias.clone(),
        enabled: Some(token.enabled),
    };
    let mut selected: Vec<Selected> = Vec::new();
    match source {
        Source::Search(filters) => {
            let tokens = client.agent_tokens().search().filters(filters.clone()).send().await?;
            selected.extend(tokens.iter().map(from));
        }
        Source::Listed(refs) => {
            let mut seen = std::collections::HashSet::new();
            for resolved in resolve_all(client, refs).await? {
                let one = match resolved {
                    Resolved::Token(token) => from(&token),
                    Resolved::Id(id) => {
                        Selected { id: id.expose_secret().to_owned(), alias: String::new(), enabled: None }
                    }
                };
                if seen.insert(one.id.clone()) {
                    selected.push(one);
                }
            }
        }
    }
    Ok(selected)
}

/// Asks on the terminal whether to go on.
fn confirmed(switch: Switch, requests: u64) -> Result<bool, CliError> {
    eprint!("{} {requests} agent tokens? [y/N] ", switch.verb());
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| CliError::Failed(format!("cannot read the answer: {e}")))?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes"))
}

/// How the run is shown while it goes: a bar on a terminal, else a line now and then.
struct Shown {
    bar: ProgressBar,
    lines: bool,
    total: usize,
    requests: u64,
    sent: u64,
    position: usize,
    started: Instant,
    last_line: Instant,
}

/// How often a progress line is printed without a terminal.
const LINE_EVERY: Duration = Duration::from_secs(10);

impl Shown {
    fn new(total: usize, requests: u64, progress: Progress, target: &BulkTarget) -> Shown {
        let quiet = target.quiet || target.dry_run;
        let bar = progress_bar(total, Progress { visible: progress.visible && !quiet, ..progress });
        let now = Instant::now();
        Shown {
            bar,
            lines: !quiet && !progress.visible,
            total,
            requests,
            sent: 0,
            position: 0,
            started: now,
            last_line: now,
        }
    }

    fn message(&self, alias: &str) {
        self.bar.set_message(crate::terminal::escape(alias).into_owned());
    }

    fn sent(&mut self) {
        self.sent += 1;
    }

    fn inc(&mut self) {
        self.bar.inc(1);
        self.position += 1;
        if self.lines && self.last_line.elapsed() >= LINE_EVERY {
            self.last_line = Instant::now();
            let elapsed = self.started.elapsed().as_secs_f64();
            let rate = self.sent as f64 / elapsed.max(0.001);
            let left = self.requests.saturating_sub(self.sent);
            let eta =
                if rate > 0.0 { duration(Duration::from_secs_f64(left as f64 / rate)) } else { "?".into() };
            eprintln!(
                "progress: {}/{} tokens, {} of {} requests sent ({rate:.1}/s), about {eta} left",
                self.position, self.total, self.sent, self.requests
            );
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
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
        "{bar:30.cyan/blue} {pos}/{len} {per_sec} ETA {eta} {wide_msg}"
    } else {
        "{bar:30} {pos}/{len} {per_sec} ETA {eta} {wide_msg}"
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
