//! The YAML parser's errors in plain words: what is wrong, where the fix goes, and how
//! to make it. The parser's own words ("mapping values are not allowed in this context")
//! name a grammar rule, not the mistake; the mistakes behind them are few (a tab, an
//! unclosed bracket or quote, a key at the wrong indentation, a `: ` inside a value).

use super::document::{Position, MAX_DEPTH};

/// What the document walk knew when the parser stopped.
pub(crate) struct Context<'a> {
    /// The whole text.
    pub yaml: &'a str,
    /// Where the parser stopped.
    pub at: Position,
    /// The innermost `[...]` or `{...}` still open: where it starts, and whether it is a
    /// mapping.
    pub open_flow: Option<(Position, bool)>,
    /// The innermost indented list or mapping still open, likewise.
    pub block: Option<(Position, bool)>,
}

impl Context<'_> {
    /// Line `line` (1-based) of the text, without its line break.
    fn line(&self, line: usize) -> &str {
        self.yaml
            .lines()
            .nth(line.saturating_sub(1))
            .unwrap_or_default()
    }

    /// The first tab in the indentation of the lines around the error, else in its line.
    fn tab(&self) -> Option<(Position, bool)> {
        let first = self.at.line.saturating_sub(1).max(1);
        for line in first..=self.at.line + 1 {
            let text = self.line(line);
            let indent = text.len() - text.trim_start_matches([' ', '\t']).len();
            if let Some(column) = text[..indent].find('\t') {
                return Some((
                    Position {
                        line,
                        column: column + 1,
                    },
                    true,
                ));
            }
        }
        let column = self.line(self.at.line).find('\t')?;
        Some((
            Position {
                line: self.at.line,
                column: column + 1,
            },
            false,
        ))
    }

    /// The character at a position.
    fn char_at(&self, at: Position) -> Option<char> {
        self.line(at.line).chars().nth(at.column.saturating_sub(1))
    }
}

/// What the explanation says: where to point, what is wrong, how to fix it, and the key
/// it is about when the parser had not read it yet.
pub(crate) struct Explained {
    pub at: Position,
    pub message: String,
    pub hint: String,
    pub key: Option<String>,
}

/// Where to point, what is wrong and how to fix it, for the parser's `info`.
pub(crate) fn scan_error(info: &str, cx: &Context<'_>) -> Explained {
    let (at, message, hint) = explain(info, cx);
    let key = (info.contains("mapping values are not allowed")
        && message.starts_with("the value of `"))
    .then(|| {
        let line = cx.line(at.line);
        let key_end = line.find(": ").unwrap_or_default();
        line[..key_end]
            .trim()
            .trim_start_matches("- ")
            .trim()
            .to_owned()
    })
    .filter(|key| !key.is_empty());
    Explained {
        at,
        message,
        hint,
        key,
    }
}

/// Parser errors whose explanation does not depend on the text, in the order they are
/// looked for: words of the parser's message (any of them), what is wrong, the fix.
const FIXED: &[(&[&str], &str, &str)] = &[
    (
        &["escape", "hexadecimal", "Unicode"],
        "this double-quoted value holds a backslash sequence YAML does not know",
        "write a backslash as \\\\ inside double quotes, or use single quotes",
    ),
    (
        &["trailing content after double-quoted"],
        "text follows the closing quote of this value",
        "put the whole value inside the quotes",
    ),
    (
        &["expected '-' indicator"],
        "this line is indented like the `- ` items of a list, but it is not an item",
        "indent it like the keys of the item above to add it there, or start it with `- ` to make a new item",
    ),
    (
        &["block sequence entries are not allowed"],
        "a `- ` list cannot start on the line of its key",
        "start the list on the next line, indented below the key, or quote the value if the `-` belongs to it",
    ),
    (
        &["unknown anchor"],
        "a value starting with `*` reads as an alias, and no `&anchor` of that name comes before it",
        "put the value in quotes",
    ),
    (
        &["anchor or alias"],
        "`&` and `*` start an anchor or an alias and must be followed by a name",
        "put a value that starts with `&` or `*` in quotes",
    ),
    (
        &["did not find expected node content"],
        "a value is missing here, or starts with a character YAML reserves (such as `]`, `}`, `,`, `|` or `>`)",
        "put the value in quotes",
    ),
    (
        &["directive"],
        "a line starting with `%` reads as a YAML directive",
        "quote the value, or remove the line",
    ),
    (
        &["document end marker"],
        "text follows a `...` line, which ends the document",
        "remove the `...` line",
    ),
    (
        &["cannot start with '-'"],
        "a value cannot start with `-` followed by `,`, `[`, `]`, `{` or `}` unless it is quoted",
        "put the value in quotes",
    ),
];

