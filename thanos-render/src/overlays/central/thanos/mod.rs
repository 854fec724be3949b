//! The Thanos manifests of the central overlay, one file per component.

pub(crate) mod compactor;
pub(crate) mod query;
pub(crate) mod receiver;
pub(crate) mod store;

/// Flags every Thanos server here starts with.
fn common_flags(subcommand: &str, http: u16) -> Vec<String> {
    vec![
        subcommand.to_owned(),
        "--log.level=info".to_owned(),
        "--enable-auto-gomemlimit".to_owned(),
        format!("--http-address=0.0.0.0:{http}"),
    ]
}

/// `--grpc-address` for components that serve the StoreAPI.
fn grpc_flag() -> String {
    format!("--grpc-address=0.0.0.0:{}", thanos_model::ports::GRPC)
}

/// A `--label` flag: `name="value"` with the value quoted as Thanos parses it and `$`
/// doubled, so Kubernetes does not expand a `$(VAR)` in a user's value.
fn label_flag(name: &str, value: &str) -> String {
    let escaped = value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
        .replace('$', "$$");
    format!("--label={name}=\"{escaped}\"")
}

/// The `--label` flag of Receive's replica label: the pod's name, which Kubernetes fills
/// in from the `NAME` environment variable.
fn replica_label_flag(name: &str) -> String {
    format!("--label={name}=\"$(NAME)\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_are_quoted_and_never_expanded_by_kubernetes() {
        assert_eq!(label_flag("receive", "true"), r#"--label=receive="true""#);
        assert_eq!(
            label_flag("site", r#"a "b" \ $(HOME)"#),
            r#"--label=site="a \"b\" \\ $$(HOME)""#
        );
        assert_eq!(
            replica_label_flag("receive_replica"),
            r#"--label=receive_replica="$(NAME)""#
        );
    }
}
