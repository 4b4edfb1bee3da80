//! Replays the committed fuzz corpus (`tests/fixtures/fuzz/<target>/`)
//! through the same harnesses the cargo-fuzz targets run
//! ([`xxgk::fuzzing`]): every input found interesting, and every input that
//! once crashed a target, must pass them again.

use std::fs;
use std::path::Path;

#[test]
fn every_corpus_file_passes_its_harness() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let mut replayed = 0;
    for &(name, harness) in xxgk::fuzzing::TARGETS {
        let dir = root.join(name);
        let mut files: Vec<_> = fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|entry| entry.unwrap().path())
            .collect();
        files.sort();
        assert!(!files.is_empty(), "no corpus for the target {name}");
        for file in files {
            let data = fs::read(&file).unwrap();
            let outcome = std::panic::catch_unwind(|| harness(&data));
            assert!(outcome.is_ok(), "{name}: {} fails", file.display());
            replayed += 1;
        }
    }
    assert!(replayed > 0);
}

#[test]
fn every_target_has_a_corpus_folder_and_no_stray_folder() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let mut found: Vec<String> = fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".md"))
        .collect();
    found.sort();
    let mut want: Vec<String> = xxgk::fuzzing::TARGETS
        .iter()
        .map(|(n, _)| (*n).to_owned())
        .collect();
    want.sort();
    assert_eq!(found, want);
}
