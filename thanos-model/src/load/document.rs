//! A YAML document read into a compact tree, in one pass over the parser's events.
//!
//! Every node is a fixed-size record holding its position; scalar texts sit in one
//! string, children in one index list, so memory is a small multiple of the file and no
//! field path is built unless an error needs one. The walk refuses, with a position and
//! the path of the enclosing key: nesting deeper than [`MAX_DEPTH`], a key that occurs
//! twice in one mapping, a key that is not a plain scalar, YAML tags, aliases that
//! repeat more than the file holds, and a second document.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span, Tag};

use super::{explain, path, SyntaxError};

/// Deepest nesting of mappings and lists accepted. The deepest field of a fleet
/// (`central.prometheus.sidecar.resources.cpuLimit`) is 5 levels down; anything far
/// deeper is not a fleet, and refusing it early keeps loading linear.
pub(crate) const MAX_DEPTH: usize = 32;

/// Levels of a path shown in an error about nesting.
const SHOWN_LEVELS: usize = 6;

/// Nodes aliases may repeat beyond those the file holds (`*anchor` reuses a node
/// without copying it; this bounds the work of reading the repeats).
const ALIAS_ALLOWANCE: u64 = 100_000;

/// A position in the file, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Position {
    /// Line, 1-based.
    pub line: usize,
    /// Column, 1-based.
    pub column: usize,
}

/// What a node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A plain scalar, resolved by the YAML 1.2 core schema (null, bool, number, string).
    Plain,
    /// A quoted or block scalar, or one tagged `!!str`: always a string.
    Text,
    /// A list; its children are the items.
    Sequence,
    /// A mapping; its children alternate key and value, every key a scalar.
    Mapping,
}

/// One node: 16 bytes whatever its content.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Node {
    line: u32,
    column: u32,
    /// Scalars: offset of the text in [`Document::text`]; collections: of the first child
    /// in [`Document::children`].
    start: u32,
    /// The kind in the top two bits; bytes of text, or number of children, below.
    kind_len: u32,
}

/// The bits of [`Node::kind_len`] that hold the length.
const LEN_BITS: u32 = (1 << 30) - 1;

impl Node {
    fn new(at: Position, kind: Kind, start: u32, len: usize) -> Result<Self, Refusal> {
        let len = narrow(len)?;
        if len > LEN_BITS {
            return Err(Refusal {
                at,
                message: "this value is too large to be part of a fleet (a gigabyte or more)"
                    .to_owned(),
                hint: "a fleet file is a few megabytes at most".to_owned(),
            });
        }
        let tag = match kind {
            Kind::Plain => 0,
            Kind::Text => 1,
            Kind::Sequence => 2,
            Kind::Mapping => 3,
        };
        Ok(Self {
            line: narrow(at.line)?,
            column: narrow(at.column)?,
            start,
            kind_len: tag << 30 | len,
        })
    }

    pub fn kind(&self) -> Kind {
        match self.kind_len >> 30 {
            0 => Kind::Plain,
            1 => Kind::Text,
            2 => Kind::Sequence,
            _ => Kind::Mapping,
        }
    }

    fn len(&self) -> u32 {
        self.kind_len & LEN_BITS
    }

    pub fn position(&self) -> Position {
        Position {
            line: self.line as usize,
            column: self.column as usize,
        }
    }
}

/// Index of a node in its document.
pub(crate) type NodeId = u32;

/// One YAML document; `root` is `None` when the file holds none (empty, comments only,
/// or a lone `null`).
#[derive(Debug, Default)]
pub(crate) struct Document {
    text: String,
    nodes: Vec<Node>,
    children: Vec<NodeId>,
    root: Option<NodeId>,
}

