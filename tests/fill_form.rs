//! Filling a real blank report form (made in Word/WPS, no tags) by its
//! labels: the filled form reads back to the report, changes only the cells
//! and placeholder paragraphs, and opens in LibreOffice with the numbers at
//! their labels.

mod common;

use std::fs;
use std::path::PathBuf;
use std::process::Command;

use assert_cmd::cargo::cargo_bin_cmd;
use common::{entry_map, fixture, root};
use predicates::prelude::*;
use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::Value;
use xxgk::convert::WriteOptions;
use xxgk::layout;
use xxgk::write::grid::cell_text;
use xxgk::write::template;
use xxgk::{Format, load};

/// The real blank form, beside the checkout.
fn form_path() -> PathBuf {
    root().join("../shared/corpus/public/zxj6827111-blip+govnianbao/政务公开年报模版.docx")
}

fn fill(value: &Value, allow_partial: bool) -> Result<xxgk::convert::Written, xxgk::Error> {
    let checked = load(&serde_json::to_vec(value).unwrap(), Format::Json).unwrap();
    let t = template::load(&form_path()).unwrap();
    assert!(t.form.is_some(), "the form has no tags, so it is a form");
    checked.write(
        Format::Docx,
        &WriteOptions {
            template: Some(t),
            allow_partial,
            ..WriteOptions::default()
        },
    )
}

#[test]
fn a_complete_2021_report_fills_the_form_and_reads_back() {
    let value = fixture("huaian-2024.json");
    let filled = fill(&value, false).unwrap();
    assert!(filled.findings.is_empty(), "{:?}", filled.findings);
    let back = load(&filled.bytes, Format::Docx).unwrap().report;
    let want = load(&serde_json::to_vec(&value).unwrap(), Format::Json)
        .unwrap()
        .report;
    assert_eq!(back.sections, want.sections);
    assert_eq!(back.preamble, want.preamble);
    assert_eq!(back.meta.title, want.meta.title);
    assert_eq!(back.meta.agency, want.meta.agency);
    assert_eq!(back.meta.year, want.meta.year);
}

