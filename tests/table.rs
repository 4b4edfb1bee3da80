//! `xxgk table`: many reports as one CSV or XLSX table, read back by the
//! csv crate, by Python's csv module and by LibreOffice.
//!
//! LibreOffice (soffice) is installed by `.ci/run`; where it is missing the
//! tests that need it fail, unless XXGK_SKIP_PEER_TESTS=1 says to skip them
//! on purpose.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::cargo_bin_cmd;
use serde_json::Value;
use xxgk::layout::{self, TableId};
use xxgk::write::grid::cell_text;

use common::{have, root};

fn valid(name: &str) -> PathBuf {
    root().join("tests/fixtures/valid").join(name)
}

/// The reports tabulated: both editions, blanks, amounts with units, and a
/// DOCX and an HTML page beside the JSON.
fn inputs() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = [
        "seed-2020-hengyang.json",
        "huaian-2024.json",
        "hongze-2023.json",
        "hongze-2024.json",
        "blank-totals-2019.json",
    ]
    .iter()
    .map(|n| valid(n))
    .collect();
    v.push(root().join("tests/fixtures/docx/seed-pandoc.docx"));
    v.push(root().join("tests/fixtures/html/hongze-2024-gbk.html"));
    v
}

/// The report an input holds, as `xxgk convert` reads it.
fn report_of(input: &Path) -> Value {
    let out = cargo_bin_cmd!("xxgk")
        .arg("convert")
        .arg(input)
        .output()
        .unwrap();
    serde_json::from_slice(&common::stdout_of(out)).unwrap()
}

fn table(args: &[&str], inputs: &[PathBuf], out: &Path) -> std::process::Output {
    cargo_bin_cmd!("xxgk")
        .arg("table")
        .args(args)
        .args(inputs)
        .arg("-o")
        .arg(out)
        .output()
        .unwrap()
}

/// Runs `xxgk table`, which must succeed, and reads the CSV it wrote.
fn tabulate(args: &[&str], inputs: &[PathBuf], out: &Path) -> Vec<Vec<String>> {
    let run = table(args, inputs, out);
    assert!(run.status.success(), "{run:?}");
    records(&fs::read(out).unwrap())
}

/// Every record of a CSV file (header rows included), as the csv crate
/// reads it.
fn records(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes).unwrap();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

/// The documented name of every cell a report's tables have, with the
/// text the cell holds.
fn named_cells(report: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for l in layout::used_by(report) {
        let prefix = match (l.table, l.block) {
            (TableId::Proactive, Some((block, _))) => format!("t2.{block}"),
            (TableId::Applications, _) => "t3".to_owned(),
            _ => "t4".to_owned(),
        };
        for (ri, row) in l.rows.iter().enumerate() {
            for (ci, col) in l.columns.iter().enumerate() {
                let text = cell_text(report.pointer(l.pointer_at(ri, ci)));
                out.push((format!("{prefix}.{}.{}", row.path, col.key), text));
            }
        }
    }
    out
}

