//! `init`: a commented starter fleet file.
//!
//! The file is a new fleet over the seed's clusters ([`thanos_model::seed::new_fleet`]:
//! the model's defaults) serialized by the model itself,
//! with every field's documentation from the JSON Schema as a comment above it, so it
//! stays correct when the model changes: nothing here names a field.

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use serde_json::Value;
use thanos_model::{seed::new_fleet, Fleet, Language};

use crate::output;

use super::{print_stdout, Exit};

/// Where `init` tells the YAML language server to find the schema (`schema` writes it).
pub const SCHEMA_PATH: &str = "./fleet.schema.json";

/// Longest comment line.
const WIDTH: usize = 92;

/// Print a commented starter fleet file: a new fleet over the seed's clusters, with N edges.
///
/// Every field carries its documentation as a comment. The settings are the model's
/// defaults, those of a new fleet; the `four-clusters` example keeps the seed lab's.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    thanos-kustomize init > fleet.yaml\n  \
    thanos-kustomize init --edges 5 > fleet.yaml\n  \
    thanos-kustomize init --domain monitoring.example.com --namespace observability \\\n      \
    --central-name hub --central-context hub --edge-names site-a,site-b --language ko > fleet.yaml\n  \
    thanos-kustomize schema > fleet.schema.json   # for the $schema line editors read")]
pub struct InitArgs {
    /// Number of edge clusters (cluster-02-edge, cluster-03-edge, ...).
    #[arg(long, default_value_t = 3, value_name = "N", conflicts_with = "edge_names",
          value_parser = clap::value_parser!(u16).range(0..=250))]
    edges: u16,
    /// The edge clusters' names (and kubectl contexts), comma-separated, instead of
    /// `--edges`.
    #[arg(long, value_name = "NAME,...", value_delimiter = ',')]
    edge_names: Option<Vec<String>>,
    /// The central cluster's name.
    #[arg(long, value_name = "NAME")]
    central_name: Option<String>,
    /// The central cluster's kubectl context (default: the seed's, or the name given).
    #[arg(long, value_name = "CONTEXT")]
    central_context: Option<String>,
    /// The DNS domain the Ingress hosts are under.
    #[arg(long, value_name = "DOMAIN")]
    domain: Option<String>,
    /// The namespace everything is installed in.
    #[arg(long, value_name = "NAMESPACE")]
    namespace: Option<String>,
    /// The runbook's language.
    #[arg(long, default_value = "en", value_name = "LANG", value_parser = language_parser())]
    language: Language,
}

/// The model's [`Language`] by its code (`en`, `ko`), each offered with its name.
fn language_parser() -> impl TypedValueParser<Value = Language> {
    PossibleValuesParser::new(Language::ALL.map(|language| {
        PossibleValue::new(language.code()).help(match language {
            Language::English => "English, the default",
            Language::Korean => "Korean",
        })
    }))
    .try_map(|code| Language::from_code(&code).ok_or("not a runbook language"))
}

/// Runs `init`.
pub fn run(args: &InitArgs) -> Exit {
    let fleet = match starter_fleet(args) {
        Ok(fleet) => fleet,
        Err(diagnostics) => {
            eprint!("{}", output::text("init", &diagnostics));
            eprintln!("thanos-kustomize: init: the options give an invalid fleet; nothing printed");
            return Exit::Invalid;
        }
    };
    match annotated(&fleet) {
        Ok(text) => print_stdout(&text),
        Err(error) => crate::io_failure(error),
    }
}

