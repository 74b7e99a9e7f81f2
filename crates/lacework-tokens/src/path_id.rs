//! Ids that travel in URL paths. The generated client percent-encodes them, which keeps `/`,
//! `?`, `#`, `%`, spaces and non-ASCII inside one path segment; what encoding cannot protect is
//! refused before anything is sent: `.` and `..` (URL parsers resolve them as dot segments, even
//! percent-encoded) and `\` (read as `/` in http URLs).

use crate::error::Error;

/// `id`, if it stays one path segment, else an `InvalidInput` naming `field`.
pub(crate) fn checked<'a>(field: &str, id: &'a str) -> Result<&'a str, Error> {
    let reason = match id {
        "" => "is empty",
        "." | ".." => "is a dot segment, which would change the request path",
        _ if id.contains('\\') => "contains `\\`, which http URLs read as `/`",
        _ => return Ok(id),
    };
    Err(Error::invalid(field, reason))
}

#[cfg(test)]
mod tests {
    use super::checked;

    #[test]
    fn what_encoding_cannot_protect_is_refused() {
        for bad in ["", ".", "..", "a\\b"] {
            assert!(checked("token", bad).is_err(), "{bad:?}");
        }
        for fine in ["abc", "a/b", "..a", "a..b", "%2e%2e", "a b", "é", "?#"] {
            assert_eq!(checked("token", fine).unwrap(), fine);
        }
    }
}
