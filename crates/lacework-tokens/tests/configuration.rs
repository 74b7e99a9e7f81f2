//! Building a client: where settings come from, in which precedence, and clear `Config` and
//! `InvalidInput` errors for what is missing, contradictory or unsafe.

use std::time::Duration;

use lacework_tokens::config::gather;
use lacework_tokens::{Client, ClientBuilder, Error};

fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
    move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
}

fn home_with(profile_file: &str) -> std::path::PathBuf {
    let dir =
        std::env::temp_dir().join(format!("lacework-tokens-test-{}-{}", std::process::id(), next_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(".lacework.toml"), profile_file).unwrap();
    dir
}

fn next_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

fn setting(error: Error) -> String {
    match error {
        Error::Config { setting, .. } | Error::InvalidInput { field: setting, .. } => setting,
        other => panic!("{other:?}"),
    }
}

#[test]
fn env_beats_file_and_explicit_beats_env() {
    let home = home_with(
        "[default]\naccount = \"from-file\"\napi_key = \"FILE_KEY\"\napi_secret = \"file-secret\"\nversion = 2\n",
    );
    let settings = gather(&env(&[("LW_ACCOUNT", "from-env")]), Some(&home), None).unwrap();
    let client = ClientBuilder::from_settings(settings.clone()).build().unwrap();
    assert_eq!(client.base_url(), "https://from-env.lacework.net");
    let client = ClientBuilder::from_settings(settings).account("explicit.fra.lacework.net").build().unwrap();
    assert_eq!(client.base_url(), "https://explicit.fra.lacework.net");

    let settings = gather(&env(&[("LW_API_SERVER_URL", "http://127.0.0.1:9")]), Some(&home), None).unwrap();
    let client = ClientBuilder::from_settings(settings).build().unwrap();
    assert_eq!(client.base_url(), "http://127.0.0.1:9", "LW_API_SERVER_URL beats the account");
}

#[test]
fn missing_and_contradictory_settings_name_the_setting() {
    let none = gather(&env(&[]), None, None).unwrap();
    assert_eq!(setting(ClientBuilder::from_settings(none.clone()).build().unwrap_err()), "account");
    let no_credentials = ClientBuilder::from_settings(none).account("acme").build().unwrap_err();
    assert_eq!(setting(no_credentials), "credentials");

    let both = Client::builder().account("acme").base_url("https://acme.lacework.net");
    assert_eq!(setting(both.api_key("K", "S".to_owned()).build().unwrap_err()), "base_url");
    let both = Client::builder().account("acme").api_key("K", "S".to_owned()).bearer_token("B".to_owned());
    assert_eq!(setting(both.build().unwrap_err()), "credentials");

    let half = gather(&env(&[("LW_ACCOUNT", "acme"), ("LW_API_KEY", "K")]), None, None).unwrap_err();
    assert_eq!(half.setting, "api_secret");
}

#[test]
fn unsafe_settings_are_refused() {
    let base = || Client::builder().api_key("K", "S".to_owned());
    assert_eq!(setting(base().base_url("http://example.com").build().unwrap_err()), "base_url");
    assert_eq!(
        setting(base().account("acme").sub_account("a\r\nX-Injected: 1").build().unwrap_err()),
        "sub_account"
    );
    assert_eq!(setting(base().account("acme").sub_account("café").build().unwrap_err()), "sub_account");
    assert_eq!(
        setting(base().account("acme").user_agent_suffix("x\n").build().unwrap_err()),
        "user_agent_suffix"
    );
    for expiry in [Duration::ZERO, Duration::from_secs(86_401), Duration::from_millis(1500)] {
        let error = base().account("acme").token_expiry(expiry).build().unwrap_err();
        assert_eq!(setting(error), "token_expiry", "{expiry:?}");
    }
    assert!(base().account("acme").token_expiry(Duration::from_secs(86_400)).build().is_ok());
}

#[test]
fn a_bad_profile_file_is_named_with_its_line() {
    let home = home_with("[default]\naccount = \"acme\"\napi_key = \n");
    let error = Error::from(gather(&env(&[]), Some(&home), None).unwrap_err());
    let text = error.to_string();
    assert!(text.contains(".lacework.toml") && text.contains("line 3"), "{text}");
    let error =
        gather(&env(&[]), Some(&home_with("[default]\naccount = \"a\"\n")), Some("prod")).unwrap_err();
    assert!(error.to_string().contains("prod"), "{error}");
}

#[test]
fn debug_of_builders_and_clients_hides_credentials() {
    let builder = Client::builder().account("acme").api_key("KEY_ID", "super-secret-value".to_owned());
    assert!(!format!("{builder:?}").contains("super-secret-value"));
    let client = builder.build().unwrap();
    assert!(!format!("{client:?}").contains("super-secret-value"));
    let with_bearer = Client::builder().account("acme").bearer_token("bearer-secret-value".to_owned());
    assert!(!format!("{with_bearer:?}").contains("bearer-secret-value"));
}
