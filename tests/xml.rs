//! The XML form: exact round trips (fixtures and generated reports), the
//! XSD in step with the JSON Schema, xmllint and xxgk judging alike, errors
//! placed at their element, and hostile input refused.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::PathBuf;
use std::process::Command;

use common::{fixture, fixtures, root};
use proptest::prelude::*;
use quick_xml::events::Event;
use serde_json::{Value, json};
use xxgk::convert::MAX_INPUT_BYTES;
use xxgk::layout::{self, CellKind};
use xxgk::write::docx::SECTION_KEYS;
use xxgk::{Error, Format, load};

fn xsd_path() -> PathBuf {
    root().join("schemas/annual-report.xsd")
}

fn to_xml(value: &Value) -> Vec<u8> {
    let checked = load(&serde_json::to_vec(value).unwrap(), Format::Json).expect("a valid report");
    checked.render(Format::Xml).unwrap()
}

fn from_xml(xml: &[u8]) -> Value {
    let checked = load(xml, Format::Xml).unwrap_or_else(|e| panic!("reading XML back: {e:?}"));
    serde_json::to_value(&checked.report).unwrap()
}

/// The report as xxgk writes it in JSON (canonical order and numbers).
fn canonical(value: &Value) -> Value {
    let checked = load(&serde_json::to_vec(value).unwrap(), Format::Json).unwrap();
    serde_json::to_value(&checked.report).unwrap()
}

/// JSON -> XML -> JSON and XML -> JSON -> XML are the identity.
fn assert_round_trips(value: &Value) -> Vec<u8> {
    let xml = to_xml(value);
    let back = from_xml(&xml);
    assert_eq!(
        back,
        canonical(value),
        "JSON -> XML -> JSON changed the report"
    );
    assert_eq!(
        serde_json::to_string(&back).unwrap(),
        serde_json::to_string(&canonical(value)).unwrap(),
        "numbers lost their digits"
    );
    let again = to_xml(&back);
    assert!(xml == again, "XML -> JSON -> XML changed the bytes");
    xml
}

// ------------------------------------------------------------ xmllint

/// Whether the peer tools may be skipped (`XXGK_SKIP_PEER_TESTS=1`).
fn skip_peers() -> bool {
    std::env::var("XXGK_SKIP_PEER_TESTS").is_ok_and(|v| v == "1")
}

/// xmllint's verdict on an XML document against the shipped XSD: `None`
/// when xmllint is missing and skipping was asked for.
fn xmllint(xml: &[u8]) -> Option<Result<(), String>> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.xml");
    fs::write(&path, xml).unwrap();
    let out = match Command::new("xmllint")
        .arg("--noout")
        .arg("--nonet")
        .arg("--schema")
        .arg(xsd_path())
        .arg(&path)
        .output()
    {
        Ok(out) => out,
        Err(e) if skip_peers() => {
            eprintln!("xmllint not run ({e}); skipped by XXGK_SKIP_PEER_TESTS=1");
            return None;
        }
        Err(e) => panic!(
            "xmllint is needed (Debian package libxml2-utils; .ci/run installs it), or set XXGK_SKIP_PEER_TESTS=1: {e}"
        ),
    };
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    Some(if out.status.success() {
        Ok(())
    } else {
        Err(stderr)
    })
}

fn assert_xmllint_accepts(xml: &[u8], what: &str) {
    if let Some(Err(e)) = xmllint(xml) {
        panic!("{what}: xmllint refuses what xxgk wrote:\n{e}");
    }
}

// ------------------------------------------------------------ fixtures

#[test]
fn every_fixture_round_trips_through_xml_and_fits_the_xsd() {
    for (name, value) in fixtures() {
        let xml = assert_round_trips(&value);
        assert_xmllint_accepts(&xml, &name);
    }
}

#[test]
fn written_xml_is_declared_indented_deterministic_and_labelled() {
    let value = fixture("seed-2020-hengyang.json");
    let xml = to_xml(&value);
    assert_eq!(xml, to_xml(&value), "equal reports, equal bytes");
    let text = String::from_utf8(xml).unwrap();
    assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<report "));
    assert!(text.ends_with("</report>\n"));
    assert!(!text.contains("<!DOCTYPE"));
    assert!(text.contains(&format!("xmlns=\"{}\"", xxgk::xml::NAMESPACE)));
    for l in text.lines().skip(1) {
        let indent = l.len() - l.trim_start_matches(' ').len();
        assert!(indent % 2 == 0 && !l.starts_with('\t'), "{l:?}");
    }
    // Each cell carries its official label, from the layouts.
    let layout = layout::all()
        .find(|l| l.pointer_at(0, 0) == "/sections/applications/table/new/natural_person")
        .unwrap();
    let row_label = xxgk::schema::schema()
        .pointer("/$defs/table3/properties/new/title")
        .and_then(Value::as_str)
        .unwrap();
    assert!(text.contains(&format!("<new label=\"{row_label}\">")));
    assert!(text.contains(&format!(
        "<natural_person label=\"{}\">{}</natural_person>",
        layout.columns[0].label,
        value
            .pointer("/sections/applications/table/new/natural_person")
            .unwrap()
    )));
    let edition = value
        .pointer("/sections/applications/table/edition")
        .and_then(Value::as_str)
        .unwrap();
    assert!(text.contains(&format!("edition=\"{edition}\"")));
}

