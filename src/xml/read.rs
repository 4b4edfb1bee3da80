//! XML -> the report's JSON value, walking the schema as it goes, so that
//! the same schema check and rules as for JSON input can judge it.
//!
//! Damaged XML (not well-formed, a DOCTYPE, an unknown entity, over a limit)
//! is refused outright. XML that is well-formed but does not follow the
//! vocabulary (an unknown element, a number that is not one) gives findings
//! at the element's line, column and path, like schema errors.

use std::collections::BTreeMap;

use quick_xml::NsReader;
use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{Namespace, ResolveResult};
use serde_json::{Map, Value};

use super::{
    Kind, MAP_ITEM, MAP_KEY, MAX_XML_ATTRIBUTES, MAX_XML_DEPTH, MAX_XML_TEXT_BYTES, NAMESPACE,
    Node, branch, deref, editions, element_name, item_name, kind, properties, schema,
};
use crate::error::Error;
use crate::finding::{Finding, Severity};
use crate::model::Decimal;
use crate::read::docx::ref_char;
use crate::write::docx::xml_char;

/// Where each element of an XML report was, by the JSON pointer of the value
/// it holds: its line, column and element path.
#[derive(Clone, Debug, Default)]
pub struct Places {
    map: BTreeMap<String, String>,
}

impl Places {
    /// `line 12, column 7, /report/sections/…` for a pointer, or for the
    /// nearest enclosing value that has an element.
    pub fn get(&self, pointer: &str) -> Option<&str> {
        let mut p = pointer;
        loop {
            if let Some(place) = self.map.get(p) {
                return Some(place);
            }
            p = &p[..p.rfind('/')?];
        }
    }

    /// Points each finding that has no place in the source yet at its
    /// element (for a rule finding, at the first cell it read).
    pub fn attach(&self, findings: &mut [Finding]) {
        for f in findings.iter_mut().filter(|f| f.source.is_none()) {
            let pointer = f.cells.first().unwrap_or(&f.pointer);
            f.source = self.get(pointer).map(str::to_owned);
        }
    }

    /// [`Places::attach`] on the findings an error carries.
    pub fn attach_to_error(&self, mut e: Error) -> Error {
        if let Error::Invalid { findings } = &mut e {
            self.attach(findings);
        }
        e
    }
}

/// Reads an XML report into the report's JSON value.
pub fn read(bytes: &[u8]) -> Result<(Value, Places), Error> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.starts_with(b"\xFE\xFF") || bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\0")
    {
        return Err(corrupt(
            String::new(),
            "an XML report must be encoded in UTF-8; this one is UTF-16",
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let mut lines = Lines::default();
        corrupt(
            lines.at(bytes, e.valid_up_to()),
            "not UTF-8: an XML report must be encoded in UTF-8",
        )
    })?;
    Parser {
        text,
        lines: Lines::default(),
        stack: Vec::new(),
        root: None,
        places: Places::default(),
        problems: Vec::new(),
    }
    .run()
}

fn corrupt(place: String, message: impl Into<String>) -> Error {
    Error::Corrupt {
        place,
        message: message.into(),
    }
}

/// Turns byte offsets into lines and columns, moving forward only.
#[derive(Default)]
struct Lines {
    offset: usize,
    line: usize,
    line_start: usize,
}

impl Lines {
    /// `line L, column C` (columns count characters).
    fn at(&mut self, text: &[u8], offset: usize) -> String {
        let offset = offset.min(text.len());
        if offset < self.offset {
            *self = Lines::default();
        }
        for (i, b) in text[self.offset..offset].iter().enumerate() {
            if *b == b'\n' {
                self.line += 1;
                self.line_start = self.offset + i + 1;
            }
        }
        self.offset = offset;
        let col = String::from_utf8_lossy(&text[self.line_start..offset])
            .chars()
            .count();
        format!("line {}, column {}", self.line + 1, col + 1)
    }
}

/// What an open element stands for.
enum Frame {
    /// An element the vocabulary does not have (already reported), or one
    /// inside it.
    Skip,
    Value(Box<Open>),
}

