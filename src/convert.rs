//! Reading and writing reports, with validation at every step.
//!
//! ```text
//! bytes -> load(format) -> Checked { report, findings } -> render(format) -> bytes
//! ```
//!
//! [`load`] refuses input that does not fit the schema (an [`Error::Invalid`]
//! carrying every schema error); rule findings come back beside the report,
//! never mixed with errors, because real reports contain arithmetic errors and
//! must still be converted faithfully.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::str::FromStr;

use serde_json::Value;

use crate::doc::{Doc, Loc};
use crate::error::Error;
use crate::finding::{Finding, Severity};
use crate::layout::{self, Layout};
use crate::model::{Edition, Report, SourceFormat};
pub use crate::recognize::Hints;
use crate::write::template::Template;
use crate::{read, recognize, rules, schema, write};

/// Largest input accepted, in bytes. A report is tens of kilobytes; this
/// bound keeps a hostile file from costing memory.
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// The formats xxgk knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
    Docx,
    Html,
    Text,
    Pdf,
}

impl Format {
    pub const ALL: [Format; 6] = [
        Format::Json,
        Format::Xml,
        Format::Docx,
        Format::Html,
        Format::Text,
        Format::Pdf,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Xml => "xml",
            Format::Docx => "docx",
            Format::Html => "html",
            Format::Text => "text",
            Format::Pdf => "pdf",
        }
    }

    /// Whether this version can write the format.
    pub fn writable(self) -> bool {
        matches!(self, Format::Json | Format::Xml | Format::Docx)
    }

    /// The usual file extension for output in this format.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Text => "txt",
            other => other.name(),
        }
    }

    /// The format a file name implies: `.json .xml .docx .html .htm .txt .md .pdf`.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "json" => Format::Json,
            "xml" => Format::Xml,
            "docx" => Format::Docx,
            "html" | "htm" => Format::Html,
            "txt" | "md" => Format::Text,
            "pdf" => Format::Pdf,
            _ => return None,
        })
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Format, String> {
        Format::ALL
            .into_iter()
            .find(|f| f.name() == s.to_ascii_lowercase())
            .ok_or_else(|| format!("unknown format {s:?}: use json, xml, docx, html, text or pdf"))
    }
}

/// A report that fits the schema, with what the rules found in it.
#[derive(Debug)]
pub struct Checked {
    pub report: Report,
    /// Reading warnings (`kind: "read"`), then rule findings (violations,
    /// cannot-assess, held-with-blanks notes).
    pub findings: Vec<Finding>,
    /// Where each table cell came from, by JSON pointer: from the reader,
    /// or from a JSON report's own `sources`.
    pub sources: Sources,
}

/// Where each table value was read, by JSON pointer. Places found by a
/// reader are turned into words only when asked for.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    read: BTreeMap<&'static str, Loc>,
    written: BTreeMap<String, String>,
}

impl Sources {
    /// `表2 第4行 第4列`, `line 39`, or what a JSON report's `sources` says.
    pub fn get(&self, pointer: &str) -> Option<String> {
        self.read
            .get(pointer)
            .map(ToString::to_string)
            .or_else(|| self.written.get(pointer).cloned())
    }

    pub fn len(&self) -> usize {
        self.read.len() + self.written.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// All of them, as the report's `sources` map.
    pub fn to_map(&self) -> BTreeMap<String, String> {
        let mut map = self.written.clone();
        map.extend(
            self.read
                .iter()
                .map(|(p, l)| ((*p).to_owned(), l.to_string())),
        );
        map
    }
}

/// How to write a report.
#[derive(Clone, Debug, Default)]
pub struct WriteOptions {
    /// The DOCX template; by default the built-in one for the report's
    /// edition.
    pub template: Option<Template>,
    /// Skip reading a written DOCX back to check that it gives the same
    /// report.
    pub no_verify: bool,
    /// When filling a form that does not fit the data, fill what matches
    /// and list the rest, instead of writing nothing.
    pub allow_partial: bool,
}

/// A written report and what writing it noticed.
#[derive(Debug)]
pub struct Written {
    pub bytes: Vec<u8>,
    /// Warnings about the writing (`kind: "write"`).
    pub findings: Vec<Finding>,
}

impl Checked {
    /// Writes the report in a format. It was validated when it was loaded,
    /// so it is not validated again; a report changed since must go through
    /// [`render`].
    pub fn render(&self, format: Format) -> Result<Vec<u8>, Error> {
        Ok(write(&self.report, format, &WriteOptions::default())?.bytes)
    }

