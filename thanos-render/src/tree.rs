//! The rendered tree: relative paths to file contents, as files or as one stream.

use std::{collections::BTreeSet, fmt, io};

use indexmap::IndexMap;

use crate::{
    marker::{self, CommentSyntax},
    safe_path::is_safe_relative_path,
};

/// The directory name the seed commits the tree under, used in the stream's
/// `# Source:` lines.
pub const DEFAULT_ROOT: &str = "deploy-new";

/// Prefix of the line naming a file in the stream, as `helm template` writes it.
const SOURCE_PREFIX: &str = "# Source: ";

/// A rendered tree: an ordered map from a `/`-separated relative path to the file's
/// contents. The order is the render order (base, central, edges in fleet order), so the
/// stream is deterministic too.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tree {
    files: IndexMap<String, String>,
    /// The paths of files an embedding tool added as its own ([`Tree::insert_owned`]).
    owned: BTreeSet<String>,
}

impl Tree {
    /// Adds (or replaces) a file: the generated-file header, `comment` as comment lines,
    /// then `body`, the comments in the syntax of the file's kind
    /// ([`CommentSyntax::for_path`]: HTML comments in Markdown, `#` lines elsewhere). An
    /// embedding tool that adds files this way has them treated as generated: a later
    /// render without them deletes them. For files it keeps, see [`Tree::insert_owned`].
    pub fn insert(&mut self, path: String, body: String, comment: &[String]) {
        self.owned.remove(&path);
        let syntax = CommentSyntax::for_path(&path);
        let comment: String = comment
            .iter()
            .flat_map(|line| [syntax.line(line), "\n".to_owned()])
            .collect();
        let content = marker::stamp_parts(&[&comment, &body], syntax);
        self.files.insert(path, content);
    }

    /// Adds (or replaces) a file an embedding tool owns, written exactly as given: no
    /// generated-file header, so a later render of a tree without it (such as
    /// `thanos-kustomize render`) finds a file that is not ours and leaves it alone, never
    /// deleting or reverting it. A write of this tree adds or updates it.
    ///
    /// ```
    /// let fleet = thanos_model::seed::new_fleet(1).build().unwrap();
    /// let mut tree = thanos_render::render(&fleet);
    /// tree.insert_owned("NOTES.md".to_owned(), "# Our notes\n".to_owned());
    /// assert_eq!(tree.get("NOTES.md"), Some("# Our notes\n"));
    /// assert!(tree.is_owned("NOTES.md"));
    /// assert!(!tree.is_owned("README.md"));
    /// ```
    pub fn insert_owned(&mut self, path: String, content: String) {
        self.owned.insert(path.clone());
        self.files.insert(path, content);
    }

    /// Whether the file at `path` is an embedding tool's own ([`Tree::insert_owned`]).
    #[must_use]
    pub fn is_owned(&self, path: &str) -> bool {
        self.owned.contains(path)
    }

