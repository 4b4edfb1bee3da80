//! Reading DOCX, HTML and text reports, each against a hand-checked golden.
//! The fixtures and how they were made are described in
//! tests/fixtures/README.md.

mod common;

use std::fs;
use std::path::PathBuf;

use serde_json::Value;
use xxgk::convert::{Hints, load_with};
use xxgk::finding::Status;
use xxgk::{Checked, Format, Severity};

use common::assert_same;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn golden(name: &str) -> Value {
    let text = fs::read_to_string(root().join("tests/fixtures/valid").join(name)).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn read(rel: &str, format: Format) -> Checked {
    let path = root().join(rel);
    let hints = Hints {
        file: path.file_name().map(|n| n.to_string_lossy().into_owned()),
        ..Hints::default()
    };
    load_with(&fs::read(&path).unwrap(), format, &hints).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// A report as JSON without the metadata fields a document adds beyond its
/// golden: `source` (its own file name and format) and those in `ignore`.
fn strip(mut v: Value, ignore: &[&str]) -> Value {
    let meta = v["meta"].as_object_mut().unwrap();
    meta.remove("source");
    for k in ignore {
        meta.remove(*k);
    }
    v
}

/// Reads `rel` and asserts that it gives the golden `name` (apart from the
/// metadata fields in `ignore`).
fn assert_reads_to(rel: &str, format: Format, name: &str, ignore: &[&str]) -> Checked {
    let checked = read(rel, format);
    let got = strip(serde_json::to_value(&checked.report).unwrap(), ignore);
    assert_same(rel, got, strip(golden(name), ignore));
    checked
}

#[test]
fn the_seed_as_docx_from_three_producers_reads_like_the_text() {
    for rel in [
        "tests/fixtures/docx/seed-libreoffice.docx",
        "tests/fixtures/docx/seed-pandoc.docx",
        "tests/fixtures/docx/seed-python-docx.docx",
    ] {
        let checked = assert_reads_to(rel, Format::Docx, "seed-2020-hengyang.json", &[]);
        assert!(
            checked.findings.is_empty(),
            "{rel}: {:#?}",
            checked.findings
        );
        assert_eq!(
            checked.report.meta.source.as_ref().unwrap().format,
            xxgk::model::SourceFormat::Docx
        );
        // Values point back into the document's tables.
        let loc = checked
            .sources
            .get("/sections/reviews/table/administrative_review/total")
            .unwrap();
        assert!(loc.starts_with("表") && loc.contains("第"), "{rel}: {loc}");
    }
}

#[test]
fn a_2021_report_with_wrapped_labels_and_split_runs() {
    let rel = "tests/fixtures/docx/huaian-2024-python-docx.docx";
    let checked = assert_reads_to(rel, Format::Docx, "huaian-2024.json", &[]);
    assert!(checked.findings.is_empty(), "{:#?}", checked.findings);
}

#[test]
fn the_seed_as_markdown_and_as_one_cell_per_line() {
    for rel in [
        "tests/fixtures/text/seed-markdown.md",
        "tests/fixtures/text/seed-one-cell-per-line.txt",
    ] {
        let checked = assert_reads_to(rel, Format::Text, "seed-2020-hengyang.json", &[]);
        assert!(
            checked.findings.is_empty(),
            "{rel}: {:#?}",
            checked.findings
        );
    }
}

#[test]
fn a_gbk_web_page_with_site_chrome_and_mixed_editions() {
    let rel = "tests/fixtures/html/hongze-2024-gbk.html";
    let checked = assert_reads_to(rel, Format::Html, "hongze-2024.json", &["published"]);
    assert!(checked.findings.is_empty(), "{:#?}", checked.findings);
    // The page's metadata block gives the date the golden (from the PDF) lacks.
    assert_eq!(checked.report.meta.published.as_deref(), Some("2025-01-20"));
    assert_eq!(
        checked.report.meta.agency.as_deref(),
        Some("淮安市洪泽区人民政府")
    );
    let got = serde_json::to_value(&checked.report).unwrap();
    // 2021 table 2 and table 4 around a 2019 table 3.
    let s = &got["sections"];
    assert_eq!(s["proactive"]["table"]["item_1"]["edition"], "2021");
    assert_eq!(s["applications"]["table"]["edition"], "2019");
    let text = serde_json::to_string(&got).unwrap();
    for chrome in ["扫一扫", "打印本页", "当前位置", "首页", "备案号"] {
        assert!(!text.contains(chrome), "{chrome} leaked into the report");
    }
}

#[test]
fn blank_totals_stay_null_and_cannot_be_assessed() {
    let rel = "tests/fixtures/html/shanghai-style-blank-totals.html";
    let checked = assert_reads_to(rel, Format::Html, "blank-totals-2019.json", &[]);
    let t3 = &serde_json::to_value(&checked.report).unwrap()["sections"]["applications"]["table"];
    assert!(t3["results"]["granted"]["total"].is_null());
    assert!(
        checked
            .findings
            .iter()
            .all(|f| f.severity == Severity::Info),
        "{:#?}",
        checked.findings
    );
    let unsure: Vec<String> = checked
        .findings
        .iter()
        .filter(|f| f.status == Some(Status::CannotAssess))
        .map(|f| f.to_string())
        .collect();
    assert!(
        unsure
            .iter()
            .any(|m| m.contains("R3.3") && m.contains("（一）予以公开") && m.contains("总计(空)")),
        "{unsure:#?}"
    );
    // Findings on a converted report point into the page.
    let granted = checked.findings.iter().find(|f| f.rule == "R3.3").unwrap();
    assert!(
        granted
            .source
            .as_deref()
            .is_some_and(|s| s.starts_with("表")),
        "{granted:?}"
    );
}

#[test]
fn the_real_blank_form_is_the_2021_edition_with_every_cell_blank() {
    let rel = "../shared/corpus/public/zxj6827111-blip+govnianbao/政务公开年报模版.docx";
    let checked = read(rel, Format::Docx);
    assert!(
        checked
            .findings
            .iter()
            .all(|f| f.severity == Severity::Info),
        "{:#?}",
        checked.findings
    );
    let v = serde_json::to_value(&checked.report).unwrap();
    let s = &v["sections"];
    for block in ["item_1", "item_5", "item_6", "item_8"] {
        assert_eq!(s["proactive"]["table"][block]["edition"], "2021", "{block}");
    }
    assert!(s["proactive"]["table"].get("item_9").is_none());
    assert_eq!(s["applications"]["table"]["edition"], "2021");
    // Every cell of every table is null: 10 + 175 + 15.
    let mut cells = 0;
    for table in ["proactive", "applications", "reviews"] {
        count_cells(&s[table]["table"], &mut cells);
    }
    assert_eq!(cells, 10 + 175 + 15);
    // The placeholders stay as the form's own text.
    assert_eq!(s["overview"]["body"][0]["text"], "（文字描述）");
    assert_eq!(
        s["other"]["body"][0]["text"],
        "（文字描述，收取信息处理费情况在此处报告。）"
    );
}

fn count_cells(v: &Value, n: &mut usize) {
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                if k != "edition" {
                    count_cells(c, n);
                }
            }
        }
        Value::Null => *n += 1,
        other => panic!("a filled cell in the blank form: {other}"),
    }
}