/// The new fleet the options describe: the model's defaults over the seed's clusters, with
/// the names, domain, namespace and language given; the validation's diagnostics (the
/// options' values, in the fleet file's terms) when they are not valid.
fn starter_fleet(args: &InitArgs) -> Result<Fleet, Vec<thanos_model::Diagnostic>> {
    let edges = args
        .edge_names
        .as_ref()
        .map_or(usize::from(args.edges), Vec::len);
    let mut fleet = new_fleet(edges)
        .build()
        .map_err(|error| error.diagnostics().to_vec())?
        .into_inner();
    if let Some(names) = &args.edge_names {
        for (edge, name) in fleet.edges.iter_mut().zip(names) {
            edge.name.clone_from(name);
            edge.context.clone_from(name);
        }
    }
    if let Some(name) = &args.central_name {
        fleet.central.name.clone_from(name);
        fleet.central.context.clone_from(name);
    }
    if let Some(context) = &args.central_context {
        fleet.central.context.clone_from(context);
    }
    if let Some(domain) = &args.domain {
        fleet.domain.clone_from(domain);
    }
    if let Some(namespace) = &args.namespace {
        fleet.namespace.clone_from(namespace);
    }
    fleet.runbook.language = args.language;
    // Many edges outgrow the defaults' Receive replicas and volumes.
    fleet.grow_to_need();
    let valid = fleet
        .validate()
        .map_err(|error| error.diagnostics().to_vec())?;
    Ok(valid.into_inner())
}

/// The starter file with `edges` edges and the other options at their defaults.
#[cfg(test)]
fn starter(edges: usize) -> Result<String, String> {
    let fleet = new_fleet(edges)
        .build()
        .map_err(|error| format!("the seed fleet is invalid: {error}"))?;
    annotated(&fleet)
}

/// `fleet` as YAML, every field's documentation as a comment above it.
fn annotated(fleet: &Fleet) -> Result<String, String> {
    let yaml = fleet.to_yaml_string();
    let schema = serde_json::to_value(Fleet::json_schema())
        .map_err(|error| format!("cannot read the schema: {error}"))?;
    let mut out = format!("# yaml-language-server: $schema={SCHEMA_PATH}\n");
    if let Some(about) = description(&schema) {
        comment(&mut out, 0, &about);
    }
    comment(
        &mut out,
        0,
        "Write the schema beside this file with `thanos-kustomize schema > fleet.schema.json`, \
         check this file with `thanos-kustomize check -f fleet.yaml`, render it with \
         `thanos-kustomize render -f fleet.yaml --out deploy-new`.",
    );
    out.push('\n');
    out.push_str(&annotate(&yaml, &schema));
    Ok(out)
}

