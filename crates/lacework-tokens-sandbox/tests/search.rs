//! Search: every operator on every field (the spec allows each pair), `timeFilter`, `returns`,
//! and the refusals (missing or misplaced operands, a bad regular expression, a reversed time
//! filter), each naming the filter.

mod support;

use std::collections::BTreeSet;

use lacework_tokens_sandbox::SandboxConfig;
use reqwest::Method;
use serde_json::{Value, json};
use support::Harness;

const SEARCH: &str = "/api/v2/AgentAccessTokens/search";
const FIELDS: [&str; 5] = ["accessToken", "createdTime", "tokenAlias", "tokenEnabled", "version"];
const OPS: [&str; 15] = [
    "eq",
    "ne",
    "in",
    "not_in",
    "like",
    "ilike",
    "not_like",
    "not_ilike",
    "rlike",
    "not_rlike",
    "gt",
    "ge",
    "lt",
    "le",
    "between",
];
const ALL: &[&str] = &["Eng", "eng-backend", "ops_1", "Ops Agent", "qa"];

/// The tokens every search runs over, in creation order: (alias, enabled).
const TOKENS: [(&str, bool); 5] =
    [("Eng", true), ("eng-backend", true), ("ops_1", false), ("Ops Agent", true), ("qa", false)];

struct Fixture {
    h: Harness,
    /// accessToken values and createdTime strings, in creation order.
    tokens: Vec<String>,
    times: Vec<String>,
}

async fn fixture() -> Fixture {
    let h = Harness::start(SandboxConfig::default()).await;
    for (alias, enabled) in TOKENS {
        h.create_agent_token(json!({"tokenAlias": alias, "tokenEnabled": u8::from(enabled)})).await;
        // Distinct creation times, a few milliseconds apart.
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let listed = h.call(Method::GET, "/api/v2/AgentAccessTokens", None).await;
    let rows = listed.body["data"].as_array().unwrap().clone();
    let tokens = rows.iter().map(|r| r["accessToken"].as_str().unwrap().to_owned()).collect();
    let times: Vec<String> = rows.iter().map(|r| r["createdTime"].as_str().unwrap().to_owned()).collect();
    assert!(times.windows(2).all(|w| w[0] < w[1]), "distinct, increasing times: {times:?}");
    Fixture { h, tokens, times }
}

impl Fixture {
    async fn search(&self, body: Value) -> support::Answer {
        self.h.call(Method::POST, SEARCH, Some(body)).await
    }

    /// The aliases a single filter matches.
    async fn aliases(&self, filter: Value) -> Vec<String> {
        let answer = self.search(json!({"filters": [filter]})).await;
        assert_eq!(answer.status, 200, "{filter}: {answer:?}");
        answer.body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["tokenAlias"].as_str().unwrap().to_owned())
            .collect()
    }
}

fn filter(field: &str, expression: &str, operand: Value) -> Value {
    let key = if matches!(expression, "in" | "not_in" | "between") { "values" } else { "value" };
    json!({"field": field, "expression": expression, key: operand})
}