fn column(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

/// LibreOffice Calc converts a file to CSV (UTF-8, first sheet) in `dir`,
/// with a profile of its own. A CSV is opened as UTF-8 (`--infilter`), as a
/// person picks in the import dialog.
fn libreoffice_csv(input: &Path, dir: &Path) -> Vec<Vec<String>> {
    let out_dir = dir.join("lo-out");
    let mut cmd = Command::new("soffice");
    cmd.arg(format!(
        "-env:UserInstallation=file://{}",
        dir.join("profile").display()
    ))
    .arg("--headless");
    if input.extension().is_some_and(|e| e == "csv") {
        cmd.arg("--infilter=CSV:44,34,76,1");
    }
    let run = cmd
        .args([
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1",
            "--outdir",
        ])
        .arg(&out_dir)
        .arg(input)
        .output()
        .unwrap();
    assert!(run.status.success(), "{run:?}");
    let stem = input.file_stem().unwrap().to_str().unwrap();
    let converted = out_dir.join(format!("{stem}.csv"));
    let bytes = fs::read(&converted).unwrap_or_else(|e| {
        panic!(
            "LibreOffice wrote no {} ({e}): is LibreOffice Calc installed (libreoffice-calc, see .ci/run)? {}",
            converted.display(),
            String::from_utf8_lossy(&run.stderr)
        )
    });
    records(&bytes)
}

#[test]
fn one_row_per_report_with_every_cell_under_its_documented_name() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reports.csv");
    let inputs = inputs();
    let run = table(&[], &inputs, &out);
    assert!(run.status.success(), "{run:?}");
    let bytes = fs::read(&out).unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "UTF-8 with a BOM");
    let rows = records(&bytes);
    let (names, labels, data) = (&rows[0], &rows[1], &rows[2..]);
    assert_eq!(data.len(), inputs.len());
    assert_eq!(names.len(), labels.len());
    for (name, label) in [
        (
            "t3.new.natural_person",
            "三、收到和处理政府信息公开申请情况 · 一、本年新收政府信息公开申请数量 · 自然人",
        ),
        (
            "t2.item_1.regulations.issued",
            "二、主动公开政府信息情况 · 第二十条第（一）项 · 规章 · 本年制发件数",
        ),
        (
            "t4.administrative_review.upheld",
            "四、政府信息公开行政复议、行政诉讼情况 · 行政复议 · 结果维持",
        ),
        ("year", "年度"),
    ] {
        assert_eq!(labels[column(names, name)], label);
    }
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "column names are unique");
    for (input, row) in inputs.iter().zip(data) {
        let report = report_of(input);
        assert_eq!(row[column(names, "file")], input.display().to_string());
        let year = report["meta"]["year"].to_string();
        assert_eq!(row[column(names, "year")], year);
        let cells = named_cells(&report);
        for (name, text) in &cells {
            assert_eq!(
                &row[column(names, name)],
                text,
                "{} {name}",
                input.display()
            );
        }
        // Every other cell column belongs to a table or edition the report
        // does not have, and stays empty.
        for (i, name) in names.iter().enumerate() {
            let is_cell =
                name.starts_with('t') && name.contains('.') && !name.ends_with(".edition");
            if is_cell && !cells.iter().any(|(n, _)| n == name) {
                assert_eq!(row[i], "", "{} {name}", input.display());
            }
        }
    }
}

#[test]
fn editions_share_a_column_only_where_the_formats_define_the_same_thing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("editions.csv");
    // The seed is 2019 throughout; 淮安 2024 is 2021 throughout.
    let inputs = [valid("seed-2020-hengyang.json"), valid("huaian-2024.json")];
    let rows = tabulate(&[], &inputs, &out);
    let (names, seed, huaian) = (&rows[0], &rows[2], &rows[3]);
    let at = |row: &Vec<String>, name: &str| row[column(names, name)].clone();
    let seed_json = common::fixture("seed-2020-hengyang.json");
    let huaian_json = common::fixture("huaian-2024.json");
    let t3 =
        |v: &Value, p: &str| cell_text(v.pointer(&format!("/sections/applications/table/{p}")));
    // Shared: identical rows of table 3, and 处理决定数量 in （五）.
    assert_eq!(at(seed, "t3.new.total"), t3(&seed_json, "new/total"));
    assert_eq!(at(huaian, "t3.new.total"), t3(&huaian_json, "new/total"));
    for row in [seed, huaian] {
        assert_ne!(at(row, "t2.item_5.licensing.decisions"), "");
    }
    // One edition only: the other stays empty.
    assert_eq!(
        at(seed, "t3.results.other.total"),
        t3(&seed_json, "results/other/total")
    );
    assert_eq!(at(huaian, "t3.results.other.total"), "");
    assert_eq!(at(seed, "t3.results.other.no_fee.total"), "");
    assert_eq!(
        at(huaian, "t3.results.other.no_fee.total"),
        t3(&huaian_json, "results/other/no_fee/total")
    );
    assert_eq!(at(seed, "t2.item_1.regulations.issued"), "");
    assert_eq!(at(huaian, "t2.item_1.regulations.made"), "");
    assert_eq!(at(seed, "t2.item_9.procurement.amount"), "6719.3835万元");
    assert_eq!(at(seed, "t3.edition"), "2019");
    assert_eq!(at(huaian, "t2.item_1.edition"), "2021");
}

/// 洪泽 2024 with an amount written `7545.00`, a `/` and a blank cell.
fn exact_values_report(dir: &Path) -> PathBuf {
    let text = fs::read_to_string(valid("hongze-2024.json")).unwrap();
    assert!(text.contains("\"amount\": 7545\n"));
    let mut text = text.replace("\"amount\": 7545\n", "\"amount\": 7545.00\n");
    let slash = "\"in_force\": 0";
    assert!(text.contains(slash));
    text = text.replacen(slash, "\"in_force\": \"/\"", 1);
    let mut v: Value = serde_json::from_str(&text).unwrap();
    v["sections"]["reviews"]["table"]["litigation_direct"]["pending"] = Value::Null;
    let text = serde_json::to_string_pretty(&v).unwrap();
    assert!(text.contains("7545.00"), "the test's JSON keeps the digits");
    let path = dir.join("exact.json");
    fs::write(&path, text).unwrap();
    path
}

