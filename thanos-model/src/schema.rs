//! The JSON Schema of the fleet file, for editors and CI.

use crate::Fleet;

impl Fleet {
    /// The JSON Schema of the fleet file, with every field's documentation as its
    /// description.
    #[must_use]
    pub fn json_schema() -> schemars::Schema {
        schemars::schema_for!(Fleet)
    }
}
