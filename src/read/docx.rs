//! Word documents (`.docx`): zip + quick-xml over `word/document.xml`, with
//! `word/styles.xml` for heading levels.
//!
//! Paragraphs and tables come out in document order. What Word hides in the
//! XML is read the way a person sees the page:
//!
//! ```xml
//! <w:p><w:r><w:t>行政</w:t></w:r><w:ins><w:r><w:t>许可</w:t></w:r></w:ins>
//!      <w:del><w:r><w:delText>处罚</w:delText></w:r></w:del></w:p>
//! ```
//!
//! reads `行政许可`: runs are joined, insertions kept, deletions dropped (the
//! accepted view). Hyperlinks, smart tags, content controls and simple fields
//! give their visible text; a complex field gives its result, not its
//! instruction. Of `mc:AlternateContent` the first branch that has text is
//! read, once. Text boxes become paragraphs after the one they are anchored
//! in; a table nested in a cell becomes lines of that cell.
//!
//! Tables: `w:gridSpan` gives a cell's column span, `w:vMerge` (`restart`,
//! then `continue` or no value) its row span, and `w:gridBefore` skips grid
//! columns; each merged cell is kept once, where it starts.
//!
//! Every read is bounded: the zip's entry count, each part's inflated size,
//! the XML depth and the cells per table (named limits below).

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::doc::{Block, Doc, DocMeta, Loc, Paragraph, Table, TableCell, push_line};
use crate::error::Error;
use crate::write::docx::xml_char;

/// Most zip entries a document may have (Word writes a few dozen).
pub const MAX_ZIP_ENTRIES: usize = 10_000;
/// Largest inflated size of one part read (`word/document.xml`, styles).
pub const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;
/// Deepest XML element nesting accepted.
pub const MAX_XML_DEPTH: usize = 512;
/// Most cells in one table.
pub const MAX_TABLE_CELLS: usize = 100_000;
/// Widest column span honoured; Word's own limit is 63 columns.
pub const MAX_SPAN: u32 = 1_000;
/// Most bytes all the parts read from one package inflate to together.
pub const MAX_INFLATED_BYTES: u64 = 128 * 1024 * 1024;
/// Largest ratio of a part's inflated size to its compressed size, checked
/// once a part passes [`RATIO_FLOOR`] (XML deflates 5 to 30 times; a bomb
/// about 1,000 times).
pub const MAX_INFLATE_RATIO: u64 = 200;
/// Inflated size below which any ratio is accepted.
const RATIO_FLOOR: u64 = 1024 * 1024;

const OLE2_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Reads a `.docx`.
pub fn read(bytes: &[u8]) -> Result<Doc, Error> {
    let mut zip = open(bytes)?;
    let budget = &mut Budget::default();
    let document = part(&mut zip, "word/document.xml", budget)?
        .ok_or_else(|| corrupt("", "no word/document.xml: this zip is not a Word document"))?;
    let (mut doc, styled) = Body::parse(&document)?;
    // Heading levels from styles, read only when a paragraph names a style.
    let ids = styled.used();
    if !ids.is_empty()
        && let Some(levels) = named_style_levels(&mut zip, &ids, budget)?
    {
        // Each style named is looked up once.
        let by_style: Vec<Option<u8>> = styled
            .names
            .iter()
            .map(|n| levels.get(n).copied())
            .collect();
        for &(i, style) in &styled.paragraphs {
            if let Some(Block::Paragraph(p)) = doc.blocks.get_mut(i) {
                p.level = by_style.get(style).copied().flatten();
            }
        }
    }
    if let Some(text) = part(&mut zip, "docProps/custom.xml", budget)? {
        doc.declared = declared_meta(&text);
    }
    Ok(doc)
}

/// The report metadata an xxgk-written document declares in its
/// `xxgk.meta` custom property (a JSON object), if it has one.
fn declared_meta(text: &str) -> Option<DocMeta> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Declared {
        title: Option<String>,
        agency: Option<String>,
        year: Option<i32>,
        published: Option<String>,
    }
    let mut reader = Reader::from_str(text);
    let mut in_ours = false;
    let mut value = String::new();
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) if e.local_name().as_ref() == "property" => {
                in_ours = attr(&e, "name").as_deref() == Some(DECLARED_PROPERTY);
            }
            Event::End(e) if in_ours && e.local_name().as_ref() == "property" => break,
            Event::Text(t) if in_ours => {
                value.push_str(&t.xml_content(quick_xml::XmlVersion::Implicit1_0));
            }
            Event::GeneralRef(r) if in_ours => value.push(ref_char(&r)?),
            Event::DocType(_) | Event::Eof => return None,
            _ => {}
        }
    }
    let d: Declared = serde_json::from_str(&value).ok()?;
    Some(DocMeta {
        title: d.title,
        agency: d.agency,
        year: d.year,
        published: d.published.and_then(|p| crate::read::iso_date(&p)),
    })
}

/// The character a reference stands for: a character reference or one of
/// XML's five predefined entities (no others exist without a DTD).
pub(crate) fn ref_char(r: &quick_xml::events::BytesRef) -> Option<char> {
    match r.resolve_char_ref() {
        Ok(Some(c)) => Some(c),
        Ok(None) => match &**r {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => None,
        },
        Err(_) => None,
    }
}

/// The custom document property in which xxgk records a report's metadata.
pub const DECLARED_PROPERTY: &str = "xxgk.meta";

/// Opens a `.docx` as a zip archive, refusing what is not one (with a word
/// on legacy `.doc` and password-protected files) and archives with too many
/// entries.
pub(crate) fn open(bytes: &[u8]) -> Result<zip::ZipArchive<Cursor<&[u8]>>, Error> {
    if bytes.starts_with(OLE2_MAGIC) {
        return Err(corrupt(
            "",
            "this is an OLE2 file: a legacy Word .doc, or a .docx protected by a password; save it as a .docx without a password",
        ));
    }
    if !bytes.starts_with(b"PK") {
        return Err(corrupt("", "not a .docx: the file is not a zip archive"));
    }
    let too_many = Error::TooLarge {
        name: "MAX_ZIP_ENTRIES",
        limit: MAX_ZIP_ENTRIES as u64,
    };
    // The count the zip declares is checked before anything is sized by it.
    if declared_entries(bytes).is_some_and(|n| n > MAX_ZIP_ENTRIES as u64) {
        return Err(too_many);
    }
    let zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        corrupt(
            "",
            &format!("not a readable zip archive (truncated or damaged?): {e}"),
        )
    })?;
    if zip.len() > MAX_ZIP_ENTRIES {
        return Err(too_many);
    }
    // Part names ignore case (OPC): two entries that differ only in case
    // are two claims to one part, and no reader may pick one silently.
    if zip.has_duplicate_names() {
        return Err(corrupt(
            "",
            "an entry name appears twice in the zip: which part is meant cannot be told",
        ));
    }
    let mut seen = std::collections::HashSet::with_capacity(zip.len());
    for name in zip.file_names_raw() {
        if !seen.insert(name.to_ascii_lowercase()) {
            return Err(corrupt(
                &String::from_utf8_lossy(name),
                "this entry appears twice in the zip (part names ignore case)",
            ));
        }
    }
    if zip.index_for_name("[Content_Types].xml").is_none() {
        return Err(corrupt(
            "",
            "no [Content_Types].xml: this zip is not a Word package",
        ));
    }
    Ok(zip)
}

