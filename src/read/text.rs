//! Plain-text reports, in the forms they circulate in:
//!
//! - flattened web tables, one row per line, each cell followed by `  |`
//!   and the row padded with bare `|` to the grid's width (the seed):
//!   `行政事业性收费  | 2  | 0  | |`;
//! - Markdown pipe tables: `| 规章 | 4 | 4 | 4 |` with a `|---|` rule;
//! - one cell per line, blank lines between (scraped pages): these come out
//!   as paragraphs, and the recognizer reads them as a stream of cells;
//! - a crawler's header block (`标题: …`, `发布机构: …`, a `==== 正文 ====`
//!   rule) before the report, which feeds the metadata.
//!
//! Text has no merged cells: a cell merged down from the row above is simply
//! absent from later rows, and every span is 1.

use crate::doc::{Block, Doc, DocMeta, Loc, Paragraph, Table, TableCell};
use crate::error::Error;
use crate::read::decode_text;

/// Reads a text report.
pub fn read(bytes: &[u8]) -> Result<Doc, Error> {
    let text = decode_text(bytes)?;
    let mut doc = Doc::default();
    let mut lines = text.lines().enumerate().peekable();
    read_crawler_header(&mut lines, &mut doc.meta);

    let mut table: Option<(Style, Table)> = None;
    for (i, raw) in lines {
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let line = raw.trim_end_matches('\r');
        let style = table_style(line);
        if let Some((open, t)) = table.take() {
            if style == Some(open) {
                table = Some((open, t));
            } else {
                doc.blocks.push(Block::Table(t));
            }
        }
        match style {
            Some(s) => {
                let (_, t) = table.get_or_insert_with(|| (s, Table::default()));
                let cells = match s {
                    Style::Padded => padded_cells(line),
                    Style::Markdown => match markdown_cells(line) {
                        Some(c) => c,
                        None => continue, // the |---|---| rule
                    },
                };
                let row = cells
                    .into_iter()
                    .enumerate()
                    .map(|(col, text)| TableCell {
                        text,
                        col: col as u32,
                        rowspan: 1,
                        colspan: 1,
                        loc: Loc::Line(n),
                    })
                    .collect();
                t.rows.push(row);
            }
            None => {
                let trimmed = line.trim();
                if trimmed.is_empty() {
                    continue;
                }
                let (level, text) = markdown_heading(trimmed);
                doc.blocks.push(Block::Paragraph(Paragraph {
                    text: text.to_owned(),
                    level,
                    body: false,
                    loc: Loc::Line(n),
                }));
            }
        }
    }
    if let Some((_, t)) = table {
        doc.blocks.push(Block::Table(t));
    }
    Ok(doc)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    /// `cell  | cell  | ||`
    Padded,
    /// `| cell | cell |`
    Markdown,
}

fn table_style(line: &str) -> Option<Style> {
    let t = line.trim();
    if t.len() > 1 && t.starts_with('|') && t.ends_with('|') {
        return Some(Style::Markdown);
    }
    if t.ends_with('|') && line.contains("  |") {
        return Some(Style::Padded);
    }
    None
}

/// `规章  | 4  | 4  | 4  | ` -> [规章, 4, 4, 4]; trailing bare `|` are padding.
fn padded_cells(line: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find("  |") {
        cells.push(rest[..i].trim().to_owned());
        rest = rest[i + 3..].strip_prefix(' ').unwrap_or(&rest[i + 3..]);
        if rest.trim().chars().all(|c| c == '|') {
            break;
        }
    }
    cells
}

/// `| a | b |` -> [a, b]; `None` for the `|---|:--:|` rule.
fn markdown_cells(line: &str) -> Option<Vec<String>> {
    let inner = line.trim().strip_prefix('|')?.strip_suffix('|')?;
    let cells: Vec<String> = inner.split('|').map(|c| c.trim().to_owned()).collect();
    let is_rule = cells
        .iter()
        .all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':' | ' ')));
    (!is_rule).then_some(cells)
}

fn markdown_heading(line: &str) -> (Option<u8>, &str) {
    let hashes = line.chars().take_while(|&c| c == '#').count();
    if (1..=6).contains(&hashes) && line[hashes..].starts_with(' ') {
        (Some(hashes as u8), line[hashes..].trim())
    } else {
        (None, line)
    }
}

/// A crawler's `key: value` header before a `==== 正文 ====` rule. Only read
/// when the rule is there, so that a report's own first lines are never
/// mistaken for it.
fn read_crawler_header<'a, I>(lines: &mut std::iter::Peekable<I>, meta: &mut DocMeta)
where
    I: Iterator<Item = (usize, &'a str)> + Clone,
{
    let probe: Vec<&str> = lines.clone().take(20).map(|(_, l)| l).collect();
    let Some(rule) = probe
        .iter()
        .position(|l| l.contains("正文") && l.trim_start().starts_with("==="))
    else {
        return;
    };
    for line in &probe[..rule] {
        let Some((key, value)) = line.split_once(':').or_else(|| line.split_once('：')) else {
            continue;
        };
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        match key.trim() {
            "标题" => meta.title = Some(value.to_owned()),
            "发布机构" => meta.agency = Some(value.to_owned()),
            "发布时间" | "发布日期" | "发文日期" => {
                meta.published = crate::read::iso_date(value);
            }
            _ => {}
        }
    }
    for _ in 0..=rule {
        lines.next();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(doc: &Doc) -> Vec<Vec<String>> {
        match &doc.blocks[0] {
            Block::Table(t) => t
                .rows
                .iter()
                .map(|r| r.iter().map(|c| c.text.clone()).collect())
                .collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn padded_rows_drop_their_padding_and_keep_blank_cells() {
        let doc = read(
            "第二十条第(一)项  | |||\n行政事业性收费  | 2  | 0  | |\n规章  |   | 4  | ||\n"
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(
            rows(&doc),
            [
                vec!["第二十条第(一)项"],
                vec!["行政事业性收费", "2", "0"],
                vec!["规章", "", "4"]
            ]
        );
    }

    #[test]
    fn markdown_tables_skip_the_rule() {
        let doc = read("| 规章 | 4 |\n|---|:-:|\n| 行政许可 |  |\n".as_bytes()).unwrap();
        assert_eq!(rows(&doc), [vec!["规章", "4"], vec!["行政许可", ""]]);
    }

    #[test]
    fn paragraphs_and_tables_keep_their_order_and_lines() {
        let doc = read("一、总体情况\r\n正文\n\n规章  | 4  | \n二、主动公开\n".as_bytes()).unwrap();
        assert_eq!(doc.blocks.len(), 4);
        assert!(matches!(&doc.blocks[2], Block::Table(t) if t.rows[0][0].loc == Loc::Line(4)));
        assert!(matches!(&doc.blocks[3], Block::Paragraph(p) if p.text == "二、主动公开"));
    }

    #[test]
    fn crawler_header_feeds_metadata() {
        let text = "标题: 某区2023年度政府信息公开工作年度报告\n发布时间: 2024-03-08 15:34\n发布机构: 某区办公室\n===== 正文 =====\n本报告…\n";
        let doc = read(text.as_bytes()).unwrap();
        assert_eq!(doc.meta.agency.as_deref(), Some("某区办公室"));
        assert_eq!(doc.meta.published.as_deref(), Some("2024-03-08"));
        assert_eq!(doc.blocks.len(), 1);
    }
}
