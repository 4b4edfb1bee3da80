//! The command-line contract, on the real binary: exit codes, where output
//! goes, what errors say, and that nothing partial is ever written.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::{Value, json};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

const SEED: &str = "valid/seed-2020-hengyang.json";

fn xxgk() -> Command {
    Command::cargo_bin("xxgk").unwrap()
}

fn seed_value() -> Value {
    serde_json::from_str(&fs::read_to_string(fixture(SEED)).unwrap()).unwrap()
}

/// Writes a JSON value into a temporary folder and returns its path.
fn write_temp(dir: &tempfile::TempDir, name: &str, v: &Value) -> PathBuf {
    let p = dir.path().join(name);
    fs::write(&p, serde_json::to_string_pretty(v).unwrap()).unwrap();
    p
}

fn json_lines(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}

#[test]
fn validate_accepts_the_seed() {
    xxgk()
        .args(["validate", fixture(SEED).to_str().unwrap()])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("ok (0 errors, 0 warnings)"));
}

#[test]
fn validate_rejects_a_count_changed_by_one_naming_rule_and_cells() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("/sections/applications/table/new/natural_person", "R3.1"),
        ("/sections/applications/table/carried_forward/total", "R3.1"),
        (
            "/sections/applications/table/results/unable/not_held/natural_person",
            "R3.2",
        ),
        (
            "/sections/applications/table/results/other/legal_services",
            "R3.3",
        ),
        (
            "/sections/reviews/table/administrative_review/corrected",
            "R4.1",
        ),
        ("/sections/reviews/table/litigation_direct/total", "R4.2"),
        (
            "/sections/reviews/table/litigation_after_review/pending",
            "R4.3",
        ),
    ];
    for (pointer, rule) in cases {
        let mut v = seed_value();
        let cell = v.pointer_mut(pointer).unwrap();
        *cell = json!(cell.as_i64().unwrap() + 1);
        let path = write_temp(&dir, "changed.json", &v);
        let out = xxgk()
            .args(["validate", "--error-format", "json", path.to_str().unwrap()])
            .assert()
            .code(1)
            .get_output()
            .stdout
            .clone();
        let findings = json_lines(&out);
        assert!(
            findings.iter().any(|f| f["rule"] == rule
                && f["severity"] == "error"
                && f["cells"].as_array().unwrap().contains(&json!(pointer))),
            "{pointer}: {findings:#?}"
        );
        assert!(findings.iter().all(|f| f["file"] == path.to_str().unwrap()));
    }
}

#[test]
fn text_findings_name_table_row_and_column_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let mut v = seed_value();
    v["sections"]["applications"]["table"]["results"]["total"]["natural_person"] = json!(31);
    let path = write_temp(&dir, "r31.json", &v);
    xxgk()
        .args(["validate", path.to_str().unwrap()])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "error[R3.1] 三、收到和处理政府信息公开申请情况 · 自然人: 一(32) + 二(0) = 32 ≠ （七）总计(31) + 四(0) = 31",
        ))
        .stdout(predicate::str::contains("invalid (3 errors, 0 warnings)"));
}

#[test]
fn schema_errors_exit_1_with_pointer_and_keyword() {
    let expected: Value =
        serde_json::from_str(&fs::read_to_string(fixture("invalid/expected.json")).unwrap())
            .unwrap();
    for (name, want) in expected.as_object().unwrap() {
        let path = fixture(&format!("invalid/{name}.json"));
        let out = xxgk()
            .args(["validate", "--error-format", "json", path.to_str().unwrap()])
            .assert()
            .code(1)
            .get_output()
            .stdout
            .clone();
        let findings = json_lines(&out);
        assert!(
            findings.iter().any(|f| f["pointer"] == want["pointer"]
                && f["rule"] == want["keyword"]
                && f["kind"] == "schema"),
            "{name}: {findings:#?}"
        );
    }
}

#[test]
fn unreadable_input_exits_2_and_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.json");
    fs::write(&broken, "{\n  \"meta\": {,\n}").unwrap();
    xxgk()
        .args(["validate", broken.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "broken.json: error: not valid JSON at line 2, column",
        ));
    xxgk()
        .args(["validate", "no-such-file.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no-such-file.json: error: No such file",
        ));
    xxgk()
        .args(["validate", "report.odt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--from"));
    // A folder is walked for its reports: the broken one is found.
    xxgk()
        .args(["validate", dir.path().to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "broken.json: error: not valid JSON",
        ));
    // The machine-readable form says the same.
    let out = xxgk()
        .args([
            "validate",
            "--error-format",
            "json",
            broken.to_str().unwrap(),
        ])
        .assert()
        .code(2)
        .get_output()
        .stdout
        .clone();
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["kind"], "error");
}

