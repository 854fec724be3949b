//! Whether a tree path is safe to join below a target directory.
//!
//! Shared by [`crate::Tree::from_stream`] (the first guard, on input) and
//! the directory writer of the `thanos-kustomize` crate (the second guard, before anything
//! touches the disk).

use std::path::{Component, Path};

/// Whether `path` is a purely relative, `/`-separated path of normal components: not
/// empty, no leading `/` or Windows prefix (`C:`, `\\server`), no empty component (`a//b`,
/// a trailing `/`), no `.` or `..`, no backslash or NUL in a component. Such a path joined
/// below a directory always names something inside it.
pub fn is_safe_relative_path(path: &str) -> bool {
    !path.is_empty()
        && path.split('/').all(|component| {
            !component.is_empty()
                && component != "."
                && component != ".."
                && !component.contains(['\\', '\0'])
                && !is_drive(component)
                // What the platform makes of it: exactly this one normal component (no
                // drive prefix or root on Windows).
                && matches!(
                    Path::new(component).components().collect::<Vec<_>>().as_slice(),
                    [Component::Normal(name)] if *name == std::ffi::OsStr::new(component)
                )
        })
}

/// `C:` and the like: a drive prefix on Windows, refused everywhere so that a tree means the
/// same on every platform.
fn is_drive(component: &str) -> bool {
    let bytes = component.as_bytes();
    bytes.len() == 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':'
}

#[cfg(test)]
mod tests {
    use super::is_safe_relative_path;

    #[test]
    fn normal_relative_paths_are_safe() {
        for path in [
            "values.yaml",
            "base/kube-prometheus-stack/values.yaml",
            "overlays/cluster-02-edge/kube-prometheus-stack/kustomization.yaml",
            "a/..b/c..",
            ".hidden/x",
        ] {
            assert!(is_safe_relative_path(path), "{path}");
        }
    }

    #[test]
    fn anything_that_could_leave_the_directory_is_not() {
        for path in [
            "",
            "..",
            "../escape.yaml",
            "base/../../escape.yaml",
            "base/..",
            ".",
            "./base/values.yaml",
            "base/./values.yaml",
            "/etc/passwd",
            "//server/share",
            "base//values.yaml",
            "base/",
            "base\\..\\..\\escape",
            "C:\\escape",
            "C:/escape",
            "nul\0byte",
        ] {
            assert!(!is_safe_relative_path(path), "{path:?}");
        }
    }
}
