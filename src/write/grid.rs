//! The official tables as printed grids: every cell with its text, its
//! column span and its vertical merge, built from [`crate::layout`] and a
//! report's values. Templates lay these grids out; they spell no label of
//! their own.

use serde::Serialize;
use serde_json::Value;

use crate::layout::{
    self, HeaderNode, Layout, T2_LABEL_HEADER, T3_HEADER, T3_NOTE, T4_HEADER, TABLE4, TableId,
};

/// A table as printed: column widths and rows of cells.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Grid {
    /// Which table: `proactive`, `applications` or `reviews`.
    pub table: &'static str,
    /// Column widths in twentieths of a point (twips), summing to the
    /// table's width.
    pub columns: Vec<u32>,
    pub rows: Vec<GridRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GridRow {
    /// A header row, repeated at the top of each page the table crosses.
    pub header: bool,
    pub cells: Vec<GridCell>,
}

/// One printed cell. A cell merged down from the row above is present, with
/// `merge: "continue"`, so that every row covers every grid column.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GridCell {
    pub text: String,
    /// Grid columns covered, when more than one.
    pub span: Option<usize>,
    /// `restart` for the first cell of a vertical merge, `continue` below it.
    pub merge: Option<&'static str>,
    /// The cell's width in twips (its columns' widths summed).
    pub width: u32,
    /// `title` (a block title of table 2), `header`, `label`, `value` or
    /// `note` (table 3's 勾稽关系 cell).
    pub role: &'static str,
    /// `left` for text that reads as a line (row labels, the note); none
    /// (centred) for values, headers and the merged group labels.
    pub align: Option<&'static str>,
}

/// Text width of an A4 page with the official margins (28 mm left, 26 mm
/// right), in twips.
pub const TEXT_WIDTH: u32 = 8844;

struct Builder {
    columns: Vec<u32>,
    rows: Vec<GridRow>,
}

impl Builder {
    fn new(columns: Vec<u32>) -> Builder {
        Builder {
            columns,
            rows: Vec::new(),
        }
    }

    fn row(&mut self, header: bool) {
        self.rows.push(GridRow {
            header,
            cells: Vec::new(),
        });
    }

    /// Adds a cell to the current row, starting at the next free column.
    fn cell(&mut self, text: String, span: usize, merge: Option<&'static str>, role: &'static str) {
        let row = self.rows.last_mut().expect("a row was started");
        let start: usize = row.cells.iter().map(|c| c.span.unwrap_or(1)).sum();
        let width = self.columns[start.min(self.columns.len())..]
            .iter()
            .take(span)
            .sum();
        let align = match role {
            "note" => Some("left"),
            "label" if merge.is_none() => Some("left"),
            _ => None,
        };
        row.cells.push(GridCell {
            text,
            span: (span > 1).then_some(span),
            merge,
            width,
            role,
            align,
        });
    }

    fn finish(self, table: TableId) -> Grid {
        Grid {
            table: table.key(),
            columns: self.columns,
            rows: self.rows,
        }
    }
}

