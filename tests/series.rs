//! `xxgk check-series`: the rules across years on the 洪泽区 2023 and 2024
//! reports, a number changed in either year, blanks, and how reports are put
//! into series.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::cargo::cargo_bin_cmd;
use serde_json::{Value, json};

use common::{fixture, root};

const Y2023: &str = "hongze-2023.json";
const Y2024: &str = "hongze-2024.json";
const AGENCY: &str = "洪泽区人民政府";

fn valid(name: &str) -> PathBuf {
    root().join("tests/fixtures/valid").join(name)
}

fn write(dir: &Path, name: &str, v: &Value) -> PathBuf {
    let p = dir.join(name);
    fs::write(&p, serde_json::to_string_pretty(v).unwrap()).unwrap();
    p
}

/// Runs check-series.
fn run(args: &[&str], inputs: &[PathBuf]) -> std::process::Output {
    cargo_bin_cmd!("xxgk")
        .arg("check-series")
        .args(args)
        .args(inputs)
        .output()
        .unwrap()
}

/// Runs check-series with JSON findings: the exit code, the findings and
/// standard error.
fn series(args: &[&str], inputs: &[PathBuf]) -> (Option<i32>, Vec<Value>, String) {
    let args: Vec<&str> = ["--error-format", "json"]
        .into_iter()
        .chain(args.iter().copied())
        .collect();
    let out = run(&args, inputs);
    let findings = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect();
    (
        out.status.code(),
        findings,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn rules<'a>(findings: &'a [Value], status: &str) -> Vec<&'a Value> {
    findings
        .iter()
        .filter(|f| f["kind"] == "rule" && f["status"] == status)
        .collect()
}

#[test]
fn hongze_2023_and_2024_pass_the_carry_over_and_in_force_chains() {
    let inputs = [valid(Y2023), valid(Y2024)];
    let (code, findings, _) = series(&["--agency", AGENCY, "--strict"], &inputs);
    assert_eq!(code, Some(0), "{findings:#?}");
    assert!(
        findings.iter().all(|f| f["status"] != "violated"),
        "{findings:#?}"
    );
    // The text verdict counts the comparisons: seven columns of S1, two
    // rows of S2.
    let out = run(&["--agency", AGENCY], &inputs);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        text.contains(&format!(
            "{AGENCY} 2024: ok (9 checks, 0 errors, 0 warnings)"
        )),
        "{text}"
    );
}

#[test]
fn the_two_names_of_one_agency_are_pointed_out_and_not_compared() {
    // 2023 names 洪泽区人民政府, 2024 淮安市洪泽区人民政府.
    let (code, findings, _) = series(&[], &[valid(Y2023), valid(Y2024)]);
    assert_eq!(code, Some(0));
    assert!(rules(&findings, "violated").is_empty());
    let agency = findings.iter().find(|f| f["rule"] == "agency").unwrap();
    assert!(
        agency["message"]
            .as_str()
            .unwrap()
            .contains("淮安市洪泽区人民政府")
    );
    assert_eq!(findings.iter().filter(|f| f["rule"] == "alone").count(), 2);
}

