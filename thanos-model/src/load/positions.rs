//! Where each field of a fleet file is: a map from field path (`edges[1].clusterLabel`)
//! to its line and column, read from the marked events of a YAML parser. The same walk
//! finds duplicate keys, which the deserializer accepts silently in maps.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, Span};

/// A position in the file, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Position {
    /// Line, 1-based.
    pub line: usize,
    /// Column, 1-based.
    pub column: usize,
}

/// A key that occurs twice in one mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DuplicateKey {
    /// Path of the key, such as `central.receive.labels.receive`.
    pub path: String,
    /// The key itself.
    pub key: String,
    /// Where it occurs the second time.
    pub at: Position,
    /// Where it occurs first.
    pub first: Position,
}

/// The positions of the fields of one file.
#[derive(Debug, Clone, Default)]
pub(crate) struct Positions {
    /// Field path to the position of its key (mapping entries) or node (sequence items,
    /// the document).
    by_path: HashMap<String, Position>,
}

impl Positions {
    /// The position of exactly `path`.
    pub fn get(&self, path: &str) -> Option<Position> {
        self.by_path.get(path).copied()
    }

    /// The position of `path` or, when the file does not hold it (a defaulted field), of
    /// its nearest ancestor that it holds.
    pub fn nearest(&self, path: &str) -> Option<Position> {
        let mut path = path;
        loop {
            if let Some(position) = self.get(path) {
                return Some(position);
            }
            if path.is_empty() {
                return None;
            }
            path = parent(path);
        }
    }

    /// Reads the positions of `yaml`'s first document. `Ok(None)` when the parser refuses
    /// the text (the deserializer then reports the syntax error); `Err` on a key that
    /// occurs twice in one mapping.
    pub fn scan(yaml: &str) -> Result<Option<Self>, DuplicateKey> {
        let mut walk = Walk::default();
        let mut documents = 0;
        for event in Parser::new_from_str(yaml) {
            let Ok((event, span)) = event else {
                return Ok(None);
            };
            match event {
                Event::DocumentStart(_) => {
                    documents += 1;
                    if documents > 1 {
                        break;
                    }
                }
                Event::Scalar(value, ..) => walk.scalar(&value, span)?,
                Event::Alias(_) => walk.scalar("*", span)?,
                Event::MappingStart(..) => walk.start(span, true)?,
                Event::SequenceStart(..) => walk.start(span, false)?,
                Event::MappingEnd | Event::SequenceEnd => {
                    walk.stack.pop();
                }
                Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
            }
        }
        Ok(Some(walk.positions))
    }
}

/// The parent of a field path: `edges[1].agent` of `edges[1].agent.replicas`, `edges` of
/// `edges[1]`, `` of `domain`.
pub(crate) fn parent(path: &str) -> &str {
    if path.ends_with(']') {
        if let Some(open) = path.rfind('[') {
            return &path[..open];
        }
    }
    path.rfind('.').map_or("", |dot| &path[..dot])
}

