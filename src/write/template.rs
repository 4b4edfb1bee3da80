//! DOCX templates: a package whose XML parts are Handlebars sources.
//!
//! A template comes from one of three places:
//! - built in (`official-2019`, `official-2021`), from `templates/` in the
//!   source tree, embedded in the binary;
//! - a folder: an unpacked package where `*.hbs` files are Handlebars
//!   sources (the `.hbs` is dropped from the part name), `partials/*.hbs`
//!   are partials and `template.json` describes it (what
//!   `xxgk template export` writes);
//! - a `.docx` in which someone typed tags in Word: `{{meta.agency}}`,
//!   `{{#each sections.overview.body}}`. Word splits typed text into runs
//!   unpredictably (spelling marks, bookmarks, edits), so each tag is first
//!   gathered back into one text node; a paragraph or table row that holds
//!   nothing but block tags (`{{#each …}}`, `{{/each}}`) stands for those
//!   tags alone, which is how rows and paragraphs are repeated.

use std::collections::BTreeMap;
use std::path::Path;

use quick_xml::Reader;
use quick_xml::events::Event;

use crate::error::Error;
use crate::model::Edition;

/// One part of a template's package.
#[derive(Clone, Debug)]
pub enum Part {
    /// Copied as it is.
    Raw(Vec<u8>),
    /// Rendered with Handlebars.
    Source(String),
}

#[derive(Clone, Debug)]
pub struct Template {
    pub name: String,
    pub description: String,
    /// The edition whose tables the template is meant for, if it says.
    pub edition: Option<Edition>,
    /// Package parts in the order they are written.
    pub parts: Vec<(String, Part)>,
    pub partials: BTreeMap<String, String>,
    /// Whether the template is xxgk's own, whose output reads back to the
    /// same report.
    pub builtin: bool,
    /// A `.docx` with no tags: a blank form, filled by its labels
    /// ([`crate::write::fill`]). Its bytes, as given.
    pub form: Option<Vec<u8>>,
}

macro_rules! embedded {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/", $path)) as &[u8])),*]
    };
}

/// The files of `templates/`, embedded.
const FILES: &[(&str, &[u8])] = embedded![
    "package/[Content_Types].xml",
    "package/_rels/.rels",
    "package/docProps/app.xml",
    "package/docProps/core.xml.hbs",
    "package/docProps/custom.xml.hbs",
    "package/word/_rels/document.xml.rels",
    "package/word/document.xml.hbs",
    "package/word/fontTable.xml",
    "package/word/footer1.xml",
    "package/word/settings.xml",
    "package/word/styles.xml",
    "partials/block.hbs",
    "partials/row.hbs",
    "official-2019/template.json",
    "official-2021/template.json",
];

/// The built-in templates' names.
pub const BUILTIN: [&str; 2] = ["official-2019", "official-2021"];

#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Manifest {
    #[serde(default)]
    description: String,
    #[serde(default)]
    edition: Option<Edition>,
}

fn manifest(bytes: &[u8], place: &str) -> Result<Manifest, Error> {
    serde_json::from_slice(bytes).map_err(|e| Error::Template {
        place: place.to_owned(),
        message: format!("not a template description: {e}"),
    })
}

/// Part name and content from a file name: `word/document.xml.hbs` is a
/// Handlebars source for `word/document.xml`.
fn part(name: &str, bytes: Vec<u8>, place: &str) -> Result<(String, Part), Error> {
    match name.strip_suffix(".hbs") {
        Some(stem) => {
            let text = String::from_utf8(bytes).map_err(|_| Error::Template {
                place: place.to_owned(),
                message: "a template source must be UTF-8".into(),
            })?;
            Ok((stem.to_owned(), Part::Source(text)))
        }
        None => Ok((name.to_owned(), Part::Raw(bytes))),
    }
}

