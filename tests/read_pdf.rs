//! Reading PDF reports: the three published PDFs of the public corpus
//! against hand-checked goldens (their tables cell by cell, with spans, and
//! the whole report as JSON), and damaged or unreadable PDFs.

mod common;

use std::fs;

use lopdf::dictionary;
use serde_json::Value;
use xxgk::convert::{Hints, load_with};
use xxgk::doc::{Block, Doc};
use xxgk::{Checked, Error, Format, Severity};

/// The published PDFs: path from the repository root, golden report, and
/// golden tables.
const PDFS: [(&str, &str, &str); 3] = [
    (
        "../shared/corpus/public/zxj6827111-blip+KIROGOVCOMPARE/sample_pdfs_v1/hzq2023_working.pdf",
        "hongze-2023.json",
        "hzq2023.tables.txt",
    ),
    (
        "../shared/corpus/public/zxj6827111-blip+KIROGOVCOMPARE/sample_pdfs_v1/hzq2024_working.pdf",
        "hongze-2024.json",
        "hzq2024.tables.txt",
    ),
    (
        "../shared/corpus/public/zxj6827111-blip+govnianbao/szfgs2024.pdf",
        "huaian-2024.json",
        "szfgs2024.tables.txt",
    ),
];

fn bytes(rel: &str) -> Vec<u8> {
    fs::read(common::root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn doc(rel: &str) -> Doc {
    xxgk::read::pdf::read(&bytes(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn load(rel: &str) -> Checked {
    let hints = Hints {
        file: rel.rsplit('/').next().map(str::to_owned),
        ..Hints::default()
    };
    load_with(&bytes(rel), Format::Pdf, &hints).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// A document's tables, one row a line, each cell as `text@column` with
/// `↓rows` and `→columns` when it spans more than one.
fn tables(doc: &Doc) -> Vec<Vec<String>> {
    doc.blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table(t) => Some(t),
            Block::Paragraph(_) => None,
        })
        .map(|t| {
            t.rows
                .iter()
                .map(|row| {
                    row.iter()
                        .map(|c| {
                            let mut s = format!("{}@{}", c.text, c.col);
                            if c.rowspan > 1 {
                                s += &format!("↓{}", c.rowspan);
                            }
                            if c.colspan > 1 {
                                s += &format!("→{}", c.colspan);
                            }
                            s
                        })
                        .collect::<Vec<_>>()
                        .join(" | ")
                })
                .collect()
        })
        .collect()
}

/// A golden tables file: tables separated by `== 表N` lines.
fn golden_tables(name: &str) -> Vec<Vec<String>> {
    let text = fs::read_to_string(common::root().join("tests/fixtures/pdf").join(name)).unwrap();
    let mut out: Vec<Vec<String>> = Vec::new();
    for line in text.lines() {
        if line.starts_with("== ") {
            out.push(Vec::new());
        } else if !line.is_empty()
            && let Some(t) = out.last_mut()
        {
            t.push(line.to_owned());
        }
    }
    out
}

/// Cells read exactly as the golden has them (text, column and spans, in
/// the same row), and the golden's cell count.
fn cells_right(got: &[Vec<String>], want: &[Vec<String>]) -> (usize, usize) {
    let mut right = 0;
    let mut total = 0;
    for (t, want_rows) in want.iter().enumerate() {
        for (r, want_row) in want_rows.iter().enumerate() {
            let want_cells: Vec<&str> = want_row.split(" | ").collect();
            total += want_cells.len();
            let got_cells: Vec<&str> = got
                .get(t)
                .and_then(|rows| rows.get(r))
                .map(|row| row.split(" | ").collect())
                .unwrap_or_default();
            right += want_cells.iter().filter(|c| got_cells.contains(c)).count();
        }
    }
    (right, total)
}

#[test]
fn the_tables_of_three_published_pdfs_match_their_hand_checked_goldens() {
    for (rel, _, golden) in PDFS {
        let got = tables(&doc(rel));
        let want = golden_tables(golden);
        let (right, total) = cells_right(&got, &want);
        println!("{golden}: {right}/{total} cells right");
        assert_eq!(got, want, "{rel}: {right}/{total} cells right");
        assert!(total > 200, "{golden} holds {total} cells");
    }
}

#[test]
fn three_published_pdfs_read_to_their_golden_reports() {
    for (rel, golden, _) in PDFS {
        let checked = load(rel);
        let got = serde_json::to_value(&checked.report).unwrap();
        let text =
            fs::read_to_string(common::root().join("tests/fixtures/valid").join(golden)).unwrap();
        let want: Value = serde_json::from_str(&text).unwrap();
        common::assert_same(rel, got, want);
    }
}

#[test]
fn what_the_pdfs_hold_beyond_their_numbers() {
    // The 2019 table 3 inside 2021 tables: one （六）其他处理 row; the typo
    // in a label; the vertical 三、本年度办理结果 (Identity-V) as one cell.
    let hzq2023 = doc(PDFS[0].0);
    let t = tables(&hzq2023);
    assert!(
        t[1].iter()
            .any(|r| r.starts_with("（六）其他处理@1→2 | 0@3"))
    );
    assert!(t[1].iter().any(|r| r.starts_with("2.其他法律行政止公开@2")));
    assert!(
        t[1].iter()
            .any(|r| r.starts_with("三、本年度办理结果@0↓20 |"))
    );
    // hzq2023's table 4 prints 总计 0 beside 10 + 1: a rule finding at its
    // cell, not a reading error.
    let checked = load(PDFS[0].0);
    let r41 = checked.findings.iter().find(|f| f.rule == "R4.1").unwrap();
    assert_eq!(r41.kind, "rule");
    assert_eq!(r41.severity, Severity::Error);
    assert_eq!(r41.source.as_deref(), Some("p.4 表3 第4行 第5列"));
    assert!(
        !checked
            .findings
            .iter()
            .any(|f| f.kind == "read" && f.rule.starts_with("pdf")),
        "{:?}",
        checked.findings
    );
    let typo = checked.findings.iter().find(|f| f.rule == "label").unwrap();
    assert!(typo.message.contains("其他法律行政止公开"), "{typo:?}");

    // szfgs splits （四）无法提供 across the page break: joined, and said so
    // with both fragments.
    let szfgs = load(PDFS[2].0);
    let breaks: Vec<_> = szfgs
        .findings
        .iter()
        .filter(|f| f.rule == "pdf_page_break")
        .collect();
    assert_eq!(breaks.len(), 1, "{breaks:?}");
    assert_eq!(breaks[0].severity, Severity::Warning);
    assert_eq!(breaks[0].kind, "read");
    assert_eq!(breaks[0].source.as_deref(), Some("p.5"));
    assert!(
        breaks[0]
            .message
            .contains("\"（四）无\" (p.4) + \"法提供\" (p.5)"),
        "{}",
        breaks[0].message
    );
    let sz = tables(&doc(PDFS[2].0));
    assert!(sz[1].iter().any(|r| r.starts_with("（四）无法提供@1↓3 |")));
    // Its 三、本年度办理结果 is printed one character a line.
    assert!(
        sz[1]
            .iter()
            .any(|r| r.starts_with("三、本年度办理结果@0↓22 |"))
    );
    // Page numbers (-3-) are not text.
    for (rel, _, _) in PDFS {
        let d = doc(rel);
        assert!(!d.blocks.iter().any(
            |b| matches!(b, Block::Paragraph(p) if p.text.starts_with('-') && p.text.ends_with('-'))
        ));
    }
}

/// A one-page PDF built here: `content` on a page (with `/Rotate` when
/// given), Helvetica as /F1, `xobjects` as the page's XObjects.
fn build(
    content: &str,
    media: [i64; 4],
    rotate: Option<i64>,
    xobjects: Vec<(&str, lopdf::Stream)>,
    encrypt: bool,
) -> Vec<u8> {
    use lopdf::{Dictionary, Document, Object, Stream};
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let font = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let cid = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type0",
        "BaseFont" => "NoUnicode",
        "Encoding" => "Identity-H",
        "DescendantFonts" => vec![Object::Dictionary(dictionary! {
            "Type" => "Font",
            "Subtype" => "CIDFontType2",
            "BaseFont" => "NoUnicode",
        })],
    });
    let mut xobj = Dictionary::new();
    for (name, stream) in xobjects {
        let id = doc.add_object(stream);
        xobj.set(name, id);
    }
    let resources = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font, "F2" => cid },
        "XObject" => xobj,
    });
    let contents = doc.add_object(Stream::new(dictionary! {}, content.as_bytes().to_vec()));
    let mut page = dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "Contents" => contents,
        "Resources" => resources,
        "MediaBox" => media.iter().map(|&v| Object::Integer(v)).collect::<Vec<_>>(),
    };
    if let Some(r) = rotate {
        page.set("Rotate", r);
    }
    let page_id = doc.add_object(page);
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => vec![page_id.into()],
            "Count" => 1,
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    if encrypt {
        let enc = doc.add_object(dictionary! {
            "Filter" => "Standard",
            "V" => 1,
            "R" => 2,
            "O" => Object::string_literal(vec![7u8; 32]),
            "U" => Object::string_literal(vec![9u8; 32]),
            "P" => -4,
        });
        doc.trailer.set("Encrypt", enc);
        doc.trailer.set(
            "ID",
            vec![
                Object::string_literal(vec![1u8; 16]),
                Object::string_literal(vec![1u8; 16]),
            ],
        );
    }
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// A 2×2 table with the cells A, 12 / B, 34, drawn in display space
/// (x right, y down) at 100–300 × 100–160, on an A4 page shown upright:
/// rules stroked or as thin filled rectangles, and the page either plain
/// or stored sideways with `/Rotate 90`.
fn table_content(thin: bool, rotated: bool, dx: f32) -> String {
    // Display (X, Y) -> user space.
    let user = |x: f32, y: f32| -> (f32, f32) {
        if rotated {
            (y, x - dx)
        } else {
            (x - dx, 842.0 - y)
        }
    };
    let mut s = String::from("0 G 0 g\n");
    let mut rule = |x0: f32, y0: f32, x1: f32, y1: f32| {
        if thin {
            let (ax, ay) = user(x0.min(x1) - 0.25, y0.min(y1) - 0.25);
            let (bx, by) = user(x0.max(x1) + 0.25, y0.max(y1) + 0.25);
            s += &format!(
                "{} {} {} {} re f\n",
                ax.min(bx),
                ay.min(by),
                (bx - ax).abs(),
                (by - ay).abs()
            );
        } else {
            let (ax, ay) = user(x0, y0);
            let (bx, by) = user(x1, y1);
            s += &format!("{ax} {ay} m {bx} {by} l S\n");
        }
    };
    for y in [100.0, 130.0, 160.0] {
        rule(100.0, y, 300.0, y);
    }
    for x in [100.0, 200.0, 300.0] {
        rule(x, 100.0, x, 160.0);
    }
    for (text, x, y) in [
        ("A", 110.0, 120.0),
        ("12", 210.0, 120.0),
        ("B", 110.0, 150.0),
        ("34", 210.0, 150.0),
    ] {
        let (ux, uy) = user(x, y);
        let tm = if rotated {
            format!("0 1 -1 0 {ux} {uy}")
        } else {
            format!("1 0 0 1 {ux} {uy}")
        };
        s += &format!("BT /F1 10 Tf {tm} Tm ({text}) Tj ET\n");
    }
    s
}

