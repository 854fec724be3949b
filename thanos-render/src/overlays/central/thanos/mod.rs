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

/// A `--label` flag: `name="value"` with the value quoted as Thanos parses it.
fn label_flag(name: &str, value: &str) -> String {
    let escaped = value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n");
    format!("--label={name}=\"{escaped}\"")
}
