//! Bearers shared through a `FileTokenStore`: one exchange between clients that share it, never
//! a bearer sent to another API or for another key, and every kind of bad cache file ignored
//! (with a fresh exchange) rather than trusted.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lacework_tokens::token_store::{FileTokenStore, TokenStore};
use lacework_tokens_api::ops;
use lacework_tokens_sandbox::{Sandbox, SandboxConfig};
use support::{World, builder};
use tempfile::TempDir;

/// A store in a fresh directory (the directory itself is created by the first save).
fn store_in(dir: &TempDir) -> Arc<FileTokenStore> {
    Arc::new(FileTokenStore::in_dir(dir.path().join("cache")))
}

/// Lists agent tokens through a new client of `sandbox` that shares `store`.
async fn list_with(sandbox: &Sandbox, store: &Arc<FileTokenStore>) {
    let client = builder(sandbox).token_store(store.clone()).build().unwrap();
    client.agent_tokens().list().await.unwrap();
}

/// The one cache file in `store`.
fn the_cache_file(store: &FileTokenStore) -> PathBuf {
    let entries = store.entries().unwrap();
    assert_eq!(entries.len(), 1, "{entries:?}");
    entries[0].path.clone()
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn clients_sharing_a_store_exchange_once_and_the_files_are_private() {
    let world = World::start().await;
    let dir = TempDir::new().unwrap();
    let store = store_in(&dir);
    for _ in 0..10 {
        list_with(&world.sandbox, &store).await;
    }
    assert_eq!(world.exchanges(), 1, "ten clients, one bearer");
    assert_eq!(world.sandbox.effects(ops::LIST_AGENT_ACCESS_TOKENS.id), 10);

    assert_eq!(mode(store.dir()), 0o700);
    let file = the_cache_file(&store);
    assert_eq!(mode(&file), 0o600);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!text.contains(world.sandbox.secret()), "the API secret is never written");
    let entry = &store.entries().unwrap()[0];
    assert_eq!(entry.key.key_id, world.sandbox.key_id());
    assert_eq!(entry.key.base_url, world.sandbox.base_url());
}

#[tokio::test]
async fn clients_started_together_exchange_once() {
    let world = World::start().await;
    let dir = TempDir::new().unwrap();
    // Separate stores on one directory: the lock file, not shared memory, keeps them to one exchange.
    let calls = (0..10).map(|_| {
        let store = store_in(&dir);
        let sandbox = &world.sandbox;
        async move { list_with(sandbox, &store).await }
    });
    futures_util::future::join_all(calls).await;
    assert_eq!(world.exchanges(), 1);
}

#[tokio::test]
async fn a_bearer_revoked_while_cached_is_dropped_and_replaced_once() {
    let world = World::start().await;
    let dir = TempDir::new().unwrap();
    let store = store_in(&dir);
    list_with(&world.sandbox, &store).await;
    world.sandbox.expire_bearers();
    list_with(&world.sandbox, &store).await;
    list_with(&world.sandbox, &store).await;
    assert_eq!(world.exchanges(), 2, "the refused bearer was replaced once, then reused");
    let refused = world.sandbox.journal().iter().filter(|e| e.status == Some(401)).count();
    assert_eq!(refused, 1);
}

#[tokio::test]
async fn a_bearer_is_never_sent_to_another_api_or_sub_account_or_for_another_key() {
    let config = |key: &str| SandboxConfig {
        key_id: Some(key.to_owned()),
        secret: Some("the-same-secret-0123456789".to_owned()),
        ..SandboxConfig::default()
    };
    let first = Sandbox::start(config("KEY_A")).await.unwrap();
    let second = Sandbox::start(config("KEY_A")).await.unwrap();
    let dir = TempDir::new().unwrap();
    let store = store_in(&dir);
    list_with(&first, &store).await;
    list_with(&second, &store).await;
    let sub = builder(&first).sub_account("eu").token_store(store.clone()).build().unwrap();
    sub.agent_tokens().list().await.unwrap();

    assert_eq!(second.effects(ops::CREATE_API_TOKEN.id), 1, "another API: its own exchange");
    assert_eq!(first.effects(ops::CREATE_API_TOKEN.id), 2, "another sub-account: its own bearer");
    for sandbox in [&first, &second] {
        assert!(sandbox.journal().iter().all(|e| e.status != Some(401)), "no foreign bearer was sent");
    }
    assert_eq!(store.entries().unwrap().len(), 3);
}