/// How a value cell prints: blank as nothing, a number as written, text
/// verbatim.
pub fn cell_text(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// Header rows from a header tree: a node spans its leaves; a leaf above the
/// bottom row is merged down to it. `lead` cells (table 3's note) come first
/// in every header row, merged down.
fn header_rows(b: &mut Builder, tree: &'static [HeaderNode], lead: Option<(&str, usize)>) {
    fn depth(n: &HeaderNode) -> usize {
        1 + n.children.iter().map(depth).max().unwrap_or(0)
    }
    fn leaves(n: &HeaderNode) -> usize {
        if n.children.is_empty() {
            1
        } else {
            n.children.iter().map(leaves).sum()
        }
    }
    let rows = tree.iter().map(depth).max().unwrap_or(0);
    // Each level's nodes, with the level at which a leaf was first printed.
    let mut level: Vec<(&HeaderNode, Option<usize>)> = tree.iter().map(|n| (n, None)).collect();
    for r in 0..rows {
        b.row(true);
        if let Some((text, span)) = lead {
            let (t, merge) = if r == 0 {
                (text.to_owned(), (rows > 1).then_some("restart"))
            } else {
                (String::new(), Some("continue"))
            };
            b.cell(t, span, merge, "note");
        }
        let mut next = Vec::new();
        for (node, printed) in level {
            match printed {
                Some(_) => b.cell(String::new(), 1, Some("continue"), "header"),
                None => {
                    let merge = (node.children.is_empty() && r + 1 < rows).then_some("restart");
                    b.cell(node.label.to_owned(), leaves(node), merge, "header");
                }
            }
            if node.children.is_empty() {
                next.push((node, Some(r)));
            } else {
                next.extend(node.children.iter().map(|c| (c, None)));
            }
        }
        level = next;
    }
}

/// Table 2: each block's title row, its header row and its data rows,
/// stacked in one four-column table.
pub fn table2(report: &Value) -> Option<Grid> {
    let table = report.pointer("/sections/proactive/table")?;
    let width = TEXT_WIDTH;
    let label = 2844;
    let value = (width - label) / 3;
    let mut b = Builder::new(vec![label, value, value, width - label - 2 * value]);
    let extras = table
        .get("extra_rows")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    for l in layout::used_by(report)
        .into_iter()
        .filter(|l| l.table == TableId::Proactive)
    {
        let (key, title) = l.block.expect("table 2 layouts are blocks");
        b.row(false);
        b.cell(title.to_owned(), 4, None, "title");
        b.row(false);
        b.cell(T2_LABEL_HEADER.to_owned(), 1, None, "header");
        let n = l.columns.len();
        for (i, c) in l.columns.iter().enumerate() {
            let span = if i + 1 == n { 4 - n } else { 1 };
            b.cell(c.label.to_owned(), span, None, "header");
        }
        let block_extras: Vec<&Value> = extras
            .iter()
            .filter(|e| e.get("block").and_then(Value::as_str) == Some(key))
            .collect();
        let emit_extras = |b: &mut Builder, after: Option<&str>| {
            for e in block_extras
                .iter()
                .filter(|e| e.get("after").and_then(Value::as_str) == after)
            {
                extra_row(b, e, 0, 1, 3);
            }
        };
        emit_extras(&mut b, None);
        for (r, row) in l.rows.iter().enumerate() {
            b.row(false);
            b.cell(row.label.to_owned(), 1, None, "label");
            for (c, _) in l.columns.iter().enumerate() {
                let span = if c + 1 == n { 4 - n } else { 1 };
                let v = layout::at(report, l.pointer_at(r, c));
                b.cell(cell_text(v), span, None, "value");
            }
            emit_extras(&mut b, Some(row.path));
        }
    }
    Some(b.finish(TableId::Proactive))
}

/// A row the national form lacks: `depth` merged group cells continued
/// from the row above, its label over the rest of the `labels` label
/// columns, then its values, the last one widened to fill the `columns`
/// value columns.
fn extra_row(b: &mut Builder, e: &Value, depth: usize, labels: usize, columns: usize) {
    b.row(false);
    for _ in 0..depth {
        b.cell(String::new(), 1, Some("continue"), "label");
    }
    b.cell(cell_text(e.get("label")), labels - depth, None, "label");
    let values = e
        .get("values")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let n = values.len().min(columns);
    for (i, v) in values.iter().take(columns).enumerate() {
        let span = if i + 1 == n { columns - n + 1 } else { 1 };
        b.cell(cell_text(Some(v)), span, None, "value");
    }
}

/// Table 3: the three header rows under the 勾稽关系 note, then one row per
/// data row, with 三、本年度办理结果 and the groups （三）…（六） merged down
/// over their rows.
pub fn table3(report: &Value) -> Option<Grid> {
    let table = report.pointer("/sections/applications/table")?;
    let l: &Layout = layout::used_by(report)
        .into_iter()
        .find(|l| l.table == TableId::Applications)?;
    let labels = [600, 900, 2400];
    let value = (TEXT_WIDTH - labels.iter().sum::<u32>()) / 7;
    let mut columns = labels.to_vec();
    columns.extend([value; 6]);
    columns.push(TEXT_WIDTH - columns.iter().sum::<u32>());
    let mut b = Builder::new(columns);
    header_rows(&mut b, T3_HEADER, Some((T3_NOTE, 3)));

    let extras = table
        .get("extra_rows")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    // The groups each row sits in, outermost first.
    let groups: Vec<Vec<&layout::Group>> =
        l.rows.iter().map(|r| l.groups_of(r).collect()).collect();
    let emit_extras = |b: &mut Builder, after: Option<&str>, depth: usize| {
        for e in extras
            .iter()
            .filter(|e| e.get("after").and_then(Value::as_str) == after)
        {
            extra_row(b, e, depth, 3, 7);
        }
    };
    emit_extras(&mut b, None, 0);
    for (r, row) in l.rows.iter().enumerate() {
        b.row(false);
        let mine = &groups[r];
        for (depth, g) in mine.iter().enumerate() {
            let first = r == 0 || groups[r - 1].get(depth).map(|p| p.path) != Some(g.path);
            if first {
                b.cell(g.label.to_owned(), 1, Some("restart"), "label");
            } else {
                b.cell(String::new(), 1, Some("continue"), "label");
            }
        }
        b.cell(row.label.to_owned(), 3 - mine.len(), None, "label");
        for c in 0..l.columns.len() {
            b.cell(
                cell_text(layout::at(report, l.pointer_at(r, c))),
                1,
                None,
                "value",
            );
        }
        // An extra row stays inside the groups it shares with the next row.
        let next = groups.get(r + 1).map(Vec::as_slice).unwrap_or_default();
        let shared = mine
            .iter()
            .zip(next)
            .take_while(|(a, b)| a.path == b.path)
            .count();
        emit_extras(&mut b, Some(row.path), shared);
    }
    Some(b.finish(TableId::Applications))
}

/// Table 4: 行政复议 and 行政诉讼 over their outcome columns, and one row of
/// fifteen values.
pub fn table4(report: &Value) -> Option<Grid> {
    report.pointer("/sections/reviews/table")?;
    let l = &TABLE4;
    let value = TEXT_WIDTH / 15;
    let mut columns = vec![value; 14];
    columns.push(TEXT_WIDTH - 14 * value);
    let mut b = Builder::new(columns);
    header_rows(&mut b, T4_HEADER, None);
    b.row(false);
    for r in 0..l.rows.len() {
        for c in 0..l.columns.len() {
            b.cell(
                cell_text(layout::at(report, l.pointer_at(r, c))),
                1,
                None,
                "value",
            );
        }
    }
    Some(b.finish(TableId::Reviews))
}
