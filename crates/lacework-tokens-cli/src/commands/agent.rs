//! `lwtokens agent ...`: each agent-token command, from its arguments to its printed result.

use lacework_tokens::agent_tokens::AgentRotateError;
use lacework_tokens::budget::BudgetStop;
use lacework_tokens::search::{Field, Filter};
use lacework_tokens::{AgentToken, Client};

use super::Context;
use super::resolve::{Resolved, resolve};
use crate::args::{AgentCommand, BulkTarget, FilterArg, RotateArgs, ShowTokens, TokenRef};
use crate::bulk::{self, Selection, Source, Switch};
use crate::connect::Identity;
use crate::error::CliError;
use crate::render::{AgentTokenDetails, AgentTokenList, AgentTokenView, Reveal, duration};

/// Runs one agent-token command.
pub async fn run(
    client: &Client,
    identity: &Identity,
    command: AgentCommand,
    context: &Context,
) -> Result<(), CliError> {
    let output = &context.output;
    let tokens = client.agent_tokens();
    match command {
        AgentCommand::List { show } => {
            let reveal = reveal(&show, context);
            output.print_listing(&AgentTokenList::new(&tokens.list().await?, reveal))
        }
        AgentCommand::Show { token } => {
            let token = resolve(client, &token).await?.fetch(client).await?;
            output.print(&details(&token, Reveal::Full))
        }
        AgentCommand::Create(args) => {
            let mut create = tokens.create(args.alias);
            // Tokens start enabled: `tokenEnabled` is sent only to say otherwise.
            if args.disabled {
                create = create.enabled(false);
            }
            if let Some(description) = args.description {
                create = create.description(description);
            }
            if let Some(os) = args.os {
                create = create.os(os.into());
            }
            if let Some(subscription) = args.subscription {
                create = create.subscription(subscription.into());
            }
            output.print(&details(&create.send().await?, Reveal::Full))
        }
        AgentCommand::Update(args) => {
            let enabled = args.enabled();
            let mut update = tokens.update(resolve(client, &args.token).await?.id());
            if let Some(alias) = args.alias {
                update = update.alias(alias);
            }
            if let Some(description) = args.description {
                update = update.description(description);
            }
            if let Some(enabled) = enabled {
                update = update.enabled(enabled);
            }
            output.print(&details(&update.send().await?, Reveal::Hint))
        }
        AgentCommand::Enable(target) => switch(client, identity, Switch::Enable, target, context).await,
        AgentCommand::Disable(target) => switch(client, identity, Switch::Disable, target, context).await,
        AgentCommand::Rotate(args) => rotate(client, args, context).await,
        AgentCommand::Search(args) => {
            let filters = search_filters(&args.filters, args.alias_like.as_deref());
            let reveal = reveal(&args.show, context);
            output
                .print_listing(&AgentTokenList::new(&tokens.search().filters(filters).send().await?, reveal))
        }
    }
}

/// `enable`/`disable`: one token, or all whose alias matches.
async fn switch(
    client: &Client,
    identity: &Identity,
    switch: Switch,
    target: BulkTarget,
    context: &Context,
) -> Result<(), CliError> {
    let output = &context.output;
    if let Some(token) = &target.token {
        let switched = match resolve(client, token).await? {
            // Found by a search, its state is known: an update that changes nothing is not sent.
            Resolved::Token(token) if token.enabled == switch.enabled() => *token,
            resolved => switch.apply(client, resolved.id()).await?,
        };
        return output.print(&details(&switched, Reveal::Hint));
    }
    let selection = selection(&target)?;
    let run = bulk::run(client, identity, switch, selection, &target, context.progress).await?;
    let report = &run.report;
    output.print(report)?;
    // Stopped part-way with nothing failed is "unfinished" (exit code 3), told apart from a job
    // in which some token failed (exit code 1); both go on with --resume.
    let stopped = |message: String| {
        Err(if report.failed() == 0 { CliError::Unfinished(message) } else { CliError::Failed(message) })
    };
    match (&run.stopped, report.unfinished()) {
        (Some(stop), left) => stopped(format!(
            "stopped by the request budget ({stop}): {} {}, {left} left; run the same command with \
             --resume to go on{}",
            report.changed(),
            switch.past(),
            match stop {
                BudgetStop::WouldWait { resets_in } => format!(" in {}", duration(*resets_in)),
                _ => String::new(),
            }
        )),
        (None, left) if run.interrupted => stopped(format!(
            "interrupted: {} {}, {left} left; run the same command with --resume to finish the job",
            report.changed(),
            switch.past()
        )),
        (None, 0) => Ok(()),
        (None, n) => Err(CliError::Failed(format!(
            "{n} of {} agent tokens could not be {}; run the same command with --resume to try them again",
            report.matched(),
            switch.past()
        ))),
    }
}