/// The entry count the zip's end record declares (its ZIP64 record's, when
/// it has one), if the record can be found.
fn declared_entries(bytes: &[u8]) -> Option<u64> {
    const EOCD: &[u8] = b"PK\x05\x06";
    let tail = bytes.len().saturating_sub(22 + 65_535);
    let at = tail + bytes[tail..].windows(4).rposition(|w| w == EOCD)?;
    let u16_at = |i: usize| Some(u16::from_le_bytes(bytes.get(i..i + 2)?.try_into().ok()?));
    let u64_at = |i: usize| Some(u64::from_le_bytes(bytes.get(i..i + 8)?.try_into().ok()?));
    let count = u16_at(at + 10)?;
    if count != u16::MAX {
        return Some(u64::from(count));
    }
    // ZIP64: the locator just before the end record points at the record.
    let locator = at.checked_sub(20)?;
    if bytes.get(locator..locator + 4)? != b"PK\x06\x07" {
        return Some(u64::from(count));
    }
    let record = usize::try_from(u64_at(locator + 8)?).ok()?;
    if bytes.get(record..record + 4)? != b"PK\x06\x06" {
        return None;
    }
    u64_at(record + 32)
}

fn corrupt(place: &str, message: &str) -> Error {
    Error::Corrupt {
        place: place.to_owned(),
        message: message.to_owned(),
    }
}

/// What the parts read from one package may still inflate to, out of
/// [`MAX_INFLATED_BYTES`].
pub(crate) struct Budget(u64);

impl Default for Budget {
    fn default() -> Budget {
        Budget(MAX_INFLATED_BYTES)
    }
}

/// One part of the package as text, bounded in size whatever the zip claims.
fn part(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    budget: &mut Budget,
) -> Result<Option<String>, Error> {
    let Some(bytes) = part_bytes(zip, name, budget)? else {
        return Ok(None);
    };
    let text = crate::read::decode_owned(bytes).map_err(|e| corrupt(name, &e.to_string()))?;
    // Every part is refused with a DOCTYPE, also those read only in part.
    refuse_doctype(name, &text)?;
    refuse_illegal_chars(name, &text)?;
    Ok(Some(text))
}

/// A character XML 1.0 does not allow (a raw control character such as
/// U+0001, U+FFFE) makes the part not well-formed: it is refused at its line
/// and column, wherever it is, rather than carried into the text.
fn refuse_illegal_chars(name: &str, text: &str) -> Result<(), Error> {
    let Some(at) = first_illegal_char(text) else {
        return Ok(());
    };
    let c = text[at..].chars().next().unwrap_or_default();
    Err(xml_error(
        name,
        text,
        at as u64,
        format!(
            "U+{:04X} is not allowed in XML 1.0: the part is not well-formed",
            c as u32
        ),
    ))
}

/// Where the first character XML 1.0 does not allow ([`xml_char`]) starts.
///
/// In UTF-8 those are exactly the control bytes below 0x20 other than tab,
/// line feed and carriage return (such a byte is never part of a longer
/// character), and U+FFFE and U+FFFF (`EF BF BE`, `EF BF BF`; a string holds
/// no surrogates). So the bytes are scanned a block at a time for either,
/// and only a block that may hold one is looked at byte by byte.
fn first_illegal_char(text: &str) -> Option<usize> {
    const BLOCK: usize = 64;
    let bytes = text.as_bytes();
    let illegal_at = |i: usize| match bytes.get(i) {
        Some(0..=8 | 0x0B | 0x0C | 0x0E..=0x1F) => true,
        Some(0xEF) => {
            bytes.get(i + 1) == Some(&0xBF) && matches!(bytes.get(i + 2), Some(0xBE | 0xBF))
        }
        _ => false,
    };
    let mut start = 0;
    // Whole blocks with the byte after them, compared all at once.
    while let (Some(block), Some(next)) = (
        bytes.get(start..start + BLOCK),
        bytes.get(start + 1..start + BLOCK + 1),
    ) {
        let mut suspect = false;
        for (&b, &n) in block.iter().zip(next) {
            let control = (b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r');
            suspect |= control | ((b == 0xEF) & (n == 0xBF));
        }
        if suspect && let Some(i) = (start..start + BLOCK).find(|&i| illegal_at(i)) {
            return Some(i);
        }
        start += BLOCK;
    }
    (start..bytes.len()).find(|&i| illegal_at(i))
}

fn refuse_doctype(name: &str, text: &str) -> Result<(), Error> {
    match doctype(text) {
        Some(at) => Err(xml_error(
            name,
            text,
            at as u64,
            "a DOCTYPE is not allowed in a Word document (entities are never expanded)",
        )),
        None => Ok(()),
    }
}

/// Where the XML's prolog, before its first element, has a DOCTYPE.
fn doctype(text: &str) -> Option<usize> {
    for (i, _) in text.match_indices('<') {
        let rest = &text[i + 1..];
        if rest.starts_with("!DOCTYPE") {
            return Some(i);
        }
        if !rest.starts_with(['?', '!']) {
            return None;
        }
    }
    None
}

/// One part of the package, bounded in size whatever the zip claims.
pub(crate) fn part_bytes(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    budget: &mut Budget,
) -> Result<Option<Vec<u8>>, Error> {
    let Some(file) = entry(zip, name)? else {
        return Ok(None);
    };
    // The size the zip declares is only a hint for the buffer, and a small
    // one at most: reading stops past the limit whatever it says.
    const MAX_HINT: u64 = 4 * 1024 * 1024;
    let mut bytes = Vec::with_capacity(file.size().min(MAX_HINT) as usize + 1);
    // Reading stops at the first limit the part would pass.
    let (cap, limit, limit_name) = read_cap(file.compressed_size(), budget);
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| corrupt(name, &format!("cannot be inflated: {e}")))?;
    check_cap(&bytes, cap, limit, limit_name)?;
    budget.0 -= bytes.len() as u64;
    Ok(Some(bytes))
}

/// One entry of the package, `None` when there is none by that name.
fn entry<'z, 'b>(
    zip: &'z mut zip::ZipArchive<Cursor<&'b [u8]>>,
    name: &str,
) -> Result<Option<zip::read::ZipFile<'z, Cursor<&'b [u8]>>>, Error> {
    match zip.by_name(name) {
        Ok(f) => Ok(Some(f)),
        Err(zip::result::ZipError::FileNotFound) => Ok(None),
        Err(e) => Err(corrupt(name, &e.to_string())),
    }
}

