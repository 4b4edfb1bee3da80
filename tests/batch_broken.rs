//! A batch of 1,000 files of which 1% are broken, through the real binary:
//! every good file is converted, each bad one costs one error line naming
//! it, the exit status says some failed, and the peak memory does not grow
//! with the number of files.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

const GOOD_JSON: &str = "tests/fixtures/valid/seed-2020-hengyang.json";
const GOOD_TEXT: &str = "samples/hengyang-2020.txt";

/// Ten broken inputs, one of each kind a crawl brings home.
fn broken(dir: &Path) -> Vec<String> {
    let json = fs::read(common::root().join(GOOD_JSON)).unwrap();
    let docx = fs::read(common::root().join("tests/fixtures/docx/seed-pandoc.docx")).unwrap();
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("truncated.json", json[..json.len() / 2].to_vec()),
        ("empty.json", Vec::new()),
        ("not-utf8.txt", vec![0xff, 0xfe, 0x00, 0x41, 0xc3]),
        ("truncated.docx", docx[..docx.len() / 3].to_vec()),
        ("not-a-zip.docx", b"PK but nothing more".to_vec()),
        ("html-as-docx.docx", b"<html><body>x</body></html>".to_vec()),
        (
            "duplicate-key.json",
            br#"{"meta": {}, "meta": {}}"#.to_vec(),
        ),
        ("array.json", b"[1, 2, 3]".to_vec()),
        (
            "nothing-of-a-report.txt",
            "午饭吃什么\n".as_bytes().to_vec(),
        ),
        ("nan.json", br#"{"meta": NaN}"#.to_vec()),
    ];
    for (name, bytes) in &files {
        fs::write(dir.join(name), bytes).unwrap();
    }
    files.into_iter().map(|(n, _)| n.to_owned()).collect()
}

/// Fills `dir` with `good` good reports (half JSON, half the seed's text)
/// in subfolders of 100, and the ten broken ones.
fn corpus(dir: &Path, good: usize) -> Vec<String> {
    let json = fs::read(common::root().join(GOOD_JSON)).unwrap();
    let text = fs::read(common::root().join(GOOD_TEXT)).unwrap();
    for i in 0..good {
        let sub = dir.join(format!("part{}", i / 100));
        fs::create_dir_all(&sub).unwrap();
        if i % 2 == 0 {
            fs::write(sub.join(format!("{i}.json")), &json).unwrap();
        } else {
            fs::write(sub.join(format!("{i}.txt")), &text).unwrap();
        }
    }
    broken(dir)
}

/// Runs a batch conversion under GNU time; (exit code, stderr, peak RSS in KB).
fn run(input: &Path, out: &Path) -> (i32, String, u64) {
    let output = Command::new("/usr/bin/time")
        .args(["-f", "peak-rss-kb %M", "--"])
        .arg(env!("CARGO_BIN_EXE_xxgk"))
        .arg("convert")
        .arg(input)
        .arg("--out-dir")
        .arg(out)
        .args(["--to", "json", "--quiet"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let rss = stderr
        .lines()
        .find_map(|l| l.strip_prefix("peak-rss-kb "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no peak RSS in {stderr}"));
    (output.status.code().unwrap_or(-1), stderr, rss)
}

fn outputs(dir: &Path) -> usize {
    let mut n = 0;
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            n += outputs(&path);
        } else {
            n += 1;
        }
    }
    n
}

#[test]
fn a_thousand_files_with_ten_broken_convert_all_the_good_ones_in_bounded_memory() {
    if !common::have("/usr/bin/time", &["-f", "%M", "true"]) {
        return;
    }
    let small = tempfile::tempdir().unwrap();
    let big = tempfile::tempdir().unwrap();
    let (small_in, small_out) = (small.path().join("in"), small.path().join("out"));
    let (big_in, big_out) = (big.path().join("in"), big.path().join("out"));
    fs::create_dir_all(&small_in).unwrap();
    fs::create_dir_all(&big_in).unwrap();
    corpus(&small_in, 90);
    let bad = corpus(&big_in, 990);

    // Some files could not be read at all (exit 2 wins over 1, invalid data).
    let (code, stderr, small_rss) = run(&small_in, &small_out);
    assert_eq!(code, 2, "{stderr}");
    let (code, stderr, big_rss) = run(&big_in, &big_out);
    assert_eq!(code, 2, "some failed: {stderr}");

    // Every good file converted, mirrored under the output folder.
    assert_eq!(outputs(&big_out), 990);
    for i in [0usize, 1, 500, 989] {
        let ext = if i % 2 == 0 { "json" } else { "txt" };
        let out = big_out
            .join(format!("part{}", i / 100))
            .join(format!("{i}.json"));
        assert!(out.is_file(), "{} not converted ({ext})", out.display());
    }
    // One error line per bad file, naming it; nothing written for it.
    let errors: Vec<&str> = stderr.lines().filter(|l| l.contains(": error")).collect();
    assert_eq!(errors.len(), bad.len(), "{stderr}");
    for name in &bad {
        assert_eq!(
            errors.iter().filter(|l| l.contains(name.as_str())).count(),
            1,
            "{name}: {stderr}"
        );
        let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
        assert!(!big_out.join(format!("{stem}.json")).exists(), "{name}");
    }
    // Memory does not grow with the files: eleven times the files, about
    // the same peak (start-up and the compiled schema dominate).
    println!("peak RSS: 100 files {small_rss} KB, 1000 files {big_rss} KB");
    assert!(
        big_rss <= small_rss + small_rss / 4 + 4096,
        "peak RSS grew from {small_rss} KB (100 files) to {big_rss} KB (1000 files)"
    );
}