#[test]
fn a_changed_number_breaks_the_right_rule_at_its_cells_naming_both_files() {
    let dir = tempfile::tempdir().unwrap();
    let t3 = "/sections/applications/table";
    let item1 = "/sections/proactive/table/item_1/rows";
    // (which year is changed, the cell, the rule)
    let cases = [
        (Y2024, format!("{t3}/carried_over/natural_person"), "S1"),
        (Y2023, format!("{t3}/carried_forward/total"), "S1"),
        (Y2024, format!("{item1}/normative_documents/in_force"), "S2"),
        (Y2024, format!("{item1}/normative_documents/issued"), "S2"),
        (Y2023, format!("{item1}/regulations/in_force"), "S2"),
    ];
    for (year, pointer, rule) in cases {
        let (mut a, mut b) = (fixture(Y2023), fixture(Y2024));
        let changed = if year == Y2023 { &mut a } else { &mut b };
        let cell = changed.pointer_mut(&pointer).unwrap();
        *cell = json!(cell.as_i64().unwrap() + 1);
        let inputs = [
            write(dir.path(), "a.json", &a),
            write(dir.path(), "b.json", &b),
        ];
        let (code, findings, _) = series(&["--agency", AGENCY], &inputs);
        assert_eq!(code, Some(0), "warnings by default");
        let violated = rules(&findings, "violated");
        assert_eq!(violated.len(), 1, "{pointer}: {findings:#?}");
        let f = violated[0];
        assert_eq!(f["rule"], rule, "{pointer}");
        assert_eq!(f["severity"], "warning");
        assert_eq!(f["file"], inputs[1].display().to_string());
        assert_eq!(f["previous"]["file"], inputs[0].display().to_string());
        assert_eq!(f["previous"]["year"], 2023);
        assert_eq!(f["year"], 2024);
        // This year's cells and last year's, as the rule reads them.
        let (now, before) = match rule {
            "S1" => {
                let column = pointer.rsplit('/').next().unwrap();
                (
                    vec![format!("{t3}/carried_over/{column}")],
                    vec![format!("{t3}/carried_forward/{column}")],
                )
            }
            _ => {
                let row = pointer.rsplit('/').nth(1).unwrap();
                let cell = |c: &str| format!("{item1}/{row}/{c}");
                (
                    vec![cell("in_force"), cell("issued"), cell("repealed")],
                    vec![cell("in_force")],
                )
            }
        };
        assert_eq!(f["cells"], json!(now));
        assert_eq!(f["previous"]["cells"], json!(before));
        assert!(now.contains(&pointer) || before.contains(&pointer));
        let [lhs, rhs] =
            [&f["values"][0], &f["values"][1]].map(|v| v.as_str().unwrap().parse::<i64>().unwrap());
        assert_eq!((lhs - rhs).abs(), 1, "{f}");
        if rule == "S2" {
            assert_eq!(
                f["place"]["table"],
                "二、主动公开政府信息情况 · 第二十条第（一）项"
            );
            assert_eq!(f["place"]["column"], "现行有效件数");
            assert!(
                f["rule_text"]["zh"]
                    .as_str()
                    .unwrap()
                    .contains("现行有效件数")
            );
        } else {
            assert_eq!(f["place"]["row"], "二、上年结转政府信息公开申请数量");
        }
        // --strict makes it an error and the exit code 1.
        let (code, findings, _) = series(&["--agency", AGENCY, "--strict"], &inputs);
        assert_eq!(code, Some(1));
        assert_eq!(rules(&findings, "violated")[0]["severity"], "error");
    }
}

#[test]
fn text_findings_name_both_files_and_the_place_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let mut b = fixture(Y2024);
    b["sections"]["applications"]["table"]["carried_over"]["natural_person"] = json!(3);
    let inputs = [valid(Y2023), write(dir.path(), "b.json", &b)];
    let out = run(&["--agency", AGENCY], &inputs);
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().find(|l| l.contains("[S1]")).unwrap();
    assert!(line.starts_with(&format!("{} → {}: warning[S1] 三、收到和处理政府信息公开申请情况 · 二、上年结转政府信息公开申请数量 · 自然人: 2024年 二(3) ≠ 2023年 四(0)", inputs[0].display(), inputs[1].display())), "{line}");
    assert!(
        text.contains("differ (9 checks, 0 errors, 1 warning)"),
        "{text}"
    );
}

#[test]
fn blanks_cannot_be_assessed_or_hold_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, mut b) = (fixture(Y2023), fixture(Y2024));
    b["sections"]["applications"]["table"]["carried_over"]["commercial"] = Value::Null;
    a["sections"]["applications"]["table"]["carried_forward"]["research"] = json!("/");
    let inputs = [
        write(dir.path(), "a.json", &a),
        write(dir.path(), "b.json", &b),
    ];
    let (code, findings, _) = series(&["--agency", AGENCY, "--strict"], &inputs);
    assert_eq!(code, Some(0));
    let held = rules(&findings, "held_with_blanks");
    assert_eq!(held.len(), 2, "{findings:#?}");
    assert!(held.iter().all(|f| f["severity"] == "info"));

    b["sections"]["applications"]["table"]["carried_over"]["commercial"] = Value::Null;
    a["sections"]["applications"]["table"]["carried_forward"]["commercial"] = json!(2);
    let inputs = [
        write(dir.path(), "a.json", &a),
        write(dir.path(), "b.json", &b),
    ];
    let (code, findings, _) = series(&["--agency", AGENCY, "--strict"], &inputs);
    assert_eq!(code, Some(0), "a blank is not a violation");
    let cannot = rules(&findings, "cannot_assess");
    assert_eq!(cannot.len(), 1, "{findings:#?}");
    assert_eq!(cannot[0]["place"]["column"], "法人或其他组织 · 商业企业");
}

#[test]
fn a_rule_for_one_edition_says_when_last_year_used_the_other() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = fixture(Y2023);
    a["sections"]["proactive"]["table"]["item_1"] =
        fixture("seed-2020-hengyang.json")["sections"]["proactive"]["table"]["item_1"].clone();
    let inputs = [write(dir.path(), "a.json", &a), valid(Y2024)];
    let (code, findings, _) = series(&["--agency", AGENCY], &inputs);
    assert_eq!(code, Some(0));
    let s2: Vec<&Value> = findings.iter().filter(|f| f["rule"] == "S2").collect();
    assert_eq!(s2.len(), 1, "{findings:#?}");
    assert_eq!(s2[0]["status"], "cannot_assess");
    assert!(s2[0]["message"].as_str().unwrap().contains("2023年"));
}

