//! The change report: compares two surface pages of lacework-tokens-api (the format is made by
//! `crates/lacework-tokens-api/surface.rs`: one `<item>: <fact>` per line) and classifies each
//! change as breaking, additive or documentation only, with the version bump it needs under
//! Cargo's SemVer rules.
//!
//! What is breaking follows what progenitor emits: every struct in `types` has only public
//! fields and no `#[non_exhaustive]`, so a new field breaks struct literals; every enum is
//! exhaustive, so a new variant breaks `match`es (and a server sending a new enum value breaks
//! older clients' decoding); a field that turns optional changes its Rust type to `Option<T>`.
//! The `Client*Ext` traits are implemented by the generated `Client` only, so a new method in
//! them is additive.
//!
//! Standard library only. The api crate's `tests/change_report.rs` includes this file too, to test
//! each rule on pairs of small fixture specs.

use std::collections::BTreeMap;
use std::fmt;

/// How a change affects users of the crate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Only descriptions, summaries or examples changed.
    Documentation,
    /// Code that compiled and worked before still does.
    Additive,
    /// Some code that compiled or worked before no longer does.
    Breaking,
}

impl Level {
    fn title(self) -> &'static str {
        match self {
            Level::Breaking => "breaking",
            Level::Additive => "additive",
            Level::Documentation => "documentation only",
        }
    }
}

/// One classified change: `item` names the operation, schema, type, field, ...; `what` says what
/// happened to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub level: Level,
    pub item: String,
    pub what: String,
}

/// Every change between two pages.
#[derive(Debug, Default)]
pub struct Report {
    pub changes: Vec<Change>,
}

/// A surface page: item to fact. Comment (`#`) and section (`##`) lines are not facts.
pub fn parse(page: &str) -> BTreeMap<String, String> {
    page.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| line.split_once(": ").map(|(item, fact)| (item.to_owned(), fact.to_owned())))
        .collect()
}

/// Compares the page `before` with the page `after`.
pub fn compare(before: &str, after: &str) -> Report {
    let (before, after) = (parse(before), parse(after));
    let mut changes = Vec::new();
    let items: std::collections::BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    for item in items {
        let (old, new) = (before.get(item).map(String::as_str), after.get(item).map(String::as_str));
        if old == new {
            continue;
        }
        // A new or removed operation, schema or type is one line, not one per member.
        if let Some(parent) = parent_of(item)
            && before.contains_key(&parent) != after.contains_key(&parent)
        {
            continue;
        }
        if let Some((level, what)) = classify(item, old, new, &after) {
            changes.push(Change { level, item: item.clone(), what });
        }
    }
    changes.sort_by(|a, b| b.level.cmp(&a.level).then_with(|| a.item.cmp(&b.item)));
    Report { changes }
}

/// The item an item belongs to: `type X` for `type X field y`, `operation x` for its parameters
/// and for its builder (`builder X.m`) and `Client*Ext` method (`method ClientTagExt::x`), a
/// parameter or property for its description.
fn parent_of(item: &str) -> Option<String> {
    // The description of a parameter or property belongs to it: `schema S property p docs`.
    if let Some(member) = item.strip_suffix(" docs")
        && member.split(' ').count() >= 4
    {
        return Some(member.to_owned());
    }
    let words: Vec<&str> = item.split(' ').collect();
    match words.as_slice() {
        ["builder", path] => {
            let (owner, _) = path.split_once('.')?;
            let mut chars = owner.chars();
            let first = chars.next()?;
            Some(format!("operation {}{}", first.to_ascii_lowercase(), chars.as_str()))
        }
        ["method", path] if path.starts_with("Client") && path.contains("Ext::") => {
            let (_, snake) = path.split_once("::")?;
            let mut camel = String::new();
            for (i, part) in snake.split('_').enumerate() {
                let mut chars = part.chars();
                if let Some(first) = chars.next() {
                    camel.push(if i == 0 { first } else { first.to_ascii_uppercase() });
                    camel.push_str(chars.as_str());
                }
            }
            Some(format!("operation {camel}"))
        }
        [kind @ ("operation" | "schema" | "type"), name, _, ..] => Some(format!("{kind} {name}")),
        _ => None,
    }
}