impl Document {
    /// Reads the first and only document of `yaml`.
    pub fn parse(yaml: &str) -> Result<Self, SyntaxError> {
        let mut builder = Builder::default();
        // The texts never outgrow the file; a node takes some 10 bytes of it. Reserved
        // memory that is never written is never paged in, and reserving spares the copies
        // of growing.
        builder.document.text.reserve(yaml.len());
        builder.document.nodes.reserve(yaml.len() / 10);
        builder.document.children.reserve(yaml.len() / 10);
        let mut documents = 0;
        for event in Parser::new_from_str(yaml) {
            let (event, span) = match event {
                Ok(event) => event,
                Err(error) => return Err(builder.scan_error(yaml, &error)),
            };
            let done = match event {
                Event::DocumentStart(_) => {
                    documents += 1;
                    if documents > 1 {
                        return Err(SyntaxError {
                            line: Some(span.start.line()),
                            column: Some(span.start.col() + 1),
                            path: None,
                            message: "a second YAML document starts here: a fleet file holds one"
                                .to_owned(),
                            hint: "remove the `---` line and merge the two parts, or keep each fleet in a file of its own".to_owned(),
                        });
                    }
                    Ok(())
                }
                Event::Scalar(value, style, anchor, tag) => {
                    builder.scalar(&value, style, anchor, tag.as_deref(), span)
                }
                Event::Alias(anchor) => builder.alias(anchor, span),
                Event::MappingStart(anchor, tag) => core_tag(tag.as_deref(), &["map"], span)
                    .and_then(|_| builder.start(Kind::Mapping, anchor, span)),
                Event::SequenceStart(anchor, tag) => core_tag(tag.as_deref(), &["seq"], span)
                    .and_then(|_| builder.start(Kind::Sequence, anchor, span)),
                Event::MappingEnd | Event::SequenceEnd => builder.end(),
                Event::StreamEnd => break,
                Event::StreamStart | Event::DocumentEnd | Event::Nothing => Ok(()),
            };
            done.map_err(|refusal| builder.refuse(refusal))?;
        }
        if let Some(duplicate) = builder.duplicate.take() {
            return Err(duplicate);
        }
        let mut document = builder.document;
        if document.root.is_some_and(|root| document.is_null(root)) {
            document.root = None;
        }
        Ok(document)
    }

    pub fn root(&self) -> Option<NodeId> {
        self.root
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id as usize]
    }

    /// The text of a scalar (empty for collections).
    pub fn text(&self, id: NodeId) -> &str {
        let node = self.node(id);
        match node.kind() {
            Kind::Plain | Kind::Text => {
                &self.text[node.start as usize..(node.start + node.len()) as usize]
            }
            Kind::Sequence | Kind::Mapping => "",
        }
    }

    /// The items of a list, or the keys and values of a mapping, alternating.
    pub fn children(&self, id: NodeId) -> &[NodeId] {
        let node = self.node(id);
        match node.kind() {
            Kind::Sequence | Kind::Mapping => {
                &self.children[node.start as usize..(node.start + node.len()) as usize]
            }
            Kind::Plain | Kind::Text => &[],
        }
    }

    /// A plain `null`, `~` or empty scalar.
    pub fn is_null(&self, id: NodeId) -> bool {
        self.node(id).kind() == Kind::Plain && is_null_text(self.text(id))
    }

    /// The value of `key` in a mapping node.
    pub fn get(&self, mapping: NodeId, key: &str) -> Option<(NodeId, NodeId)> {
        if self.node(mapping).kind() != Kind::Mapping {
            return None;
        }
        self.children(mapping)
            .chunks_exact(2)
            .find(|pair| self.text(pair[0]) == key)
            .map(|pair| (pair[0], pair[1]))
    }

    /// The position of the field at `path` (`edges[1].agent.replicas`: the position of
    /// its key) or, when the file does not hold it, of its nearest ancestor it holds.
    pub fn nearest(&self, path: &str, index: &mut KeyIndex) -> Option<Position> {
        let root = self.root?;
        let mut node = root;
        let mut at = self.node(root).position();
        let mut rest = path;
        while !rest.is_empty() {
            match self.node(node).kind() {
                Kind::Sequence => {
                    let Some(close) = rest.strip_prefix('[').and_then(|r| r.find(']')) else {
                        break;
                    };
                    let Some(&item) = rest[1..=close]
                        .parse::<usize>()
                        .ok()
                        .and_then(|i| self.children(node).get(i))
                    else {
                        break;
                    };
                    node = item;
                    at = self.node(item).position();
                    rest = rest[close + 2..].trim_start_matches('.');
                }
                Kind::Mapping => {
                    let Some((key, value, taken)) = index.find(self, node, rest) else {
                        break;
                    };
                    node = value;
                    at = self.node(key).position();
                    rest = rest[taken..].trim_start_matches('.');
                }
                Kind::Plain | Kind::Text => break,
            }
        }
        Some(at)
    }
}

/// Lookup tables of the large mappings `nearest` has searched, so that many diagnostics
/// in one large mapping (`receive.labels`) stay linear.
#[derive(Debug, Default)]
pub(crate) struct KeyIndex {
    tables: HashMap<NodeId, HashMap<String, (NodeId, NodeId)>>,
}

/// Mappings with more entries than this get a lookup table.
const INDEXED_MAPPING: usize = 32;

