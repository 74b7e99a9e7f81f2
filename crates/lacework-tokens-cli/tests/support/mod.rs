//! Runs the `lwtokens` binary against a sandbox started by the test, isolated from the machine:
//! an empty environment and a throwaway HOME, so no LW_* variable or ~/.lacework.toml of the
//! developer's can change what a test sees.
#![allow(dead_code)]

pub mod schemas;

use std::path::Path;
use std::process::Command;

use lacework_tokens::Client;
use lacework_tokens_sandbox::{Sandbox, SandboxConfig};
use tempfile::TempDir;

/// The binary under test.
pub const LWTOKENS: &str = env!("CARGO_BIN_EXE_lwtokens");

/// What one run printed and how it ended.
#[derive(Debug)]
pub struct Run {
    /// The exit code.
    pub code: i32,
    /// stdout.
    pub stdout: String,
    /// stderr.
    pub stderr: String,
    /// The published output stdout was validated as, when it was JSON ([`schemas::check`]).
    pub schema: Option<String>,
}

impl Run {
    /// Asserts a success and returns stdout.
    pub fn ok(self) -> String {
        assert_eq!(self.code, 0, "expected success:\n{self:?}");
        self.stdout
    }

    /// Asserts failure with `code` and one line on stderr that starts with `error: `; returns it.
    pub fn fails(self, code: i32) -> String {
        assert_eq!(self.code, code, "expected exit code {code}:\n{self:?}");
        assert!(self.stderr.starts_with("error: "), "stderr starts with `error: `:\n{self:?}");
        assert_eq!(self.stderr.lines().count(), 1, "one line on stderr:\n{self:?}");
        self.stderr.trim_end().to_owned()
    }

    /// Asserts a success and returns stdout parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        assert_eq!(self.code, 0, "expected success:\n{self:?}");
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{self:?}"))
    }
}

/// Runs `lwtokens` with `args`, an empty environment plus `env`, and HOME set to `home`. What it
/// prints as JSON is validated against its published schema ([`schemas::check`]).
pub fn run_in(home: &Path, env: &[(&str, &str)], args: &[&str]) -> Run {
    let output = Command::new(LWTOKENS)
        .args(args)
        .env_clear()
        .env("HOME", home)
        .envs(env.iter().copied())
        .output()
        .expect("the binary runs");
    let stdout = String::from_utf8(output.stdout).expect("stdout is UTF-8");
    Run {
        code: output.status.code().expect("exited, not killed"),
        schema: schemas::check(args, &stdout),
        stdout,
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// A sandbox with demo data, a facade client of it for setting up and checking, and a HOME
/// with no configuration.
pub struct World {
    /// Drives the sandbox while the test thread waits for the binary.
    pub runtime: tokio::runtime::Runtime,
    /// The server.
    pub sandbox: Sandbox,
    /// A client of it.
    pub client: Client,
    /// An empty home directory.
    pub home: TempDir,
}

impl World {
    /// Starts a sandbox seeded with the demo tokens.
    pub fn start() -> World {
        let runtime =
            tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        let sandbox = runtime
            .block_on(Sandbox::start(SandboxConfig { seed_demo: true, ..Default::default() }))
            .unwrap();
        let client = Client::builder()
            .base_url(sandbox.base_url())
            .api_key(sandbox.key_id(), sandbox.secret().to_owned())
            .build()
            .unwrap();
        World { runtime, sandbox, client, home: TempDir::new().unwrap() }
    }

    /// Runs `lwtokens` against the sandbox: the base URL and key id as options, the secret in
    /// LW_API_SECRET (as a CI job would pass it).
    pub fn lwtokens(&self, args: &[&str]) -> Run {
        let mut all = vec!["--base-url", self.sandbox.base_url(), "--api-key", self.sandbox.key_id()];
        all.extend_from_slice(args);
        run_in(self.home.path(), &[("LW_API_SECRET", self.sandbox.secret())], &all)
    }

    /// Runs a facade call on the world's runtime.
    pub fn block_on<T>(&self, future: impl std::future::Future<Output = T>) -> T {
        self.runtime.block_on(future)
    }

    /// An agent token's full value, by its alias.
    pub fn agent_token(&self, alias: &str) -> String {
        let tokens = self.block_on(self.client.agent_tokens().list()).unwrap();
        let token = tokens.iter().find(|t| t.alias == alias).unwrap_or_else(|| panic!("no token {alias}"));
        token.token.expose_secret().to_owned()
    }

    /// An access token's id, by its name.
    pub fn access_token_id(&self, name: &str) -> String {
        let tokens = self.block_on(self.client.access_tokens().list()).unwrap();
        tokens
            .into_iter()
            .find(|t| t.name.as_deref() == Some(name))
            .expect("the access token exists")
            .id
            .to_string()
    }
}

/// Snapshot settings that replace what changes from run to run (token values, ids, times of
/// tokens made by the test) with placeholders of the same width, so tables stay aligned in the
/// golden files. The demo data's times (2024) are fixed and kept.
pub fn redactions() -> insta::Settings {
    let rules: [(&str, &str); 10] = [
        // An agent token's row id, derived from its (random) value.
        (r#""row_id": "[0-9a-f]{16}""#, r#""row_id": "[row-id]""#),
        // A bulk job's journal, in the throwaway HOME.
        (r#""journal": "[^"]*""#, r#""journal": "[journal]""#),
        // The request budget's window, which turns over while tests run.
        (r#""resets_in_seconds": \d+"#, r#""resets_in_seconds": "[seconds]""#),
        (r"\b[0-9a-f]{64}\b", "[access-token-secret]"),
        (r"\b[0-9a-f]{56}\b", "[agent-token]"),
        (r"_[0-9a-f]{48}\b", "[bearer-token]"),
        (r"\b[0-9a-f]{24}\b", "xxxxxxxxxxxxxxxxxxxxxxxx"),
        (r"\b[0-9a-f]{8}…", "xxxxxxxx…"),
        (r"\b20(2[5-9]|[3-9][0-9])-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", "[time]"),
        (r"\b20(2[5-9]|[3-9][0-9])-\d\d-\d\d \d\d:\d\d\b", "YYYY-MM-DD hh:mm"),
    ];
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    for (pattern, replacement) in rules {
        settings.add_filter(pattern, replacement);
    }
    settings
}

/// Compares `text` with the golden file `name`, after [`redactions`].
#[macro_export]
macro_rules! golden {
    ($name:expr, $text:expr) => {
        support::redactions().bind(|| insta::assert_snapshot!($name, $text))
    };
}
