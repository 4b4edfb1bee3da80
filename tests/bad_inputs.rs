//! The bad-input corpus, built here byte for byte (no randomness that is not
//! seeded), and run through the real binary. For every case:
//!
//! - the exit code is the one named (1 invalid data, 2 unreadable), never
//!   101 (a panic) nor a signal;
//! - standard error is one line, `FILE: error: …`, naming the place (zip
//!   entry, XML line and column, JSON pointer, table labels) or the limit
//!   that tripped; for data that breaks the schema (exit 1) it is one line
//!   per finding and a closing `FILE: invalid: …` line;
//! - no output file is written and no temporary file is left;
//! - the input is unchanged.
//!
//! `XXGK_BAD_CORPUS=DIR cargo test --test bad_inputs` also writes the
//! corpus into DIR, to look at or to feed to other tools.

use std::fs;
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Output, Stdio};

use assert_cmd::Command;
use xxgk::Format;

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

fn seed_json() -> String {
    fs::read_to_string(fixture("valid/seed-2020-hengyang.json")).unwrap()
}

fn seed_xml() -> String {
    let checked = xxgk::load(seed_json().as_bytes(), Format::Json).unwrap();
    String::from_utf8(checked.render(Format::Xml).unwrap()).unwrap()
}

fn seed_docx() -> Vec<u8> {
    fs::read(fixture("docx/seed-pandoc.docx")).unwrap()
}

/// The seed's JSON with its first `from` replaced.
fn seed_with(from: &str, to: &str) -> Vec<u8> {
    let s = seed_json();
    assert!(s.contains(from), "{from}");
    s.replacen(from, to, 1).into_bytes()
}

fn xml_with(from: &str, to: &str) -> Vec<u8> {
    let s = seed_xml();
    assert!(s.contains(from), "{from}");
    s.replacen(from, to, 1).into_bytes()
}

const NP: &str = "\"natural_person\": 32";
const NP_XML: &str = ">32</natural_person>";

// ---------------------------------------------------------------- zips

/// CRC-32 (IEEE), table-driven.
fn crc32(data: &[u8]) -> u32 {
    let table: Vec<u32> = (0..256u32)
        .map(|n| {
            (0..8).fold(n, |c, _| {
                if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                }
            })
        })
        .collect();
    !data.iter().fold(!0u32, |c, &b| {
        table[((c ^ u32::from(b)) & 0xFF) as usize] ^ (c >> 8)
    })
}

/// Raw deflate of `data`, as the zip crate writes it.
fn deflate(data: &[u8]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(data.len() > u32::MAX as usize / 2);
    w.start_file("x", opts).unwrap();
    w.write_all(data).unwrap();
    let bytes = w.finish().unwrap().into_inner();
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut raw = Vec::new();
    zip.by_index_raw(0).unwrap().read_to_end(&mut raw).unwrap();
    raw
}

/// One entry of a hand-made zip.
#[derive(Clone)]
struct Entry {
    name: String,
    data: Vec<u8>,
    deflated: bool,
    /// A CRC other than the data's.
    crc: Option<u32>,
    /// An inflated size other than the data's.
    size: Option<u32>,
    /// Point the central record at the local header of this earlier entry
    /// (an overlapping entry) instead of writing data of its own.
    same_as: Option<usize>,
}

fn entry(name: &str, data: &[u8]) -> Entry {
    Entry {
        name: name.into(),
        data: data.to_vec(),
        deflated: true,
        crc: None,
        size: None,
        same_as: None,
    }
}

/// A zip written field by field, so that it can lie: CRCs, sizes, counts,
/// overlapping and repeated entries.
fn raw_zip(entries: &[Entry], declared_count: Option<u16>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    let mut placed: Vec<(u32, u32, u32, u16)> = Vec::new(); // offset, crc, comp len, method
    for e in entries {
        let (offset, crc, comp_len, method) = match e.same_as {
            Some(i) => placed[i],
            None => {
                let comp = if e.deflated {
                    deflate(&e.data)
                } else {
                    e.data.clone()
                };
                let crc = e.crc.unwrap_or_else(|| crc32(&e.data));
                let method: u16 = if e.deflated { 8 } else { 0 };
                let offset = out.len() as u32;
                out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
                for v in [20u16, 0, method, 0, 0] {
                    out.extend_from_slice(&v.to_le_bytes());
                }
                out.extend_from_slice(&crc.to_le_bytes());
                out.extend_from_slice(&(comp.len() as u32).to_le_bytes());
                out.extend_from_slice(&e.size.unwrap_or(e.data.len() as u32).to_le_bytes());
                out.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
                out.extend_from_slice(&0u16.to_le_bytes());
                out.extend_from_slice(e.name.as_bytes());
                out.extend_from_slice(&comp);
                (offset, crc, comp.len() as u32, method)
            }
        };
        placed.push((offset, crc, comp_len, method));
        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        for v in [20u16, 20, 0, method, 0, 0] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        central.extend_from_slice(&crc.to_le_bytes());
        central.extend_from_slice(&comp_len.to_le_bytes());
        central.extend_from_slice(&e.size.unwrap_or(e.data.len() as u32).to_le_bytes());
        central.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
        for v in [0u16, 0, 0, 0] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        central.extend_from_slice(&0u32.to_le_bytes());
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(e.name.as_bytes());
    }
    let count = declared_count.unwrap_or(entries.len() as u16);
    let cd_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    for v in [0u16, 0, count, count] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

const CONTENT_TYPES: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#;

/// A package of `[Content_Types].xml` and this `word/document.xml`.
fn docx_of(document: &[u8]) -> Vec<u8> {
    raw_zip(
        &[
            entry("[Content_Types].xml", CONTENT_TYPES),
            entry("word/document.xml", document),
        ],
        None,
    )
}

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

/// A document.xml with `body` inside `w:body`.
fn document(body: &str) -> Vec<u8> {
    format!(r#"<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>{body}</w:body></w:document>"#)
        .into_bytes()
}

/// A one-paragraph document.xml behind `prolog` (a DOCTYPE).
fn document_after(prolog: &str, text: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>{prolog}<w:document {W}><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"#
    )
    .into_bytes()
}

/// The seed DOCX's parts, with `change` applied to each (name, bytes).
fn seed_docx_parts() -> Vec<(String, Vec<u8>)> {
    let bytes = seed_docx();
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let name = f.name().unwrap().to_string();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (name, data)
        })
        .collect()
}