#[test]
fn blank_empty_text_zero_and_digits_stay_apart() {
    let mut value = fixture("huaian-2024.json");
    let cells = "/sections/applications/table/new";
    let set = |v: &mut Value, key: &str, x: Value| {
        *v.pointer_mut(&format!("{cells}/{key}")).unwrap() = x;
    };
    set(&mut value, "natural_person", Value::Null);
    set(&mut value, "commercial", json!(0));
    set(&mut value, "research", json!("/"));
    set(&mut value, "social_welfare", json!("无"));
    *value
        .pointer_mut("/sections/proactive/table/item_8/rows/fees/amount")
        .unwrap() = serde_json::from_str("7545.00").unwrap();
    value["sections"]["proactive"]["table"]["extra_rows"] = json!([
        {"block": "item_8", "after": "fees", "label": "其他收费", "values": ["6719.3835万元"]}
    ]);
    let xml = String::from_utf8(assert_round_trips(&value)).unwrap();
    assert!(xml.contains("<natural_person label=\"自然人\"/>"));
    assert!(xml.contains("<commercial label=\"商业企业\">0</commercial>"));
    assert!(xml.contains("<research label=\"科研机构\" text=\"/\"/>"));
    assert!(xml.contains(">7545.00</amount>"));
    assert!(xml.contains("<cell text=\"6719.3835万元\"/>"));
    assert_xmllint_accepts(xml.as_bytes(), "cells");

    // Text that is empty is not a blank: the schema refuses it.
    let empty = xml.replace(
        "<natural_person label=\"自然人\"/>",
        "<natural_person label=\"自然人\" text=\"\"/>",
    );
    let Err(Error::Invalid { findings }) = load(empty.as_bytes(), Format::Xml) else {
        panic!("empty text accepted")
    };
    assert_eq!(findings[0].pointer, format!("{cells}/natural_person"));
}

#[test]
fn absent_and_present_optional_fields_are_told_apart() {
    let mut value = fixture("seed-2020-hengyang.json");
    value["$schema"] = json!(xxgk::schema::SCHEMA_ID);
    value["sections"]["overview"]["heading"] = json!("");
    value["sections"]["problems"]
        .as_object_mut()
        .unwrap()
        .remove("heading");
    value["meta"].as_object_mut().unwrap().remove("published");
    value["sources"] = json!({"/sections/applications/table/new/total": "表2 第4行 第9列"});
    let xml = String::from_utf8(assert_round_trips(&value)).unwrap();
    assert!(xml.contains("<heading label=\"标题（原文）\"></heading>"));
    assert!(xml.contains(
        "<source pointer=\"/sections/applications/table/new/total\">表2 第4行 第9列</source>"
    ));
    assert_xmllint_accepts(xml.as_bytes(), "optional fields");
}

#[test]
fn text_xml_cannot_hold_is_refused_with_its_pointer() {
    let mut value = fixture("huaian-2024.json");
    value["sections"]["overview"]["body"][0]["text"] = "含有\u{1}控制字符".into();
    let checked = load(&serde_json::to_vec(&value).unwrap(), Format::Json).unwrap();
    let Err(Error::Invalid { findings }) = checked.render(Format::Xml) else {
        panic!("a control character was written")
    };
    assert_eq!(findings[0].pointer, "/sections/overview/body/0/text");
    assert!(findings[0].message.contains("U+0001"));
    assert!(findings[0].message.contains("XML document"));
    // A key of the sources map is an attribute value: the same refusal.
    let mut value = fixture("huaian-2024.json");
    value["sources"] = json!({"/sections/x\u{1}": "line 1"});
    let checked = load(&serde_json::to_vec(&value).unwrap(), Format::Json).unwrap();
    let Err(Error::Invalid { findings }) = checked.render(Format::Xml) else {
        panic!("a control character was written")
    };
    assert_eq!(findings[0].pointer, "/sources/~1sections~1x\u{1}");
}

#[test]
fn line_breaks_and_carriage_returns_survive_the_parser() {
    let mut value = fixture("huaian-2024.json");
    value["sections"]["overview"]["body"][0]["text"] = "第一行\r\n第二行\r第三行\t末".into();
    value["sections"]["applications"]["table"]["new"]["research"] = "甲\r\n乙\t丙".into();
    let xml = assert_round_trips(&value);
    assert_xmllint_accepts(&xml, "line breaks");
}

