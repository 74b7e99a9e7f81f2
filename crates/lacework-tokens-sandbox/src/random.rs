//! Fresh random values: token values, ids and generated credentials.

/// `bytes` random bytes as lower-case hex.
pub fn hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    // The OS random source does not fail on the platforms this runs on; if it ever did, a
    // sandbox cannot issue tokens at all, so stopping is the honest answer.
    getrandom::fill(&mut buf).expect("the operating system's random source is available");
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// An agent access token value: 56 hex characters, like the service's.
pub fn agent_token() -> String {
    hex(28)
}

/// An id in the shape of the access-token API's (24 hex characters).
pub fn object_id() -> String {
    hex(12)
}
