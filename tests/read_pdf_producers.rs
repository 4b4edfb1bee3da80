//! The PDF reader on PDFs of other producers than the published ones:
//! the filled official form printed by LibreOffice with the page break in
//! three places, a report web page printed by Chromium, and synthetic PDFs
//! built with lopdf (`common::pdf_synth`). Each against the data it was
//! made from.

mod common;

use std::fs;

use common::pdf_synth::{self, Expected, Grid};
use serde_json::Value;
use xxgk::convert::{Hints, load_with};
use xxgk::doc::{Block, Doc};
use xxgk::{Checked, Format};

fn pdf(name: &str) -> Vec<u8> {
    let path = common::root().join("tests/fixtures/pdf").join(name);
    fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn expected(name: &str) -> Value {
    let path = common::root()
        .join("tests/fixtures/pdf")
        .join(name.replace(".pdf", ".json"));
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

fn load(name: &str) -> Checked {
    let hints = Hints {
        file: Some(name.to_owned()),
        ..Hints::default()
    };
    load_with(&pdf(name), Format::Pdf, &hints).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The report without `meta.source`, which names the file read.
fn report(checked: &Checked) -> Value {
    let mut v = serde_json::to_value(&checked.report).unwrap();
    if let Some(meta) = v.get_mut("meta").and_then(Value::as_object_mut) {
        meta.remove("source");
    }
    v
}

fn warned(checked: &Checked, rule: &str) -> Vec<String> {
    checked
        .findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| f.message.clone())
        .collect()
}

#[test]
fn the_form_printed_by_libreoffice_reads_back_whole_wherever_the_page_breaks() {
    for name in [
        "libreoffice-form-clean-break.pdf",
        "libreoffice-form-row-split.pdf",
        "libreoffice-form-header-split.pdf",
    ] {
        let checked = load(name);
        let mut want = expected(name);
        if let Some(meta) = want.get_mut("meta").and_then(Value::as_object_mut) {
            meta.remove("source");
        }
        common::assert_same(name, report(&checked), want);
        // Every number is placed: no value left over, no row missing.
        for rule in ["unplaced", "missing", "count"] {
            assert!(warned(&checked, rule).is_empty(), "{name}: {rule} warnings");
        }
        // Each merge across a page break that was inferred is said.
        let breaks = warned(&checked, "pdf_page_break");
        assert!(!breaks.is_empty(), "{name}: no page-break warning");
    }
    // Where the row itself broke, the two halves of the label are joined
    // and the warning says why.
    let breaks = warned(&load("libreoffice-form-row-split.pdf"), "pdf_page_break").join("\n");
    assert!(breaks.contains("the row itself was broken"), "{breaks}");
    // Table 4's header split over two pages is read as one header.
    let breaks = warned(&load("libreoffice-form-header-split.pdf"), "pdf_page_break").join("\n");
    assert!(breaks.contains("\"维持\""), "{breaks}");
}

#[test]
fn a_report_page_printed_by_chromium_reads_its_tables_and_sections() {
    let name = "chromium-hongze-2024.pdf";
    let checked = load(name);
    let got = report(&checked);
    let want = expected(name);
    // Every table cell, and the six sections' headings and text. The
    // page's own navigation and footer are printed text like the report's,
    // and stay in the preamble and after the last section.
    for key in [
        "overview",
        "proactive",
        "applications",
        "reviews",
        "problems",
    ] {
        common::assert_same(
            &format!("{name} {key}"),
            got["sections"][key].clone(),
            want["sections"][key].clone(),
        );
    }
    assert_eq!(
        got["sections"]["other"]["heading"],
        want["sections"]["other"]["heading"]
    );
    assert_eq!(
        got["sections"]["other"]["body"][0],
        want["sections"]["other"]["body"][0]
    );
    // Chromium names many glyphs by CJK radicals; they are read as the
    // ideographs, and the reading says so.
    let radicals = warned(&checked, "pdf_radicals");
    assert_eq!(radicals.len(), 1, "{radicals:?}");
    let text = serde_json::to_string(&got).unwrap();
    for radical in ['⼈', '⺠', '⼀', '⼗', '⻚'] {
        assert!(!text.contains(radical), "{radical} left in the report");
    }
}

/// A document's tables as grids of (text, rowspan, colspan).
fn grids(doc: &Doc) -> Vec<Vec<Vec<(String, u32, u32)>>> {
    doc.blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table(t) => Some(
                t.rows
                    .iter()
                    .map(|r| {
                        r.iter()
                            .map(|c| (c.text.clone(), c.rowspan, c.colspan))
                            .collect()
                    })
                    .collect(),
            ),
            Block::Paragraph(_) => None,
        })
        .collect()
}

