//! Reports as Word documents, rendered from Handlebars templates.
//!
//! The data a template sees is the report itself, as in its JSON form
//! (`{{meta.agency}}`, `{{#each sections.overview.body}}`,
//! `{{sections.applications.table.new.total}}`), plus `view`, what printing
//! needs beyond the data:
//! - `view.sections`: the sections present, in order, each with `key`,
//!   `heading` (the official one where the report has none), `body`,
//!   `notes` and, for the table sections, `grid`: the official table as
//!   printed (see [`crate::write::grid`]);
//! - `view.meta_json`: the metadata as JSON, kept in the document's custom
//!   properties so that reading it back restores it exactly.
//!
//! Handlebars runs in strict mode: a tag naming a field the report lacks is
//! an error, not an empty string. Values are XML-escaped; a string with a
//! character XML 1.0 cannot hold is refused with its JSON pointer. Every
//! rendered part is checked to be well-formed XML, and the package is
//! written with fixed timestamps and entry order, so equal input gives equal
//! bytes.

use std::io::{Cursor, Write};
use std::sync::OnceLock;

use handlebars::{
    Context, Handlebars, Helper, HelperResult, Output, RenderContext, RenderErrorReason,
};
use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::{Map, Value, json};

use crate::error::Error;
use crate::finding::{Finding, Severity};
use crate::layout::SECTION_HEADINGS;
use crate::model::{Cell, Edition, Report};
use crate::write::grid;
use crate::write::template::{Part, Template};

/// The section keys, in printed order.
pub const SECTION_KEYS: [&str; 6] = [
    "overview",
    "proactive",
    "applications",
    "reviews",
    "problems",
    "other",
];

/// A rendered document and what rendering noticed.
#[derive(Debug)]
pub struct Rendered {
    pub bytes: Vec<u8>,
    /// Warnings (`kind: "write"`), such as a table printed in an edition
    /// other than the template's.
    pub findings: Vec<Finding>,
}

/// The data a template renders: the report's JSON with `view` added.
pub fn context(report: &Report) -> Result<Value, Error> {
    let mut value = serde_json::to_value(report)
        .map_err(|e| Error::Usage(format!("cannot serialise report: {e}")))?;
    check_xml_chars(&value, "a Word document")?;
    check_cell_texts(&value)?;
    check_texts(&value)?;
    let view = view(&value)?;
    if let Value::Object(m) = &mut value {
        m.insert("view".into(), view);
    }
    Ok(value)
}

fn view(report: &Value) -> Result<Value, Error> {
    let sections_of = report.get("sections");
    let mut sections = Vec::new();
    for (i, key) in SECTION_KEYS.iter().enumerate() {
        let Some(s) = sections_of.and_then(|all| all.get(key)) else {
            continue;
        };
        let heading = s
            .get("heading")
            .and_then(Value::as_str)
            .unwrap_or(SECTION_HEADINGS[i]);
        let grid = match *key {
            "proactive" => grid::table2(report),
            "applications" => grid::table3(report),
            "reviews" => grid::table4(report),
            _ => None,
        };
        // Built member by member: `json!` would copy each value again.
        let listed = |name: &str| {
            s.get(name)
                .cloned()
                .unwrap_or_else(|| Value::Array(Vec::new()))
        };
        let mut section = Map::new();
        section.insert("key".into(), Value::from(*key));
        section.insert("heading".into(), Value::from(heading));
        section.insert("body".into(), listed("body"));
        section.insert("notes".into(), listed("notes"));
        section.insert(
            "grid".into(),
            grid.map(serde_json::to_value)
                .transpose()
                .map_err(|e| Error::Usage(format!("cannot serialise a table grid: {e}")))?
                .unwrap_or(Value::Null),
        );
        sections.push(Value::Object(section));
    }
    let mut meta = report.get("meta").cloned().unwrap_or(json!({}));
    if let Value::Object(m) = &mut meta {
        m.remove("source");
    }
    let mut view = Map::new();
    view.insert("sections".into(), Value::Array(sections));
    view.insert("meta_json".into(), Value::String(meta.to_string()));
    Ok(Value::Object(view))
}