#[test]
fn missing_and_duplicated_years_and_unplaced_reports_are_said() {
    let dir = tempfile::tempdir().unwrap();
    let mut later = fixture(Y2024);
    later["meta"]["year"] = json!(2026);
    let seed = valid("seed-2020-hengyang.json"); // names no agency
    let inputs = [
        valid(Y2023),
        valid(Y2024),
        write(dir.path(), "copy-2024.json", &fixture(Y2024)),
        write(dir.path(), "y2026.json", &later),
    ];
    let (code, findings, _) = series(&["--agency", AGENCY], &inputs);
    assert_eq!(code, Some(0));
    let find = |rule: &str| findings.iter().find(|f| f["rule"] == rule).unwrap();
    assert!(
        find("duplicate")["message"]
            .as_str()
            .unwrap()
            .contains("copy-2024.json")
    );
    assert_eq!(find("duplicate")["severity"], "warning");
    let gap = find("gap");
    assert!(gap["message"].as_str().unwrap().contains("2025"), "{gap}");
    assert_eq!(gap["file"], inputs[3].display().to_string());
    // Each 2024 report is compared with 2023.
    let (_, strict, _) = series(&["--agency", AGENCY, "--strict"], &inputs);
    assert_eq!(
        strict.iter().filter(|f| f["status"] == "violated").count(),
        0
    );

    let (code, findings, _) = series(&[], &[seed.clone(), valid(Y2024)]);
    assert_eq!(code, Some(0));
    let unplaced = findings.iter().find(|f| f["rule"] == "unplaced").unwrap();
    assert_eq!(unplaced["file"], seed.display().to_string());
    assert_eq!(unplaced["pointer"], "/meta/agency");
    let (code, _, _) = series(&["--strict"], &[seed, valid(Y2024)]);
    assert_eq!(code, Some(1), "an unplaced report fails --strict");
}

#[test]
fn a_bad_input_among_good_ones_is_named_and_the_rest_compared() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.json");
    let mut b = fixture(Y2024);
    b["sections"]["applications"]["table"]["carried_over"]["total"] = json!(4);
    let inputs = [valid(Y2023), missing, write(dir.path(), "b.json", &b)];
    let (code, findings, stderr) = series(&["--agency", AGENCY], &inputs);
    assert_eq!(code, Some(2), "{stderr}");
    let error = findings.iter().find(|f| f["kind"] == "error").unwrap();
    assert!(error["file"].as_str().unwrap().ends_with("missing.json"));
    assert_eq!(rules(&findings, "violated").len(), 1);
}

#[test]
fn a_2019_item_count_is_last_years_count_plus_its_change() {
    let dir = tempfile::tempdir().unwrap();
    let last = fixture("seed-2020-hengyang.json");
    let mut this = last.clone();
    this["meta"]["year"] = json!(2021);
    let t2 = "/sections/proactive/table";
    // Each 上一年项目数量 this year is last year's plus last year's 增/减.
    for row in [
        "item_5/rows/licensing",
        "item_5/rows/other_services",
        "item_6/rows/penalty",
        "item_6/rows/coercion",
        "item_8/rows/fees",
    ] {
        let at = |field: &str| {
            last.pointer(&format!("{t2}/{row}/{field}"))
                .unwrap()
                .as_i64()
                .unwrap()
        };
        *this.pointer_mut(&format!("{t2}/{row}/previous")).unwrap() =
            json!(at("previous") + at("change"));
    }
    let last_path = write(dir.path(), "2020.json", &last);
    let inputs = [last_path.clone(), write(dir.path(), "2021.json", &this)];
    let (code, findings, _) = series(&["--agency", "衡阳市自然资源和规划局", "--strict"], &inputs);
    assert_eq!(code, Some(0), "{findings:#?}");

    *this
        .pointer_mut(&format!("{t2}/item_6/rows/penalty/previous"))
        .unwrap() = json!(62);
    let inputs = [last_path, write(dir.path(), "2021.json", &this)];
    let (_, findings, _) = series(&["--agency", "衡阳市自然资源和规划局"], &inputs);
    let violated = rules(&findings, "violated");
    assert_eq!(violated.len(), 1, "{findings:#?}");
    let f = violated[0];
    assert_eq!(f["rule"], "S3.2");
    assert_eq!(f["place"]["row"], "行政处罚");
    assert_eq!(f["place"]["column"], "上一年项目数量");
    assert_eq!(f["values"], json!(["62", "63"]));
    assert_eq!(
        f["previous"]["cells"],
        json!([
            format!("{t2}/item_6/rows/penalty/previous"),
            format!("{t2}/item_6/rows/penalty/change")
        ])
    );
}