impl KeyIndex {
    /// The entry of `mapping` whose key starts `path` (followed by `.`, `[` or the end),
    /// the longest such key, with the length of `path` it takes.
    fn find(
        &mut self,
        document: &Document,
        mapping: NodeId,
        path: &str,
    ) -> Option<(NodeId, NodeId, usize)> {
        let pairs = document.children(mapping);
        let ends = path
            .char_indices()
            .filter(|&(_, c)| c == '.' || c == '[')
            .map(|(i, _)| i)
            .chain([path.len()]);
        if pairs.len() / 2 > INDEXED_MAPPING {
            let table = self.tables.entry(mapping).or_insert_with(|| {
                let mut table = HashMap::new();
                for pair in pairs.chunks_exact(2) {
                    table
                        .entry(document.text(pair[0]).to_owned())
                        .or_insert((pair[0], pair[1]));
                }
                table
            });
            ends.rev()
                .find_map(|end| table.get(&path[..end]).map(|&(k, v)| (k, v, end)))
        } else {
            ends.rev().find_map(|end| {
                document
                    .get(mapping, &path[..end])
                    .map(|(key, value)| (key, value, end))
            })
        }
    }
}

/// A plain scalar the core schema reads as null.
pub(crate) fn is_null_text(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

/// Why the walk stopped, before the enclosing path is added.
struct Refusal {
    at: Position,
    message: String,
    hint: String,
}

/// A list or mapping being read.
struct Frame {
    kind: Kind,
    at: Position,
    /// Opened with `[` or `{`.
    flow: bool,
    anchor: usize,
    /// Where its children start in [`Builder::pending`].
    first: usize,
    /// Nodes it stands for once aliases are expanded, itself included.
    expanded: u64,
    /// Levels of nesting below it, aliases expanded.
    height: usize,
}

/// The name of a core-schema tag (`str`, `map`, ...) when it is one of `allowed`, `None`
/// without a tag; any other tag is refused.
fn core_tag<'t>(
    tag: Option<&'t Tag>,
    allowed: &[&str],
    span: Span,
) -> Result<Option<&'t str>, Refusal> {
    let Some(tag) = tag else {
        return Ok(None);
    };
    if tag.is_yaml_core_schema() && allowed.contains(&tag.suffix.as_str()) {
        Ok(Some(tag.suffix.as_str()))
    } else {
        Err(unsupported_tag(tag, position(span)))
    }
}

/// What an anchor names: the node, and its size and height once aliases are expanded.
#[derive(Clone, Copy)]
struct Anchor {
    node: NodeId,
    expanded: u64,
    height: usize,
}

#[derive(Default)]
struct Builder {
    document: Document,
    frames: Vec<Frame>,
    /// Children of the open frames, innermost last.
    pending: Vec<NodeId>,
    anchors: HashMap<usize, Anchor>,
    /// The earliest key found twice in one mapping.
    duplicate: Option<SyntaxError>,
}

fn position(span: Span) -> Position {
    Position {
        line: span.start.line(),
        column: span.start.col() + 1,
    }
}

fn narrow(value: usize) -> Result<u32, Refusal> {
    u32::try_from(value).map_err(|_| Refusal {
        at: Position { line: 0, column: 0 },
        message: "the file is too large to be a fleet (4 GiB or more of text)".to_owned(),
        hint: "a fleet file is a few megabytes at most".to_owned(),
    })
}

impl Builder {
    /// Whether the next node of the innermost frame is a mapping key.
    fn expects_key(&self) -> bool {
        self.frames
            .last()
            .is_some_and(|f| f.kind == Kind::Mapping && (self.pending.len() - f.first) % 2 == 0)
    }

    fn push_node(&mut self, node: Node) -> Result<NodeId, Refusal> {
        let id = narrow(self.document.nodes.len())?;
        self.document.nodes.push(node);
        Ok(id)
    }

    /// Files a finished node under the innermost frame, or as the root.
    fn attach(&mut self, id: NodeId, expanded: u64, height: usize) {
        match self.frames.last_mut() {
            Some(frame) => {
                frame.expanded = frame.expanded.saturating_add(expanded);
                frame.height = frame.height.max(height + 1);
                self.pending.push(id);
            }
            None => self.document.root = Some(id),
        }
    }