/// Whether XML 1.0 can hold a character.
pub(crate) fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// The first string under `v`, in the order a walk meets them, for which
/// `test` says something, with the steps to it from `v` as a JSON pointer
/// (`/sections/applications/…`). Object members whose key `skip` names are
/// not entered. The pointer is built only for the string found.
fn first_string<T>(
    v: &Value,
    skip: &dyn Fn(&str) -> bool,
    test: &dyn Fn(&str) -> Option<T>,
) -> Option<(String, T)> {
    /// The steps, innermost first.
    fn walk<T>(
        v: &Value,
        skip: &dyn Fn(&str) -> bool,
        test: &dyn Fn(&str) -> Option<T>,
    ) -> Option<(Vec<String>, T)> {
        match v {
            Value::String(s) => test(s).map(|t| (Vec::new(), t)),
            Value::Array(a) => a.iter().enumerate().find_map(|(i, x)| {
                walk(x, skip, test).map(|(mut steps, t)| {
                    steps.push(i.to_string());
                    (steps, t)
                })
            }),
            Value::Object(m) => m.iter().filter(|(k, _)| !skip(k)).find_map(|(k, x)| {
                walk(x, skip, test).map(|(mut steps, t)| {
                    steps.push(crate::json::pointer_token(k).into_owned());
                    (steps, t)
                })
            }),
            _ => None,
        }
    }
    walk(v, skip, test).map(|(steps, t)| {
        let pointer = steps.iter().rev().map(|s| format!("/{s}")).collect();
        (pointer, t)
    })
}

/// The first character of `s` XML 1.0 cannot hold. Such a character is an
/// ASCII control (other than tab, line feed and carriage return) or U+FFFE
/// or U+FFFF (bytes `EF BF BE`, `EF BF BF`); text with neither byte pattern
/// is taken without decoding it.
fn bad_xml_char(s: &str) -> Option<char> {
    let b = s.as_bytes();
    let suspect = b.iter().enumerate().any(|(i, &x)| {
        (x < 0x20 && !matches!(x, b'\t' | b'\n' | b'\r'))
            || (x == 0xEF
                && b.get(i + 1) == Some(&0xBF)
                && matches!(b.get(i + 2), Some(0xBE | 0xBF)))
    });
    if !suspect {
        return None;
    }
    s.chars().find(|c| !xml_char(*c))
}

/// Refuses a string XML 1.0 cannot hold, naming where it is and the
/// `document` (`a Word document`) it cannot be written in.
pub(crate) fn check_xml_chars(v: &Value, document: &str) -> Result<(), Error> {
    let Some((pointer, c)) = first_string(v, &|_| false, &bad_xml_char) else {
        return Ok(());
    };
    Err(refusal(
        pointer,
        "xml_char",
        format!(
            "U+{:04X} cannot be written in {document} (XML 1.0 has no such character)",
            c as u32
        ),
    ))
}

/// Refuses a table cell whose text a reader would not give back as that
/// cell: text that is not a value (`见附件` reads as a row label), or that
/// reads as another value (` 无` loses its space, `３２` reads as the number 32). The cells a
/// Word document carries are blanks, numbers, placeholders (`/`, `—`, `无`)
/// and numbers with their unit (`6719.3835万元`).
pub(crate) fn check_cell_texts(v: &Value) -> Result<(), Error> {
    fn refused(s: &str) -> Option<&str> {
        let kept =
            Cell::looks_like_value(s) && matches!(Cell::from_written(s), Cell::Text(t) if t == s);
        (!kept).then_some(s)
    }
    let skip = |k: &str| matches!(k, "edition" | "label" | "after" | "block");
    let Some(sections) = v.get("sections").and_then(Value::as_object) else {
        return Ok(());
    };
    for (name, section) in sections {
        let Some(table) = section.get("table") else {
            continue;
        };
        if let Some((at, text)) = first_string(table, &skip, &|s| refused(s).map(str::to_owned)) {
            return Err(refusal(
                format!("/sections/{name}/table{at}"),
                "docx_cell_text",
                format!(
                    "the cell text {text:?} cannot be written in a Word document: it would not read back as this cell (a cell holds a number, a number with its unit, or a placeholder such as / or 无)"
                ),
            ));
        }
    }
    Ok(())
}

