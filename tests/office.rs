//! Generated DOCX files open in real office software: LibreOffice turns
//! them into PDF with every official label and every value on the pages, in
//! table order; python-docx reads the same tables.
//!
//! LibreOffice (soffice), poppler (pdftotext) and python-docx are installed
//! by `.ci/run`; where one is missing these tests fail, unless
//! XXGK_SKIP_PEER_TESTS=1 says to skip them on purpose.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

use assert_cmd::cargo::cargo_bin_cmd;
use common::have;
use serde_json::Value;
use xxgk::layout::{self, SECTION_HEADINGS, T2_LABEL_HEADER, T3_HEADER, T3_NOTE, T4_HEADER};
use xxgk::write::grid::cell_text;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const REPORTS: [&str; 2] = ["seed-2020-hengyang.json", "huaian-2024.json"];

/// Writes each report as DOCX with the CLI, into `dir`.
fn write_docx(dir: &Path) -> Vec<(Value, PathBuf)> {
    REPORTS
        .iter()
        .map(|name| {
            let input = root().join("tests/fixtures/valid").join(name);
            let out = dir.join(name.replace(".json", ".docx"));
            cargo_bin_cmd!("xxgk")
                .args(["convert"])
                .arg(&input)
                .arg("-o")
                .arg(&out)
                .assert()
                .success();
            let value: Value = serde_json::from_str(&fs::read_to_string(&input).unwrap()).unwrap();
            (value, out)
        })
        .collect()
}

/// Text with every kind of whitespace removed, so that a label wrapped
/// inside its cell still matches.
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Every label the report's tables print.
fn labels(report: &Value) -> Vec<&'static str> {
    let mut out: Vec<&str> = SECTION_HEADINGS.to_vec();
    out.extend([T3_NOTE, T2_LABEL_HEADER]);
    for tree in [T3_HEADER, T4_HEADER] {
        out.extend(layout::level_order(tree).iter().map(|n| n.label));
    }
    for l in layout::used_by(report) {
        out.extend(l.rows.iter().map(|r| r.label));
        out.extend(l.groups.iter().map(|g| g.label));
        out.extend(l.columns.iter().map(|c| c.label));
        out.extend(l.block.map(|(_, t)| t));
    }
    out
}

/// Each printed row of values, joined: table 3's and table 2's rows, and
/// table 4's single row of fifteen.
fn value_rows(report: &Value) -> Vec<String> {
    let mut rows = Vec::new();
    let mut t4 = String::new();
    for l in layout::used_by(report) {
        for r in 0..l.rows.len() {
            let row: String = (0..l.columns.len())
                .map(|c| cell_text(report.pointer(l.pointer_at(r, c))))
                .collect();
            if l.table == layout::TableId::Reviews {
                t4.push_str(&row);
            } else {
                rows.push(squeeze(&row));
            }
        }
    }
    rows.push(t4);
    rows
}

/// Whether a label is on the pages: whole, or (a merged cell that a page
/// break divides) its start on one page and the rest on the next.
fn printed(text: &str, pages: &[String], label: &str) -> bool {
    if text.contains(label) {
        return true;
    }
    let chars: Vec<(usize, char)> = label.char_indices().collect();
    pages.windows(2).any(|w| {
        chars
            .iter()
            .skip(1)
            .any(|(i, _)| w[0].contains(&label[..*i]) && w[1].contains(&label[*i..]))
    })
}

#[test]
fn libreoffice_prints_every_label_and_every_value_in_order() {
    if !have("soffice", &["--version"]) || !have("pdftotext", &["-v"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let written = write_docx(dir.path());
    let profile = dir.path().join("profile");
    let status = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .args(written.iter().map(|(_, p)| p))
        .output()
        .unwrap();
    assert!(status.status.success(), "{status:?}");
    for (report, docx) in &written {
        let pdf = docx.with_extension("pdf");
        let out = Command::new("pdftotext")
            .args(["-raw", "-enc", "UTF-8"])
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap();
        assert!(out.status.success());
        let raw = String::from_utf8(out.stdout).unwrap();
        let pages: Vec<String> = raw.split('\u{c}').map(squeeze).collect();
        let text = squeeze(&raw);
        let name = docx.display();
        for label in labels(report) {
            assert!(
                printed(&text, &pages, &squeeze(label)),
                "{name}: no “{label}” in the PDF"
            );
        }
        for row in value_rows(report) {
            assert!(
                text.contains(&row),
                "{name}: the values “{row}” are not in the PDF in order"
            );
        }
        let title = report["meta"]["title"].as_str();
        if let Some(title) = title {
            assert!(text.contains(&squeeze(title)), "{name}: no title");
        }
        // The footer's page numbers, — 1 — style.
        assert!(text.contains("—1—"), "{name}: no page number");
    }
}

#[test]
fn python_docx_reads_the_same_tables() {
    if !have("python3", &["-c", "import docx"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (report, docx) in write_docx(dir.path()) {
        let script = r#"
import json, sys, docx
d = docx.Document(sys.argv[1])
out = []
for t in d.tables:
    rows = []
    for r in t.rows:
        cells = []
        for c in r.cells:
            cells.append(c.text)
        rows.append(cells)
    out.append(rows)
print(json.dumps(out, ensure_ascii=False))
"#;
        let tables: Vec<Vec<Vec<String>>> =
            serde_json::from_slice(&common::python(script, &docx)).unwrap();
        assert_eq!(tables.len(), 3, "{}", docx.display());
        // python-docx repeats a merged cell in each row it covers; the
        // values are the cells that differ from their left neighbour's
        // merge, so compare the rows' value cells from the right.
        let t3 = &tables[1];
        let l = layout::used_by(&report)
            .into_iter()
            .find(|l| l.table == layout::TableId::Applications)
            .unwrap();
        assert_eq!(
            t3.len(),
            3 + l.rows.len()
                + report["sections"]["applications"]["table"]["extra_rows"]
                    .as_array()
                    .map_or(0, Vec::len)
        );
        for (r, row) in l.rows.iter().enumerate() {
            let printed = &t3[3 + r];
            assert_eq!(printed.len(), 10);
            assert!(printed[..3].iter().any(|c| c == row.label), "{printed:?}");
            for c in 0..7 {
                assert_eq!(
                    printed[3 + c],
                    cell_text(report.pointer(l.pointer_at(r, c)))
                );
            }
        }
        let t4 = &tables[2];
        assert_eq!(t4.len(), 4);
        assert_eq!(t4[0][0], "行政复议");
        assert_eq!(t4[3].len(), 15);
    }
}
