//! The schema is the source of truth; these tests prove that the hand-written
//! Rust types and the table layouts agree with it.
//!
//! - every valid fixture passes the schema and the types, and survives the
//!   types unchanged;
//! - every invalid fixture fails the schema at its expected pointer and
//!   keyword (and the types refuse the structural ones at the same place);
//! - a maximal instance generated from the schema and a maximal report built
//!   from the types have exactly the same field paths, in both editions;
//! - every label in the layouts is the schema's `title` for that field.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use serde_json::{Value, json};
use xxgk::layout;
use xxgk::model::*;
use xxgk::schema;

fn fixtures(dir: &str) -> Vec<(String, Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(dir);
    let mut out: Vec<(String, Value)> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter(|p| p.file_name().is_some_and(|n| n != "expected.json"))
        .map(|p| {
            let text = fs::read_to_string(&p).unwrap();
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            (name, serde_json::from_str(&text).unwrap())
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(!out.is_empty(), "no fixtures in {}", dir.display());
    out
}

#[test]
fn valid_fixtures_pass_schema_and_types_and_survive_unchanged() {
    // Rule fixtures break consistency rules only: they fit the schema.
    for (name, value) in fixtures("valid").into_iter().chain(fixtures("rules")) {
        let errors = schema::check(&value);
        assert!(errors.is_empty(), "{name}: {errors:#?}");
        let report: Report = serde_json::from_value(value.clone())
            .unwrap_or_else(|e| panic!("{name}: the types refuse it: {e}"));
        assert_eq!(
            serde_json::to_value(&report).unwrap(),
            value,
            "{name}: the types changed it"
        );
    }
}

#[test]
fn invalid_fixtures_fail_where_expected() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invalid");
    let expected: Value =
        serde_json::from_str(&fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    let cases = fixtures("invalid");
    assert_eq!(cases.len(), expected.as_object().unwrap().len());
    for (name, value) in cases {
        let want = &expected[&name];
        let (pointer, keyword) = (
            want["pointer"].as_str().unwrap(),
            want["keyword"].as_str().unwrap(),
        );
        let found = schema::check(&value);
        assert!(
            found
                .iter()
                .any(|f| f.pointer == pointer && f.rule == keyword),
            "{name}: expected {keyword} at {pointer:?}, found {:#?}",
            found
                .iter()
                .map(|f| (&f.rule, &f.pointer))
                .collect::<Vec<_>>()
        );
        if want["types_refuse"].as_bool() == Some(true) {
            let err = serde_path_to_error::deserialize::<_, Report>(&value)
                .expect_err(&format!("{name}: the types accept it"));
            let path = err.path().to_string().replace('[', ".").replace(']', "");
            let dotted = pointer.trim_start_matches('/').replace('/', ".");
            let path = path.trim_start_matches('.');
            assert!(
                dotted.starts_with(path) || path.starts_with(&dotted),
                "{name}: the types fail at {path}, not at {pointer}"
            );
        }
    }
}

// ------------------------------------------------------ walking the schema

fn root() -> &'static Value {
    schema::schema()
}

fn deref(node: &'static Value) -> &'static Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(r) => deref(root().pointer(r.trim_start_matches('#')).unwrap()),
        None => node,
    }
}