// ------------------------------------------------------------ generated

/// Narrative text: CJK, XML's special characters, quotes, spaces and line
/// breaks inside, never at the ends.
fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("政府信息公开".to_owned()),
        Just("<".to_owned()),
        Just("&".to_owned()),
        Just("]]>".to_owned()),
        Just("&amp;".to_owned()),
        Just("\"'".to_owned()),
        Just("“三安全一稳定”".to_owned()),
        Just("  ".to_owned()),
        Just("\n".to_owned()),
        Just("\r\n".to_owned()),
        Just("\t".to_owned()),
        "[a-z0-9]{1,6}",
        "[\u{4e00}-\u{9fa5}，。]{1,40}",
    ];
    proptest::collection::vec(piece, 1..8).prop_map(|pieces| {
        let s: String = pieces.concat();
        format!("甲{}乙", s.trim())
    })
}

fn blocks() -> impl Strategy<Value = Vec<Value>> {
    proptest::collection::vec(
        (any::<bool>(), text()).prop_map(|(heading, text)| {
            json!({"type": if heading { "heading" } else { "paragraph" }, "text": text})
        }),
        0..4,
    )
}

/// Text a cell may hold: placeholders, amounts with units, other words.
fn cell_text() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!("/")),
        Just(json!("—")),
        Just(json!("无")),
        Just(json!("<&>")),
        (0u64..100_000).prop_map(|a| json!(format!("{a}.50万元"))),
    ]
}

/// A cell value of a kind: blank, a number as written, or text.
fn cell(kind: CellKind) -> BoxedStrategy<Value> {
    let number = |text: String| serde_json::from_str::<Value>(&text).unwrap();
    match kind {
        CellKind::Count => prop_oneof![
            Just(Value::Null),
            (0u64..u64::MAX).prop_map(Value::from),
            cell_text(),
        ]
        .boxed(),
        CellKind::SignedCount => prop_oneof![
            Just(Value::Null),
            (-500i64..500).prop_map(Value::from),
            cell_text(),
        ]
        .boxed(),
        CellKind::Amount => prop_oneof![
            Just(Value::Null),
            (0u64..1_000_000, 0u32..10_000).prop_map(move |(a, b)| number(format!("{a}.{b:04}"))),
            "[1-9][0-9]{20,30}\\.[0-9]{1,6}".prop_map(number),
            cell_text(),
        ]
        .boxed(),
    }
}

fn any_cell() -> BoxedStrategy<Value> {
    prop_oneof![cell(CellKind::SignedCount), cell(CellKind::Amount)].boxed()
}

fn extra_rows(blocks: &'static [&'static str]) -> impl Strategy<Value = Vec<Value>> {
    proptest::collection::vec(
        (
            proptest::sample::select(blocks),
            proptest::option::of(Just("regulations")),
            text(),
            proptest::collection::vec(any_cell(), 0..4),
        ),
        0..3,
    )
    .prop_map(|rows| {
        rows.into_iter()
            .map(|(block, after, label, values)| {
                let mut row = json!({"block": block, "label": label, "values": values});
                if let Some(a) = after {
                    row["after"] = json!(a);
                }
                if block.is_empty() {
                    row.as_object_mut().unwrap().remove("block");
                }
                row
            })
            .collect()
    })
}