#[tokio::test]
async fn every_operator_on_every_field() {
    let f = fixture().await;
    let (t, at) = (&f.tokens, &f.times);
    let cases: Vec<(Value, &[&str])> = vec![
        // tokenAlias: every text operator.
        (filter("tokenAlias", "eq", json!("Eng")), &["Eng"]),
        (filter("tokenAlias", "ne", json!("Eng")), &["eng-backend", "ops_1", "Ops Agent", "qa"]),
        (filter("tokenAlias", "in", json!(["qa", "Eng", "nobody"])), &["Eng", "qa"]),
        (filter("tokenAlias", "not_in", json!(["qa", "Eng"])), &["eng-backend", "ops_1", "Ops Agent"]),
        (filter("tokenAlias", "like", json!("eng%")), &["eng-backend"]),
        (filter("tokenAlias", "like", json!("ops\\_%")), &["ops_1"]),
        (filter("tokenAlias", "like", json!("_a")), &["qa"]),
        (filter("tokenAlias", "ilike", json!("eng%")), &["Eng", "eng-backend"]),
        (filter("tokenAlias", "not_like", json!("%a%")), &["Eng", "ops_1", "Ops Agent"]),
        (filter("tokenAlias", "not_ilike", json!("ops%")), &["Eng", "eng-backend", "qa"]),
        (filter("tokenAlias", "rlike", json!("^[Oo]ps")), &["ops_1", "Ops Agent"]),
        (filter("tokenAlias", "not_rlike", json!("[-_ ]")), &["Eng", "qa"]),
        // accessToken.
        (filter("accessToken", "eq", json!(t[2])), &["ops_1"]),
        (filter("accessToken", "ne", json!(t[2])), &["Eng", "eng-backend", "Ops Agent", "qa"]),
        (filter("accessToken", "in", json!([t[0], t[4]])), &["Eng", "qa"]),
        (filter("accessToken", "not_in", json!([t[0], t[1], t[2]])), &["Ops Agent", "qa"]),
        (filter("accessToken", "like", json!(format!("{}%", &t[3][..20]))), &["Ops Agent"]),
        (filter("accessToken", "ilike", json!(format!("%{}", t[1][30..].to_uppercase()))), &["eng-backend"]),
        (
            filter("accessToken", "not_like", json!(format!("{}%", &t[3][..20]))),
            &["Eng", "eng-backend", "ops_1", "qa"],
        ),
        (
            filter("accessToken", "not_ilike", json!(t[0].to_uppercase())),
            &["eng-backend", "ops_1", "Ops Agent", "qa"],
        ),
        (
            filter("accessToken", "rlike", json!("^[0-9a-f]{56}$")),
            &["Eng", "eng-backend", "ops_1", "Ops Agent", "qa"],
        ),
        (
            filter("accessToken", "not_rlike", json!(format!("^{}", &t[4][..20]))),
            &["Eng", "eng-backend", "ops_1", "Ops Agent"],
        ),
        // tokenEnabled, compared as "1"/"0" whichever form the operand takes.
        (filter("tokenEnabled", "eq", json!("1")), &["Eng", "eng-backend", "Ops Agent"]),
        (filter("tokenEnabled", "ne", json!("true")), &["ops_1", "qa"]),
        (filter("tokenEnabled", "in", json!(["0", "false"])), &["ops_1", "qa"]),
        (filter("tokenEnabled", "not_in", json!(["0"])), &["Eng", "eng-backend", "Ops Agent"]),
        (filter("tokenEnabled", "like", json!("0")), &["ops_1", "qa"]),
        (filter("tokenEnabled", "ilike", json!("1%")), &["Eng", "eng-backend", "Ops Agent"]),
        (filter("tokenEnabled", "not_like", json!("1")), &["ops_1", "qa"]),
        (filter("tokenEnabled", "not_ilike", json!("0")), &["Eng", "eng-backend", "Ops Agent"]),
        (filter("tokenEnabled", "rlike", json!("^0$")), &["ops_1", "qa"]),
        (filter("tokenEnabled", "not_rlike", json!("0")), &["Eng", "eng-backend", "Ops Agent"]),
        // version: every token is 0.1.
        (filter("version", "eq", json!("0.1")), &["Eng", "eng-backend", "ops_1", "Ops Agent", "qa"]),
        (filter("version", "ne", json!("0.1")), &[]),
        (filter("version", "in", json!(["0.2", "0.1"])), &["Eng", "eng-backend", "ops_1", "Ops Agent", "qa"]),
        (filter("version", "not_in", json!(["0.1"])), &[]),
        (filter("version", "like", json!("0._")), &["Eng", "eng-backend", "ops_1", "Ops Agent", "qa"]),
        (filter("version", "ilike", json!("%.1")), &["Eng", "eng-backend", "ops_1", "Ops Agent", "qa"]),
        (filter("version", "not_like", json!("0.%")), &[]),
        (filter("version", "not_ilike", json!("1%")), &["Eng", "eng-backend", "ops_1", "Ops Agent", "qa"]),
        (
            filter("version", "rlike", json!("^0\\.\\d+$")),
            &["Eng", "eng-backend", "ops_1", "Ops Agent", "qa"],
        ),
        (filter("version", "not_rlike", json!("^0")), &[]),
        // createdTime: equality and order, as instants.
        (filter("createdTime", "eq", json!(at[1])), &["eng-backend"]),
        (filter("createdTime", "ne", json!(at[1])), &["Eng", "ops_1", "Ops Agent", "qa"]),
        (filter("createdTime", "in", json!([at[0], at[3]])), &["Eng", "Ops Agent"]),
        (filter("createdTime", "not_in", json!([at[0], at[3]])), &["eng-backend", "ops_1", "qa"]),
        (filter("createdTime", "gt", json!(at[2])), &["Ops Agent", "qa"]),
        (filter("createdTime", "ge", json!(at[2])), &["ops_1", "Ops Agent", "qa"]),
        (filter("createdTime", "lt", json!(at[2])), &["Eng", "eng-backend"]),
        (filter("createdTime", "le", json!(at[2])), &["Eng", "eng-backend", "ops_1"]),
        (filter("createdTime", "between", json!([at[1], at[3]])), &["eng-backend", "ops_1", "Ops Agent"]),
        // createdTime as text: an operand that is not a time, and the patterns, see RFC 3339 with
        // milliseconds.
        (filter("createdTime", "eq", json!("yesterday")), &[]),
        (filter("createdTime", "like", json!("%Z")), ALL),
        (filter("createdTime", "ilike", json!("%z")), ALL),
        (filter("createdTime", "not_like", json!("%Z")), &[]),
        (filter("createdTime", "not_ilike", json!("2%")), &[]),
        (filter("createdTime", "rlike", json!("^\\d{4}-\\d{2}-\\d{2}T")), ALL),
        (filter("createdTime", "not_rlike", json!("\\.\\d{3}Z$")), &[]),
        // Text fields order as text (bytes: "Eng" < "Ops Agent" < "eng-backend" < "ops_1" < "qa").
        (filter("tokenAlias", "gt", json!("ops_1")), &["qa"]),
        (filter("tokenAlias", "ge", json!("ops_1")), &["ops_1", "qa"]),
        (filter("tokenAlias", "lt", json!("Ops Agent")), &["Eng"]),
        (filter("tokenAlias", "le", json!("Ops Agent")), &["Eng", "Ops Agent"]),
        (
            filter("tokenAlias", "between", json!(["Eng", "eng-backend"])),
            &["Eng", "eng-backend", "Ops Agent"],
        ),
        (filter("accessToken", "gt", json!("")), ALL),
        (filter("accessToken", "ge", json!("g")), &[]),
        (filter("accessToken", "lt", json!("g")), ALL),
        (filter("accessToken", "le", json!("")), &[]),
        (filter("accessToken", "between", json!(["0", "g"])), ALL),
        (filter("tokenEnabled", "gt", json!("0")), &["Eng", "eng-backend", "Ops Agent"]),
        (filter("tokenEnabled", "ge", json!("true")), &["Eng", "eng-backend", "Ops Agent"]),
        (filter("tokenEnabled", "lt", json!("1")), &["ops_1", "qa"]),
        (filter("tokenEnabled", "le", json!("false")), &["ops_1", "qa"]),
        (filter("tokenEnabled", "between", json!(["0", "0"])), &["ops_1", "qa"]),
        (filter("tokenEnabled", "eq", json!("yes")), &[]),
        (filter("version", "gt", json!("0.0")), ALL),
        (filter("version", "ge", json!("0.2")), &[]),
        (filter("version", "lt", json!("0.2")), ALL),
        (filter("version", "le", json!("0.1")), ALL),
        (filter("version", "between", json!(["0.1", "0.1"])), ALL),
    ];
    let mut covered = BTreeSet::new();
    for (filter, expected) in &cases {
        assert_eq!(f.aliases(filter.clone()).await, *expected, "{filter}");
        covered.insert((
            filter["field"].as_str().unwrap().to_owned(),
            filter["expression"].as_str().unwrap().to_owned(),
        ));
    }
    let applicable: BTreeSet<(String, String)> = FIELDS
        .iter()
        .flat_map(|field| OPS.iter().map(move |op| (field.to_string(), op.to_string())))
        .collect();
    assert_eq!(covered, applicable, "every operator on every field is tested");
}

