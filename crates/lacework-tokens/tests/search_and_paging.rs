//! Typed search (each operator) and streams that follow `paging.urls.nextPage`.

mod support;

use futures_util::{StreamExt, TryStreamExt};
use lacework_tokens::search::{Field, Filter};
use support::World;

async fn aliases(world: &World, filter: Filter) -> Vec<String> {
    let hits = world.client.agent_tokens().search().filter(filter.clone()).send().await;
    hits.unwrap_or_else(|e| panic!("{filter:?}: {e}")).into_iter().map(|t| t.alias).collect()
}

#[tokio::test]
async fn each_search_operator() {
    let world = World::start().await;
    let tokens = world.client.agent_tokens();
    let mut created = Vec::new();
    for (alias, enabled) in [("Eng", true), ("eng-backend", true), ("ops_1", false), ("qa", false)] {
        created.push(tokens.create(alias).enabled(enabled).send().await.unwrap());
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let at: Vec<_> = created.iter().map(|t| t.created_at.unwrap()).collect();
    let secret = |i: usize| created[i].token.expose_secret().to_owned();
    let cases: Vec<(Filter, &[&str])> = vec![
        (Field::Alias.eq("Eng"), &["Eng"]),
        (Field::Alias.ne("Eng"), &["eng-backend", "ops_1", "qa"]),
        (Field::Alias.is_in(["qa", "Eng"]), &["Eng", "qa"]),
        (Field::Alias.not_in(["qa", "Eng"]), &["eng-backend", "ops_1"]),
        (Field::Alias.like("eng%"), &["eng-backend"]),
        (Field::Alias.ilike("eng%"), &["Eng", "eng-backend"]),
        (Field::Alias.not_like("%_%"), &[]),
        (Field::Alias.not_ilike("E%"), &["ops_1", "qa"]),
        (Field::Alias.rlike("^[a-z]+_\\d$"), &["ops_1"]),
        (Field::Alias.not_rlike("[-_]"), &["Eng", "qa"]),
        (Field::Token.eq(secret(3)), &["qa"]),
        (Field::Enabled.eq(true), &["Eng", "eng-backend"]),
        (Field::Enabled.ne(true), &["ops_1", "qa"]),
        (Field::Version.eq("0.1"), &["Eng", "eng-backend", "ops_1", "qa"]),
        (Field::CreatedAt.gt(at[1]), &["ops_1", "qa"]),
        (Field::CreatedAt.ge(at[1]), &["eng-backend", "ops_1", "qa"]),
        (Field::CreatedAt.lt(at[1]), &["Eng"]),
        (Field::CreatedAt.le(at[1]), &["Eng", "eng-backend"]),
        (Field::CreatedAt.between(at[1], at[2]), &["eng-backend", "ops_1"]),
        (Field::CreatedAt.eq(at[0]), &["Eng"]),
    ];
    for (filter, expected) in cases {
        assert_eq!(aliases(&world, filter.clone()).await, expected, "{filter:?}");
    }
    let windowed =
        tokens.search().time_range(Some(at[2]), None).filter(Field::Enabled.eq(false)).send().await.unwrap();
    assert_eq!(windowed.len(), 2);
}

#[tokio::test]
async fn streams_follow_next_page_across_three_pages() {
    let world = World::start().await;
    world.sandbox.set_page_size(2);
    world.sandbox.insert_agent_tokens("", "bulk-", 5);
    let tokens = world.client.agent_tokens();

    let listed: Vec<_> = tokens.list_stream().try_collect().await.unwrap();
    let aliases: Vec<_> = listed.iter().map(|t| t.alias.as_str()).collect();
    assert_eq!(aliases, ["bulk-0", "bulk-1", "bulk-2", "bulk-3", "bulk-4"]);
    let next_pages =
        world.sandbox.journal().iter().filter(|e| e.raw_path.starts_with("/api/v2/_pages/")).count();
    assert_eq!(next_pages, 2, "three pages: the first and two next pages");

    let found = tokens.search().filter(Field::Alias.like("bulk-%")).send().await.unwrap();
    assert_eq!(found.len(), 5);

    // The stream is lazy: reading two tokens fetches one page.
    world.sandbox.clear_journal();
    let first_two: Vec<_> = tokens.list_stream().take(2).collect().await;
    assert_eq!(first_two.len(), 2);
    assert_eq!(world.sandbox.journal().len(), 1);
}