/// Puts the schema's description of every field above its first occurrence.
fn annotate(yaml: &str, schema: &Value) -> String {
    let mut out = String::new();
    // (indent of the key, key)
    let mut stack: Vec<(usize, String)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut block_scalar_indent: Option<usize> = None;
    for line in yaml.lines() {
        let indent = line.len() - line.trim_start().len();
        if let Some(block) = block_scalar_indent {
            if indent > block || line.trim().is_empty() {
                out.push_str(line);
                out.push('\n');
                continue;
            }
            block_scalar_indent = None;
        }
        let rest = line.trim_start();
        let (comment_indent, key_indent, entry) = match rest.strip_prefix("- ") {
            Some(entry) => (indent, indent + 2, entry),
            None => (indent, indent, rest),
        };
        if let Some((key, value)) = split_key(entry) {
            while stack.last().is_some_and(|(i, _)| *i >= key_indent) {
                stack.pop();
            }
            if value.starts_with('|') || value.starts_with('>') {
                block_scalar_indent = Some(key_indent);
            }
            stack.push((key_indent, key.to_owned()));
            let path: Vec<String> = stack.iter().map(|(_, key)| key.clone()).collect();
            if seen.insert(path.join(".")) {
                if let Some(text) = field_description(schema, &stack) {
                    comment(&mut out, comment_indent, &text);
                }
            }
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// `key` and the text after `key:` of a mapping entry line.
fn split_key(entry: &str) -> Option<(&str, &str)> {
    let (key, value) = match entry.split_once(": ") {
        Some((key, value)) => (key, value),
        None => (entry.strip_suffix(':')?, ""),
    };
    let key = key
        .strip_prefix('\'')
        .and_then(|k| k.strip_suffix('\''))
        .or_else(|| key.strip_prefix('"').and_then(|k| k.strip_suffix('"')))
        .unwrap_or(key);
    (!key.is_empty() && !key.contains(['#', '{', '[', ' '])).then_some((key, value))
}

/// The description of the field at the end of `path`, where the schema has one.
fn field_description(schema: &Value, path: &[(usize, String)]) -> Option<String> {
    let mut node = schema;
    for (_, key) in path {
        node = property(schema, node, key)?;
    }
    description(node).or_else(|| description(resolve(schema, node)))
}

/// Follows a `$ref` into `$defs`.
fn resolve<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    let mut node = node;
    for _ in 0..16 {
        let Some(reference) = node.get("$ref").and_then(Value::as_str) else {
            break;
        };
        let Some(target) = reference
            .strip_prefix("#/")
            .and_then(|pointer| root.pointer(&format!("/{pointer}")))
        else {
            break;
        };
        node = target;
    }
    node
}

/// The schema of property `key` of `node`, looking through references, arrays and
/// `oneOf` / `anyOf` / `allOf` alternatives.
fn property<'a>(root: &'a Value, node: &'a Value, key: &str) -> Option<&'a Value> {
    let node = resolve(root, node);
    if let Some(items) = node.get("items") {
        return property(root, items, key);
    }
    if let Some(found) = node.get("properties").and_then(|p| p.get(key)) {
        return Some(found);
    }
    ["oneOf", "anyOf", "allOf"]
        .iter()
        .filter_map(|combinator| node.get(*combinator).and_then(Value::as_array))
        .flatten()
        .find_map(|branch| property(root, branch, key))
}

/// The first paragraph of a schema's description, without rustdoc link targets.
fn description(node: &Value) -> Option<String> {
    let text = node.get("description")?.as_str()?;
    let paragraph = text
        .split("\n\n")
        .next()?
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    Some(strip_links(&paragraph)).filter(|text| !text.is_empty())
}

/// `[`Fleet::builder`]` and `[text](target)` become `` `Fleet::builder` `` and `text`.
fn strip_links(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find(']') else {
            out.push_str(&rest[open..]);
            return out;
        };
        out.push_str(&after[..close]);
        rest = &after[close + 1..];
        if let Some(target) = rest.strip_prefix('(') {
            if let Some(end) = target.find(')') {
                rest = &target[end + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Appends `text` as `#` lines at `indent`, wrapped.
fn comment(out: &mut String, indent: usize, text: &str) {
    let prefix = format!("{}# ", " ".repeat(indent));
    let width = WIDTH.saturating_sub(prefix.len()).max(40);
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            out.push_str(&prefix);
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(&prefix);
        out.push_str(&line);
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_starter_file_loads_as_a_new_fleet() {
        for edges in [0, 1, 3, 12] {
            let text = starter(edges).unwrap();
            let loaded = Fleet::from_yaml_str(&text).unwrap().into_inner();
            assert_eq!(loaded, new_fleet(edges).build().unwrap().into_inner());
        }
    }

    #[test]
    fn fields_are_commented_once_from_the_schema() {
        let text = starter(2).unwrap();
        assert!(text.starts_with("# yaml-language-server: $schema=./fleet.schema.json\n"));
        assert!(text.contains("# Namespace everything is installed in"));
        // Nested, below an array and inside an internally tagged enum.
        assert!(text.contains("  # Environment variable with the access key"));
        assert!(text
            .contains("  # kubectl context the overlay is applied with.\n  context: cluster-02"));
        assert_eq!(
            text.matches("# kubectl context the overlay").count(),
            2,
            "{text}"
        );
        assert!(!text.contains("](crate::"), "{text}");
    }

    #[test]
    fn links_are_stripped() {
        assert_eq!(
            strip_links("see [`Fleet::builder`] or [x](crate::X) [a"),
            "see `Fleet::builder` or x [a"
        );
    }
}
