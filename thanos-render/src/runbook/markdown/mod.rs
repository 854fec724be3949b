//! A small typed Markdown document: headings, paragraphs, bullet and numbered lists,
//! tables and fenced code blocks, written as CommonMark (tables as GitHub Flavored
//! Markdown) the same way every time.
//!
//! Structure is typed and text is escaped as it is written, so no value a fleet holds can
//! turn into markup: a name with `*` or `|` in it stays a name, a command with backticks
//! gets a longer fence.
//!
//! ```
//! use thanos_render::runbook::markdown::{Block, CodeBlock, Document, Table, Text};
//!
//! let mut document = Document::new();
//! document.push(Block::heading(1, "Runbook"));
//! document.push(Block::paragraph(Text::new().plain("Apply with ").code("kubectl")));
//! document.push(Table::new(["cluster".into(), "role".into()]).row(["c1".into(), "central".into()]));
//! document.push(CodeBlock::new("sh", "kubectl version --client\n"));
//! assert_eq!(
//!     document.to_markdown(),
//!     "# Runbook\n\nApply with `kubectl`\n\n| cluster | role |\n| --- | --- |\n| c1 | central |\n\n```sh\nkubectl version --client\n```\n"
//! );
//! ```

mod table;
mod text;

pub use table::{AnyTable, Table};
pub use text::{code, codes, plain, Span, Text};

use text::{longest_run, Context};

/// A block of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// `#` to `######`: a heading of `level` 1 to 6.
    Heading {
        /// 1 (the title) to 6.
        level: u8,
        /// The heading's text.
        text: Text,
    },
    /// A paragraph: one line of text.
    Paragraph(Text),
    /// `- item` lines.
    BulletList(Vec<Text>),
    /// `1. item` lines, numbered from 1.
    NumberedList(Vec<Text>),
    /// A table.
    Table(AnyTable),
    /// A fenced code block.
    Code(CodeBlock),
}

impl Block {
    /// A heading; `level` is clamped to 1..=6.
    #[must_use]
    pub fn heading(level: u8, text: impl Into<Text>) -> Self {
        Self::Heading {
            level: level.clamp(1, 6),
            text: text.into(),
        }
    }

    /// A paragraph.
    #[must_use]
    pub fn paragraph(text: impl Into<Text>) -> Self {
        Self::Paragraph(text.into())
    }

    /// A bullet list.
    #[must_use]
    pub fn bullets(items: impl IntoIterator<Item = Text>) -> Self {
        Self::BulletList(items.into_iter().collect())
    }

    /// A numbered list.
    #[must_use]
    pub fn numbered(items: impl IntoIterator<Item = Text>) -> Self {
        Self::NumberedList(items.into_iter().collect())
    }

    /// The block's Markdown, ending with a newline.
    fn render(&self) -> String {
        match self {
            Self::Heading { level, text } => {
                format!(
                    "{} {}\n",
                    "#".repeat(usize::from((*level).clamp(1, 6))),
                    text.render(Context::Block)
                )
            }
            Self::Paragraph(text) => format!("{}\n", line_start(&text.render(Context::Block))),
            Self::BulletList(items) => items
                .iter()
                .map(|item| format!("- {}\n", line_start(&item.render(Context::Block))))
                .collect(),
            Self::NumberedList(items) => items
                .iter()
                .enumerate()
                .map(|(index, item)| {
                    format!(
                        "{}. {}\n",
                        index + 1,
                        line_start(&item.render(Context::Block))
                    )
                })
                .collect(),
            Self::Table(table) => table.render(),
            Self::Code(code) => code.render(),
        }
    }
}

impl<const N: usize> From<Table<N>> for Block {
    fn from(table: Table<N>) -> Self {
        Self::Table(table.into())
    }
}

impl From<CodeBlock> for Block {
    fn from(code: CodeBlock) -> Self {
        Self::Code(code)
    }
}

/// Escapes what would make the start of a line a block of its own (a heading, a list
/// item, a setext underline); inline markup is escaped already.
fn line_start(rendered: &str) -> String {
    let digits = rendered.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && matches!(rendered.as_bytes().get(digits), Some(b'.' | b')')) {
        return format!("{}\\{}", &rendered[..digits], &rendered[digits..]);
    }
    match rendered.chars().next() {
        Some('#' | '-' | '+' | '=') => format!("\\{rendered}"),
        Some(' ' | '\t') => rendered.trim_start().to_owned(),
        _ => rendered.to_owned(),
    }
}