/// Joins a parent path and a key.
pub(crate) fn child(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

fn position(span: Span) -> Position {
    Position {
        line: span.start.line(),
        column: span.start.col() + 1,
    }
}

#[derive(Default)]
struct Walk {
    positions: Positions,
    stack: Vec<Frame>,
}

enum Frame {
    Mapping {
        path: String,
        /// Keys seen so far, with their positions.
        seen: HashMap<String, Position>,
        /// The path of the value to come; `None` while a key is expected.
        value_path: Option<String>,
    },
    Sequence {
        path: String,
        next: usize,
    },
}

impl Walk {
    /// The path of the node that starts now, or `None` for a mapping key (handled by the
    /// caller). Advances the enclosing frame.
    fn next_path(&mut self) -> NodeRole {
        match self.stack.last_mut() {
            None => NodeRole::Node(String::new()),
            Some(Frame::Sequence { path, next }) => {
                let item = format!("{path}[{next}]");
                *next += 1;
                NodeRole::Node(item)
            }
            Some(Frame::Mapping { value_path, .. }) => match value_path.take() {
                Some(path) => NodeRole::Value(path),
                None => NodeRole::Key,
            },
        }
    }

    fn record(&mut self, path: &str, span: Span) {
        self.positions
            .by_path
            .entry(path.to_owned())
            .or_insert_with(|| position(span));
    }

    fn scalar(&mut self, value: &str, span: Span) -> Result<(), DuplicateKey> {
        match self.next_path() {
            NodeRole::Node(path) | NodeRole::Value(path) => self.record(&path, span),
            NodeRole::Key => {
                let at = position(span);
                if let Some(Frame::Mapping {
                    path,
                    seen,
                    value_path,
                }) = self.stack.last_mut()
                {
                    let key_path = child(path, value);
                    if let Some(first) = seen.get(value) {
                        return Err(DuplicateKey {
                            path: key_path,
                            key: value.to_owned(),
                            at,
                            first: *first,
                        });
                    }
                    seen.insert(value.to_owned(), at);
                    *value_path = Some(key_path.clone());
                    self.positions.by_path.entry(key_path).or_insert(at);
                }
            }
        }
        Ok(())
    }

    fn start(&mut self, span: Span, mapping: bool) -> Result<(), DuplicateKey> {
        let path = match self.next_path() {
            NodeRole::Node(path) | NodeRole::Value(path) => {
                self.record(&path, span);
                path
            }
            // A mapping or sequence as a key: its contents have no field path; the value
            // that follows is filed under `?`.
            NodeRole::Key => {
                let path = match self.stack.last_mut() {
                    Some(Frame::Mapping {
                        path, value_path, ..
                    }) => {
                        *value_path = Some(child(path, "?"));
                        child(path, "?key")
                    }
                    _ => "?key".to_owned(),
                };
                path
            }
        };
        self.stack.push(if mapping {
            Frame::Mapping {
                path,
                seen: HashMap::new(),
                value_path: None,
            }
        } else {
            Frame::Sequence { path, next: 0 }
        });
        Ok(())
    }
}

enum NodeRole {
    /// The document or a sequence item, at this path.
    Node(String),
    /// A mapping value, at this path (its key is already recorded).
    Value(String),
    /// A mapping key.
    Key,
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = "\
domain: example.com
central:
  name: c
  receive:
    labels:
      receive: \"true\"
edges:
- name: a
  agent: {replicas: 2}
- name: b
";

    #[test]
    fn paths_have_the_line_of_their_key() {
        let positions = Positions::scan(YAML).unwrap().unwrap();
        let line = |path: &str| positions.get(path).map(|p| p.line);
        assert_eq!(line(""), Some(1));
        assert_eq!(line("domain"), Some(1));
        assert_eq!(line("central.receive.labels.receive"), Some(6));
        assert_eq!(line("edges"), Some(7));
        assert_eq!(line("edges[0]"), Some(8));
        assert_eq!(line("edges[0].agent.replicas"), Some(9));
        assert_eq!(line("edges[1].name"), Some(10));
        assert_eq!(positions.get("edges[0].name").map(|p| p.column), Some(3));
        assert_eq!(
            positions.nearest("edges[1].clusterLabel").map(|p| p.line),
            Some(10)
        );
        assert_eq!(
            positions
                .nearest("central.compactor.retention.raw")
                .map(|p| p.line),
            Some(2)
        );
    }

    #[test]
    fn duplicate_keys_in_maps() {
        let yaml = "a:\n  labels:\n    x: 1\n    y: 2\n    x: 3\n";
        let duplicate = Positions::scan(yaml).unwrap_err();
        assert_eq!(duplicate.path, "a.labels.x");
        assert_eq!(duplicate.at, Position { line: 5, column: 5 });
        assert_eq!(duplicate.first.line, 3);
    }

    #[test]
    fn parents() {
        assert_eq!(parent("edges[1].clusterLabel"), "edges[1]");
        assert_eq!(parent("edges[1]"), "edges");
        assert_eq!(parent("domain"), "");
        assert_eq!(parent(""), "");
    }
}