/// Refuses a title or a section heading a reader would not give back: a
/// title with whitespace at either end (a printed paragraph has none), a
/// heading that does not read as the heading of its own section.
pub(crate) fn check_texts(v: &Value) -> Result<(), Error> {
    if let Some(title) = v.pointer("/meta/title").and_then(Value::as_str)
        && (title.trim() != title || title.is_empty())
    {
        return Err(refusal(
            "/meta/title".into(),
            "docx_text",
            format!(
                "the title {title:?} cannot be written in a Word document: a printed title has no whitespace at its ends"
            ),
        ));
    }
    for (i, key) in SECTION_KEYS.iter().enumerate() {
        let pointer = format!("/sections/{key}/heading");
        let Some(heading) = v.pointer(&pointer).and_then(Value::as_str) else {
            continue;
        };
        if heading.trim() != heading || crate::recognize::section_index(heading) != Some(i) {
            return Err(refusal(
                pointer,
                "docx_text",
                format!(
                    "the heading {heading:?} cannot be written in a Word document: it would not read back as the heading of this section (such as {})",
                    SECTION_HEADINGS[i]
                ),
            ));
        }
    }
    Ok(())
}

/// A write error at a pointer: nothing is written.
fn refusal(pointer: String, rule: &str, message: String) -> Error {
    Error::Invalid {
        findings: vec![Finding::new(
            "write",
            rule,
            Severity::Error,
            pointer,
            message,
        )],
    }
}

/// `{{lines text}}`: text as runs' content, each line break a `<w:br/>`,
/// each tab a `<w:tab/>`, all of it escaped. Used inside `<w:r>`.
fn lines_helper(
    h: &Helper,
    _: &Handlebars,
    _: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    let v = h
        .param(0)
        .ok_or(RenderErrorReason::ParamNotFoundForIndex("lines", 0))?;
    let text = match v.value() {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    let mut first = true;
    for line in text.split('\n') {
        if !first {
            out.write("<w:br/>")?;
        }
        first = false;
        let mut first_piece = true;
        for piece in line.split('\t') {
            if !first_piece {
                out.write("<w:tab/>")?;
            }
            first_piece = false;
            if !piece.is_empty() {
                out.write("<w:t xml:space=\"preserve\">")?;
                out.write(&quick_xml::escape::escape(piece))?;
                out.write("</w:t>")?;
            }
        }
    }
    Ok(())
}

/// A Handlebars registry set up for WordprocessingML: strict, XML-escaped,
/// with the helpers templates may use.
pub fn registry() -> Handlebars<'static> {
    let mut hb = Handlebars::new();
    hb.set_strict_mode(true);
    hb.set_prevent_indent(true);
    hb.register_escape_fn(|s| quick_xml::escape::escape(s).into_owned());
    hb.register_helper("lines", Box::new(lines_helper));
    hb
}

fn template_error(t: &Template, part: &str, e: impl std::fmt::Display) -> Error {
    Error::Template {
        place: format!("{} {part}", t.name),
        message: e.to_string(),
    }
}

/// Compiles a template's sources and partials into a registry, each part
/// under `prefix` + its name.
fn compile(t: &Template, hb: &mut Handlebars<'static>, prefix: &str) -> Result<(), Error> {
    for (name, source) in &t.partials {
        hb.register_partial(name, source)
            .map_err(|e| template_error(t, &format!("partials/{name}.hbs"), e))?;
    }
    for (name, p) in &t.parts {
        if let Part::Source(s) = p {
            hb.register_template_string(&format!("{prefix}{name}"), s)
                .map_err(|e| template_error(t, name, e))?;
        }
    }
    Ok(())
}

/// The built-in templates, compiled once. Their partials share names, so
/// each built-in template has a registry of its own.
fn builtin_registry(name: &str) -> Option<&'static Handlebars<'static>> {
    static REGISTRIES: OnceLock<Vec<(&'static str, Handlebars<'static>)>> = OnceLock::new();
    REGISTRIES
        .get_or_init(|| {
            crate::write::template::BUILTIN
                .iter()
                .map(|n| {
                    let t = crate::write::template::builtin(n).expect("built in");
                    let mut hb = registry();
                    compile(&t, &mut hb, "").expect("the built-in templates compile");
                    (*n, hb)
                })
                .collect()
        })
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, hb)| hb)
}