/// The branch of an if/then/else on `edition` that applies.
fn branch(node: &'static Value, edition: &str) -> Option<&'static Value> {
    let node = deref(node);
    let cond = node.get("if")?;
    let wants = cond.pointer("/properties/edition/const")?.as_str()?;
    Some(if wants == edition {
        &node["then"]
    } else {
        &node["else"]
    })
}

/// A property's schema, with the edition's branch taking precedence.
fn child(node: &'static Value, key: &str, edition: &str) -> Option<&'static Value> {
    let n = deref(node);
    if let Some(b) = branch(n, edition)
        && let Some(c) = b.pointer(&format!("/properties/{key}"))
    {
        return Some(c);
    }
    n.get("properties")?.get(key).filter(|c| c.is_object())
}

fn title(node: &'static Value) -> Option<&'static str> {
    node.get("title")
        .or_else(|| deref(node).get("title"))
        .and_then(Value::as_str)
}

/// A maximal instance: every property the schema has, each enum's edition
/// set to `edition` where it may be.
fn generate(node: &'static Value, edition: &str) -> Value {
    let n = deref(node);
    if let Some(e) = n.get("enum").and_then(Value::as_array) {
        return e
            .iter()
            .find(|v| v.as_str() == Some(edition))
            .unwrap_or(&e[0])
            .clone();
    }
    let types: Vec<&str> = match n.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    if let Some(values) = n.get("additionalProperties").filter(|a| a.is_object()) {
        // A map (`sources`): one entry.
        return json!({ "/sections/x": generate(values, edition) });
    }
    if types.contains(&"object") || n.get("properties").is_some() {
        let mut keys: Vec<String> = n["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        if let Some(b) = branch(n, edition)
            && let Some(props) = b.get("properties").and_then(Value::as_object)
        {
            keys.extend(props.keys().cloned());
        }
        keys.sort();
        keys.dedup();
        let mut obj = serde_json::Map::new();
        for k in keys {
            let c = child(n, &k, edition).unwrap_or_else(|| panic!("no schema for {k}"));
            obj.insert(k, generate(c, edition));
        }
        return Value::Object(obj);
    }
    if types.contains(&"array") {
        return json!([generate(&n["items"], edition)]);
    }
    if types.contains(&"integer") || types.contains(&"number") {
        return json!(
            n.get("minimum")
                .and_then(Value::as_i64)
                .unwrap_or(0)
                .max(1)
                .max(if n.get("maximum").is_some() { 2020 } else { 0 })
        );
    }
    if n.get("format").and_then(Value::as_str) == Some("date") {
        return json!("2021-01-25");
    }
    json!("x")
}

fn paths(v: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                let p = format!("{prefix}/{k}");
                out.insert(p.clone());
                paths(c, &p, out);
            }
        }
        Value::Array(a) => {
            for c in a {
                paths(c, &format!("{prefix}/[]"), out);
            }
        }
        _ => {}
    }
}

// ------------------------------------------- a maximal report from the types

fn text() -> Vec<Block> {
    vec![Block::heading("x"), Block::paragraph("x")]
}

fn extra() -> Vec<ExtraRow> {
    vec![ExtraRow {
        after: Some("x".into()),
        label: "x".into(),
        values: vec![Cell::int(1)],
    }]
}

fn text_section() -> TextSection {
    TextSection {
        heading: Some("x".into()),
        body: text(),
    }
}

fn table_section<T>(table: T) -> TableSection<T> {
    TableSection {
        heading: Some("x".into()),
        body: text(),
        table: Some(table),
        notes: text(),
    }
}

/// Every optional field set, written with exhaustive struct literals so that
/// a field added to the types without a place here does not compile.
fn maximal(edition: Edition) -> Report {
    let e19 = edition == Edition::E2019;
    let table2 = Table2 {
        item_1: if e19 {
            Item1::E2019 {
                rows: Item1Rows::default(),
            }
        } else {
            Item1::E2021 {
                rows: Item1Rows::default(),
            }
        },
        item_5: if e19 {
            Item5::E2019 {
                rows: Item5Rows2019::default(),
            }
        } else {
            Item5::E2021 {
                rows: Item5Rows2021::default(),
            }
        },
        item_6: if e19 {
            Item6::E2019 {
                rows: Item6Rows::default(),
            }
        } else {
            Item6::E2021 {
                rows: Item6Rows::default(),
            }
        },
        item_8: if e19 {
            Item8::E2019 {
                rows: Item8Rows::default(),
            }
        } else {
            Item8::E2021 {
                rows: Item8Rows::default(),
            }
        },
        item_9: Some(Item9::E2019 {
            rows: Item9Rows::default(),
        }),
        extra_rows: vec![BlockExtraRow {
            block: "item_1".into(),
            after: Some("x".into()),
            label: "x".into(),
            values: vec![Cell::int(1)],
        }],
    };
    let table3 = if e19 {
        Table3::E2019(Table3Body {
            extra_rows: extra(),
            ..Table3Body::default()
        })
    } else {
        Table3::E2021(Table3Body {
            extra_rows: extra(),
            ..Table3Body::default()
        })
    };
    Report {
        schema: Some(schema::SCHEMA_ID.into()),
        meta: Meta {
            title: Some("x".into()),
            agency: Some("x".into()),
            year: Some(2020),
            published: Some("2021-01-25".into()),
            source: Some(Source {
                file: Some("x".into()),
                format: SourceFormat::Json,
            }),
        },
        preamble: text(),
        sections: Sections {
            overview: Some(text_section()),
            proactive: Some(table_section(table2)),
            applications: Some(table_section(table3)),
            reviews: Some(table_section(Table4 {
                extra_rows: extra(),
                ..Table4::default()
            })),
            problems: Some(text_section()),
            other: Some(text_section()),
        },
        sources: [("/sections/x".to_owned(), "x".to_owned())].into(),
    }
}

#[test]
fn types_and_schema_have_the_same_fields_in_both_editions() {
    for edition in [Edition::E2019, Edition::E2021] {
        let generated = generate(root(), edition.as_str());
        let errors = schema::check(&generated);
        assert!(
            errors.is_empty(),
            "generated instance is invalid: {errors:#?}"
        );

        // Schema -> types: the types accept every field and drop none.
        let report: Report = serde_json::from_value(generated.clone()).unwrap();
        assert_eq!(serde_json::to_value(&report).unwrap(), generated);

        // Types -> schema: a report with every field set is valid, and has
        // exactly the schema's field paths.
        let built = serde_json::to_value(maximal(edition)).unwrap();
        let errors = schema::check(&built);
        assert!(errors.is_empty(), "maximal report is invalid: {errors:#?}");
        let (mut from_schema, mut from_types) = (BTreeSet::new(), BTreeSet::new());
        paths(&generated, "", &mut from_schema);
        paths(&built, "", &mut from_types);
        assert_eq!(
            from_schema.difference(&from_types).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "in the schema but not the types ({})",
            edition.as_str()
        );
        assert_eq!(
            from_types.difference(&from_schema).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "in the types but not the schema ({})",
            edition.as_str()
        );
    }
}

/// The schema node at a JSON pointer, following the edition's branches.
fn node_at(pointer: &str, edition: &str) -> &'static Value {
    pointer
        .split('/')
        .filter(|s| !s.is_empty())
        .fold(root(), |node, key| {
            child(node, key, edition).unwrap_or_else(|| panic!("no schema for {key} in {pointer}"))
        })
}