fn seed_docx_entries() -> Vec<Entry> {
    seed_docx_parts().iter().map(|(n, d)| entry(n, d)).collect()
}

fn seed_document_xml() -> String {
    let parts = seed_docx_parts();
    let (_, d) = parts
        .iter()
        .find(|(n, _)| n == "word/document.xml")
        .unwrap();
    String::from_utf8(d.clone()).unwrap()
}

/// Letters from a two-letter alphabet, seeded: deflates about 7 to 1.
fn low_ratio_text(len: usize) -> Vec<u8> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if x & 1 == 0 { b'a' } else { b'b' }
        })
        .collect()
}

/// A zip whose end record declares a ZIP64 record with this entry count.
fn zip64_count(count: u64) -> Vec<u8> {
    let mut z = docx_of(&document("<w:p/>"));
    let eocd = z.len() - 22;
    let cd_size = u32::from_le_bytes(z[eocd + 12..eocd + 16].try_into().unwrap()) as u64;
    let cd_offset = u32::from_le_bytes(z[eocd + 16..eocd + 20].try_into().unwrap()) as u64;
    z.truncate(eocd);
    let record = z.len() as u64;
    z.extend_from_slice(&0x0606_4b50u32.to_le_bytes());
    z.extend_from_slice(&44u64.to_le_bytes());
    z.extend_from_slice(&[45, 0, 45, 0]);
    z.extend_from_slice(&0u32.to_le_bytes());
    z.extend_from_slice(&0u32.to_le_bytes());
    z.extend_from_slice(&count.to_le_bytes());
    z.extend_from_slice(&count.to_le_bytes());
    z.extend_from_slice(&cd_size.to_le_bytes());
    z.extend_from_slice(&cd_offset.to_le_bytes());
    z.extend_from_slice(&0x0706_4b50u32.to_le_bytes());
    z.extend_from_slice(&0u32.to_le_bytes());
    z.extend_from_slice(&record.to_le_bytes());
    z.extend_from_slice(&1u32.to_le_bytes());
    z.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    for v in [0u16, 0, 0xFFFF, 0xFFFF] {
        z.extend_from_slice(&v.to_le_bytes());
    }
    z.extend_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
    z.extend_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
    z.extend_from_slice(&0u16.to_le_bytes());
    z
}

// ---------------------------------------------------------------- cases

/// One bad input: its file name (the extension picks the reader), its
/// bytes, the exit code and a piece of the one error line.
struct Case {
    name: String,
    bytes: Vec<u8>,
    code: i32,
    says: &'static str,
    /// Write this format (default JSON).
    to: &'static str,
}

fn case(name: &str, bytes: Vec<u8>, code: i32, says: &'static str) -> Case {
    Case {
        name: name.into(),
        bytes,
        code,
        says,
        to: "json",
    }
}

const LAUGHS: &str = r#"<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>"#;
const XXE_FILE: &str = r#"<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>"#;
const XXE_URL: &str = r#"<!DOCTYPE d [<!ENTITY xxe SYSTEM "http://127.0.0.1:9/x">]>"#;

