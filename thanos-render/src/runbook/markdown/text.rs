//! Inline text: plain words, code spans and strong emphasis, escaped as they are written.

use std::fmt::Write as _;

/// A run of inline content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Span {
    /// Words, every Markdown character in them escaped.
    Plain(String),
    /// A code span: a name, value or command, shown verbatim.
    Code(String),
    /// Strong emphasis of plain words.
    Strong(String),
}

/// A code span, the form every name, value and command takes in running text.
#[must_use]
pub fn code(text: impl Into<String>) -> Text {
    Text::new().code(text)
}

/// Plain words.
#[must_use]
pub fn plain(text: impl Into<String>) -> Text {
    Text::new().plain(text)
}

/// Code spans separated by `separator` (plain), such as a list of names.
#[must_use]
pub fn codes<S: Into<String>>(items: impl IntoIterator<Item = S>, separator: &str) -> Text {
    let mut text = Text::new();
    for (index, item) in items.into_iter().enumerate() {
        if index > 0 {
            text = text.plain(separator);
        }
        text = text.code(item);
    }
    text
}

/// One line of inline content: a paragraph, a list item, a heading or a table cell.
/// Line breaks inside are written as spaces, so one `Text` never becomes two blocks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text {
    spans: Vec<Span>,
}

/// Where a text is written; a table cell escapes `|` inside code spans too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Context {
    /// A paragraph, list item or heading.
    Block,
    /// A table cell.
    Cell,
}

impl Text {
    /// An empty text.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a span.
    #[must_use]
    pub fn span(mut self, span: Span) -> Self {
        self.spans.push(span);
        self
    }

    /// Appends plain words.
    #[must_use]
    pub fn plain(self, text: impl Into<String>) -> Self {
        self.span(Span::Plain(text.into()))
    }

    /// Appends a code span.
    #[must_use]
    pub fn code(self, text: impl Into<String>) -> Self {
        self.span(Span::Code(text.into()))
    }

    /// Appends strongly emphasised words.
    #[must_use]
    pub fn strong(self, text: impl Into<String>) -> Self {
        self.span(Span::Strong(text.into()))
    }

    /// Appends another text.
    #[must_use]
    pub fn append(mut self, other: Text) -> Self {
        self.spans.extend(other.spans);
        self
    }

    /// Text from a template of this crate's own wording: `` `x` `` is a code span and
    /// `**x**` strong emphasis of the literal `x`, `{}` takes the next of `args` and `{N}`
    /// the `N`th (0-based, one digit), so a translation may order them differently; all
    /// else is plain. Values never go into the template itself, only into `args`, so a
    /// value is escaped or quoted by its spans, whatever characters it holds.
    #[must_use]
    pub fn template(template: &str, args: impl IntoIterator<Item = Text>) -> Self {
        let args: Vec<Text> = args.into_iter().collect();
        let mut text = Self::new();
        let mut plain = String::new();
        let mut next = 0;
        let mut rest = template;
        while let Some(at) = rest.find(['`', '*', '{']) {
            plain.push_str(&rest[..at]);
            let tail = &rest[at..];
            let (spans, used) = if let Some(inner) = tail.strip_prefix('`') {
                match inner.find('`') {
                    Some(end) => (Some(code(&inner[..end])), end + 2),
                    None => (None, 1),
                }
            } else if let Some(inner) = tail.strip_prefix("**") {
                match inner.find("**") {
                    Some(end) => (Some(Text::new().strong(&inner[..end])), end + 4),
                    None => (None, 2),
                }
            } else if tail.starts_with("{}") {
                next += 1;
                (args.get(next - 1).cloned(), 2)
            } else if let Some(index) = index_placeholder(tail) {
                (args.get(index).cloned(), 3)
            } else {
                (None, 1)
            };
            match spans {
                Some(spans) => {
                    if !plain.is_empty() {
                        text.spans.push(Span::Plain(std::mem::take(&mut plain)));
                    }
                    text.spans.extend(spans.spans);
                }
                None => plain.push_str(&tail[..used]),
            }
            rest = &tail[used..];
        }
        plain.push_str(rest);
        if !plain.is_empty() {
            text.spans.push(Span::Plain(plain));
        }
        text
    }