    /// The files, in render order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str)> {
        self.files
            .iter()
            .map(|(path, content)| (path.as_str(), content.as_str()))
    }

    /// The content of the file at `path`.
    #[must_use]
    pub fn get(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }

    /// The number of files.
    #[must_use]
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether the tree has no file.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The tree as one multi-document YAML stream in helm's convention: every document
    /// preceded by `---` and `# Source: <root>/<path>`.
    #[must_use]
    pub fn to_stream(&self, root: &str) -> String {
        let mut stream = String::new();
        for (path, content) in &self.files {
            for document in split_documents(content) {
                stream.push_str("---\n");
                stream.push_str(SOURCE_PREFIX);
                stream.push_str(root);
                stream.push('/');
                stream.push_str(path);
                stream.push('\n');
                stream.push_str(document);
            }
        }
        stream
    }

    /// Writes [`Tree::to_stream`] to `writer`.
    pub fn write_stream(&self, root: &str, mut writer: impl io::Write) -> io::Result<()> {
        writer.write_all(self.to_stream(root).as_bytes())?;
        writer.flush()
    }

    /// Recovers a tree from a stream written by [`Tree::to_stream`] with the same `root`,
    /// byte for byte.
    pub fn from_stream(stream: &str, root: &str) -> Result<Self, StreamError> {
        let prefix = format!("{SOURCE_PREFIX}{root}/");
        let mut files: IndexMap<String, String> = IndexMap::new();
        let mut current: Option<String> = None;
        let mut lines = stream.split_inclusive('\n').enumerate().peekable();
        while let Some((index, line)) = lines.next() {
            let next_is_source = lines
                .peek()
                .is_some_and(|(_, next)| next.starts_with(&prefix));
            if line == "---\n" && next_is_source {
                let Some((_, source)) = lines.next() else {
                    break;
                };
                let path = source[prefix.len()..].trim_end_matches('\n').to_owned();
                if !is_safe_relative_path(&path) {
                    return Err(StreamError::new(
                        index + 2,
                        format!(
                            "{path:?} is not a relative path inside the tree (empty, absolute, or with `.` or `..`)"
                        ),
                    ));
                }
                let continues = current.as_deref() == Some(path.as_str());
                let content = files.entry(path.clone()).or_default();
                if continues {
                    content.push_str("---\n");
                } else if !content.is_empty() {
                    return Err(StreamError::new(
                        index + 2,
                        format!("{path} appears twice, apart"),
                    ));
                }
                current = Some(path);
            } else if let Some(path) = &current {
                files[path.as_str()].push_str(line);
            } else {
                return Err(StreamError::new(
                    index + 1,
                    format!("content before the first `---` / `{prefix}` header"),
                ));
            }
        }
        Ok(Self {
            files,
            owned: BTreeSet::new(),
        })
    }
}

/// Splits a file into its YAML documents at `---` lines, each document keeping its text
/// exactly; joining them with `---\n` gives the file back.
fn split_documents(content: &str) -> Vec<&str> {
    let mut documents = Vec::new();
    let mut start = 0;
    let mut offset = 0;
    for line in content.split_inclusive('\n') {
        if line == "---\n" {
            documents.push(&content[start..offset]);
            start = offset + line.len();
        }
        offset += line.len();
    }
    documents.push(&content[start..]);
    documents
}

/// A stream that is not in the form [`Tree::to_stream`] writes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct StreamError {
    /// Line of the problem, 1-based.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl StreamError {
    fn new(line: usize, message: impl Into<String>) -> Self {
        Self {
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "stream line {}: {}", self.line, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> Tree {
        Tree {
            files: files
                .iter()
                .map(|(path, content)| ((*path).to_owned(), (*content).to_owned()))
                .collect(),
            owned: BTreeSet::new(),
        }
    }

    #[test]
    fn stream_round_trips_multi_document_files() {
        let original = tree(&[
            ("a/one.yaml", "# comment\nkey: value\n"),
            ("a/two.yaml", "kind: A\n---\nkind: B\n---\nkind: C\n"),
            ("b/three.yaml", "list:\n- ---x\n"),
        ]);
        let stream = original.to_stream("root");
        assert_eq!(stream.matches("# Source: root/a/two.yaml\n").count(), 3);
        assert_eq!(Tree::from_stream(&stream, "root").unwrap(), original);
    }

    #[test]
    fn stream_errors_name_the_line() {
        let error = Tree::from_stream("stray: text\n", "root").unwrap_err();
        assert_eq!(error.line, 1);
        for path in ["", "../escaped", "a/../../b", "/etc/passwd", "a//b", "./a"] {
            let stream = format!("---\n# Source: root/{path}\nx: 1\n");
            let error = Tree::from_stream(&stream, "root").unwrap_err();
            assert_eq!(error.line, 2, "{path:?} accepted");
        }
        assert_eq!(error.line, 1);
        let twice =
            "---\n# Source: root/a\nx\n---\n# Source: root/b\ny\n---\n# Source: root/a\nz\n";
        assert_eq!(Tree::from_stream(twice, "root").unwrap_err().line, 8);
    }
}