fn corpus() -> Vec<Case> {
    let json = seed_json();
    let docx = seed_docx();
    let xml = seed_xml();
    let docxml = seed_document_xml();
    let mut cases = vec![
        // Empty, truncated and not what the name says.
        case("empty.json", vec![], 2, "not valid JSON at line 1"),
        case("empty.xml", vec![], 2, "no <report> element"),
        case("empty.docx", vec![], 2, "not a zip archive"),
        case("empty.html", vec![], 1, "not_a_report"),
        case("empty.txt", vec![], 1, "not_a_report"),
        case(
            "truncated.json",
            json.as_bytes()[..json.len() / 2].to_vec(),
            2,
            "not valid JSON at line",
        ),
        case(
            "truncated.xml",
            xml.as_bytes()[..xml.len() / 2].to_vec(),
            2,
            "line",
        ),
        case(
            "truncated-half.docx",
            docx[..docx.len() / 2].to_vec(),
            2,
            "not a readable zip archive",
        ),
        case(
            "truncated-end.docx",
            docx[..docx.len() - 10].to_vec(),
            2,
            "not a readable zip archive",
        ),
        case("text.docx", b"hello, world".to_vec(), 2, "not a zip archive"),
        case(
            "ole2.docx",
            [&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1][..], &[0; 504]].concat(),
            2,
            "OLE2 file: a legacy Word .doc, or a .docx protected by a password",
        ),
        case(
            "pdf.docx",
            b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec(),
            2,
            "not a zip archive",
        ),
        // Packages that are not Word documents, or lie about themselves.
        case(
            "empty-zip.docx",
            raw_zip(&[], None),
            2,
            "no [Content_Types].xml",
        ),
        case(
            "no-content-types.docx",
            raw_zip(&[entry("word/document.xml", &document("<w:p/>"))], None),
            2,
            "no [Content_Types].xml",
        ),
        case(
            "no-document.docx",
            raw_zip(&[entry("[Content_Types].xml", CONTENT_TYPES)], None),
            2,
            "no word/document.xml",
        ),
        case(
            "duplicate-entry.docx",
            raw_zip(
                &[
                    entry("[Content_Types].xml", CONTENT_TYPES),
                    entry("word/document.xml", &document("<w:p/>")),
                    entry("word/document.xml", docxml.as_bytes()),
                ],
                None,
            ),
            2,
            "appears twice in the zip",
        ),
        case(
            "case-duplicate-entry.docx",
            raw_zip(
                &[
                    entry("[Content_Types].xml", CONTENT_TYPES),
                    entry("word/document.xml", docxml.as_bytes()),
                    entry("Word/Document.xml", &document("<w:p/>")),
                ],
                None,
            ),
            2,
            "Word/Document.xml: this entry appears twice",
        ),
        case(
            "crc-mismatch.docx",
            raw_zip(
                &[
                    entry("[Content_Types].xml", CONTENT_TYPES),
                    Entry {
                        crc: Some(0x1234_5678),
                        ..entry("word/document.xml", docxml.as_bytes())
                    },
                ],
                None,
            ),
            2,
            "word/document.xml: cannot be inflated",
        ),
        case(
            "declared-65535-entries.docx",
            raw_zip(
                &[
                    entry("[Content_Types].xml", CONTENT_TYPES),
                    entry("word/document.xml", docxml.as_bytes()),
                ],
                Some(0xFFFE),
            ),
            2,
            "MAX_ZIP_ENTRIES",
        ),
        case(
            "zip64-declares-2-pow-40-entries.docx",
            zip64_count(1 << 40),
            2,
            "MAX_ZIP_ENTRIES",
        ),
        case(
            "10001-entries.docx",
            raw_zip(
                &(0..10_001)
                    .map(|i| Entry {
                        deflated: false,
                        ..entry(&format!("e{i}"), b"")
                    })
                    .collect::<Vec<_>>(),
                None,
            ),
            2,
            "MAX_ZIP_ENTRIES",
        ),
        // Zip bombs.
        case(
            "bomb-ratio.docx",
            docx_of(&document_after("", &"a".repeat(20 << 20))),
            2,
            "MAX_INFLATE_RATIO",
        ),
        case(
            "bomb-part-65-mib.docx",
            docx_of(&[&document_after("", "")[..], &low_ratio_text(65 << 20)].concat()),
            2,
            "MAX_PART_BYTES",
        ),
        case(
            "bomb-overlapping-entries.docx",
            {
                // One stored 45 MiB kernel, claimed by all three parts read.
                let kernel = [
                    &document("<w:p><w:pPr><w:pStyle w:val=\"Title\"/></w:pPr><w:r><w:t>标题</w:t></w:r></w:p>")[..],
                    &vec![b' '; 45 << 20],
                ]
                .concat();
                raw_zip(
                    &[
                        entry("[Content_Types].xml", CONTENT_TYPES),
                        Entry {
                            deflated: false,
                            ..entry("word/document.xml", &kernel)
                        },
                        Entry {
                            same_as: Some(1),
                            ..entry("word/styles.xml", &kernel)
                        },
                        Entry {
                            same_as: Some(1),
                            ..entry("docProps/custom.xml", &kernel)
                        },
                    ],
                    None,
                )
            },
            2,
            "MAX_INFLATED_BYTES",
        ),
        case(
            "nested-zip.docx",
            docx_of(&docx),
            2,
            "word/document.xml",
        ),
        // XML inside the package.
        case(
            "doctype-billion-laughs.docx",
            docx_of(&document_after(LAUGHS, "&lol4;")),
            2,
            "word/document.xml line 1, column 39: a DOCTYPE is not allowed",
        ),
        case(
            "doctype-xxe-file.docx",
            docx_of(&document_after(XXE_FILE, "&xxe;")),
            2,
            "a DOCTYPE is not allowed",
        ),
        case(
            "doctype-xxe-url.docx",
            docx_of(&document_after(XXE_URL, "&xxe;")),
            2,
            "a DOCTYPE is not allowed",
        ),
        case(
            "doctype-in-styles.docx",
            raw_zip(
                &[
                    entry("[Content_Types].xml", CONTENT_TYPES),
                    entry(
                        "word/document.xml",
                        &document("<w:p><w:pPr><w:pStyle w:val=\"1\"/></w:pPr><w:r><w:t>一、总体情况</w:t></w:r></w:p>"),
                    ),
                    entry(
                        "word/styles.xml",
                        format!("{XXE_FILE}<w:styles {W}><w:style w:styleId=\"1\"><w:name w:val=\"&xxe;\"/></w:style></w:styles>").as_bytes(),
                    ),
                ],
                None,
            ),
            2,
            "word/styles.xml line 1, column 1: a DOCTYPE is not allowed",
        ),
        case(
            "unknown-entity.docx",
            docx_of(&document_after("", "&xxe;")),
            2,
            "unknown entity &xxe;",
        ),
        // Characters XML 1.0 does not allow: the part is not well-formed.
        case(
            "control-char-raw.docx",
            docx_of(&document_after("", "ab\u{1}")),
            2,
            "word/document.xml line 1, column 147: U+0001 is not allowed in XML 1.0",
        ),
        case(
            "control-char-reference.docx",
            docx_of(&document_after("", "a&#1;")),
            2,
            "word/document.xml line 1, column 146: &#1; stands for U+0001",
        ),
        case(
            "control-char-in-attribute.docx",
            docx_of(&document(
                "<w:p><w:pPr><w:pStyle w:val=\"\u{8}\"/></w:pPr><w:r><w:t>一、总体情况</w:t></w:r></w:p>",
            )),
            2,
            "word/document.xml line 1, column 159: U+0008",
        ),
        case(
            "deep-nesting.docx",
            docx_of(&document(&format!(
                "{}{}",
                "<w:sdt>".repeat(600),
                "</w:sdt>".repeat(600)
            ))),
            2,
            "MAX_XML_DEPTH",
        ),
        case(
            "deep-alternate-content.docx",
            docx_of(&document(&format!(
                "<w:p>{}{}</w:p>",
                "<mc:AlternateContent xmlns:mc=\"m\"><mc:Choice>".repeat(300),
                "</mc:Choice></mc:AlternateContent>".repeat(300)
            ))),
            2,
            "MAX_XML_DEPTH",
        ),
        case(
            "invalid-utf8-part.docx",
            docx_of(&[&document_after("", "")[..100], b"\xFF\xFE\xFF", &document_after("", "")[100..]].concat()),
            2,
            "word/document.xml: the text is neither UTF-8 nor GB18030",
        ),
        case(
            "utf16-part-odd-length.docx",
            docx_of(&[&[0xFF, 0xFE][..], b"<\0w\0:\0"].concat()),
            2,
            "word/document.xml",
        ),
        case(
            "bad-char-reference.docx",
            docx_of(&document_after("", "&#xD800;")),
            2,
            "word/document.xml line 1",
        ),
        case(
            "unclosed-element.docx",
            docx_of(&document("<w:p><w:r><w:t>未闭合</w:r></w:p>")),
            2,
            "word/document.xml line 1",
        ),
        case(
            "too-many-cells.docx",
            docx_of(&document(&format!(
                "<w:tbl>{}</w:tbl>",
                "<w:tr><w:tc/><w:tc/><w:tc/><w:tc/><w:tc/><w:tc/><w:tc/><w:tc/><w:tc/><w:tc/></w:tr>"
                    .repeat(10_001)
            ))),
            2,
            "MAX_TABLE_CELLS",
        ),
        case(
            "count-3.0-in-docx.docx",
            {
                // The seed's first 自然人 count, 32, printed as 32.0.
                let mut entries = seed_docx_entries();
                let doc = entries
                    .iter_mut()
                    .find(|e| e.name == "word/document.xml")
                    .unwrap();
                let text = String::from_utf8(doc.data.clone()).unwrap();
                let at = text.find(">32<").expect("the seed prints 32");
                doc.data = format!("{}>32.0<{}", &text[..at], &text[at + 4..]).into_bytes();
                raw_zip(&entries, None)
            },
            1,
            "32.0 is not written as a whole number",
        ),
        // XML reports.
        case(
            "doctype-billion-laughs.xml",
            xml_with("?>", &format!("?>{LAUGHS}")),
            2,
            "DOCTYPE",
        ),
        case(
            "doctype-xxe-file.xml",
            xml_with("?>", &format!("?>{XXE_FILE}")),
            2,
            "DOCTYPE",
        ),
        case(
            "doctype-xxe-url.xml",
            xml_with("?>", &format!("?>{XXE_URL}")),
            2,
            "DOCTYPE",
        ),
        case(
            "unknown-entity.xml",
            xml_with(NP_XML, ">&xxe;</natural_person>"),
            2,
            "line",
        ),
        case(
            "deep-nesting.xml",
            xml_with(
                NP_XML,
                &format!(
                    ">{}{}</natural_person>",
                    "<x>".repeat(600),
                    "</x>".repeat(600)
                ),
            ),
            2,
            "MAX_XML_DEPTH",
        ),
        case(
            "300-attributes.xml",
            xml_with(
                "<natural_person ",
                &format!(
                    "<natural_person {}",
                    (0..300).map(|i| format!("a{i}=\"\" ")).collect::<String>()
                ),
            ),
            2,
            "MAX_XML_ATTRIBUTES",
        ),
        case(
            "huge-text-node.xml",
            xml_with(
                "<paragraph>",
                &format!("<paragraph>{}", "长".repeat(400_000)),
            ),
            2,
            "MAX_XML_TEXT_BYTES",
        ),
        case(
            "utf16.xml",
            [0xFF, 0xFE]
                .into_iter()
                .chain(xml.encode_utf16().flat_map(u16::to_le_bytes))
                .collect(),
            2,
            "UTF-16",
        ),
        case(
            "invalid-utf8.xml",
            xml_with("<paragraph>", "<paragraph>\u{FFFD}")
                .into_iter()
                .map(|b| if b == 0xBD { 0xFF } else { b })
                .collect(),
            2,
            "not UTF-8",
        ),
        case(
            "control-char-raw.xml",
            xml_with("<paragraph>", "<paragraph>\u{1}"),
            2,
            "line",
        ),
        case(
            "control-char-reference.xml",
            xml_with("<paragraph>", "<paragraph>&#1;"),
            2,
            "line",
        ),
        case(
            "full-width-number.xml",
            xml_with(NP_XML, ">３２</natural_person>"),
            1,
            "not a number",
        ),
        case(
            "negative-count.xml",
            xml_with(NP_XML, ">-1</natural_person>"),
            1,
            "-1 is negative",
        ),
        case(
            "text-as-count.xml",
            xml_with(NP_XML, ">many</natural_person>"),
            1,
            "\"many\" is not a number",
        ),
        case(
            "count-3.0.xml",
            xml_with(NP_XML, ">32.0</natural_person>"),
            1,
            "32.0 is not written as a whole number",
        ),
        case(
            "namespace-prefix-trick.xml",
            xml_with("<natural_person ", "<evil:natural_person xmlns:evil=\"urn:evil\" ")
                .into_iter()
                .collect::<Vec<u8>>(),
            2,
            "line",
        ),
        // JSON reports.
        case(
            "duplicate-key.json",
            seed_with(NP, "\"natural_person\": 32, \"natural_person\": 99"),
            2,
            "the key \"natural_person\" appears twice in one object, at /sections/applications/table/new/natural_person",
        ),
        case(
            "duplicate-key-meta.json",
            seed_with("\"meta\": {", "\"meta\": {\"year\": 2019, \"year\": 2020,"),
            2,
            "at /meta/year",
        ),
        case(
            "1e400.json",
            seed_with(NP, "\"natural_person\": 1e400"),
            1,
            "/sections/applications/table/new/natural_person",
        ),
        case(
            "2-pow-64.json",
            seed_with(NP, "\"natural_person\": 18446744073709551616"),
            1,
            "18446744073709551616 is too large: a whole number must fit in 64 bits (at /sections/applications/table/new/natural_person)",
        ),
        case(
            "count-3.0.json",
            seed_with(NP, "\"natural_person\": 32.0"),
            1,
            "32.0 is not written as a whole number: a count is written without a point or an exponent (at /sections/applications/table/new/natural_person)",
        ),
        case(
            "count-exponent.json",
            seed_with(NP, "\"natural_person\": 3.2e1"),
            1,
            "(at /sections/applications/table/new/natural_person)",
        ),
        case(
            "amount-exponent.json",
            seed_with("\"amount\": \"6719.3835万元\"", "\"amount\": 6.7193835e3"),
            1,
            "cannot be kept exactly: write it in plain decimal notation of at most 40 characters (at /sections/proactive/table/item_9/rows/procurement/amount)",
        ),
        case(
            "amount-41-characters.json",
            seed_with(
                "\"amount\": \"6719.3835万元\"",
                "\"amount\": 6719.383500000000000000000000000000000000",
            ),
            1,
            "the number 6719.383500000000000000000000000000000000 cannot be kept exactly",
        ),
        case(
            "negative-count.json",
            seed_with(NP, "\"natural_person\": -1"),
            1,
            "-1 is negative",
        ),
        case(
            "number-as-text.json",
            seed_with(NP, "\"natural_person\": \"32\""),
            1,
            "a number written as text",
        ),
        case(
            "nan.json",
            seed_with(NP, "\"natural_person\": NaN"),
            2,
            "not valid JSON at line",
        ),
        case(
            "infinity.json",
            seed_with(NP, "\"natural_person\": Infinity"),
            2,
            "not valid JSON at line",
        ),
        case(
            "deep-nesting.json",
            format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes(),
            2,
            "recursion limit exceeded",
        ),
        case(
            "invalid-utf8.json",
            seed_with("\"meta\": {", "\"meta\": {\"title\": \"\u{FFFD}\",")
                .into_iter()
                .map(|b| if b == 0xBD { 0xFF } else { b })
                .collect(),
            2,
            "not valid JSON at line",
        ),
        case(
            "lone-surrogate.json",
            seed_with("\"meta\": {", "\"meta\": {\"title\": \"\\ud800\","),
            2,
            "not valid JSON at line",
        ),
        case(
            "utf16.json",
            [0xFF, 0xFE]
                .into_iter()
                .chain(json.encode_utf16().flat_map(u16::to_le_bytes))
                .collect(),
            2,
            "not valid JSON at line 1",
        ),
        case(
            "trailing-garbage.json",
            format!("{json}}}").into_bytes(),
            2,
            "trailing characters",
        ),
        case(
            "unknown-field.json",
            seed_with("\"meta\": {", "\"meta\": {\"evil\": 1,"),
            1,
            "/meta",
        ),
        Case {
            to: "xml",
            ..case(
                "control-char-to-xml.json",
                seed_with("\"meta\": {", "\"meta\": {\"title\": \"a\\u0001b\","),
                1,
                "/meta/title",
            )
        },
        // What a Word document cannot carry back is refused at its pointer.
        Case {
            to: "docx",
            ..case(
                "blank-title-to-docx.json",
                seed_with("\"meta\": {", "\"meta\": {\"title\": \" \","),
                1,
                "/meta/title",
            )
        },
        Case {
            to: "docx",
            ..case(
                "text-cell-to-docx.json",
                seed_with(NP, "\"natural_person\": \"见附件\""),
                1,
                "/sections/applications/table/new/natural_person",
            )
        },
        // HTML pages.
        case(
            "300-attributes.html",
            format!(
                "<html><body><p {}>x</p></body></html>",
                (0..300).map(|i| format!("a{i} ")).collect::<String>()
            )
            .into_bytes(),
            2,
            "MAX_XML_ATTRIBUTES",
        ),
        case(
            "100000-divs.html",
            "<div>".repeat(100_000).into_bytes(),
            2,
            "MAX_XML_DEPTH",
        ),
        case(
            "100000-fonts.html",
            "<font>".repeat(100_000).into_bytes(),
            2,
            "MAX_XML_DEPTH",
        ),
        case(
            "20000-nested-tables.html",
            "<table><tr><td>".repeat(20_000).into_bytes(),
            2,
            "MAX_XML_DEPTH",
        ),
        case(
            "doctype-entities.html",
            format!("<!DOCTYPE html [{}]><p>&lol4;&xxe;</p>", &LAUGHS[15..LAUGHS.len() - 2])
                .into_bytes(),
            1,
            "not_a_report",
        ),
        case(
            "invalid-encoding.html",
            b"<html><body><p>\xFF\xFF\xFF</p></body></html>".to_vec(),
            2,
            "neither UTF-8 nor GB18030",
        ),
        case(
            "charset-lie.html",
            b"<html><head><meta charset=\"shift_jis\"></head><body><p>\x81\xFF</p></body></html>"
                .to_vec(),
            2,
            "the page says it is Shift_JIS but is not",
        ),
        // Text.
        case(
            "invalid-encoding.txt",
            b"\xFF\xFF\xFF".to_vec(),
            2,
            "neither UTF-8 nor GB18030",
        ),
        case(
            "utf16-odd-length.txt",
            vec![0xFF, 0xFE, b'a', 0, b'b'],
            2,
            "not valid UTF-16LE",
        ),
        case(
            "binary.txt",
            (0..4096u32)
                .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
                .collect(),
            2,
            "neither UTF-8 nor GB18030",
        ),
    ];
    for c in &mut cases {
        assert!(
            !c.bytes.is_empty() || c.name.starts_with("empty"),
            "{}",
            c.name
        );
    }
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    cases
}

