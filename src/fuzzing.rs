//! The fuzz harnesses, one function per target. The cargo-fuzz targets in
//! `fuzz/` call them, and `tests/fuzz_replay.rs` replays the committed
//! corpus (`tests/fixtures/fuzz/<target>/`) through them in `cargo test`.
//!
//! Each harness panics when a property the project promises is broken:
//! a reader that panics, an error without words, a loaded report that does
//! not write, or whose JSON or XML does not load back to the same report, a
//! DOCX that writes but does not read back to what was written, a JSON or
//! XML input that validating and loading judge differently.

use serde_json::Value;

use crate::convert::{Checked, Format, Hints, MAX_INPUT_BYTES, load, verify};
use crate::error::Error;
use crate::model::Report;
use crate::write;

/// The report the `render_read` target puts its strings into.
const BASE: &str = include_str!("../tests/fixtures/valid/hongze-2024.json");

/// A fuzz target's body: panics when a promise is broken.
pub type Harness = fn(&[u8]);

/// The fuzz targets, by name.
pub const TARGETS: &[(&str, Harness)] = &[
    ("load", load_any),
    ("json", json),
    ("xml", xml),
    ("docx", docx),
    ("html", html),
    ("text", text),
    ("render_read", render_read),
];

/// Any bytes as any format: the first byte picks it.
pub fn load_any(data: &[u8]) {
    let Some((&first, input)) = data.split_first() else {
        return;
    };
    reader(input, Format::ALL[usize::from(first) % Format::ALL.len()]);
}

pub fn json(data: &[u8]) {
    // The fast JSON reader gives the strict one's value, or gives up.
    if let Some(value) = std::str::from_utf8(data)
        .ok()
        .and_then(crate::json::fast::parse)
    {
        assert_eq!(crate::json::parse_strict(data).ok(), Some(value));
    }
    reader(data, Format::Json);
}

pub fn xml(data: &[u8]) {
    reader(data, Format::Xml);
}

pub fn docx(data: &[u8]) {
    reader(data, Format::Docx);
}

pub fn html(data: &[u8]) {
    reader(data, Format::Html);
}

pub fn text(data: &[u8]) {
    reader(data, Format::Text);
}

/// Bytes read as `format`: an error in words, or a report that writes as
/// JSON and as XML, each loading back to the same report.
fn reader(data: &[u8], format: Format) {
    let loaded = load(data, format);
    if matches!(format, Format::Json | Format::Xml) {
        same_verdict(data, format, &loaded);
    }
    let checked = match loaded {
        Ok(checked) => checked,
        Err(e) => {
            assert_worded(&e);
            return;
        }
    };
    for out in [Format::Json, Format::Xml] {
        let bytes = match checked.render(out) {
            Ok(bytes) => bytes,
            // Text is kept code point for code point; a character XML
            // cannot hold is refused at its pointer when writing XML.
            Err(Error::Invalid { findings })
                if out == Format::Xml && findings.iter().all(|f| f.rule == "xml_char") =>
            {
                continue;
            }
            Err(e) => panic!("a {format} report that loaded does not write as {out}: {e} {e:?}"),
        };
        let back = load(&bytes, out).unwrap_or_else(|e| {
            panic!("the {out} written from a {format} report does not load: {e}")
        });
        if back.report != checked.report {
            let at = write::docx::first_difference(&checked.report, &back.report);
            panic!("the {out} written from a {format} report loads back different: {at:?}");
        }
    }
}

/// [`verify`] checks a JSON or XML report without building the typed
/// report; it must accept exactly what [`load`] accepts, with the same
/// findings, and refuse the rest with the same error.
fn same_verdict(data: &[u8], format: Format, loaded: &Result<Checked, Error>) {
    let verdict = verify(data, format, &Hints::default(), MAX_INPUT_BYTES);
    match (loaded, &verdict) {
        (Ok(checked), Ok(verdict)) => assert_eq!(
            checked.findings, verdict.findings,
            "validating a {format} report finds other findings than loading it"
        ),
        (Err(a), Err(b)) => assert_eq!(
            format!("{a:?}"),
            format!("{b:?}"),
            "validating a {format} report refuses it otherwise than loading it"
        ),
        (Ok(_), Err(e)) => panic!("a {format} report that loads is refused by validation: {e}"),
        (Err(e), Ok(_)) => panic!("a {format} report that validation accepts does not load: {e}"),
    }
}

/// An error says what is wrong, and where when it is about the data.
fn assert_worded(e: &Error) {
    let message = e.to_string();
    assert!(!message.trim().is_empty(), "an error without words: {e:?}");
    if let Error::Invalid { findings } = e {
        assert!(!findings.is_empty(), "an Invalid error with no findings");
        for f in findings {
            assert!(
                !f.message.trim().is_empty(),
                "a finding without words: {f:?}"
            );
        }
    }
}

/// Strings chosen by the fuzzer, put into a valid report's narrative
/// blocks, headings, metadata and cells; the report is written as DOCX. It
/// is refused at a pointer (by the schema, for a character XML cannot hold,
/// for cell text, a title or a heading a Word document cannot carry back)
/// or it reads back to the same report.
///
/// The input is pieces separated by `0xFF` (a byte UTF-8 never uses); each
/// piece's first byte picks a place, the rest is the string.
pub fn render_read(data: &[u8]) {
    let Ok(mut value) = serde_json::from_str::<Value>(BASE) else {
        panic!("the base report is not JSON");
    };
    let mut places = Vec::new();
    slots(&value, &mut String::new(), &mut places);
    for piece in data.split(|&b| b == 0xFF).take(16) {
        let Some((&pick, rest)) = piece.split_first() else {
            continue;
        };
        let Some(pointer) = places.get(usize::from(pick) % places.len().max(1)) else {
            return;
        };
        let s = String::from_utf8_lossy(rest).into_owned();
        if let Some(slot) = value.pointer_mut(pointer) {
            *slot = Value::String(s);
        }
    }
    let report: Report = match serde_json::from_value(value) {
        Ok(r) => r,
        // A string where the model wants something else (a date).
        Err(_) => return,
    };
    // `render` checks the schema first, and reads the DOCX it wrote back:
    // a report that does not read back the same is an error (`Verify`).
    match crate::convert::render(&report, Format::Docx) {
        Ok(_) => {}
        Err(Error::Invalid { findings }) => {
            assert!(
                findings.iter().all(|f| f.kind == "schema"
                    || matches!(f.rule.as_str(), "xml_char" | "docx_cell_text" | "docx_text")),
                "a DOCX refused for other reasons than the schema, XML characters or cell text: {findings:?}"
            )
        }
        Err(e) => panic!("a valid report does not write as DOCX: {e}"),
    }
}

/// JSON pointers to the strings a report's author writes: titles,
/// agencies, headings, block texts, labels and table cells.
fn slots(v: &Value, at: &mut String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let len = at.len();
                at.push('/');
                at.push_str(&crate::json::pointer_token(k));
                let leaf = !matches!(x, Value::Object(_) | Value::Array(_));
                let text_key = matches!(
                    k.as_str(),
                    "title" | "agency" | "heading" | "text" | "label"
                );
                let cell = at.contains("/table/") && !matches!(k.as_str(), "edition" | "type");
                if leaf && (text_key || cell) {
                    out.push(at.clone());
                } else {
                    slots(x, at, out);
                }
                at.truncate(len);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                let len = at.len();
                at.push('/');
                at.push_str(&i.to_string());
                slots(x, at, out);
                at.truncate(len);
            }
        }
        _ => {}
    }
}