fn classify(
    item: &str,
    old: Option<&str>,
    new: Option<&str>,
    after: &BTreeMap<String, String>,
) -> Option<(Level, String)> {
    use Level::{Additive, Breaking, Documentation};
    let words: Vec<&str> = item.split(' ').collect();
    let owner_fact =
        |kind: &str, name: &str| after.get(&format!("{kind} {name}")).cloned().unwrap_or_default();
    Some(match (words.as_slice(), old, new) {
        (_, None, None) => return None,
        ([.., "docs"], _, _) => (Documentation, "description changed".to_owned()),

        // Operations.
        (["operation", _], None, Some(new)) => (Additive, format!("added ({new})")),
        (["operation", _], Some(old), None) => (Breaking, format!("removed (was {old})")),
        (["operation", _], Some(old), Some(new)) => operation_changed(old, new),
        (["operation", _, "response", _], None, Some(new)) => (Additive, format!("new response ({new})")),
        (["operation", _, "response", _], Some(old), None) => {
            (Breaking, format!("response removed (was {old}): it now arrives as an unexpected response"))
        }
        (["operation", _, "body" | "query" | "header" | "path" | "cookie", ..], old, new) => {
            member_changed(old, new, "the request")
        }
        (["operation", _, "response", _], Some(old), Some(new)) => {
            (Breaking, format!("response type changed from {old} to {new}"))
        }

        // Schemas.
        (["schema", _], None, Some(new)) => (Additive, format!("added ({new})")),
        (["schema", _], Some(old), None) => (Breaking, format!("removed (was {old})")),
        (["schema", _], Some(old), Some(new)) => (Breaking, format!("changed from {old} to {new}")),
        (["schema", _, "enum", _], None, Some(_)) => (
            Breaking,
            "new enum value: the generated Rust enum is exhaustive, and older clients cannot decode it"
                .to_owned(),
        ),
        (["schema", _, "enum", _], Some(_), None) => (Breaking, "enum value removed".to_owned()),
        (["schema", _, "property", _], old, new) => member_changed(old, new, "the schema"),

        // Rust types.
        (["type", _], None, Some(new)) => (Additive, format!("added ({new})")),
        (["type", _], Some(old), None) => (Breaking, format!("type removed (was {old})")),
        (["type", _], Some(old), Some(new)) => (Breaking, format!("type changed from {old} to {new}")),
        (["type", name, "field", _], None, Some(new)) => {
            if owner_fact("type", name).contains("all fields public") {
                (
                    Breaking,
                    format!(
                        "new field ({new}): struct literals of {name} no longer compile (all its fields are public)"
                    ),
                )
            } else {
                (Additive, format!("new field ({new})"))
            }
        }
        (["type", name, "variant", _], None, Some(new)) => {
            if owner_fact("type", name).contains("non-exhaustive") {
                (Additive, format!("new variant ({new})"))
            } else {
                (
                    Breaking,
                    format!(
                        "new variant ({new}): {name} is exhaustive, so `match`es on it no longer compile"
                    ),
                )
            }
        }
        (["type", _, "field" | "variant", _], Some(old), None) => (Breaking, format!("removed (was {old})")),
        (["type", _, "field" | "variant", _], Some(old), Some(new)) => {
            (Breaking, format!("Rust type changed from {old} to {new}"))
        }

        // Rust operations: builders and the Client's methods.
        (["builder" | "method", _], None, Some(new)) => (Additive, format!("new method {new}")),
        (["builder" | "method", _], Some(old), None) => (Breaking, format!("method removed (was {old})")),
        (["builder" | "method", _], Some(old), Some(new)) => {
            (Breaking, format!("signature changed from {old} to {new}"))
        }

        // Anything this classifier does not know is treated as breaking, so nothing slips by.
        (_, old, new) => (
            Breaking,
            format!(
                "changed from {} to {} (unknown kind of item: treated as breaking)",
                old.unwrap_or("-"),
                new.unwrap_or("-")
            ),
        ),
    })
}

/// `METHOD path, tag T, safe to repeat` before and after.
fn operation_changed(old: &str, new: &str) -> (Level, String) {
    let (old_parts, new_parts): (Vec<&str>, Vec<&str>) =
        (old.split(", ").collect(), new.split(", ").collect());
    if old_parts.first() != new_parts.first() {
        return (
            Level::Breaking,
            format!("moved from {} to {}", old_parts[0], new_parts.first().unwrap_or(&"-")),
        );
    }
    if old_parts.get(1) != new_parts.get(1) {
        return (
            Level::Breaking,
            format!(
                "{} instead of {}: its method moves to another Client*Ext trait",
                new_parts.get(1).unwrap_or(&"-"),
                old_parts.get(1).unwrap_or(&"-")
            ),
        );
    }
    (
        Level::Additive,
        format!(
            "now {} (was {}): the facade's retry decision follows",
            new_parts.last().unwrap_or(&"-"),
            old_parts.last().unwrap_or(&"-")
        ),
    )
}