fn xxgk() -> Command {
    Command::cargo_bin("xxgk").unwrap()
}

/// `xxgk convert INPUT -o OUTPUT`, run to its end.
fn convert(input: &Path, output: &Path) -> Output {
    xxgk()
        .arg("convert")
        .arg(input)
        .arg("-o")
        .arg(output)
        .output()
        .unwrap()
}

/// The checks every bad input must pass, on one command's output.
fn check_failure(c: &Case, input: &Path, out: &Output, stream: &[u8]) {
    let code = out.status.code();
    assert_eq!(
        code,
        Some(c.code),
        "{}: exit {:?} (signal or panic?), stderr: {}",
        c.name,
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(stream.to_vec()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let prefix = format!("{}: ", input.display());
    assert!(
        lines.iter().all(|l| l.starts_with(&prefix)),
        "{}: every line names the input: {text}",
        c.name
    );
    if c.code == 2 {
        assert_eq!(lines.len(), 1, "{}: one line: {text}", c.name);
    } else {
        assert!(
            lines.last().is_some_and(|l| l.contains(": invalid: ")) && lines.len() <= 8,
            "{}: findings and a closing line: {text}",
            c.name
        );
    }
    assert!(
        text.contains(c.says),
        "{}: says {:?}: {text}",
        c.name,
        c.says
    );
}

#[test]
fn every_bad_input_fails_cleanly_with_one_line_and_writes_nothing() {
    let cases = corpus();
    assert!(cases.len() >= 60, "{} cases", cases.len());
    let dir = tempfile::tempdir().unwrap();
    let keep = std::env::var_os("XXGK_BAD_CORPUS").map(PathBuf::from);
    let mut failed = Vec::new();
    for c in &cases {
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            run_case(c, dir.path(), keep.as_deref())
        }));
        if r.is_err() {
            failed.push(c.name.clone());
        }
    }
    assert!(failed.is_empty(), "failed: {failed:?}");
}

