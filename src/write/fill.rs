//! Filling an agency's own blank report form, which has no tags, by its
//! labels.
//!
//! The form is read like any report (the DOCX reader and the recognizer),
//! which places every table cell by its row and column labels. Each value of
//! the report then goes into the cell the recognizer found for it, as a run
//! that copies the cell's own paragraph and run properties; the placeholder
//! paragraphs under each section heading (`（文字描述）`) are replaced by the
//! report's paragraphs, which copy the placeholder's properties. Nothing else
//! changes: every other part of the package is copied as it is (compressed
//! bytes included), and in `word/document.xml` only the filled cells and the
//! replaced paragraphs differ.
//!
//! When the form and the data disagree (another edition, a row one of them
//! lacks), nothing is written unless partial filling is allowed; the
//! findings name each block, row and column by its label.

use std::collections::BTreeMap;
use std::io::{Cursor, Write};

use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::Value;

use crate::doc::Loc;
use crate::error::Error;
use crate::finding::{Finding, Severity};
use crate::layout::{self, Layout, SECTION_HEADINGS};
use crate::model::{Block, BlockKind, Report};
use crate::read::docx::{grid_before, grid_span, local, unread};
use crate::recognize::{self, Hints};
use crate::write::docx::{Rendered, SECTION_KEYS};
use crate::write::grid::cell_text;

const PART: &str = "word/document.xml";

/// A table cell of the form, as found in `document.xml`.
#[derive(Debug, Default, Clone)]
struct CellSpan {
    /// Where the cell's content after its `w:tcPr` starts, and where
    /// `</w:tc>` starts.
    start: usize,
    end: usize,
    /// The first paragraph's `w:pPr`, verbatim.
    ppr: String,
    /// Run properties for new text: the first run's, else the paragraph
    /// mark's.
    rpr: String,
    has_text: bool,
}

/// A paragraph outside tables.
#[derive(Debug, Default, Clone)]
struct ParaSpan {
    start: usize,
    end: usize,
    ppr: String,
    rpr: String,
    text: String,
}

/// What lies in the document's body, in order.
#[derive(Debug, Clone)]
enum Item {
    Para(ParaSpan),
    /// A table's byte range.
    Table(usize, usize),
}

#[derive(Default)]
struct Scan {
    items: Vec<Item>,
    /// (table, row, grid column), 1-based as the reader numbers them.
    cells: BTreeMap<(u32, u32, u32), CellSpan>,
}

