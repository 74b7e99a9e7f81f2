//! Every operation of the facade against the sandbox, in every wire form the API is seen to use.

mod support;

use futures_util::TryStreamExt;
use lacework_tokens::search::Field;
use lacework_tokens::{Error, Os, Status, Subscription};
use lacework_tokens_sandbox::WireForms;
use support::World;

#[tokio::test]
async fn every_operation_in_every_wire_form() {
    for forms in WireForms::all() {
        let world = World::with_forms(forms).await;
        let tokens = world.client.agent_tokens();

        let created = tokens
            .create("qa")
            .description("QA group")
            .os(Os::Linux)
            .subscription(Subscription::Enterprise)
            .send()
            .await
            .unwrap();
        assert!(created.enabled, "{forms:?}: enabled by default");
        assert_eq!(created.alias, "qa");
        assert_eq!(created.description.as_deref(), Some("QA group"), "{forms:?}");
        assert_eq!(
            (created.os.clone(), created.subscription.clone()),
            (Some(Os::Linux), Some(Subscription::Enterprise))
        );
        assert_eq!(created.version.as_deref(), Some("0.1"));
        let created_at = created.created_at.expect("a creation time");
        assert!((chrono::Utc::now() - created_at).num_seconds().abs() < 60, "{forms:?}: {created_at}");

        let off = tokens.create("off").enabled(false).send().await.unwrap();
        assert!(!off.enabled, "{forms:?}");

        let fetched = tokens.get(created.id()).await.unwrap();
        assert_eq!(fetched.token, created.token);
        assert_eq!(fetched.alias, "qa");

        // A rename keeps `enabled`, in both states (the Go SDK's rename disables tokens).
        let renamed = tokens.update(created.id()).alias("Eng").send().await.unwrap();
        assert_eq!((renamed.alias.as_str(), renamed.enabled), ("Eng", true), "{forms:?}");
        let renamed_off = tokens.update(off.id()).alias("still-off").send().await.unwrap();
        assert!(!renamed_off.enabled, "{forms:?}: a rename does not enable either");
        let described = tokens.update(created.id()).description("Eng group").send().await.unwrap();
        assert_eq!((described.description.as_deref(), described.os), (Some("Eng group"), Some(Os::Linux)));

        assert!(!tokens.disable(created.id()).await.unwrap().enabled);
        assert!(tokens.enable(created.id()).await.unwrap().enabled);

        let all = tokens.list().await.unwrap();
        assert_eq!(
            all.iter().map(|t| t.alias.as_str()).collect::<Vec<_>>(),
            ["Eng", "still-off"],
            "{forms:?}"
        );
        let streamed: Vec<_> = tokens.list_stream().try_collect().await.unwrap();
        assert_eq!(streamed, all);

        let hits = tokens.search().filter(Field::Enabled.eq(false)).send().await.unwrap();
        assert_eq!(hits.iter().map(|t| t.alias.as_str()).collect::<Vec<_>>(), ["still-off"]);
        let rows =
            tokens.search().filter(Field::Alias.eq("Eng")).returns([Field::Alias]).send_rows().await.unwrap();
        assert_eq!((rows.len(), rows[0].alias.as_deref(), rows[0].token.is_none()), (1, Some("Eng"), true));

        let unknown = tokens.get("0".repeat(56).as_str()).await.unwrap_err();
        assert_eq!(unknown.status().map(|s| s.as_u16()), Some(404), "{unknown}");

        // Access tokens.
        let access = world.client.access_tokens();
        let new = access.create("ci").scope(["devices"]).send().await.unwrap();
        assert!(new.secret.is_some(), "the secret comes back at creation");
        assert_eq!(new.token.status, Some(Status::Active));
        let id = new.token.id.clone();
        assert_eq!(access.get(&id).await.unwrap().name.as_deref(), Some("ci"));
        let patched = access.patch(&id).name("ci-2").status(Status::Inactive).send().await.unwrap();
        assert_eq!((patched.name.as_deref(), patched.status), (Some("ci-2"), Some(Status::Inactive)));
        assert_eq!(access.list().await.unwrap().len(), 1);
        access.delete(&id).await.unwrap();
        match access.get(&id).await.unwrap_err() {
            Error::Api { status, kind, .. } => {
                assert_eq!((status.as_u16(), kind.as_deref()), (404, Some("NotFound")))
            }
            other => panic!("{forms:?}: {other:?}"),
        }

        let bearer = world.client.issue_bearer_token(Some(std::time::Duration::from_secs(60))).await.unwrap();
        assert!((bearer.expires_at - chrono::Utc::now()).num_seconds() <= 60);
        assert!(world.client.rate_limit().is_some_and(|r| r.limit == 480), "rate limits are read");
    }
}

#[tokio::test]
async fn inputs_are_checked_before_anything_is_sent() {
    let world = World::start().await;
    let tokens = world.client.agent_tokens();
    let access = world.client.access_tokens();
    let field = |e: Error| match e {
        Error::InvalidInput { field, .. } => field,
        other => panic!("{other:?}"),
    };
    assert_eq!(field(tokens.create("").send().await.unwrap_err()), "alias");
    assert_eq!(field(tokens.create("  ").send().await.unwrap_err()), "alias");
    assert_eq!(field(tokens.create("x").os(Os::Other("plan9".into())).send().await.unwrap_err()), "os");
    assert_eq!(field(tokens.update("abc").send().await.unwrap_err()), "update");
    assert_eq!(field(tokens.update("abc").alias("").send().await.unwrap_err()), "alias");
    assert_eq!(field(tokens.get("").await.unwrap_err()), "token");
    assert_eq!(field(access.create("").send().await.unwrap_err()), "name");
    assert_eq!(field(access.create("x".repeat(256)).send().await.unwrap_err()), "name");
    assert_eq!(
        field(access.patch("5f3c1e2d9b8a7c6d5e4f3a2b").name("x".repeat(256)).send().await.unwrap_err()),
        "name"
    );
    let filter = tokens.search().filter(Field::Alias.is_in(Vec::<String>::new())).send().await.unwrap_err();
    assert!(field(filter).starts_with("filters[0]"));
    // Text bounds on createdTime are allowed by the spec (compared as text); a flag is not text.
    let flag = tokens.search().filter(Field::Alias.eq(true)).send().await.unwrap_err();
    assert!(field(flag).starts_with("filters[0]"));
    assert_eq!(world.sandbox.journal().len(), 0, "nothing was sent, not even a key exchange");
    assert!(access.create("x".repeat(255)).send().await.is_ok(), "255 characters is the limit");
}
