//! Reading reports from text, against hand-checked goldens.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use xxgk::convert::{Hints, load_with};
use xxgk::{Format, Severity};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn shared(rel: &str) -> PathBuf {
    root().join("../shared").join(rel)
}

fn golden(name: &str) -> Value {
    let text = fs::read_to_string(root().join("tests/fixtures/valid").join(name)).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn read(path: &Path, format: Format) -> xxgk::Checked {
    let hints = Hints {
        file: path.file_name().map(|n| n.to_string_lossy().into_owned()),
        ..Hints::default()
    };
    load_with(&fs::read(path).unwrap(), format, &hints).unwrap()
}

#[test]
fn the_seed_text_reads_to_its_golden() {
    let seed = shared("seeds/000_9bba05bfd81d20bc.txt");
    let checked = read(&seed, Format::Text);
    assert!(checked.findings.is_empty(), "{:#?}", checked.findings);
    assert_eq!(
        serde_json::to_value(&checked.report).unwrap(),
        golden("seed-2020-hengyang.json")
    );
    // Every table cell knows its line.
    assert_eq!(
        checked
            .sources
            .get("/sections/applications/table/new/natural_person")
            .unwrap(),
        "line 39"
    );
    assert_eq!(checked.sources.len(), 22 + 161 + 15);
}

#[test]
fn run_together_pages_are_read_without_guessing() {
    let dir = shared("corpus/public/changwu+pingtan-gov-zwgk-archive/pingtan/zwgk/zfxxgk/zfxxgknb");
    for (page, year, unsplittable) in [
        (
            "202103/80595_平潭综合实验区2020年度政府信息公开工作年度报告/page.txt",
            2020,
            "7777166",
        ),
        (
            "202403/87885_平潭综合实验区2023年度政府信息公开工作年度报告/page.txt",
            2023,
            "77132470",
        ),
    ] {
        let checked = read(&dir.join(page), Format::Text);
        let report = serde_json::to_value(&checked.report).unwrap();
        assert_eq!(report["meta"]["year"], year);
        let sections = report["sections"].as_object().unwrap();
        assert_eq!(sections.len(), 6, "all six sections found in {page}");
        // What could not be split is a warning naming the digits, and stays blank.
        let split: Vec<&xxgk::Finding> = checked
            .findings
            .iter()
            .filter(|f| f.rule == "split")
            .collect();
        assert!(
            split.iter().any(|f| f.message.contains(unsplittable)),
            "{split:#?}"
        );
        assert!(split.iter().all(|f| f.severity == Severity::Warning));
        // Runs of exactly one digit per cell are split: table 4 of both years.
        let t4 = &report["sections"]["reviews"]["table"];
        assert!(t4["administrative_review"]["total"].is_number(), "{t4}");
        assert!(
            checked
                .findings
                .iter()
                .all(|f| f.severity != Severity::Error)
        );
    }
    let dir23 = dir.join("202403/87885_平潭综合实验区2023年度政府信息公开工作年度报告/page.txt");
    let report = serde_json::to_value(&read(&dir23, Format::Text).report).unwrap();
    let t4 = &report["sections"]["reviews"]["table"];
    // 110024001510102: 复议 1 1 0 0 2, 直接起诉 4 0 0 1 5, 复议后 1 0 1 0 2.
    assert_eq!(t4["litigation_direct"]["total"], 5);
    assert_eq!(t4["litigation_after_review"]["other"], 1);
    assert_eq!(
        report["sections"]["applications"]["table"]["edition"],
        "2021"
    );
    assert_eq!(report["meta"]["agency"], "平潭综合实验区管委会办公室");
}

fn read_text(text: &str) -> xxgk::Checked {
    load_with(text.as_bytes(), Format::Text, &Hints::default()).unwrap()
}

fn seed_text() -> String {
    fs::read_to_string(shared("seeds/000_9bba05bfd81d20bc.txt")).unwrap()
}

#[test]
fn a_misprinted_label_is_read_with_a_warning() {
    // As printed in the 洪泽区 reports: 2.其他法律行政止公开.
    let text = seed_text().replace(
        "2.其他法律行政法规禁止公开  | 0  | 0",
        "2.其他法律行政止公开  | 5  | 0",
    );
    let checked = read_text(&text);
    let label = checked
        .findings
        .iter()
        .find(|f| f.rule == "label")
        .expect("a label warning");
    assert!(label.message.contains("2.其他法律行政止公开"), "{label}");
    assert_eq!(label.source.as_deref(), Some("line 44"));
    let v = serde_json::to_value(&checked.report).unwrap();
    assert_eq!(
        v["sections"]["applications"]["table"]["results"]["refused"]["prohibited_by_law"]["natural_person"],
        5
    );
}

#[test]
fn provincial_extra_rows_are_kept_with_their_label() {
    let text = seed_text().replace(
        "规范性文件  | 3  | 3  | 3  | \n",
        "规范性文件  | 3  | 3  | 3  | \n其他主动公开文件(指本机关自行公开的其他文件)  | 186  | 86  | 255  | \n",
    );
    let checked = read_text(&text);
    let v = serde_json::to_value(&checked.report).unwrap();
    let extra = &v["sections"]["proactive"]["table"]["extra_rows"][0];
    assert_eq!(extra["block"], "item_1");
    assert_eq!(extra["after"], "normative_documents");
    assert_eq!(
        extra["label"],
        "其他主动公开文件(指本机关自行公开的其他文件)"
    );
    assert_eq!(extra["values"], serde_json::json!([186, 86, 255]));
    assert!(checked.findings.iter().any(|f| f.rule == "extra"));
}

#[test]
fn a_row_with_too_few_values_is_left_blank_not_guessed() {
    let text = seed_text().replace(
        "(二)部分公开(区分处理的,只计这一情形,不计其他情形)  | 0  | 0  | 0  | 0  | 0  | 0  | 0  | ||",
        "(二)部分公开(区分处理的,只计这一情形,不计其他情形)  | 0  | 0  | 0  | 0  | ||",
    );
    let checked = read_text(&text);
    let count = checked
        .findings
        .iter()
        .find(|f| f.rule == "count")
        .expect("a count warning");
    assert!(
        count.message.starts_with("4 values where the form has 7"),
        "{count}"
    );
    let v = serde_json::to_value(&checked.report).unwrap();
    assert!(
        v["sections"]["applications"]["table"]["results"]["partial"]["natural_person"].is_null()
    );
}

#[test]
fn instructions_in_label_cells_are_reported_not_lost() {
    let text = seed_text().replace(
        "规章  | 4  | 4  | 4  | ",
        "规章(设区的市、自治州人民政府应提供相关数据)  | 4  | 4  | 4  | ",
    );
    let checked = read_text(&text);
    let note = checked
        .findings
        .iter()
        .find(|f| f.rule == "instruction")
        .expect("a note");
    assert_eq!(note.severity, Severity::Info);
    assert!(note.message.contains("设区的市"), "{note}");
    let v = serde_json::to_value(&checked.report).unwrap();
    assert_eq!(
        v["sections"]["proactive"]["table"]["item_1"]["rows"]["regulations"]["made"],
        4
    );
}
