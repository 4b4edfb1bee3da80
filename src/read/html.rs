//! Report pages as government sites publish them, parsed by a real HTML5
//! parser (html5ever, through scraper).
//!
//! - The encoding comes from a byte-order mark, else the page's
//!   `<meta charset>` (GBK, GB2312 and GB18030 pages are common), else UTF-8,
//!   else GB18030.
//! - The report is the smallest element that holds most of the six section
//!   headings; navigation, breadcrumbs, footers and the like around it are
//!   left out. The page's metadata block (`发布机构：…`, `发文日期：…`) and its
//!   `<h1>` title feed the report's metadata.
//! - Tables keep `rowspan`/`colspan`; `<br>` and paragraphs inside a cell
//!   are lines of that cell; `&nbsp;` alone is a blank cell. Outside tables,
//!   `<p>`, `<div>`, headings, list items and `<br>` end a paragraph.

use scraper::{ElementRef, Html, Node};

use crate::doc::{Block, Doc, DocMeta, Loc, Paragraph, Table, TableCell, join_lines};
use crate::error::Error;
use crate::labels::fold;
use crate::read::docx::{MAX_SPAN, MAX_TABLE_CELLS, MAX_XML_DEPTH};
use crate::xml::MAX_XML_ATTRIBUTES;

/// Reads an HTML page.
pub fn read(bytes: &[u8]) -> Result<Doc, Error> {
    let text = decode(bytes)?;
    prescan(&text)?;
    let html = Html::parse_document(&text);
    if depth(&html) > MAX_XML_DEPTH {
        return Err(Error::TooLarge {
            name: "MAX_XML_DEPTH",
            limit: MAX_XML_DEPTH as u64,
        });
    }
    let root = html.root_element();
    let meta = page_meta(&html);
    let content = report_root(root).unwrap_or(root);
    let mut walker = Walker::default();
    walker.walk(content, 0)?;
    walker.flush();
    Ok(Doc {
        blocks: walker.blocks,
        meta,
        declared: None,
        notes: Vec::new(),
    })
}

/// The deepest element nesting of a parsed page, in one pass (what is
/// walked after parsing costs time in proportion to it).
fn depth(html: &Html) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    for edge in html.tree.root().traverse() {
        match edge {
            ego_tree::iter::Edge::Open(_) => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ego_tree::iter::Edge::Close(_) => depth -= 1,
        }
    }
    deepest
}

/// Elements that never hold others (void), or that the next one of their
/// kind closes: they add no nesting in [`prescan`]'s estimate.
const FLAT: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen", "p", "li", "dt", "dd", "td", "th", "tr", "option", "optgroup", "rb",
    "rt", "rtc", "rp", "tbody", "thead", "tfoot", "colgroup", "html", "head", "body",
];

