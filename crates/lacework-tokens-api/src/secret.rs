//! [`SecretString`]: how the generated types hold secrets (bearer tokens, agent access tokens,
//! access tokens' secrets), so that printing a request or response with `{:?}` never shows one.
//!
//! The spec's `SecretString` schema is replaced by this type at generation time (`codegen.rs`).
//! On the wire it is a plain JSON string; in memory, only [`SecretString::expose_secret`] reveals
//! it. It has no `Display` on purpose.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A string that must not be printed: `Debug` shows `SecretString([redacted])`.
#[derive(Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SecretString(String);

impl SecretString {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The secret itself. Call it only where the value is sent or compared, never to print it.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// Unwraps the secret, e.g. to move it into another secret-keeping type.
    pub fn into_inner(self) -> String {
        self.0
    }
}

impl From<String> for SecretString {
    fn from(secret: String) -> Self {
        Self(secret)
    }
}

impl From<&str> for SecretString {
    fn from(secret: &str) -> Self {
        Self(secret.to_owned())
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretString([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::SecretString;

    #[test]
    fn debug_hides_the_secret_and_serde_keeps_it() {
        let secret = SecretString::new("s3cr3t-value");
        assert_eq!(format!("{secret:?}"), "SecretString([redacted])");
        let json = serde_json::to_string(&secret).unwrap();
        assert_eq!(json, "\"s3cr3t-value\"");
        let back: SecretString = serde_json::from_str(&json).unwrap();
        assert_eq!(back.expose_secret(), "s3cr3t-value");
    }
}
