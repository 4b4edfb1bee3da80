//! xxgk: China's government information disclosure annual reports
//! (政府信息公开工作年度报告) as structured, validated data.
//!
//! ```text
//! bytes -> (json) -> Report -> validate (schema, then rules) -> write (json) -> bytes
//! ```
//!
//! - [`model`]: the canonical [`Report`], mirroring `schemas/annual-report.schema.json`.
//! - [`layout`]: every official table's rows and columns, labels and field paths.
//! - [`schema`]: the embedded JSON Schema, compiled once.
//! - [`rules`]: the consistency rules (勾稽关系), kept as data.
//! - [`convert`]: reading and writing reports in each format.
//! - [`output`]: writing files safely (temp file, fsync, rename).
//! - [`batch`]: folders walked into files, outputs mirrored.
//! - [`write`]: DOCX through Handlebars templates, and filling blank forms.
//! - [`xml`]: the report as XML (`urn:xxgk:report:1`) and its XSD.
//! - [`table`]: many reports as one CSV or XLSX table; [`series`]: checks across years.

pub mod batch;
pub mod convert;
pub mod doc;
pub mod error;
pub mod finding;
#[doc(hidden)]
pub mod fuzzing;
pub mod json;
pub mod labels;
pub mod layout;
pub mod model;
pub mod output;
pub mod read;
pub mod recognize;
pub mod rules;
pub mod schema;
pub mod series;
pub mod table;
pub mod write;
pub mod xml;

pub use convert::{Checked, Format, Verdict, load, render, validate, verify};
pub use error::Error;
pub use finding::{Finding, Severity, Status};
pub use model::Report;
