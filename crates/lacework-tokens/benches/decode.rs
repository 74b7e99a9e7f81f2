//! Decoding a 10,000-token list answer, in each wire form the sandbox serves: into the facade's
//! models, into the generated wire types, and into `serde_json::Value`. Run with
//! `cargo bench -p lacework-tokens --bench decode`.
//!
//! The facade decodes exactly as a call does: the generated type first (what progenitor's
//! client does with the body), then the conversion to models (tokenEnabled forms, props as an
//! object or as a JSON-encoded string, timestamps).

mod support;

use lacework_tokens::AgentToken;
use lacework_tokens_api::types::AgentAccessTokenList;
use lacework_tokens_sandbox::{Sandbox, SandboxConfig, WireForms};
use support::{Variant, report, time};

const TOKENS: usize = 10_000;
const ROUNDS: usize = 15;

/// The list answer for `TOKENS` tokens in each wire form, as the sandbox sends it.
fn answers() -> Vec<(WireForms, Vec<u8>)> {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async {
        let sandbox =
            Sandbox::start(SandboxConfig { page_size: TOKENS, ..Default::default() }).await.unwrap();
        sandbox.insert_agent_tokens("", "bench-", TOKENS);
        let http = reqwest::Client::new();
        let token: serde_json::Value = http
            .post(format!("{}/api/v2/access/tokens", sandbox.base_url()))
            .header("x-lw-uaks", sandbox.secret())
            .json(&serde_json::json!({"keyId": sandbox.key_id()}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let bearer = token["token"].as_str().unwrap().to_owned();
        let mut answers = Vec::new();
        for forms in WireForms::all() {
            sandbox.set_forms(forms);
            let url = format!("{}/api/v2/AgentAccessTokens", sandbox.base_url());
            let body = http.get(url).bearer_auth(&bearer).send().await.unwrap().bytes().await.unwrap();
            answers.push((forms, body.to_vec()));
        }
        answers
    })
}

fn main() {
    println!("decoding a {TOKENS}-token list answer, median of {ROUNDS} interleaved rounds");
    let mut worst = 0.0_f64;
    for (forms, body) in answers() {
        let mut generated = Variant { name: "generated types (baseline)", rounds: vec![] };
        let mut facade = Variant { name: "facade models", rounds: vec![] };
        let mut value = Variant { name: "serde_json::Value", rounds: vec![] };
        for _ in 0..ROUNDS {
            let (t, list) = time(|| serde_json::from_slice::<AgentAccessTokenList>(&body).unwrap());
            assert_eq!(list.data.len(), TOKENS);
            generated.rounds.push(t);
            let (t, models) = time(|| {
                let list = serde_json::from_slice::<AgentAccessTokenList>(&body).unwrap();
                list.data.into_iter().map(AgentToken::from).collect::<Vec<_>>()
            });
            assert!(models.iter().all(|m| m.description.is_some()), "props decoded");
            facade.rounds.push(t);
            let (t, v) = time(|| serde_json::from_slice::<serde_json::Value>(&body).unwrap());
            assert_eq!(v["data"].as_array().unwrap().len(), TOKENS);
            value.rounds.push(t);
        }
        let title = format!(
            "{:?} tokenEnabled, {:?} props, {:?} timestamps ({} KiB)",
            forms.token_enabled,
            forms.props,
            forms.timestamps,
            body.len() / 1024
        );
        let ratios = report(&title, &[generated, facade, value], TOKENS as u64, false);
        worst = worst.max(ratios[1]);
    }
    println!("\nworst facade / generated ratio over the wire forms: {worst:.3} (target <= 1.3)");
}
