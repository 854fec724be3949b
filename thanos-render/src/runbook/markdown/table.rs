//! Tables (GitHub Flavored Markdown): a header row and rows of the same width.

use super::text::{Context, Text};

/// A table of `N` columns: every row has exactly as many cells as the header, by type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table<const N: usize> {
    header: [Text; N],
    rows: Vec<[Text; N]>,
}

impl<const N: usize> Table<N> {
    /// A table with these column headings and no row yet.
    #[must_use]
    pub fn new(header: [Text; N]) -> Self {
        Self {
            header,
            rows: Vec::new(),
        }
    }

    /// Appends a row.
    #[must_use]
    pub fn row(mut self, cells: [Text; N]) -> Self {
        self.rows.push(cells);
        self
    }

    /// Appends a row, in place.
    pub fn push(&mut self, cells: [Text; N]) {
        self.rows.push(cells);
    }
}

/// A table of any width, as a document holds it; made only from a [`Table`], so its rows
/// are as wide as its header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnyTable {
    header: Vec<Text>,
    rows: Vec<Vec<Text>>,
}

impl<const N: usize> From<Table<N>> for AnyTable {
    fn from(table: Table<N>) -> Self {
        Self {
            header: table.header.into(),
            rows: table.rows.into_iter().map(Vec::from).collect(),
        }
    }
}

impl AnyTable {
    /// The table's lines: `| a | b |`, the `| --- | --- |` delimiter row, then the rows.
    pub(crate) fn render(&self) -> String {
        let line = |cells: &[Text]| {
            let cells: Vec<String> = cells
                .iter()
                .map(|cell| cell.render(Context::Cell))
                .collect();
            format!("| {} |\n", cells.join(" | "))
        };
        let mut out = line(&self.header);
        out.push_str(&format!("|{}\n", " --- |".repeat(self.header.len().max(1))));
        for row in &self.rows {
            out.push_str(&line(row));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_as_wide_as_the_header_and_pipes_are_escaped() {
        let table = Table::new(["a".into(), "b".into()])
            .row(["1".into(), Text::new().code("x | y")])
            .row(["p|q".into(), Text::new()]);
        assert_eq!(
            AnyTable::from(table).render(),
            "| a | b |\n| --- | --- |\n| 1 | `x \\| y` |\n| p\\|q |  |\n"
        );
    }
}
