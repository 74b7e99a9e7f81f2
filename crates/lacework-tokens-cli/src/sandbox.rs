//! `--sandbox`: a Lacework tokens server with demo data, started in this process on loopback,
//! and a client with its API key. Built with the default `sandbox` feature; without it the
//! option is refused with a clear message, and the binary links no server.

use std::sync::Arc;

use lacework_tokens::budget::RequestBudget;

use crate::args::ConnectionArgs;
use crate::connect::Connection;
use crate::error::CliError;

/// The running server, kept alive while the command runs: dropping it stops the server.
#[cfg(feature = "sandbox")]
pub type Running = lacework_tokens_sandbox::Sandbox;

/// Nothing runs in a build without the sandbox.
#[cfg(not(feature = "sandbox"))]
pub enum Running {}

/// Starts the sandbox and connects to it, paced by `budget` if given.
#[cfg(feature = "sandbox")]
pub async fn connect(
    args: &ConnectionArgs,
    budget: Option<Arc<dyn RequestBudget>>,
) -> Result<Connection, CliError> {
    use lacework_tokens::Client;
    use lacework_tokens_sandbox::{Sandbox, SandboxConfig};

    let sandbox = Sandbox::start(SandboxConfig { seed_demo: true, ..Default::default() })
        .await
        .map_err(|e| CliError::Failed(format!("cannot start the sandbox: {e}")))?;
    tracing::debug!(base_url = sandbox.base_url(), "sandbox started with demo data");
    let mut builder = Client::builder()
        .base_url(sandbox.base_url())
        .api_key(sandbox.key_id(), sandbox.secret().to_owned())
        .user_agent_suffix(crate::connect::USER_AGENT);
    if let Some(sub_account) = &args.subaccount {
        builder = builder.sub_account(sub_account);
    }
    if let Some(budget) = budget {
        builder = builder.request_budget(budget);
    }
    let identity = crate::connect::Identity {
        sub_account: args.subaccount.clone(),
        key_id: Some(sandbox.key_id().to_owned()),
    };
    Ok(Connection::new(builder.build()?, identity, Some(sandbox)))
}

/// Refuses `--sandbox` in a build without it.
#[cfg(not(feature = "sandbox"))]
pub async fn connect(
    _args: &ConnectionArgs,
    _budget: Option<Arc<dyn RequestBudget>>,
) -> Result<Connection, CliError> {
    Err(CliError::Usage(
        "this lwtokens was built without the sandbox (cargo feature `sandbox`): --sandbox is not available"
            .to_owned(),
    ))
}