/// Renders a report with a template into DOCX bytes. The report is taken
/// as valid (validate it first).
pub fn render(report: &Report, t: &Template) -> Result<Rendered, Error> {
    let value = context(report)?;
    let findings = edition_warnings(&value, t);
    // From the value itself: `Context::wraps` would serialise it again.
    let ctx = Context::from(value);
    let own;
    let hb = match builtin_registry(&t.name).filter(|_| t.builtin) {
        Some(hb) => hb,
        None => {
            let mut hb = registry();
            compile(t, &mut hb, "")?;
            own = hb;
            &own
        }
    };
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    // Fixed times and modes, so that equal input gives equal bytes. Small
    // parts are stored: deflating a few hundred bytes costs more than it
    // saves; the large ones are deflated at a fast level.
    let stored = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    let deflated = stored
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1));
    for (name, p) in &t.parts {
        let rendered;
        let bytes: &[u8] = match p {
            Part::Raw(b) => b,
            Part::Source(_) => {
                rendered = hb
                    .render_with_context(name, &ctx)
                    .map_err(|e| render_error(t, name, &e))?;
                well_formed(&rendered).map_err(|m| template_error(t, name, m))?;
                rendered.as_bytes()
            }
        };
        let options = if bytes.len() < STORE_BELOW {
            stored
        } else {
            deflated
        };
        zip.start_file(name.as_str(), options)
            .and_then(|_| zip.write_all(bytes).map_err(Into::into))
            .map_err(|e| Error::Usage(format!("cannot write the DOCX package: {e}")))?;
    }
    let bytes = zip
        .finish()
        .map_err(|e| Error::Usage(format!("cannot write the DOCX package: {e}")))?
        .into_inner();
    Ok(Rendered { bytes, findings })
}

/// Parts smaller than this are stored rather than deflated.
const STORE_BELOW: usize = 2048;

/// A render error in words: where in the template, and what was missing.
fn render_error(t: &Template, part: &str, e: &handlebars::RenderError) -> Error {
    let at = match (e.line_no, e.column_no) {
        (Some(l), Some(c)) => format!(" line {l}, column {c}"),
        _ => String::new(),
    };
    let name = e.template_name.as_deref().unwrap_or(part);
    let reason = e.reason().to_string();
    let message = match e.reason() {
        RenderErrorReason::MissingVariable(Some(path)) => format!(
            "the template asks for {path}, which this report does not have (in strict mode a missing field is an error)"
        ),
        _ => reason,
    };
    Error::Template {
        place: format!("{} {name}{at}", t.name),
        message,
    }
}

/// Checks that a rendered part is well-formed XML with no DOCTYPE.
fn well_formed(xml: &str) -> Result<(), String> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut depth = 0usize;
    loop {
        let at = reader.buffer_position();
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(Event::DocType(_)) => return Err("the rendered part has a DOCTYPE".into()),
            Ok(Event::Start(_)) => depth += 1,
            Ok(Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(_) => {}
            Err(e) => {
                let before = &xml.as_bytes()[..(at as usize).min(xml.len())];
                let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
                return Err(format!(
                    "the rendered part is not well-formed XML near line {line}: {e}"
                ));
            }
        }
    }
    if depth != 0 {
        return Err("the rendered part is not well-formed XML: an element is never closed".into());
    }
    Ok(())
}

/// The editions of the report's tables and blocks, with where each is: the
/// layouts the report uses say it (table 4, the same in both, says none).
pub fn editions(report: &Value) -> Vec<(String, Edition)> {
    editions_of(&crate::layout::used_by(report))
}

/// [`editions`], of the tables and blocks a report holds.
pub(crate) fn editions_of(layouts: &[&crate::layout::Layout]) -> Vec<(String, Edition)> {
    layouts
        .iter()
        .filter_map(|l| l.edition.map(|e| (l.title(), e)))
        .collect()
}