fn explain(info: &str, cx: &Context<'_>) -> (Position, String, String) {
    let at = cx.at;
    if info.contains("tab") {
        return match cx.tab() {
            Some((tab, true)) => (
                tab,
                "a tab character indents this line".to_owned(),
                "YAML indents with spaces only: replace the tab with spaces".to_owned(),
            ),
            Some((tab, false)) => (
                tab,
                "a tab character where YAML expects a space".to_owned(),
                "replace the tab with spaces, or quote the value that holds it".to_owned(),
            ),
            None => (
                at,
                "a tab character where YAML allows only spaces".to_owned(),
                "replace tabs in the indentation with spaces".to_owned(),
            ),
        };
    }
    if let Some((open, mapping)) = cx.open_flow.filter(|(open, _)| open.line < at.line) {
        let (bracket, close, instead) = if mapping {
            ('{', '}', "`key: value` lines below its key")
        } else {
            ('[', ']', "`- item` lines below its key")
        };
        return (
            open,
            format!(
                "this `{bracket}` is never closed: the parser reached line {} without finding `{close}`",
                at.line
            ),
            format!("close it with `{close}` on the same line, or write it as {instead}"),
        );
    }
    if info.contains("quoted scalar")
        && (info.contains("indentation")
            || info.contains("end of stream")
            || info.contains("document indicator"))
    {
        let quote = cx
            .char_at(at)
            .filter(|c| *c == '"' || *c == '\'')
            .unwrap_or('"');
        return (
            at,
            format!("the value quoted with {quote} here is never closed"),
            format!("end it with a matching {quote} on the same line"),
        );
    }
    let fixed = FIXED
        .iter()
        .find(|(words, _, _)| words.iter().any(|word| info.contains(word)));
    if let Some((_, message, hint)) = fixed {
        return (at, (*message).to_owned(), (*hint).to_owned());
    }
    if info.contains("mapping values are not allowed") {
        let line = cx.line(at.line);
        let before = line
            .char_indices()
            .nth(at.column.saturating_sub(1))
            .map_or(line, |(i, _)| &line[..i]);
        if let Some(key_end) = before.find(": ") {
            let key = before[..key_end]
                .trim()
                .trim_start_matches("- ")
                .trim()
                .escape_debug();
            let value = line[key_end + 2..].trim();
            let joined = value.replace(": ", ":");
            let hint = if joined.contains([' ', '#']) {
                format!(
                    "put the value in quotes: {key}: \"{}\"",
                    value.escape_debug()
                )
            } else {
                // `host: 6443`: most likely a space typed after the colon of `host:port`.
                format!(
                    "write it without the space: {key}: {}, or, if the space belongs to the value, in quotes: {key}: \"{}\"",
                    joined.escape_debug(),
                    value.escape_debug()
                )
            };
            return (
                at,
                format!("the value of `{key}` contains `: `, which YAML reads as the start of another key"),
                hint,
            );
        }
        let indent = line.len() - line.trim_start().len();
        return mistake_above(cx).unwrap_or_else(|| (
            Position {
                line: at.line,
                column: line[..indent].chars().count() + 1,
            },
            "this key is indented more than the keys before it, or the line above it is not a `key: value` line"
                .to_owned(),
            indentation_hint(cx),
        ));
    }
    if info.contains("did not find expected key") {
        return mistake_above(cx).unwrap_or_else(|| {
            (
                at,
                "this line is indented differently from the keys of the mapping it is in"
                    .to_owned(),
                indentation_hint(cx),
            )
        });
    }
    if let Some(found) = info.strip_prefix("unexpected character: `") {
        let found = found.trim_end_matches('\'').escape_debug();
        return (
            at,
            format!("a value cannot start with `{found}` unless it is quoted"),
            "put the value in quotes".to_owned(),
        );
    }
    if info.contains("simple key") {
        return mistake_above(cx).unwrap_or_else(|| {
            (
                at,
                "the line before this one has no `:` after its key".to_owned(),
                "write `key: value`, or indent the line to continue the value above".to_owned(),
            )
        });
    }
    if info.contains("recursion limit") {
        return (
            at,
            format!("nested more than {MAX_DEPTH} levels deep, far deeper than any fleet field"),
            "look for brackets that were meant to close earlier".to_owned(),
        );
    }
    (
        at,
        format!("this is not valid YAML (the parser says: {info})"),
        "check the indentation (spaces only), quotes and brackets of this line and the one before"
            .to_owned(),
    )
}

/// One significant line (not blank, not a comment) of the text.
struct Line<'a> {
    number: usize,
    /// The text after the indentation and a list item's `- `.
    body: &'a str,
    /// Column (0-based) where `body` starts: the key's indentation.
    key_indent: usize,
    item: bool,
}

