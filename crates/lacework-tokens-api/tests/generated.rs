//! The shipped generated code, and the surface page reviewers read first, are exactly what the
//! generator makes of the spec today: `src/generated.rs` and `api-surface.txt`.
//!
//! A stale file fails `cargo test` with a message naming `cargo xtask regen`. That command runs
//! this test with `LACEWORK_TOKENS_REGEN=write`, which writes the fresh files instead (so only a
//! maintainer's deliberate command changes them; CI never sets it).

#[path = "../codegen.rs"]
mod codegen;
#[path = "../provenance.rs"]
mod provenance;

use std::path::{Path, PathBuf};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_shipped_files_are_what_the_spec_generates() {
    let generated = codegen::generate_file(&crate_dir().join("spec/lacework-tokens.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let write = std::env::var("LACEWORK_TOKENS_REGEN").is_ok_and(|v| v == "write");
    let mut stale = Vec::new();
    for (file, fresh) in [("src/generated.rs", &generated.code), ("api-surface.txt", &generated.surface)] {
        let path = crate_dir().join(file);
        if std::fs::read_to_string(&path).ok().as_deref() == Some(fresh.as_str()) {
            continue;
        }
        if write {
            std::fs::write(&path, fresh).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
            println!("regenerated {}", Path::new("crates/lacework-tokens-api").join(file).display());
        } else {
            stale.push(file);
        }
    }
    assert!(
        stale.is_empty(),
        "{} of crates/lacework-tokens-api no longer match what the generator makes of \
         spec/lacework-tokens.yaml: run `cargo xtask regen`, then review the change report and the diff",
        stale.join(" and ")
    );

    // What build.rs checks in every application's build: the header records the spec's hash.
    // (Here rather than in a test of its own, which could read the file while this one writes it.)
    let spec = std::fs::read_to_string(crate_dir().join("spec/lacework-tokens.yaml")).expect("the spec");
    let shipped = std::fs::read_to_string(crate_dir().join("src/generated.rs")).expect("src/generated.rs");
    assert_eq!(provenance::recorded_hash(&shipped), Some(provenance::spec_hash(&spec).as_str()));
}

#[test]
fn the_hash_is_sha256() {
    // FIPS 180-4 test vectors: empty, one block, two blocks.
    let hex = |data: &[u8]| provenance::sha256(data).iter().map(|b| format!("{b:02x}")).collect::<String>();
    assert_eq!(hex(b""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_eq!(hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_eq!(
        hex(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    );
    // Line endings do not change the recorded hash.
    assert_eq!(provenance::spec_hash("a: 1\r\nb: 2\r\n"), provenance::spec_hash("a: 1\nb: 2\n"));
}