/// Finds the body's paragraphs and tables and every table cell, numbered as
/// the DOCX reader numbers them.
fn scan(xml: &str) -> Result<Scan, Error> {
    let mut out = Scan::default();
    let mut reader = Reader::from_str(xml);
    let mut depth = 0usize;
    let mut skip: Option<usize> = None;
    // Open tables: (start, row, next grid column, is nested).
    let mut tables: Vec<(usize, u32, u32)> = Vec::new();
    let mut table_count = 0u32;
    let mut table_number: Vec<u32> = Vec::new();
    // The open cell (only cells of top-level tables are tracked).
    let mut cell: Option<(CellSpan, u32, u32)> = None;
    let mut span = 1u32;
    let mut para: Option<ParaSpan> = None;
    let mut para_depth = 0usize;
    let mut in_ppr: Option<usize> = None;
    let mut in_rpr: Option<usize> = None;
    let mut run_seen = false;
    let mut in_text = false;
    loop {
        let before = reader.buffer_position() as usize;
        let ev = reader.read_event().map_err(|e| Error::Corrupt {
            place: format!("{PART} at byte {before}"),
            message: e.to_string(),
        })?;
        let after = reader.buffer_position() as usize;
        match ev {
            Event::Eof => break,
            Event::DocType(_) => {
                return Err(Error::Corrupt {
                    place: PART.into(),
                    message: "a DOCTYPE is not allowed".into(),
                });
            }
            Event::Start(e) => {
                depth += 1;
                if depth > crate::read::docx::MAX_XML_DEPTH {
                    return Err(Error::TooLarge {
                        name: "MAX_XML_DEPTH",
                        limit: crate::read::docx::MAX_XML_DEPTH as u64,
                    });
                }
                if skip.is_some() {
                    continue;
                }
                let name = e.name();
                let n = local(name.as_ref());
                if unread(n) {
                    skip = Some(depth);
                    continue;
                }
                match n {
                    "tbl" => {
                        let nested = cell.is_some() || !table_number.is_empty();
                        if !nested {
                            table_count += 1;
                        }
                        table_number.push(if nested { 0 } else { table_count });
                        tables.push((before, 0, 0));
                    }
                    "tr" => {
                        if let Some(t) = tables.last_mut() {
                            t.1 += 1;
                            t.2 = 0;
                        }
                    }
                    "tc" if tables.len() == 1 => {
                        span = 1;
                        let (_, row, col) = tables[0];
                        cell = Some((
                            CellSpan {
                                start: after,
                                ..CellSpan::default()
                            },
                            row,
                            col,
                        ));
                    }
                    "p" if para.is_none() && tables.is_empty() => {
                        para = Some(ParaSpan {
                            start: before,
                            ..ParaSpan::default()
                        });
                        para_depth = depth;
                        run_seen = false;
                    }
                    "p" if tables.len() == 1
                        && cell.as_ref().is_some_and(|c| c.0.ppr.is_empty()) =>
                    {
                        run_seen = false;
                    }
                    "pPr" => in_ppr = Some(before),
                    "rPr" => in_rpr = Some(before),
                    "r" => {}
                    "t" => in_text = true,
                    _ => {}
                }
            }
            Event::Empty(e) if skip.is_none() => {
                let name = e.name();
                match local(name.as_ref()) {
                    "gridBefore" if tables.len() == 1 => {
                        tables[0].2 = tables[0].2.saturating_add(grid_before(&e));
                    }
                    "gridSpan" if tables.len() == 1 => span = grid_span(&e),
                    "pPr" => {
                        let text = &xml[before..after];
                        set_ppr(&mut para, &mut cell, text, run_seen);
                    }
                    _ => {}
                }
            }
            Event::End(e) => {
                if skip == Some(depth) {
                    skip = None;
                    depth -= 1;
                    continue;
                }
                depth = depth.saturating_sub(1);
                if skip.is_some() {
                    continue;
                }
                let name = e.name();
                match local(name.as_ref()) {
                    "t" => in_text = false,
                    "pPr" => {
                        if let Some(s) = in_ppr.take() {
                            set_ppr(&mut para, &mut cell, &xml[s..after], run_seen);
                        }
                    }
                    "rPr" => {
                        if let Some(s) = in_rpr.take() {
                            let text = &xml[s..after];
                            // A run's properties (not the paragraph mark's,
                            // which sit inside w:pPr and were taken with it).
                            if in_ppr.is_none() {
                                if let Some(p) = para.as_mut().filter(|p| p.rpr.is_empty()) {
                                    p.rpr = text.to_owned();
                                }
                                if let Some((c, _, _)) = cell.as_mut().filter(|c| !c.0.has_text) {
                                    c.rpr = text.to_owned();
                                }
                            }
                        }
                    }
                    "r" => run_seen = true,
                    "tcPr" => {
                        if let Some((c, _, _)) = cell.as_mut() {
                            c.start = after;
                        }
                    }
                    "tc" if tables.len() == 1 => {
                        if let Some((mut c, row, col)) = cell.take() {
                            c.end = before;
                            let number = table_number.first().copied().unwrap_or(0);
                            out.cells.insert((number, row, col + 1), c);
                            tables[0].2 = col.saturating_add(span);
                        }
                    }
                    "tbl" => {
                        if let Some((start, _, _)) = tables.pop() {
                            table_number.pop();
                            if tables.is_empty() && para.is_none() {
                                out.items.push(Item::Table(start, after));
                            }
                        }
                    }
                    "p" if para.is_some() && depth + 1 == para_depth => {
                        if let Some(mut p) = para.take() {
                            p.end = after;
                            out.items.push(Item::Para(p));
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) if in_text && skip.is_none() => {
                let t = t.xml_content(quick_xml::XmlVersion::Implicit1_0);
                if let Some(p) = para.as_mut() {
                    p.text.push_str(&t);
                }
                if let Some((c, _, _)) = cell.as_mut()
                    && !t.trim().is_empty()
                {
                    c.has_text = true;
                }
            }
            Event::GeneralRef(r) if in_text && skip.is_none() => {
                if let Some(ch) = crate::read::docx::ref_char(&r) {
                    if let Some(p) = para.as_mut() {
                        p.text.push(ch);
                    }
                    if let Some((c, _, _)) = cell.as_mut() {
                        c.has_text = true;
                    }
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// Keeps the first paragraph properties seen in a paragraph or cell, and the
/// paragraph mark's run properties as the fallback for new runs.
fn set_ppr(
    para: &mut Option<ParaSpan>,
    cell: &mut Option<(CellSpan, u32, u32)>,
    text: &str,
    run_seen: bool,
) {
    let mark = mark_rpr(text);
    if let Some(p) = para.as_mut().filter(|p| p.ppr.is_empty() && !run_seen) {
        p.ppr = text.to_owned();
        if p.rpr.is_empty() {
            p.rpr = mark.clone();
        }
    }
    if let Some((c, _, _)) = cell.as_mut().filter(|c| c.0.ppr.is_empty()) {
        c.ppr = text.to_owned();
        if c.rpr.is_empty() {
            c.rpr = mark;
        }
    }
}

/// The paragraph mark's `w:rPr` inside a `w:pPr`, as run properties: what
/// only a paragraph mark may carry (revision marks) left out.
fn mark_rpr(ppr: &str) -> String {
    let Some(start) = ppr.find("<w:rPr>").or_else(|| ppr.find("<w:rPr ")) else {
        return String::new();
    };
    let Some(len) = ppr[start..].find("</w:rPr>") else {
        return String::new();
    };
    let rpr = &ppr[start..start + len + "</w:rPr>".len()];
    strip_elements(
        rpr,
        &["w:ins", "w:del", "w:moveFrom", "w:moveTo", "w:rPrChange"],
    )
}

/// Removes elements (empty or not, not nested in themselves) by name.
fn strip_elements(xml: &str, names: &[&str]) -> String {
    let mut s = xml.to_owned();
    for name in names {
        loop {
            let open = format!("<{name}");
            let Some(i) = s.find(&open).filter(|&i| {
                s[i + open.len()..]
                    .chars()
                    .next()
                    .is_some_and(|c| c == ' ' || c == '>' || c == '/')
            }) else {
                break;
            };
            let rest = &s[i..];
            let tag_end = rest.find('>').map_or(rest.len(), |j| j + 1);
            let end = if rest[..tag_end].ends_with("/>") {
                i + tag_end
            } else {
                let close = format!("</{name}>");
                rest.find(&close).map_or(s.len(), |j| i + j + close.len())
            };
            s.replace_range(i..end, "");
        }
    }
    s
}

/// A paragraph's properties with the outline level that says what kind of
/// block it is: 9 (body text) for a paragraph, 1 (level 2) for a
/// sub-heading, put where the schema orders it.
fn with_outline(ppr: &str, level: u8) -> String {
    let tag = format!(r#"<w:outlineLvl w:val="{level}"/>"#);
    if ppr.is_empty() {
        return format!("<w:pPr>{tag}</w:pPr>");
    }
    let ppr = strip_elements(ppr, &["w:outlineLvl"]);
    if ppr.ends_with("/>") {
        // <w:pPr/>
        return format!("<w:pPr>{tag}</w:pPr>");
    }
    let at = [
        "<w:divId",
        "<w:cnfStyle",
        "<w:rPr",
        "<w:sectPr",
        "<w:pPrChange",
        "</w:pPr>",
    ]
    .iter()
    .filter_map(|t| ppr.find(t))
    .min()
    .unwrap_or(ppr.len());
    let mut out = ppr.clone();
    out.insert_str(at, &tag);
    out
}

/// A run of text with the given properties: line breaks and tabs as Word
/// writes them.
fn run(rpr: &str, text: &str) -> String {
    let mut out = String::from("<w:r>");
    out.push_str(rpr);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push_str("<w:br/>");
        }
        for (j, piece) in line.split('\t').enumerate() {
            if j > 0 {
                out.push_str("<w:tab/>");
            }
            if !piece.is_empty() {
                out.push_str(r#"<w:t xml:space="preserve">"#);
                out.push_str(&quick_xml::escape::escape(piece));
                out.push_str("</w:t>");
            }
        }
    }
    out.push_str("</w:r>");
    out
}

fn paragraph(ppr: &str, rpr: &str, text: &str) -> String {
    format!("<w:p>{ppr}{}</w:p>", run(rpr, text))
}

fn block_paragraph(sample: &ParaSpan, b: &Block) -> String {
    let level = match b.kind {
        BlockKind::Heading => 1,
        BlockKind::Paragraph => 9,
    };
    paragraph(&with_outline(&sample.ppr, level), &sample.rpr, &b.text)
}

fn problem(message: String, place: Option<layout::Place>, pointer: String) -> Finding {
    Finding {
        place,
        ..Finding::new("fill", "form", Severity::Error, pointer, message)
    }
}

/// Where the data and the form disagree.
fn compare(data: &Value, form: &Value, placed: &BTreeMap<&'static str, Loc>) -> Vec<Finding> {
    let mut out = Vec::new();
    let data_layouts = layout::used_by(data);
    let form_layouts = layout::used_by(form);
    let block_of = |l: &Layout| (l.table, l.block.map(|b| b.0));
    for l in &data_layouts {
        let twin = form_layouts.iter().find(|f| block_of(f) == block_of(l));
        match twin {
            None => out.push(problem(
                "the form has no such table or block".into(),
                Some(layout::Place {
                    table: l.title(),
                    ..layout::Place::default()
                }),
                l.pointer.to_owned(),
            )),
            Some(f) if f.edition != l.edition => out.push(problem(
                format!(
                    "the form follows the {} edition, the data the {} edition",
                    f.edition.map_or("?", |e| e.as_str()),
                    l.edition.map_or("?", |e| e.as_str())
                ),
                Some(layout::Place {
                    table: l.title(),
                    ..layout::Place::default()
                }),
                l.pointer.to_owned(),
            )),
            Some(_) => {
                for (r, row) in l.rows.iter().enumerate() {
                    let missing: Vec<&str> = (0..l.columns.len())
                        .filter(|&c| !placed.contains_key(l.pointer_at(r, c)))
                        .map(|c| l.columns[c].label)
                        .collect();
                    if !missing.is_empty() {
                        out.push(problem(
                            format!("the form has no cell for {}", missing.join("、")),
                            Some(layout::Place {
                                table: l.title(),
                                row: Some(l.row_label(row)),
                                column: None,
                            }),
                            l.cell_pointer(row, &l.columns[0]),
                        ));
                    }
                }
            }
        }
    }
    for f in &form_layouts {
        if !data_layouts.iter().any(|l| block_of(l) == block_of(f)) {
            out.push(problem(
                "the data has no such table or block, which the form has".into(),
                Some(layout::Place {
                    table: f.title(),
                    ..layout::Place::default()
                }),
                f.pointer.to_owned(),
            ));
        }
    }
    // Rows neither national edition has: the form's, or the data's.
    for (who, v) in [("data", data), ("form", form)] {
        for (key, title) in [
            ("proactive", SECTION_HEADINGS[1]),
            ("applications", SECTION_HEADINGS[2]),
        ] {
            let pointer = format!("/sections/{key}/table/extra_rows");
            if let Some(rows) = v.pointer(&pointer).and_then(Value::as_array) {
                for (i, r) in rows.iter().enumerate() {
                    let label = r.get("label").and_then(Value::as_str).unwrap_or("");
                    out.push(problem(
                        format!(
                            "a row the national form does not have, in the {who} only; it is not placed"
                        ),
                        Some(layout::Place {
                            table: title.to_owned(),
                            row: Some(label.to_owned()),
                            column: None,
                        }),
                        format!("{pointer}/{i}"),
                    ));
                }
            }
        }
    }
    out
}

/// Fills a form with a report. `allow_partial` fills what matches when the
/// form and the data disagree; otherwise that is an error listing where.
pub fn fill(
    report: &Report,
    form: &[u8],
    name: &str,
    allow_partial: bool,
) -> Result<Rendered, Error> {
    let data = serde_json::to_value(report)
        .map_err(|e| Error::Usage(format!("cannot serialise report: {e}")))?;
    crate::write::docx::check_xml_chars(&data, "a Word document")?;
    crate::write::docx::check_cell_texts(&data)?;
    let doc = crate::read::docx::read(form)?;
    let recognized = recognize::recognize(&doc, &Hints::default());
    let form_value = serde_json::to_value(&recognized.report)
        .map_err(|e| Error::Usage(format!("cannot serialise the form: {e}")))?;
    let placed = recognized.sources;
    let mut findings = compare(&data, &form_value, &placed);
    // Sections the data has and the form lacks.
    for (i, key) in SECTION_KEYS.iter().enumerate() {
        if data.pointer(&format!("/sections/{key}")).is_some()
            && form_value.pointer(&format!("/sections/{key}")).is_none()
        {
            findings.push(problem(
                format!("the form has no section {}", SECTION_HEADINGS[i]),
                None,
                format!("/sections/{key}"),
            ));
        }
    }
    if !findings.is_empty() && !allow_partial {
        return Err(Error::Invalid { findings });
    }
    for f in &mut findings {
        f.severity = Severity::Warning;
    }

    let mut zip = crate::read::docx::open(form)?;
    let xml = crate::read::docx::part_bytes(&mut zip, PART, &mut Default::default())?.ok_or_else(
        || Error::Corrupt {
            place: name.to_owned(),
            message: "no word/document.xml".into(),
        },
    )?;
    let xml = String::from_utf8(xml).map_err(|_| Error::Corrupt {
        place: format!("{name} {PART}"),
        message: "not UTF-8".into(),
    })?;
    let scan = scan(&xml)?;
    let mut edits: Vec<(usize, usize, String)> = Vec::new();

    // Table cells.
    for l in layout::used_by(&data) {
        for r in 0..l.rows.len() {
            for c in 0..l.columns.len() {
                let pointer = l.pointer_at(r, c);
                let Some(Loc::Cell { table, row, col }) = placed.get(pointer).copied() else {
                    continue;
                };
                let Some(span) = scan.cells.get(&(table, row, col)) else {
                    continue;
                };
                let text = cell_text(data.pointer(pointer));
                if text.is_empty() && !span.has_text {
                    continue;
                }
                let content = if text.is_empty() {
                    format!("<w:p>{}</w:p>", span.ppr)
                } else {
                    paragraph(&span.ppr, &span.rpr, &text)
                };
                edits.push((span.start, span.end, content));
            }
        }
    }

    // Narrative: the title, the preamble and each section's paragraphs.
    let paras: Vec<(usize, &ParaSpan)> = scan
        .items
        .iter()
        .enumerate()
        .filter_map(|(i, it)| match it {
            Item::Para(p) => Some((i, p)),
            Item::Table(..) => None,
        })
        .collect();
    let heading_at = |text: &str| recognize::section_index(text.trim());
    let first_heading = scan
        .items
        .iter()
        .position(|it| matches!(it, Item::Para(p) if heading_at(&p.text).is_some()))
        .unwrap_or(scan.items.len());
    // The sample for new paragraphs: the form's first placeholder, else any
    // paragraph with text after the first heading.
    let placeholder = |i: usize| -> Option<&ParaSpan> {
        match scan.items.get(i) {
            Some(Item::Para(p)) if !p.text.trim().is_empty() && heading_at(&p.text).is_none() => {
                Some(p)
            }
            _ => None,
        }
    };
    let sample = (first_heading..scan.items.len())
        .find_map(placeholder)
        .or_else(|| {
            paras
                .iter()
                .map(|(_, p)| *p)
                .find(|p| !p.text.trim().is_empty())
        })
        .cloned()
        .unwrap_or_default();

    let form_title = recognized.report.meta.title.as_deref();
    let title_para = paras
        .iter()
        .filter(|(i, _)| *i < first_heading)
        .find(|(_, p)| Some(p.text.trim()) == form_title);
    let mut preamble_at = None;
    let mut form_preamble: Vec<&ParaSpan> = Vec::new();
    for (i, p) in &paras {
        if *i >= first_heading {
            break;
        }
        if title_para.is_some_and(|(t, _)| t == i) || p.text.trim().is_empty() {
            continue;
        }
        form_preamble.push(p);
    }
    match (title_para, report.meta.title.as_deref()) {
        (Some((_, p)), Some(t)) => {
            edits.push((p.start, p.end, paragraph(&p.ppr, &p.rpr, t)));
            preamble_at = Some(p.end);
        }
        (Some((_, p)), None) => {
            edits.push((p.start, p.end, format!("<w:p>{}</w:p>", p.ppr)));
            preamble_at = Some(p.end);
        }
        (None, Some(_)) => findings.push(Finding {
            severity: Severity::Warning,
            ..problem(
                "the form has no title paragraph; the title is not printed".into(),
                None,
                "/meta/title".into(),
            )
        }),
        (None, None) => {}
    }
    let preamble: String = report
        .preamble
        .iter()
        .map(|b| block_paragraph(&sample, b))
        .collect();
    replace_run_of_paragraphs(
        &mut edits,
        &form_preamble,
        preamble,
        preamble_at.or_else(|| {
            scan.items.first().map(|it| match it {
                Item::Para(p) => p.start,
                Item::Table(s, _) => *s,
            })
        }),
    );

    for (sec, key) in SECTION_KEYS.iter().enumerate() {
        let Some(section) = data.pointer(&format!("/sections/{key}")) else {
            continue;
        };
        let Some(h) = scan
            .items
            .iter()
            .position(|it| matches!(it, Item::Para(p) if heading_at(&p.text) == Some(sec)))
        else {
            continue;
        };
        let Item::Para(heading) = &scan.items[h] else {
            continue;
        };
        if let Some(text) = section.get("heading").and_then(Value::as_str)
            && text != heading.text.trim()
        {
            edits.push((
                heading.start,
                heading.end,
                paragraph(&heading.ppr, &heading.rpr, text),
            ));
        }
        let blocks = |field: &str| -> Vec<Block> {
            section
                .get(field)
                .and_then(|v| serde_json::from_value(v.clone()).ok())
                .unwrap_or_default()
        };
        let body: String = blocks("body")
            .iter()
            .map(|b| block_paragraph(&sample, b))
            .collect();
        let notes: String = blocks("notes")
            .iter()
            .map(|b| block_paragraph(&sample, b))
            .collect();
        // The form's own text under the heading, up to the next heading or
        // table, is placeholder text.
        let mut placeholders = Vec::new();
        let mut table_end = None;
        for it in &scan.items[h + 1..] {
            match it {
                Item::Para(p) if heading_at(&p.text).is_some() => break,
                Item::Para(p) if table_end.is_none() && !p.text.trim().is_empty() => {
                    placeholders.push(p)
                }
                Item::Para(_) => {}
                Item::Table(_, end) => {
                    table_end = Some(*end);
                }
            }
        }
        replace_run_of_paragraphs(&mut edits, &placeholders, body, Some(heading.end));
        if !notes.is_empty() {
            match table_end {
                Some(end) => edits.push((end, end, notes)),
                None => edits.push((heading.end, heading.end, notes)),
            }
        }
    }

    edits.sort_by_key(|e| (e.0, e.1));
    let mut out = String::with_capacity(xml.len() + 4096);
    let mut last = 0;
    for (start, end, text) in &edits {
        if *start < last {
            return Err(Error::Usage(format!(
                "{name}: two changes to the form overlap at byte {start}; the form is laid out in a way the filler does not handle"
            )));
        }
        out.push_str(&xml[last..*start]);
        out.push_str(text);
        last = *end;
    }
    out.push_str(&xml[last..]);

    let bytes = repack(form, &out, name)?;
    Ok(Rendered { bytes, findings })
}

/// Replaces the paragraphs of `old` (placeholders) by `new`; with no
/// placeholders, puts `new` at `at`.
fn replace_run_of_paragraphs(
    edits: &mut Vec<(usize, usize, String)>,
    old: &[&ParaSpan],
    new: String,
    at: Option<usize>,
) {
    match old.split_first() {
        Some((first, rest)) => {
            edits.push((first.start, first.end, new));
            for p in rest {
                edits.push((p.start, p.end, String::new()));
            }
        }
        None if !new.is_empty() => {
            if let Some(at) = at {
                edits.push((at, at, new));
            }
        }
        None => {}
    }
}

/// The form's package with a new `word/document.xml`; every other entry is
/// copied as it is, compressed bytes included, in the same order.
fn repack(form: &[u8], document: &str, name: &str) -> Result<Vec<u8>, Error> {
    let mut zip = crate::read::docx::open(form)?;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let io = |e: zip::result::ZipError| Error::Usage(format!("cannot write the DOCX package: {e}"));
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| Error::Corrupt {
            place: name.to_owned(),
            message: e.to_string(),
        })?;
        let entry_name = entry.name().map_err(|e| Error::Corrupt {
            place: name.to_owned(),
            message: e.to_string(),
        })?;
        if entry_name == PART {
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .last_modified_time(entry.last_modified().unwrap_or_default());
            drop(entry);
            out.start_file(PART, options).map_err(io)?;
            out.write_all(document.as_bytes())
                .map_err(|e| Error::Usage(format!("cannot write the DOCX package: {e}")))?;
        } else {
            out.raw_copy_file(entry).map_err(io)?;
        }
    }
    Ok(out.finish().map_err(io)?.into_inner())
}
