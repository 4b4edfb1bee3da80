//! The generic document every reader produces: paragraphs and tables in
//! document order, nothing report-specific.
//!
//! A table is a list of rows; each row holds the cells that *start* in it, in
//! column order, with their spans. A cell merged down from the row above is
//! not repeated (the way HTML `rowspan` and the seed's flattened text both
//! work), so a reader that knows no spans (plain text) produces the same
//! shape with every span 1.

use std::fmt;

/// Where something came from in its source document.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Loc {
    #[default]
    Unknown,
    /// 1-based line of a text file.
    Line(u32),
    /// 1-based paragraph number among a document's paragraphs.
    Paragraph(u32),
    /// 1-based table, row and grid column.
    Cell { table: u32, row: u32, col: u32 },
    /// 1-based page of a paginated document (PDF).
    Page(u32),
    /// 1-based page, and paragraph among the document's paragraphs.
    PageParagraph { page: u32, paragraph: u32 },
    /// 1-based page where the cell starts, table, row and grid column (rows
    /// count across pages when a table continues).
    PageCell {
        page: u32,
        table: u32,
        row: u32,
        col: u32,
    },
}

impl fmt::Display for Loc {
    /// `line 42`, `段落 7`, `表3 第5行 第2列`, `p.4 表3 第5行 第2列`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Loc::Unknown => f.write_str("?"),
            Loc::Line(n) => write!(f, "line {n}"),
            Loc::Paragraph(n) => write!(f, "段落 {n}"),
            Loc::Cell { table, row, col } => write!(f, "表{table} 第{row}行 第{col}列"),
            Loc::Page(page) => write!(f, "p.{page}"),
            Loc::PageParagraph { page, paragraph } => write!(f, "p.{page} 段落 {paragraph}"),
            Loc::PageCell {
                page,
                table,
                row,
                col,
            } => write!(f, "p.{page} 表{table} 第{row}行 第{col}列"),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Doc {
    pub blocks: Vec<Block>,
    /// Facts a reader found outside the report's own text (an HTML page's
    /// 发布机构 / 发文日期 block, a crawler's header lines).
    pub meta: DocMeta,
    /// Metadata the file declares in machine-readable form (the `xxgk.meta`
    /// custom property of a DOCX that xxgk wrote). When present it is the
    /// whole truth: a field it leaves out is absent, not to be inferred.
    pub declared: Option<DocMeta>,
    /// What the reader is unsure of (a guess at a page break, a font it
    /// cannot decode), each with where it is; they reach the user as
    /// reading warnings.
    pub notes: Vec<Note>,
}

/// A reader's warning about its own reading.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// A short code (`page_break`, `font`), the finding's rule.
    pub code: &'static str,
    pub loc: Loc,
    pub message: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DocMeta {
    pub title: Option<String>,
    pub agency: Option<String>,
    pub year: Option<i32>,
    /// `YYYY-MM-DD`.
    pub published: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    Paragraph(Paragraph),
    Table(Table),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Paragraph {
    pub text: String,
    /// Outline level from the source's own markup (a Word heading style, an
    /// HTML `<h2>`), 1 = top. Most reports type their headings as plain text,
    /// so the recognizer reads the text as well. 0 is the document's title
    /// (Word's Title style).
    pub level: Option<u8>,
    /// The source marks the paragraph as body text in so many words (Word's
    /// outline level 正文文本 set on the paragraph itself), so it is not a
    /// heading whatever its text looks like.
    pub body: bool,
    pub loc: Loc,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    pub rows: Vec<Vec<TableCell>>,
    /// Whether the source marked merged cells (DOCX, HTML). Plain text does
    /// not, so a row there may simply have fewer cells.
    pub spans_known: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TableCell {
    /// The cell's text, its paragraphs joined.
    pub text: String,
    /// 0-based grid column where the cell starts.
    pub col: u32,
    pub rowspan: u32,
    pub colspan: u32,
    pub loc: Loc,
}

impl Table {
    /// Each row's cells as (text, column, row span, column span), for tests.
    #[cfg(test)]
    pub(crate) fn shape(&self) -> Vec<Vec<(String, u32, u32, u32)>> {
        self.rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|c| (c.text.clone(), c.col, c.rowspan, c.colspan))
                    .collect()
            })
            .collect()
    }

    /// Number of cells, counting each merged cell once.
    pub fn cell_count(&self) -> usize {
        self.rows.iter().map(Vec::len).sum()
    }
}

/// Joins the lines of one cell or paragraph: with nothing between CJK text
/// (`商业` + `企业` is `商业企业`), with a space between Latin words.
pub fn join_lines<'a>(lines: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for line in lines {
        push_line(&mut out, line);
    }
    out
}

/// Adds one line to text joined by [`join_lines`].
pub fn push_line(out: &mut String, line: &str) {
    let line = line.trim();
    if line.is_empty() {
        return;
    }
    if let (Some(a), Some(b)) = (out.chars().next_back(), line.chars().next())
        && a.is_ascii_alphanumeric()
        && b.is_ascii_alphanumeric()
    {
        out.push(' ');
    }
    out.push_str(line);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_lines_join_without_spaces_in_chinese() {
        assert_eq!(join_lines(["商业", "企业"]), "商业企业");
        assert_eq!(join_lines(["（三）", " 不予公开 "]), "（三）不予公开");
        assert_eq!(join_lines(["6719.3835", "万元"]), "6719.3835万元");
        assert_eq!(join_lines(["N", "A"]), "N A");
        assert_eq!(join_lines(["", "a"]), "a");
    }

    #[test]
    fn locations_read_as_people_write_them() {
        assert_eq!(
            Loc::Cell {
                table: 3,
                row: 5,
                col: 2
            }
            .to_string(),
            "表3 第5行 第2列"
        );
        assert_eq!(Loc::Line(42).to_string(), "line 42");
        let cell = Loc::PageCell {
            page: 4,
            table: 3,
            row: 5,
            col: 2,
        };
        assert_eq!(cell.to_string(), "p.4 表3 第5行 第2列");
    }
}