fn edition_warnings(value: &Value, t: &Template) -> Vec<Finding> {
    let Some(edition) = t.edition else {
        return Vec::new();
    };
    editions(value)
        .into_iter()
        .filter(|(_, e)| *e != edition)
        .map(|(place, e)| {
            Finding::new(
                "write",
                "edition",
                Severity::Warning,
                "",
                format!(
                    "{place} follows the {} edition; it is printed in that edition's official layout, in template {} ({} edition)",
                    e.as_str(),
                    t.name,
                    edition.as_str()
                ),
            )
        })
        .collect()
}

/// The report as a printed document can carry it: without where it was read
/// from (`meta.source`, `sources`), and with the official heading on each
/// section that had none. Reading back what [`render`] wrote with a built-in
/// template gives exactly this.
pub fn printable(report: &Report) -> Report {
    let mut r = report.clone();
    r.meta.source = None;
    r.sources.clear();
    r.schema = None;
    let s = &mut r.sections;
    let fill = |h: &mut Option<String>, i: usize| {
        h.get_or_insert_with(|| SECTION_HEADINGS[i].to_owned());
    };
    if let Some(x) = &mut s.overview {
        fill(&mut x.heading, 0);
    }
    if let Some(x) = &mut s.proactive {
        fill(&mut x.heading, 1);
    }
    if let Some(x) = &mut s.applications {
        fill(&mut x.heading, 2);
    }
    if let Some(x) = &mut s.reviews {
        fill(&mut x.heading, 3);
    }
    if let Some(x) = &mut s.problems {
        fill(&mut x.heading, 4);
    }
    if let Some(x) = &mut s.other {
        fill(&mut x.heading, 5);
    }
    r
}

/// The first place two reports differ, as a JSON pointer with both values.
pub fn first_difference(a: &Report, b: &Report) -> Option<String> {
    fn walk(a: &Value, b: &Value, at: &mut String) -> Option<String> {
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
                for k in keys {
                    let len = at.len();
                    at.push('/');
                    at.push_str(k);
                    let null = Value::Null;
                    if let Some(d) = walk(x.get(k).unwrap_or(&null), y.get(k).unwrap_or(&null), at)
                    {
                        return Some(d);
                    }
                    at.truncate(len);
                }
                None
            }
            (Value::Array(x), Value::Array(y)) => {
                let null = Value::Null;
                for i in 0..x.len().max(y.len()) {
                    let len = at.len();
                    at.push_str(&format!("/{i}"));
                    let (p, q) = (x.get(i).unwrap_or(&null), y.get(i).unwrap_or(&null));
                    if let Some(d) = walk(p, q, at) {
                        return Some(d);
                    }
                    at.truncate(len);
                }
                None
            }
            _ if a == b => None,
            _ => Some(format!(
                "{at}: written {}, read back {}",
                short(a),
                short(b)
            )),
        }
    }
    fn short(v: &Value) -> String {
        let s = v.to_string();
        if s.chars().count() > 80 {
            format!("{}…", s.chars().take(80).collect::<String>())
        } else {
            s
        }
    }
    let a = serde_json::to_value(a).ok()?;
    let b = serde_json::to_value(b).ok()?;
    walk(&a, &b, &mut String::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte scan finds exactly the characters `xml_char` refuses,
    /// among their neighbours in UTF-8 (U+FFFD and U+FFFE share two bytes,
    /// U+FF0C is full-width punctuation).
    #[test]
    fn bad_xml_char_agrees_with_xml_char() {
        let chars = [
            '\0',
            '\u{1}',
            '\t',
            '\n',
            '\u{B}',
            '\r',
            '\u{1F}',
            ' ',
            '\u{7F}',
            '\u{85}',
            '中',
            '\u{D7FF}',
            '\u{E000}',
            '\u{EFBF}',
            '\u{FF0C}',
            '\u{FFBE}',
            '\u{FFFD}',
            '\u{FFFE}',
            '\u{FFFF}',
            '\u{10000}',
            '\u{10FFFF}',
        ];
        for a in chars {
            for b in chars {
                let s = format!("x{a}{b}");
                let want = s.chars().find(|c| !xml_char(*c));
                assert_eq!(bad_xml_char(&s), want, "{s:?}");
            }
        }
    }
}
