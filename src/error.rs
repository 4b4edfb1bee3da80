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
    /// The input is larger than a limit allows.
    #[error("the input is larger than {limit} bytes ({name}); it is refused unread")]
    TooLarge { name: &'static str, limit: u64 },
    /// The data does not fit the canonical schema; nothing is written.
    #[error("the report does not match the schema ({} problem{})", findings.len(), if findings.len() == 1 { "" } else { "s" })]
    Invalid { findings: Vec<Finding> },
    /// This format cannot be read (or written) by this version.
    #[error(
        "{direction} {format} is not supported yet: this version reads json, xml, docx, html and text, and writes json, xml and docx"
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