/// `validate` checks a JSON or XML report without building the typed
/// report; on every case of the corpus, and on every valid fixture, it
/// accepts and refuses exactly as loading does, with the same findings.
#[test]
fn validation_agrees_with_loading_on_every_json_and_xml_input() {
    let mut inputs: Vec<(String, Vec<u8>)> =
        corpus().into_iter().map(|c| (c.name, c.bytes)).collect();
    for entry in fs::read_dir(fixture("valid")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        inputs.push((name, fs::read(&path).unwrap()));
    }
    inputs.push(("seed.xml".into(), seed_xml().into_bytes()));
    let mut compared = 0;
    for (name, bytes) in &inputs {
        let format = match Path::new(name).extension().and_then(|e| e.to_str()) {
            Some("json") => Format::Json,
            Some("xml") => Format::Xml,
            _ => continue,
        };
        let hints = xxgk::convert::Hints::default();
        let limit = xxgk::convert::MAX_INPUT_BYTES;
        let loaded = xxgk::convert::load_limited(bytes, format, &hints, limit);
        let verdict = xxgk::verify(bytes, format, &hints, limit);
        match (loaded, verdict) {
            (Ok(c), Ok(v)) => assert_eq!(c.findings, v.findings, "{name}"),
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{name}"),
            (a, b) => panic!(
                "{name}: loading gives {:?}, validating {:?}",
                a.err(),
                b.err()
            ),
        }
        compared += 1;
    }
    assert!(compared >= 40, "{compared} inputs compared");
}

