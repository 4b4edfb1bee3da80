//! A standard validator (check-jsonschema, the Python jsonschema library)
//! accepts `xxgk schema` as a 2020-12 schema and judges every fixture the way
//! xxgk does, at the same places.
//!
//! check-jsonschema is installed by `.ci/run`; where it is missing this test
//! fails, unless XXGK_SKIP_PEER_TESTS=1 says to skip it on purpose.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

/// check-jsonschema, run as a Python module so that it is found wherever
/// pip put it.
fn check_jsonschema() -> Command {
    let mut c = Command::new("python3");
    c.args(["-m", "check_jsonschema"]);
    c
}

fn have_check_jsonschema() -> bool {
    let found = check_jsonschema()
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found && std::env::var_os("XXGK_SKIP_PEER_TESTS").is_none() {
        panic!(
            "check-jsonschema is not installed (pip install check-jsonschema), or set XXGK_SKIP_PEER_TESTS=1"
        );
    }
    found
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixtures() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["valid", "invalid", "rules"] {
        for e in fs::read_dir(root().join("tests/fixtures").join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "json") && !p.ends_with("expected.json") {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

/// `$.sections.applications.table.new.natural_person` or `$.preamble[0].type`
/// -> JSON pointer.
fn json_path_to_pointer(path: &str) -> String {
    let mut out = String::new();
    for part in path
        .trim_start_matches('$')
        .split('.')
        .filter(|s| !s.is_empty())
    {
        let mut rest = part;
        if let Some(i) = rest.find('[') {
            out.push('/');
            out.push_str(&rest[..i]);
            rest = &rest[i..];
            for idx in rest.split('[').filter(|s| !s.is_empty()) {
                out.push('/');
                out.push_str(idx.trim_end_matches(']'));
            }
        } else {
            out.push('/');
            out.push_str(rest);
        }
    }
    out
}

#[test]
fn check_jsonschema_accepts_the_schema() {
    if !have_check_jsonschema() {
        return;
    }
    let schema = root().join("schemas/annual-report.schema.json");
    let out = check_jsonschema()
        .arg("--check-metaschema")
        .arg(&schema)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn check_jsonschema_and_xxgk_agree_on_every_fixture() {
    if !have_check_jsonschema() {
        return;
    }
    let files = fixtures();
    // `xxgk schema` is what users hand to other validators.
    let dir = tempfile::tempdir().unwrap();
    let schema = dir.path().join("schema.json");
    let printed = Command::new(env!("CARGO_BIN_EXE_xxgk"))
        .arg("schema")
        .output()
        .unwrap();
    fs::write(&schema, &printed.stdout).unwrap();

    let out = check_jsonschema()
        .arg("--schemafile")
        .arg(&schema)
        .args(["-o", "JSON"])
        .args(&files)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    assert!(report["parse_errors"].as_array().unwrap().is_empty());
    let mut theirs: BTreeMap<PathBuf, BTreeSet<String>> = BTreeMap::new();
    for e in report["errors"].as_array().unwrap() {
        theirs
            .entry(PathBuf::from(e["filename"].as_str().unwrap()))
            .or_default()
            .insert(json_path_to_pointer(e["path"].as_str().unwrap()));
    }

    for file in &files {
        let value: Value = serde_json::from_str(&fs::read_to_string(file).unwrap()).unwrap();
        let ours: BTreeSet<String> = xxgk::schema::check(&value)
            .into_iter()
            .map(|f| f.pointer)
            .collect();
        let theirs = theirs.remove(file).unwrap_or_default();
        assert_eq!(
            ours,
            theirs,
            "{}: xxgk and check-jsonschema disagree",
            file.strip_prefix(root()).unwrap_or(file).display()
        );
        let expect_invalid = file.parent().is_some_and(|d| d.ends_with("invalid"));
        assert_eq!(!ours.is_empty(), expect_invalid, "{}", file.display());
    }
    assert!(theirs.is_empty(), "errors for unknown files: {theirs:?}");
}

#[test]
fn json_paths_become_pointers() {
    assert_eq!(
        json_path_to_pointer("$.preamble[0].type"),
        "/preamble/0/type"
    );
    assert_eq!(json_path_to_pointer("$"), "");
    assert_eq!(json_path_to_pointer("$.meta.year"), "/meta/year");
}