fn only_table(doc: &Doc) -> Vec<String> {
    let t = tables(doc);
    assert_eq!(t.len(), 1, "{t:?}");
    t[0].clone()
}

#[test]
fn synthetic_tables_read_alike_however_their_rules_and_pages_are_drawn() {
    let want = ["A@0 | 12@1", "B@0 | 34@1"];
    let a4 = [0, 0, 595, 842];
    let sideways = [0, 0, 842, 595];
    let cases = [
        (
            "stroked",
            build(&table_content(false, false, 0.0), a4, None, vec![], false),
        ),
        (
            "thin filled rectangles",
            build(&table_content(true, false, 0.0), a4, None, vec![], false),
        ),
        (
            "rotated page",
            build(
                &table_content(false, true, 0.0),
                sideways,
                Some(90),
                vec![],
                false,
            ),
        ),
        (
            "rotated page, thin rectangles",
            build(
                &table_content(true, true, 0.0),
                sideways,
                Some(90),
                vec![],
                false,
            ),
        ),
        ("form xobject", {
            let form = lopdf::Stream::new(
                dictionary! {
                    "Type" => "XObject",
                    "Subtype" => "Form",
                    "BBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
                    "Matrix" => vec![1.into(), 0.into(), 0.into(), 1.into(), 50.into(), 0.into()],
                },
                table_content(false, false, 50.0).into_bytes(),
            );
            build("q /X1 Do Q", a4, None, vec![("X1", form)], false)
        }),
    ];
    for (what, pdf) in cases {
        let d = xxgk::read::pdf::read(&pdf).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(only_table(&d), want, "{what}");
        assert!(d.notes.is_empty(), "{what}: {:?}", d.notes);
    }
}

