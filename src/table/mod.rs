//! Many reports as one table, for research: one row per report and one
//! column per official cell (the wide table), or one row per cell (the long,
//! "tidy" table).
//!
//! Column names come from the layouts (`src/layout.rs`): the table, the block
//! of table 2, the row's field path and the column's key, joined by dots:
//! `t3.new.natural_person`, `t2.item_1.regulations.issued`,
//! `t4.administrative_review.upheld`. A 2019 cell and a 2021 cell share a
//! column exactly when both editions have the same field path, which the
//! model gives them only where the formats define the same thing (table 4,
//! every row of table 3 but （六）其他处理, and 处理决定数量 in table 2's
//! blocks （五）（六）). A cell of one edition only is empty in a report of
//! the other.
//!
//! Values stay as written: a number keeps every digit (`7545.00`), a blank
//! stays empty (never 0), text such as `/` or `6719.3835万元` stays text.

mod csv;
mod xlsx;

use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::Value;

use crate::layout::{self, Column, Layout, Row, TableId};
use crate::model::{Cell, Edition};

pub use self::csv::to_csv;
pub use self::xlsx::to_xlsx;

/// One value of a table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Field {
    Blank,
    /// A plain number, with exactly the digits it was written with.
    Number(String),
    Text(String),
}

impl Field {
    /// A table cell of a report, as written.
    fn of(v: Option<&Value>) -> Field {
        match v {
            None | Some(Value::Null) => Field::Blank,
            Some(Value::Number(n)) => Field::Number(n.to_string()),
            Some(Value::String(s)) => Field::Text(s.clone()),
            Some(other) => Field::Text(other.to_string()),
        }
    }

    fn text(s: impl Into<String>) -> Field {
        Field::Text(s.into())
    }

    fn maybe(s: Option<&str>) -> Field {
        s.map_or(Field::Blank, Field::text)
    }

    /// The text a CSV file holds for it.
    pub fn as_str(&self) -> &str {
        match self {
            Field::Blank => "",
            Field::Number(s) | Field::Text(s) => s,
        }
    }
}

/// A table ready to be written: header rows, then one row per record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sheet {
    /// The sheet's name in a workbook.
    pub name: &'static str,
    /// The header rows: the column names first, then (in the wide table)
    /// their Chinese labels.
    pub header: Vec<Vec<String>>,
    pub rows: Vec<Vec<Field>>,
}

/// A report to tabulate: the input it came from, and the report as JSON.
#[derive(Clone, Copy, Debug)]
pub struct Entry<'a> {
    pub file: &'a str,
    pub report: &'a Value,
}

/// One column of the wide table that holds an official cell.
#[derive(Debug)]
pub struct CellColumn {
    /// `t3.new.natural_person`.
    pub name: String,
    /// The table, row and column labels in Chinese, joined by ` · `.
    pub label: String,
    /// The editions that have this cell: `2019 2021`, or one of them.
    pub editions: String,
    /// The cell's JSON pointer in a report.
    pub pointer: String,
    /// The layouts that hold the cell: a report's value is taken only when
    /// it uses one of them.
    layouts: Vec<&'static Layout>,
}

/// The stable name of a cell: `t2.item_1.regulations.issued`.
pub fn cell_name(l: &Layout, row: &Row, column: &Column) -> String {
    let table = match l.table {
        TableId::Proactive => "t2",
        TableId::Applications => "t3",
        TableId::Reviews => "t4",
    };
    match l.block {
        Some((block, _)) => format!("{table}.{block}.{}.{}", row.path, column.key),
        None => format!("{table}.{}.{}", row.path, column.key),
    }
}

fn edition_name(l: &Layout) -> &'static str {
    l.edition.map_or("2019 2021", Edition::as_str)
}

/// `A`, or `A（2019年版：B）` when the other edition prints it as `B`.
/// (A cell is in at most two layouts, one per edition.)
fn merge_label(current: &mut String, other: &str, edition: &str) {
    if current != other {
        current.push_str(&format!("（{edition}年版：{other}）"));
    }
}