/// The most bytes a part may inflate to, with the limit and its name: its
/// own size, what the package may still inflate to, and its inflation
/// ratio, whichever comes first.
fn read_cap(compressed: u64, budget: &Budget) -> (u64, u64, &'static str) {
    let by_ratio = compressed
        .saturating_mul(MAX_INFLATE_RATIO)
        .max(RATIO_FLOOR);
    [
        (MAX_PART_BYTES, MAX_PART_BYTES, "MAX_PART_BYTES"),
        (budget.0, MAX_INFLATED_BYTES, "MAX_INFLATED_BYTES"),
        (by_ratio, MAX_INFLATE_RATIO, "MAX_INFLATE_RATIO"),
    ]
    .into_iter()
    .min_by_key(|(cap, _, _)| *cap)
    .unwrap_or((MAX_PART_BYTES, MAX_PART_BYTES, "MAX_PART_BYTES"))
}

/// Refuses a part read past its cap (reading stops one byte past it).
fn check_cap(bytes: &[u8], cap: u64, limit: u64, name: &'static str) -> Result<(), Error> {
    if bytes.len() as u64 > cap {
        return Err(Error::TooLarge { name, limit });
    }
    Ok(())
}

/// `line L, column C` of a byte offset (columns count characters).
fn position(text: &str, offset: u64) -> String {
    let offset = (offset as usize).min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let col = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
    format!("line {line}, column {col}")
}

fn xml_error(part: &str, text: &str, offset: u64, message: impl std::fmt::Display) -> Error {
    Error::Corrupt {
        place: format!("{part} {}", position(text, offset)),
        message: message.to_string(),
    }
}

/// The local part of an element's or attribute's name (`w:p` -> `p`), as
/// [`QName::local_name`](quick_xml::name::QName::local_name) gives it, by a
/// byte loop: names are a few characters long, every event has one.
/// Elements whose content is not what the page shows: deleted and moved
/// text, field codes, change records, tab stops. The reader skips them, and
/// so does anything that must number the document as the reader does.
pub(crate) fn unread(name: &str) -> bool {
    matches!(
        name,
        "del"
            | "moveFrom"
            | "delText"
            | "instrText"
            | "pPrChange"
            | "rPrChange"
            | "tblPrChange"
            | "tcPrChange"
            | "trPrChange"
            | "sectPrChange"
            | "numberingChange"
            | "tabs"
    )
}

/// The grid columns a `w:gridBefore` skips, bounded by [`MAX_SPAN`].
pub(crate) fn grid_before(e: &BytesStart) -> u32 {
    attr(e, "val")
        .and_then(|v| v.parse::<u32>().ok())
        .unwrap_or(0)
        .min(MAX_SPAN)
}

/// The grid columns a cell's `w:gridSpan` covers: at least 1, at most
/// [`MAX_SPAN`].
pub(crate) fn grid_span(e: &BytesStart) -> u32 {
    let n: i64 = attr(e, "val").and_then(|v| v.parse().ok()).unwrap_or(1);
    n.clamp(1, i64::from(MAX_SPAN)) as u32
}

pub(crate) fn local(name: &str) -> &str {
    match name.bytes().position(|b| b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

/// An attribute's value by its local name, unescaped (borrowed when it needs
/// no unescaping). The first attribute with the name is the one read, so
/// duplicates are not looked for.
fn attr<'e>(e: &'e BytesStart, local: &str) -> Option<Cow<'e, str>> {
    match scan_attr(e.attributes_raw(), local) {
        Scanned::Found(value) => Some(Cow::Borrowed(value)),
        Scanned::Absent => None,
        Scanned::Unsure => iterated_attr(e, local),
    }
}

/// [`attr`] by quick-xml's attribute iterator.
fn iterated_attr<'e>(e: &'e BytesStart, local: &str) -> Option<Cow<'e, str>> {
    let mut attributes = e.attributes();
    attributes.with_checks(false);
    attributes.flatten().find_map(|a| {
        (self::local(a.key.as_ref()) == local)
            .then(|| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok())
    })?
}

/// What [`scan_attr`] found.
#[derive(Debug, PartialEq)]
enum Scanned<'e> {
    /// The attribute, whose value needs no normalising.
    Found(&'e str),
    /// Every attribute read, none with the name.
    Absent,
    /// Something else: quick-xml's attribute iterator decides.
    Unsure,
}

/// An attribute's value by its local name, read from the text after the
/// element's name, for the shape every writer uses: `name="value"` (or with
/// `'`), with whitespace before each. Anything else (whitespace around `=`,
/// a missing quote, a value with a reference or a line break to normalise)
/// is left to quick-xml, so that the answer is always the one its iterator
/// gives; this only spares building the iterator for the common case.
fn scan_attr<'e>(raw: &'e str, local: &str) -> Scanned<'e> {
    const WHITESPACE: [u8; 4] = [b' ', b'\t', b'\n', b'\r'];
    let bytes = raw.as_bytes();
    let mut i = 0;
    loop {
        while bytes.get(i).is_some_and(|b| WHITESPACE.contains(b)) {
            i += 1;
        }
        if i >= bytes.len() {
            return Scanned::Absent;
        }
        let Some(eq) = bytes[i..]
            .iter()
            .position(|b| *b == b'=' || WHITESPACE.contains(b))
            .map(|n| i + n)
        else {
            return Scanned::Unsure;
        };
        let quote = match bytes.get(eq + 1) {
            Some(&q @ (b'"' | b'\'')) if bytes[eq] == b'=' => q,
            _ => return Scanned::Unsure,
        };
        let start = eq + 2;
        let Some(end) = bytes[start..]
            .iter()
            .position(|b| *b == quote)
            .map(|n| start + n)
        else {
            return Scanned::Unsure;
        };
        // Both ends are ASCII bytes, so both are character boundaries.
        let (Some(name), Some(value)) = (raw.get(i..eq), raw.get(start..end)) else {
            return Scanned::Unsure;
        };
        if self::local(name) == local {
            if value
                .bytes()
                .any(|b| matches!(b, b'&' | b'\t' | b'\n' | b'\r'))
            {
                return Scanned::Unsure;
            }
            return Scanned::Found(value);
        }
        i = end + 1;
    }
}

// ---------------------------------------------------------------- styles

/// One style's facts that bear on heading levels.
#[derive(Default)]
struct StyleFacts {
    name: String,
    based_on: Option<String>,
    outline: Option<u8>,
}

impl StyleFacts {
    /// The heading level the style gives by itself: an outline level, or a
    /// built-in heading name (`heading 2`, `标题 2`).
    fn level(&self) -> Option<u8> {
        if let Some(o) = self.outline.filter(|o| *o < 9) {
            return Some(o + 1);
        }
        // The document title: level 0.
        if self.name.eq_ignore_ascii_case("title") || self.name == "标题" {
            return Some(0);
        }
        let name = self.name.to_ascii_lowercase();
        let n = name
            .strip_prefix("heading ")
            .or_else(|| self.name.strip_prefix("标题 "))?;
        n.trim().parse::<u8>().ok().filter(|n| (1..=9).contains(n))
    }
}