struct Open {
    /// The property's schema node.
    node: &'static Node,
    kind: Kind,
    /// The key in the parent: an object's property, a map's key, or none
    /// for list items.
    key: Option<String>,
    name: String,
    pointer: String,
    path: String,
    place: String,
    /// The object, array or map being built.
    value: Value,
    /// The text content.
    text: String,
    /// A cell's `text` attribute; a block's type.
    attr: Option<String>,
    edition: Option<String>,
    /// Text already refused in this element (reported once).
    stray_text: bool,
}

struct Parser<'t> {
    text: &'t str,
    lines: Lines,
    stack: Vec<Frame>,
    root: Option<Value>,
    places: Places,
    /// Where the XML does not follow the vocabulary: (pointer, place, message).
    problems: Vec<(String, String, String)>,
}

impl<'t> Parser<'t> {
    fn run(mut self) -> Result<(Value, Places), Error> {
        let mut reader = NsReader::from_str(self.text);
        let config = reader.config_mut();
        config.trim_text(false);
        config.check_comments = true;
        config.check_end_names = true;
        config.expand_empty_elements = false;
        loop {
            let at = reader.buffer_position() as usize;
            let event = match reader.read_resolved_event() {
                Ok((ns, event)) => (bound_to_ours(&ns), event),
                Err(e) => {
                    let place = self.place_at(reader.error_position() as usize);
                    return Err(corrupt(place, format!("not well-formed XML: {e}")));
                }
            };
            match event {
                (ours, Event::Start(e)) => self.start(&e, ours, at, false)?,
                (ours, Event::Empty(e)) => self.start(&e, ours, at, true)?,
                (_, Event::End(_)) => self.end(),
                (_, Event::Text(t)) => self.text(&t.xml10_content(), at)?,
                (_, Event::CData(t)) => self.text(&t.xml10_content(), at)?,
                (_, Event::GeneralRef(r)) => {
                    let c = ref_char(&r).filter(|c| xml_char(*c)).ok_or_else(|| {
                        corrupt(
                            self.place_at(at),
                            format!(
                                "&{}; is not a character reference or one of XML's five predefined entities (&amp; &lt; &gt; &quot; &apos;); xxgk reads no DTD, so no other entity exists",
                                &*r
                            ),
                        )
                    })?;
                    self.text(c.encode_utf8(&mut [0; 4]), at)?
                }
                (_, Event::DocType(_)) => {
                    return Err(corrupt(
                        self.place_at(at),
                        "a DOCTYPE is refused: xxgk reads no DTD and expands no entities, so an XML report has no DOCTYPE",
                    ));
                }
                (_, Event::Decl(d)) => {
                    let version = d.version().map(|v| v.into_owned()).unwrap_or_default();
                    if version != "1.0" {
                        return Err(corrupt(
                            self.place_at(at),
                            format!("XML version {version:?} is not supported: write XML 1.0"),
                        ));
                    }
                    if let Some(Ok(enc)) = d.encoding()
                        && !enc.eq_ignore_ascii_case("utf-8")
                    {
                        return Err(corrupt(
                            self.place_at(at),
                            format!(
                                "the declared encoding {enc:?} is not supported: an XML report is UTF-8"
                            ),
                        ));
                    }
                }
                (_, Event::Comment(_) | Event::PI(_)) => {}
                (_, Event::Eof) => break,
            }
        }
        if let Some(Frame::Value(open)) = self.stack.last() {
            return Err(corrupt(
                open.place.clone(),
                format!("the document ends before </{}>", open.name),
            ));
        }
        let Some(root) = self.root.take() else {
            return Err(corrupt(
                String::new(),
                format!(
                    "no <report> element in the namespace {NAMESPACE}: this is not an XML report"
                ),
            ));
        };
        if !self.problems.is_empty() {
            let findings = self
                .problems
                .into_iter()
                .map(|(pointer, place, message)| Finding {
                    place: crate::layout::locate(&pointer, &root),
                    source: Some(place),
                    ..Finding::new("schema", "xml", Severity::Error, pointer, message)
                })
                .collect();
            return Err(Error::Invalid { findings });
        }
        Ok((root, self.places))
    }

    fn place_at(&mut self, offset: usize) -> String {
        self.lines.at(self.text.as_bytes(), offset)
    }

    fn problem(&mut self, pointer: &str, place: String, message: String) {
        self.problems.push((pointer.to_owned(), place, message));
    }