/// Every official cell as a column of the wide table, in printed order.
/// Within a table or block the 2021 edition comes first; a cell only the
/// 2019 edition has follows the last cell before it that both share.
pub fn cell_columns() -> &'static [CellColumn] {
    static COLUMNS: OnceLock<Vec<CellColumn>> = OnceLock::new();
    COLUMNS.get_or_init(|| {
        let all: Vec<&'static Layout> = layout::all().collect();
        let same_place = |a: &Layout, b: &Layout| a.table == b.table && a.block == b.block;
        let mut ordered = all.clone();
        ordered.sort_by_key(|l| {
            let first = all.iter().position(|o| same_place(o, l));
            (first, l.edition != Some(Edition::E2021))
        });
        let mut columns: Vec<(CellColumn, String, String)> = Vec::new();
        for l in ordered {
            // Cells this layout adds go before the next cell it shares, or
            // after the last one (at the end, when it shares none).
            let mut cursor = columns.len();
            let mut waiting = Vec::new();
            for row in l.rows {
                for column in l.columns {
                    let name = cell_name(l, row, column);
                    let (row_label, column_label) = (l.row_label(row), l.column_label(column));
                    let Some(i) = columns.iter().position(|(c, _, _)| c.name == name) else {
                        let column = CellColumn {
                            name,
                            label: String::new(),
                            editions: edition_name(l).to_owned(),
                            pointer: l.cell_pointer(row, column),
                            layouts: vec![l],
                        };
                        waiting.push((column, row_label, column_label));
                        continue;
                    };
                    let (c, r, k) = &mut columns[i];
                    let edition = edition_name(l);
                    merge_label(r, &row_label, edition);
                    merge_label(k, &column_label, edition);
                    c.editions = format!("{} {edition}", c.editions);
                    c.layouts.push(l);
                    let added = waiting.len();
                    columns.splice(i..i, waiting.drain(..));
                    cursor = i + added + 1;
                }
            }
            columns.splice(cursor..cursor, waiting);
        }
        columns
            .into_iter()
            .map(|(mut c, row, column)| {
                let l = c.layouts[0];
                c.label = format!("{} · {row} · {column}", l.title());
                let mut editions: Vec<&str> = c.editions.split(' ').collect();
                editions.sort_unstable();
                editions.dedup();
                c.editions = editions.join(" ");
                c
            })
            .collect()
    })
}

/// The metadata columns that come first in the wide table: name, label, and
/// how to read it from a report.
type MetaColumn = (&'static str, &'static str, fn(&Value) -> Field);

fn meta_str(report: &Value, pointer: &str) -> Field {
    Field::maybe(layout::at(report, pointer).and_then(Value::as_str))
}

const META: &[MetaColumn] = &[
    ("agency", "发布机构", |r| meta_str(r, "/meta/agency")),
    ("year", "年度", |r| match layout::at(r, "/meta/year") {
        Some(Value::Number(n)) => Field::Number(n.to_string()),
        _ => Field::Blank,
    }),
    ("title", "标题", |r| meta_str(r, "/meta/title")),
    ("published", "发布日期", |r| {
        meta_str(r, "/meta/published")
    }),
    ("source_file", "来源文件", |r| {
        meta_str(r, "/meta/source/file")
    }),
    ("source_format", "来源格式", |r| {
        meta_str(r, "/meta/source/format")
    }),
];

/// The tables and blocks that record their edition, as
/// (column name, label, JSON pointer of the edition).
fn edition_columns() -> &'static [(String, String, String)] {
    static COLUMNS: OnceLock<Vec<(String, String, String)>> = OnceLock::new();
    COLUMNS.get_or_init(|| {
        let mut out: Vec<(String, String, String)> = Vec::new();
        for l in layout::all().filter(|l| l.edition.is_some()) {
            let (name, container) = match (l.table, l.block) {
                (TableId::Proactive, Some((block, _))) => (
                    format!("t2.{block}.edition"),
                    l.pointer.trim_end_matches("/rows").to_owned(),
                ),
                _ => ("t3.edition".to_owned(), l.pointer.to_owned()),
            };
            if out.iter().all(|(n, _, _)| *n != name) {
                let label = format!("{} · 格式版本", l.title());
                out.push((name, label, format!("{container}/edition")));
            }
        }
        out
    })
}

/// The wide table: one row per report, the file and metadata first, then
/// each table's and block's edition, then every official cell.
pub fn wide(entries: &[Entry], labels: bool) -> Sheet {
    let cells = cell_columns();
    let mut names = vec!["file".to_owned()];
    let mut chinese = vec!["文件".to_owned()];
    for (name, label, _) in META {
        names.push((*name).to_owned());
        chinese.push((*label).to_owned());
    }
    for (name, label, _) in edition_columns() {
        names.push(name.clone());
        chinese.push(label.clone());
    }
    for c in cells {
        names.push(c.name.clone());
        chinese.push(c.label.clone());
    }
    let mut header = vec![names];
    if labels {
        header.push(chinese);
    }
    let rows = entries
        .iter()
        .map(|e| {
            let used = layout::used_by(e.report);
            let mut row = vec![Field::text(e.file)];
            row.extend(META.iter().map(|(_, _, get)| get(e.report)));
            row.extend(
                edition_columns()
                    .iter()
                    .map(|(_, _, pointer)| meta_str(e.report, pointer)),
            );
            row.extend(cells.iter().map(|c| {
                let holds = c
                    .layouts
                    .iter()
                    .any(|l| used.iter().any(|u| std::ptr::eq(*l, *u)));
                if holds {
                    Field::of(layout::at(e.report, &c.pointer))
                } else {
                    Field::Blank
                }
            }));
            row
        })
        .collect();
    Sheet {
        name: "reports",
        header,
        rows,
    }
}

/// The names of the long table's columns.
pub const LONG_COLUMNS: [&str; 11] = [
    "file", "agency", "year", "table", "row", "column", "name", "edition", "value", "unit", "text",
];