#[test]
fn usage_errors_exit_2() {
    xxgk().assert().code(2);
    xxgk().args(["validate"]).assert().code(2);
    xxgk()
        .args(["convert", "a.json", "--to", "pdf"])
        .assert()
        .code(2);
    xxgk().args(["frobnicate"]).assert().code(2);
    xxgk().arg("--help").assert().code(0);
}

#[test]
fn the_worst_input_sets_the_exit_code() {
    let seed = fixture(SEED);
    let invalid = fixture("invalid/negative-count.json");
    xxgk()
        .args([
            "validate",
            seed.to_str().unwrap(),
            invalid.to_str().unwrap(),
        ])
        .assert()
        .code(1);
    xxgk()
        .args(["validate", invalid.to_str().unwrap(), "missing.json"])
        .assert()
        .code(2);
}

#[test]
fn strict_turns_warnings_into_failure() {
    let dir = tempfile::tempdir().unwrap();
    let mut v = seed_value();
    // Text in a count cell is a warning (D5): it cannot be checked.
    v["sections"]["reviews"]["table"]["litigation_after_review"]["pending"] = json!("见说明");
    let path = write_temp(&dir, "text-cell.json", &v);
    let p = path.to_str().unwrap();
    xxgk()
        .args(["validate", p])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("warning[D5]"));
    xxgk().args(["validate", "--strict", p]).assert().code(1);
}

#[test]
fn stdin_is_dash() {
    xxgk()
        .args(["validate", "-"])
        .write_stdin(fs::read(fixture(SEED)).unwrap())
        .assert()
        .code(0)
        .stdout(predicate::str::contains("<stdin>: ok"));
}

#[test]
fn convert_normalises_json_and_keeps_every_digit() {
    let dir = tempfile::tempdir().unwrap();
    let mut v = seed_value();
    v["sections"]["proactive"]["table"]["item_9"]["rows"]["procurement"]["amount"] =
        serde_json::from_str("6719.38350").unwrap();
    let input = write_temp(&dir, "in.json", &v);
    // Compact, reordered input becomes the canonical, pretty form.
    fs::write(&input, serde_json::to_string(&v).unwrap()).unwrap();
    let out = xxgk()
        .args(["convert", input.to_str().unwrap()])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("\"amount\": 6719.38350"),
        "trailing zero lost"
    );
    assert!(text.starts_with("{\n  \"meta\": {"));
    let again: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(again, v);
    // Converting the output again changes nothing.
    let output = dir.path().join("out.json");
    fs::write(dir.path().join("first.json"), &text).unwrap();
    xxgk()
        .args([
            "convert",
            dir.path().join("first.json").to_str().unwrap(),
            "-o",
        ])
        .arg(&output)
        .assert()
        .code(0);
    assert_eq!(fs::read_to_string(&output).unwrap(), text);
}

#[test]
fn convert_writes_reports_with_rule_violations_and_warns() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("hongze.json");
    xxgk()
        .args([
            "convert",
            fixture("valid/hongze-2023.json").to_str().unwrap(),
            "-o",
        ])
        .arg(&out)
        .assert()
        .code(0)
        .stderr(predicate::str::contains("warning[R4.1]"))
        .stderr(predicate::str::contains("warning[R4.3]"));
    assert!(out.exists());

    let strict = dir.path().join("strict.json");
    xxgk()
        .args([
            "convert",
            "--strict",
            fixture("valid/hongze-2023.json").to_str().unwrap(),
            "-o",
        ])
        .arg(&strict)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not converted"));
    assert!(!strict.exists());
}

#[test]
fn convert_never_writes_invalid_or_partial_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.json");
    xxgk()
        .args([
            "convert",
            fixture("invalid/missing-row.json").to_str().unwrap(),
            "-o",
        ])
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "\"inquiry\" is a required property",
        ));
    assert!(!out.exists());
    // A format this version cannot write: nothing written either.
    let html = dir.path().join("out.html");
    xxgk()
        .args(["convert", fixture(SEED).to_str().unwrap(), "-o"])
        .arg(&html)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("writing html is not supported"));
    assert!(!html.exists());
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no temp file left"
    );
}

