//! How times are written: fixed-width minutes in tables, RFC 3339 with milliseconds in JSON.

use chrono::{DateTime, SecondsFormat, Utc};

/// `2024-03-01 09:30` (UTC; headers say so), or `-` when unknown.
pub fn table(at: Option<DateTime<Utc>>) -> String {
    at.map_or_else(|| "-".to_owned(), |at| at.format("%Y-%m-%d %H:%M").to_string())
}

/// `2024-03-01T09:30:00.000Z`: one form whatever the server sent.
pub fn json(at: Option<DateTime<Utc>>) -> Option<String> {
    at.map(|at| at.to_rfc3339_opts(SecondsFormat::Millis, true))
}

/// [`json`] for serde's `serialize_with`.
pub fn serialize<S: serde::Serializer>(at: &Option<DateTime<Utc>>, serializer: S) -> Result<S::Ok, S::Error> {
    serde::Serialize::serialize(&json(*at), serializer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_form_each() {
        let at = DateTime::parse_from_rfc3339("2024-03-01T09:30:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(table(Some(at)), "2024-03-01 09:30");
        assert_eq!(json(Some(at)).as_deref(), Some("2024-03-01T09:30:00.000Z"));
        assert_eq!((table(None).as_str(), json(None)), ("-", None));
    }
}
