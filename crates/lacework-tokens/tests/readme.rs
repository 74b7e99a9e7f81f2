//! The workspace README shows the same usage example as the crate docs (which compile it as a
//! doctest), so the example people read first cannot drift from one that builds.

fn usage_block(markdown: &str) -> &str {
    let start = markdown.find("```rust,no_run").expect("a usage example");
    let end = markdown[start..].find("\n```\n").expect("the example ends") + start;
    &markdown[start..end]
}

#[test]
fn the_readme_usage_example_is_the_doctested_one() {
    let workspace = include_str!("../../../README.md");
    let crate_docs = include_str!("../README.md");
    assert_eq!(
        usage_block(workspace),
        usage_block(crate_docs),
        "copy crates/lacework-tokens/README.md's example"
    );
}