impl Line<'_> {
    fn has_key(&self) -> bool {
        self.body.contains(": ") || self.body.trim_end().ends_with(':')
    }

    /// `key:` with its value on the lines below.
    fn opens(&self) -> bool {
        self.body.trim_end().ends_with(':')
    }

    fn key(&self) -> &str {
        self.body.split(':').next().unwrap_or_default().trim()
    }
}

impl Context<'_> {
    /// The significant line nearest `from` going up (`up`) or down, `from` excluded.
    fn significant(&self, from: usize, up: bool) -> Option<Line<'_>> {
        let mut number = from;
        let last = self.yaml.lines().count();
        loop {
            number = if up {
                number.checked_sub(1).filter(|n| *n > 0)?
            } else {
                number + 1
            };
            if number > last {
                return None;
            }
            let text = self.line(number);
            let trimmed = text.trim_start_matches(' ');
            if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with("---") {
                continue;
            }
            let (body, item) = match trimmed.strip_prefix("- ") {
                Some(rest) => (rest.trim_start_matches(' '), true),
                None => (trimmed, false),
            };
            return Some(Line {
                number,
                body,
                key_indent: text.len() - body.len(),
                item,
            });
        }
    }
}

/// When the parser stops on a line because of the line above it, that line: a key
/// without its `:` (`name cluster-01-central`), or a key indented more or less than the
/// keys around it, which the parser only notices at the next key.
fn mistake_above(cx: &Context<'_>) -> Option<(Position, String, String)> {
    let here = cx.significant(cx.at.line + 1, true)?;
    let above = cx.significant(here.number, true)?;
    let before = cx.significant(above.number, true);
    let position = |line: &Line<'_>| Position {
        line: line.number,
        column: line.key_indent + 1,
    };
    let plain = !above
        .body
        .starts_with(['"', '\'', '[', '{', '&', '*', '!', '|', '>']);
    if !above.body.contains(':')
        && !above.item
        && plain
        && before
            .as_ref()
            .is_none_or(|b| b.opens() || above.key_indent <= b.key_indent)
    {
        let fixed = above.body.trim_end().replacen(' ', ": ", 1);
        let hint = if fixed.contains(": ") {
            format!("write `{}`", fixed.escape_debug())
        } else {
            format!("write `{}: value`", fixed.escape_debug())
        };
        return Some((
            position(&above),
            "this line has no `:` after its key".to_owned(),
            hint,
        ));
    }
    if !above.has_key()
        || !here.has_key()
        || above.key_indent == here.key_indent
        || (above.opens() && here.key_indent > above.key_indent)
    {
        return None;
    }
    let after = cx.significant(here.number, false);
    let like_after = after
        .as_ref()
        .is_some_and(|a| a.has_key() && a.key_indent == here.key_indent);
    let like_before = before
        .as_ref()
        .is_some_and(|b| !b.opens() && b.has_key() && b.key_indent == here.key_indent);
    if !like_after && !like_before {
        return None;
    }
    let (more, column) = (above.key_indent > here.key_indent, here.key_indent + 1);
    Some((
        position(&above),
        format!(
            "this key is indented {} than the keys around it",
            if more { "more" } else { "less" }
        ),
        format!(
            "indent it to column {column} like `{}` on the line below; spaces only",
            here.key().escape_debug()
        ),
    ))
}

/// How to indent: like the key of the line above it belongs to, or like the keys of
/// the innermost mapping still open.
fn indentation_hint(cx: &Context<'_>) -> String {
    let above = (1..cx.at.line)
        .rev()
        .map(|line| cx.line(line))
        .find(|text| {
            let trimmed = text.trim_start();
            !trimmed.is_empty() && !trimmed.starts_with('#')
        })
        .and_then(|text| {
            let indent = text.len() - text.trim_start().len();
            let item = text[indent..]
                .strip_prefix("- ")
                .map_or(0, |rest| 2 + rest.len() - rest.trim_start().len());
            let key = text[indent + item..].split(':').next()?.trim();
            (!key.is_empty() && text.contains(':')).then(|| (indent + item + 1, key.to_owned()))
        });
    match (above, cx.block) {
        (Some((column, key)), Some((open, true))) if open.column != column => format!(
            "indent it to column {column} like `{}` on the line above, or to column {} like the keys further out; spaces only",
            key.escape_debug(),
            open.column
        ),
        (Some((column, key)), _) => format!(
            "indent it to column {column} like `{}` on the line above, or like a key further out; spaces only",
            key.escape_debug()
        ),
        (None, Some((open, true))) => format!(
            "the keys of this mapping start at column {}: indent the line to that column; spaces only",
            open.column
        ),
        _ => "keys of one mapping start in the same column, indented with spaces only".to_owned(),
    }
}