fn run_case(c: &Case, dir: &Path, keep: Option<&Path>) {
    {
        let input = dir.join(&c.name);
        fs::write(&input, &c.bytes).unwrap();
        if let Some(keep) = keep {
            fs::create_dir_all(keep).unwrap();
            fs::write(keep.join(&c.name), &c.bytes).unwrap();
        }
        let out_dir = dir.join("out");
        fs::create_dir_all(&out_dir).unwrap();
        let output = out_dir.join(format!("{}.{}", c.name, c.to));
        let converted = convert(&input, &output);
        check_failure(c, &input, &converted, &converted.stderr);
        assert!(converted.stdout.is_empty(), "{}", c.name);
        assert_eq!(
            fs::read_dir(&out_dir).unwrap().count(),
            0,
            "{}: no output and no temporary file",
            c.name
        );
        // validate prints findings on standard output, errors on standard
        // error: the same exit code, the same line.
        let validated = xxgk().arg("validate").arg(&input).output().unwrap();
        if c.code == 2 {
            check_failure(c, &input, &validated, &validated.stderr);
        } else {
            // Only writing XML refuses a control character.
            let want = if c.to == "json" { 1 } else { 0 };
            assert_eq!(validated.status.code(), Some(want), "{}", c.name);
        }
        assert_eq!(
            fs::read(&input).unwrap(),
            c.bytes,
            "{}: input unchanged",
            c.name
        );
        fs::remove_file(&input).unwrap();
    }
}