    fn scalar(
        &mut self,
        value: &str,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        span: Span,
    ) -> Result<(), Refusal> {
        let at = position(span);
        let tag = core_tag(tag, &["str", "null", "bool", "int", "float"], span)?;
        let kind = if style == ScalarStyle::Plain && tag != Some("str") {
            Kind::Plain
        } else {
            Kind::Text
        };
        let start = narrow(self.document.text.len())?;
        self.document.text.push_str(value);
        let id = self.push_node(Node::new(at, kind, start, value.len())?)?;
        if anchor != 0 {
            self.anchors.insert(
                anchor,
                Anchor {
                    node: id,
                    expanded: 1,
                    height: 0,
                },
            );
        }
        self.attach(id, 1, 0);
        Ok(())
    }

    fn alias(&mut self, anchor: usize, span: Span) -> Result<(), Refusal> {
        let at = position(span);
        let Some(&Anchor {
            node,
            expanded,
            height,
        }) = self.anchors.get(&anchor)
        else {
            // The parser refuses unknown anchors itself.
            return Err(Refusal {
                at,
                message: "this alias names no anchor defined before it".to_owned(),
                hint: "define `&name` before using `*name`, or quote a value that starts with '*'"
                    .to_owned(),
            });
        };
        if self.expects_key() {
            return Err(complex_key(at));
        }
        if self.frames.len() + height > MAX_DEPTH {
            return Err(too_deep(at));
        }
        self.attach(node, expanded, height);
        Ok(())
    }

    /// A mapping or list starts (its tag was checked).
    fn start(&mut self, kind: Kind, anchor: usize, span: Span) -> Result<(), Refusal> {
        let at = position(span);
        if self.expects_key() {
            return Err(complex_key(at));
        }
        if self.frames.len() >= MAX_DEPTH {
            return Err(too_deep(at));
        }
        // A flow collection's event starts at its bracket.
        let flow = span.end.index() > span.start.index();
        self.frames.push(Frame {
            kind,
            at,
            flow,
            anchor,
            first: self.pending.len(),
            expanded: 1,
            height: 0,
        });
        Ok(())
    }

    fn end(&mut self) -> Result<(), Refusal> {
        if self.frames.last().is_some_and(|f| f.kind == Kind::Mapping) {
            self.check_duplicates();
        }
        let Some(frame) = self.frames.pop() else {
            return Ok(());
        };
        let start = narrow(self.document.children.len())?;
        let node = Node::new(
            frame.at,
            frame.kind,
            start,
            self.pending.len() - frame.first,
        )?;
        self.document
            .children
            .extend(self.pending.drain(frame.first..));
        let id = self.push_node(node)?;
        let limit = (self.document.nodes.len() as u64).saturating_add(ALIAS_ALLOWANCE);
        if frame.expanded > limit {
            return Err(Refusal {
                at: frame.at,
                message: format!(
                    "aliases here repeat {} nodes, far more than the file holds",
                    frame.expanded
                ),
                hint: "a fleet never needs this: write the values out, or alias a node fewer times"
                    .to_owned(),
            });
        }
        if frame.anchor != 0 {
            self.anchors.insert(
                frame.anchor,
                Anchor {
                    node: id,
                    expanded: frame.expanded,
                    height: frame.height,
                },
            );
        }
        self.attach(id, frame.expanded, frame.height);
        Ok(())
    }

    /// Records the earliest key that occurs twice in the innermost mapping, which is
    /// being closed.
    fn check_duplicates(&mut self) {
        let first = self.frames.last().map_or(0, |f| f.first);
        let keys: Vec<NodeId> = self.pending[first..].iter().step_by(2).copied().collect();
        let document = &self.document;
        let mut found: Option<(NodeId, NodeId)> = None;
        let mut consider = |first: NodeId, second: NodeId| {
            if found.is_none_or(|(_, earliest)| second < earliest) {
                found = Some((first, second));
            }
        };
        if keys.len() <= 8 {
            for (i, &a) in keys.iter().enumerate() {
                if let Some(&b) = keys[i + 1..]
                    .iter()
                    .find(|&&b| document.text(a) == document.text(b))
                {
                    consider(a, b);
                }
            }
        } else {
            let mut sorted = keys.clone();
            sorted.sort_by(|&a, &b| document.text(a).cmp(document.text(b)).then(a.cmp(&b)));
            for pair in sorted.windows(2) {
                if document.text(pair[0]) == document.text(pair[1]) {
                    consider(pair[0], pair[1]);
                }
            }
        }
        let Some((first, second)) = found else { return };
        let key = document.text(second).to_owned();
        let at = document.node(second).position();
        if self
            .duplicate
            .as_ref()
            .is_some_and(|d| d.line < Some(at.line))
        {
            return;
        }
        let parent = self.frame_path(self.frames.len());
        self.duplicate = Some(SyntaxError {
            line: Some(at.line),
            column: Some(at.column),
            path: Some(path::child(&parent, &key)),
            message: format!(
                "duplicate key `{}` (first at line {})",
                key.escape_debug(),
                document.node(first).position().line
            ),
            hint: "a key occurs once in a mapping: remove one of the two, or merge them".to_owned(),
        });
    }