/// Every `w:style` in (part of) a styles part, by styleId.
fn parse_styles(text: &str) -> Result<HashMap<String, StyleFacts>, Error> {
    let mut styles = HashMap::new();
    let mut reader = Reader::from_str(text);
    let mut current: Option<(String, StyleFacts)> = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match e.local_name().as_ref() {
                "style" => {
                    if let Some((id, f)) = current.take() {
                        styles.insert(id, f);
                    }
                    current =
                        attr(&e, "styleId").map(|id| (id.into_owned(), StyleFacts::default()));
                }
                "name" => {
                    if let (Some((_, f)), Some(v)) = (&mut current, attr(&e, "val")) {
                        f.name = v.into_owned();
                    }
                }
                "basedOn" => {
                    if let Some((_, f)) = &mut current {
                        f.based_on = attr(&e, "val").map(Cow::into_owned);
                    }
                }
                "outlineLvl" => {
                    if let Some((_, f)) = &mut current {
                        f.outline = attr(&e, "val").and_then(|v| v.parse::<u8>().ok());
                    }
                }
                _ => {}
            },
            Ok(Event::End(e)) if e.local_name().as_ref() == "style" => {
                if let Some((id, f)) = current.take() {
                    styles.insert(id, f);
                }
            }
            Ok(Event::Eof) => break,
            Ok(Event::DocType(_)) => {
                return Err(corrupt("word/styles.xml", "a DOCTYPE is not allowed"));
            }
            Err(e) => {
                return Err(xml_error(
                    "word/styles.xml",
                    text,
                    reader.buffer_position(),
                    e,
                ));
            }
            _ => {}
        }
    }
    if let Some((id, f)) = current {
        styles.insert(id, f);
    }
    Ok(styles)
}

/// The heading level of each style the paragraphs name, from
/// `word/styles.xml`, or `None` when the package has no styles part.
///
/// The part is inflated a few kilobytes at a time, and only as far as it must
/// be: once the part read so far defines every named style and every style
/// they are based on (as [`style_levels`] would find them in the whole part),
/// the rest is not read. Otherwise the whole part is read, bounded by
/// `MAX_PART_BYTES`, as any other.
fn named_style_levels(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    styled: &[&str],
    budget: &mut Budget,
) -> Result<Option<HashMap<String, u8>>, Error> {
    const NAME: &str = "word/styles.xml";
    let ids = || styled.iter().copied();
    let Some(file) = entry(zip, NAME)? else {
        return Ok(None);
    };
    let (cap, limit, limit_name) = read_cap(file.compressed_size(), budget);
    let mut input = file.take(cap + 1);
    let mut bytes = Vec::new();
    // Each step doubles what is read, so that the part read so far is
    // searched a few times at most, not once per kilobyte.
    let mut want: u64 = 4096;
    loop {
        let room = want.saturating_sub(bytes.len() as u64);
        let got = (&mut input)
            .take(room)
            .read_to_end(&mut bytes)
            .map_err(|e| corrupt(NAME, &format!("cannot be inflated: {e}")))?;
        if (got as u64) < room || bytes.len() as u64 > cap {
            break;
        }
        if let Some(prefix) = prefix_utf8(&bytes) {
            refuse_doctype(NAME, prefix)?;
            refuse_illegal_chars(NAME, prefix)?;
            if let Some(levels) = style_levels(prefix, ids(), false) {
                budget.0 -= bytes.len() as u64;
                return Ok(Some(levels));
            }
        }
        want = want.saturating_mul(2);
    }
    check_cap(&bytes, cap, limit, limit_name)?;
    budget.0 -= bytes.len() as u64;
    let text = crate::read::decode_owned(bytes).map_err(|e| corrupt(NAME, &e.to_string()))?;
    refuse_doctype(NAME, &text)?;
    refuse_illegal_chars(NAME, &text)?;
    Ok(style_levels(&text, ids(), true))
}

/// The start of a part being read, as text: its UTF-8 up to a character cut
/// at the end. `None` for a part that is not plain UTF-8 (a byte order mark,
/// another encoding), which is decoded whole.
fn prefix_utf8(bytes: &[u8]) -> Option<&str> {
    if encoding_rs::Encoding::for_bom(bytes).is_some() {
        return None;
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Some(text),
        Err(e) if e.error_len().is_none() => std::str::from_utf8(&bytes[..e.valid_up_to()]).ok(),
        Err(_) => None,
    }
}

/// The heading level of each style `ids` names, following `basedOn`.
///
/// A document names a handful of styles while its styles part defines
/// hundreds (most of them latent), so where the part uses the usual `w:`
/// prefix only the named styles' elements are parsed.
///
/// `text` is the whole part when `whole`; otherwise only its start, and the
/// answer is `None` unless that start settles every style as the whole part
/// would.
fn style_levels<'a>(
    text: &str,
    ids: impl Iterator<Item = &'a str>,
    whole: bool,
) -> Option<HashMap<String, u8>> {
    let targeted = text.contains("w:styleId=");
    // Without the prefix, every style is parsed: only the whole part will do.
    if !targeted && !whole {
        return None;
    }
    let all = if targeted {
        None
    } else {
        Some(parse_styles(text).unwrap_or_default())
    };
    let mut cache: HashMap<String, Option<StyleFacts>> = HashMap::new();
    let mut settled = true;
    let mut facts = |id: &str| -> Option<u8> {
        let mut id = id.to_owned();
        for _ in 0..16 {
            let f = match &all {
                Some(all) => all.get(&id),
                None => {
                    if !cache.contains_key(&id) {
                        let Some(found) = one_style(text, &id, whole) else {
                            settled = false;
                            return None;
                        };
                        cache.insert(id.clone(), found);
                    }
                    cache[&id].as_ref()
                }
            }?;
            if let Some(l) = f.level() {
                return Some(l);
            }
            id = f.based_on.clone()?;
        }
        None
    };
    let mut levels = HashMap::new();
    let mut last = None;
    for id in ids {
        // Paragraphs in a row mostly name the same style.
        if last == Some(id) || levels.contains_key(id) {
            continue;
        }
        last = Some(id);
        if let Some(l) = facts(id) {
            levels.insert(id.to_owned(), l);
        }
    }
    settled.then_some(levels)
}