#[test]
fn convert_refuses_to_overwrite_its_input() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.json");
    fs::copy(fixture(SEED), &input).unwrap();
    let before = fs::read(&input).unwrap();
    let dotted = dir.path().join(".").join("in.json");
    for target in [&input, &dotted] {
        xxgk()
            .args(["convert", input.to_str().unwrap(), "-o"])
            .arg(target)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("refusing to overwrite an input"));
    }
    assert_eq!(fs::read(&input).unwrap(), before);
}

#[test]
fn convert_many_inputs_into_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    xxgk()
        .args(["convert", "--out-dir"])
        .arg(&out_dir)
        .arg(fixture(SEED))
        .arg(fixture("valid/huaian-2024.json"))
        .assert()
        .code(0);
    assert!(out_dir.join("seed-2020-hengyang.json").exists());
    assert!(out_dir.join("huaian-2024.json").exists());
    xxgk()
        .args(["convert"])
        .arg(fixture(SEED))
        .arg(fixture("valid/huaian-2024.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--out-dir"));
}

#[test]
fn schema_prints_the_shipped_files() {
    let out = xxgk()
        .arg("schema")
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let shipped =
        fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/annual-report.schema.json"))
            .unwrap();
    assert_eq!(out, shipped);
    let out = xxgk()
        .args(["schema", "--rules"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let rules: Value = serde_json::from_slice(&out).unwrap();
    assert!(rules["rules"].as_array().unwrap().len() >= 10);
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let seed = fixture(SEED);
    let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("xxgk"))
        .arg("validate")
        .args(std::iter::repeat_n(&seed, 3000))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // Dropping the reader closes the pipe while xxgk is still writing.
    let out = child.wait_with_output().unwrap();
    assert!(first.ends_with("ok (0 errors, 0 warnings)\n"));
    assert!(out.status.success(), "{:?}", out.status);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn shared_seed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds/000_9bba05bfd81d20bc.txt")
}

#[test]
fn convert_reads_text_docx_and_html_and_keeps_sources_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("seed.json");
    xxgk()
        .args([
            "convert",
            "--with-sources",
            shared_seed().to_str().unwrap(),
            "-o",
        ])
        .arg(&out)
        .assert()
        .code(0)
        .stderr(predicate::str::is_empty());
    let mut v: Value = serde_json::from_str(&fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(
        v["sources"]["/sections/applications/table/new/natural_person"],
        "line 39"
    );
    assert_eq!(v["meta"]["source"]["file"], "000_9bba05bfd81d20bc.txt");
    // A finding on the converted report points into the original text.
    v["sections"]["applications"]["table"]["new"]["natural_person"] = json!(33);
    let changed = write_temp(&dir, "changed.json", &v);
    xxgk()
        .args(["validate", changed.to_str().unwrap()])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("[line 39]"));
    // Without the flag there is no sources map.
    let plain = xxgk()
        .args([
            "convert",
            fixture("../fixtures/docx/seed-pandoc.docx")
                .to_str()
                .unwrap(),
        ])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let plain: Value = serde_json::from_slice(&plain).unwrap();
    assert!(plain.get("sources").is_none());
    assert_eq!(plain["meta"]["source"]["format"], "docx");
    xxgk()
        .args([
            "validate",
            fixture("../fixtures/html/hongze-2024-gbk.html")
                .to_str()
                .unwrap(),
        ])
        .assert()
        .code(0);
}

#[test]
fn metadata_flags_fill_what_the_document_lacks() {
    let out = xxgk()
        .args([
            "convert",
            shared_seed().to_str().unwrap(),
            "--agency",
            "衡阳市自然资源和规划局",
        ])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["meta"]["agency"], "衡阳市自然资源和规划局");
    assert_eq!(v["meta"]["year"], 2020);
}

#[test]
fn a_damaged_docx_is_refused_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("fake.docx");
    fs::write(&fake, "not a zip").unwrap();
    xxgk()
        .args(["validate", fake.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "fake.docx: error: not a .docx: the file is not a zip archive",
        ));
    let out = dir.path().join("out.json");
    xxgk()
        .args(["convert", fake.to_str().unwrap(), "-o"])
        .arg(&out)
        .assert()
        .code(2);
    assert!(!out.exists());
}