/// A built-in template by name.
pub fn builtin(name: &str) -> Option<Template> {
    if !BUILTIN.contains(&name) {
        return None;
    }
    let m = FILES
        .iter()
        .find(|(p, _)| *p == format!("{name}/template.json"))
        .map(|(_, b)| manifest(b, name).expect("built-in manifests are valid"))
        .unwrap_or_default();
    let mut parts = Vec::new();
    let mut partials = BTreeMap::new();
    for (path, bytes) in FILES {
        if let Some(p) = path.strip_prefix("package/") {
            parts.push(part(p, bytes.to_vec(), name).expect("built-in sources are UTF-8"));
        } else if let Some(p) = path.strip_prefix("partials/") {
            let text = std::str::from_utf8(bytes).expect("built-in partials are UTF-8");
            partials.insert(p.trim_end_matches(".hbs").to_owned(), text.to_owned());
        }
    }
    Some(Template {
        name: name.to_owned(),
        description: m.description,
        edition: m.edition,
        parts: order(parts),
        partials,
        builtin: true,
        form: None,
    })
}

/// `[Content_Types].xml` first, as Word writes it; the rest as given.
fn order(mut parts: Vec<(String, Part)>) -> Vec<(String, Part)> {
    if let Some(i) = parts.iter().position(|(n, _)| n == "[Content_Types].xml") {
        let ct = parts.remove(i);
        parts.insert(0, ct);
    }
    parts
}

/// The built-in template for a report's editions: the edition most of its
/// tables follow (2021 when there are none, or a tie).
pub fn for_editions(editions: &[Edition]) -> Template {
    let old = editions.iter().filter(|e| **e == Edition::E2019).count();
    let name = if old * 2 > editions.len() {
        "official-2019"
    } else {
        "official-2021"
    };
    builtin(name).expect("built in")
}

/// Writes a template as a folder that `--template DIR` accepts.
pub fn export(t: &Template, dir: &Path) -> Result<Vec<String>, Error> {
    let io = |path: &Path, source: std::io::Error| Error::Io {
        path: path.to_owned(),
        source,
    };
    let mut written = Vec::new();
    let mut put = |rel: String, bytes: &[u8]| -> Result<(), Error> {
        let path = dir.join(&rel);
        if let Some(parent) = path.parent() {
            crate::output::make_folder(parent)?;
        }
        if path.exists() {
            return Err(Error::Usage(format!(
                "{} exists; export into an empty folder",
                path.display()
            )));
        }
        std::fs::write(&path, bytes).map_err(|e| io(&path, e))?;
        written.push(rel);
        Ok(())
    };
    let m = serde_json::json!({
        "description": t.description,
        "edition": t.edition.map(Edition::as_str),
    });
    let mut m = serde_json::to_vec_pretty(&m).expect("a small JSON value");
    m.push(b'\n');
    put("template.json".into(), &m)?;
    for (name, p) in &t.parts {
        match p {
            Part::Raw(b) => put(name.clone(), b)?,
            Part::Source(s) => put(format!("{name}.hbs"), s.as_bytes())?,
        }
    }
    for (name, s) in &t.partials {
        put(format!("partials/{name}.hbs"), s.as_bytes())?;
    }
    Ok(written)
}

/// Most files a template folder may hold.
const MAX_TEMPLATE_FILES: usize = 1_000;

/// A template from a folder (as `export` writes it) or a `.docx` with tags.
pub fn load(path: &Path) -> Result<Template, Error> {
    let name = path.display().to_string();
    if path.is_dir() {
        return load_dir(path, name);
    }
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    from_docx(&bytes, name)
}

fn load_dir(dir: &Path, name: String) -> Result<Template, Error> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|source| Error::Io {
            path: d.clone(),
            source,
        })?;
        for e in entries {
            let e = e.map_err(|source| Error::Io {
                path: d.clone(),
                source,
            })?;
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
            if files.len() > MAX_TEMPLATE_FILES {
                return Err(Error::TooLarge {
                    name: "MAX_TEMPLATE_FILES",
                    limit: MAX_TEMPLATE_FILES as u64,
                });
            }
        }
    }
    files.sort();
    let mut m = Manifest::default();
    let mut parts = Vec::new();
    let mut partials = BTreeMap::new();
    for f in files {
        let rel = f
            .strip_prefix(dir)
            .expect("under the folder")
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        let bytes = std::fs::read(&f).map_err(|source| Error::Io {
            path: f.clone(),
            source,
        })?;
        let place = f.display().to_string();
        if rel == "template.json" {
            m = manifest(&bytes, &place)?;
        } else if let Some(p) = rel.strip_prefix("partials/") {
            let (n, body) = part(p, bytes, &place)?;
            match body {
                Part::Source(s) => {
                    partials.insert(n, s);
                }
                Part::Raw(_) => {
                    return Err(Error::Template {
                        place,
                        message: "a partial must be a .hbs file".into(),
                    });
                }
            }
        } else {
            parts.push(part(&rel, bytes, &place)?);
        }
    }
    if !parts.iter().any(|(n, _)| n == "word/document.xml") {
        return Err(Error::Template {
            place: name,
            message: "no word/document.xml or word/document.xml.hbs: not a DOCX template".into(),
        });
    }
    Ok(Template {
        name,
        description: m.description,
        edition: m.edition,
        parts: order(parts),
        partials,
        builtin: false,
        form: None,
    })
}

