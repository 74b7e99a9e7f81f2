//! Request throughput on loopback against the sandbox, with keep-alive: `GET` agent-token
//! details, one request at a time and 64 in flight, through the facade, through the generated
//! client (with a hook that only adds the bearer), and with raw reqwest (same client settings,
//! same decoding into the generated type). Also the bearer lookup every facade call makes.
//! Run with `cargo bench -p lacework-tokens --bench throughput`.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use lacework_tokens::{Client, ExposeSecret};
use lacework_tokens_api::hooks::{BoxFuture, PrepareError};
use lacework_tokens_api::types::AgentAccessTokenResponse;
use lacework_tokens_api::{ClientAgentAccessTokensExt, Hooks, RequestHooks};
use lacework_tokens_sandbox::{Sandbox, SandboxConfig};
use reqwest::header::{AUTHORIZATION, HeaderValue};
use support::{Variant, report};

const SEQUENTIAL: usize = 1_000;
const CONCURRENT: usize = 64;
const CONCURRENT_TOTAL: usize = 6_400;
const ROUNDS: usize = 15;

/// Adds a fixed bearer, nothing else: the generated client at its leanest.
struct Bearer(HeaderValue);

impl RequestHooks for Bearer {
    fn prepare<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        _: &'static str,
    ) -> BoxFuture<'a, Result<(), PrepareError>> {
        request.headers_mut().insert(AUTHORIZATION, self.0.clone());
        Box::pin(async { Ok(()) })
    }
}

/// The same settings the facade gives its own reqwest client.
fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(lacework_tokens::DEFAULT_CONNECT_TIMEOUT)
        .timeout(lacework_tokens::DEFAULT_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

struct Setup {
    _sandbox: Sandbox,
    facade: Client,
    generated: lacework_tokens_api::Client,
    raw: reqwest::Client,
    url: String,
    bearer: HeaderValue,
    id: String,
}

async fn setup() -> Setup {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    sandbox.insert_agent_tokens("", "bench-", 1_000);
    let facade = Client::builder()
        .base_url(sandbox.base_url())
        .api_key(sandbox.key_id(), sandbox.secret().to_owned())
        .http_client(http_client())
        .build()
        .unwrap();
    let id = facade.agent_tokens().list().await.unwrap()[500].token.expose_secret().to_owned();
    let issued = facade.issue_bearer_token(None).await.unwrap();
    let mut bearer = HeaderValue::from_str(&format!("Bearer {}", issued.token.expose_secret())).unwrap();
    bearer.set_sensitive(true);
    let generated = lacework_tokens_api::Client::new_with_client(
        sandbox.base_url(),
        http_client(),
        Hooks::new(Bearer(bearer.clone())),
    );
    let url = format!("{}/api/v2/AgentAccessTokens/{id}", sandbox.base_url());
    Setup { _sandbox: sandbox, facade, generated, raw: http_client(), url, bearer, id }
}

impl Setup {
    async fn via_facade(&self) {
        let token = self.facade.agent_tokens().get(self.id.as_str()).await.unwrap();
        assert!(!token.alias.is_empty());
    }

    async fn via_generated(&self) {
        let token = self.generated.get_agent_access_token().id(self.id.as_str()).send().await.unwrap();
        assert!(!token.data.token_alias.is_empty());
    }

    async fn via_raw(&self) {
        let response =
            self.raw.get(&self.url).header(AUTHORIZATION, self.bearer.clone()).send().await.unwrap();
        let body = response.bytes().await.unwrap();
        let token: AgentAccessTokenResponse = serde_json::from_slice(&body).unwrap();
        assert!(!token.data.token_alias.is_empty());
    }

    async fn run(&self, variant: usize, requests: usize, in_flight: usize) -> Duration {
        let started = Instant::now();
        futures_util::stream::iter(0..requests)
            .for_each_concurrent(in_flight, |_| async move {
                match variant {
                    0 => self.via_raw().await,
                    1 => self.via_generated().await,
                    _ => self.via_facade().await,
                }
            })
            .await;
        started.elapsed()
    }
}

async fn throughput(setup: &Setup, requests: usize, in_flight: usize) -> [f64; 2] {
    let mut variants = [
        Variant { name: "raw reqwest (baseline)", rounds: vec![] },
        Variant { name: "generated client", rounds: vec![] },
        Variant { name: "facade", rounds: vec![] },
    ];
    // Warm the connection pools.
    for variant in 0..3 {
        setup.run(variant, 200, in_flight).await;
    }
    for round in 0..ROUNDS {
        // Rotate the order each round so no variant always runs first.
        for offset in 0..3 {
            let variant = (round + offset) % 3;
            let elapsed = setup.run(variant, requests, in_flight).await;
            variants[variant].rounds.push(elapsed);
        }
    }
    let title = format!(
        "GET /api/v2/AgentAccessTokens/{{id}}, {in_flight} in flight, {requests} requests a round, median of {ROUNDS}"
    );
    let ratios = report(&title, &variants, requests as u64, true);
    [ratios[1], ratios[2]]
}

async fn bearer_lookups(client: &Client) {
    const LOOKUPS: u32 = 200_000;
    client.bearer_lookup_for_benchmarks().await.unwrap();
    let started = Instant::now();
    for _ in 0..LOOKUPS {
        client.bearer_lookup_for_benchmarks().await.unwrap();
    }
    let alone = started.elapsed() / LOOKUPS;
    let client = Arc::new(client.clone());
    let started = Instant::now();
    let tasks: Vec<_> = (0..64)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                for _ in 0..LOOKUPS / 64 {
                    client.bearer_lookup_for_benchmarks().await.unwrap();
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let together = started.elapsed() / (LOOKUPS / 64 * 64);
    println!("\nbearer lookup with a valid cached token ({LOOKUPS} lookups)");
    println!("  one task:  {alone:>8.1?} per lookup");
    println!("  64 tasks:  {together:>8.1?} per lookup (wall time / lookups, 2 worker threads)");
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(async {
        let setup = setup().await;
        let sequential = throughput(&setup, SEQUENTIAL, 1).await;
        let concurrent = throughput(&setup, CONCURRENT_TOTAL, CONCURRENT).await;
        println!(
            "\nfacade / raw reqwest throughput: sequential {:.3}, 64 in flight {:.3} (target >= 0.95)",
            sequential[1], concurrent[1]
        );
        println!(
            "generated / raw reqwest throughput: sequential {:.3}, 64 in flight {:.3}",
            sequential[0], concurrent[0]
        );
        bearer_lookups(&setup.facade).await;
    });
}
