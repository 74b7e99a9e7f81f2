//! `lwtokens access ...`: each API-access-token command, from its arguments to its printed result.

use lacework_tokens::access_tokens::{AccessRotateError, Retire};
use lacework_tokens::{Client, ExposeSecret};

use super::Context;
use super::resolve::resolve_access;
use crate::args::{AccessCommand, AccessRotateArgs as RotateArgs};
use crate::error::CliError;
use crate::render::{AccessTokenDetails, AccessTokenList, AccessTokenView, Deleted};

/// Runs one access-token command.
pub async fn run(client: &Client, command: AccessCommand, context: &Context) -> Result<(), CliError> {
    let output = &context.output;
    let tokens = client.access_tokens();
    match command {
        AccessCommand::List => output
            .print_listing(&AccessTokenList(tokens.list().await?.iter().map(AccessTokenView::new).collect())),
        AccessCommand::Show { id } => {
            let token = resolve_access(client, &id).await?.fetch(client).await?;
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
        AccessCommand::Rotate(args) => rotate(client, args, context).await,
        AccessCommand::Delete { id } => {
            let resolved = resolve_access(client, &id).await?;
            tokens.delete(resolved.id()).await?;
            output.print(&Deleted::new(resolved.id().as_str()))
        }
    }
}

/// `access rotate`: the output file is opened before anything is sent; the new secret is
/// printed or written exactly once.
async fn rotate(client: &Client, args: RotateArgs, context: &Context) -> Result<(), CliError> {
    let file = match &args.output_file {
        Some(path) => Some(crate::secret_file::open(path, args.force)?),
        None => None,
    };
    let tokens = client.access_tokens();
    let old = resolve_access(client, &args.id).await?.fetch(client).await?;
    let retire = match (args.deactivate_old, args.delete_old) {
        (true, _) => Retire::Deactivate,
        (_, true) => Retire::Delete,
        _ => Retire::Keep,
    };
    let mut rotate = tokens.rotate(old).retire(retire);
    if let Some(name) = args.name {
        rotate = rotate.name(name);
    }
    if let Some(at) = args.expires {
        rotate = rotate.expires_at(at);
    }
    let (new, failure) = match rotate.send().await {
        Ok(rotation) => (rotation.new, None),
        Err(error @ AccessRotateError::Retire { .. }) => {
            let message = error.to_string();
            let AccessRotateError::Retire { new, .. } = error else { unreachable!() };
            (*new, Some(message))
        }
        Err(error) => return Err(CliError::Failed(error.to_string())),
    };
    let output = &context.output;
    match (file, new.secret.as_ref()) {
        (Some(file), Some(secret)) => {
            let path = file.path().display().to_string();
            if let Err(e) = file.write(secret.expose_secret()) {
                // The secret exists nowhere else: print it rather than lose it.
                output.print(&AccessTokenDetails(AccessTokenView::created(&new)))?;
                return Err(CliError::Failed(format!(
                    "the replacement was created (printed above) but {path} could not be written: {e}"
                )));
            }
            output.print(&AccessTokenDetails(AccessTokenView::new(&new.token)))?;
        }
        _ => {
            output.print(&AccessTokenDetails(AccessTokenView::created(&new)))?;
            if new.secret.is_some() {
                eprintln!("note: the secret is shown only this once; store it now");
            }
        }
    }
    match failure {
        Some(message) => Err(CliError::Failed(message)),
        None => Ok(()),
    }
}