/// A `.docx` in which tags were typed: its XML parts that contain `{{`
/// become Handlebars sources, with every tag gathered into one text node.
pub fn from_docx(bytes: &[u8], name: String) -> Result<Template, Error> {
    let mut zip = crate::read::docx::open(bytes)?;
    let mut budget = crate::read::docx::Budget::default();
    let mut parts = Vec::new();
    for i in 0..zip.len() {
        let entry_name = {
            let f = zip.by_index(i).map_err(|e| Error::Corrupt {
                place: name.clone(),
                message: e.to_string(),
            })?;
            if f.is_dir() {
                continue;
            }
            f.name()
                .map_err(|e| Error::Corrupt {
                    place: name.clone(),
                    message: format!("an entry name is not readable: {e}"),
                })?
                .into_owned()
        };
        let bytes =
            crate::read::docx::part_bytes(&mut zip, &entry_name, &mut budget)?.unwrap_or_default();
        let tagged = entry_name.ends_with(".xml") && bytes.windows(2).any(|w| w == b"{{");
        if tagged {
            let text = String::from_utf8(bytes).map_err(|_| Error::Template {
                place: format!("{name} {entry_name}"),
                message: "a part with tags must be UTF-8".into(),
            })?;
            let source = gather_tags(&text).map_err(|message| Error::Template {
                place: format!("{name} {entry_name}"),
                message,
            })?;
            parts.push((entry_name, Part::Source(source)));
        } else {
            parts.push((entry_name, Part::Raw(bytes)));
        }
    }
    if !parts.iter().any(|(n, _)| n == "word/document.xml") {
        return Err(Error::Corrupt {
            place: name,
            message: "no word/document.xml: this zip is not a Word document".into(),
        });
    }
    // No tags: a blank form, filled by its labels.
    let form = (!parts.iter().any(|(_, p)| matches!(p, Part::Source(_)))).then(|| bytes.to_vec());
    Ok(Template {
        name,
        description: String::new(),
        edition: None,
        parts: order(parts),
        partials: BTreeMap::new(),
        builtin: false,
        form,
    })
}

/// A `w:t` text node: where its content lies in the part, and its text.
struct TextNode {
    start: usize,
    end: usize,
    text: String,
    changed: bool,
}

/// Turns a WordprocessingML part with typed tags into a Handlebars source:
/// each `{{…}}` moved whole into the text node where it starts (Word's
/// smart quotes inside it made straight), and a paragraph or row that holds
/// only block tags replaced by those tags.
pub fn gather_tags(xml: &str) -> Result<String, String> {
    let mut nodes = text_nodes(xml)?;
    // Character offsets of the joined text, node by node.
    let joined: String = nodes.iter().map(|n| n.text.as_str()).collect();
    let mut owner = Vec::with_capacity(joined.len());
    for (i, n) in nodes.iter().enumerate() {
        owner.extend(std::iter::repeat_n(i, n.text.len()));
    }
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut at = 0;
    while let Some(open) = joined[at..].find("{{").map(|i| i + at) {
        if joined[open..].starts_with("{{{") {
            return Err(format!(
                "“{}”: triple braces write text unescaped, which can break the document; use {{{{…}}}}",
                snippet(&joined[open..])
            ));
        }
        let close = joined[open..]
            .find("}}")
            .map(|i| i + open + 2)
            .ok_or_else(|| format!("“{}” is never closed with }}}}", snippet(&joined[open..])))?;
        cuts.push((open, close));
        at = close;
    }
    // Rebuild each node's text: a tag goes whole into the node it starts in.
    let mut texts: Vec<String> = vec![String::new(); nodes.len()];
    let mut pos = 0;
    for &(open, close) in &cuts {
        copy_span(&joined, pos, open, &owner, &mut texts);
        let tag = straighten(&joined[open..close]);
        texts[owner[open]].push_str(&tag);
        pos = close;
    }
    copy_span(&joined, pos, joined.len(), &owner, &mut texts);
    for (n, t) in nodes.iter_mut().zip(texts) {
        if n.text != t {
            n.text = t;
            n.changed = true;
        }
    }
    let mut out = String::with_capacity(xml.len());
    let mut last = 0;
    for n in &nodes {
        if !n.changed {
            continue;
        }
        out.push_str(&xml[last..n.start]);
        out.push_str(&escape_outside_tags(&n.text));
        last = n.end;
    }
    out.push_str(&xml[last..]);
    Ok(block_only_elements(&out))
}