/// The `<w:style>` element with this styleId, parsed alone. When `text` is
/// only the start of the part (not `whole`), `None` means that the element is
/// not all in it yet: the first one with the styleId is the one read.
fn one_style(text: &str, id: &str, whole: bool) -> Option<Option<StyleFacts>> {
    let Some(at) = text.find(&format!("w:styleId=\"{id}\"")) else {
        return whole.then_some(None);
    };
    let Some(start) = text[..at].rfind("<w:style") else {
        return Some(None);
    };
    let Some(len) = text[at..].find("</w:style>") else {
        return whole.then_some(None);
    };
    let end = at + len + "</w:style>".len();
    Some(
        parse_styles(&text[start..end])
            .ok()
            .and_then(|mut s| s.remove(id)),
    )
}

// ---------------------------------------------------------------- body

#[derive(Default)]
struct ParaBuild {
    text: String,
    /// Index of its style in [`Styled::names`].
    style: Option<usize>,
    outline: Option<u8>,
    /// Paragraphs of text boxes anchored here, emitted after it.
    floating: Vec<String>,
    /// Outside every other paragraph and every table cell: a paragraph of
    /// its own, the only kind whose style and outline level count.
    top: bool,
}

/// The styles paragraphs name, each name kept once.
#[derive(Default)]
struct Styled {
    /// Every style named by a paragraph of its own, in the order first named.
    names: Vec<String>,
    /// Index of each name in `names`.
    index: HashMap<String, usize>,
    /// Paragraphs whose level comes from their style: (block index, index
    /// in `names`).
    paragraphs: Vec<(usize, usize)>,
}

impl Styled {
    /// The index of a style name, added when it is new.
    fn intern(&mut self, name: &str) -> usize {
        // Paragraphs in a row mostly name the same style.
        if let Some(&(_, last)) = self.paragraphs.last()
            && self.names.get(last).is_some_and(|n| n == name)
        {
            return last;
        }
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        let i = self.names.len();
        self.names.push(name.to_owned());
        self.index.insert(name.to_owned(), i);
        i
    }

    /// The styles the paragraphs' levels come from, each once, in the order
    /// the paragraphs first name them.
    fn used(&self) -> Vec<&str> {
        let mut seen = vec![false; self.names.len()];
        let mut ids = Vec::new();
        for &(_, style) in &self.paragraphs {
            if let (Some(seen), Some(name)) = (seen.get_mut(style), self.names.get(style))
                && !std::mem::replace(seen, true)
            {
                ids.push(name.as_str());
            }
        }
        ids
    }
}

struct CellBuild {
    /// The cell's paragraphs, joined as they end.
    text: String,
    span: u32,
    /// `Some(true)` restart, `Some(false)` continue, `None` no vertical merge.
    vmerge: Option<bool>,
    hmerge_continue: bool,
}

#[derive(Default)]
struct TableBuild {
    /// Cells per row: (grid column, cell).
    rows: Vec<Vec<(u32, CellBuild)>>,
    next_col: u32,
    cells: usize,
}

struct Body {
    blocks: Vec<Block>,
    styled: Styled,
    paras: Vec<ParaBuild>,
    /// Emptied text buffers of ended paragraphs, for the next ones.
    spare: Vec<String>,
    tables: Vec<TableBuild>,
    cell: Vec<CellBuild>,
    paragraph_count: u32,
    table_count: u32,
    /// Characters of text read so far, to tell whether a branch of
    /// `mc:AlternateContent` had any.
    chars: usize,
    choice_start: Vec<usize>,
}

impl Body {
    /// The document, and the paragraphs whose heading level their style
    /// decides.
    fn parse(text: &str) -> Result<(Doc, Styled), Error> {
        const PART: &str = "word/document.xml";
        let mut body = Body {
            blocks: Vec::new(),
            styled: Styled::default(),
            paras: Vec::new(),
            spare: Vec::new(),
            tables: Vec::new(),
            cell: Vec::new(),
            paragraph_count: 0,
            table_count: 0,
            chars: 0,
            choice_start: Vec::new(),
        };
        let mut reader = Reader::from_str(text);
        let mut depth = 0usize;
        // Depth at which a skipped element (w:del, mc:Fallback …) started.
        let mut skip: Option<usize> = None;
        let mut in_text = false;
        loop {
            let at = reader.buffer_position();
            let event = reader
                .read_event()
                .map_err(|e| xml_error(PART, text, reader.buffer_position(), e))?;
            match event {
                Event::Start(e) => {
                    depth += 1;
                    if depth > MAX_XML_DEPTH {
                        return Err(Error::TooLarge {
                            name: "MAX_XML_DEPTH",
                            limit: MAX_XML_DEPTH as u64,
                        });
                    }
                    if skip.is_some() {
                        continue;
                    }
                    let qname = e.name();
                    let name = local(qname.as_ref());
                    if body.skips(name) {
                        skip = Some(depth);
                        continue;
                    }
                    body.start(name, &e, false)?;
                    in_text = name == "t";
                }
                Event::Empty(e) if skip.is_none() => {
                    let qname = e.name();
                    let name = local(qname.as_ref());
                    if !body.skips(name) {
                        body.start(name, &e, true)?;
                        body.end(name)?;
                    }
                }
                Event::End(e) => {
                    if skip == Some(depth) {
                        skip = None;
                    } else if skip.is_none() {
                        body.end(local(e.name().as_ref()))?;
                    }
                    in_text = false;
                    depth = depth.saturating_sub(1);
                }
                Event::Text(t) if in_text && skip.is_none() => {
                    body.push_text(&t.xml_content(quick_xml::XmlVersion::Implicit1_0));
                }
                Event::CData(t) if in_text && skip.is_none() => {
                    let s = t.into_inner();
                    body.push_text(&s);
                }
                Event::GeneralRef(r) if in_text && skip.is_none() => {
                    if let Err(err) = r.resolve_char_ref() {
                        return Err(xml_error(PART, text, at, err));
                    }
                    match ref_char(&r) {
                        Some(c) if !xml_char(c) => {
                            return Err(xml_error(
                                PART,
                                text,
                                at,
                                format!(
                                    "&{}; stands for U+{:04X}, which XML 1.0 does not allow",
                                    &*r, c as u32
                                ),
                            ));
                        }
                        Some(c) => body.push_text(c.encode_utf8(&mut [0; 4])),
                        None => {
                            return Err(xml_error(
                                PART,
                                text,
                                at,
                                format!("unknown entity &{};", &*r),
                            ));
                        }
                    }
                }
                Event::DocType(_) => {
                    return Err(xml_error(
                        PART,
                        text,
                        at,
                        "a DOCTYPE is not allowed in a Word document (entities are never expanded)",
                    ));
                }
                Event::Eof => break,
                _ => {}
            }
        }
        Ok((
            Doc {
                blocks: body.blocks,
                meta: Default::default(),
                declared: None,
                notes: Vec::new(),
            },
            body.styled,
        ))
    }

    /// Elements whose whole content is not part of the visible, accepted text.
    fn skips(&mut self, name: &str) -> bool {
        match name {
            // Of mc:AlternateContent, read the Fallback only when the Choice
            // gave no text.
            "Fallback" => self.choice_start.last().is_some_and(|&c| self.chars > c),
            name => unread(name),
        }
    }

