//! Pacing by a request budget: a job larger than the account's window finishes, slowed down,
//! without a 429; caps stop it cleanly. Counted in the sandbox's journal.

mod support;

use std::sync::Arc;
use std::time::Duration;

use lacework_tokens::budget::{ApiFamily, BudgetStop, LocalBudget};
use lacework_tokens::search::Field;
use lacework_tokens::{Error, RetryPolicy};
use lacework_tokens_api::ops;
use lacework_tokens_sandbox::{RateLimit, Sandbox, SandboxConfig};
use support::builder;

/// A sandbox holding `count` tokens named bulk-N that allows 480 requests per second per family.
async fn busy_sandbox(count: usize) -> Sandbox {
    let rate_limit = RateLimit { limit: 480, window: Duration::from_secs(1), enforce: true };
    let sandbox = Sandbox::start(SandboxConfig { rate_limit, ..SandboxConfig::default() }).await.unwrap();
    sandbox.insert_agent_tokens("", "bulk-", count);
    sandbox
}

#[tokio::test]
async fn a_job_four_times_the_window_finishes_paced_without_a_429() {
    let sandbox = busy_sandbox(2_000).await;
    let budget = Arc::new(LocalBudget::new(480, Duration::from_secs(1)));
    let client = builder(&sandbox).request_budget(budget.clone()).build().unwrap();
    let tokens = client.agent_tokens();
    let found = tokens.search().filter(Field::Alias.like("bulk-%")).send().await.unwrap();
    assert_eq!(found.len(), 2_000);
    for token in &found {
        tokens.disable(token.id().clone()).await.unwrap();
    }
    let journal = sandbox.journal();
    assert!(journal.iter().all(|e| e.status != Some(429)), "the server never had to refuse a request");
    assert_eq!(sandbox.effects(ops::UPDATE_AGENT_ACCESS_TOKEN.id), 2_000);
    assert_eq!(journal.len(), 2_002, "one exchange, one search page, 2,000 updates: 1.00 of the minimum");
    assert_eq!(budget.sent(), 2_002);
}

#[tokio::test]
async fn a_429_from_elsewhere_is_waited_out_when_paced_and_fails_when_not() {
    let rate_limit = RateLimit { limit: 5, window: Duration::from_secs(2), enforce: true };
    let sandbox = Sandbox::start(SandboxConfig { rate_limit, ..SandboxConfig::default() }).await.unwrap();
    // Another process spends the window.
    let other = builder(&sandbox).build().unwrap();
    for _ in 0..5 {
        other.agent_tokens().list().await.unwrap();
    }
    let impatient = RetryPolicy { max_retry_after: Duration::from_millis(100), ..RetryPolicy::default() };
    let unpaced = builder(&sandbox).retry_policy(impatient.clone()).build().unwrap();
    let error = unpaced.agent_tokens().list().await.unwrap_err();
    assert!(matches!(error, Error::RateLimited { .. }), "{error:?}");

    // This client believes it has 10,000 a window: the server's 429 and headers correct it.
    let budget = Arc::new(LocalBudget::new(10_000, Duration::from_secs(2)));
    let paced = builder(&sandbox).retry_policy(impatient).request_budget(budget).build().unwrap();
    sandbox.clear_journal();
    paced.agent_tokens().list().await.expect("the paced client waits for the next window");
    let lists: Vec<_> = sandbox
        .journal()
        .into_iter()
        .filter(|e| e.operation == Some(ops::LIST_AGENT_ACCESS_TOKENS.id))
        .map(|e| e.status)
        .collect();
    assert_eq!(lists.first(), Some(&Some(429)), "the paced client met the spent window: {lists:?}");
    assert_eq!(lists.last(), Some(&Some(200)), "and went on after it reset: {lists:?}");
}

#[tokio::test]
async fn max_requests_stops_before_sending_more() {
    let sandbox = busy_sandbox(10).await;
    let budget = Arc::new(LocalBudget::new(480, Duration::from_secs(3600)).max_requests(3));
    let client = builder(&sandbox).request_budget(budget).build().unwrap();
    client.agent_tokens().list().await.unwrap(); // the exchange and the list
    client.agent_tokens().list().await.unwrap();
    let error = client.agent_tokens().list().await.unwrap_err();
    assert!(matches!(error, Error::OverBudget { stop: BudgetStop::MaxRequests { max: 3 }, .. }), "{error:?}");
    assert_eq!(sandbox.journal().len(), 3, "nothing was sent past the cap");
    let standing = client.budget_standing(ApiFamily::AgentAccessTokens).unwrap();
    assert_eq!(standing.limit, 480);
}