/// Damage a reader survives: what it reads is what the document shows,
/// and what cannot be honoured is clamped (spans) or ignored, never a
/// panic. A document that still holds the report converts; what is
/// written is valid JSON.
#[test]
fn odd_but_readable_documents_convert_or_fail_cleanly() {
    let docxml = seed_document_xml();
    let variants: Vec<(&str, String)> = vec![
        (
            "gridSpan 0",
            docxml.replace("w:gridSpan w:val=\"", "w:gridSpan w:val=\"0"),
        ),
        (
            "gridSpan negative",
            docxml.replace("w:gridSpan w:val=\"", "w:gridSpan w:val=\"-"),
        ),
        (
            "gridSpan past the grid",
            docxml.replace("w:gridSpan w:val=\"", "w:gridSpan w:val=\"99999"),
        ),
        (
            "vMerge without a start",
            docxml.replace("w:vMerge w:val=\"restart\"", "w:vMerge"),
        ),
        (
            "gridBefore huge",
            docxml.replace(
                "<w:tr>",
                "<w:tr><w:trPr><w:gridBefore w:val=\"4294967295\"/></w:trPr>",
            ),
        ),
        (
            "other prefix",
            docxml
                .replace("w:", "q:")
                .replace("xmlns:q=", "xmlns:w=")
                .replace(
                    "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"",
                    "xmlns:q=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"",
                ),
        ),
        ("declared size 4 GiB", docxml.clone()),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (what, xml) in variants {
        let mut entries = seed_docx_entries();
        for e in &mut entries {
            if e.name == "word/document.xml" {
                e.data = xml.clone().into_bytes();
                if what.starts_with("declared") {
                    e.size = Some(0xFFFF_FFF0);
                }
            }
        }
        let input = dir.path().join("odd.docx");
        let output = dir.path().join("odd.json");
        let bytes = raw_zip(&entries, None);
        fs::write(&input, &bytes).unwrap();
        let out = convert(&input, &output);
        let code = out.status.code();
        assert!(matches!(code, Some(0..=2)), "{what}: {:?}", out.status);
        if code == Some(0) {
            let written: serde_json::Value =
                serde_json::from_slice(&fs::read(&output).unwrap()).unwrap();
            assert!(written["sections"].is_object(), "{what}");
            fs::remove_file(&output).unwrap();
        } else {
            assert!(!output.exists(), "{what}");
        }
        if what.starts_with("declared") || what == "gridSpan 0" {
            assert_eq!(
                code,
                Some(0),
                "{what}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        assert_eq!(fs::read(&input).unwrap(), bytes);
    }
}

/// Text is code-point-identical: zero-width and bidirectional characters
/// are kept, and a negative zero count stays `-0`.
#[test]
fn text_and_numbers_are_kept_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let title = "衡阳\u{200B}市\u{200D}自然\u{202E}资源\u{2066}局\u{FEFF}";
    let input = dir.path().join("in.json");
    let bytes = seed_with(
        "\"meta\": {",
        &format!("\"meta\": {{\"title\": \"{title}\","),
    );
    let bytes = String::from_utf8(bytes)
        .unwrap()
        .replacen(NP, "\"natural_person\": -0", 1);
    fs::write(&input, &bytes).unwrap();
    for to in ["json", "xml", "docx"] {
        let output = dir.path().join(format!("out.{to}"));
        xxgk()
            .arg("convert")
            .arg(&input)
            .arg("-o")
            .arg(&output)
            .assert()
            .code(0);
        let back = dir.path().join(format!("back-{to}.json"));
        xxgk()
            .arg("convert")
            .arg(&output)
            .arg("-o")
            .arg(&back)
            .assert()
            .code(0);
        let v: serde_json::Value = serde_json::from_slice(&fs::read(&back).unwrap()).unwrap();
        assert_eq!(v["meta"]["title"], title, "{to}");
        let text = fs::read_to_string(&back).unwrap();
        assert!(text.contains("\"natural_person\": -0,"), "{to}: {text}");
    }
}

// ---------------------------------------------------------------- places

#[test]
fn special_files_as_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.json");
    // An endless device: refused at the limit, not read to the end.
    let zero = xxgk()
        .args(["convert", "/dev/zero", "--from", "json", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(zero.status.code(), Some(2));
    let stderr = String::from_utf8(zero.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("/dev/zero: ") && stderr.contains("MAX_INPUT_BYTES"));
    assert!(!out.exists());
    // A smaller limit, asked for.
    let seed = fixture("valid/seed-2020-hengyang.json");
    for command in ["validate", "convert"] {
        let small = xxgk()
            .arg(command)
            .arg(&seed)
            .args(["--max-input-bytes", "1000"])
            .output()
            .unwrap();
        assert_eq!(small.status.code(), Some(2));
        let stderr = String::from_utf8(small.stderr).unwrap();
        assert!(
            stderr.contains("larger than 1000 bytes (MAX_INPUT_BYTES)"),
            "{stderr}"
        );
        assert!(small.stdout.is_empty());
    }
    // A folder named like a report.
    let folder = dir.path().join("folder.json");
    fs::create_dir(&folder).unwrap();
    let code = xxgk()
        .arg("convert")
        .arg(&folder)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap()
        .status
        .code();
    assert_eq!(code, Some(2));
    assert!(!out.exists());
    // A FIFO named like a report inside a walked folder is not opened
    // (opening it would wait for a writer forever).
    let walked = dir.path().join("walked");
    fs::create_dir(&walked).unwrap();
    fs::copy(
        fixture("valid/seed-2020-hengyang.json"),
        walked.join("a.json"),
    )
    .unwrap();
    let fifo = walked.join("b.json");
    assert!(
        StdCommand::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let mut child = StdCommand::new(env!("CARGO_BIN_EXE_xxgk"))
        .arg("validate")
        .arg(&walked)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("validate waited on a FIFO");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let done = child.wait_with_output().unwrap();
    assert_eq!(done.status.code(), Some(0));
    let stdout = String::from_utf8(done.stdout).unwrap();
    assert!(
        stdout.contains("a.json: ok") && !stdout.contains("b.json"),
        "{stdout}"
    );
    // A FIFO named on the command line is read like a pipe.
    let named = dir.path().join("named.json");
    assert!(
        StdCommand::new("mkfifo")
            .arg(&named)
            .status()
            .unwrap()
            .success()
    );
    let writer = {
        let named = named.clone();
        std::thread::spawn(move || fs::write(named, b"{\"meta\": ").unwrap())
    };
    let piped = xxgk().arg("validate").arg(&named).output().unwrap();
    writer.join().unwrap();
    assert_eq!(piped.status.code(), Some(2));
    let stderr = String::from_utf8(piped.stderr).unwrap();
    assert!(
        stderr.contains("named.json: error: not valid JSON at line 1"),
        "{stderr}"
    );
}

#[test]
fn an_input_is_never_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.json");
    let original = seed_json().into_bytes();
    fs::write(&input, &original).unwrap();
    let hard = dir.path().join("hard.json");
    fs::hard_link(&input, &hard).unwrap();
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&input, &link).unwrap();
    for target in [
        dir.path().join(".").join("in.json"),
        hard.clone(),
        link.clone(),
        input.clone(),
    ] {
        let out = convert(&input, &target);
        assert_eq!(out.status.code(), Some(2), "{}", target.display());
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains("is the input"), "{stderr}");
        assert_eq!(fs::read(&input).unwrap(), original);
    }
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 3);
}