    // Inlined into the event loop: called for every element, mostly one
    // that needs nothing done.
    #[inline(always)]
    fn start(&mut self, name: &str, e: &BytesStart, empty: bool) -> Result<(), Error> {
        match name {
            "p" => self.paras.push(ParaBuild {
                text: self.spare.pop().unwrap_or_default(),
                top: self.paras.is_empty() && self.cell.is_empty(),
                ..ParaBuild::default()
            }),
            // Only a paragraph of its own uses them (see `end_paragraph`).
            "pStyle" => {
                if let Some(p) = self.paras.last_mut().filter(|p| p.top) {
                    p.style = attr(e, "val").map(|v| self.styled.intern(&v));
                }
            }
            "outlineLvl" => {
                if let Some(p) = self.paras.last_mut().filter(|p| p.top) {
                    p.outline = attr(e, "val").and_then(|v| v.parse::<u8>().ok());
                }
            }
            "tab" if empty => self.push_text("\t"),
            "br" | "cr" if empty => self.push_text("\n"),
            "noBreakHyphen" => self.push_text("-"),
            "AlternateContent" => self.choice_start.push(self.chars),
            "tbl" => self.tables.push(TableBuild::default()),
            "tr" => {
                if let Some(t) = self.tables.last_mut() {
                    // Rows mostly have as many cells as the one before.
                    let cells = t.rows.last().map_or(0, Vec::len).min(64);
                    t.rows.push(Vec::with_capacity(cells));
                    t.next_col = 0;
                }
            }
            "gridBefore" => {
                if let Some(t) = self.tables.last_mut() {
                    t.next_col = t.next_col.saturating_add(grid_before(e));
                }
            }
            "tc" => self.cell.push(CellBuild {
                text: String::new(),
                span: 1,
                vmerge: None,
                hmerge_continue: false,
            }),
            "gridSpan" => {
                if let Some(c) = self.cell.last_mut() {
                    c.span = grid_span(e);
                }
            }
            "vMerge" => {
                if let Some(c) = self.cell.last_mut() {
                    c.vmerge = Some(attr(e, "val").as_deref() == Some("restart"));
                }
            }
            "hMerge" => {
                if let Some(c) = self.cell.last_mut() {
                    c.hmerge_continue = attr(e, "val").as_deref() != Some("restart");
                }
            }
            _ => {}
        }
        Ok(())
    }

