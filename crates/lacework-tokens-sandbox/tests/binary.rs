//! The `lacework-tokens-sandbox` binary: prints where it listens and the credentials to use,
//! answers `GET /`, logs one line per request without secrets, and refuses bad flags.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

const BINARY: &str = env!("CARGO_BIN_EXE_lacework-tokens-sandbox");

#[test]
fn help_describes_every_option() {
    let output = Command::new(BINARY).arg("--help").output().unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for flag in [
        "--addr",
        "--key-id",
        "--secret",
        "--seed-demo",
        "--token-enabled",
        "--props",
        "--timestamps",
        "--page-size",
        "--rate-limit",
        "--fault",
    ] {
        assert!(help.contains(flag), "--help lacks {flag}");
    }
}

#[test]
fn bad_flags_are_refused_with_a_message() {
    for args in [&["--fault", "teapot"][..], &["--page-size", "0"], &["--addr", "nowhere"], &["--bogus"]] {
        let output = Command::new(BINARY).args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(stderr.starts_with("error:"), "{args:?}: {stderr}");
    }
}

#[tokio::test]
async fn serves_prints_credentials_and_logs_without_secrets() {
    let mut child = Command::new(BINARY)
        .args([
            "--addr",
            "127.0.0.1:0",
            "--seed-demo",
            "--key-id",
            "KEY_FOR_TEST",
            "--fault",
            "503@listAccessTokens",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut printed = Vec::new();
    for _ in 0..4 {
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        printed.push(line.trim().to_owned());
    }
    let value = |name: &str| {
        printed
            .iter()
            .find_map(|l| l.strip_prefix(&format!("{name}=")))
            .unwrap_or_else(|| panic!("{printed:?}"))
            .to_owned()
    };
    let (url, key, secret) = (value("LW_API_SERVER_URL"), value("LW_API_KEY"), value("LW_API_SECRET"));
    assert_eq!(key, "KEY_FOR_TEST");
    assert!(secret.len() >= 16, "a secret is generated when absent");

    let http = reqwest::Client::new();
    assert_eq!(http.get(&url).send().await.unwrap().status(), 200);
    let token: serde_json::Value = http
        .post(format!("{url}/api/v2/access/tokens"))
        .header("x-lw-uaks", &secret)
        .json(&serde_json::json!({"keyId": key}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let bearer = token["token"].as_str().unwrap().to_owned();
    let list: serde_json::Value = http
        .get(format!("{url}/api/v2/AgentAccessTokens"))
        .bearer_auth(&bearer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let demo = list["data"].as_array().unwrap();
    assert!(demo.len() >= 5, "--seed-demo adds a handful of tokens");
    let agent_token = demo[0]["accessToken"].as_str().unwrap().to_owned();
    let details = http
        .get(format!("{url}/api/v2/AgentAccessTokens/{agent_token}"))
        .bearer_auth(&bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(details.status(), 200);
    let faulted = http.get(format!("{url}/api/v2/AccessTokens")).bearer_auth(&bearer).send().await.unwrap();
    assert_eq!(faulted.status(), 503, "--fault is applied");

    child.kill().unwrap();
    let mut log = String::new();
    child.stderr.take().unwrap().read_to_string(&mut log).unwrap();
    let _ = child.wait();
    assert_eq!(log.lines().count(), 5, "one line per request:\n{log}");
    assert!(log.contains("GET /api/v2/AgentAccessTokens/{id} -> 200 getAgentAccessToken"), "{log}");
    for secret in [&secret, &bearer, &agent_token] {
        assert!(!log.contains(secret.as_str()), "the log shows a secret:\n{log}");
    }
}