/// A fenced code block with a language, such as `sh`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeBlock {
    /// The info string: the language, such as `sh` or `text`.
    pub language: String,
    /// The code, each line ending with a newline.
    pub code: String,
}

impl CodeBlock {
    /// A code block of `code` in `language`; a missing final newline is added.
    #[must_use]
    pub fn new(language: impl Into<String>, code: impl Into<String>) -> Self {
        let mut code = code.into();
        if !code.ends_with('\n') {
            code.push('\n');
        }
        Self {
            language: language.into(),
            code,
        }
    }

    /// A code block of `lines` in `language`.
    #[must_use]
    pub fn lines(language: impl Into<String>, lines: impl IntoIterator<Item = String>) -> Self {
        let code: String = lines.into_iter().map(|line| line + "\n").collect();
        Self::new(language, code)
    }

    /// The fence (three backticks, or one more than the longest run in the code), the
    /// language, the code (ending with a newline), the fence.
    fn render(&self) -> String {
        let fence = "`".repeat(longest_run(&self.code, '`').max(2) + 1);
        let language = self.language.replace(['`', '\n', '\r'], "");
        let newline = if self.code.ends_with('\n') { "" } else { "\n" };
        format!("{fence}{language}\n{}{newline}{fence}\n", self.code)
    }
}

/// A Markdown document: blocks, separated by blank lines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    /// The blocks, in order.
    pub blocks: Vec<Block>,
}

impl Document {
    /// An empty document.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a block.
    pub fn push(&mut self, block: impl Into<Block>) {
        self.blocks.push(block.into());
    }

    /// Appends blocks.
    pub fn extend(&mut self, blocks: impl IntoIterator<Item = Block>) {
        self.blocks.extend(blocks);
    }

    /// The document as Markdown: each block, a blank line between two blocks, and one
    /// newline at the end.
    #[must_use]
    pub fn to_markdown(&self) -> String {
        self.blocks
            .iter()
            .map(Block::render)
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The code of every code block in `language`, in order.
    pub fn code_blocks<'a>(&'a self, language: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.blocks.iter().filter_map(move |block| match block {
            Block::Code(code) if code.language == language => Some(code.code.as_str()),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_separated_by_one_blank_line() {
        let mut document = Document::new();
        document.push(Block::heading(9, "Title"));
        document.push(Block::bullets(["a".into(), "b".into()]));
        document.push(Block::numbered(["one".into(), "two".into()]));
        assert_eq!(
            document.to_markdown(),
            "###### Title\n\n- a\n- b\n\n1. one\n2. two\n"
        );
        assert_eq!(Document::new().to_markdown(), "");
    }

    #[test]
    fn a_paragraph_never_starts_another_block() {
        for (text, markdown) in [
            ("# not a heading", "\\# not a heading\n"),
            ("- not an item", "\\- not an item\n"),
            ("1. not an item", "1\\. not an item\n"),
            ("2) not an item", "2\\) not an item\n"),
            ("=====", "\\=====\n"),
            ("    not code", "not code\n"),
            ("2024 was a year", "2024 was a year\n"),
        ] {
            assert_eq!(Block::paragraph(text).render(), markdown, "{text:?}");
        }
    }

    #[test]
    fn code_fences_outgrow_the_code() {
        let block = CodeBlock::new("sh", "echo ```\n");
        assert_eq!(block.render(), "````sh\necho ```\n````\n");
        assert_eq!(CodeBlock::new("text", "x").code, "x\n");
        let direct = CodeBlock {
            language: "sh".to_owned(),
            code: "ls".to_owned(),
        };
        assert_eq!(direct.render(), "```sh\nls\n```\n");
        let deep = Block::Heading {
            level: 0,
            text: "x".into(),
        };
        assert_eq!(deep.render(), "# x\n");
        assert_eq!(
            CodeBlock::lines("sh", ["a".to_owned(), "b".to_owned()]).code,
            "a\nb\n"
        );
        let mut document = Document::new();
        document.push(CodeBlock::new("sh", "true"));
        document.push(CodeBlock::new("text", "x"));
        document.push(CodeBlock::new("sh", "false"));
        assert_eq!(
            document.code_blocks("sh").collect::<Vec<_>>(),
            ["true\n", "false\n"]
        );
    }
}