    /// The field path of the first `depth` open frames (the root is depth 1).
    fn frame_path(&self, depth: usize) -> String {
        let mut out = String::new();
        for level in 1..depth.min(self.frames.len()) {
            let parent = &self.frames[level - 1];
            let next = &self.frames[level];
            let items = &self.pending[parent.first..next.first];
            out = match parent.kind {
                Kind::Mapping => match items.len() {
                    n if n % 2 == 1 => path::child(&out, self.document.text(items[n - 1])),
                    _ => out,
                },
                _ => path::index(&out, items.len()),
            };
        }
        out
    }

    /// The path of the innermost key being read when something went wrong on `line`: the
    /// open frames and, in a mapping whose key has been read on that line, the key.
    fn enclosing_path(&self, line: usize) -> String {
        let mut out = self.frame_path(self.frames.len());
        if let Some(frame) = self.frames.last() {
            let items = &self.pending[frame.first..];
            match frame.kind {
                Kind::Mapping if items.len() % 2 == 1 => {
                    let key = items[items.len() - 1];
                    if self.document.node(key).position().line == line {
                        out = path::child(&out, self.document.text(key));
                    }
                }
                Kind::Sequence if !frame.flow && !items.is_empty() => {
                    out = path::index(&out, items.len() - 1);
                }
                _ => {}
            }
        }
        out
    }

    fn refuse(&self, refusal: Refusal) -> SyntaxError {
        let mut path = self.enclosing_path(refusal.at.line);
        // Deep nesting: the field it starts in, not every level.
        if let Some(cut) = path.match_indices(['.', '[']).nth(SHOWN_LEVELS) {
            path.truncate(cut.0);
            path.push_str("...");
        }
        SyntaxError {
            line: Some(refusal.at.line).filter(|&l| l > 0),
            column: Some(refusal.at.column).filter(|&c| c > 0),
            path: Some(path).filter(|p| !p.is_empty()),
            message: refusal.message,
            hint: refusal.hint,
        }
    }

    /// The parser's error in plain words, with the path of the enclosing key.
    fn scan_error(&self, yaml: &str, error: &ScanError) -> SyntaxError {
        let at = Position {
            line: error.marker().line(),
            column: error.marker().col() + 1,
        };
        let flow = self.frames.iter().rposition(|f| f.flow);
        let block = self.frames.iter().rev().find(|f| !f.flow);
        let context = explain::Context {
            yaml,
            at,
            open_flow: flow.map(|i| (self.frames[i].at, self.frames[i].kind == Kind::Mapping)),
            block: block.map(|f| (f.at, f.kind == Kind::Mapping)),
        };
        let explained = explain::scan_error(error.info(), &context);
        // An unclosed bracket: the field it is the value of.
        let mut path = match flow {
            Some(i) if explained.at == self.frames[i].at => self.frame_path(i + 1),
            _ => self.enclosing_path(explained.at.line),
        };
        if let Some(key) = explained.key {
            let child = path::child(&path, &key);
            if !path.ends_with(&*path::key_segment(&key)) {
                path = child;
            }
        }
        SyntaxError {
            line: Some(explained.at.line),
            column: Some(explained.at.column),
            path: Some(path).filter(|p| !p.is_empty()),
            message: explained.message,
            hint: explained.hint,
        }
    }
}

fn too_deep(at: Position) -> Refusal {
    Refusal {
        at,
        message: format!(
            "nested more than {MAX_DEPTH} levels deep, far deeper than any fleet field"
        ),
        hint: "look for brackets or `- ` items that were meant to close or end earlier".to_owned(),
    }
}

fn complex_key(at: Position) -> Refusal {
    Refusal {
        at,
        message: "a key must be a plain name, not a list, a mapping or an alias".to_owned(),
        hint: "write `name: value`; a list or mapping goes after the colon".to_owned(),
    }
}

