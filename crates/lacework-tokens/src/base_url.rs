//! Where the API is: a Lacework account name becomes `https://{account}.lacework.net`, a full
//! host or URL is taken as given; plain `http://` is allowed only to loopback hosts (the sandbox).

use std::net::IpAddr;

use reqwest::Url;

use crate::error::Error;

/// The base URL for an account given as `acme`, `acme.lacework.net`, `acme.fra.lacework.net`
/// or `https://acme.lacework.net`.
pub(crate) fn for_account(setting: &str, account: &str) -> Result<String, Error> {
    let account = account.trim().trim_end_matches('/');
    if account.is_empty() {
        return Err(Error::config(setting, "the account is empty"));
    }
    let host = match account.split_once("://") {
        Some(_) => return checked(setting, account),
        None if account.contains('.') => account.to_owned(),
        None => format!("{account}.lacework.net"),
    };
    if !host.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-') {
        return Err(Error::config(setting, format!("{account:?} is not an account name or host")));
    }
    checked(setting, &format!("https://{host}"))
}

/// Checks an explicit base URL: http or https, a host, no query; http only to loopback.
pub(crate) fn checked(setting: &str, url: &str) -> Result<String, Error> {
    let parsed =
        Url::parse(url.trim()).map_err(|e| Error::config(setting, format!("{url:?} is not a URL: {e}")))?;
    let Some(host) = parsed.host_str() else {
        return Err(Error::config(setting, format!("{url:?} has no host")));
    };
    if parsed.query().is_some() || parsed.fragment().is_some() || !parsed.username().is_empty() {
        return Err(Error::config(setting, format!("{url:?}: a base URL has no query, fragment or user")));
    }
    match parsed.scheme() {
        "https" => {}
        "http" if is_loopback(host) => {}
        "http" => {
            return Err(Error::config(
                setting,
                format!("{url:?}: plain http is allowed only to loopback hosts; use https"),
            ));
        }
        other => return Err(Error::config(setting, format!("{url:?}: unsupported scheme {other:?}"))),
    }
    Ok(parsed.as_str().trim_end_matches('/').to_owned())
}

/// Whether a base URL (as [`checked`] returns it) is on a loopback host.
pub(crate) fn is_loopback_url(url: &str) -> bool {
    Url::parse(url).ok().and_then(|u| u.host_str().map(is_loopback)).unwrap_or(false)
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_become_https_urls() {
        assert_eq!(for_account("account", "acme").unwrap(), "https://acme.lacework.net");
        assert_eq!(for_account("account", "acme.fra.lacework.net").unwrap(), "https://acme.fra.lacework.net");
        assert_eq!(
            for_account("account", "https://acme.lacework.net/").unwrap(),
            "https://acme.lacework.net"
        );
        assert!(for_account("account", "").is_err());
        assert!(for_account("account", "ac me").is_err());
        assert!(for_account("account", "acme/../evil").is_err());
    }

    #[test]
    fn plain_http_only_to_loopback() {
        for ok in
            ["http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:9", "https://example.com/base"]
        {
            assert!(checked("base_url", ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://example.com",
            "http://10.0.0.1",
            "ftp://127.0.0.1",
            "not a url",
            "https://h/?q=1",
            "https://u:p@h",
        ] {
            let err = checked("base_url", bad).unwrap_err().to_string();
            assert!(err.contains("base_url"), "{err}");
        }
    }
}
