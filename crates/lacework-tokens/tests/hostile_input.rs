//! Hostile input: ids that try to change the request path stay inside one percent-encoded path
//! segment (checked against what the sandbox received), and what encoding cannot protect is
//! refused before anything is sent.

mod support;

use lacework_tokens::Error;
use lacework_tokens_api::ops;
use support::World;

/// Decodes `%XX` escapes (the sandbox journal keeps paths as received).
fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(Ok(b)) = segment.get(i + 1..i + 3).map(|hex| u8::from_str_radix(hex, 16))
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

const HOSTILE: [&str; 10] = [
    "a/b",
    "../../AccessTokens",
    "x?tokenAlias=evil",
    "x#fragment",
    "100%",
    "%2e%2e",
    "with space",
    "ünïcødé-ток",
    "..a",
    "tab\tnewline\n",
];

#[tokio::test]
async fn ids_stay_in_one_path_segment() {
    let world = World::start().await;
    let agents = world.client.agent_tokens();
    let access = world.client.access_tokens();
    for id in HOSTILE {
        world.sandbox.clear_journal();
        // The sandbox has no such token: each call ends in 404 (or 400 for malformed access ids).
        assert!(agents.get(id).await.is_err());
        assert!(agents.update(id).alias("x").send().await.is_err());
        assert!(access.get(id).await.is_err());
        assert!(access.patch(id).name("x").send().await.is_err());
        assert!(access.delete(id).await.is_err());
        let paths: Vec<String> = world
            .sandbox
            .journal()
            .into_iter()
            .filter(|e| e.operation != Some(ops::CREATE_API_TOKEN.id))
            .map(|e| e.raw_path)
            .collect();
        assert_eq!(paths.len(), 5, "{id:?}: {paths:?}");
        for path in paths {
            let (prefix, segment) = path.rsplit_once('/').unwrap();
            assert!(
                prefix == "/api/v2/AgentAccessTokens" || prefix == "/api/v2/AccessTokens",
                "{id:?} changed the path: {path}"
            );
            assert!(!segment.contains('?') && !segment.contains('#'), "{id:?}: {path}");
            assert_eq!(percent_decode(segment), id, "{id:?} arrives intact");
        }
    }
}

#[tokio::test]
async fn what_encoding_cannot_protect_is_refused_before_sending() {
    let world = World::start().await;
    for id in [".", "..", "a\\b", ""] {
        for result in [
            world.client.agent_tokens().get(id).await.map(drop),
            world.client.agent_tokens().update(id).alias("x").send().await.map(drop),
            world.client.access_tokens().get(id).await.map(drop),
            world.client.access_tokens().delete(id).await,
        ] {
            assert!(matches!(result, Err(Error::InvalidInput { .. })), "{id:?}: {result:?}");
        }
    }
    assert!(world.sandbox.journal().is_empty(), "nothing was sent");
}