/// Checks the raw page before html5ever sees it: html5ever compares each
/// attribute with those before it, and each start tag with the elements
/// open around it, so a tag with a million attributes, or a hundred
/// thousand nested `<div>`s, would take hours. The nesting is estimated
/// (an end tag closes up to its start tag; void and self-closing elements
/// and those the next of their kind closes add nothing); comments,
/// scripts and styles are skipped. The parsed page's real depth is
/// checked after parsing.
fn prescan(text: &str) -> Result<(), Error> {
    let b = text.as_bytes();
    let find = |from: usize, what: &[u8]| -> usize {
        b[from.min(b.len())..]
            .windows(what.len())
            .position(|w| w.eq_ignore_ascii_case(what))
            .map_or(b.len(), |p| from + p + what.len())
    };
    let name_end = |from: usize| -> usize {
        from + b[from..]
            .iter()
            .position(|c| c.is_ascii_whitespace() || matches!(c, b'>' | b'/'))
            .unwrap_or(b.len() - from)
    };
    let mut open: Vec<&[u8]> = Vec::new();
    let mut i = 0;
    while let Some(p) = b[i..].iter().position(|&c| c == b'<') {
        i += p + 1;
        if b[i..].starts_with(b"!--") {
            i = find(i, b"-->");
            continue;
        }
        if b.get(i) == Some(&b'/') {
            let end = name_end(i + 1);
            let name = &b[i + 1..end];
            if let Some(at) = open.iter().rposition(|o| o.eq_ignore_ascii_case(name)) {
                open.truncate(at);
            }
            i = end;
            continue;
        }
        if !b.get(i).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let end = name_end(i);
        let name = &b[i..end];
        i = end;
        let mut count = 0;
        let mut self_closing = false;
        // Attributes: names, each with an optional quoted or bare value.
        while i < b.len() && b[i] != b'>' {
            self_closing = b[i] == b'/';
            match b[i] {
                c if c.is_ascii_whitespace() || c == b'/' => i += 1,
                b'=' => {
                    i += 1;
                    while b.get(i).is_some_and(u8::is_ascii_whitespace) {
                        i += 1;
                    }
                    match b.get(i) {
                        Some(&q @ (b'"' | b'\'')) => {
                            i = b[i + 1..]
                                .iter()
                                .position(|&c| c == q)
                                .map_or(b.len(), |p| i + p + 2);
                        }
                        _ => {
                            while b
                                .get(i)
                                .is_some_and(|c| !c.is_ascii_whitespace() && *c != b'>')
                            {
                                i += 1;
                            }
                        }
                    }
                }
                _ => {
                    count += 1;
                    if count > MAX_XML_ATTRIBUTES {
                        return Err(Error::TooLarge {
                            name: "MAX_XML_ATTRIBUTES",
                            limit: MAX_XML_ATTRIBUTES as u64,
                        });
                    }
                    while b.get(i).is_some_and(|c| {
                        !c.is_ascii_whitespace() && !matches!(c, b'=' | b'>' | b'/')
                    }) {
                        i += 1;
                    }
                }
            }
        }
        if name.eq_ignore_ascii_case(b"script") {
            i = find(i, b"</script");
        } else if name.eq_ignore_ascii_case(b"style") {
            i = find(i, b"</style");
        } else if !self_closing && !FLAT.iter().any(|f| name.eq_ignore_ascii_case(f.as_bytes())) {
            open.push(name);
            // Twice the limit: the estimate may run ahead of the parser.
            if open.len() > 2 * MAX_XML_DEPTH {
                return Err(Error::TooLarge {
                    name: "MAX_XML_DEPTH",
                    limit: MAX_XML_DEPTH as u64,
                });
            }
        }
    }
    Ok(())
}

/// BOM, then `<meta charset>`, then UTF-8, then GB18030.
fn decode(bytes: &[u8]) -> Result<String, Error> {
    if encoding_rs::Encoding::for_bom(bytes).is_some() {
        return crate::read::decode_text(bytes);
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]).to_ascii_lowercase();
    let declared = head.find("charset").and_then(|i| {
        let rest = head[i + "charset".len()..].trim_start_matches([' ', '=', '"', '\'']);
        let label: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        encoding_rs::Encoding::for_label(label.as_bytes())
    });
    match declared {
        Some(enc) if enc != encoding_rs::UTF_8 => {
            let (text, _, had_errors) = enc.decode(bytes);
            if had_errors {
                return Err(Error::Corrupt {
                    place: String::new(),
                    message: format!("the page says it is {} but is not", enc.name()),
                });
            }
            Ok(text.into_owned())
        }
        _ => crate::read::decode_text(bytes),
    }
}

/// The whole text of an element, whitespace collapsed.
fn text_of(e: ElementRef) -> String {
    let raw: String = e.text().collect();
    collapse(&raw)
}

/// [`text_of`] for an element that may be a heading: `None` once its text
/// is too long to be one, without reading the rest (each element of a deep
/// page would otherwise read all the text under it).
fn short_text_of(e: ElementRef) -> Option<String> {
    const MAX_HEADING_TEXT: usize = 4096;
    let mut raw = String::new();
    for piece in e.text() {
        raw.push_str(piece);
        if raw.len() > MAX_HEADING_TEXT {
            return None;
        }
    }
    Some(collapse(&raw))
}