#[test]
fn every_layout_label_is_the_schema_title() {
    let mut checked = 0;
    for l in layout::all() {
        let edition = l.edition.map_or("2019", Edition::as_str);
        if let Some((key, block_title)) = l.block {
            let block = node_at(&format!("/sections/proactive/table/{key}"), edition);
            assert_eq!(title(block), Some(block_title));
        }
        for g in l.groups {
            let p = format!("{}/{}", l.pointer, g.path.replace('.', "/"));
            assert_eq!(title(node_at(&p, edition)), Some(g.label), "{p}");
        }
        for r in l.rows {
            let p = format!("{}/{}", l.pointer, r.path.replace('.', "/"));
            assert_eq!(title(node_at(&p, edition)), Some(r.label), "{p}");
            for c in l.columns {
                let p = l.cell_pointer(r, c);
                assert_eq!(title(node_at(&p, edition)), Some(c.label), "{p}");
                let def = node_at(&p, edition)["$ref"].as_str().unwrap();
                let kind = match c.kind {
                    layout::CellKind::Count => "#/$defs/count",
                    layout::CellKind::SignedCount => "#/$defs/signedCount",
                    layout::CellKind::Amount => "#/$defs/amount",
                };
                assert_eq!(def, kind, "{p}");
                checked += 1;
            }
        }
    }
    // 2019: 6+6+6+2+2 in table 2, 161 in table 3; 2021: 6+1+2+1, 175; table 4: 15.
    assert_eq!(checked, 22 + 161 + 10 + 175 + 15);
}

