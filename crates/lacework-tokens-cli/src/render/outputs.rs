//! Every JSON output of the CLI, by name: which commands print it and its JSON Schema, derived
//! from the Rust type that prints it. `lwtokens schema` lists them and prints each; the schemas
//! are checked into `docs/schemas/` for the people who consume them, and the tests validate
//! every JSON document the CLI prints against the schema of its command's output.

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema};
use serde::Serialize;

use super::{
    AccessTokenDetails, AccessTokenList, AgentTokenDetails, AgentTokenList, BearerTokenView, BulkReport,
    CacheListing, Cleared, Deleted, Listing, TableStyle, View,
};

/// One JSON output.
pub struct JsonOutput {
    /// Its name, as `lwtokens schema NAME` takes it.
    pub name: &'static str,
    /// The commands that print it (a JSON Lines line is one item of the listing's array).
    pub printed_by: &'static [&'static str],
    /// Its JSON Schema.
    schema: fn() -> Schema,
}

impl JsonOutput {
    /// The JSON Schema, titled with the output's name.
    pub fn schema(&self) -> Schema {
        let mut schema = (self.schema)();
        schema.insert("title".to_owned(), self.name.into());
        schema
    }
}

/// The schema of what `T` serializes to: a member is required unless it may be left out
/// (`skip_serializing_if`), so `null`-able members are required too.
fn schema_of<T: JsonSchema>() -> Schema {
    SchemaSettings::draft2020_12().for_serialize().into_generator().into_root_schema_for::<T>()
}

/// Every JSON output.
pub const OUTPUTS: &[JsonOutput] = &[
    JsonOutput {
        name: "agent-token-list",
        printed_by: &["agent list", "agent search"],
        schema: schema_of::<AgentTokenList>,
    },
    JsonOutput {
        name: "agent-token",
        printed_by: &[
            "agent show",
            "agent create",
            "agent update",
            "agent enable",
            "agent disable",
            "agent rotate",
        ],
        schema: schema_of::<AgentTokenDetails>,
    },
    JsonOutput {
        name: "bulk-report",
        printed_by: &["agent enable", "agent disable"],
        schema: schema_of::<BulkReport>,
    },
    JsonOutput {
        name: "access-token-list",
        printed_by: &["access list"],
        schema: schema_of::<AccessTokenList>,
    },
    JsonOutput {
        name: "access-token",
        printed_by: &["access show", "access create", "access update", "access rotate"],
        schema: schema_of::<AccessTokenDetails>,
    },
    JsonOutput { name: "access-token-deleted", printed_by: &["access delete"], schema: schema_of::<Deleted> },
    JsonOutput { name: "bearer-token", printed_by: &["api-token"], schema: schema_of::<BearerTokenView> },
    JsonOutput { name: "token-cache", printed_by: &["token-cache show"], schema: schema_of::<CacheListing> },
    JsonOutput {
        name: "token-cache-cleared",
        printed_by: &["token-cache clear"],
        schema: schema_of::<Cleared>,
    },
    JsonOutput { name: "schema-list", printed_by: &["schema"], schema: schema_of::<SchemaList> },
];

/// The output named `name`.
pub fn find(name: &str) -> Option<&'static JsonOutput> {
    OUTPUTS.iter().find(|output| output.name == name)
}

/// `lwtokens schema`: the outputs and the commands that print them.
#[derive(Serialize, JsonSchema)]
#[serde(transparent)]
pub struct SchemaList(Vec<SchemaEntry>);

/// One output of `lwtokens schema`.
#[derive(Serialize, JsonSchema)]
pub struct SchemaEntry {
    /// The output's name: `lwtokens schema NAME` prints its JSON Schema.
    name: &'static str,
    /// The commands that print it.
    printed_by: Vec<&'static str>,
}

impl SchemaList {
    /// Every output.
    pub fn new() -> SchemaList {
        SchemaList(
            OUTPUTS
                .iter()
                .map(|output| SchemaEntry { name: output.name, printed_by: output.printed_by.to_vec() })
                .collect(),
        )
    }
}

impl View for SchemaList {
    fn table(&self, style: &TableStyle) -> String {
        let rows =
            self.0.iter().map(|entry| vec![entry.name.into(), entry.printed_by.join(", ").into()]).collect();
        style.list(&["OUTPUT", "PRINTED BY"], rows)
    }
}

impl Listing for SchemaList {
    type Row = SchemaEntry;

    fn rows(&self) -> &[SchemaEntry] {
        &self.0
    }

    fn columns(&self) -> Vec<&'static str> {
        vec!["name", "printed_by"]
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// The schemas in docs/schemas/ are the ones the types give; a stale one fails here, and
    /// `UPDATE_SCHEMAS=1 cargo test -p lacework-tokens-cli schemas` rewrites them.
    #[test]
    fn the_published_schemas_are_current() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/schemas");
        let update = std::env::var_os("UPDATE_SCHEMAS").is_some();
        let mut stale = Vec::new();
        for output in OUTPUTS {
            let mut text = serde_json::to_string_pretty(&output.schema()).unwrap();
            text.push('\n');
            let path = dir.join(format!("{}.json", output.name));
            if update {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, &text).unwrap();
            }
            if std::fs::read_to_string(&path).unwrap_or_default() != text {
                stale.push(output.name);
            }
        }
        let mut published: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        published.sort();
        let mut expected: Vec<_> = OUTPUTS.iter().map(|output| format!("{}.json", output.name)).collect();
        expected.sort();
        assert!(
            stale.is_empty(),
            "stale schemas {stale:?}: run `UPDATE_SCHEMAS=1 cargo test -p lacework-tokens-cli schemas`"
        );
        assert_eq!(published, expected, "docs/schemas/ holds exactly one schema per output");
    }

    #[test]
    fn names_are_unique_and_every_command_is_named_once_per_output() {
        let mut names: Vec<_> = OUTPUTS.iter().map(|output| output.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), OUTPUTS.len());
        for output in OUTPUTS {
            let mut commands = output.printed_by.to_vec();
            commands.sort();
            commands.dedup();
            assert_eq!(commands.len(), output.printed_by.len(), "{}", output.name);
        }
    }
}