#[test]
fn white_strokes_and_thick_fills_are_not_rules() {
    let mut content = table_content(false, false, 0.0);
    content = content.replace("0 G 0 g", "1 G 0 g");
    content += "0 g 100 400 200 50 re f\n";
    let d = xxgk::read::pdf::read(&build(&content, [0, 0, 595, 842], None, vec![], false)).unwrap();
    assert!(tables(&d).is_empty(), "{:?}", tables(&d));
}

#[test]
fn a_font_without_unicode_is_named_as_undecodable() {
    let content = "BT /F1 12 Tf 100 700 Td (Report) Tj ET BT /F2 12 Tf 100 600 Td <00010002> Tj ET";
    let d = xxgk::read::pdf::read(&build(content, [0, 0, 595, 842], None, vec![], false)).unwrap();
    let note = d.notes.iter().find(|n| n.code == "pdf_font").unwrap();
    assert!(
        note.message.contains("font NoUnicode undecodable"),
        "{note:?}"
    );
    assert_eq!(note.loc.to_string(), "p.1");
}

#[test]
fn a_page_of_images_only_is_refused_as_scanned() {
    let image = lopdf::Stream::new(
        dictionary! {
            "Type" => "XObject",
            "Subtype" => "Image",
            "Width" => 1,
            "Height" => 1,
            "ColorSpace" => "DeviceGray",
            "BitsPerComponent" => 8,
        },
        vec![0x80],
    );
    let pdf = build(
        "q 500 0 0 700 40 60 cm /Im1 Do Q",
        [0, 0, 595, 842],
        None,
        vec![("Im1", image)],
        false,
    );
    let e = xxgk::read::pdf::read(&pdf).unwrap_err();
    assert_eq!(e.exit_code(), 2);
    let text = e.to_string();
    assert!(
        text.contains("no text layer (scanned? no OCR)") && text.starts_with("p.1: "),
        "{text}"
    );
}