#[test]
fn values_stay_exact_blank_stays_empty_and_slash_stays_slash() {
    let dir = tempfile::tempdir().unwrap();
    let input = exact_values_report(dir.path());
    let out = dir.path().join("exact.csv");
    let rows = tabulate(&[], std::slice::from_ref(&input), &out);
    let at = |name: &str| rows[2][column(&rows[0], name)].clone();
    assert_eq!(at("t2.item_8.fees.amount"), "7545.00");
    assert_eq!(at("t2.item_1.regulations.in_force"), "/");
    assert_eq!(at("t4.litigation_direct.pending"), "");
    let upheld = &common::fixture("hongze-2024.json")["sections"]["reviews"]["table"]["litigation_direct"]
        ["upheld"];
    assert_eq!(at("t4.litigation_direct.upheld"), upheld.to_string());

    let out = dir.path().join("long.csv");
    let rows = tabulate(&["--long"], &[input], &out);
    assert_eq!(
        rows[0],
        [
            "file", "agency", "year", "table", "row", "column", "name", "edition", "value", "unit",
            "text"
        ]
    );
    let find = |name: &str| rows.iter().find(|r| r[6] == name).unwrap().clone();
    let fee = find("t2.item_8.fees.amount");
    assert_eq!(fee[8..], ["7545.00", "", "7545.00"]);
    assert_eq!(fee[3], "二、主动公开政府信息情况 · 第二十条第（八）项");
    assert_eq!(fee[4], "行政事业性收费");
    assert_eq!(fee[5], "本年收费金额（单位：万元）");
    assert_eq!(fee[7], "2021");
    assert_eq!(find("t2.item_1.regulations.in_force")[8..], ["", "", "/"]);
    assert_eq!(find("t4.litigation_direct.pending")[8..], ["", "", ""]);
}

#[test]
fn the_long_table_has_one_row_per_cell_with_its_labels() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("long.csv");
    let inputs = [valid("seed-2020-hengyang.json"), valid("hongze-2023.json")];
    let rows = tabulate(&["--long"], &inputs, &out);
    let mut expected = 0;
    for input in &inputs {
        let report = report_of(input);
        let file = input.display().to_string();
        let mine: Vec<&Vec<String>> = rows.iter().filter(|r| r[0] == file).collect();
        let cells = named_cells(&report);
        assert_eq!(mine.len(), cells.len());
        expected += cells.len();
        for (name, text) in &cells {
            let row = mine.iter().find(|r| &r[6] == name).unwrap();
            assert_eq!(&row[10], text);
            assert_eq!(row[2], report["meta"]["year"].to_string());
        }
    }
    assert_eq!(rows.len(), 1 + expected);
    let unit = rows
        .iter()
        .find(|r| {
            r[0].ends_with("seed-2020-hengyang.json") && r[6] == "t2.item_9.procurement.amount"
        })
        .unwrap();
    assert_eq!(unit[8..], ["6719.3835", "万元", "6719.3835万元"]);
    let t3 = rows
        .iter()
        .find(|r| r[6] == "t3.results.refused.state_secret.commercial")
        .unwrap();
    assert_eq!(t3[4], "（三）不予公开 1.属于国家秘密");
    assert_eq!(t3[5], "法人或其他组织 · 商业企业");
}