#[test]
fn two_writers_of_one_output_leave_one_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.json");
    let b = dir.path().join("b.json");
    fs::write(&a, seed_json()).unwrap();
    fs::write(
        &b,
        seed_with("\"natural_person\": 0", "\"natural_person\": null"),
    )
    .unwrap();
    let out = dir.path().join("out.docx");
    for _ in 0..3 {
        let spawn = |input: &Path| {
            StdCommand::new(env!("CARGO_BIN_EXE_xxgk"))
                .arg("convert")
                .arg(input)
                .arg("-o")
                .arg(&out)
                .stderr(Stdio::null())
                .spawn()
                .unwrap()
        };
        let (mut x, mut y) = (spawn(&a), spawn(&b));
        assert!(x.wait().unwrap().success() && y.wait().unwrap().success());
        let written = fs::read(&out).unwrap();
        let expect = |input: &Path| {
            xxgk()
                .arg("convert")
                .arg(input)
                .args(["--to", "docx", "-o", "-"])
                .output()
                .unwrap()
                .stdout
        };
        assert!(written == expect(&a) || written == expect(&b));
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 3, "no temporary file: {names:?}");
    }
}

#[test]
fn a_full_disk_leaves_the_output_untouched_and_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.json");
    fs::write(&input, seed_json()).unwrap();
    let out = dir.path().join("out.docx");
    fs::write(&out, b"the previous output").unwrap();
    // A file-size limit of 8 KiB: the DOCX (about 30 KiB) cannot be
    // written. Without handling, SIGXFSZ would kill the process.
    let run = StdCommand::new("sh")
        .arg("-c")
        .arg("ulimit -f 16 && exec \"$0\" convert \"$1\" -o \"$2\"")
        .arg(env!("CARGO_BIN_EXE_xxgk"))
        .arg(&input)
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(2),
        "{:?} {}",
        run.status,
        String::from_utf8_lossy(&run.stderr)
    );
    let stderr = String::from_utf8(run.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(&format!("{}: error: ", input.display())),
        "{stderr}"
    );
    assert_eq!(fs::read(&out).unwrap(), b"the previous output");
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    for args in [
        vec!["schema".to_owned()],
        vec![
            "validate".to_owned(),
            fixture("valid").display().to_string(),
        ],
    ] {
        let run = StdCommand::new("sh")
            .arg("-c")
            .arg("\"$0\" \"$@\" | head -c 1 >/dev/null; echo ${PIPESTATUS:-}")
            .arg(env!("CARGO_BIN_EXE_xxgk"))
            .args(&args)
            .output()
            .unwrap();
        assert!(run.status.success());
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(!stderr.contains("error"), "{args:?}: {stderr}");
        let mut child = StdCommand::new(env!("CARGO_BIN_EXE_xxgk"))
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{args:?}: {:?} {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

// ---------------------------------------------------------------- batches

/// 200 files, 2 of them broken: every good one converted, one line per bad
/// one, the worst exit code.
#[test]
fn a_batch_with_two_broken_files_in_two_hundred() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("in");
    fs::create_dir(&src).unwrap();
    let seed = seed_json();
    for i in 0..198 {
        fs::write(src.join(format!("r{i:03}.json")), &seed).unwrap();
    }
    fs::write(
        src.join("r100-broken.json"),
        &seed.as_bytes()[..seed.len() / 3],
    )
    .unwrap();
    fs::write(
        src.join("r150-broken.docx"),
        docx_of(&document_after(XXE_FILE, "&xxe;")),
    )
    .unwrap();
    let out = dir.path().join("out");
    let run = xxgk()
        .arg("convert")
        .arg(&src)
        .arg("--out-dir")
        .arg(&out)
        .args(["--jobs", "2"])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8(run.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{stderr}");
    assert_eq!(
        lines
            .iter()
            .filter(
                |l| l.contains("r100-broken.json: error: not valid JSON at line")
                    || l.contains(
                        "r150-broken.docx: error: word/document.xml line 1, column 39: a DOCTYPE"
                    )
            )
            .count(),
        2,
        "{stderr}"
    );
    assert!(
        lines[2].starts_with("198 converted (0 with warnings), 2 failed"),
        "{stderr}"
    );
    let written: Vec<_> = fs::read_dir(&out).unwrap().collect();
    assert_eq!(written.len(), 198);
    let expect = xxgk()
        .arg("convert")
        .arg(fixture("valid/seed-2020-hengyang.json"))
        .output()
        .unwrap()
        .stdout;
    for i in 0..198 {
        assert_eq!(fs::read(out.join(format!("r{i:03}.json"))).unwrap(), expect);
    }
}
