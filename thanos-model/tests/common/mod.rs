//! What the model's integration tests share.

/// The smallest valid fleet file: its required fields, and no edge.
pub const MINIMAL_FLEET: &str = "\
domain: k8s-cluster-01.example.com
objectStorage:
  type: S3
  endpoint: s3.example.com
  bucket: thanos
central:
  name: cluster-01-central
  context: cluster-01
  apiAddress: 10.0.0.1
";