#[test]
fn python_reads_the_csv_with_its_chinese_headers() {
    if !have("python3", &["--version"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reports.csv");
    let ours = tabulate(&[], &inputs(), &out);
    let script = r#"
import csv, json, sys
with open(sys.argv[1], newline="", encoding="utf-8-sig") as f:
    print(json.dumps(list(csv.reader(f)), ensure_ascii=False))
"#;
    let python: Vec<Vec<String>> = serde_json::from_slice(&common::python(script, &out)).unwrap();
    assert_eq!(python, ours);
    assert_eq!(python[1][column(&python[0], "agency")], "发布机构");
    assert_eq!(python.len(), 2 + inputs().len());
}

#[test]
fn libreoffice_opens_the_csv_with_its_chinese_headers() {
    if !have("soffice", &["--version"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reports.csv");
    let ours = tabulate(&[], &inputs(), &out);
    let converted = dir.path().join("again");
    fs::create_dir(&converted).unwrap();
    let theirs = libreoffice_csv(&out, &converted);
    assert_eq!(theirs[..2], ours[..2], "both header rows, Chinese intact");
    assert_eq!(theirs.len(), ours.len());
    for (a, b) in theirs[2..].iter().zip(&ours[2..]) {
        for (x, y) in a.iter().zip(b) {
            // LibreOffice reads numbers as numbers: 7730.28 stays, 2.50 may
            // print as 2.5.
            let same =
                x == y || matches!((x.parse::<f64>(), y.parse::<f64>()), (Ok(p), Ok(q)) if p == q);
            assert!(same, "{x:?} vs {y:?}");
        }
    }
}

#[test]
fn libreoffice_reads_the_xlsx_as_the_csv_says() {
    if !have("soffice", &["--version"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut inputs = inputs();
    inputs.push(exact_values_report(dir.path()));
    let csv_out = dir.path().join("reports.csv");
    let xlsx_out = dir.path().join("reports.xlsx");
    let ours = tabulate(&[], &inputs, &csv_out);
    assert!(table(&[], &inputs, &xlsx_out).status.success());
    let theirs = libreoffice_csv(&xlsx_out, dir.path());
    assert_eq!(theirs.len(), ours.len());
    for (r, (a, b)) in theirs.iter().zip(&ours).enumerate() {
        assert_eq!(a, b, "row {r}");
    }
    // The header rows are frozen; numbers are numbers, text is text.
    let sheet = common::entry_map(&fs::read(&xlsx_out).unwrap())
        .remove("xl/worksheets/sheet1.xml")
        .unwrap();
    let sheet = String::from_utf8(sheet).unwrap();
    assert!(sheet.contains(r#"ySplit="2""#) && sheet.contains(r#"state="frozen""#));
    assert!(sheet.contains("<v>7545</v>"), "7545.00 is the number 7545");
    let styles = String::from_utf8(
        common::entry_map(&fs::read(&xlsx_out).unwrap())
            .remove("xl/styles.xml")
            .unwrap(),
    )
    .unwrap();
    assert!(
        styles.contains(r#"formatCode="0.00""#),
        "shown with its two decimals"
    );
}

#[test]
fn a_report_that_cannot_be_read_is_named_and_the_rest_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t.csv");
    let missing = dir.path().join("missing.json");
    let broken = dir.path().join("broken.json");
    fs::write(&broken, "{").unwrap();
    let mut invalid: Value = common::fixture("hongze-2023.json");
    invalid["sections"]["reviews"]["table"]["administrative_review"]["upheld"] = (-1).into();
    let invalid_path = dir.path().join("invalid.json");
    fs::write(&invalid_path, invalid.to_string()).unwrap();
    let good = [valid("hongze-2023.json"), valid("hongze-2024.json")];

    // Invalid data only: exit 1, the good reports written.
    let run = table(
        &[],
        &[good[0].clone(), invalid_path.clone(), good[1].clone()],
        &out,
    );
    assert_eq!(run.status.code(), Some(1), "{run:?}");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("invalid.json"), "{stderr}");
    assert_eq!(records(&fs::read(&out).unwrap()).len(), 2 + 2);

    // Unreadable input: exit 2 wins over 1.
    let run = table(
        &[],
        &[
            good[0].clone(),
            missing.clone(),
            invalid_path,
            broken.clone(),
            good[1].clone(),
        ],
        &out,
    );
    assert_eq!(run.status.code(), Some(2), "{run:?}");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("missing.json") && stderr.contains("broken.json"),
        "{stderr}"
    );
    let rows = records(&fs::read(&out).unwrap());
    assert_eq!(rows.len(), 2 + 2);
    assert!(rows[3][0].ends_with("hongze-2024.json"));

    // Nothing readable: nothing written.
    let none = dir.path().join("none.csv");
    let run = table(&[], &[missing, broken], &none);
    assert_eq!(run.status.code(), Some(2));
    assert!(!none.exists());
}

#[test]
fn the_output_is_whole_or_absent_and_never_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let input = valid("hongze-2024.json");
    let nowhere = dir.path().join("no-such-dir").join("t.csv");
    let run = table(&[], std::slice::from_ref(&input), &nowhere);
    assert_eq!(run.status.code(), Some(2));
    assert!(!nowhere.exists());
    let copy = dir.path().join("in.json");
    fs::copy(&input, &copy).unwrap();
    let run = table(&["--to", "csv"], std::slice::from_ref(&copy), &copy);
    assert_eq!(run.status.code(), Some(2));
    assert_eq!(fs::read(&copy).unwrap(), fs::read(&input).unwrap());
    let run = table(&[], std::slice::from_ref(&input), &dir.path().join("t.pdf"));
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains(".csv or .xlsx"));
    // Standard output, without the label row.
    let out = cargo_bin_cmd!("xxgk")
        .args(["table", "--no-labels"])
        .arg(&input)
        .output()
        .unwrap();
    assert!(out.status.success());
    let rows = records(&out.stdout);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0][0], "file");
}