/// The long table: one row per official cell of each report (blank cells
/// included), with the cell's labels, its column name in the wide table,
/// the edition of its table, its number and unit when it holds one, and its
/// text as written.
pub fn long(entries: &[Entry]) -> Sheet {
    let mut rows = Vec::new();
    for e in entries {
        let agency = (META[0].2)(e.report);
        let year = (META[1].2)(e.report);
        for l in layout::used_by(e.report) {
            let title = l.title();
            let edition = l
                .edition
                .map_or(Field::Blank, |ed| Field::text(ed.as_str()));
            for (ri, row) in l.rows.iter().enumerate() {
                let row_label = l.row_label(row);
                for (ci, column) in l.columns.iter().enumerate() {
                    let raw = layout::at(e.report, l.pointer_at(ri, ci));
                    let cell = raw
                        .and_then(|v| Cell::deserialize(v).ok())
                        .unwrap_or(Cell::Blank);
                    let quantity = cell.quantity();
                    let value = quantity
                        .as_ref()
                        .map_or(Field::Blank, |q| Field::Number(q.number.to_string()));
                    let unit = Field::maybe(quantity.as_ref().and_then(|q| q.unit));
                    rows.push(vec![
                        Field::text(e.file),
                        agency.clone(),
                        year.clone(),
                        Field::text(title.clone()),
                        Field::text(row_label.clone()),
                        Field::text(l.column_label(column)),
                        Field::text(cell_name(l, row, column)),
                        edition.clone(),
                        value,
                        unit,
                        match Field::of(raw) {
                            Field::Number(n) => Field::Text(n),
                            other => other,
                        },
                    ]);
                }
            }
        }
    }
    Sheet {
        name: "cells",
        header: vec![LONG_COLUMNS.iter().map(|s| (*s).to_owned()).collect()],
        rows,
    }
}

/// Every column of the wide table, described: name, Chinese label, the
/// editions that have it, and the JSON pointer it is read from.
pub fn codebook() -> Sheet {
    let mut rows: Vec<Vec<Field>> = vec![vec![
        Field::text("file"),
        Field::text("文件"),
        Field::Blank,
        Field::Blank,
    ]];
    for (name, label, _) in META {
        let pointer = format!("/meta/{}", name.replace('_', "/"));
        rows.push(vec![
            Field::text(*name),
            Field::text(*label),
            Field::Blank,
            Field::text(pointer),
        ]);
    }
    for (name, label, pointer) in edition_columns() {
        rows.push(vec![
            Field::text(name.clone()),
            Field::text(label.clone()),
            Field::Blank,
            Field::text(pointer.clone()),
        ]);
    }
    for c in cell_columns() {
        rows.push(vec![
            Field::text(c.name.clone()),
            Field::text(c.label.clone()),
            Field::text(c.editions.clone()),
            Field::text(c.pointer.clone()),
        ]);
    }
    Sheet {
        name: "columns",
        header: vec![
            ["name", "label", "editions", "pointer"]
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
        ],
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_editions_share_only_the_same_thing() {
        let cols = cell_columns();
        let mut names: Vec<&str> = cols.iter().map(|c| c.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), cols.len());
        let get = |n: &str| cols.iter().find(|c| c.name == n).unwrap();
        assert_eq!(get("t3.new.natural_person").editions, "2019 2021");
        assert_eq!(get("t3.results.other.natural_person").editions, "2019");
        assert_eq!(get("t3.results.other.no_fee.total").editions, "2021");
        assert_eq!(get("t4.administrative_review.upheld").editions, "2019 2021");
        assert_eq!(get("t2.item_1.regulations.issued").editions, "2021");
        assert_eq!(get("t2.item_1.regulations.made").editions, "2019");
        let decisions = get("t2.item_5.licensing.decisions");
        assert_eq!(decisions.editions, "2019 2021");
        assert!(
            decisions
                .label
                .ends_with("本年处理决定数量（2019年版：处理决定数量）"),
            "{}",
            decisions.label
        );
        // 161 + 175 table 3 cells, of which all but （六）'s are shared.
        let t3 = cols.iter().filter(|c| c.name.starts_with("t3.")).count();
        assert_eq!(t3, 22 * 7 + 7 + 3 * 7);
        assert_eq!(
            cols.iter().filter(|c| c.name.starts_with("t4.")).count(),
            15
        );
    }

    #[test]
    fn a_cell_of_the_other_edition_stays_empty() {
        let report = serde_json::json!({
            "sections": {"proactive": {"table": {"item_1": {"edition": "2021", "rows": {
                "regulations": {"issued": 1, "repealed": 0, "in_force": "/"}}}}}}
        });
        let sheet = wide(
            &[Entry {
                file: "a.json",
                report: &report,
            }],
            true,
        );
        let at = |name: &str| {
            let i = sheet.header[0].iter().position(|n| n == name).unwrap();
            sheet.rows[0][i].clone()
        };
        assert_eq!(
            at("t2.item_1.regulations.issued"),
            Field::Number("1".into())
        );
        assert_eq!(
            at("t2.item_1.regulations.in_force"),
            Field::Text("/".into())
        );
        assert_eq!(at("t2.item_1.regulations.made"), Field::Blank);
        assert_eq!(at("t2.item_1.edition"), Field::Text("2021".into()));
        assert_eq!(at("file"), Field::Text("a.json".into()));
    }
}