/// A report whose table 2 blocks and table 3 each come from a 2019 or a
/// 2021 fixture, with every cell, the narrative, headings, extra rows and
/// metadata generated.
fn report() -> impl Strategy<Value = Value> {
    let editions = [
        fixture("seed-2020-hengyang.json"),
        fixture("huaian-2024.json"),
    ];
    (
        proptest::collection::vec(0..2usize, 5),
        any::<bool>(),
        proptest::collection::vec((any::<bool>(), blocks()), 6),
        blocks(),
        proptest::option::of(text()),
        extra_rows(&["item_1", "item_5", "item_6", "item_8", "item_9"]),
        extra_rows(&[""]),
        extra_rows(&[""]),
    )
        .prop_flat_map(
            move |(picks, with_item_9, sections, preamble, agency, t2x, t3x, t4x)| {
                let mut v = editions[picks[0]].clone();
                let t2 = &mut v["sections"]["proactive"]["table"];
                for (i, item) in ["item_1", "item_5", "item_6", "item_8"].iter().enumerate() {
                    t2[item] =
                        editions[picks[i + 1]]["sections"]["proactive"]["table"][item].clone();
                }
                let t2 = t2.as_object_mut().unwrap();
                if with_item_9 {
                    t2.insert(
                        "item_9".into(),
                        editions[0]["sections"]["proactive"]["table"]["item_9"].clone(),
                    );
                } else {
                    t2.remove("item_9");
                }
                if !t2x.is_empty() {
                    t2.insert("extra_rows".into(), json!(t2x));
                }
                for (t, x) in [("applications", &t3x), ("reviews", &t4x)] {
                    if !x.is_empty() {
                        v["sections"][t]["table"]["extra_rows"] = json!(x);
                    }
                }
                for (key, (keep_heading, body)) in SECTION_KEYS.iter().zip(&sections) {
                    let s = &mut v["sections"][key];
                    if !keep_heading {
                        s.as_object_mut().unwrap().remove("heading");
                    }
                    s["body"] = Value::Array(body.clone());
                }
                v["preamble"] = Value::Array(preamble.clone());
                match &agency {
                    Some(a) => v["meta"]["agency"] = a.clone().into(),
                    None => {
                        v["meta"].as_object_mut().unwrap().remove("agency");
                    }
                }
                let kinds: Vec<(String, CellKind)> = layout::used_by(&v)
                    .into_iter()
                    .flat_map(|l| {
                        (0..l.rows.len()).flat_map(move |r| {
                            (0..l.columns.len())
                                .map(move |c| (l.pointer_at(r, c).to_owned(), l.columns[c].kind))
                        })
                    })
                    .collect();
                let cells: Vec<BoxedStrategy<Value>> =
                    kinds.iter().map(|(_, k)| cell(*k)).collect();
                (Just(v), Just(kinds), cells)
            },
        )
        .prop_map(|(mut v, kinds, values)| {
            for ((pointer, _), value) in kinds.iter().zip(values) {
                *v.pointer_mut(pointer).unwrap() = value;
            }
            v
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn generated_reports_round_trip_through_xml(value in report()) {
        let errors = xxgk::schema::check(&value);
        prop_assert!(errors.is_empty(), "the generator made an invalid report: {errors:#?}");
        let xml = assert_round_trips(&value);
        assert_xmllint_accepts(&xml, "a generated report");
    }
}

// ------------------------------------------------------------ the XSD

#[test]
fn the_shipped_xsd_is_the_one_generated_from_the_json_schema() {
    let generated = xxgk::xml::generate_xsd();
    if std::env::var_os("XXGK_BLESS").is_some() {
        fs::write(xsd_path(), &generated).unwrap();
    }
    let shipped = fs::read_to_string(xsd_path()).unwrap();
    assert!(
        shipped == generated,
        "schemas/annual-report.xsd differs from the XSD generated from the JSON Schema; regenerate it with XXGK_BLESS=1 cargo test --test xml"
    );
    assert_eq!(xxgk::xml::XSD, shipped, "schema --xsd prints the file");
}

/// A small tree of the XSD's schema components.
#[derive(Debug)]
struct XsdNode {
    tag: String,
    attrs: Vec<(String, String)>,
    children: Vec<XsdNode>,
}

impl XsdNode {
    fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

fn parse_xsd() -> XsdNode {
    let text = fs::read_to_string(xsd_path()).unwrap();
    let mut reader = quick_xml::Reader::from_str(&text);
    let mut stack: Vec<XsdNode> = vec![XsdNode {
        tag: String::new(),
        attrs: Vec::new(),
        children: Vec::new(),
    }];
    loop {
        let (e, empty) = match reader.read_event().unwrap() {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(_) => {
                let done = stack.pop().unwrap();
                stack.last_mut().unwrap().children.push(done);
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let node = XsdNode {
            tag: e.local_name().as_ref().to_owned(),
            attrs: e
                .attributes()
                .map(|a| {
                    let a = a.unwrap();
                    (
                        a.key.as_ref().to_owned(),
                        a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .unwrap()
                            .into_owned(),
                    )
                })
                .collect(),
            children: Vec::new(),
        };
        if empty {
            stack.last_mut().unwrap().children.push(node);
        } else {
            stack.push(node);
        }
    }
    stack.pop().unwrap().children.pop().unwrap()
}

/// Every element path the XSD allows (`/report/meta/title`), following
/// named types, with the edition values each element's attribute allows.
fn xsd_paths() -> (BTreeSet<String>, BTreeSet<(String, String)>) {
    let schema = parse_xsd();
    let named = |name: &str| -> Option<&XsdNode> {
        let name = name.trim_start_matches("r:");
        let found = schema
            .children
            .iter()
            .find(|c| c.attr("name") == Some(name));
        assert!(found.is_some(), "no type {name}");
        found.filter(|c| c.tag == "complexType")
    };
    let mut paths = BTreeSet::new();
    let mut editions = BTreeSet::new();
    fn walk<'a>(
        node: &'a XsdNode,
        path: &str,
        named: &dyn Fn(&str) -> Option<&'a XsdNode>,
        paths: &mut BTreeSet<String>,
        editions: &mut BTreeSet<(String, String)>,
    ) {
        for c in &node.children {
            match c.tag.as_str() {
                "element" => {
                    let p = format!("{path}/{}", c.attr("name").unwrap());
                    paths.insert(p.clone());
                    if let Some(t) = c.attr("type").filter(|t| t.starts_with("r:"))
                        && let Some(def) = named(t)
                    {
                        walk(def, &p, named, paths, editions);
                    }
                    walk(c, &p, named, paths, editions);
                }
                "attribute" if c.attr("name") == Some("edition") => {
                    let mut values = Vec::new();
                    collect_enums(c, &mut values);
                    for v in values {
                        editions.insert((path.to_owned(), v));
                    }
                }
                // Named types are walked where an element uses them.
                "complexType" if c.attr("name").is_some() => {}
                "complexType" | "sequence" | "choice" => walk(c, path, named, paths, editions),
                _ => {}
            }
        }
    }
    fn collect_enums(node: &XsdNode, out: &mut Vec<String>) {
        for c in &node.children {
            if c.tag == "enumeration" {
                out.push(c.attr("value").unwrap().to_owned());
            }
            collect_enums(c, out);
        }
    }
    walk(&schema, "", &named, &mut paths, &mut editions);
    (paths, editions)
}

/// Every field path of the JSON Schema in both editions, named as the XML
/// names them, with the editions each edition-bearing object allows.
fn schema_paths() -> (BTreeSet<String>, BTreeSet<(String, String)>) {
    let root = xxgk::schema::schema();
    let deref = |mut n: &'static Value| {
        while let Some(r) = n.get("$ref").and_then(Value::as_str) {
            n = root.pointer(r.trim_start_matches('#')).unwrap();
        }
        n
    };
    let mut paths = BTreeSet::new();
    let mut editions = BTreeSet::new();
    fn walk(
        node: &'static Value,
        path: &str,
        key: &str,
        edition: &str,
        deref: &dyn Fn(&'static Value) -> &'static Value,
        paths: &mut BTreeSet<String>,
        editions: &mut BTreeSet<(String, String)>,
    ) {
        let n = deref(node);
        if let Some(items) = n.get("items") {
            let items = deref(items);
            if items.pointer("/properties/type/enum").is_some() {
                for t in ["heading", "paragraph"] {
                    paths.insert(format!("{path}/{t}"));
                }
                return;
            }
            let item = if key == "values" { "cell" } else { "row" };
            let p = format!("{path}/{item}");
            paths.insert(p.clone());
            walk(items, &p, item, edition, deref, paths, editions);
            return;
        }
        if n.get("propertyNames").is_some() {
            paths.insert(format!("{path}/source"));
            return;
        }
        let Some(props) = n.get("properties").and_then(Value::as_object) else {
            return;
        };
        let conditional = n.get("if").is_some();
        for (k, child) in props {
            if k == "edition" {
                for e in child["enum"].as_array().unwrap() {
                    editions.insert((path.to_owned(), e.as_str().unwrap().to_owned()));
                }
                continue;
            }
            let mut child = child;
            if conditional {
                let wants = n.pointer("/if/properties/edition/const").unwrap();
                let b = if wants == edition {
                    &n["then"]
                } else {
                    &n["else"]
                };
                if let Some(c) = b.pointer(&format!("/properties/{k}")) {
                    child = c;
                }
            }
            let p = format!("{path}/{}", k.trim_start_matches('$'));
            paths.insert(p.clone());
            walk(child, &p, k, edition, deref, paths, editions);
        }
    }
    for edition in ["2019", "2021"] {
        paths.insert("/report".into());
        walk(
            root,
            "/report",
            "",
            edition,
            &deref,
            &mut paths,
            &mut editions,
        );
    }
    (paths, editions)
}

#[test]
fn the_xsd_and_the_json_schema_have_the_same_paths_and_editions() {
    let (xsd, xsd_editions) = xsd_paths();
    let (json, json_editions) = schema_paths();
    let only_xsd: Vec<_> = xsd.difference(&json).collect();
    let only_json: Vec<_> = json.difference(&xsd).collect();
    assert!(
        only_xsd.is_empty() && only_json.is_empty(),
        "only in the XSD: {only_xsd:#?}\nonly in the JSON Schema: {only_json:#?}"
    );
    assert!(json.len() > 150, "{} paths", json.len());
    assert_eq!(xsd_editions, json_editions);
    assert!(json_editions.contains(&(
        "/report/sections/proactive/table/item_9".into(),
        "2019".into()
    )));
    assert!(!json_editions.contains(&(
        "/report/sections/proactive/table/item_9".into(),
        "2021".into()
    )));
}

// ------------------------------------------------------------ bad documents

/// The seed as XML, with one piece of text replaced.
fn seed_xml_with(from: &str, to: &str) -> String {
    let xml = String::from_utf8(to_xml(&fixture("seed-2020-hengyang.json"))).unwrap();
    assert!(xml.contains(from), "{from}");
    xml.replacen(from, to, 1)
}

/// `line L, column C` of the first occurrence of `needle`.
fn line_col(text: &str, needle: &str) -> String {
    let at = text.find(needle).unwrap();
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    format!("line {line}, column {col}")
}

/// Whether xxgk accepts an XML report's schema (rule findings aside).
fn xxgk_accepts(xml: &str) -> bool {
    match load(xml.as_bytes(), Format::Xml) {
        Ok(_) => true,
        Err(Error::Invalid { .. }) => false,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn xmllint_and_xxgk_refuse_the_same_broken_documents() {
    let new = "<natural_person label=\"自然人\">32</natural_person>";
    let broken = [
        (
            "an unknown element",
            new.replace("natural_person", "natural_persons"),
        ),
        ("a negative count", new.replace(">32<", ">-1<")),
        ("a fraction in a count", new.replace(">32<", ">3.5<")),
        ("leading zeros", new.replace(">32<", ">032<")),
        ("an exponent", new.replace(">32<", ">3e1<")),
        ("a word", new.replace(">32<", ">thirty<")),
        (
            "an element inside a cell",
            new.replace(">32<", "><b>32</b><"),
        ),
        ("a missing cell", String::new()),
        (
            "an unknown attribute",
            new.replace("label=", "colour=\"red\" label="),
        ),
    ];
    for (what, replacement) in broken {
        let xml = seed_xml_with(new, &replacement);
        assert!(!xxgk_accepts(&xml), "xxgk accepts {what}");
        if let Some(verdict) = xmllint(xml.as_bytes()) {
            assert!(verdict.is_err(), "xmllint accepts {what}");
        }
    }
    let edition = seed_xml_with(
        "<item_9 label=\"第二十条第（九）项\" edition=\"2019\">",
        "<item_9 label=\"第二十条第（九）项\" edition=\"2021\">",
    );
    assert!(!xxgk_accepts(&edition), "item_9 in the 2021 edition");
    if let Some(verdict) = xmllint(edition.as_bytes()) {
        assert!(verdict.is_err(), "xmllint accepts item_9 in 2021");
    }
}

#[test]
fn xmllint_and_xxgk_agree_on_every_spelling_of_a_number() {
    let spellings = [
        "0", "-0", "-0.0", "32", "3.0", "3.00", "3.5", "-1", "-1.5", "032", "+3", "3e1", " 32 ",
        "3 2", ".5", "5.", "", "1,234", "１２",
    ];
    // One cell of each kind: count, signed count, amount.
    let mut value = fixture("seed-2020-hengyang.json");
    let amount = "/sections/proactive/table/item_9/rows/procurement/amount";
    *value.pointer_mut(amount).unwrap() = serde_json::from_str("12.5").unwrap();
    let xml = String::from_utf8(to_xml(&value)).unwrap();
    let line_of = |needle: &str| -> String {
        let at = xml.find(needle).unwrap_or_else(|| panic!("{needle}"));
        let start = xml[..at].rfind('\n').unwrap() + 1;
        let end = at + xml[at..].find('\n').unwrap();
        xml[start..end].trim().to_owned()
    };
    let cells = [
        line_of(">32</natural_person>"),
        line_of(">3</change>"),
        line_of(">12.5</amount>"),
    ];
    let mut checked = 0;
    for cell in &cells {
        let open = &cell[..cell.find('>').unwrap()];
        let close = &cell[cell.rfind("</").unwrap()..];
        for s in spellings {
            let written = format!("{open}>{s}{close}");
            let doc = xml.replacen(cell.as_str(), &written, 1);
            assert!(doc.contains(&written), "{written}");
            let ours = xxgk_accepts(&doc);
            if let Some(theirs) = xmllint(doc.as_bytes()) {
                assert_eq!(
                    ours,
                    theirs.is_ok(),
                    "{written}: xxgk {ours}, xmllint {theirs:?}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked == 0 || checked == 3 * spellings.len());
}

#[test]
fn errors_name_the_line_column_and_element_path() {
    let new = "<natural_person label=\"自然人\">32</natural_person>";
    // A schema error (a negative count) and a vocabulary error (a word).
    for (bad, rule) in [(">-1<", "minimum"), (">many<", "xml")] {
        let xml = seed_xml_with(new, &new.replace(">32<", bad));
        let Err(Error::Invalid { findings }) = load(xml.as_bytes(), Format::Xml) else {
            panic!("{bad} accepted")
        };
        let f = findings.iter().find(|f| f.rule == rule).unwrap();
        assert_eq!(f.pointer, "/sections/applications/table/new/natural_person");
        let at = line_col(&xml, "<natural_person");
        assert_eq!(
            f.source.as_deref(),
            Some(format!("{at}, /report/sections/applications/table/new/natural_person").as_str()),
            "{f}"
        );
        assert!(f.to_string().contains("自然人"), "{f}");
    }
    // Not well-formed: the place where the parser stopped.
    let xml = seed_xml_with("</meta>", "</mta>");
    let Err(Error::Corrupt { place, message }) = load(xml.as_bytes(), Format::Xml) else {
        panic!("a mismatched end tag accepted")
    };
    assert!(place.starts_with("line "), "{place}: {message}");
    // A list item's path names its position.
    let xml = seed_xml_with("<paragraph>", "<paragraph><b/>");
    let Err(Error::Invalid { findings }) = load(xml.as_bytes(), Format::Xml) else {
        panic!("an element inside a paragraph accepted")
    };
    assert!(
        findings[0]
            .source
            .as_deref()
            .unwrap()
            .ends_with("/report/preamble/paragraph[1]/b"),
        "{:?}",
        findings[0].source
    );
}

#[test]
fn rule_findings_point_at_the_cell_in_the_xml() {
    let xml = String::from_utf8(to_xml(&fixture("hongze-2023.json"))).unwrap();
    let checked = load(xml.as_bytes(), Format::Xml).unwrap();
    let r41 = checked.findings.iter().find(|f| f.rule == "R4.1").unwrap();
    let source = r41.source.as_deref().unwrap();
    assert!(
        source.contains("/report/sections/reviews/table/administrative_review/"),
        "{source}"
    );
}

// ------------------------------------------------------------ hostile input

fn refused(xml: &str) -> String {
    match load(xml.as_bytes(), Format::Xml) {
        Err(e @ (Error::Corrupt { .. } | Error::TooLarge { .. })) => {
            assert_eq!(e.exit_code(), 2);
            e.to_string()
        }
        other => panic!("not refused as damaged: {other:?}"),
    }
}

#[test]
fn external_entities_and_entity_bombs_are_refused_unread() {
    let secret = tempfile::NamedTempFile::new().unwrap();
    fs::write(secret.path(), "SECRET-CONTENT").unwrap();
    let body = "<report xmlns=\"urn:xxgk:report:1\"><meta><title>&x;</title></meta></report>";
    let file = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE report [<!ENTITY x SYSTEM \"file://{}\">]>\n{body}",
        secret.path().display()
    );
    let url = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE report [<!ENTITY x SYSTEM \"http://127.0.0.1:9/x\">]>\n{body}"
    );
    let passwd = format!("<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n{body}");
    let mut lol =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n");
    for i in 1..10 {
        let prev = if i == 1 {
            "lol".to_owned()
        } else {
            format!("lol{}", i - 1)
        };
        lol.push_str(&format!(
            "<!ENTITY lol{i} \"{}\">\n",
            format!("&{prev};").repeat(10)
        ));
    }
    lol.push_str(
        "]>\n<report xmlns=\"urn:xxgk:report:1\"><meta><title>&lol9;</title></meta></report>",
    );
    for doc in [&file, &url, &passwd, &lol] {
        let message = refused(doc);
        assert!(message.contains("DOCTYPE"), "{message}");
        assert!(
            message.contains("line 2, column 1") || message.contains("line 1, column 1"),
            "{message}"
        );
        assert!(
            !message.contains("SECRET") && !message.contains("root:"),
            "{message}"
        );
    }
    // A character reference to a character XML 1.0 does not have.
    let message = refused(&body.replace("&x;", "&#1;"));
    assert!(message.contains("&#1;"), "{message}");
    // An entity without a DTD is unknown, not looked up.
    let message = refused(&format!("<?xml version=\"1.0\"?>\n{body}"));
    assert!(message.contains("&x;"), "{message}");
}

#[test]
fn depth_text_size_and_encoding_are_bounded() {
    let open = "<report xmlns=\"urn:xxgk:report:1\">";
    let deep = format!("{open}{}", "<x>".repeat(xxgk::xml::MAX_XML_DEPTH + 10));
    assert!(refused(&deep).contains("MAX_XML_DEPTH"));
    let big = format!(
        "{open}<meta><title>{}</title></meta></report>",
        "字".repeat(xxgk::xml::MAX_XML_TEXT_BYTES / 3 + 1)
    );
    assert!(refused(&big).contains("MAX_XML_TEXT_BYTES"));
    let attr = format!(
        "{open}<meta label=\"{}\"/></report>",
        "a".repeat(xxgk::xml::MAX_XML_TEXT_BYTES + 1)
    );
    assert!(refused(&attr).contains("MAX_XML_TEXT_BYTES"));
    let too_big = vec![b' '; MAX_INPUT_BYTES as usize + 1];
    assert!(matches!(
        load(&too_big, Format::Xml),
        Err(Error::TooLarge {
            name: "MAX_INPUT_BYTES",
            ..
        })
    ));
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(open.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    assert!(refused_bytes(&utf16).contains("UTF-8"));
    assert!(refused("<?xml version=\"1.0\" encoding=\"GBK\"?><report/>").contains("GBK"));
    assert!(refused("<?xml version=\"1.1\"?><report/>").contains("1.1"));
    assert!(refused("<report xmlns=\"urn:other\"/>").contains("namespace"));
    assert!(refused("<html/>").contains("<html>"));
    assert!(refused("").contains("not an XML report"));
}

fn refused_bytes(bytes: &[u8]) -> String {
    match load(bytes, Format::Xml) {
        Err(e @ Error::Corrupt { .. }) => e.to_string(),
        other => panic!("not refused: {other:?}"),
    }
}

#[test]
fn damaged_copies_give_errors_never_panics() {
    let xml = to_xml(&fixture("huaian-2024.json"));
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..300 {
        let mut bytes = xml.clone();
        match next() % 3 {
            0 => bytes.truncate((next() % xml.len() as u64) as usize),
            1 => {
                for _ in 0..4 {
                    let i = (next() % bytes.len() as u64) as usize;
                    bytes[i] = b"<>&\"'/;x\0\xff"[(next() % 10) as usize];
                }
            }
            _ => {
                let i = (next() % bytes.len() as u64) as usize;
                let j = (next() % bytes.len() as u64) as usize;
                let (a, b) = (i.min(j), i.max(j));
                bytes.drain(a..b);
            }
        }
        // Whatever comes back, it comes back.
        let _ = load(&bytes, Format::Xml);
    }
}

// ------------------------------------------------------------ the command line

fn xxgk() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("xxgk").unwrap()
}

#[test]
fn cli_converts_to_xml_and_back_between_every_format() {
    use predicates::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    let seed = root().join("tests/fixtures/valid/seed-2020-hengyang.json");
    let xml = dir.path().join("seed.xml");
    xxgk()
        .arg("convert")
        .arg(&seed)
        .arg("-o")
        .arg(&xml)
        .assert()
        .code(0);
    assert_xmllint_accepts(&fs::read(&xml).unwrap(), "seed.xml");
    // XML -> JSON gives what JSON -> JSON gives.
    let from_xml = xxgk().arg("convert").arg(&xml).assert().code(0);
    let from_json = xxgk().arg("convert").arg(&seed).assert().code(0);
    assert_eq!(from_xml.get_output().stdout, from_json.get_output().stdout);
    // XML -> DOCX -> XML, and standard input with --from.
    let docx = dir.path().join("seed.docx");
    xxgk()
        .arg("convert")
        .arg(&xml)
        .arg("-o")
        .arg(&docx)
        .assert()
        .code(0);
    let again = xxgk()
        .arg("convert")
        .arg(&docx)
        .args(["--to", "xml"])
        .assert()
        .code(0);
    let again = String::from_utf8(again.get_output().stdout.clone()).unwrap();
    assert!(again.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    assert!(xxgk_accepts(&again));
    xxgk()
        .args(["validate", "--from", "xml", "-"])
        .write_stdin(fs::read(&xml).unwrap())
        .assert()
        .code(0)
        .stdout(predicate::str::contains("<stdin>: ok"));
    // From HTML and text too.
    for input in ["html/hongze-2024-gbk.html", "text/seed-markdown.md"] {
        let path = root().join("tests/fixtures").join(input);
        let out = xxgk()
            .arg("convert")
            .arg(&path)
            .args(["--to", "xml"])
            .assert()
            .code(0);
        assert_xmllint_accepts(&out.get_output().stdout, input);
    }
}

#[test]
fn cli_prints_the_xsd() {
    let out = xxgk().args(["schema", "--xsd"]).assert().code(0);
    assert_eq!(
        out.get_output().stdout,
        fs::read(xsd_path()).unwrap(),
        "schema --xsd prints schemas/annual-report.xsd"
    );
    xxgk().args(["schema", "--xsd", "--rules"]).assert().code(2);
}

#[test]
fn cli_refuses_bad_xml_naming_file_line_and_element() {
    use predicates::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    let new = "<natural_person label=\"自然人\">32</natural_person>";
    let xml = seed_xml_with(new, &new.replace(">32<", ">-1<"));
    let path = dir.path().join("report.xml");
    fs::write(&path, &xml).unwrap();
    let out = dir.path().join("out.json");
    let at = line_col(&xml, "<natural_person");
    xxgk()
        .arg("convert")
        .arg(&path)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("report.xml: error[minimum]"))
        .stderr(predicate::str::contains(format!(
            "[{at}, /report/sections/applications/table/new/natural_person]"
        )));
    assert!(!out.exists());

    let xxe = dir.path().join("xxe.xml");
    fs::write(
        &xxe,
        "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<report xmlns=\"urn:xxgk:report:1\"><meta><title>&x;</title></meta></report>\n",
    )
    .unwrap();
    xxgk()
        .arg("convert")
        .arg(&xxe)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("xxe.xml: error: line 2, column 1"))
        .stderr(predicate::str::contains("DOCTYPE is refused"))
        .stderr(predicate::str::contains("root:").not());
    assert!(!out.exists());
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        2,
        "no temp file left"
    );
}