fn refused(bytes: &[u8]) -> String {
    match std::panic::catch_unwind(|| xxgk::read::pdf::read(bytes)) {
        Ok(Err(e)) => {
            assert_eq!(e.exit_code(), 2, "{e}");
            e.to_string()
        }
        Ok(Ok(_)) => String::new(),
        Err(_) => panic!("the reader panicked"),
    }
}

#[test]
fn encrypted_garbage_and_truncated_pdfs_are_clear_errors() {
    let enc = build(
        &table_content(false, false, 0.0),
        [0, 0, 595, 842],
        None,
        vec![],
        true,
    );
    assert!(refused(&enc).contains("encrypted"), "{}", refused(&enc));
    assert!(refused(b"hello, this is not a PDF").contains("not a PDF"));
    assert!(!refused(b"%PDF-1.7\n garbage \x00\xff").is_empty());
    // Cut anywhere: an error or what is left, never a panic.
    let real = bytes(PDFS[0].0);
    for n in [10, 100, 1000, 10_000, real.len() / 2, real.len() - 100] {
        let _ = refused(&real[..n]);
    }
    assert!(!refused(&real[..1000]).is_empty());
    // Through `load`, the error names the format's problem, not a report's.
    let e = load_with(b"%PDF-1.4\n", Format::Pdf, &Hints::default()).unwrap_err();
    assert!(matches!(e, Error::Corrupt { .. }), "{e}");
}