/// The body's top-level children, each as its XML text.
fn body_children(xml: &str) -> Vec<String> {
    let mut reader = Reader::from_str(xml);
    let mut depth = 0;
    let mut out = Vec::new();
    let mut start = 0;
    loop {
        let before = reader.buffer_position() as usize;
        let ev = reader.read_event().unwrap();
        let after = reader.buffer_position() as usize;
        match ev {
            Event::Start(_) => {
                depth += 1;
                if depth == 3 {
                    start = before;
                }
            }
            Event::Empty(_) if depth == 2 => out.push(xml[before..after].to_owned()),
            Event::End(_) => {
                if depth == 3 {
                    out.push(xml[start..after].to_owned());
                }
                depth -= 1;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

/// The text of an XML fragment's `w:t` nodes.
fn text_of(fragment: &str) -> String {
    let mut reader = Reader::from_str(fragment);
    let mut in_t = false;
    let mut s = String::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if e.name().as_ref() == "w:t" => in_t = true,
            Ok(Event::End(e)) if e.name().as_ref() == "w:t" => in_t = false,
            Ok(Event::Text(t)) if in_t => {
                s.push_str(&t.xml_content(quick_xml::XmlVersion::Implicit1_0))
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    s
}

/// The `w:tc` elements of a table, row by row.
fn cells(table: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut rest = table;
    while let Some(i) = rest.find("<w:tr") {
        let end = rest[i..].find("</w:tr>").unwrap() + i;
        let row = &rest[i..end];
        let mut cs = Vec::new();
        let mut r = row;
        while let Some(j) = r.find("<w:tc>").or_else(|| r.find("<w:tc ")) {
            let e = r[j..].find("</w:tc>").unwrap() + j + "</w:tc>".len();
            cs.push(r[j..e].to_owned());
            r = &r[e..];
        }
        rows.push(cs);
        rest = &rest[end..];
    }
    rows
}

fn tc_pr(cell: &str) -> &str {
    match (cell.find("<w:tcPr>"), cell.find("</w:tcPr>")) {
        (Some(a), Some(b)) => &cell[a..b],
        _ => "",
    }
}

#[test]
fn only_the_filled_cells_and_the_placeholder_paragraphs_change() {
    let value = fixture("huaian-2024.json");
    let filled = fill(&value, false).unwrap().bytes;
    let before = entry_map(&fs::read(form_path()).unwrap());
    let after = entry_map(&filled);
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &before {
        if name != "word/document.xml" {
            assert!(after[name] == *bytes, "{name} changed");
        }
    }
    let o = body_children(std::str::from_utf8(&before["word/document.xml"]).unwrap());
    let f = body_children(std::str::from_utf8(&after["word/document.xml"]).unwrap());
    // Every text the report adds as a paragraph.
    let mut narrative: Vec<String> = vec![value["meta"]["title"].as_str().unwrap().to_owned()];
    let mut blocks: Vec<&Value> = value["preamble"].as_array().unwrap().iter().collect();
    for s in value["sections"].as_object().unwrap().values() {
        for k in ["body", "notes"] {
            blocks.extend(s[k].as_array().into_iter().flatten());
        }
    }
    narrative.extend(
        blocks
            .iter()
            .map(|b| b["text"].as_str().unwrap().to_owned()),
    );
    let placeholder =
        |text: &str| text.starts_with("（文字描述") || text == "政府信息公开工作年度报告格式模板";
    let (mut i, mut j) = (0, 0);
    let mut cells_changed = 0;
    while i < o.len() || j < f.len() {
        if i < o.len() && j < f.len() && o[i] == f[j] {
            i += 1;
            j += 1;
        } else if i < o.len()
            && j < f.len()
            && o[i].starts_with("<w:tbl")
            && f[j].starts_with("<w:tbl")
        {
            let (a, b) = (cells(&o[i]), cells(&f[j]));
            assert_eq!(a.len(), b.len(), "rows");
            for (ra, rb) in a.iter().zip(&b) {
                assert_eq!(ra.len(), rb.len(), "cells in a row");
                for (ca, cb) in ra.iter().zip(rb) {
                    if ca != cb {
                        assert_eq!(tc_pr(ca), tc_pr(cb), "a cell's own properties changed");
                        assert_eq!(text_of(ca).trim(), "", "a cell with text was changed: {ca}");
                        cells_changed += 1;
                    }
                }
            }
            i += 1;
            j += 1;
        } else if i < o.len() && placeholder(text_of(&o[i]).trim()) {
            i += 1; // a placeholder, replaced
        } else if j < f.len() && f[j].starts_with("<w:p") && narrative.contains(&text_of(&f[j])) {
            j += 1; // the report's own paragraph
        } else {
            panic!(
                "an unexpected change: form {:?} / filled {:?}",
                o.get(i).map(|s| &s[..s.len().min(300)]),
                f.get(j).map(|s| &s[..s.len().min(300)])
            );
        }
    }
    // Table 2's 10 cells, table 3's 175 and table 4's 15, less the blanks
    // of the report (none in this one).
    assert_eq!(cells_changed, 200);
}

#[test]
fn the_filled_form_prints_the_numbers_at_their_labels() {
    let have = Command::new("soffice")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
        && Command::new("pdftotext")
            .arg("-v")
            .output()
            .is_ok_and(|o| o.status.success());
    if !have {
        assert!(
            std::env::var_os("XXGK_SKIP_PEER_TESTS").is_some(),
            "soffice and pdftotext are needed (see .ci/run), or set XXGK_SKIP_PEER_TESTS=1"
        );
        return;
    }
    let value = fixture("huaian-2024.json");
    let dir = tempfile::tempdir().unwrap();
    let docx = dir.path().join("filled.docx");
    fs::write(&docx, fill(&value, false).unwrap().bytes).unwrap();
    let out = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            dir.path().join("p").display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .arg(&docx)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .arg(dir.path().join("filled.pdf"))
        .arg("-")
        .output()
        .unwrap();
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let text = squeeze(&String::from_utf8(text.stdout).unwrap());
    // Each row of table 3: its label, then its seven numbers.
    let l = layout::used_by(&value)
        .into_iter()
        .find(|l| l.table == layout::TableId::Applications)
        .unwrap();
    for (r, row) in l.rows.iter().enumerate() {
        let values: String = (0..7)
            .map(|c| cell_text(value.pointer(l.pointer_at(r, c))))
            .collect();
        // A row the page break divides prints the start of its label, its
        // numbers, then the rest of the label on the next page.
        let label: Vec<char> = squeeze(row.label).chars().collect();
        let found = (4.min(label.len())..=label.len()).any(|k| {
            let start: String = label[..k].iter().collect();
            text.contains(&format!("{start}{values}"))
        });
        assert!(found, "“{}” with “{values}” is not in the PDF", row.label);
    }
}

#[test]
fn a_2019_report_does_not_fit_the_2021_form_and_says_where() {
    let e = fill(&fixture("seed-2020-hengyang.json"), false).unwrap_err();
    let xxgk::Error::Invalid { findings } = &e else {
        panic!("{e}")
    };
    let places: Vec<String> = findings
        .iter()
        .map(|f| format!("{} {}", f.place.as_ref().unwrap().describe(), f.message))
        .collect();
    assert!(
        places.iter().any(|p| p.contains(
            "第二十条第（一）项 the form follows the 2021 edition, the data the 2019 edition"
        )),
        "{places:#?}"
    );
    assert!(
        places
            .iter()
            .any(|p| p.contains("第二十条第（九）项 the form has no such table or block")),
        "{places:#?}"
    );
    assert!(
        places.iter().any(|p| p
            .starts_with("三、收到和处理政府信息公开申请情况 the form follows the 2021 edition")),
        "{places:#?}"
    );
    assert!(e.to_string().contains("nothing was written"));

    // --allow-partial fills what matches: table 4, which both editions share.
    let partial = fill(&fixture("seed-2020-hengyang.json"), true).unwrap();
    assert_eq!(partial.findings.len(), findings.len());
    let back = load(&partial.bytes, Format::Docx).unwrap().report;
    let seed = load(
        &serde_json::to_vec(&fixture("seed-2020-hengyang.json")).unwrap(),
        Format::Json,
    )
    .unwrap()
    .report;
    assert_eq!(
        back.sections.reviews.unwrap().table,
        seed.sections.reviews.unwrap().table
    );
}

#[test]
fn the_cli_fills_a_form_and_refuses_a_mismatch() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("filled.docx");
    cargo_bin_cmd!("xxgk")
        .arg("convert")
        .arg(root().join("tests/fixtures/valid/huaian-2024.json"))
        .arg("--template")
        .arg(form_path())
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    assert!(out.exists());
    let refused = dir.path().join("refused.docx");
    cargo_bin_cmd!("xxgk")
        .arg("convert")
        .arg(root().join("tests/fixtures/valid/seed-2020-hengyang.json"))
        .arg("--template")
        .arg(form_path())
        .arg("-o")
        .arg(&refused)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "第二十条第（五）项: the form follows the 2021 edition",
        ));
    assert!(!refused.exists());
}