    /// [`Checked::render`] with options (the DOCX template).
    pub fn write(&self, format: Format, options: &WriteOptions) -> Result<Written, Error> {
        write(&self.report, format, options)
    }

    /// Keeps where each value came from in the report itself, so that it is
    /// written out (`--with-sources`).
    pub fn keep_sources(&mut self) {
        self.report.sources = self.sources.to_map();
    }
}

/// Points each rule finding at the source of the first cell it read.
fn attach_sources(findings: &mut [Finding], sources: &Sources) {
    for f in findings.iter_mut().filter(|f| f.source.is_none()) {
        f.source = f
            .cells
            .iter()
            .chain(std::iter::once(&f.pointer))
            .find_map(|p| sources.get(p));
    }
}

/// Reads a report and validates it: schema first (any error refuses the
/// input), then the consistency rules.
pub fn load(bytes: &[u8], format: Format) -> Result<Checked, Error> {
    load_with(bytes, format, &Hints::default())
}

/// [`load`], with what the caller knows: the file's name, and metadata the
/// document may lack (`--agency`, `--year`, `--title`).
pub fn load_with(bytes: &[u8], format: Format, hints: &Hints) -> Result<Checked, Error> {
    load_limited(bytes, format, hints, MAX_INPUT_BYTES)
}

/// [`load_with`], with another bound than [`MAX_INPUT_BYTES`] on the input's
/// size (`--max-input-bytes`).
pub fn load_limited(
    bytes: &[u8],
    format: Format,
    hints: &Hints,
    max_input_bytes: u64,
) -> Result<Checked, Error> {
    check_size(bytes, max_input_bytes)?;
    if let Some(reader) = document_reader(format) {
        return Ok(load_doc(bytes, reader, hints)?.0);
    }
    if format == Format::Xml {
        return load_xml(bytes);
    }
    let (value, text, plain_numbers) = parse_json(bytes)?;
    load_value(value, Some(text), plain_numbers)
}

/// What validating an input found, without the report itself.
#[derive(Debug)]
pub struct Verdict {
    /// As [`Checked::findings`].
    pub findings: Vec<Finding>,
    /// The tables and blocks the report holds.
    layouts: Vec<&'static Layout>,
}

impl Verdict {
    /// The edition each table or block follows, by its title.
    pub fn editions(&self) -> Vec<(String, Edition)> {
        write::docx::editions_of(&self.layouts)
    }
}

/// Validates an input as [`load_limited`] does, and finds what it finds,
/// but keeps only the findings: a JSON or XML report is checked as its
/// JSON value, and the typed report is not built. Whatever this accepts,
/// [`load_limited`] accepts, with the same findings.
pub fn verify(
    bytes: &[u8],
    format: Format,
    hints: &Hints,
    max_input_bytes: u64,
) -> Result<Verdict, Error> {
    check_size(bytes, max_input_bytes)?;
    let (findings, layouts) = match document_reader(format) {
        Some(reader) => {
            let (checked, value) = load_doc(bytes, reader, hints)?;
            (checked.findings, layout::used_by(&value))
        }
        None if format == Format::Xml => {
            let (value, places) = crate::xml::read(bytes)?;
            let (mut findings, layouts) =
                check_value(&value, false).map_err(|e| places.attach_to_error(e))?;
            places.attach(&mut findings);
            (findings, layouts)
        }
        None => {
            let (value, _, plain_numbers) = parse_json(bytes)?;
            check_value(&value, plain_numbers)?
        }
    };
    Ok(Verdict { findings, layouts })
}

fn check_size(bytes: &[u8], max_input_bytes: u64) -> Result<(), Error> {
    if bytes.len() as u64 > max_input_bytes {
        return Err(Error::TooLarge {
            name: "MAX_INPUT_BYTES",
            limit: max_input_bytes,
        });
    }
    Ok(())
}

/// A document format's reader, and how the report names the format.
type DocumentReader = (fn(&[u8]) -> Result<Doc, Error>, SourceFormat);

/// The reader of a document format; none for JSON and XML, which hold a
/// report already.
fn document_reader(format: Format) -> Option<DocumentReader> {
    match format {
        Format::Json | Format::Xml => None,
        Format::Text => Some((read::text::read, SourceFormat::Text)),
        Format::Docx => Some((read::docx::read, SourceFormat::Docx)),
        Format::Html => Some((read::html::read, SourceFormat::Html)),
        Format::Pdf => Some((read::pdf::read, SourceFormat::Pdf)),
    }
}

/// Reads a document (DOCX, HTML, text, PDF), recognizes the report in it
/// and validates that; the report's JSON value comes back beside it.
fn load_doc(
    bytes: &[u8],
    (read, source): DocumentReader,
    hints: &Hints,
) -> Result<(Checked, Value), Error> {
    let doc = read(bytes)?;
    let mut hints = hints.clone();
    hints.format.get_or_insert(source);
    let recognized = recognize::recognize(&doc, &hints);
    // Nothing of a report at all: refuse rather than write an empty one.
    let s = &recognized.report.sections;
    if s.overview.is_none()
        && s.proactive.is_none()
        && s.applications.is_none()
        && s.reviews.is_none()
        && s.problems.is_none()
        && s.other.is_none()
    {
        return Err(Error::Invalid {
            findings: vec![Finding::new(
                "read",
                "not_a_report",
                Severity::Error,
                "",
                "no part of an annual report was found: none of the six section headings (一、总体情况 …) and none of the three tables",
            )],
        });
    }
    let sources = Sources {
        read: recognized.sources,
        written: BTreeMap::new(),
    };
    let mut findings = recognized.findings;
    let (mut rule_findings, value) = validate_value(&recognized.report)?;
    attach_sources(&mut rule_findings, &sources);
    findings.extend(rule_findings);
    let checked = Checked {
        report: recognized.report,
        findings,
        sources,
    };
    Ok((checked, value))
}

/// A UTF-8 byte order mark, which Windows tools (Notepad, PowerShell's
/// `Out-File`) put before JSON: it is skipped, as RFC 8259 allows a parser to.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Parses a JSON report strictly; hands back the text parsed, without its
/// byte order mark, and whether every number is known to be whole and
/// plainly written (see [`schema::check_noted`]).
fn parse_json(bytes: &[u8]) -> Result<(Value, &[u8], bool), Error> {
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    let (value, plain_numbers) =
        crate::json::parse_noting_numbers(bytes).map_err(|e| Error::Json {
            line: e.line(),
            column: e.column(),
            message: strip_position(&e.to_string()),
        })?;
    Ok((value, bytes, plain_numbers))
}

/// An XML report is its JSON value in other clothes: the same checks, with
/// every finding placed at its element.
fn load_xml(bytes: &[u8]) -> Result<Checked, Error> {
    let (value, places) = crate::xml::read(bytes)?;
    let mut checked = load_value(value, None, false).map_err(|e| places.attach_to_error(e))?;
    places.attach(&mut checked.findings);
    Ok(checked)
}

/// A report's JSON value checked: the schema (any error refuses it), then
/// the rules, each finding pointed at the source the report's own
/// `sources` gives for its first cell. `plain_numbers`: every number is
/// known to be whole and plainly written (see [`schema::check_noted`]).
/// Hands back the findings and the tables and blocks the report holds.
fn check_value(
    value: &Value,
    plain_numbers: bool,
) -> Result<(Vec<Finding>, Vec<&'static Layout>), Error> {
    let schema_errors = schema::check_noted(value, plain_numbers);
    if !schema_errors.is_empty() {
        return Err(Error::Invalid {
            findings: schema_errors,
        });
    }
    let layouts = layout::used_by(value);
    let mut findings = rules::check_in(value, &layouts);
    if let Some(Value::Object(written)) = value.get("sources")
        && !findings.is_empty()
    {
        let sources = Sources {
            read: BTreeMap::new(),
            written: written
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                .collect(),
        };
        attach_sources(&mut findings, &sources);
    }
    Ok((findings, layouts))
}

/// Checks a report's JSON value and builds the model from `text`, the JSON
/// it was parsed from, when there is one.
fn load_value(value: Value, text: Option<&[u8]>, plain_numbers: bool) -> Result<Checked, Error> {
    let (findings, _) = check_value(&value, plain_numbers)?;
    // From the text, not from the value: a value hands a number to the
    // model as an i64 where it can (`-0` would become `0`), the text hands
    // over its written digits. The plain deserializer first; only when it
    // fails is it run again, tracking its path, to say where. (The schema
    // check refuses every number the model cannot keep, so that this does
    // not fail on a report the check accepted.)
    let owned;
    let text = match text {
        Some(t) => t,
        None => {
            owned = value.to_string();
            owned.as_bytes()
        }
    };
    let report = match serde_json::from_slice::<Report>(text) {
        Ok(report) => Ok(report),
        Err(_) => serde_path_to_error::deserialize::<_, Report>(
            &mut serde_json::Deserializer::from_slice(text),
        ),
    };
    let report: Report = report.map_err(|e| {
        let pointer = to_pointer(e.path());
        Error::Invalid {
            findings: vec![schema::finding(
                &value,
                pointer,
                "value",
                e.into_inner().to_string(),
            )],
        }
    })?;
    let sources = Sources {
        read: BTreeMap::new(),
        written: report.sources.clone(),
    };
    Ok(Checked {
        report,
        findings,
        sources,
    })
}

/// Validates a report that was built in memory (by a reader, or by a
/// program): schema, then rules.
pub fn validate(report: &Report) -> Result<Vec<Finding>, Error> {
    Ok(validate_value(report)?.0)
}

/// [`validate`], handing back the report's JSON value as well.
fn validate_value(report: &Report) -> Result<(Vec<Finding>, Value), Error> {
    let value = to_value(report)?;
    let schema_errors = schema::check(&value);
    if !schema_errors.is_empty() {
        return Err(Error::Invalid {
            findings: schema_errors,
        });
    }
    Ok((rules::check(&value), value))
}

/// Writes a report in a format. The output is checked against the schema
/// first, so nothing invalid is ever written.
pub fn render(report: &Report, format: Format) -> Result<Vec<u8>, Error> {
    let value = to_value(report)?;
    let schema_errors = schema::check(&value);
    if !schema_errors.is_empty() {
        return Err(Error::Invalid {
            findings: schema_errors,
        });
    }
    Ok(write(report, format, &WriteOptions::default())?.bytes)
}

/// Serialises a report known to be valid.
fn write(report: &Report, format: Format, options: &WriteOptions) -> Result<Written, Error> {
    match format {
        Format::Json => {
            // A report's JSON is tens of kilobytes: start there rather than
            // growing from nothing.
            let mut out = Vec::with_capacity(64 * 1024);
            serde_json::to_writer_pretty(&mut out, report)
                .map_err(|e| Error::Usage(e.to_string()))?;
            out.push(b'\n');
            Ok(Written {
                bytes: out,
                findings: Vec::new(),
            })
        }
        Format::Docx => write_docx(report, options),
        Format::Xml => Ok(Written {
            bytes: crate::xml::write(&to_value(report)?)?,
            findings: Vec::new(),
        }),
        other => Err(Error::Unsupported {
            format: other,
            direction: "writing",
        }),
    }
}

/// Renders a DOCX and, for a built-in template, reads it back: it must give
/// the same report (as far as a printed document carries one; see
/// [`write::docx::printable`]), or nothing is written.
fn write_docx(report: &Report, options: &WriteOptions) -> Result<Written, Error> {
    let chosen;
    let template = match &options.template {
        Some(t) => t,
        None => {
            let value = to_value(report)?;
            let editions: Vec<_> = write::docx::editions(&value)
                .into_iter()
                .map(|(_, e)| e)
                .collect();
            chosen = write::template::for_editions(&editions);
            &chosen
        }
    };
    if let Some(form) = &template.form {
        return fill_form(report, form, template, options);
    }
    let rendered = write::docx::render(report, template)?;
    if template.builtin && !options.no_verify {
        let what = format!("the DOCX written with template {}", template.name);
        read_back(report, &rendered.bytes, &what, write::docx::printable)?;
    }
    Ok(Written {
        bytes: rendered.bytes,
        findings: rendered.findings,
    })
}

/// Reads a written DOCX back: it must give the report it was written from,
/// as `comparable` sees them both.
fn read_back(
    report: &Report,
    docx: &[u8],
    what: &str,
    comparable: impl Fn(&Report) -> Report,
) -> Result<(), Error> {
    let doc = read::docx::read(docx)?;
    let back = recognize::recognize(&doc, &Hints::default()).report;
    let (want, got) = (comparable(report), comparable(&back));
    if want == got {
        return Ok(());
    }
    let at = write::docx::first_difference(&want, &got).unwrap_or_else(|| "somewhere".into());
    Err(Error::Verify(format!(
        "{what} does not read back to the same report; nothing was written ({at})"
    )))
}

/// Fills a blank form and reads it back: every value placed must read back
/// as it was written (all of the report, when nothing was left out).
fn fill_form(
    report: &Report,
    form: &[u8],
    template: &Template,
    options: &WriteOptions,
) -> Result<Written, Error> {
    let filled = write::fill::fill(report, form, &template.name, options.allow_partial)?;
    // A partly filled form holds only part of the report: nothing to
    // compare it with as a whole.
    if !options.no_verify && filled.findings.is_empty() {
        let what = format!("the form {} filled", template.name);
        read_back(report, &filled.bytes, &what, |r| {
            let mut r = write::docx::printable(r);
            // A form has no place for these but its title.
            r.meta.agency = None;
            r.meta.year = None;
            r.meta.published = None;
            r
        })?;
    }
    Ok(Written {
        bytes: filled.bytes,
        findings: filled.findings,
    })
}

fn to_value(report: &Report) -> Result<Value, Error> {
    // Serialising the model cannot fail: every number was parsed from text
    // that serde_json accepted.
    serde_json::to_value(report).map_err(|e| Error::Usage(format!("cannot serialise report: {e}")))
}

/// serde_json puts "at line L column C" at the end of its messages; the
/// error carries them as fields.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// The path serde was at when it failed, as a JSON pointer.
fn to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    path.iter()
        .filter_map(|seg| match seg {
            Segment::Seq { index } => Some(index.to_string()),
            Segment::Map { key } => Some(crate::json::pointer_token(key).into_owned()),
            Segment::Enum { .. } | Segment::Unknown => None,
        })
        .map(|seg| format!("/{seg}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_come_from_extensions() {
        assert_eq!(Format::from_path(Path::new("a.JSON")), Some(Format::Json));
        assert_eq!(Format::from_path(Path::new("a.htm")), Some(Format::Html));
        assert_eq!(Format::from_path(Path::new("a.md")), Some(Format::Text));
        assert_eq!(Format::from_path(Path::new("a.PDF")), Some(Format::Pdf));
        assert_eq!(Format::from_path(Path::new("a.doc")), None);
        assert_eq!("XML".parse::<Format>(), Ok(Format::Xml));
        assert_eq!("pdf".parse::<Format>(), Ok(Format::Pdf));
        assert!("odt".parse::<Format>().is_err());
    }

    #[test]
    fn json_and_xml_may_start_with_a_utf8_bom() {
        let json = include_str!("../tests/fixtures/valid/hongze-2024.json");
        let plain = load(json.as_bytes(), Format::Json).unwrap();
        let with_bom = load(format!("\u{feff}{json}").as_bytes(), Format::Json).unwrap();
        assert_eq!(with_bom.report, plain.report);
        let mut xml = UTF8_BOM.to_vec();
        xml.extend(plain.render(Format::Xml).unwrap());
        assert_eq!(load(&xml, Format::Xml).unwrap().report, plain.report);
        // One mark, at the start: a second one is not JSON.
        let e = load(format!("\u{feff}\u{feff}{json}").as_bytes(), Format::Json).unwrap_err();
        assert!(e.to_string().contains("line 1, column 1"), "{e}");
    }
}
