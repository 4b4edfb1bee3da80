//! Writing DOCX: reports rendered through the built-in templates read back
//! to the same report (fixtures and generated reports), the bytes are
//! deterministic, and the packages are well-formed.

mod common;

use std::fs;
use std::io::Cursor;
use std::path::PathBuf;

use common::{entries, entry_map, fixture, fixtures, root};
use proptest::prelude::*;
use serde_json::Value;
use xxgk::convert::WriteOptions;
use xxgk::layout::{self, CellKind};
use xxgk::model::Report;
use xxgk::write::docx::{SECTION_KEYS, first_difference, printable};
use xxgk::write::template;
use xxgk::{Format, load};

/// JSON -> DOCX -> report, by the public API, with the write-time check off
/// so that this test does the comparing.
fn round_trip(value: &Value) -> (Report, Report, Vec<u8>) {
    let bytes = serde_json::to_vec(value).unwrap();
    let checked = load(&bytes, Format::Json).expect("a valid report");
    let options = WriteOptions {
        no_verify: true,
        ..WriteOptions::default()
    };
    let docx = checked.write(Format::Docx, &options).unwrap().bytes;
    let back = load(&docx, Format::Docx).unwrap_or_else(|e| panic!("reading back: {e}"));
    (checked.report, back.report, docx)
}

#[test]
fn every_fixture_reads_back_from_its_docx_unchanged() {
    for (name, value) in fixtures() {
        let (report, back, _) = round_trip(&value);
        let (want, got) = (printable(&report), printable(&back));
        assert!(
            want == got,
            "{name}: {}",
            first_difference(&want, &got).unwrap_or_default()
        );
        // The fixtures all have their headings, so nothing was filled in.
        assert_eq!(report.sections, want.sections, "{name}");
    }
}

#[test]
fn equal_input_gives_equal_bytes() {
    let value = fixture("huaian-2024.json");
    let (_, _, a) = round_trip(&value);
    let (_, _, b) = round_trip(&value);
    assert_eq!(a, b);
}