    #[inline(always)]
    fn end(&mut self, name: &str) -> Result<(), Error> {
        match name {
            "p" => self.end_paragraph(),
            "AlternateContent" => {
                self.choice_start.pop();
            }
            "tc" => {
                if let (Some(c), Some(t)) = (self.cell.pop(), self.tables.last_mut()) {
                    t.cells += 1;
                    if t.cells > MAX_TABLE_CELLS {
                        return Err(Error::TooLarge {
                            name: "MAX_TABLE_CELLS",
                            limit: MAX_TABLE_CELLS as u64,
                        });
                    }
                    let col = t.next_col;
                    t.next_col = t.next_col.saturating_add(c.span);
                    if let Some(row) = t.rows.last_mut() {
                        row.push((col, c));
                    }
                }
            }
            "tbl" => {
                if let Some(t) = self.tables.pop() {
                    self.end_table(t);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn push_text(&mut self, s: &str) {
        if let Some(p) = self.paras.last_mut() {
            p.text.push_str(s);
            self.chars += s.len();
        }
    }

    fn end_paragraph(&mut self) {
        let Some(p) = self.paras.pop() else { return };
        let ParaBuild {
            text: mut buffer,
            style,
            outline,
            floating,
            top: _,
        } = p;
        // A paragraph of a table cell (not in a text box) adds its lines to
        // the cell's text, from its own buffer.
        if self.paras.is_empty()
            && let Some(cell) = self.cell.last_mut()
        {
            let own = std::iter::once(buffer.trim());
            for line in own.chain(floating.iter().map(String::as_str)) {
                if line.is_empty() {
                    continue;
                }
                if cell.text.is_empty() {
                    cell.text = line.to_owned();
                } else {
                    push_line(&mut cell.text, line);
                }
            }
            buffer.clear();
            self.spare.push(buffer);
            return;
        }
        let text = buffer.trim().to_owned();
        buffer.clear();
        self.spare.push(buffer);
        let has_text = !text.is_empty();
        let lines = std::iter::once(text)
            .chain(floating)
            .filter(|l| !l.is_empty());
        // A paragraph inside another one is a text box's.
        if let Some(host) = self.paras.last_mut() {
            host.floating.extend(lines);
            return;
        }
        // The paragraph's own level is not its text boxes'. Level 9 is
        // Word's 正文文本: body text, said outright.
        let body = outline == Some(9) && has_text;
        let level = outline
            .filter(|o| *o < 9)
            .map(|o| o + 1)
            .filter(|_| has_text);
        let mut style = style.filter(|_| level.is_none() && !body && has_text);
        for (i, line) in lines.enumerate() {
            if let Some(style) = style.take() {
                self.styled.paragraphs.push((self.blocks.len(), style));
            }
            self.paragraph_count += 1;
            self.blocks.push(Block::Paragraph(Paragraph {
                text: line,
                level: if i == 0 { level } else { None },
                body: i == 0 && body,
                loc: Loc::Paragraph(self.paragraph_count),
            }));
        }
    }

    fn end_table(&mut self, t: TableBuild) {
        // A table inside a cell: its text becomes lines of that cell.
        if let Some(cell) = self.cell.last_mut() {
            let mut line = String::new();
            for row in &t.rows {
                line.clear();
                for (i, (_, c)) in row.iter().enumerate() {
                    if i > 0 {
                        line.push(' ');
                    }
                    line.push_str(&c.text);
                }
                push_line(&mut cell.text, &line);
            }
            return;
        }
        self.table_count += 1;
        let number = self.table_count;
        // Resolve vertical merges: a continuing cell extends the cell that
        // starts at the same grid column in an earlier row.
        let mut out: Vec<Vec<TableCell>> = Vec::with_capacity(t.rows.len());
        // Grid column -> (row index in `out`, cell index) of the open merge.
        let mut open = OpenMerges::new(&t.rows);
        for (r, row) in t.rows.into_iter().enumerate() {
            let mut cells: Vec<TableCell> = Vec::with_capacity(row.len());
            for (col, c) in row {
                let text = c.text;
                if c.hmerge_continue
                    && let Some(prev) = cells.last_mut()
                {
                    prev.colspan += c.span;
                    continue;
                }
                if c.vmerge == Some(false)
                    && let Some((orow, oidx)) = open.get(col)
                {
                    let origin = &mut out[orow][oidx];
                    origin.rowspan += 1;
                    if !text.is_empty() {
                        push_line(&mut origin.text, &text);
                    }
                    continue;
                }
                let idx = cells.len();
                open.set(col, (c.vmerge == Some(true)).then_some((out.len(), idx)));
                cells.push(TableCell {
                    text,
                    col,
                    rowspan: 1,
                    colspan: c.span,
                    loc: Loc::Cell {
                        table: number,
                        row: r as u32 + 1,
                        col: col + 1,
                    },
                });
            }
            out.push(cells);
        }
        self.blocks.push(Block::Table(Table {
            rows: out,
            spans_known: true,
        }));
    }
}

/// Grid column -> (row index, cell index) of the vertical merge open there.
enum OpenMerges {
    /// One slot per column, for a table as narrow as tables are.
    Dense(Vec<Option<(usize, usize)>>),
    /// Columns spread wide by spans (a crafted table).
    Sparse(HashMap<u32, (usize, usize)>),
}

impl OpenMerges {
    /// Widest grid a table is given one slot per column for.
    const DENSE_COLUMNS: u32 = 512;

    fn new(rows: &[Vec<(u32, CellBuild)>]) -> OpenMerges {
        let widest = rows.iter().flatten().map(|(col, _)| *col).max();
        match widest {
            Some(w) if w >= Self::DENSE_COLUMNS => OpenMerges::Sparse(HashMap::new()),
            w => OpenMerges::Dense(vec![None; w.map_or(0, |w| w as usize + 1)]),
        }
    }

    fn get(&self, col: u32) -> Option<(usize, usize)> {
        match self {
            OpenMerges::Dense(slots) => slots.get(col as usize).copied().flatten(),
            OpenMerges::Sparse(map) => map.get(&col).copied(),
        }
    }

    /// Opens a merge at `col`, or closes the one there with `None`.
    fn set(&mut self, col: u32, origin: Option<(usize, usize)>) {
        match self {
            OpenMerges::Dense(slots) => {
                if let Some(slot) = slots.get_mut(col as usize) {
                    *slot = origin;
                }
            }
            OpenMerges::Sparse(map) => {
                match origin {
                    Some(o) => map.insert(col, o),
                    None => map.remove(&col),
                };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A minimal .docx holding `body` as the content of `w:body`.
    pub(crate) fn docx(body: &str) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default();
        zip.start_file("[Content_Types].xml", opts).unwrap();
        zip.write_all(b"<Types/>").unwrap();
        zip.start_file("word/document.xml", opts).unwrap();
        write!(
            zip,
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><w:body>{body}</w:body></w:document>"#
        )
        .unwrap();
        zip.finish().unwrap();
        out.into_inner()
    }

    fn paragraphs(doc: &Doc) -> Vec<&str> {
        doc.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Paragraph(p) => Some(p.text.as_str()),
                Block::Table(_) => None,
            })
            .collect()
    }

    #[test]
    fn runs_revisions_fields_and_links_read_as_seen() {
        let doc = read(&docx(
            r#"<w:p><w:r><w:t>行政</w:t></w:r><w:ins><w:r><w:t>许可</w:t></w:r></w:ins><w:del><w:r><w:delText>处罚</w:delText></w:r></w:del></w:p>
               <w:p><w:hyperlink><w:r><w:t>见门户网站</w:t></w:r></w:hyperlink><w:r><w:t xml:space="preserve">，A&amp;B&#x4E2D;</w:t></w:r></w:p>
               <w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>3</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:fldSimple w:instr="NUMPAGES"><w:r><w:t>9</w:t></w:r></w:fldSimple></w:p>
               <w:p><w:r><w:t>a</w:t><w:tab/><w:t>b</w:t></w:r><w:sdt><w:sdtContent><w:r><w:t>控件</w:t></w:r></w:sdtContent></w:sdt></w:p>"#,
        ))
        .unwrap();
        assert_eq!(
            paragraphs(&doc),
            ["行政许可", "见门户网站，A&B中", "39", "a\tb控件"]
        );
    }

    #[test]
    fn alternate_content_is_read_once_and_text_boxes_follow_their_anchor() {
        let doc = read(&docx(
            r#"<w:p><w:r><w:t>正文</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>
               <w:p><mc:AlternateContent><mc:Choice Requires="x"></mc:Choice><mc:Fallback><w:r><w:t>备用</w:t></w:r></mc:Fallback></mc:AlternateContent></w:p>"#,
        ))
        .unwrap();
        assert_eq!(paragraphs(&doc), ["正文", "文本框", "备用"]);
    }

    #[test]
    fn merged_cells_are_kept_once_with_their_spans() {
        let tc = |attrs: &str, text: &str| {
            format!(
                r#"<w:tc><w:tcPr>{attrs}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"#
            )
        };
        let body = format!(
            "<w:tbl><w:tr>{}{}</w:tr><w:tr>{}{}{}</w:tr><w:tr>{}{}{}</w:tr></w:tbl>",
            tc(r#"<w:vMerge w:val="restart"/>"#, "自然人"),
            tc(r#"<w:gridSpan w:val="2"/>"#, "法人"),
            tc("<w:vMerge/>", ""),
            tc("", "商业"),
            tc("", "科研"),
            tc(r#"<w:vMerge w:val="continue"/>"#, ""),
            tc("", "1"),
            tc("", "2"),
        );
        let doc = read(&docx(&body)).unwrap();
        let Block::Table(t) = &doc.blocks[0] else {
            panic!()
        };
        let shape = t.shape();
        assert_eq!(
            shape,
            [
                vec![("自然人".into(), 0, 3, 1), ("法人".into(), 1, 1, 2)],
                vec![("商业".into(), 1, 1, 1), ("科研".into(), 2, 1, 1)],
                vec![("1".into(), 1, 1, 1), ("2".into(), 2, 1, 1)],
            ]
        );
        assert_eq!(
            t.rows[1][0].loc,
            Loc::Cell {
                table: 1,
                row: 2,
                col: 2
            }
        );
    }

    #[test]
    fn cell_paragraphs_join_and_nested_tables_stay_inside() {
        let body = r#"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>商业</w:t></w:r></w:p><w:p><w:r><w:t>企业</w:t></w:r></w:p>
            <w:tbl><w:tr><w:tc><w:p><w:r><w:t>嵌套</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>3</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:tc></w:tr></w:tbl>"#;
        let doc = read(&docx(body)).unwrap();
        let Block::Table(t) = &doc.blocks[0] else {
            panic!()
        };
        assert_eq!(doc.blocks.len(), 1);
        assert_eq!(t.rows[0][0].text, "商业企业嵌套 3");
        // A text box in a cell's paragraph: its lines follow the paragraph's.
        let body = r#"<w:tbl><w:tr><w:tc><w:p><w:r><w:t> 格 </w:t></w:r><w:r><w:drawing><w:txbxContent><w:p><w:r><w:t>框</w:t></w:r></w:p><w:p/></w:txbxContent></w:drawing></w:r></w:p><w:p/><w:p><w:r><w:t>A</w:t></w:r></w:p><w:p><w:r><w:t>B</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#;
        let doc = read(&docx(body)).unwrap();
        let Block::Table(t) = &doc.blocks[0] else {
            panic!()
        };
        assert_eq!(t.rows[0][0].text, "格框A B");
    }

    #[test]
    fn heading_levels_come_from_styles_through_based_on() {
        let styles = r#"<w:styles xmlns:w="x"><w:latentStyles><w:lsdException w:name="heading 1"/></w:latentStyles>
            <w:style w:type="paragraph" w:styleId="1"><w:name w:val="标题 1"/></w:style>
            <w:style w:type="paragraph" w:styleId="Sub"><w:name w:val="My heading"/><w:basedOn w:val="Lvl"/></w:style>
            <w:style w:type="paragraph" w:styleId="Lvl"><w:name w:val="x"/><w:pPr><w:outlineLvl w:val="2"/></w:pPr></w:style>
            <w:style w:type="paragraph" w:styleId="Body"><w:name w:val="Body Text"/></w:style></w:styles>"#;
        let ids = ["1", "Sub", "Body", "Missing"];
        let levels = style_levels(styles, ids.iter().copied(), true).unwrap();
        assert_eq!(levels.get("1"), Some(&1));
        assert_eq!(levels.get("Sub"), Some(&3));
        assert_eq!(levels.get("Body"), None);
        // Without the usual prefix, the whole part is parsed.
        let plain = styles.replace("w:", "ns0:");
        assert_eq!(
            style_levels(&plain, ids.iter().copied(), true).as_ref(),
            Some(&levels)
        );
        // The start of the part answers only when it settles every style as
        // the whole part does; a missing style is settled only by the whole.
        let found = ["1", "Sub"];
        let whole = style_levels(styles, found.iter().copied(), true).unwrap();
        let mut answered = false;
        for end in (0..=styles.len()).filter(|&i| styles.is_char_boundary(i)) {
            let start = &styles[..end];
            for ids in [&found[..], &ids[..]] {
                if let Some(got) = style_levels(start, ids.iter().copied(), false) {
                    assert_eq!(ids, &found[..], "settled at {end} with a missing style");
                    assert_eq!(got, whole, "the first {end} bytes");
                    answered = true;
                }
            }
            if let Some(start) = plain.get(..end) {
                assert_eq!(style_levels(start, found.iter().copied(), false), None);
            }
        }
        assert!(answered);
    }

    #[test]
    fn scanned_attributes_are_what_quick_xml_reads() {
        let tags = [
            r#"<w:pStyle w:val="Heading1"/>"#,
            r#"<w:pStyle w:val="Heading1" />"#,
            r#"<w:vMerge/>"#,
            r#"<w:vMerge w:val='restart'/>"#,
            r#"<w:x a="1"w:val="2"/>"#,
            r#"<w:x w:other="1"  val="标题"/>"#,
            r#"<w:x w:val = "spaced"/>"#,
            r#"<w:x w:val="a&amp;b"/>"#,
            r#"<w:x w:val="line
break"/>"#,
            r#"<w:x w:a="x" w:val=unquoted/>"#,
            r#"<w:x w:val="1" w:val="2"/>"#,
            r#"<w:x w:a w:val="1"/>"#,
            r#"<w:x xmlns:w="u" w:val=""/>"#,
        ];
        let mut found = 0;
        for tag in tags {
            let mut reader = Reader::from_str(tag);
            let Ok(Event::Empty(e)) = reader.read_event() else {
                panic!("{tag}")
            };
            for name in ["val", "a", "w"] {
                match scan_attr(e.attributes_raw(), name) {
                    Scanned::Found(v) => {
                        found += 1;
                        assert_eq!(iterated_attr(&e, name).as_deref(), Some(v), "{tag}");
                    }
                    Scanned::Absent => assert_eq!(iterated_attr(&e, name), None, "{tag}"),
                    Scanned::Unsure => {}
                }
                assert_eq!(attr(&e, name), iterated_attr(&e, name), "{tag}");
            }
        }
        assert!(found >= 8, "the common shapes are scanned");
    }

    #[test]
    fn merges_far_along_the_grid_are_kept_as_near_ones() {
        let tc = |attrs: &str, text: &str| {
            format!(
                r#"<w:tc><w:tcPr>{attrs}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"#
            )
        };
        let table = |before: u32| {
            let skip = format!(r#"<w:trPr><w:gridBefore w:val="{before}"/></w:trPr>"#);
            format!(
                "<w:tbl><w:tr>{skip}{}{}</w:tr><w:tr>{skip}{}{}</w:tr></w:tbl>",
                tc(r#"<w:vMerge w:val="restart"/>"#, "甲"),
                tc("", "乙"),
                tc("<w:vMerge/>", ""),
                tc("", "丙"),
            )
        };
        let shape = |before: u32| {
            let doc = read(&docx(&table(before))).unwrap();
            let Block::Table(t) = &doc.blocks[0] else {
                panic!()
            };
            t.shape()
                .into_iter()
                .map(|r| {
                    r.into_iter()
                        .map(|(text, col, rs, cs)| (text, col - before, rs, cs))
                        .collect::<Vec<_>>()
                })
                .collect::<Vec<_>>()
        };
        let near = shape(0);
        assert_eq!(near[0][0], ("甲".into(), 0, 2, 1));
        const { assert!(MAX_SPAN >= OpenMerges::DENSE_COLUMNS) };
        assert_eq!(shape(MAX_SPAN), near);
    }

    #[test]
    fn the_byte_scan_finds_what_xml_refuses() {
        // Every character, at the start and where it straddles two blocks.
        for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
            for pad in [0, 62, 63] {
                let text = format!("{}{c}b", "a".repeat(pad));
                let want = (!xml_char(c)).then_some(pad);
                assert_eq!(first_illegal_char(&text), want, "U+{:04X}", c as u32);
            }
        }
        let text = "，“中文”\u{FFFD}\u{FFEF}x\u{FFFE}\u{1}".repeat(9);
        assert_eq!(
            first_illegal_char(&text),
            text.char_indices()
                .find(|&(_, c)| !xml_char(c))
                .map(|(i, _)| i)
        );
        assert_eq!(first_illegal_char(&"，中文\t\r\n".repeat(40)), None);
    }

    #[test]
    fn bad_packages_say_what_they_are() {
        let err = |bytes: &[u8]| read(bytes).unwrap_err().to_string();
        assert!(err(b"hello").contains("not a zip"));
        assert!(err(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]).contains("OLE2"));
        let doctype = docx("").into_iter().collect::<Vec<u8>>();
        assert!(read(&doctype).is_ok());
        let bad = read(&docx("<w:p><w:r><w:t>未闭合</w:r></w:p>"))
            .unwrap_err()
            .to_string();
        assert!(bad.contains("word/document.xml line 2"), "{bad}");
    }
}
