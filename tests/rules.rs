//! The consistency rules on real reports and on every single-cell change of
//! the seed report.

use std::fs;
use std::path::Path;

use serde_json::{Value, json};
use xxgk::finding::{Severity, Status};
use xxgk::layout::{self, Layout};
use xxgk::{Finding, Format};

fn fixture(name: &str) -> Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/valid")
        .join(name);
    serde_json::from_str(&fs::read_to_string(p).unwrap()).unwrap()
}

fn findings(v: &Value) -> Vec<Finding> {
    xxgk::load(v.to_string().as_bytes(), Format::Json)
        .unwrap_or_else(|e| panic!("{e}"))
        .findings
}

#[test]
fn consistent_reports_have_no_findings() {
    for name in [
        "seed-2020-hengyang.json",
        "huaian-2024.json",
        "hongze-2024.json",
    ] {
        let found = findings(&fixture(name));
        assert!(found.is_empty(), "{name}: {found:#?}");
    }
}

#[test]
fn hongze_2023_prints_zero_totals_in_table_4() {
    // As published: 复议 10 + 1 + 0 + 0 with 总计 0, and 复议后起诉 5 with 总计 0.
    let found = findings(&fixture("hongze-2023.json"));
    let ids: Vec<&str> = found.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(ids, ["R4.1", "R4.3"]);
    assert_eq!(
        found[0].to_string(),
        "error[R4.1] 四、政府信息公开行政复议、行政诉讼情况 · 行政复议: \
         总计(0) ≠ 结果维持(10) + 结果纠正(1) + 其他结果(0) + 尚未审结(0) = 11 \
         — 行政复议总计应等于结果维持、结果纠正、其他结果、尚未审结之和"
    );
    assert_eq!(found[1].values, Some(["0".into(), "5".into()]));
}

#[test]
fn the_issue_example_reads_as_specified() {
    let mut seed = fixture("seed-2020-hengyang.json");
    seed["sections"]["applications"]["table"]["results"]["total"]["natural_person"] = json!(31);
    let found = findings(&seed);
    let r31 = found.iter().find(|f| f.rule == "R3.1").unwrap();
    assert_eq!(
        r31.to_string(),
        "error[R3.1] 三、收到和处理政府信息公开申请情况 · 自然人: \
         一(32) + 二(0) = 32 ≠ （七）总计(31) + 四(0) = 31 \
         — 本列数据的勾稽关系：第一项加第二项之和，等于第三项加第四项之和"
    );
}

/// The rules a change of one cell must trip, by the structure of the table.
fn expected_rules(l: &Layout, row_path: &str, col: &str) -> Vec<&'static str> {
    match l.table {
        layout::TableId::Reviews => vec![match row_path {
            "administrative_review" => "R4.1",
            "litigation_direct" => "R4.2",
            _ => "R4.3",
        }],
        _ => {
            let mut rules = vec!["R3.3"];
            if ["new", "carried_over", "results.total", "carried_forward"].contains(&row_path) {
                rules.push("R3.1");
            }
            if row_path.starts_with("results.") {
                rules.push("R3.2");
            }
            // The 总计 column is itself checked by R3.3 only.
            let _ = col;
            rules
        }
    }
}

