//! The PDF fixtures are present and sane: every committed PDF of
//! `tests/fixtures/pdf/` opens in poppler with the pages and labels its
//! manifest gives, and holds every number of its expected report; every
//! expected report validates; and every synthetic PDF of
//! `common::pdf_synth` is a valid PDF whose text layer is what its
//! expectation says.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::cargo_bin_cmd;
use common::pdf_synth::{self, Expected};
use common::{have, root};
use serde_json::Value;

fn dir() -> PathBuf {
    root().join("tests/fixtures/pdf")
}

/// The manifest: one entry per committed PDF.
fn manifest() -> Vec<Value> {
    let text = fs::read_to_string(dir().join("manifest.json")).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    v["fixtures"].as_array().unwrap().clone()
}

fn poppler() -> bool {
    have("pdftotext", &["-v"]) && have("pdfinfo", &["-v"]) && have("pdftoppm", &["-v"])
}

/// pdftotext's text of a file, and its standard error.
fn pdftotext(file: &Path, layout: bool) -> (String, String) {
    let mut cmd = Command::new("pdftotext");
    if layout {
        cmd.arg("-layout");
    }
    let out = cmd.arg(file).arg("-").output().unwrap();
    assert!(out.status.success(), "pdftotext {}", file.display());
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn page_count(file: &Path) -> u64 {
    let out = Command::new("pdfinfo").arg(file).output().unwrap();
    assert!(out.status.success(), "pdfinfo {}", file.display());
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page count for {}", file.display()))
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Every number of the report's tables, in order, as printed (integers as
/// is, the fee as written in the JSON).
fn table_numbers(report: &Value) -> Vec<String> {
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => m.values().for_each(|x| walk(x, out)),
            Value::Number(n) => out.push(n.to_string()),
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let Some(sections) = report["sections"].as_object() {
        for s in sections.values() {
            walk(&s["table"], &mut out);
        }
    }
    out
}

/// The expected report of a manifest entry.
fn expected_of(entry: &Value) -> Value {
    let name = entry["expected"].as_str().unwrap();
    serde_json::from_str(&fs::read_to_string(dir().join(name)).unwrap()).unwrap()
}

#[test]
fn the_manifest_lists_every_committed_pdf_and_json() {
    let listed: BTreeSet<String> = manifest()
        .iter()
        .flat_map(|f| {
            [
                f["pdf"].as_str().unwrap().to_string(),
                f["expected"].as_str().unwrap().to_string(),
            ]
        })
        .collect();
    let present: BTreeSet<String> = fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".pdf") || (n.ends_with(".json") && n != "manifest.json"))
        .collect();
    assert_eq!(listed, present);
    let total: u64 = manifest()
        .iter()
        .map(|f| {
            fs::metadata(dir().join(f["pdf"].as_str().unwrap()))
                .unwrap()
                .len()
        })
        .sum();
    assert!(total < 1_000_000, "the committed PDFs take {total} bytes");
}

#[test]
fn committed_pdfs_open_with_their_pages_labels_and_numbers() {
    if !poppler() {
        return;
    }
    for f in manifest() {
        let pdf = dir().join(f["pdf"].as_str().unwrap());
        let name = pdf.display().to_string();
        assert_eq!(
            Some(page_count(&pdf)),
            f["pages"].as_u64(),
            "{name}: page count"
        );
        let (text, _) = pdftotext(&pdf, false);
        let flat = squash(&text);
        for label in f["labels"].as_array().unwrap() {
            let label = label.as_str().unwrap();
            assert!(flat.contains(&squash(label)), "{name}: no {label}");
        }
        // Every number of the expected report is printed as a token of its own.
        let (layout, _) = pdftotext(&pdf, true);
        let tokens: BTreeSet<&str> = layout.split_whitespace().collect();
        let numbers = table_numbers(&expected_of(&f));
        assert!(numbers.len() > 10, "{name}: the report has no tables");
        for n in &numbers {
            assert!(tokens.contains(n.as_str()), "{name}: {n} is not printed");
        }
        // Each break: the text at the end of one page and the start of the next.
        for b in f["breaks"].as_array().unwrap() {
            let after = b["after_page"].as_u64().unwrap();
            let page = |p: u64| {
                let out = Command::new("pdftotext")
                    .args(["-layout", "-f", &p.to_string(), "-l", &p.to_string()])
                    .arg(&pdf)
                    .arg("-")
                    .output()
                    .unwrap();
                squash(&String::from_utf8_lossy(&out.stdout))
            };
            let (here, next) = (page(after), page(after + 1));
            let list = |key: &str| -> Vec<String> {
                b[key]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| squash(t.as_str().unwrap()))
                    .collect()
            };
            for t in list("page_has") {
                assert!(here.contains(&t), "{name}: p{after} lacks {t}");
            }
            for t in list("page_lacks") {
                assert!(!here.contains(&t), "{name}: p{after} has {t}");
            }
            for t in list("next_has") {
                assert!(next.contains(&t), "{name}: p{} lacks {t}", after + 1);
            }
        }
    }
}

