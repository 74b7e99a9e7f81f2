//! Bearer handling: one exchange however many calls wait for it, refresh before expiry, one
//! repeat after a 401, and a clear error when a caller's own bearer is refused.

mod support;

use std::time::Duration;

use futures_util::future::join_all;
use lacework_tokens::{Client, Error};
use lacework_tokens_api::ops;
use support::{World, builder};

#[tokio::test]
async fn sixty_four_calls_at_token_expiry_cause_exactly_one_exchange() {
    let world = World::start().await;
    // A 2 s bearer is replaced 1 s before it expires (the margin is at most half the lifetime).
    let client = builder(&world.sandbox).token_expiry(Duration::from_secs(2)).build().unwrap();
    let tokens = client.agent_tokens();

    let first = join_all((0..64).map(|_| tokens.list())).await;
    assert!(first.iter().all(Result::is_ok));
    assert_eq!(world.exchanges(), 1, "64 calls at start: one exchange");

    tokio::time::sleep(Duration::from_millis(1100)).await; // past the refresh point
    let second = join_all((0..64).map(|_| tokens.list())).await;
    assert!(second.iter().all(Result::is_ok));
    assert_eq!(world.exchanges(), 2, "64 calls at expiry: one more exchange");
    assert_eq!(world.sandbox.effects(ops::LIST_AGENT_ACCESS_TOKENS.id), 128);
}

#[tokio::test]
async fn a_401_refreshes_once_and_repeats_once() {
    let world = World::start().await;
    let tokens = world.client.agent_tokens();
    tokens.list().await.unwrap();
    assert_eq!(world.exchanges(), 1);

    // The server forgets the bearer (it expired early, or was revoked): 64 calls all get a 401.
    world.sandbox.expire_bearers();
    let results = join_all((0..64).map(|_| tokens.list())).await;
    assert!(results.iter().all(Result::is_ok), "{:?}", results.iter().find(|r| r.is_err()));
    assert_eq!(world.exchanges(), 2, "one exchange answers all 64 rejections");
    let lists =
        world.sandbox.journal().into_iter().filter(|e| e.operation == Some(ops::LIST_AGENT_ACCESS_TOKENS.id));
    let statuses: Vec<Option<u16>> = lists.map(|e| e.status).collect();
    assert_eq!(statuses.iter().filter(|s| **s == Some(401)).count(), 64);
    assert_eq!(statuses.iter().filter(|s| **s == Some(200)).count(), 65);
}

#[tokio::test]
async fn a_callers_bearer_is_used_as_is_and_a_401_says_so() {
    let world = World::start().await;
    let bearer = world.client.issue_bearer_token(None).await.unwrap();
    let exchanges = world.exchanges();
    let client = Client::builder()
        .base_url(world.sandbox.base_url())
        .bearer_token(bearer.token.clone())
        .build()
        .unwrap();
    client.agent_tokens().list().await.unwrap();
    assert_eq!(world.exchanges(), exchanges, "no exchange with a ready bearer");

    world.sandbox.expire_bearers();
    match client.agent_tokens().list().await.unwrap_err() {
        Error::Unauthorized { message } => assert!(message.contains("bearer token was refused"), "{message}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_wrong_api_secret_is_a_clear_unauthorized_error() {
    let world = World::start().await;
    let client = Client::builder()
        .base_url(world.sandbox.base_url())
        .api_key(world.sandbox.key_id(), "not-the-secret".to_owned())
        .build()
        .unwrap();
    let error = client.agent_tokens().list().await.unwrap_err();
    let text = error.to_string();
    assert!(matches!(error, Error::Unauthorized { .. }), "{error:?}");
    assert!(text.contains(world.sandbox.key_id()) && text.contains("refused"), "{text}");
    assert!(!text.contains("not-the-secret"));
    assert_eq!(
        world.sandbox.effects(ops::LIST_AGENT_ACCESS_TOKENS.id),
        0,
        "nothing is sent without a bearer"
    );
}

#[tokio::test]
async fn issued_bearers_last_as_configured() {
    let world = World::start().await;
    let client = builder(&world.sandbox).token_expiry(Duration::from_secs(120)).build().unwrap();
    let default = client.issue_bearer_token(None).await.unwrap();
    let lifetime = (default.expires_at - chrono::Utc::now()).num_seconds();
    assert!((100..=120).contains(&lifetime), "the client's token expiry: {lifetime} s");
    let asked = client.issue_bearer_token(Some(Duration::from_secs(30))).await.unwrap();
    assert!((asked.expires_at - chrono::Utc::now()).num_seconds() <= 30);
    let refused = client.issue_bearer_token(Some(Duration::from_secs(86_401))).await.unwrap_err();
    assert!(matches!(refused, Error::InvalidInput { .. }), "{refused:?}");
}