#[test]
fn the_package_is_well_formed_with_content_types_first() {
    let (_, _, docx) = round_trip(&fixture("seed-2020-hengyang.json"));
    let entries = entries(&docx);
    assert_eq!(entries[0].0, "[Content_Types].xml");
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    for needed in [
        "word/document.xml",
        "word/styles.xml",
        "word/footer1.xml",
        "docProps/custom.xml",
    ] {
        assert!(names.contains(&needed), "{names:?}");
    }
    for (name, bytes) in &entries {
        let text = std::str::from_utf8(bytes).unwrap();
        let mut reader = quick_xml::Reader::from_str(text);
        reader.config_mut().check_end_names = true;
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(quick_xml::events::Event::DocType(_)) => panic!("{name}: DOCTYPE"),
                Ok(_) => {}
                Err(e) => panic!("{name}: {e}"),
            }
        }
    }
    // Word wants w:rFonts first in w:rPr; the table cells carry their spans.
    let document = String::from_utf8(
        entries[names
            .iter()
            .position(|n| *n == "word/document.xml")
            .unwrap()]
        .1
        .clone(),
    )
    .unwrap();
    assert!(document.contains(r#"<w:gridSpan w:val="7"/>"#));
    assert!(document.contains(r#"<w:vMerge w:val="restart"/>"#));
    assert!(document.contains("<w:tblHeader/>"));
    assert!(document.contains("6719.3835万元"));
}

#[test]
fn a_mixed_edition_report_prints_each_table_in_its_own_layout() {
    // The 2019 seed with table 2's block (一) in the 2021 edition.
    let mut value = fixture("seed-2020-hengyang.json");
    value["sections"]["proactive"]["table"]["item_1"] = serde_json::json!({
        "edition": "2021",
        "rows": {
            "regulations": {"issued": 1, "repealed": null, "in_force": "/"},
            "normative_documents": {"issued": 2, "repealed": 0, "in_force": 12}
        }
    });
    let checked = load(&serde_json::to_vec(&value).unwrap(), Format::Json).unwrap();
    let written = checked
        .write(
            Format::Docx,
            &WriteOptions {
                template: template::builtin("official-2019"),
                ..WriteOptions::default()
            },
        )
        .unwrap();
    assert_eq!(written.findings.len(), 1, "{:?}", written.findings);
    assert!(
        written.findings[0]
            .message
            .contains("第二十条第（一）项 follows the 2021 edition")
    );
}

#[test]
fn text_xml_cannot_hold_is_refused_with_its_pointer() {
    let mut value = fixture("huaian-2024.json");
    value["sections"]["overview"]["body"][0]["text"] = "含有\u{1}控制字符".into();
    let checked = load(&serde_json::to_vec(&value).unwrap(), Format::Json).unwrap();
    let e = checked
        .write(Format::Docx, &WriteOptions::default())
        .unwrap_err();
    let xxgk::Error::Invalid { findings } = &e else {
        panic!("{e}")
    };
    assert_eq!(findings[0].pointer, "/sections/overview/body/0/text");
    assert!(findings[0].message.contains("U+0001"));
}

#[test]
fn cell_text_a_word_table_cannot_carry_is_refused_with_its_pointer() {
    let base = fixture("hongze-2024.json");
    let pointer = "/sections/applications/table/new/commercial";
    // Each would read back as something else: a label, no space, a number.
    for text in ["见附件", " 无", "３２"] {
        let mut value = base.clone();
        *value.pointer_mut(pointer).unwrap() = text.into();
        let checked = load(&serde_json::to_vec(&value).unwrap(), Format::Json).unwrap();
        for verify in [true, false] {
            let options = WriteOptions {
                no_verify: !verify,
                ..WriteOptions::default()
            };
            let e = checked.write(Format::Docx, &options).unwrap_err();
            let xxgk::Error::Invalid { findings } = &e else {
                panic!("{text:?}: {e}")
            };
            assert_eq!(findings[0].rule, "docx_cell_text", "{text:?}");
            assert_eq!(findings[0].pointer, pointer, "{text:?}");
        }
        // JSON and XML carry it.
        assert!(checked.render(Format::Xml).is_ok(), "{text:?}");
    }
    // What a cell in a Word table holds reads back.
    for text in ["/", "无", "6719.3835万元", "12 件"] {
        let mut value = base.clone();
        *value.pointer_mut(pointer).unwrap() = text.into();
        let (want, got, _) = round_trip(&value);
        assert_eq!(printable(&want), printable(&got), "{text:?}");
    }
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
        Just("\"'".to_owned()),
        Just("“三安全一稳定”".to_owned()),
        Just("（一）".to_owned()),
        Just("  ".to_owned()),
        Just("\n".to_owned()),
        Just("\t".to_owned()),
        Just("2024年".to_owned()),
        "[a-z0-9]{1,6}",
        "[\u{4e00}-\u{4fff}]{1,12}",
        "[\u{4e00}-\u{9fa5}，。]{200,600}",
    ];
    proptest::collection::vec(piece, 1..8).prop_map(|pieces| {
        let s: String = pieces.concat();
        let t = s.trim();
        if t.is_empty() {
            "无".to_owned()
        } else {
            format!("甲{t}乙")
        }
    })
}

fn blocks() -> impl Strategy<Value = Vec<Value>> {
    proptest::collection::vec(
        (any::<bool>(), text()).prop_map(|(heading, text)| {
            serde_json::json!({"type": if heading { "heading" } else { "paragraph" }, "text": text})
        }),
        0..4,
    )
}

/// A cell value of a kind: blank, a number as written, or text.
fn cell(kind: CellKind) -> BoxedStrategy<Value> {
    let text = prop_oneof![
        Just(Value::from("/")),
        Just(Value::from("—")),
        Just(Value::from("无")),
    ];
    match kind {
        CellKind::Count => prop_oneof![
            Just(Value::Null),
            (0u64..100_000).prop_map(Value::from),
            text,
        ]
        .boxed(),
        CellKind::SignedCount => prop_oneof![
            Just(Value::Null),
            (-500i64..500).prop_map(Value::from),
            text,
        ]
        .boxed(),
        CellKind::Amount => prop_oneof![
            Just(Value::Null),
            (0u64..1_000_000, 0u32..10_000).prop_map(|(a, b)| {
                serde_json::from_str::<Value>(&format!("{a}.{b:04}")).unwrap()
            }),
            (0u64..100_000).prop_map(|a| Value::from(format!("{a}.50万元"))),
            text,
        ]
        .boxed(),
    }
}

/// A fixture with every table cell, the narrative and the headings
/// replaced by generated ones.
fn report() -> impl Strategy<Value = Value> {
    let names = [
        "seed-2020-hengyang.json",
        "huaian-2024.json",
        "blank-totals-2019.json",
    ];
    (0..names.len()).prop_flat_map(move |i| {
        let base = fixture(names[i]);
        let kinds: Vec<(String, CellKind)> = layout::used_by(&base)
            .into_iter()
            .flat_map(|l| {
                (0..l.rows.len()).flat_map(move |r| {
                    (0..l.columns.len())
                        .map(move |c| (l.pointer_at(r, c).to_owned(), l.columns[c].kind))
                })
            })
            .collect();
        let cells: Vec<BoxedStrategy<Value>> = kinds.iter().map(|(_, k)| cell(*k)).collect();
        let keys = SECTION_KEYS;
        (
            cells,
            proptest::collection::vec((any::<bool>(), blocks()), 6),
            blocks(),
            proptest::option::of(text()),
        )
            .prop_map(move |(values, sections, preamble, agency)| {
                let mut v = base.clone();
                for ((pointer, _), value) in kinds.iter().zip(values) {
                    *v.pointer_mut(pointer).unwrap() = value;
                }
                for (key, (keep_heading, body)) in keys.iter().zip(sections) {
                    let s = &mut v["sections"][key];
                    if !keep_heading {
                        s.as_object_mut().unwrap().remove("heading");
                    }
                    s["body"] = Value::Array(body);
                }
                v["preamble"] = Value::Array(preamble);
                match &agency {
                    Some(a) => v["meta"]["agency"] = a.clone().into(),
                    None => {
                        v["meta"].as_object_mut().unwrap().remove("agency");
                    }
                }
                v
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn generated_reports_read_back_from_their_docx(value in report()) {
        let (report, back, _) = round_trip(&value);
        let (want, got) = (printable(&report), printable(&back));
        prop_assert!(want == got, "{}", first_difference(&want, &got).unwrap_or_default());
    }
}

// ------------------------------------------------------------ own templates

fn custom_template() -> PathBuf {
    root().join("tests/fixtures/templates/custom-split-tags.docx")
}

/// Paragraph texts and table rows of a DOCX, as xxgk reads it.
fn read_doc(docx: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let doc = xxgk::read::docx::read(docx).unwrap();
    let mut paragraphs = Vec::new();
    let mut rows = Vec::new();
    for b in doc.blocks {
        match b {
            xxgk::doc::Block::Paragraph(p) => paragraphs.push(p.text),
            xxgk::doc::Block::Table(t) => rows.extend(
                t.rows
                    .iter()
                    .map(|r| r.iter().map(|c| c.text.clone()).collect()),
            ),
        }
    }
    (paragraphs, rows)
}

#[test]
fn a_template_typed_in_a_word_processor_renders_with_tags_split_across_runs() {
    let t = template::load(&custom_template()).unwrap();
    assert!(xxgk::write::check::check(&t).is_empty());
    let value = fixture("huaian-2024.json");
    let checked = load(&serde_json::to_vec(&value).unwrap(), Format::Json).unwrap();
    let docx = checked
        .write(
            Format::Docx,
            &WriteOptions {
                template: Some(t),
                ..WriteOptions::default()
            },
        )
        .unwrap()
        .bytes;
    let (paragraphs, rows) = read_doc(&docx);
    assert_eq!(paragraphs[1], "发布机构：淮安市人民政府；年度：2024。");
    assert_eq!(
        paragraphs[2],
        "标题：淮安市人民政府2024年政府信息公开工作年度报告"
    );
    // One paragraph per overview block; the tag-only paragraphs are gone.
    let body = value["sections"]["overview"]["body"].as_array().unwrap();
    for (i, b) in body.iter().enumerate() {
        assert_eq!(
            paragraphs[3 + i],
            format!(
                "〔{}〕{}",
                b["type"].as_str().unwrap(),
                b["text"].as_str().unwrap()
            )
        );
    }
    assert_eq!(
        paragraphs[3 + body.len()],
        "申请情况：本年新收 3119 件，上年结转 34 件。"
    );
    // The table's loop row is repeated once per section.
    assert_eq!(rows.len(), 7, "{rows:?}");
    assert_eq!(
        rows[3],
        vec!["applications", "三、收到和处理政府信息公开申请情况"]
    );
    // Everything but the document body is the template's own bytes
    // ([Content_Types].xml moved first, where Word puts it).
    let original = entry_map(&fs::read(custom_template()).unwrap());
    let written = entry_map(&docx);
    assert_eq!(
        original.keys().collect::<Vec<_>>(),
        written.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &original {
        if name != "word/document.xml" {
            assert!(written[name] == *bytes, "{name} changed");
        }
    }
}

#[test]
fn a_docx_without_tags_is_a_form_and_one_with_tags_a_template() {
    let form = fs::read(root().join("tests/fixtures/docx/seed-python-docx.docx")).unwrap();
    let t = template::from_docx(&form, "form.docx".into()).unwrap();
    assert_eq!(t.form.as_deref(), Some(form.as_slice()));
    let tagged = template::load(&custom_template()).unwrap();
    assert!(tagged.form.is_none());
}

#[test]
fn a_template_asking_for_a_missing_field_is_an_error_naming_it() {
    let t = template::load(&custom_template()).unwrap();
    let mut value = fixture("huaian-2024.json");
    value["meta"].as_object_mut().unwrap().remove("agency");
    let checked = load(&serde_json::to_vec(&value).unwrap(), Format::Json).unwrap();
    let e = checked
        .write(
            Format::Docx,
            &WriteOptions {
                template: Some(t),
                ..WriteOptions::default()
            },
        )
        .unwrap_err();
    let message = e.to_string();
    assert!(message.contains("word/document.xml"), "{message}");
    assert!(message.contains("meta.agency"), "{message}");
}

#[test]
fn a_title_edited_after_writing_wins_over_the_declared_metadata() {
    let (report, _, docx) = round_trip(&fixture("huaian-2024.json"));
    let old = report.meta.title.clone().unwrap();
    let new = old.replace("2024", "2025");
    // The same package with the printed title edited, as in Word.
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in entries(&docx) {
        let bytes = if name == "word/document.xml" {
            String::from_utf8(bytes)
                .unwrap()
                .replace(&old, &new)
                .into_bytes()
        } else {
            bytes
        };
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut out, &bytes).unwrap();
    }
    let edited = out.finish().unwrap().into_inner();
    let back = load(&edited, Format::Docx).unwrap();
    assert_eq!(back.report.meta.title.as_deref(), Some(new.as_str()));
    assert_eq!(back.report.meta.year, Some(2025));
    assert!(
        back.findings
            .iter()
            .any(|f| f.rule == "meta" && f.message.contains("edited")),
        "{:?}",
        back.findings
    );
    // Unedited, the declared metadata stands and nothing is said.
    let same = load(&docx, Format::Docx).unwrap();
    assert!(same.findings.iter().all(|f| f.rule != "meta"));
}

#[test]
fn extra_rows_print_inside_their_groups_and_read_back() {
    let mut value = fixture("seed-2020-hengyang.json");
    value["sections"]["applications"]["table"]["extra_rows"] = serde_json::json!([
        {"after": "results.refused.inquiry", "label": "9.其他（省级增设）", "values": [1, 0, 0, 0, 0, 0, 1]},
        {"after": "carried_forward", "label": "五、办结数", "values": [31, 0, 0, 0, 0, 0, 31]}
    ]);
    value["sections"]["proactive"]["table"]["extra_rows"] = serde_json::json!([
        {"block": "item_5", "after": "other_services", "label": "行政确认", "values": [3, 0, 3]}
    ]);
    let (report, back, _) = round_trip(&value);
    let (want, got) = (printable(&report), printable(&back));
    assert!(
        want == got,
        "{}",
        first_difference(&want, &got).unwrap_or_default()
    );

    // A row the reader would take for text after the table (`100%` is not
    // a value) is refused at its cell before anything is written.
    value["sections"]["applications"]["table"]["extra_rows"][1] =
        serde_json::json!({"after": "carried_forward", "label": "五、办结率", "values": ["100%"]});
    let checked = load(&serde_json::to_vec(&value).unwrap(), Format::Json).unwrap();
    let e = checked
        .write(Format::Docx, &WriteOptions::default())
        .unwrap_err();
    let xxgk::Error::Invalid { findings } = &e else {
        panic!("{e}")
    };
    assert_eq!(findings[0].rule, "docx_cell_text");
    assert_eq!(
        findings[0].pointer,
        "/sections/applications/table/extra_rows/1/values/0"
    );
}