fn unsupported_tag(tag: &Tag, at: Position) -> Refusal {
    Refusal {
        at,
        message: format!(
            "the YAML tag `{}` has no meaning in a fleet file",
            tag.to_string().escape_debug()
        ),
        hint: "remove the tag; quote the value to make it a string".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(yaml: &str) -> Document {
        Document::parse(yaml).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn nodes_keep_their_text_kind_and_position() {
        let document = parse("a: 1\nb:\n  - 'x'\n  - {c: d}\n");
        let root = document.root().unwrap();
        assert_eq!(document.node(root).kind(), Kind::Mapping);
        let (key, one) = document.get(root, "a").unwrap();
        assert_eq!(
            document.node(key).position(),
            Position { line: 1, column: 1 }
        );
        assert_eq!(
            (document.text(one), document.node(one).kind()),
            ("1", Kind::Plain)
        );
        let (_, list) = document.get(root, "b").unwrap();
        let items = document.children(list);
        assert_eq!(items.len(), 2);
        assert_eq!(document.node(items[0]).kind(), Kind::Text);
        assert_eq!(
            document.node(items[1]).position(),
            Position { line: 4, column: 5 }
        );
    }

    #[test]
    fn nearest_finds_keys_items_and_ancestors() {
        let document = parse("a:\n  labels:\n    x.y: 1\nedges:\n- name: e\n  agent: {}\n");
        let mut index = KeyIndex::default();
        let line = |path: &str, index: &mut KeyIndex| document.nearest(path, index).unwrap().line;
        assert_eq!(line("a.labels.x.y", &mut index), 3);
        assert_eq!(line("edges[0]", &mut index), 5);
        assert_eq!(line("edges[0].agent.queue.capacity", &mut index), 6);
        assert_eq!(line("edges[3].name", &mut index), 4);
        assert_eq!(line("nothing", &mut index), 1);
    }

    #[test]
    fn large_mappings_are_searched_through_an_index() {
        let yaml: String = (0..100).map(|i| format!("k{i}: {i}\n")).collect();
        let document = parse(&yaml);
        let mut index = KeyIndex::default();
        assert_eq!(document.nearest("k57", &mut index).unwrap().line, 58);
        assert_eq!(index.tables.len(), 1);
    }

    #[test]
    fn a_lone_null_is_no_document() {
        for yaml in ["", "# only a comment\n", "~\n", "---\n", "null\n"] {
            assert!(parse(yaml).root().is_none(), "{yaml:?}");
        }
    }

    #[test]
    fn aliases_reuse_the_anchored_node() {
        let document = parse("a: &x {b: 1}\nc: *x\n");
        let root = document.root().unwrap();
        assert_eq!(
            document.get(root, "a").unwrap().1,
            document.get(root, "c").unwrap().1
        );
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n".to_owned();
        for level in 1..8 {
            let previous = format!("*a{}", level - 1);
            let items = [previous.as_str(); 10].join(", ");
            yaml.push_str(&format!("a{level}: &a{level} [{items}]\n"));
        }
        let error = Document::parse(&yaml).unwrap_err();
        assert!(error.message.contains("aliases here repeat"), "{error}");
    }

    #[test]
    fn depth_is_limited() {
        let deep = format!("a: {}{}\n", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        let error = Document::parse(&deep).unwrap_err();
        assert!(error.message.contains("nested more than"), "{error}");
        let fine = format!(
            "a: {}{}\n",
            "[".repeat(MAX_DEPTH - 1),
            "]".repeat(MAX_DEPTH - 1)
        );
        parse(&fine);
    }

    #[test]
    fn duplicate_keys_name_the_earliest_repeat() {
        let error = Document::parse("a:\n  x: 1\n  y: 2\n  x: 3\nb: 1\nb: 2\n").unwrap_err();
        assert_eq!(error.path.as_deref(), Some("a.x"));
        assert_eq!((error.line, error.column), (Some(4), Some(3)));
        assert_eq!(error.message, "duplicate key `x` (first at line 2)");
        let many: String = (0..20).map(|i| format!("k{i}: 1\n")).collect();
        let error = Document::parse(&format!("{many}k3: 2\n")).unwrap_err();
        assert_eq!(error.path.as_deref(), Some("k3"));
        assert_eq!(error.line, Some(21));
    }

    #[test]
    fn tags_and_complex_keys_are_refused() {
        assert!(Document::parse("a: !custom x\n").is_err());
        assert!(Document::parse("? [a]\n: x\n").is_err());
        let document = parse("a: !!str 1\n");
        let (_, value) = document.get(document.root().unwrap(), "a").unwrap();
        assert_eq!(document.node(value).kind(), Kind::Text);
    }
}