    /// Whether the text has no content.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.spans.iter().all(|span| match span {
            Span::Plain(s) | Span::Code(s) | Span::Strong(s) => s.is_empty(),
        })
    }

    /// The Markdown of the text in `context`.
    pub(crate) fn render(&self, context: Context) -> String {
        let mut out = String::new();
        for span in &self.spans {
            match span {
                Span::Plain(words) => out.push_str(&escape(words)),
                Span::Strong(words) if !words.is_empty() => {
                    let _ = write!(out, "**{}**", escape(words));
                }
                Span::Strong(_) => {}
                Span::Code(text) => out.push_str(&code_span(text, context)),
            }
        }
        out
    }
}

impl From<&str> for Text {
    fn from(words: &str) -> Self {
        Self::new().plain(words)
    }
}

impl From<String> for Text {
    fn from(words: String) -> Self {
        Self::new().plain(words)
    }
}

impl From<Span> for Text {
    fn from(span: Span) -> Self {
        Self::new().span(span)
    }
}

impl FromIterator<Text> for Text {
    fn from_iter<I: IntoIterator<Item = Text>>(texts: I) -> Self {
        texts.into_iter().fold(Self::new(), Self::append)
    }
}

/// The `N` of a template's `{N}` at the start of `tail`.
fn index_placeholder(tail: &str) -> Option<usize> {
    match tail.as_bytes() {
        [b'{', digit, b'}', ..] if digit.is_ascii_digit() => Some(usize::from(digit - b'0')),
        _ => None,
    }
}

/// Plain words with every character that could start inline Markdown escaped, and line
/// breaks as spaces.
fn escape(words: &str) -> String {
    let mut out = String::with_capacity(words.len());
    for c in words.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '&' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// A code span: fenced by one backtick more than the longest run inside, padded with a
/// space where the content would touch the fence, `|` escaped inside a table cell (GitHub
/// Flavored Markdown splits cells on it even inside code).
fn code_span(text: &str, context: Context) -> String {
    let mut text = text.replace(['\n', '\r'], " ");
    if context == Context::Cell {
        text = text.replace('|', "\\|");
    }
    let fence = "`".repeat(longest_run(&text, '`') + 1);
    let pad = text.starts_with('`')
        || text.ends_with('`')
        || (text.starts_with(' ') && text.ends_with(' ') && !text.trim().is_empty());
    let pad = if pad { " " } else { "" };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// The longest run of `c` in `text`.
pub(crate) fn longest_run(text: &str, c: char) -> usize {
    let mut longest = 0;
    let mut current = 0;
    for ch in text.chars() {
        if ch == c {
            current += 1;
            longest = longest.max(current);
        } else {
            current = 0;
        }
    }
    longest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_make_code_and_strong_spans_and_take_arguments_by_position() {
        let text = Text::template(
            "Run `kubectl` on {} then {0}, **carefully**: {}, {9}.",
            [code("a|b"), plain("x_y")],
        );
        assert_eq!(
            text,
            Text::new()
                .plain("Run ")
                .code("kubectl")
                .plain(" on ")
                .code("a|b")
                .plain(" then ")
                .code("a|b")
                .plain(", ")
                .strong("carefully")
                .plain(": ")
                .plain("x_y")
                .plain(", {9}.")
        );
        assert_eq!(
            text.render(Context::Block),
            "Run `kubectl` on `a|b` then `a|b`, **carefully**: x\\_y, {9}."
        );
        assert_eq!(
            Text::template("{}", [code("a|b")]).render(Context::Cell),
            "`a\\|b`"
        );
        assert_eq!(
            Text::template("in {}.", [codes(["a", "b"], ", ")]).render(Context::Block),
            "in `a`, `b`."
        );
        // Unclosed marks stay plain, escaped.
        assert_eq!(
            Text::template("a ` b * c { d", []).render(Context::Block),
            "a \\` b \\* c { d"
        );
    }

    #[test]
    fn plain_words_cannot_start_markup() {
        let text = Text::from("a *b* _c_ [d](e) <f> `g` h|i & ~j~ \\\nk");
        assert_eq!(
            text.render(Context::Block),
            "a \\*b\\* \\_c\\_ \\[d\\](e) \\<f\\> \\`g\\` h\\|i \\& \\~j\\~ \\\\ k"
        );
    }

    #[test]
    fn code_spans_hold_any_backticks() {
        let render = |s: &str| Text::new().code(s).render(Context::Block);
        assert_eq!(render("plain"), "`plain`");
        assert_eq!(render("a`b"), "``a`b``");
        assert_eq!(render("`a``"), "``` `a`` ```");
        assert_eq!(render("two\nlines"), "`two lines`");
        assert_eq!(longest_run("a```b``", '`'), 3);
    }
}