#[test]
fn the_readme_sample_converts_to_its_golden() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/hengyang-2020.txt");
    let out = xxgk()
        .args(["convert", sample.to_str().unwrap()])
        .assert()
        .code(0)
        .stderr(predicate::str::is_empty())
        .get_output()
        .stdout
        .clone();
    let mut got: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(got["meta"]["source"]["file"], "hengyang-2020.txt");
    got["meta"]["source"]["file"] = json!("000_9bba05bfd81d20bc.txt");
    assert_eq!(got, seed_value());
}

#[test]
fn a_page_without_a_report_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("news.html");
    fs::write(
        &page,
        "<html><body><h1>新闻</h1><p>今天天气很好。</p></body></html>",
    )
    .unwrap();
    let out = dir.path().join("out.json");
    xxgk()
        .args(["convert", page.to_str().unwrap(), "-o"])
        .arg(&out)
        .assert()
        .code(1)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("error[not_a_report]"));
    assert!(!out.exists());
}

#[test]
fn what_cannot_be_done_is_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("seed.txt");
    fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/hengyang-2020.txt"),
        &input,
    )
    .unwrap();
    let before = fs::read(&input).unwrap();
    // The output names the input, and its extension asks for a format
    // this version cannot write: the first problem is the one reported.
    xxgk()
        .args([
            "convert",
            input.to_str().unwrap(),
            "-o",
            input.to_str().unwrap(),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("refusing to overwrite an input"));
    assert_eq!(fs::read(&input).unwrap(), before);
    xxgk()
        .args(["convert", input.to_str().unwrap(), "--to", "html"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "writing html is not supported yet",
        ));
}

/// A written document read back to JSON by the CLI.
fn read_back(docx: &Path) -> Value {
    let out = xxgk().arg("convert").arg(docx).assert().success();
    serde_json::from_slice(&out.get_output().stdout).unwrap()
}

#[test]
fn convert_writes_docx_that_reads_back_to_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let docx = dir.path().join("seed.docx");
    xxgk()
        .args(["convert", fixture(SEED).to_str().unwrap(), "-o"])
        .arg(&docx)
        .assert()
        .success();
    let mut back = read_back(&docx);
    let mut want = seed_value();
    for v in [&mut back, &mut want] {
        v["meta"].as_object_mut().unwrap().remove("source");
    }
    assert_eq!(back, want);
}

#[test]
fn templates_are_listed_exported_and_checked() {
    xxgk().args(["template", "list"]).assert().success().stdout(
        predicate::str::contains("official-2019").and(predicate::str::contains("official-2021")),
    );
    let dir = tempfile::tempdir().unwrap();
    let exported = dir.path().join("mine");
    xxgk()
        .args(["template", "export", "official-2021"])
        .arg(&exported)
        .assert()
        .success();
    assert!(exported.join("word/document.xml.hbs").exists());
    assert!(exported.join("partials/row.hbs").exists());
    // Exporting again over it is refused.
    xxgk()
        .args(["template", "export", "official-2021"])
        .arg(&exported)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("exists"));
    xxgk()
        .args(["template", "check"])
        .arg(&exported)
        .assert()
        .success();
    // The exported folder is a template: edit it, and the output follows.
    let doc = exported.join("word/document.xml.hbs");
    let source = fs::read_to_string(&doc).unwrap();
    fs::write(
        &doc,
        source.replace(
            "<w:body>",
            "<w:body><w:p><w:r><w:t>{{meta.year}}年（内部稿）</w:t></w:r></w:p>",
        ),
    )
    .unwrap();
    let out = dir.path().join("mine.docx");
    xxgk()
        .args(["convert", fixture(SEED).to_str().unwrap(), "--template"])
        .arg(&exported)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let back = read_back(&out);
    assert_eq!(back["preamble"][0]["text"], "2020年（内部稿）");
    // A tag naming no field: reported with its place, exit 1.
    fs::write(
        &doc,
        source.replace("{{#each preamble}}", "{{#each preambel}}"),
    )
    .unwrap();
    xxgk()
        .args(["template", "check"])
        .arg(&exported)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "word/document.xml.hbs line 7, column 1: {{preambel}}: the report has no field “preambel” here",
        ));
    xxgk()
        .args(["convert", fixture(SEED).to_str().unwrap(), "--template"])
        .arg(&exported)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("preambel"));
}

