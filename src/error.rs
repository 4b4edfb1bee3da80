//! The library's errors. Each says where the problem is; the CLI maps them to
//! exit codes through [`Error::exit_code`].

use std::path::PathBuf;

use crate::convert::Format;
use crate::finding::Finding;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The input is not well-formed JSON.
    #[error("not valid JSON at line {line}, column {column}: {message}")]
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    /// The input is damaged or is not what its format says: `place` names
    /// the zip part and XML line and column where that is known.
    #[error("{}{message}", if place.is_empty() { String::new() } else { format!("{place}: ") })]
    Corrupt { place: String, message: String },
    /// The input goes past a named limit (`name`, the constant's name).
    #[error("{}", limit_message(name, *limit))]
    TooLarge { name: &'static str, limit: u64 },
    /// The data does not fit the canonical schema, or cannot be written in
    /// the form asked for; nothing is written.
    #[error("{}", invalid_summary(findings))]
    Invalid { findings: Vec<Finding> },
    /// This format cannot be read (or written) by this version.
    #[error(
        "{direction} {format} is not supported yet: this version reads json, xml, docx, html, text and pdf, and writes json, xml and docx"
    )]
    Unsupported {
        format: Format,
        direction: &'static str,
    },
    /// A DOCX template cannot be used: `place` names the template, its part
    /// and the line and column where that is known.
    #[error("{place}: {message}")]
    Template { place: String, message: String },
    /// A written document does not read back to the report it was written
    /// from; it is not written.
    #[error("{0}")]
    Verify(String),
    /// The command line asks for something that cannot be done.
    #[error("{0}")]
    Usage(String),
}

impl Error {
    /// 1 when the data is invalid; 2 for usage errors, unreadable or corrupt
    /// input, and I/O errors.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Invalid { .. } => 1,
            _ => 2,
        }
    }
}

/// What going past a limit means, in words, with the limit's name.
fn limit_message(name: &str, limit: u64) -> String {
    let what = match name {
        "MAX_INPUT_BYTES" => format!("the input is larger than {limit} bytes"),
        "MAX_ZIP_ENTRIES" => format!("the zip has more than {limit} entries"),
        "MAX_PART_BYTES" => format!("a part of the package inflates to more than {limit} bytes"),
        "MAX_INFLATED_BYTES" => {
            format!("the parts read inflate to more than {limit} bytes in all")
        }
        "MAX_INFLATE_RATIO" => {
            format!("a part inflates to more than {limit} times its compressed size")
        }
        "MAX_XML_DEPTH" => format!("elements are nested more than {limit} deep"),
        "MAX_XML_ATTRIBUTES" => format!("an element has more than {limit} attributes"),
        "MAX_XML_TEXT_BYTES" => {
            format!("a text or attribute value is longer than {limit} bytes")
        }
        "MAX_TABLE_CELLS" => format!("a table has more than {limit} cells"),
        "MAX_WALK_DEPTH" => format!("folders are nested more than {limit} deep"),
        "MAX_PDF_OBJECTS" => format!("the PDF has more than {limit} objects"),
        "MAX_STREAM_BYTES" => format!("a PDF stream decodes to more than {limit} bytes"),
        "MAX_PDF_INFLATED_BYTES" => {
            format!("the PDF's streams decode to more than {limit} bytes in all")
        }
        "MAX_OPERATORS_PER_PAGE" => {
            format!("a PDF page has more than {limit} drawing operators")
        }
        "MAX_GLYPHS_PER_PAGE" => format!("a PDF page has more than {limit} glyphs"),
        "MAX_RULES_PER_PAGE" => format!("a PDF page has more than {limit} rules"),
        "MAX_XOBJECT_DEPTH" => format!("PDF forms are nested more than {limit} deep"),
        "MAX_PAGES" => format!("the PDF has more than {limit} pages"),
        _ => format!("a limit of {limit} is exceeded"),
    };
    format!("{what} ({name}); it is refused")
}

/// What a list of findings that stopped the work amounts to.
fn invalid_summary(findings: &[Finding]) -> String {
    let n = findings.len();
    let problems = format!("{n} problem{}", if n == 1 { "" } else { "s" });
    if !findings.is_empty() && findings.iter().all(|f| f.kind == "fill") {
        format!(
            "the form does not fit the data ({problems}); nothing was written (--allow-partial fills what matches)"
        )
    } else if !findings.is_empty() && findings.iter().all(|f| f.kind == "write") {
        format!("the report cannot be written in this format ({problems}); nothing was written")
    } else if !findings.is_empty() && findings.iter().all(|f| f.kind == "read") {
        format!("no report could be read from the document ({problems})")
    } else {
        format!("the report does not match the schema ({problems})")
    }
}