fn xxgk() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("xxgk").unwrap()
}

#[test]
fn the_cli_validates_converts_and_walks_folders_of_pdfs() {
    // hzq2023 breaks R4.1 and R4.3 as printed: exit 1, pointing into the PDF.
    let out = xxgk()
        .arg("validate")
        .arg(common::root().join(PDFS[0].0))
        .assert()
        .code(1);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        stdout.contains("error[R4.1]") && stdout.contains("[p.4 表3 第4行 第5列]"),
        "{stdout}"
    );
    // szfgs is consistent; its inferred page-break merge is a warning.
    let out = xxgk()
        .arg("validate")
        .arg(common::root().join(PDFS[2].0))
        .assert()
        .code(0);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(stdout.contains("warning[pdf_page_break]"), "{stdout}");

    let dir = tempfile::tempdir().unwrap();
    let (inputs, outputs) = (dir.path().join("in"), dir.path().join("out"));
    fs::create_dir_all(inputs.join("sub")).unwrap();
    fs::copy(common::root().join(PDFS[1].0), inputs.join("a.pdf")).unwrap();
    fs::copy(common::root().join(PDFS[2].0), inputs.join("sub/b.PDF")).unwrap();
    xxgk()
        .arg("convert")
        .arg(&inputs)
        .arg("--out-dir")
        .arg(&outputs)
        .assert()
        .code(0);
    let b: Value = serde_json::from_slice(&fs::read(outputs.join("sub/b.json")).unwrap()).unwrap();
    assert_eq!(
        b.pointer("/sections/proactive/table/item_6/rows/penalty/decisions"),
        Some(&Value::from(3985758))
    );
    assert!(outputs.join("a.json").is_file());

    // A scan: exit 2, the page named, nothing written.
    let image = lopdf::Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Image", "Width" => 1, "Height" => 1,
            "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
        },
        vec![0],
    );
    let scan = dir.path().join("scan.pdf");
    fs::write(
        &scan,
        build(
            "q 9 0 0 9 0 0 cm /Im1 Do Q",
            [0, 0, 595, 842],
            None,
            vec![("Im1", image)],
            false,
        ),
    )
    .unwrap();
    let out = xxgk()
        .arg("convert")
        .arg(&scan)
        .arg("-o")
        .arg(dir.path().join("scan.json"))
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("p.1: no text layer (scanned? no OCR)"),
        "{stderr}"
    );
    assert!(!dir.path().join("scan.json").exists());
}

