//! Whole-fleet validation: the mistakes hand-written multi-cluster trees make, refused
//! before anything reaches a cluster.
//!
//! Every rule reports a [`Diagnostic`] naming the field path in the fleet file's terms
//! (`edges[1].clusterLabel`), and all rules run in one pass.

mod diagnostic;
mod rules;
pub(crate) mod syntax;

pub use diagnostic::{Diagnostic, Severity, ValidationError};
pub(crate) use rules::fleet;