fn copy_span(joined: &str, from: usize, to: usize, owner: &[usize], texts: &mut [String]) {
    let mut i = from;
    while i < to {
        let o = owner[i];
        let mut j = i;
        while j < to && owner[j] == o {
            j += 1;
        }
        texts[o].push_str(&joined[i..j]);
        i = j;
    }
}

fn snippet(s: &str) -> String {
    s.chars().take(40).collect()
}

/// Word's autocorrect turns typed quotes curly and spaces non-breaking.
fn straighten(tag: &str) -> String {
    tag.chars()
        .map(|c| match c {
            '“' | '”' | '„' => '"',
            '‘' | '’' => '\'',
            '\u{a0}' | '\u{3000}' => ' ',
            c => c,
        })
        .collect()
}

/// XML-escapes text, leaving the tags themselves as Handlebars reads them.
fn escape_outside_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        out.push_str(&quick_xml::escape::escape(&rest[..open]));
        let close = rest[open..].find("}}").map_or(rest.len(), |i| open + i + 2);
        out.push_str(&rest[open..close]);
        rest = &rest[close..];
    }
    out.push_str(&quick_xml::escape::escape(rest));
    out
}

/// Every `w:t` node's content span and unescaped text, in order.
fn text_nodes(xml: &str) -> Result<Vec<TextNode>, String> {
    let mut reader = Reader::from_str(xml);
    let mut nodes = Vec::new();
    let mut in_t: Option<usize> = None;
    let mut depth = 0usize;
    loop {
        let before = reader.buffer_position() as usize;
        let ev = reader
            .read_event()
            .map_err(|e| format!("not well-formed XML at byte {before}: {e}"))?;
        let after = reader.buffer_position() as usize;
        match ev {
            Event::Start(e) => {
                depth += 1;
                if depth > crate::read::docx::MAX_XML_DEPTH {
                    return Err("the XML is nested too deeply (MAX_XML_DEPTH)".into());
                }
                if e.name().as_ref() == "w:t" {
                    in_t = Some(after);
                    nodes.push(TextNode {
                        start: after,
                        end: after,
                        text: String::new(),
                        changed: false,
                    });
                }
            }
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                if e.name().as_ref() == "w:t"
                    && let Some(start) = in_t.take()
                    && let Some(n) = nodes.last_mut()
                {
                    n.start = start;
                    n.end = before;
                    n.text = quick_xml::escape::unescape(&xml[start..before])
                        .map_err(|e| format!("bad text at byte {start}: {e}"))?
                        .into_owned();
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(nodes)
}

/// Whether text is nothing but block tags (`{{#…}}`, `{{/…}}`, `{{else}}`,
/// `{{^…}}`), at least one.
fn only_block_tags(text: &str) -> bool {
    let mut rest = text.trim();
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        let Some(tag) = rest.strip_prefix("{{") else {
            return false;
        };
        let Some(close) = tag.find("}}") else {
            return false;
        };
        let inner = tag[..close].trim_start_matches('~').trim_start();
        if !(inner.starts_with('#')
            || inner.starts_with('/')
            || inner.starts_with('^')
            || inner.starts_with("else"))
        {
            return false;
        }
        rest = tag[close + 2..].trim_start();
    }
    true
}

/// Replaces each `w:tr` and then each `w:p` whose text is only block tags by
/// the tags.
fn block_only_elements(xml: &str) -> String {
    let mut s = xml.to_owned();
    for element in ["w:tr", "w:p"] {
        let spans = element_spans(&s, element);
        let mut out = String::with_capacity(s.len());
        let mut last = 0;
        for (start, end, text) in spans {
            if start < last || !only_block_tags(&text) {
                continue;
            }
            out.push_str(&s[last..start]);
            out.push_str(text.trim());
            last = end;
        }
        out.push_str(&s[last..]);
        s = out;
    }
    s
}

/// Outermost-first spans of `element` with the text of their `w:t` nodes.
fn element_spans(xml: &str, element: &str) -> Vec<(usize, usize, String)> {
    let mut reader = Reader::from_str(xml);
    let mut open: Vec<(usize, String)> = Vec::new();
    let mut spans = Vec::new();
    let mut in_t = false;
    loop {
        let before = reader.buffer_position() as usize;
        let Ok(ev) = reader.read_event() else {
            break;
        };
        let after = reader.buffer_position() as usize;
        match ev {
            Event::Start(e) if e.name().as_ref() == element => {
                open.push((before, String::new()));
            }
            Event::Start(e) if e.name().as_ref() == "w:t" => in_t = true,
            Event::End(e) if e.name().as_ref() == "w:t" => in_t = false,
            Event::Text(t) if in_t => {
                let t = t.xml_content(quick_xml::XmlVersion::Implicit1_0);
                for (_, text) in open.iter_mut() {
                    text.push_str(&t);
                }
            }
            Event::GeneralRef(r) if in_t => {
                if let Some(c) = crate::read::docx::ref_char(&r) {
                    for (_, text) in open.iter_mut() {
                        text.push(c);
                    }
                }
            }
            Event::End(e) if e.name().as_ref() == element => {
                if let Some((start, text)) = open.pop() {
                    spans.push((start, after, text));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    spans.sort_by_key(|s| s.0);
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_split_across_runs_are_gathered() {
        let xml = r#"<w:p><w:r><w:t>机关：{{meta.</w:t></w:r><w:proofErr w:type="spellStart"/><w:r><w:t>agency</w:t></w:r><w:bookmarkStart w:id="0"/><w:r><w:t>}}。</w:t></w:r></w:p>"#;
        let out = gather_tags(xml).unwrap();
        assert!(out.contains("<w:t>机关：{{meta.agency}}</w:t>"), "{out}");
        assert!(out.contains("<w:t>。</w:t>"), "{out}");
    }

    #[test]
    fn paragraphs_and_rows_of_block_tags_become_the_tags() {
        let xml = "<w:body><w:p><w:r><w:t>{{#each preamble}}</w:t></w:r></w:p><w:p><w:r><w:t>{{text}}</w:t></w:r></w:p><w:p><w:r><w:t>{{/each}}</w:t></w:r></w:p></w:body>";
        let out = gather_tags(xml).unwrap();
        assert_eq!(
            out,
            "<w:body>{{#each preamble}}<w:p><w:r><w:t>{{text}}</w:t></w:r></w:p>{{/each}}</w:body>"
        );
        let row = "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>{{#each x}}</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:p><w:r><w:t>{{a}}</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:p><w:r><w:t>{{/each}}</w:t></w:r></w:p></w:tc></w:tr></w:tbl>";
        let out = gather_tags(row).unwrap();
        assert_eq!(
            out,
            "<w:tbl>{{#each x}}<w:tr><w:tc><w:p><w:r><w:t>{{a}}</w:t></w:r></w:p></w:tc></w:tr>{{/each}}</w:tbl>"
        );
    }

    #[test]
    fn curly_quotes_in_tags_are_straightened_and_raw_output_refused() {
        let out = gather_tags(r#"<w:t>{{#if (eq type “heading”)}}x{{/if}}</w:t>"#).unwrap();
        assert!(out.contains(r#"{{#if (eq type "heading")}}"#), "{out}");
        assert!(gather_tags("<w:t>{{{meta.title}}}</w:t>").is_err());
        assert!(gather_tags("<w:t>{{meta.title</w:t>").is_err());
    }
}
