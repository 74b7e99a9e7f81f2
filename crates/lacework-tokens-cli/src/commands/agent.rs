//! `lwtokens agent ...`: each agent-token command, from its arguments to its printed result.

use lacework_tokens::budget::BudgetStop;
use lacework_tokens::search::Field;
use lacework_tokens::{AgentToken, Client};

use super::Context;
use super::resolve::{Resolved, resolve};
use crate::args::{AgentCommand, BulkTarget};
use crate::bulk::{self, Switch};
use crate::error::CliError;
use crate::render::{AgentTokenDetails, AgentTokenList, AgentTokenView, Reveal, duration};

/// Runs one agent-token command.
pub async fn run(client: &Client, command: AgentCommand, context: &Context) -> Result<(), CliError> {
    let output = &context.output;
    let tokens = client.agent_tokens();
    match command {
        AgentCommand::List => output.print(&list(&tokens.list().await?)),
        AgentCommand::Show { token } => {
            let token = match resolve(client, &token).await? {
                Resolved::Token(token) => *token,
                Resolved::Id(id) => tokens.get(id).await?,
            };
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
        AgentCommand::Enable(target) => switch(client, Switch::Enable, target, context).await,
        AgentCommand::Disable(target) => switch(client, Switch::Disable, target, context).await,
        AgentCommand::Search(args) => {
            // `--filter`s first, so the facade's `filters[N]` in an error is the Nth `--filter`.
            let mut filters: Vec<_> = args.filters.into_iter().map(|f| f.0).collect();
            filters.extend(args.alias_like.map(|pattern| Field::Alias.like(pattern)));
            output.print(&list(&tokens.search().filters(filters).send().await?))
        }
    }
}

/// `enable`/`disable`: one token, or all whose alias matches.
async fn switch(
    client: &Client,
    switch: Switch,
    target: BulkTarget,
    context: &Context,
) -> Result<(), CliError> {
    let output = &context.output;
    match (&target.token, &target.alias_like) {
        (Some(token), _) => {
            let switched = match resolve(client, token).await? {
                // Found by a search, its state is known: an update that changes nothing is not sent.
                Resolved::Token(token) if token.enabled == switch.enabled() => *token,
                resolved => switch.apply(client, resolved.id()).await?,
            };
            output.print(&details(&switched, Reveal::Hint))
        }
        (None, Some(pattern)) => {
            let run = bulk::run(client, switch, pattern, &target, context.progress).await?;
            let report = &run.report;
            output.print(report)?;
            match (&run.stopped, report.unfinished()) {
                (Some(stop), left) => Err(CliError::OverBudget(format!(
                    "stopped by the request budget ({stop}): {} {}, {left} left; run the same command \
                     again to go on{}",
                    report.changed(),
                    switch.past(),
                    match stop {
                        BudgetStop::WouldWait { resets_in } => format!(" in {}", duration(*resets_in)),
                        _ => String::new(),
                    }
                ))),
                (None, 0) => Ok(()),
                (None, n) => Err(CliError::Failed(format!(
                    "{n} of {} agent tokens could not be {}",
                    report.matched(),
                    switch.past()
                ))),
            }
        }
        (None, None) => unreachable!("clap requires a token or --alias-like"),
    }
}

fn list(tokens: &[AgentToken]) -> AgentTokenList {
    AgentTokenList(tokens.iter().map(|t| AgentTokenView::new(t, Reveal::Hint)).collect())
}

fn details(token: &AgentToken, reveal: Reveal) -> AgentTokenDetails {
    AgentTokenDetails(AgentTokenView::new(token, reveal))
}