#[test]
fn every_single_count_change_in_tables_3_and_4_is_caught_at_its_cell() {
    let seed = fixture("seed-2020-hengyang.json");
    let layouts = layout::used_by(&seed);
    let mut checked = 0;
    for l in layouts
        .iter()
        .filter(|l| l.table != layout::TableId::Proactive)
    {
        for r in l.rows {
            for c in l.columns {
                let pointer = l.cell_pointer(r, c);
                let mut changed = seed.clone();
                let cell = changed.pointer_mut(&pointer).unwrap();
                *cell = json!(cell.as_i64().unwrap() + 1);
                let found = findings(&changed);
                for rule in expected_rules(l, r.path, c.key) {
                    let hit = found
                        .iter()
                        .find(|f| f.rule == rule)
                        .unwrap_or_else(|| panic!("{pointer}: no {rule} in {found:#?}"));
                    assert_eq!(hit.severity, Severity::Error);
                    assert_eq!(hit.status, Some(Status::Violated));
                    assert!(
                        hit.cells.contains(&pointer),
                        "{rule} does not name {pointer}"
                    );
                    let place = hit.place.as_ref().unwrap();
                    // Column rules name the column, row rules the row.
                    if rule == "R3.1" || rule == "R3.2" {
                        assert_eq!(place.column.as_deref(), Some(l.column_label(c).as_str()));
                    } else {
                        assert_eq!(place.row.as_deref(), Some(l.row_label(r).as_str()));
                    }
                }
                assert!(found.iter().all(|f| f.severity == Severity::Error));
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 161 + 15);
}

#[test]
fn blank_cells_are_read_as_zero_only_when_that_makes_the_rule_hold() {
    let mut seed = fixture("seed-2020-hengyang.json");
    let t3 = &mut seed["sections"]["applications"]["table"];
    // A zero written as a blank, and a 总计 left blank (as in real reports).
    t3["carried_over"]["natural_person"] = Value::Null;
    t3["results"]["granted"]["total"] = Value::Null;
    let found = findings(&seed);
    assert!(
        found.iter().all(|f| f.severity == Severity::Info),
        "{found:#?}"
    );
    let held: Vec<&str> = found
        .iter()
        .filter(|f| f.status == Some(Status::HeldWithBlanks))
        .map(|f| f.rule.as_str())
        .collect();
    let unsure: Vec<String> = found
        .iter()
        .filter(|f| f.status == Some(Status::CannotAssess))
        .map(|f| f.to_string())
        .collect();
    // carried_over[自然人] blank: R3.1 (自然人) and R3.3 (二) hold with it as 0.
    assert!(held.contains(&"R3.1") && held.contains(&"R3.3"), "{held:?}");
    // granted[总计] blank while the row has 31: R3.3 cannot be assessed, and
    // neither can R3.2 in the 总计 column.
    assert_eq!(unsure.len(), 2, "{unsure:#?}");
    assert!(
        unsure
            .iter()
            .any(|m| m.contains("R3.3") && m.contains("（一）予以公开"))
    );
    assert!(
        unsure
            .iter()
            .any(|m| m.contains("R3.2") && m.contains("（一）(空)")),
        "{unsure:#?}"
    );
}

#[test]
fn placeholders_count_as_blank_and_text_is_flagged() {
    let mut seed = fixture("seed-2020-hengyang.json");
    seed["sections"]["applications"]["table"]["carried_over"]["research"] = json!("/");
    seed["sections"]["reviews"]["table"]["litigation_after_review"]["pending"] = json!("见说明");
    let found = findings(&seed);
    let d5 = found
        .iter()
        .find(|f| f.rule == "D5")
        .expect("text in a count cell");
    assert_eq!(d5.severity, Severity::Warning);
    assert_eq!(
        d5.place.as_ref().unwrap().describe(),
        "四、政府信息公开行政复议、行政诉讼情况 · 复议后起诉 · 尚未审结"
    );
    let r43 = found.iter().find(|f| f.rule == "R4.3").unwrap();
    assert_eq!(r43.status, Some(Status::CannotAssess));
    assert!(
        found.iter().all(|f| f.severity != Severity::Error),
        "{found:#?}"
    );
}

#[test]
fn domain_rules_check_text_cells_and_table_2() {
    let mut seed = fixture("seed-2020-hengyang.json");
    let item1 = &mut seed["sections"]["proactive"]["table"]["item_1"]["rows"];
    item1["regulations"]["published"] = json!(5); // more than 对外公开总数量 (4)
    seed["sections"]["reviews"]["table"]["administrative_review"]["upheld"] = json!("-2件");
    let found = findings(&seed);
    let ids: Vec<&str> = found.iter().map(|f| f.rule.as_str()).collect();
    assert!(ids.contains(&"D4"), "{ids:?}");
    assert!(ids.contains(&"D1"), "{ids:?}");
    let d4 = found.iter().find(|f| f.rule == "D4").unwrap();
    assert_eq!(d4.message, "本年新公开数量(5) > 对外公开总数量(4)");
}

#[test]
fn signed_changes_and_amounts_with_units_are_accepted() {
    let mut seed = fixture("seed-2020-hengyang.json");
    seed["sections"]["proactive"]["table"]["item_5"]["rows"]["licensing"]["change"] = json!(-8);
    let found = findings(&seed);
    assert!(found.is_empty(), "{found:#?}");
    // The seed's 采购总金额 is "6719.3835万元": kept verbatim, checked as ≥ 0.
    assert_eq!(
        seed["sections"]["proactive"]["table"]["item_9"]["rows"]["procurement"]["amount"],
        "6719.3835万元"
    );
    seed["sections"]["proactive"]["table"]["item_9"]["rows"]["procurement"]["amount"] =
        json!("-1万元");
    let found = findings(&seed);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].rule, "D3");
}

#[test]
fn rule_fixtures_break_exactly_the_rules_they_name() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    let expected: Value =
        serde_json::from_str(&fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    let expected = expected.as_object().unwrap();
    let files = fs::read_dir(&dir).unwrap().count() - 1;
    assert_eq!(
        files,
        expected.len(),
        "every rule fixture has an expectation"
    );
    for (name, want) in expected {
        let text = fs::read_to_string(dir.join(format!("{name}.json"))).unwrap();
        let found = findings(&serde_json::from_str(&text).unwrap());
        let mut got: Vec<&str> = found
            .iter()
            .filter(|f| f.status == Some(Status::Violated))
            .map(|f| f.rule.as_str())
            .collect();
        got.sort();
        let want: Vec<&str> = want["violations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(got, want, "{name}");
        assert_eq!(found.len(), want.len(), "{name}: no other findings");
    }
}
