//! A hint that proposes a value leads to a valid fleet: applied to the corpus file it
//! explains, the file loads.

use std::{fs, path::Path};

use thanos_model::{Fleet, LoadError};

fn corpus(name: &str) -> String {
    fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/corpus")
            .join(name),
    )
    .unwrap()
}

/// `write it without the space: apiAddress: 192.168.101.194:6443` for `host: port`.
#[test]
fn the_hint_for_a_space_after_a_colon_gives_a_valid_address() {
    let text = corpus("input-colon-in-api-address.yaml");
    let Err(LoadError::Syntax(error)) = Fleet::from_yaml_str(&text) else {
        panic!("expected a syntax error");
    };
    let proposed = error
        .hint
        .strip_prefix("write it without the space: ")
        .and_then(|rest| rest.split(", or,").next())
        .expect(&error.hint);
    assert_eq!(proposed, "apiAddress: 192.168.101.194:6443");
    let line = error.line.unwrap();
    let fixed: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i + 1 == line {
                format!("  {proposed}")
            } else {
                l.to_owned()
            }
        })
        .collect();
    let fleet = Fleet::from_yaml_str(&fixed.join("\n")).expect("the hinted value is valid");
    assert_eq!(fleet.central.api_address, "192.168.101.194:6443");
}

/// `write `name: cluster-01-central`` for a key without its colon.
#[test]
fn the_hint_for_a_missing_colon_gives_a_valid_line() {
    let text = corpus("input-missing-colon.yaml");
    let Err(LoadError::Syntax(error)) = Fleet::from_yaml_str(&text) else {
        panic!("expected a syntax error");
    };
    assert_eq!(error.hint, "write `name: cluster-01-central`");
    let fixed = text.replace("  name cluster-01-central", "  name: cluster-01-central");
    Fleet::from_yaml_str(&fixed).expect("the hinted line is valid");
}
