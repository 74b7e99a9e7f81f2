//! Arbitrary bytes to every decoder of answers the client meets (`lacework_tokens::fuzz`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    lacework_tokens::fuzz::decode_everything(data);
});
