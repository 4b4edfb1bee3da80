//! Helpers the test files share.
#![allow(dead_code)]

pub mod pdf_synth;

use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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

/// Whether a tool the peer tests use is installed. A missing one fails the
/// test, unless XXGK_SKIP_PEER_TESTS=1 says to skip such tests on purpose.
pub fn have(program: &str, args: &[&str]) -> bool {
    let found = Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success());
    if !found && std::env::var_os("XXGK_SKIP_PEER_TESTS").is_none() {
        panic!("{program} is not installed (see .ci/run), or set XXGK_SKIP_PEER_TESTS=1");
    }
    found
}

/// A finished command's standard output; it must have succeeded.
pub fn stdout_of(out: Output) -> Vec<u8> {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Runs a Python script on a file; it must succeed. Its standard output.
pub fn python(script: &str, file: &Path) -> Vec<u8> {
    stdout_of(
        Command::new("python3")
            .args(["-c", script])
            .arg(file)
            .output()
            .unwrap(),
    )
}

/// Panics, naming the first line where they differ, unless two reports'
/// JSON values are equal.
pub fn assert_same(what: &str, got: Value, want: Value) {
    if got != want {
        let got = serde_json::to_string_pretty(&got).unwrap();
        let want = serde_json::to_string_pretty(&want).unwrap();
        let first = got
            .lines()
            .zip(want.lines())
            .enumerate()
            .find(|(_, (a, b))| a != b)
            .map(|(i, (a, b))| format!("line {}: got {a:?}, want {b:?}", i + 1));
        panic!("{what} differs from its golden: {first:?}");
    }
}