#[test]
fn a_folder_converts_in_parallel_mirroring_its_tree_and_survives_bad_files() {
    let dir = tempfile::tempdir().unwrap();
    let input = input_folder(
        dir.path(),
        &["seed-pandoc.docx", "huaian-2024-python-docx.docx"],
    );
    fs::write(input.join("broken.json"), "{\"meta\":").unwrap();
    fs::write(input.join("docx/not-a-zip.docx"), "junk").unwrap();
    // The same name in two formats: each keeps its own extension.
    fs::copy(
        fixture("docx/seed-pandoc.docx"),
        input.join("seed-2020-hengyang.docx"),
    )
    .unwrap();
    let before: Vec<(PathBuf, Vec<u8>)> = ["broken.json", "docx/not-a-zip.docx"]
        .iter()
        .map(|p| (input.join(p), fs::read(input.join(p)).unwrap()))
        .collect();
    let mut outputs = Vec::new();
    for jobs in ["1", "2"] {
        let out = dir.path().join(format!("out{jobs}"));
        let report = dir.path().join(format!("report{jobs}.jsonl"));
        convert_folder(&input, &out, jobs, &report)
            .assert()
            .code(2)
            .stderr(
                predicate::str::contains("broken.json: error: not valid JSON at line 1")
                    .and(predicate::str::contains(
                        "not-a-zip.docx: error: not a .docx",
                    ))
                    .and(predicate::str::contains(
                        "5 converted (0 with warnings), 2 failed",
                    )),
            );
        let mut files: Vec<String> = walk_files(&out);
        files.sort();
        assert_eq!(
            files,
            [
                "docx/huaian-2024-python-docx.json",
                "docx/seed-pandoc.json",
                "huaian-2024.json",
                "seed-2020-hengyang.docx.json",
                "seed-2020-hengyang.json.json",
            ]
        );
        let lines: Vec<Value> = json_lines(&fs::read(&report).unwrap());
        assert_eq!(lines.len(), 7);
        let failed: Vec<&str> = lines
            .iter()
            .filter(|l| l["status"] == "failed")
            .map(|l| l["file"].as_str().unwrap())
            .collect();
        assert_eq!(failed.len(), 2, "{lines:?}");
        assert!(lines.iter().all(|l| l["ms"].is_number()));
        outputs.push(
            files
                .iter()
                .map(|f| fs::read(out.join(f)).unwrap())
                .collect::<Vec<_>>(),
        );
    }
    // One thread or two, the same files.
    assert_eq!(outputs[0], outputs[1]);
    for (path, bytes) in before {
        assert_eq!(fs::read(path).unwrap(), bytes);
    }
}

#[test]
fn an_output_that_cannot_be_written_fails_that_file_only() {
    let dir = tempfile::tempdir().unwrap();
    let input = input_folder(dir.path(), &["seed-pandoc.docx"]);
    for jobs in ["1", "2"] {
        let out = dir.path().join(format!("out{jobs}"));
        // A folder where one output goes, a file where another's folder goes.
        fs::create_dir_all(out.join("huaian-2024.json")).unwrap();
        fs::write(out.join("docx"), "in the way").unwrap();
        let report = dir.path().join(format!("report{jobs}.jsonl"));
        convert_folder(&input, &out, jobs, &report)
            .assert()
            .code(2)
            .stderr(
                predicate::str::contains(
                    "huaian-2024.json: a folder of that name is in the way, so the output cannot be written",
                )
                .and(predicate::str::contains(
                    "docx: a file of that name is in the way, so the folder cannot be made",
                ))
                .and(predicate::str::contains("seed-pandoc.docx: error:"))
                    .and(predicate::str::contains(
                        "1 converted (0 with warnings), 2 failed",
                    )),
            );
        let mut files = walk_files(&out);
        files.sort();
        // The good file is written; nothing half-written is left behind.
        assert_eq!(files, ["docx", "seed-2020-hengyang.json"]);
        assert!(out.join("huaian-2024.json").is_dir());
        assert_eq!(fs::read(out.join("docx")).unwrap(), b"in the way");
        let lines: Vec<Value> = json_lines(&fs::read(&report).unwrap());
        let status = |file: &str| {
            lines
                .iter()
                .find(|l| l["file"].as_str().unwrap().ends_with(file))
                .map(|l| {
                    (
                        l["status"].clone(),
                        l["exit"].clone(),
                        l["error"].is_string(),
                    )
                })
                .unwrap()
        };
        assert_eq!(
            status("huaian-2024.json"),
            ("failed".into(), 2.into(), true)
        );
        assert_eq!(
            status("seed-pandoc.docx"),
            ("failed".into(), 2.into(), true)
        );
        assert_eq!(
            status("seed-2020-hengyang.json"),
            ("ok".into(), 0.into(), false)
        );
    }
}