#[test]
fn section_titles_are_the_official_headings() {
    for (key, heading) in [
        ("overview", "一、总体情况"),
        ("proactive", "二、主动公开政府信息情况"),
        ("applications", "三、收到和处理政府信息公开申请情况"),
        ("reviews", "四、政府信息公开行政复议、行政诉讼情况"),
        ("problems", "五、存在的主要问题及改进情况"),
        ("other", "六、其他需要报告的事项"),
    ] {
        assert_eq!(
            title(node_at(&format!("/sections/{key}"), "2019")),
            Some(heading)
        );
    }
    for t in [
        layout::TableId::Proactive,
        layout::TableId::Applications,
        layout::TableId::Reviews,
    ] {
        assert_eq!(
            title(node_at(&format!("/sections/{}", t.key()), "2019")),
            Some(t.title())
        );
    }
}

/// The typed grid of the table or block a layout describes, in a report.
fn grid_for<'r>(report: &'r mut Report, l: &layout::Layout) -> Vec<Vec<&'r mut Cell>> {
    let s = &mut report.sections;
    match l.table {
        layout::TableId::Reviews => s
            .reviews
            .as_mut()
            .unwrap()
            .table
            .as_mut()
            .unwrap()
            .grid_mut(),
        layout::TableId::Applications => {
            match s.applications.as_mut().unwrap().table.as_mut().unwrap() {
                Table3::E2019(b) => b.grid_mut(),
                Table3::E2021(b) => b.grid_mut(),
            }
        }
        layout::TableId::Proactive => {
            let t = s.proactive.as_mut().unwrap().table.as_mut().unwrap();
            match l.block.unwrap().0 {
                "item_1" => match &mut t.item_1 {
                    Item1::E2019 { rows } => rows.grid_mut(),
                    Item1::E2021 { rows } => rows.grid_mut(),
                },
                "item_5" => match &mut t.item_5 {
                    Item5::E2019 { rows } => rows.grid_mut(),
                    Item5::E2021 { rows } => rows.grid_mut(),
                },
                "item_6" => match &mut t.item_6 {
                    Item6::E2019 { rows } => rows.grid_mut(),
                    Item6::E2021 { rows } => rows.grid_mut(),
                },
                "item_8" => match &mut t.item_8 {
                    Item8::E2019 { rows } => rows.grid_mut(),
                    Item8::E2021 { rows } => rows.grid_mut(),
                },
                _ => match t.item_9.as_mut().unwrap() {
                    Item9::E2019 { rows } => rows.grid_mut(),
                },
            }
        }
    }
}

#[test]
fn typed_grids_follow_the_layouts_row_and_column_order() {
    for edition in [Edition::E2019, Edition::E2021] {
        let mut report = maximal(edition);
        let value = serde_json::to_value(&report).unwrap();
        let layouts = layout::used_by(&value);
        let mut n = 0;
        for l in &layouts {
            let grid = grid_for(&mut report, l);
            assert_eq!(grid.len(), l.rows.len(), "{}", l.title());
            for row in grid {
                assert_eq!(row.len(), l.columns.len(), "{}", l.title());
                for cell in row {
                    n += 1;
                    *cell = Cell::int(n);
                }
            }
        }
        // Each number landed at the pointer the layout gives its position.
        let value = serde_json::to_value(&report).unwrap();
        let mut m = 0;
        for l in &layouts {
            for ri in 0..l.rows.len() {
                for ci in 0..l.columns.len() {
                    m += 1;
                    assert_eq!(
                        value.pointer(l.pointer_at(ri, ci)),
                        Some(&json!(m)),
                        "{}",
                        l.pointer_at(ri, ci)
                    );
                }
            }
        }
        assert_eq!(m, n);
    }
}