/// HTML whitespace runs become one space; `&nbsp;` is kept (and trimmed at
/// the ends like any space).
fn collapse(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut space = false;
    for c in raw.chars() {
        if matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{c}') {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

/// The smallest element holding at least four of the six section headings,
/// each as an element of its own (a preamble that lists the six parts in
/// one sentence does not count).
fn report_root(root: ElementRef) -> Option<ElementRef> {
    let headings: Vec<(ElementRef, usize)> = root
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter_map(|e| {
            let text = short_text_of(e)?;
            crate::recognize::section_number(text.trim()).map(|n| (e, n))
        })
        .collect();
    let count = |e: ElementRef| {
        let mut found = [false; 6];
        for (h, n) in &headings {
            if h.ancestors().any(|a| a.id() == e.id()) || h.id() == e.id() {
                found[*n] = true;
            }
        }
        found.iter().filter(|f| **f).count()
    };
    let mut best = (count(root) >= 4).then_some(root)?;
    loop {
        let child = best
            .children()
            .filter_map(ElementRef::wrap)
            .find(|c| count(*c) >= 4);
        match child {
            Some(c) => best = c,
            None => return Some(best),
        }
    }
}

/// `发布机构：…`, `发文日期：…` and the `<h1>` title, wherever the page has them.
fn page_meta(html: &Html) -> DocMeta {
    let mut meta = DocMeta::default();
    let cells: Vec<ElementRef> = html
        .root_element()
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter(|e| {
            matches!(
                e.value().name(),
                "td" | "th"
                    | "span"
                    | "li"
                    | "p"
                    | "div"
                    | "dd"
                    | "dt"
                    | "label"
                    | "em"
                    | "b"
                    | "strong"
                    | "font"
            ) && !e.children().filter_map(ElementRef::wrap).any(|c| {
                matches!(
                    c.value().name(),
                    "td" | "th" | "div" | "p" | "li" | "table" | "tr"
                )
            })
        })
        .collect();
    let value_after = |i: usize, text: &str, key: &str| -> Option<String> {
        let rest = text
            .strip_prefix(key)?
            .trim_start_matches([':', '：', ' ', '\u{a0}'])
            .trim();
        if !rest.is_empty() {
            return Some(rest.to_owned());
        }
        cells
            .get(i + 1)
            .map(|n| text_of(*n).trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    for (i, c) in cells.iter().enumerate() {
        let text = text_of(*c);
        let text = text.trim();
        if text.chars().count() > 60 {
            continue;
        }
        for key in ["发布机构", "发文机关", "发布单位"] {
            if meta.agency.is_none() {
                meta.agency = value_after(i, text, key);
            }
        }
        for key in ["发文日期", "发布日期", "成文日期", "发布时间"] {
            if meta.published.is_none() {
                meta.published = value_after(i, text, key).and_then(|v| crate::read::iso_date(&v));
            }
        }
    }
    // A page title names its agency and year; a bare 政府信息公开工作年度报告
    // says nothing the report does not.
    let is_title = |t: &str| {
        fold(t).contains("年度报告")
            && t.chars().count() <= 60
            && t.chars().filter(char::is_ascii_digit).count() >= 4
    };
    meta.title = html
        .root_element()
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter(|e| matches!(e.value().name(), "h1" | "h2"))
        .map(text_of)
        .map(|t| t.trim().to_owned())
        .find(|t| is_title(t))
        .or_else(|| {
            html.root_element()
                .descendants()
                .filter_map(ElementRef::wrap)
                .find(|e| e.value().name() == "title")
                .map(text_of)
                .and_then(|t| t.split(['_', '|', '-']).next().map(|s| s.trim().to_owned()))
                .filter(|t| is_title(t))
        });
    meta
}

#[derive(Default)]
struct Walker {
    blocks: Vec<Block>,
    text: String,
    level: Option<u8>,
    paragraphs: u32,
    tables: u32,
}

impl Walker {
    fn flush(&mut self) {
        let text = self.text.trim().to_owned();
        self.text.clear();
        let level = self.level.take();
        if text.is_empty() {
            return;
        }
        self.paragraphs += 1;
        self.blocks.push(Block::Paragraph(Paragraph {
            text,
            level,
            body: false,
            loc: Loc::Paragraph(self.paragraphs),
        }));
    }

    fn walk(&mut self, e: ElementRef, depth: usize) -> Result<(), Error> {
        if depth > MAX_XML_DEPTH {
            return Err(Error::TooLarge {
                name: "MAX_XML_DEPTH",
                limit: MAX_XML_DEPTH as u64,
            });
        }
        for child in e.children() {
            match child.value() {
                Node::Text(t) => {
                    let piece = collapse(t);
                    if t.starts_with(char::is_whitespace) && !self.text.is_empty() {
                        self.text.push(' ');
                    }
                    self.text.push_str(piece.trim_start());
                    if t.ends_with(char::is_whitespace) && !piece.is_empty() {
                        self.text.push(' ');
                    }
                }
                Node::Element(el) => {
                    let Some(child) = ElementRef::wrap(child) else {
                        continue;
                    };
                    let name = el.name();
                    match name {
                        "script" | "style" | "noscript" | "head" | "button" | "select"
                        | "input" | "iframe" | "textarea" | "template" | "svg" => {}
                        "br" => self.flush(),
                        "table" => {
                            self.flush();
                            self.table(child)?;
                        }
                        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                            self.flush();
                            self.level = name[1..].parse().ok();
                            self.walk(child, depth + 1)?;
                            self.flush();
                        }
                        "p" | "div" | "li" | "section" | "article" | "blockquote" | "pre"
                        | "ul" | "ol" | "dl" | "dd" | "dt" | "center" | "header" | "footer"
                        | "main" | "tr" | "hr" => {
                            self.flush();
                            self.walk(child, depth + 1)?;
                            self.flush();
                        }
                        _ => self.walk(child, depth + 1)?,
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn table(&mut self, table: ElementRef) -> Result<(), Error> {
        self.tables += 1;
        let number = self.tables;
        let rows: Vec<ElementRef> = table
            .descendants()
            .filter_map(ElementRef::wrap)
            .filter(|e| e.value().name() == "tr")
            // Rows of this table, not of a table nested in one of its cells.
            .filter(|tr| nearest_table(*tr) == Some(table.id()))
            .collect();
        let mut out: Vec<Vec<TableCell>> = Vec::with_capacity(rows.len());
        // Columns still covered by a rowspan from above: col -> rows left.
        let mut covered: Vec<u32> = Vec::new();
        let mut cells_seen = 0usize;
        for (r, tr) in rows.iter().enumerate() {
            let mut col: u32 = 0;
            let mut cells = Vec::new();
            for td in tr
                .children()
                .filter_map(ElementRef::wrap)
                .filter(|c| matches!(c.value().name(), "td" | "th"))
            {
                cells_seen += 1;
                if cells_seen > MAX_TABLE_CELLS {
                    return Err(Error::TooLarge {
                        name: "MAX_TABLE_CELLS",
                        limit: MAX_TABLE_CELLS as u64,
                    });
                }
                while covered.get(col as usize).is_some_and(|&n| n > 0) {
                    col += 1;
                }
                let span = |name: &str| -> u32 {
                    td.value()
                        .attr(name)
                        .and_then(|v| v.trim().parse::<u32>().ok())
                        .unwrap_or(1)
                        .clamp(1, MAX_SPAN)
                };
                let (rowspan, colspan) = (span("rowspan"), span("colspan"));
                let needed = (col + colspan) as usize;
                if covered.len() < needed {
                    covered.resize(needed, 0);
                }
                for c in col..col + colspan {
                    covered[c as usize] = rowspan;
                }
                cells.push(TableCell {
                    text: cell_text(td),
                    col,
                    rowspan,
                    colspan,
                    loc: Loc::Cell {
                        table: number,
                        row: r as u32 + 1,
                        col: col + 1,
                    },
                });
                col += colspan;
            }
            for n in &mut covered {
                *n = n.saturating_sub(1);
            }
            out.push(cells);
        }
        self.blocks.push(Block::Table(Table {
            rows: out,
            spans_known: true,
        }));
        Ok(())
    }
}

fn nearest_table(e: ElementRef) -> Option<ego_tree::NodeId> {
    e.ancestors()
        .filter_map(ElementRef::wrap)
        .find(|a| a.value().name() == "table")
        .map(|a| a.id())
}

/// A cell's text: its `<br>`- and paragraph-separated lines, joined.
fn cell_text(td: ElementRef) -> String {
    let mut lines = vec![String::new()];
    fn walk(e: ElementRef, lines: &mut Vec<String>) {
        for child in e.children() {
            match child.value() {
                Node::Text(t) => {
                    if let Some(last) = lines.last_mut() {
                        last.push_str(&collapse(t));
                    }
                }
                Node::Element(el) => {
                    let Some(c) = ElementRef::wrap(child) else {
                        continue;
                    };
                    match el.name() {
                        "br" => lines.push(String::new()),
                        "p" | "div" | "li" | "tr" => {
                            lines.push(String::new());
                            walk(c, lines);
                            lines.push(String::new());
                        }
                        "td" | "th" => {
                            walk(c, lines);
                            if let Some(last) = lines.last_mut() {
                                last.push(' ');
                            }
                        }
                        "script" | "style" => {}
                        _ => walk(c, lines),
                    }
                }
                _ => {}
            }
        }
    }
    walk(td, &mut lines);
    join_lines(
        lines
            .iter()
            .map(|l| l.trim_matches(|c: char| c.is_whitespace())),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_breaks_and_blank_cells() {
        let page = r#"<html><body><table>
            <tr><td rowspan="2">自然人</td><td colspan="2">法人或<br>其他组织</td></tr>
            <tr><td>商业<br/>企业</td><td>&nbsp;</td></tr>
            <tr><td>1</td><td>2</td><td>3</td></tr></table></body></html>"#;
        let doc = read(page.as_bytes()).unwrap();
        let Block::Table(t) = &doc.blocks[0] else {
            panic!("{:?}", doc.blocks)
        };
        let shape = t.shape();
        assert_eq!(
            shape,
            [
                vec![
                    ("自然人".into(), 0, 2, 1),
                    ("法人或其他组织".into(), 1, 1, 2)
                ],
                vec![("商业企业".into(), 1, 1, 1), ("".into(), 2, 1, 1)],
                vec![
                    ("1".into(), 0, 1, 1),
                    ("2".into(), 1, 1, 1),
                    ("3".into(), 2, 1, 1)
                ],
            ]
        );
    }

    #[test]
    fn gbk_pages_decode_from_their_meta_charset() {
        let html =
            "<html><head><meta charset=\"gb2312\"></head><body><p>政府信息公开</p></body></html>";
        let (bytes, _, _) = encoding_rs::GBK.encode(html);
        let doc = read(&bytes).unwrap();
        assert!(matches!(&doc.blocks[0], Block::Paragraph(p) if p.text == "政府信息公开"));
    }

    #[test]
    fn paragraphs_split_at_blocks_and_breaks() {
        let doc =
            read("<div>一、总体情况<br>正文<p>第二段 <b>加粗</b></p></div>".as_bytes()).unwrap();
        let texts: Vec<&str> = doc
            .blocks
            .iter()
            .map(|b| match b {
                Block::Paragraph(p) => p.text.as_str(),
                Block::Table(_) => "",
            })
            .collect();
        assert_eq!(texts, ["一、总体情况", "正文", "第二段 加粗"]);
    }
}