    fn start(&mut self, e: &BytesStart, ours: bool, at: usize, empty: bool) -> Result<(), Error> {
        if self.stack.len() >= MAX_XML_DEPTH {
            return Err(Error::TooLarge {
                name: "MAX_XML_DEPTH",
                limit: MAX_XML_DEPTH as u64,
            });
        }
        let name = e.local_name().as_ref().to_owned();
        let line_col = self.place_at(at);
        let frame = self.child(&name, ours, e, &line_col)?;
        self.stack.push(frame);
        if empty {
            self.end();
        }
        Ok(())
    }

    /// The frame for a child element of the innermost open one.
    fn child(
        &mut self,
        name: &str,
        ours: bool,
        e: &BytesStart,
        line_col: &str,
    ) -> Result<Frame, Error> {
        let parent = match self.stack.last() {
            None if self.root.is_some() => {
                return Err(corrupt(
                    line_col.to_owned(),
                    format!("<{name}> follows the root element; a document has one root"),
                ));
            }
            None => None,
            Some(Frame::Skip) => return Ok(Frame::Skip),
            Some(Frame::Value(open)) => Some(open),
        };
        let (parent_pointer, parent_path) = parent
            .map(|p| (p.pointer.clone(), p.path.clone()))
            .unwrap_or_default();
        let path_here = format!("{parent_path}/{name}");
        let place = format!("{line_col}, {path_here}");
        if !ours {
            let msg = format!("<{name}> is not in the namespace {NAMESPACE}");
            if parent.is_none() {
                return Err(corrupt(place, format!("{msg}: this is not an XML report")));
            }
            self.problem(&parent_pointer, place, msg);
            return Ok(Frame::Skip);
        }
        // (node, key in the parent, pointer, path, block type)
        let found: Result<(&'static Node, Option<String>, String, String), String> = match parent {
            None if name == "report" => Ok((schema(), None, String::new(), path_here.clone())),
            None => {
                return Err(corrupt(
                    place,
                    format!(
                        "the root element is <{name}>, not <report>: this is not an XML report"
                    ),
                ));
            }
            Some(p) => match p.kind {
                Kind::Object => {
                    let props = properties(p.node, p.edition.as_deref());
                    match props
                        .iter()
                        .find(|(k, _)| *k != "edition" && element_name(k) == name)
                    {
                        Some((key, _)) if p.value.get(*key).is_some() => {
                            Err(format!("<{name}> appears twice in <{}>", p.name))
                        }
                        Some((key, node)) => Ok((
                            *node,
                            Some((*key).to_owned()),
                            format!("{}/{}", p.pointer, crate::json::pointer_token(key)),
                            path_here.clone(),
                        )),
                        None => Err(format!(
                            "<{name}> is not an element of <{}>; it holds {}",
                            p.name,
                            list(props.iter().map(|(k, _)| element_name(k)))
                        )),
                    }
                }
                Kind::Blocks | Kind::List => {
                    let want = if p.kind == Kind::List {
                        item_name(&p.name)
                    } else if matches!(name, "heading" | "paragraph") {
                        name
                    } else {
                        "heading> or <paragraph"
                    };
                    let index = p.value.as_array().map_or(0, Vec::len);
                    if name == want {
                        let node = deref(p.node).get("items").unwrap_or(p.node);
                        Ok((
                            node,
                            None,
                            format!("{}/{index}", p.pointer),
                            format!("{path_here}[{}]", index + 1),
                        ))
                    } else {
                        Err(format!(
                            "<{}> holds <{want}> elements, not <{name}>",
                            p.name
                        ))
                    }
                }
                Kind::Map if name == MAP_ITEM => {
                    Ok((p.node, None, p.pointer.clone(), path_here.clone()))
                }
                Kind::Map => Err(format!(
                    "<{}> holds <{MAP_ITEM}> elements, not <{name}>",
                    p.name
                )),
                _ => Err(format!(
                    "<{}> holds text, not elements such as <{name}>",
                    p.name
                )),
            },
        };
        let parent_kind = parent.map(|p| p.kind);
        let (node, key, pointer, path) = match found {
            Ok(f) => f,
            Err(msg) => {
                self.problem(&parent_pointer, place, msg);
                return Ok(Frame::Skip);
            }
        };
        let place = format!("{line_col}, {path}");
        // A block or a map entry is text with something on the side.
        let kind = match parent_kind {
            Some(Kind::Blocks) | Some(Kind::Map) => Kind::Text,
            _ => kind(node),
        };
        let mut open = Open {
            node,
            kind,
            key,
            name: name.to_owned(),
            value: match kind {
                Kind::Object | Kind::Map => Value::Object(Map::new()),
                Kind::Blocks | Kind::List => Value::Array(Vec::new()),
                _ => Value::Null,
            },
            text: String::new(),
            attr: (parent_kind == Some(Kind::Blocks)).then(|| name.to_owned()),
            edition: None,
            stray_text: false,
            pointer,
            path,
            place,
        };
        if !self.attributes(e, &mut open, parent_kind == Some(Kind::Map))? {
            return Ok(Frame::Skip);
        }
        self.places
            .map
            .insert(open.pointer.clone(), open.place.clone());
        Ok(Frame::Value(Box::new(open)))
    }

