//! `lwtokens api-token`: a fresh bearer token for the API key, e.g. for LW_API_TOKEN or curl.

use std::time::Duration;

use lacework_tokens::Client;

use super::Context;
use crate::args::ApiTokenArgs;
use crate::error::CliError;
use crate::render::BearerTokenView;

/// Issues and prints a bearer token.
pub async fn run(client: &Client, args: &ApiTokenArgs, context: &Context) -> Result<(), CliError> {
    let bearer = client.issue_bearer_token(Some(Duration::from_secs(args.expiry_seconds.into()))).await?;
    context.output.print(&BearerTokenView::new(&bearer))
}