#[test]
fn one_thread_prints_in_the_order_of_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    fs::create_dir_all(&input).unwrap();
    // Broken files fail at once; the others have notes to print and an
    // output to write first.
    let noted = fixture("valid/blank-totals-2019.json");
    for name in ["a", "c", "e", "g"] {
        fs::write(input.join(format!("{name}.json")), "{").unwrap();
    }
    for name in ["b", "d", "f"] {
        fs::copy(&noted, input.join(format!("{name}.json"))).unwrap();
    }
    let out = xxgk()
        .arg("convert")
        .arg(&input)
        .arg("--out-dir")
        .arg(dir.path().join("out"))
        .args(["--jobs", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let mut files: Vec<String> = String::from_utf8(out.stderr)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once(".json: "))
        .map(|(path, _)| path.rsplit('/').next().unwrap().to_owned())
        .collect();
    files.dedup();
    assert_eq!(files, ["a", "b", "c", "d", "e", "f", "g"]);
}

/// `DIR/in` holding two valid JSON reports and, under `docx/`, the named
/// DOCX fixtures.
fn input_folder(dir: &Path, docx: &[&str]) -> PathBuf {
    let input = dir.join("in");
    fs::create_dir_all(input.join("docx")).unwrap();
    for name in ["seed-2020-hengyang.json", "huaian-2024.json"] {
        fs::copy(fixture(&format!("valid/{name}")), input.join(name)).unwrap();
    }
    for name in docx {
        fs::copy(
            fixture(&format!("docx/{name}")),
            input.join("docx").join(name),
        )
        .unwrap();
    }
    input
}

/// `convert IN --out-dir OUT --jobs N --report REPORT`.
fn convert_folder(input: &Path, out: &Path, jobs: &str, report: &Path) -> Command {
    let mut cmd = xxgk();
    cmd.arg("convert")
        .arg(input)
        .arg("--out-dir")
        .arg(out)
        .args(["--jobs", jobs, "--report"])
        .arg(report);
    cmd
}

fn walk_files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            let sub = p.file_name().unwrap().to_string_lossy().into_owned();
            out.extend(walk_files(&p).into_iter().map(|f| format!("{sub}/{f}")));
        } else {
            out.push(p.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    out
}

#[test]
fn a_folder_validates_with_one_summary_and_the_worst_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["seed-2020-hengyang.json", "hongze-2023.json"] {
        fs::copy(fixture(&format!("valid/{name}")), dir.path().join(name)).unwrap();
    }
    xxgk()
        .arg("validate")
        .arg(dir.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("seed-2020-hengyang.json: ok").and(
            predicate::str::contains("hongze-2023.json: invalid (2 errors"),
        ))
        .stderr(predicate::str::contains(
            "1 validated (0 with warnings), 1 failed",
        ));
    xxgk()
        .args(["validate", "--quiet"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::is_empty());
    // A folder to convert needs a folder to write into.
    xxgk()
        .arg("convert")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("need --out-dir"));
}

#[test]
fn table_and_check_series_walk_folders_like_convert() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("reports/2023-2024");
    fs::create_dir_all(&folder).unwrap();
    for name in ["hongze-2023.json", "hongze-2024.json"] {
        fs::copy(fixture(&format!("valid/{name}")), folder.join(name)).unwrap();
    }
    let by_folder = dir.path().join("by-folder.csv");
    xxgk()
        .arg("table")
        .arg(dir.path().join("reports"))
        .arg("-o")
        .arg(&by_folder)
        .assert()
        .success();
    let csv = fs::read_to_string(&by_folder).unwrap();
    assert_eq!(
        csv.lines().count(),
        4,
        "two header rows and two reports:\n{csv}"
    );
    assert!(csv.contains("hongze-2023.json") && csv.contains("hongze-2024.json"));
    xxgk()
        .args(["check-series", "--agency", "洪泽区"])
        .arg(dir.path().join("reports"))
        .assert()
        .success()
        .stdout(predicate::str::contains("ok (9 checks"));
}
