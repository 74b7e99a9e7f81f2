//! A tour of every operation, against a sandbox started in-process: no Lacework account needed.
//!
//! ```sh
//! cargo run -p lacework-tokens --example quickstart
//! ```
//!
//! Against a real account, build the client with `Client::from_env()` (LW_ACCOUNT, LW_API_KEY,
//! LW_API_SECRET, or ~/.lacework.toml) instead of pointing it at the sandbox.

use futures_util::TryStreamExt;
use lacework_tokens::search::Field;
use lacework_tokens::{Client, Error, Os, Status, Subscription};
use lacework_tokens_sandbox::{Sandbox, SandboxConfig};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox =
        Sandbox::start(SandboxConfig { seed_demo: true, page_size: 3, ..Default::default() }).await?;
    println!("sandbox listening on {} (with demo data)\n", sandbox.base_url());

    let client = Client::builder()
        .base_url(sandbox.base_url())
        .api_key(sandbox.key_id(), sandbox.secret().to_owned())
        .user_agent_suffix("quickstart")
        .build()?;
    let tokens = client.agent_tokens();

    println!("list: the agent tokens, page by page (3 rows a page here)");
    let mut stream = std::pin::pin!(tokens.list_stream());
    while let Some(token) = stream.try_next().await? {
        let state = if token.enabled { "enabled" } else { "disabled" };
        println!("  {:<20} {state:<8} {}", token.alias, token.description.as_deref().unwrap_or("-"));
    }

    println!("\ncreate: a token for the QA Linux fleet");
    let qa = tokens
        .create("qa")
        .description("QA group")
        .os(Os::Linux)
        .subscription(Subscription::Standard)
        .send()
        .await?;
    println!(
        "  created {:?} ({}), its value goes into the agent's config",
        qa.alias,
        shorten(qa.token.expose_secret())
    );

    println!("\nget: the same token by its id");
    let fetched = tokens.get(qa.id()).await?;
    println!("  {:?}, created {}", fetched.alias, fetched.created_at.map_or("?".into(), |t| t.to_rfc3339()));

    println!("\nupdate: rename it (only the alias is sent, so it stays enabled)");
    let renamed = tokens.update(qa.id()).alias("qa-linux").send().await?;
    println!("  now {:?}, enabled: {}", renamed.alias, renamed.enabled);

    println!("\ndisable, then enable again");
    println!("  enabled: {}", tokens.disable(qa.id()).await?.enabled);
    println!("  enabled: {}", tokens.enable(qa.id()).await?.enabled);

    println!("\nsearch: enabled tokens whose alias starts with \"ci-\" or \"prod-\"");
    let hits = tokens
        .search()
        .filter(Field::Enabled.eq(true))
        .filter(Field::Alias.rlike("^(ci|prod)-"))
        .send()
        .await?;
    for hit in &hits {
        println!("  {}", hit.alias);
    }

    println!("\nsearch with `returns`: only aliases, for tokens created after the QA one");
    let rows = tokens
        .search()
        .filter(Field::CreatedAt.ge(renamed.created_at.unwrap_or_default()))
        .returns([Field::Alias])
        .send_rows()
        .await?;
    println!("  {:?}", rows.iter().filter_map(|r| r.alias.as_deref()).collect::<Vec<_>>());

    let access = client.access_tokens();
    println!("\naccess tokens: create (the secret comes back once), get, patch, list, delete");
    let created = access.create("ci-pipeline").scope(["devices"]).send().await?;
    println!("  created {:?} with a secret: {}", created.token.id, created.secret.is_some());
    let id = created.token.id.clone();
    println!("  get: {:?}", access.get(&id).await?.name);
    let patched = access.patch(&id).name("ci-pipeline-2").status(Status::Inactive).send().await?;
    println!("  patched: {:?}, {:?}", patched.name, patched.status);
    println!("  list: {} access tokens", access.list().await?.len());
    access.delete(&id).await?;
    match access.get(&id).await {
        Err(Error::Api { status, .. }) => println!("  deleted: getting it now answers {status}"),
        other => println!("  unexpected: {other:?}"),
    }

    println!("\nerrors are typed and say what was wrong, before anything is sent:");
    if let Err(e) = access.create("x".repeat(256)).send().await {
        println!("  {e}");
    }

    println!("\nissue a bearer token for another tool (valid 10 minutes)");
    let bearer = client.issue_bearer_token(Some(std::time::Duration::from_secs(600))).await?;
    println!("  expires at {}; printing it is up to you: {:?}", bearer.expires_at, bearer.token);

    if let Some(limit) = client.rate_limit() {
        println!(
            "\nrate limit: {} of {} requests left, window resets in {:?}",
            limit.remaining, limit.limit, limit.reset
        );
    }
    println!("\n{} requests reached the sandbox", sandbox.journal().len());
    sandbox.shutdown().await;
    Ok(())
}

/// The start of a token, enough to recognise it.
fn shorten(token: &str) -> String {
    format!("{}…", &token[..8.min(token.len())])
}