#[test]
fn expected_reports_validate() {
    for f in manifest() {
        let json = dir().join(f["expected"].as_str().unwrap());
        let out = cargo_bin_cmd!("xxgk")
            .arg("validate")
            .arg(&json)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}: {}{}",
            json.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The LibreOffice fixtures hold one report with 200 pairwise distinct
/// numbers, so a number read into the wrong cell cannot pass.
#[test]
fn libreoffice_reports_have_distinct_numbers() {
    let mut seen = 0;
    for f in manifest() {
        if f["producer"].as_str() != Some("libreoffice") {
            continue;
        }
        let all = table_numbers(&expected_of(&f));
        let distinct: BTreeSet<&String> = all.iter().collect();
        assert_eq!(distinct.len(), all.len(), "{}", f["pdf"]);
        assert_eq!(all.len(), 200, "{}", f["pdf"]);
        seen += 1;
    }
    assert_eq!(seen, 3);
}

/// The Chromium fixture's expected report is what xxgk reads from the HTML
/// page that was printed (apart from meta.source).
#[test]
fn chromium_expected_report_is_the_html_reading() {
    let mut seen = 0;
    for f in manifest() {
        let Some(html) = f["source_html"].as_str() else {
            continue;
        };
        let out = cargo_bin_cmd!("xxgk")
            .arg("convert")
            .arg(root().join(html))
            .output()
            .unwrap();
        assert!(out.status.success());
        let mut read: Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut expected = expected_of(&f);
        read["meta"]["source"] = Value::Null;
        expected["meta"]["source"] = Value::Null;
        assert_eq!(read, expected, "{}", f["pdf"]);
        seen += 1;
    }
    assert!(seen >= 1);
}

/// Every expected grid is a full rectangle: each row covers every column
/// exactly once, so the expectation itself is well formed.
#[test]
fn synthetic_expectations_are_rectangular_grids() {
    for s in pdf_synth::all() {
        let grids = match &s.expected {
            Expected::Tables(g) => g.clone(),
            Expected::Undecodable { grid, .. }
            | Expected::NoRules { grid }
            | Expected::Continued { grid, .. } => vec![grid.clone()],
            Expected::NoTextLayer { .. } => Vec::new(),
        };
        for grid in grids {
            let placed = pdf_synth::place(&grid);
            let cols: usize = grid[0].iter().map(|c| c.2 as usize).sum();
            let mut covered = vec![vec![0u32; cols]; grid.len()];
            for (r, c, rs, cs, _) in placed {
                for row in covered.iter_mut().skip(r).take(rs) {
                    assert!(c + cs <= cols, "{}: cell past the last column", s.name);
                    for slot in row.iter_mut().skip(c).take(cs) {
                        *slot += 1;
                    }
                }
            }
            for (r, row) in covered.iter().enumerate() {
                assert!(
                    row.iter().all(|&n| n == 1),
                    "{}: row {r} covers {row:?}",
                    s.name
                );
            }
        }
        if let Expected::Continued { grid, blank } = &s.expected {
            assert_eq!(grid[blank.0][blank.1].0, "", "{}", s.name);
        }
    }
}

#[test]
fn synthetic_pdfs_load_render_and_hold_their_text() {
    let all = pdf_synth::all();
    assert_eq!(all.len(), 8);
    let tmp = tempfile::tempdir().unwrap();
    // XXGK_SYNTH_DIR=dir keeps the PDFs and their renders there, to look at.
    let out_dir = std::env::var_os("XXGK_SYNTH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| tmp.path().to_path_buf());
    let poppler = poppler();
    for s in all {
        assert!(s.bytes.starts_with(b"%PDF-1.7"), "{}", s.name);
        let doc = lopdf::Document::load_mem(&s.bytes).unwrap();
        let want_pages = if s.name == "blank-at-continuation" {
            2
        } else {
            1
        };
        assert_eq!(doc.get_pages().len(), want_pages, "{}", s.name);
        if !poppler {
            continue;
        }
        let file = out_dir.join(format!("{}.pdf", s.name));
        fs::write(&file, &s.bytes).unwrap();
        let (text, stderr) = pdftotext(&file, false);
        assert!(!stderr.contains("Syntax Error"), "{}: {stderr}", s.name);
        let flat = squash(&text);
        match &s.expected {
            Expected::NoTextLayer { .. } => {
                assert!(flat.is_empty(), "{}: text {flat:?}", s.name);
            }
            Expected::Undecodable { grid, .. } => {
                for t in pdf_synth::texts(grid) {
                    assert!(flat.contains(t), "{}: no {t}", s.name);
                }
                let full = pdf_synth::table4();
                for t in pdf_synth::texts(&full)
                    .into_iter()
                    .filter(|t| !t.is_ascii())
                {
                    assert!(!flat.contains(t), "{}: {t} was decoded", s.name);
                }
            }
            Expected::Tables(grids) => {
                for t in grids.iter().flat_map(pdf_synth::texts) {
                    assert!(flat.contains(&squash(t)), "{}: no {t} in {flat}", s.name);
                }
            }
            Expected::NoRules { grid } | Expected::Continued { grid, .. } => {
                for t in pdf_synth::texts(grid) {
                    assert!(flat.contains(&squash(t)), "{}: no {t} in {flat}", s.name);
                }
            }
        }
        let png = out_dir.join(s.name);
        let out = Command::new("pdftoppm")
            .args(["-r", "40", "-png"])
            .arg(&file)
            .arg(&png)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}: pdftoppm failed", s.name);
        // The CJK font has no program, so poppler draws nothing for it and
        // says so; that is expected. Any other complaint is not.
        let stderr = String::from_utf8_lossy(&out.stderr);
        let other = stderr
            .lines()
            .find(|l| !l.contains("non-embedded font using identity encoding"));
        assert_eq!(other, None, "{}: {stderr}", s.name);
    }
}