/// Something done to a cache file.
type Damage<'a> = Box<dyn Fn(&Path) + 'a>;

#[tokio::test]
async fn bad_cache_files_are_ignored_and_replaced() {
    let world = World::start().await;
    let dir = TempDir::new().unwrap();
    let store = store_in(&dir);
    list_with(&world.sandbox, &store).await;
    let file = the_cache_file(&store);
    let good = std::fs::read_to_string(&file).unwrap();

    let damage: [(&str, Damage<'_>); 5] = [
        ("corrupt", Box::new(|p: &Path| std::fs::write(p, "{not json").unwrap())),
        ("truncated", Box::new(|p: &Path| std::fs::write(p, &good[..good.len() / 2]).unwrap())),
        (
            "another key's",
            Box::new(|p: &Path| {
                std::fs::write(p, good.replace(world.sandbox.key_id(), "SOMEONE_ELSE")).unwrap()
            }),
        ),
        (
            "readable by others",
            Box::new(|p: &Path| std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o644)).unwrap()),
        ),
        (
            // Issued a day in the future: the clock jumped back, or the file was edited.
            "implausibly dated",
            Box::new(|p: &Path| {
                let mut file: serde_json::Value =
                    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
                let future = (chrono::Utc::now() + chrono::TimeDelta::days(1)).to_rfc3339();
                file["issuedAt"] = future.clone().into();
                file["expiresAt"] = future.into();
                std::fs::write(p, file.to_string()).unwrap();
            }),
        ),
    ];
    for (round, (what, damage)) in damage.iter().enumerate() {
        damage(&file);
        list_with(&world.sandbox, &store).await;
        assert_eq!(world.exchanges(), round + 2, "a {what} cache file is not trusted");
        assert_eq!(mode(&file), 0o600, "after a {what} file, a private one replaces it");
        let replaced: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        assert_eq!(replaced["keyId"], world.sandbox.key_id(), "after a {what} file");
    }
    assert!(world.sandbox.journal().iter().all(|e| e.status != Some(401)), "nothing bad was sent");
}

#[tokio::test]
async fn an_unwritable_cache_directory_means_working_without_a_cache() {
    let world = World::start().await;
    let dir = TempDir::new().unwrap();
    // A directory cannot be made under a regular file, whoever runs the test (root included).
    std::fs::write(dir.path().join("file"), "").unwrap();
    let store = Arc::new(FileTokenStore::in_dir(dir.path().join("file").join("cache")));
    for _ in 0..2 {
        list_with(&world.sandbox, &store).await;
    }
    assert_eq!(world.exchanges(), 2, "no cache: each client exchanges");
    assert!(store.entries().is_err() || store.entries().unwrap().is_empty());
}

#[tokio::test]
async fn a_loose_cache_directory_is_not_used() {
    let world = World::start().await;
    let dir = TempDir::new().unwrap();
    let store = store_in(&dir);
    std::fs::create_dir(store.dir()).unwrap();
    std::fs::set_permissions(store.dir(), std::fs::Permissions::from_mode(0o777)).unwrap();
    list_with(&world.sandbox, &store).await;
    assert!(std::fs::read_dir(store.dir()).unwrap().next().is_none(), "nothing is written there");
}

#[tokio::test]
async fn clear_removes_every_cached_bearer() {
    let world = World::start().await;
    let dir = TempDir::new().unwrap();
    let store = store_in(&dir);
    list_with(&world.sandbox, &store).await;
    assert_eq!(store.clear().unwrap(), 1);
    assert!(store.entries().unwrap().is_empty());
    let key = &lacework_tokens::token_store::TokenKey {
        base_url: world.sandbox.base_url().to_owned(),
        sub_account: None,
        key_id: world.sandbox.key_id().to_owned(),
    };
    assert!(store.load(key).await.is_none());
}