/// A parameter, body or property: `<type>, required|optional` before and after.
fn member_changed(old: Option<&str>, new: Option<&str>, within: &str) -> (Level, String) {
    let split = |fact: &str| -> (String, bool) {
        match fact.rsplit_once(", ") {
            Some((kind, "required")) => (kind.to_owned(), true),
            Some((kind, _)) => (kind.to_owned(), false),
            None => (fact.to_owned(), false),
        }
    };
    match (old.map(split), new.map(split)) {
        (None, Some((kind, true))) => {
            (Level::Breaking, format!("new required member ({kind}): {within} cannot be made without it"))
        }
        (None, Some((kind, false))) => (Level::Additive, format!("new optional member ({kind})")),
        (Some((kind, _)), None) => (Level::Breaking, format!("removed (was {kind})")),
        (Some((old_kind, old_required)), Some((new_kind, new_required))) => {
            if old_kind != new_kind {
                (Level::Breaking, format!("type changed from {old_kind} to {new_kind}"))
            } else if !old_required && new_required {
                (Level::Breaking, "optional member made required".to_owned())
            } else {
                (Level::Breaking, "required member made optional: its Rust type becomes an Option".to_owned())
            }
        }
        (None, None) => (Level::Documentation, "unchanged".to_owned()),
    }
}

impl Report {
    /// The most severe change, if any.
    pub fn level(&self) -> Option<Level> {
        self.changes.iter().map(|c| c.level).max()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.changes.is_empty() {
            return writeln!(f, "  no change to the API");
        }
        for level in [Level::Breaking, Level::Additive, Level::Documentation] {
            let changes: Vec<&Change> = self.changes.iter().filter(|c| c.level == level).collect();
            if changes.is_empty() {
                continue;
            }
            writeln!(f, "  {} ({}):", level.title(), changes.len())?;
            for change in changes {
                writeln!(f, "    {}: {}", change.item, change.what)?;
            }
        }
        Ok(())
    }
}

// --- Versions ---------------------------------------------------------------------------------

/// A crate version, `major.minor.patch` (pre-release and build suffixes are not used here).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version(pub u64, pub u64, pub u64);

impl Version {
    pub fn parse(text: &str) -> Result<Version, String> {
        let parts: Vec<u64> = text
            .trim()
            .split('.')
            .map(|p| p.parse().map_err(|_| format!("`{text}` is not a version")))
            .collect::<Result<_, _>>()?;
        match parts.as_slice() {
            [major, minor, patch] => Ok(Version(*major, *minor, *patch)),
            _ => Err(format!("`{text}` is not a major.minor.patch version")),
        }
    }

    /// The smallest version after `self` that Cargo treats as incompatible with it: the major
    /// from 1.0 on, the minor in 0.x, the patch in 0.0.x.
    pub fn next_breaking(self) -> Version {
        match self {
            Version(0, 0, patch) => Version(0, 0, patch + 1),
            Version(0, minor, _) => Version(0, minor + 1, 0),
            Version(major, _, _) => Version(major + 1, 0, 0),
        }
    }

    /// The smallest version after `self` that Cargo treats as compatible with it and that may
    /// add API: the minor from 1.0 on, the patch in 0.x.
    pub fn next_additive(self) -> Version {
        match self {
            Version(0, 0, patch) => Version(0, 0, patch + 1),
            Version(0, minor, patch) => Version(0, minor, patch + 1),
            Version(major, minor, _) => Version(major, minor + 1, 0),
        }
    }

    /// The smallest version the changes of `level` need after `self`.
    pub fn needed(self, level: Option<Level>) -> Version {
        match level {
            Some(Level::Breaking) => self.next_breaking(),
            Some(Level::Additive) => self.next_additive(),
            Some(Level::Documentation) | None => self,
        }
    }

    /// The name of the bump from `self` that changes of `level` need, as Cargo's SemVer rules
    /// call it: `major`, `minor`, `patch` or `no`.
    pub fn bump_name(self, level: Option<Level>) -> &'static str {
        let needed = self.needed(level);
        if needed.0 != self.0 {
            "major"
        } else if needed.1 != self.1 {
            "minor"
        } else if needed.2 != self.2 {
            "patch"
        } else {
            "no"
        }
    }

    /// Whether going from `self` to `to` allows changes of `level`.
    pub fn allows(self, to: Version, level: Option<Level>) -> bool {
        to >= self.needed(level)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.0, self.1, self.2)
    }
}
