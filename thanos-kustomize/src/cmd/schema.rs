//! `schema`: the JSON Schema of the fleet file.

use thanos_model::Fleet;

use super::{print_stdout, Exit};

/// Print the JSON Schema of the fleet file, every field's documentation as its description.
///
/// Save it beside the fleet file so that editors with the YAML language server complete and
/// check it (the `# yaml-language-server: $schema=./fleet.schema.json` line `init` writes).
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  thanos-kustomize schema > fleet.schema.json")]
pub struct SchemaArgs {}

/// Runs `schema`.
pub fn run(_args: &SchemaArgs) -> Exit {
    match serde_json::to_string_pretty(&Fleet::json_schema()) {
        Ok(mut json) => {
            json.push('\n');
            print_stdout(&json)
        }
        Err(error) => crate::io_failure(format!("cannot serialize the schema: {error}")),
    }
}