    /// Reads an element's attributes into its frame. `false` when the
    /// element cannot be read (reported).
    fn attributes(
        &mut self,
        e: &BytesStart,
        open: &mut Open,
        map_entry: bool,
    ) -> Result<bool, Error> {
        let has_edition = deref(open.node)
            .get("properties")
            .is_some_and(|p| p.get("edition").is_some());
        let mut pointer_key = None;
        for (i, a) in e.attributes().enumerate() {
            if i == MAX_XML_ATTRIBUTES {
                return Err(Error::TooLarge {
                    name: "MAX_XML_ATTRIBUTES",
                    limit: MAX_XML_ATTRIBUTES as u64,
                });
            }
            let a =
                a.map_err(|err| corrupt(open.place.clone(), format!("a bad attribute: {err}")))?;
            let key = a.key.as_ref().to_owned();
            let value = a
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|err| corrupt(open.place.clone(), format!("attribute {key}: {err}")))?;
            if value.len() > MAX_XML_TEXT_BYTES {
                return Err(Error::TooLarge {
                    name: "MAX_XML_TEXT_BYTES",
                    limit: MAX_XML_TEXT_BYTES as u64,
                });
            }
            if let Some(c) = value.chars().find(|c| !xml_char(*c)) {
                return Err(corrupt(
                    open.place.clone(),
                    format!(
                        "attribute {key} holds U+{:04X}, which XML 1.0 does not allow",
                        c as u32
                    ),
                ));
            }
            match key.as_str() {
                k if k == "xmlns" || k.starts_with("xmlns:") => {}
                "xsi:schemaLocation" | "xsi:noNamespaceSchemaLocation" => {}
                "label" if !map_entry && open.attr.is_none() => {}
                "edition" if has_edition => {
                    open.edition = Some(value.clone().into_owned());
                    if let Value::Object(m) = &mut open.value {
                        m.insert("edition".into(), Value::String(value.into_owned()));
                    }
                }
                "text" if open.kind == Kind::Cell => open.attr = Some(value.into_owned()),
                k if k == MAP_KEY && map_entry => pointer_key = Some(value.into_owned()),
                other => {
                    let msg = format!("<{}> has no attribute {other}", open.name);
                    self.problem(&open.pointer, open.place.clone(), msg);
                }
            }
        }
        if map_entry {
            let Some(key) = pointer_key else {
                let msg = format!("<{MAP_ITEM}> needs its {MAP_KEY} attribute");
                self.problem(&open.pointer, open.place.clone(), msg);
                return Ok(false);
            };
            open.pointer = format!("{}/{}", open.pointer, crate::json::pointer_token(&key));
            open.key = Some(key);
        }
        let conditional = branch(deref(open.node), "").is_some();
        if conditional && open.edition.is_none() {
            let msg = format!(
                "<{}> needs edition=\"…\" ({}): its rows follow the edition",
                open.name,
                editions(deref(open.node)).join(" or ")
            );
            self.problem(&open.pointer, open.place.clone(), msg);
            return Ok(false);
        }
        Ok(true)
    }

    fn text(&mut self, content: &str, at: usize) -> Result<(), Error> {
        if let Some(c) = content.chars().find(|c| !xml_char(*c)) {
            return Err(corrupt(
                self.place_at(at),
                format!(
                    "the text holds U+{:04X}, which XML 1.0 does not allow",
                    c as u32
                ),
            ));
        }
        let place = match self.stack.last_mut() {
            None | Some(Frame::Skip) => {
                if self.stack.is_empty() && !is_blank(content) {
                    let place = self.place_at(at);
                    return Err(corrupt(place, "text outside the root element"));
                }
                return Ok(());
            }
            Some(Frame::Value(open)) => match open.kind {
                Kind::Object | Kind::Blocks | Kind::List | Kind::Map => {
                    if is_blank(content) || open.stray_text {
                        return Ok(());
                    }
                    open.stray_text = true;
                    (open.pointer.clone(), open.place.clone(), open.name.clone())
                }
                _ => {
                    if open.text.len() + content.len() > MAX_XML_TEXT_BYTES {
                        return Err(Error::TooLarge {
                            name: "MAX_XML_TEXT_BYTES",
                            limit: MAX_XML_TEXT_BYTES as u64,
                        });
                    }
                    open.text.push_str(content);
                    return Ok(());
                }
            },
        };
        let (pointer, place, name) = place;
        let msg = format!("<{name}> holds elements, not text");
        self.problem(&pointer, place, msg);
        Ok(())
    }

    fn end(&mut self) {
        let Some(Frame::Value(open)) = self.stack.pop() else {
            return;
        };
        let value = match self.finish(&open) {
            Ok(v) => v,
            Err(msg) => {
                self.problem(&open.pointer, open.place.clone(), msg);
                Value::Null
            }
        };
        match self.stack.last_mut() {
            None => self.root = Some(value),
            Some(Frame::Skip) => {}
            Some(Frame::Value(parent)) => match &mut parent.value {
                Value::Object(m) => {
                    if let Some(key) = open.key {
                        if m.contains_key(&key) {
                            let msg = format!("{MAP_KEY} {key:?} appears twice");
                            self.problems.push((open.pointer, open.place, msg));
                        } else {
                            m.insert(key, value);
                        }
                    }
                }
                Value::Array(items) => items.push(value),
                _ => {}
            },
        }
    }

    /// The value an element stands for, or why it stands for none.
    fn finish(&self, open: &Open) -> Result<Value, String> {
        let content = open.text.trim_matches(XML_SPACE);
        Ok(match open.kind {
            Kind::Object | Kind::Blocks | Kind::List | Kind::Map => open.value.clone(),
            Kind::Text => match &open.attr {
                // A block: its type is its element's name.
                Some(block) => serde_json::json!({"type": block, "text": open.text}),
                None => Value::String(open.text.clone()),
            },
            Kind::Cell => match &open.attr {
                Some(_) if !content.is_empty() => {
                    return Err(format!(
                        "<{}> has both text=\"…\" and content {content:?}: a cell is a number, text or blank",
                        open.name
                    ));
                }
                Some(t) => Value::String(t.clone()),
                None if content.is_empty() => Value::Null,
                None => number(content).ok_or_else(|| {
                    format!(
                        "{content:?} is not a number (digits, an optional - and decimal point, at most {} characters); a cell that holds text is written <{} text=\"{content}\"/>",
                        crate::model::MAX_NUMBER_CHARS,
                        open.name
                    )
                })?,
            },
            Kind::Integer => number(content)
                .filter(|_| !content.contains('.'))
                .ok_or_else(|| format!("{content:?} is not a whole number"))?,
        })
    }
}

/// XML's white space: what may surround a number.
const XML_SPACE: [char; 4] = [' ', '\t', '\n', '\r'];

fn is_blank(s: &str) -> bool {
    s.trim_matches(XML_SPACE).is_empty()
}

/// A number exactly as written, when it is in the cells' plain notation.
fn number(text: &str) -> Option<Value> {
    Decimal::parse(text)?;
    text.parse::<serde_json::Number>().ok().map(Value::Number)
}

fn bound_to_ours(ns: &ResolveResult) -> bool {
    matches!(ns, ResolveResult::Bound(Namespace(n)) if *n == NAMESPACE)
}

fn list<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<String> = names
        .filter(|n| *n != "edition")
        .map(|n| format!("<{n}>"))
        .collect();
    names.join(", ")
}