#[tokio::test]
async fn filters_combine_with_and_and_with_the_time_filter() {
    let f = fixture().await;
    let answer = f
        .search(json!({
            "timeFilter": {"startTime": f.times[1], "endTime": f.times[4]},
            "filters": [filter("tokenEnabled", "eq", json!("1")), filter("tokenAlias", "ilike", json!("%e%"))],
        }))
        .await;
    let aliases: Vec<&str> =
        answer.body["data"].as_array().unwrap().iter().map(|r| r["tokenAlias"].as_str().unwrap()).collect();
    assert_eq!(aliases, ["eng-backend", "Ops Agent"]);
    let everything = f.search(json!({})).await;
    assert_eq!(everything.body["data"].as_array().unwrap().len(), 5, "no filters: every token");
}

#[tokio::test]
async fn returns_projects_each_row() {
    let f = fixture().await;
    let answer = f.search(json!({"filters": [filter("tokenAlias", "eq", json!("qa"))], "returns": ["tokenAlias", "createdTime"]})).await;
    assert_eq!(answer.body["data"], json!([{"tokenAlias": "qa", "createdTime": f.times[4]}]));
}

#[tokio::test]
async fn bad_filters_are_refused_naming_the_filter() {
    let f = fixture().await;
    let cases = [
        (filter("createdTime", "between", json!([f.times[0]])), "body filters[0].values"),
        (filter("tokenAlias", "in", json!([])), "body filters[0].values"),
        (json!({"field": "tokenAlias", "expression": "eq"}), "\"value\" is a required property"),
        (
            json!({"field": "tokenAlias", "expression": "eq", "value": "a", "values": []}),
            "'values' was unexpected",
        ),
        (
            json!({"field": "tokenAlias", "expression": "in", "value": "a"}),
            "\"values\" is a required property",
        ),
        (filter("tokenAlias", "rlike", json!("(")), "body filters[0].value"),
        (filter("props", "eq", json!("x")), "body filters[0].field"),
        (filter("tokenAlias", "regex", json!("x")), "body filters[0]"),
        (json!({"field": "tokenAlias", "expression": "eq", "value": null}), "body filters[0].value"),
    ];
    for (filter, message) in cases {
        let answer = f.search(json!({"filters": [filter]})).await;
        assert_eq!(answer.status, 400, "{filter}");
        assert!(answer.message().contains(message), "{filter}: {:?} lacks {message:?}", answer.message());
    }
    // A window that ends before it starts is no error (the spec allows it): it keeps nothing.
    let answer = f.search(json!({"timeFilter": {"startTime": f.times[3], "endTime": f.times[1]}})).await;
    assert_eq!((answer.status, &answer.body["data"]), (200, &json!([])));
    assert_eq!(f.h.sandbox.panics(), 0);
}