#[test]
fn limits_are_named_when_a_pdf_goes_past_them() {
    // 6,000 short rules in a row, each apart from the next: more rules than a
    // page may have.
    let mut content = String::from("BT /F1 10 Tf 10 10 Td (x) Tj ET\n");
    for i in 0..6000 {
        let x = 10 + (i % 100) * 10;
        let y = 10 + (i / 100) * 12;
        content += &format!("{x} {y} m {x} {} l S {x} {y} m {} {y} l S\n", y + 3, x + 3);
    }
    let Err(e) = xxgk::read::pdf::read(&build(&content, [0, 0, 595, 842], None, vec![], false))
    else {
        panic!("6,000 rules were read");
    };
    assert!(
        matches!(
            e,
            Error::TooLarge {
                name: "MAX_RULES_PER_PAGE",
                ..
            }
        ),
        "{e}"
    );
    assert!(
        e.to_string()
            .contains("more than 10000 rules (MAX_RULES_PER_PAGE)"),
        "{e}"
    );
    // Forms that draw themselves.
    let form = lopdf::Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Form", "BBox" => vec![0.into(), 0.into(), 9.into(), 9.into()] },
        b"/X1 Do".to_vec(),
    );
    let mut pdf_doc = lopdf::Document::load_mem(&build(
        "/X1 Do",
        [0, 0, 595, 842],
        None,
        vec![("X1", form)],
        false,
    ))
    .unwrap();
    // Give the form the page's resources, so that /X1 names itself.
    let page = *pdf_doc.get_pages().values().next().unwrap();
    let res = pdf_doc
        .get_dictionary(page)
        .unwrap()
        .get(b"Resources")
        .unwrap()
        .as_reference()
        .unwrap();
    for (_, obj) in pdf_doc.objects.iter_mut() {
        if let lopdf::Object::Stream(s) = obj
            && s.dict.has(b"BBox")
        {
            s.dict.set("Resources", res);
        }
    }
    let mut bytes = Vec::new();
    pdf_doc.save_to(&mut bytes).unwrap();
    let Err(e) = xxgk::read::pdf::read(&bytes) else {
        panic!("a form drawing itself was read");
    };
    assert!(
        matches!(
            e,
            Error::TooLarge {
                name: "MAX_XOBJECT_DEPTH",
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn a_table_drawn_without_rules_is_named() {
    let mut content = String::new();
    for (i, row) in [
        ["Rules", "1", "2"],
        ["Norms", "3", "4"],
        ["Total", "4", "6"],
    ]
    .iter()
    .enumerate()
    {
        for (j, cell) in row.iter().enumerate() {
            let (x, y) = (100 + 150 * j, 700 - 20 * i);
            content += &format!("BT /F1 10 Tf {x} {y} Td ({cell}) Tj ET\n");
        }
    }
    let d = xxgk::read::pdf::read(&build(&content, [0, 0, 595, 842], None, vec![], false)).unwrap();
    assert!(tables(&d).is_empty());
    let note = d
        .notes
        .iter()
        .find(|n| n.code == "pdf_unruled_table")
        .unwrap();
    assert!(
        note.message.contains("table without rules (3 lines"),
        "{note:?}"
    );
}

#[test]
fn a_cell_that_is_not_a_rectangle_is_named() {
    // A box 100–300 × 100–160 (display) whose bottom-right quarter alone is
    // ruled off: the other three quarters make an L.
    let y = |v: i32| 842 - v;
    let content = format!(
        "BT /F1 10 Tf 110 {} Td (L) Tj ET\n\
         100 {a} m 300 {a} l S 100 {b} m 300 {b} l S 100 {a} m 100 {b} l S 300 {a} m 300 {b} l S\n\
         200 {c} m 200 {b} l S 200 {c} m 300 {c} l S\n",
        y(120),
        a = y(100),
        b = y(160),
        c = y(130)
    );
    let d = xxgk::read::pdf::read(&build(&content, [0, 0, 595, 842], None, vec![], false)).unwrap();
    let note = d.notes.iter().find(|n| n.code == "pdf_cell_shape").unwrap();
    assert!(note.message.contains("is not a rectangle"), "{note:?}");
    // Read as the rectangle around it, over the quarter ruled off.
    assert_eq!(tables(&d)[0], ["L@0↓2→2", "@1"]);
}