/// One search's filters: the `--filter`s first, so the facade's `filters[N]` in an error is the
/// Nth `--filter`, then `--alias-like`.
fn search_filters(filters: &[FilterArg], alias_like: Option<&str>) -> Vec<Filter> {
    let mut all: Vec<Filter> = filters.iter().map(|f| f.0.clone()).collect();
    all.extend(alias_like.map(|pattern| Field::Alias.like(pattern)));
    all
}

/// The tokens a bulk command is over: one search ([`search_filters`]), or the list on stdin.
fn selection(target: &BulkTarget) -> Result<Selection, CliError> {
    if target.stdin {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map_err(|e| CliError::Usage(format!("cannot read the tokens on stdin: {e}")))?;
        let mut tokens = Vec::new();
        let mut lines = Vec::new();
        for (number, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let token = line
                .parse::<TokenRef>()
                .map_err(|e| CliError::Usage(format!("line {} of stdin: {e}", number + 1)))?;
            tokens.push(token);
            lines.push(line);
        }
        if tokens.is_empty() {
            return Err(CliError::Usage("--stdin: no token on standard input".into()));
        }
        return Ok(Selection {
            key: format!("stdin\n{}", lines.join("\n")),
            text: Some(format!("{} tokens listed on stdin", tokens.len())),
            alias_like: None,
            source: Source::Listed(tokens),
        });
    }
    let filters = search_filters(&target.filters, target.alias_like.as_deref());
    let text = (!target.filters.is_empty()).then(|| {
        let mut words = vec![format!("{} --filter", target.filters.len())];
        if let Some(pattern) = &target.alias_like {
            words.push(format!("alias like {pattern:?}"));
        }
        words.join(", ")
    });
    Ok(Selection {
        // As given, not as resolved: `created:gt:30d` is the same selection on every run.
        key: format!(
            "search\n{}\nalias like {:?}",
            target.filters.iter().map(|f| f.1.as_str()).collect::<Vec<_>>().join("\n"),
            target.alias_like
        ),
        text,
        alias_like: target.alias_like.clone(),
        source: Source::Search(filters),
    })
}

/// `agent rotate`: the output file is opened before anything is sent, so a file that exists (or
/// cannot be written) costs no token; the new value is printed or written exactly once.
async fn rotate(client: &Client, args: RotateArgs, context: &Context) -> Result<(), CliError> {
    let file = match &args.output_file {
        Some(path) => Some(crate::secret_file::open(path, args.force)?),
        None => None,
    };
    let tokens = client.agent_tokens();
    let old = resolve(client, &args.token).await?.fetch(client).await?;
    let mut rotate = tokens.rotate(old).disable_old(args.disable_old);
    if let Some(alias) = args.alias {
        rotate = rotate.alias(alias);
    }
    if let Some(description) = args.description {
        rotate = rotate.description(description);
    }
    let (new, failure) = match rotate.send().await {
        Ok(rotation) => (rotation.new, None),
        Err(error @ AgentRotateError::DisableOld { .. }) => {
            let message = error.to_string();
            let AgentRotateError::DisableOld { new, old, .. } = error else { unreachable!() };
            let hint = crate::render::hint(old.token.expose_secret());
            (*new, Some(format!("{message}; disable it with `lwtokens agent disable {hint}`")))
        }
        Err(error) => return Err(CliError::Failed(error.to_string())),
    };
    let output = &context.output;
    match file {
        Some(file) => {
            let path = file.path().display().to_string();
            if let Err(e) = file.write(new.token.expose_secret()) {
                // The value exists nowhere else: print it rather than lose it.
                output.print(&details(&new, Reveal::Full))?;
                return Err(CliError::Failed(format!(
                    "the replacement was created (printed above) but {path} could not be written: {e}"
                )));
            }
            output.print(&details(&new, Reveal::Hint))?;
        }
        None => output.print(&details(&new, Reveal::Full))?,
    }
    match failure {
        Some(message) => Err(CliError::Failed(message)),
        None => Ok(()),
    }
}

/// Whether a listing shows token values: only with `--show-tokens`, and then with a warning
/// when they go to a terminal (a file or a pipe is the user's to protect).
fn reveal(show: &ShowTokens, context: &Context) -> Reveal {
    if !show.show_tokens {
        return Reveal::Hint;
    }
    if context.output.terminal {
        eprintln!(
            "warning: printing agent token values: anyone who can read this terminal or its \
             scrollback can connect agents with them"
        );
    }
    Reveal::Full
}

fn details(token: &AgentToken, reveal: Reveal) -> AgentTokenDetails {
    AgentTokenDetails(AgentTokenView::new(token, reveal))
}