fn owned(grid: &Grid) -> Vec<Vec<(String, u32, u32)>> {
    grid.iter()
        .map(|r| {
            r.iter()
                .map(|&(t, rs, cs)| (t.to_owned(), rs, cs))
                .collect()
        })
        .collect()
}

/// A grid with the columns where no cell starts taken out, each column
/// span counted in the columns that remain: the same table, however many
/// grid lines it was drawn with (the reader keeps only boundaries that
/// some cell starts at).
fn compact(grid: &[Vec<(String, u32, u32)>]) -> Vec<Vec<(String, u32, u32)>> {
    let placed = pdf_synth::place(grid);
    let mut starts: Vec<usize> = placed.iter().map(|p| p.1).collect();
    starts.sort_unstable();
    starts.dedup();
    let mut out: Vec<Vec<(String, u32, u32)>> = vec![Vec::new(); grid.len()];
    for (r, c0, rs, cs, text) in placed {
        let span = starts.iter().filter(|s| (c0..c0 + cs).contains(s)).count();
        out[r].push((text, rs as u32, span as u32));
    }
    out
}

fn notes(doc: &Doc) -> Vec<(&'static str, String)> {
    doc.notes
        .iter()
        .map(|n| (n.code, n.message.clone()))
        .collect()
}

#[test]
fn synthetic_pdfs_read_as_drawn_or_say_why_not() {
    for synth in pdf_synth::all() {
        let name = synth.name;
        let read = xxgk::read::pdf::read(&synth.bytes);
        match &synth.expected {
            Expected::Tables(want) => {
                let doc = read.unwrap_or_else(|e| panic!("{name}: {e}"));
                let want: Vec<_> = want.iter().map(|g| compact(&owned(g))).collect();
                let got: Vec<_> = grids(&doc).iter().map(|g| compact(g)).collect();
                assert_eq!(got, want, "{name}: {}", synth.what);
            }
            Expected::NoTextLayer { page } => {
                let err = read.expect_err(name).to_string();
                assert!(err.contains("no text layer"), "{name}: {err}");
                assert!(err.contains(&format!("p.{page}")), "{name}: {err}");
            }
            Expected::Undecodable { font, grid } => {
                let doc = read.unwrap_or_else(|e| panic!("{name}: {e}"));
                let notes = notes(&doc);
                // Named by the font's own name (its BaseFont), which is what a
                // user can look up, rather than by the page's resource key.
                assert!(
                    notes
                        .iter()
                        .any(|(c, m)| *c == "pdf_font" && m.contains("undecodable")),
                    "{name} ({font}): {notes:?}"
                );
                // The digits, drawn in a font with Unicode, are still read.
                let digits: Vec<&str> = pdf_synth::texts(grid)
                    .into_iter()
                    .filter(|t| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit()))
                    .collect();
                let read: Vec<String> = grids(&doc)
                    .into_iter()
                    .flatten()
                    .flatten()
                    .map(|c| c.0)
                    .collect();
                for d in digits {
                    assert!(read.iter().any(|t| t == d), "{name}: {d} not read");
                }
            }
            Expected::NoRules { .. } => {
                let doc = read.unwrap_or_else(|e| panic!("{name}: {e}"));
                let notes = notes(&doc);
                assert!(
                    notes.iter().any(|(c, _)| *c == "pdf_unruled_table"),
                    "{name}: {notes:?}"
                );
            }
            Expected::Continued { grid, blank } => {
                let doc = read.unwrap_or_else(|e| panic!("{name}: {e}"));
                let got: Vec<_> = grids(&doc).iter().map(|g| compact(g)).collect();
                assert_eq!(got, vec![compact(&owned(grid))], "{name}: {}", synth.what);
                let (r, c) = *blank;
                assert_eq!(
                    grid.get(r).and_then(|row| row.get(c)).map(|x| x.0),
                    Some(""),
                    "{name}: the blank cell"
                );
            }
        }
    }
}
