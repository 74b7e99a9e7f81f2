//! `lwtokens access ...`: each API-access-token command, from its arguments to its printed result.

use lacework_tokens::Client;

use super::Context;
use super::resolve::{ResolvedAccess, resolve_access};
use crate::args::AccessCommand;
use crate::error::CliError;
use crate::render::{AccessTokenDetails, AccessTokenList, AccessTokenView, Deleted};

/// Runs one access-token command.
pub async fn run(client: &Client, command: AccessCommand, context: &Context) -> Result<(), CliError> {
    let output = &context.output;
    let tokens = client.access_tokens();
    match command {
        AccessCommand::List => {
            output.print(&AccessTokenList(tokens.list().await?.iter().map(AccessTokenView::new).collect()))
        }
        AccessCommand::Show { id } => {
            // Found by name, the token is already here: fetching it again would cost a request.
            let token = match resolve_access(client, &id).await? {
                ResolvedAccess::Token(token) => *token,
                ResolvedAccess::Id(id) => tokens.get(&id).await?,
            };
            output.print(&AccessTokenDetails(AccessTokenView::new(&token)))
        }
        AccessCommand::Create(args) => {
            let mut create = tokens.create(args.name).scope(args.scope);
            if let Some(at) = args.expires {
                create = create.expires_at(at);
            }
            let created = create.send().await?;
            output.print(&AccessTokenDetails(AccessTokenView::created(&created)))?;
            if created.secret.is_some() {
                eprintln!("note: the secret is shown only this once; store it now");
            }
            Ok(())
        }
        AccessCommand::Update(args) => {
            let mut patch = tokens.patch(resolve_access(client, &args.id).await?.id());
            if let Some(name) = args.name {
                patch = patch.name(name);
            }
            if let Some(status) = args.status {
                patch = patch.status(status.into());
            }
            output.print(&AccessTokenDetails(AccessTokenView::new(&patch.send().await?)))
        }
        AccessCommand::Delete { id } => {
            let resolved = resolve_access(client, &id).await?;
            tokens.delete(resolved.id()).await?;
            output.print(&Deleted::new(resolved.id().as_str()))
        }
    }
}
