//! The XML form: exact round trips, the XSD in step with the JSON Schema,
//! xmllint's verdicts, and hostile input.

use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_shipped_xsd_is_the_one_generated_from_the_json_schema() {
    let path = root().join("schemas/annual-report.xsd");
    let generated = xxgk::xml::generate_xsd();
    if std::env::var_os("XXGK_BLESS").is_some() {
        fs::write(&path, &generated).unwrap();
    }
    let shipped = fs::read_to_string(Path::new(&path)).unwrap();
    assert!(
        shipped == generated,
        "schemas/annual-report.xsd differs from the XSD generated from the JSON Schema; regenerate it with XXGK_BLESS=1 cargo test --test xml"
    );
}
