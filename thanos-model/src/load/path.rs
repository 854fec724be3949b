//! Field paths in the fleet file's terms: `edges[1].agent.replicas`.

use std::borrow::Cow;

/// Joins a parent path and a key.
pub(crate) fn child(parent: &str, key: &str) -> String {
    let key = key_segment(key);
    if parent.is_empty() {
        key.into_owned()
    } else {
        format!("{parent}.{key}")
    }
}

/// A key as a path segment: as written when it is a plain name, else quoted and
/// escaped (`labels."a.b"`, `labels."x\ny"`), so that a path is one line and reads
/// back unambiguously.
pub(crate) fn key_segment(key: &str) -> Cow<'_, str> {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-'))
        && crate::validate::syntax::forbidden_char(key).is_none();
    if plain {
        Cow::Borrowed(key)
    } else {
        Cow::Owned(format!("{key:?}"))
    }
}

/// The path of item `index` of the list at `parent`.
pub(crate) fn index(parent: &str, index: usize) -> String {
    format!("{parent}[{index}]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(child("", "domain"), "domain");
        assert_eq!(child("edges[1]", "agent"), "edges[1].agent");
        assert_eq!(index("edges", 2), "edges[2]");
        assert_eq!(child("labels", "a.b"), "labels.\"a.b\"");
        assert_eq!(child("labels", "x\ny"), "labels.\"x\\ny\"");
        assert_eq!(child("", "5m"), "5m");
    }
}
