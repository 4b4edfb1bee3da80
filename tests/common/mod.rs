//! Helpers the test files share.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use std::path::PathBuf;

use serde_json::Value;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A report of `tests/fixtures/valid/`, as JSON.
pub fn fixture(name: &str) -> Value {
    let text = std::fs::read_to_string(root().join("tests/fixtures/valid").join(name)).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Every report of `tests/fixtures/valid/`, by file name, in name order.
pub fn fixtures() -> Vec<(String, Value)> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("tests/fixtures/valid"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    assert!(!names.is_empty());
    names
        .into_iter()
        .map(|n| (n.clone(), fixture(&n)))
        .collect()
}

/// A package's entries, in order, with their contents.
pub fn entries(docx: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(Cursor::new(docx)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            (f.name().unwrap().into_owned(), bytes)
        })
        .collect()
}

/// A package's entries by name.
pub fn entry_map(docx: &[u8]) -> BTreeMap<String, Vec<u8>> {
    entries(docx).into_iter().collect()
}
