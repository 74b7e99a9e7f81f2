//! A stateful Lacework tokens API server on loopback, for tests, examples and local development.
//!
//! It implements every operation of `spec/lacework-tokens.yaml` in memory and behaves like the
//! real service: API-key exchange and bearer checks, per-sub-account data, search with every
//! operator, paging, rate limits, and the wire forms seen in the field. It accepts exactly the
//! requests the spec allows: every request is checked against the spec's own schemas (compiled
//! into the binary) before a handler sees it. Tests script faults into it, read its journal, and
//! fail when a handler panicked ([`Sandbox::panics`]).
//!
//! ```no_run
//! use lacework_tokens_sandbox::{Sandbox, SandboxConfig};
//!
//! # async fn example() -> std::io::Result<()> {
//! let sandbox = Sandbox::start(SandboxConfig::default()).await?;
//! println!("{} with key {}", sandbox.base_url(), sandbox.key_id());
//! sandbox.shutdown().await;
//! # Ok(())
//! # }
//! ```

mod body;
pub mod config;
mod error;
pub mod faults;
mod gate;
pub mod journal;
pub mod operations;
mod panics;
mod random;
mod ratelimit;
mod routes;
mod search;
mod server;
mod state;
mod store;
mod validate;
mod wire;

use std::collections::VecDeque;
use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use chrono::Duration;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config::{PropsForm, RateLimit, SandboxConfig, TimestampForm, TokenEnabledForm, WireForms};
pub use faults::{Fault, FaultRule};
pub use journal::JournalEntry;

use crate::state::{Inner, Settings, Shared};
use crate::store::{AgentTokenRecord, Store};

/// A running sandbox. Dropping it stops the server; [`Sandbox::shutdown`] also waits for it.
pub struct Sandbox {
    shared: Arc<Shared>,
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sandbox")
            .field("base_url", &self.shared.base_url)
            .field("key_id", &self.shared.key_id)
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Starts a sandbox on `127.0.0.1` on a free port.
    pub async fn start(config: SandboxConfig) -> std::io::Result<Sandbox> {
        Self::bind(SocketAddr::from(([127, 0, 0, 1], 0)), config).await
    }

    /// Starts a sandbox on `addr`.
    pub async fn bind(addr: SocketAddr, config: SandboxConfig) -> std::io::Result<Sandbox> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let key_id = config.key_id.unwrap_or_else(|| format!("SANDBOX_{}", random::hex(16).to_uppercase()));
        let secret = config.secret.unwrap_or_else(|| format!("_{}", random::hex(16)));
        let user_id = random::object_id();
        let mut store = Store::default();
        if config.seed_demo {
            store.seed_demo(&user_id);
        }
        let inner = Inner {
            settings: Settings {
                forms: config.forms,
                page_size: config.page_size,
                rate_limit: config.rate_limit,
            },
            store,
            faults: Default::default(),
            limiter: Default::default(),
            journal: VecDeque::new(),
        };
        let shared = Arc::new(Shared::new(format!("http://{addr}"), key_id, secret, user_id, inner));
        let router = routes::router(shared.clone());
        let (shutdown, shutdown_rx) = oneshot::channel();
        let task = tokio::spawn(server::serve(listener, router, shutdown_rx));
        Ok(Sandbox { shared, addr, shutdown: Some(shutdown), task: Some(task) })
    }

    /// The base URL clients use, e.g. `http://127.0.0.1:40123`.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The API key id the exchange accepts.
    pub fn key_id(&self) -> &str {
        &self.shared.key_id
    }

    /// The API key's secret (the `X-LW-UAKS` header of the exchange).
    pub fn secret(&self) -> &str {
        &self.shared.secret
    }

    /// Answers in these wire forms from now on.
    pub fn set_forms(&self, forms: WireForms) {
        self.shared.lock().settings.forms = forms;
    }

    /// Pages list and search answers at `rows` rows from now on.
    pub fn set_page_size(&self, rows: usize) {
        self.shared.lock().settings.page_size = rows.max(1);
    }

    /// Rate-limits as configured from now on (counts so far are kept).
    pub fn set_rate_limit(&self, rate_limit: RateLimit) {
        self.shared.lock().settings.rate_limit = rate_limit;
    }

    /// Plans a fault after those already planned.
    pub fn inject(&self, rule: FaultRule) {
        self.shared.lock().faults.push(rule);
    }

    /// Forgets every planned fault.
    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    /// The requests received so far (the most recent 100,000), oldest first.
    pub fn journal(&self) -> Vec<JournalEntry> {
        self.shared.lock().journal.iter().cloned().collect()
    }

    /// How many times a handler panicked so far. Each panic was answered 500; a test harness
    /// fails any test after which this is not zero.
    pub fn panics(&self) -> usize {
        self.shared.panics.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Forgets the journal.
    pub fn clear_journal(&self) {
        self.shared.lock().journal.clear();
    }

    /// How many requests of `operation_id` took effect (processed and answered with a success).
    pub fn effects(&self, operation_id: &str) -> usize {
        self.shared
            .lock()
            .journal
            .iter()
            .filter(|e| e.operation == Some(operation_id) && e.took_effect())
            .count()
    }

    /// The bearer tokens issued so far and not yet expired, for tests that check no output shows
    /// them.
    pub fn bearer_tokens(&self) -> Vec<String> {
        let now = Instant::now();
        self.shared
            .lock()
            .store
            .bearers
            .iter()
            .filter(|(_, b)| b.expires > now)
            .map(|(t, _)| t.clone())
            .collect()
    }

    /// Makes every bearer token issued so far expire now, as if their time ran out.
    pub fn expire_bearers(&self) {
        let now = Instant::now();
        for bearer in self.shared.lock().store.bearers.values_mut() {
            bearer.expires = now;
        }
    }

    /// Adds `count` agent tokens named `{prefix}{n}` to `sub_account` ("" for the primary
    /// account) without going through HTTP, for load and memory tests.
    pub fn insert_agent_tokens(&self, sub_account: &str, prefix: &str, count: usize) {
        let start = store::now();
        let mut inner = self.shared.lock();
        let account = inner.store.account(sub_account);
        for n in 0..count {
            account.insert_agent_token(AgentTokenRecord {
                access_token: random::agent_token(),
                alias: format!("{prefix}{n}"),
                enabled: n % 7 != 0,
                created: start + Duration::milliseconds(n as i64),
                description: Some(format!("bulk token {n}")),
                os: Some(if n % 2 == 0 { "linux" } else { "windows" }.to_owned()),
                subscription: Some("standard".to_owned()),
                version: "0.1".to_owned(),
            });
        }
    }

    /// Stops accepting connections, lets open requests finish (up to 5 s) and returns.
    pub async fn shutdown(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}
