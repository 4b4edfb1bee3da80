//! Command-line parsing, input and output plumbing, and printing findings.
//!
//! Exit codes: 0 ok (warnings allowed), 1 invalid data, 2 usage error,
//! unreadable or corrupt input, or I/O error. When a command handles several
//! inputs, the exit code is the worst of them.

mod research;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use xxgk::batch::Job;
use xxgk::convert::{Checked, Hints, MAX_INPUT_BYTES, Verdict};
use xxgk::finding::Status;
use xxgk::write::template::{self, Template};

use crate::run::{self, Outcome};
use xxgk::{Error, Finding, Format, Severity, output, schema};

/// Government information disclosure annual reports (政府信息公开工作年度报告)
/// as validated, structured data.
#[derive(Debug, Parser)]
#[command(name = "xxgk", version, about, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Convert reports between formats, validating them on the way.
    ///
    /// Rule violations are printed as warnings on stderr and the output is
    /// still written (real reports contain arithmetic errors); with --strict
    /// nothing is written and the exit code is 1. A report that does not fit
    /// the schema is never written.
    Convert(ConvertArgs),
    /// Check reports against the schema and the consistency rules.
    ///
    /// Findings go to standard output, one per line. Exit 1 when any report
    /// has schema errors or rule violations (or, with --strict, warnings).
    Validate {
        /// Input files or folders (walked for the formats xxgk reads); `-`
        /// reads standard input.
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<PathBuf>,
        /// Input format [default: from the extension; json for stdin].
        #[arg(long, value_name = "FMT", value_parser = parse_format)]
        from: Option<Format>,
        /// Fail on warnings too.
        #[arg(long)]
        strict: bool,
        /// How to print findings: text for people, json for one JSON object
        /// per finding per line.
        #[arg(long, value_enum, default_value_t = ErrorFormat::Text)]
        error_format: ErrorFormat,
        #[command(flatten)]
        batch: BatchArgs,
    },
    /// List, export and check DOCX templates.
    #[command(subcommand)]
    Template(TemplateCommand),
    /// Tabulate many reports as one CSV or XLSX table.
    ///
    /// One row per report and one column per official cell, or with --long
    /// one row per cell. A report that cannot be read is named on stderr and
    /// left out; the rest are still written, and the exit code says the
    /// worst.
    Table(research::TableArgs),
    /// Check the rules across years (carry-over, 现行有效件数).
    ///
    /// The reports are grouped by agency and compared year by year.
    /// Findings are warnings (exit 0) unless --strict.
    CheckSeries(research::SeriesArgs),
    /// Print the canonical JSON Schema (draft 2020-12).
    Schema {
        /// Print the consistency rules (schemas/rules.json) instead.
        #[arg(long, conflicts_with = "xsd")]
        rules: bool,
        /// Print the XSD of the XML form (schemas/annual-report.xsd) instead.
        #[arg(long)]
        xsd: bool,
    },
}

#[derive(Debug, Subcommand)]
enum TemplateCommand {
    /// The built-in templates.
    List,
    /// Write a built-in template as a folder of Handlebars sources, to
    /// start a template of your own (use it with --template DIR).
    Export {
        /// official-2019 or official-2021.
        name: String,
        /// An empty or new folder.
        dir: PathBuf,
    },
    /// Report every tag that names no field of the report, before anything
    /// is rendered.
    Check {
        /// A template folder, a .docx with tags, or a built-in name.
        template: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ErrorFormat {
    Text,
    Json,
}

fn parse_format(s: &str) -> Result<Format, String> {
    s.parse()
}

/// Parses the command line and runs it.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Validate {
            inputs,
            from,
            strict,
            error_format,
            batch,
        } => validate(&inputs, from, strict, error_format, &batch),
        Command::Convert(args) => convert(&args),
        Command::Template(t) => template_command(t),
        Command::Table(args) => research::table_command(&args),
        Command::CheckSeries(args) => research::series_command(&args),
        Command::Schema { rules, xsd } => {
            let text = if rules {
                xxgk::rules::RULES_JSON
            } else if xsd {
                xxgk::xml::XSD
            } else {
                schema::SCHEMA_JSON
            };
            io::stdout().write_all(text.as_bytes()).map(|()| 0)
        }
    };
    match result {
        Ok(code) => ExitCode::from(code),
        // A closed pipe (`xxgk schema | head`) is not an error.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(io::stderr(), "xxgk: error: {e}");
            ExitCode::from(2)
        }
    }
}

/// An input as named on the command line.
struct Input<'a> {
    path: &'a Path,
}

impl Input<'_> {
    fn is_stdin(&self) -> bool {
        self.path.as_os_str() == "-"
    }

    fn name(&self) -> String {
        if self.is_stdin() {
            "<stdin>".into()
        } else {
            self.path.display().to_string()
        }
    }

    /// What the reader should know about this input: its file name.
    fn hints(&self, base: &Hints) -> Hints {
        let mut hints = base.clone();
        if !self.is_stdin() {
            hints.file = self
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned());
        }
        hints
    }

    fn format(&self, given: Option<Format>) -> Result<Format, Error> {
        if let Some(f) = given {
            return Ok(f);
        }
        if self.is_stdin() {
            return Ok(Format::Json);
        }
        Format::from_path(self.path).ok_or_else(|| {
            Error::Usage(
                "cannot tell the format from the file name: name it with --from json|xml|docx|html|text|pdf"
                    .into(),
            )
        })
    }

    /// Reads and validates the input: its format (given, or from its name),
    /// its bytes (at most `limit`), then the report, with what `base` tells
    /// the reader beside the file's name.
    fn load(&self, from: Option<Format>, base: &Hints, limit: u64) -> Result<Checked, Error> {
        let format = self.format(from)?;
        let bytes = self.read(limit)?;
        xxgk::convert::load_limited(&bytes, format, &self.hints(base), limit)
    }

    /// [`Input::load`], keeping only what validation found.
    fn verify(&self, from: Option<Format>, limit: u64) -> Result<Verdict, Error> {
        let format = self.format(from)?;
        let bytes = self.read(limit)?;
        xxgk::convert::verify(&bytes, format, &self.hints(&Hints::default()), limit)
    }

    /// Reads the whole input, refusing more than `limit` bytes without
    /// reading past the limit.
    fn read(&self, limit: u64) -> Result<Vec<u8>, Error> {
        let io_err = |source| Error::Io {
            path: self.path.to_owned(),
            source,
        };
        let mut bytes = Vec::new();
        let reader: Box<dyn Read> = if self.is_stdin() {
            Box::new(io::stdin().lock())
        } else {
            if self.path.is_dir() {
                return Err(Error::Usage("is a folder, not a report file".into()));
            }
            let file = File::open(self.path).map_err(io_err)?;
            // Read in one go where the size is known (one more byte shows
            // the end); a file that grows meanwhile is still read to the limit.
            if let Ok(meta) = file.metadata() {
                let want = meta.len().min(limit).saturating_add(1);
                bytes.reserve_exact(usize::try_from(want).unwrap_or(0));
            }
            Box::new(file)
        };
        reader
            .take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(io_err)?;
        if bytes.len() as u64 > limit {
            return Err(Error::TooLarge {
                name: "MAX_INPUT_BYTES",
                limit,
            });
        }
        Ok(bytes)
    }
}

/// One finding as a line of `--error-format json`, its file first.
#[derive(serde::Serialize)]
struct JsonLine<'a> {
    file: &'a str,
    #[serde(flatten)]
    finding: &'a Finding,
}

/// Where findings are printed and how.
#[derive(Clone, Copy)]
struct Printer {
    format: ErrorFormat,
    to_stdout: bool,
}

impl Printer {
    fn findings(&self, file: &str, findings: &[Finding], o: &mut Outcome) {
        let out = o.sink(self.to_stdout);
        match self.format {
            ErrorFormat::Json => {
                for finding in findings {
                    if let Ok(line) = serde_json::to_string(&JsonLine { file, finding }) {
                        let _ = writeln!(out, "{line}");
                    }
                }
            }
            ErrorFormat::Text => {
                let mut held: BTreeMap<&str, usize> = BTreeMap::new();
                for f in findings {
                    if f.status == Some(Status::HeldWithBlanks) {
                        *held.entry(f.rule.as_str()).or_default() += 1;
                    } else {
                        let _ = writeln!(out, "{file}: {f}");
                    }
                }
                if !held.is_empty() {
                    let total: usize = held.values().sum();
                    let which: Vec<String> =
                        held.iter().map(|(r, n)| format!("{r} ×{n}")).collect();
                    let _ = writeln!(
                        out,
                        "{file}: note: {total} check{} held only with blank cells read as 0 ({})",
                        if total == 1 { "" } else { "s" },
                        which.join(", ")
                    );
                }
            }
        }
    }

    /// [`Printer::findings`], printed at once.
    fn print_findings(&self, file: &str, findings: &[Finding]) -> io::Result<()> {
        let mut o = Outcome::default();
        self.findings(file, findings, &mut o);
        o.flush()
    }

    /// [`Printer::error`], printed at once.
    fn print_error(&self, file: &str, e: &Error) -> io::Result<()> {
        let mut o = Outcome::default();
        self.error(file, e, &mut o);
        o.flush()
    }

    /// An input that could not be handled at all.
    fn error(&self, file: &str, e: &Error, o: &mut Outcome) {
        if let Error::Invalid { findings } = e {
            self.findings(file, findings, o);
        }
        match self.format {
            ErrorFormat::Json if !matches!(e, Error::Invalid { .. }) => {
                let v = serde_json::json!({
                    "file": file,
                    "kind": "error",
                    "severity": "error",
                    "message": e.to_string(),
                });
                let _ = writeln!(o.sink(self.to_stdout), "{v}");
            }
            // The input's own I/O error needs no second copy of its name.
            _ => {
                let _ = match e {
                    Error::Io { path, source } if path.display().to_string() == file => {
                        writeln!(o.stderr, "{file}: error: {source}")
                    }
                    _ => writeln!(o.stderr, "{file}: {}: {e}", severity_word(e)),
                };
            }
        }
        o.code = e.exit_code();
        o.note("status", || "failed".into());
        let code = o.code;
        o.note("exit", || code.into());
        o.note("error", || e.to_string().into());
        if let Error::Invalid { findings } = e {
            o.note("findings", || json_findings(findings));
        }
    }
}

fn json_findings(findings: &[Finding]) -> serde_json::Value {
    serde_json::to_value(findings).unwrap_or_default()
}

/// The editions a report's tables follow, for the `--report` file.
fn editions(report: &xxgk::Report) -> serde_json::Value {
    let value = serde_json::to_value(report).unwrap_or_default();
    editions_map(&xxgk::write::docx::editions(&value))
}

fn editions_map(editions: &[(String, xxgk::model::Edition)]) -> serde_json::Value {
    let map: serde_json::Map<String, serde_json::Value> = editions
        .iter()
        .map(|(place, e)| (place.clone(), e.as_str().into()))
        .collect();
    map.into()
}

fn severity_word(e: &Error) -> &'static str {
    if matches!(e, Error::Invalid { .. }) {
        "invalid"
    } else {
        "error"
    }
}

/// How many files at once, whether to show progress, where to report.
#[derive(Debug, clap::Args)]
struct BatchArgs {
    /// Files handled at once [default: the cores available].
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    /// No progress bar and no summary.
    #[arg(long, short)]
    quiet: bool,
    /// Write one JSON line per file here: status, findings, editions, time.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Refuse inputs larger than this, in bytes (MAX_INPUT_BYTES).
    #[arg(long, value_name = "BYTES", default_value_t = MAX_INPUT_BYTES)]
    max_input_bytes: u64,
}

impl BatchArgs {
    /// The run's options; `writes` when files are written (not printed).
    fn options(&self, verb: &'static str, writes: bool) -> run::Options {
        run::Options {
            jobs: self.jobs.unwrap_or_else(run::default_jobs).max(1),
            quiet: self.quiet,
            report: self.report.clone(),
            verb,
            writes,
        }
    }
}

/// Expands folders into their report files, or says why not.
fn jobs_of(inputs: &[PathBuf]) -> Result<Vec<Job>, u8> {
    xxgk::batch::walk(inputs).map_err(|e| {
        let _ = writeln!(io::stderr(), "xxgk: error: {e}");
        e.exit_code()
    })
}

fn validate(
    inputs: &[PathBuf],
    from: Option<Format>,
    strict: bool,
    error_format: ErrorFormat,
    batch: &BatchArgs,
) -> io::Result<u8> {
    let printer = Printer {
        format: error_format,
        to_stdout: true,
    };
    let jobs = match jobs_of(inputs) {
        Ok(j) => j,
        Err(code) => return Ok(code),
    };
    let want_record = batch.report.is_some();
    run::run(&jobs, &batch.options("validated", false), |job| {
        let mut o = Outcome::new(want_record);
        let input = Input { path: &job.path };
        let name = input.name();
        match input.verify(from, batch.max_input_bytes) {
            Ok(checked) => {
                printer.findings(&name, &checked.findings, &mut o);
                let failed = checked.findings.iter().any(|f| f.fails(strict));
                let count = |s| checked.findings.iter().filter(|f| f.severity == s).count();
                let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
                if error_format == ErrorFormat::Text {
                    let verdict = if failed { "invalid" } else { "ok" };
                    let _ = writeln!(
                        o.stdout,
                        "{name}: {verdict} ({errors} error{}, {warnings} warning{})",
                        plural(errors),
                        plural(warnings)
                    );
                }
                o.code = u8::from(failed);
                o.warnings = warnings > 0;
                let status = if failed {
                    "invalid"
                } else if warnings > 0 {
                    "warnings"
                } else {
                    "ok"
                };
                o.note("status", || status.into());
                let code = o.code;
                o.note("exit", || code.into());
                o.note("editions", || editions_map(&checked.editions()));
                o.note("findings", || json_findings(&checked.findings));
            }
            Err(e) => printer.error(&name, &e, &mut o),
        }
        o
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[derive(Debug, clap::Args)]
struct ConvertArgs {
    /// Input files or folders (walked for .json .xml .docx .html .htm .txt
    /// .md files); `-` reads standard input.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// Output file; `-` (the default for one input) writes standard output.
    #[arg(short, long, value_name = "OUTPUT", conflicts_with = "out_dir")]
    output: Option<PathBuf>,
    /// Write one output per input into this folder, named after the input;
    /// files found in a folder keep their path under it.
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
    /// Input format [default: from the extension; json for stdin].
    #[arg(long, value_name = "FMT", value_parser = parse_format)]
    from: Option<Format>,
    /// Output format [default: from the output's extension, else json].
    #[arg(long, value_name = "FMT", value_parser = parse_format)]
    to: Option<Format>,
    /// Treat rule warnings as errors: write nothing and exit 1.
    #[arg(long)]
    strict: bool,
    /// How to print findings.
    #[arg(long, value_enum, default_value_t = ErrorFormat::Text)]
    error_format: ErrorFormat,
    /// The publishing agency (发布机构), when the document does not say.
    #[arg(long, value_name = "NAME")]
    agency: Option<String>,
    /// The report's year, when the document does not say.
    #[arg(long, value_name = "YEAR")]
    year: Option<i32>,
    /// The report's title, when the document does not say.
    #[arg(long, value_name = "TITLE")]
    title: Option<String>,
    /// Also write where each table value was read in the source
    /// (`sources`: JSON pointer -> `表2 第4行 第4列` or `line 39`).
    #[arg(long)]
    with_sources: bool,
    /// DOCX template: official-2019, official-2021 (default: the report's
    /// edition), a template folder, or a .docx with Handlebars tags.
    #[arg(long, value_name = "NAME|PATH")]
    template: Option<String>,
    /// Do not read a written DOCX back to check it gives the same report.
    #[arg(long)]
    no_verify: bool,
    /// Filling a blank form that does not fit the data: fill what matches
    /// and list what was not placed, instead of writing nothing.
    #[arg(long)]
    allow_partial: bool,
    #[command(flatten)]
    batch: BatchArgs,
}

impl ConvertArgs {
    /// What the reader is told that the document may not say.
    fn hints(&self) -> Hints {
        Hints {
            agency: self.agency.clone(),
            year: self.year,
            title: self.title.clone(),
            ..Hints::default()
        }
    }
}

fn convert(args: &ConvertArgs) -> io::Result<u8> {
    let printer = Printer {
        format: args.error_format,
        to_stdout: false,
    };
    let single =
        args.inputs.len() == 1 && (args.inputs[0].as_os_str() == "-" || !args.inputs[0].is_dir());
    let usage = |message: &str| -> io::Result<u8> {
        writeln!(io::stderr(), "xxgk: error: {message}")?;
        Ok(2)
    };
    if !single && args.out_dir.is_none() {
        return usage("several inputs, or a folder, need --out-dir DIR");
    }
    // The template is read once for all the files.
    let options = match args.template.as_deref().map(load_template).transpose() {
        Ok(template) => xxgk::convert::WriteOptions {
            template,
            no_verify: args.no_verify,
            allow_partial: args.allow_partial,
        },
        Err(e) => return usage(&e.to_string()),
    };
    let jobs = match jobs_of(&args.inputs) {
        Ok(j) => j,
        Err(code) => return Ok(code),
    };
    let to = args.to.unwrap_or_else(|| {
        args.output
            .as_deref()
            .and_then(Format::from_path)
            .unwrap_or(Format::Json)
    });
    let targets: Vec<Option<PathBuf>> = match (&args.out_dir, &args.output) {
        (Some(dir), _) => xxgk::batch::outputs(&jobs, dir, to)
            .into_iter()
            .map(Some)
            .collect(),
        (None, Some(o)) if o.as_os_str() != "-" => vec![Some(o.clone())],
        _ => vec![None],
    };
    let index: BTreeMap<&Path, usize> = jobs
        .iter()
        .enumerate()
        .map(|(i, j)| (j.path.as_path(), i))
        .collect();
    let want_record = args.batch.report.is_some();
    let writes = targets.iter().any(Option::is_some);
    run::run(&jobs, &args.batch.options("converted", writes), |job| {
        let mut o = Outcome::new(want_record);
        let input = Input { path: &job.path };
        let name = input.name();
        let target = targets[index[job.path.as_path()]].clone();
        if let Some(t) = &target {
            o.note("output", || t.display().to_string().into());
        }
        if let Err(e) = convert_one(args, &input, target, to, &options, &printer, &mut o) {
            printer.error(&name, &e, &mut o);
        }
        o
    })
}

fn convert_one(
    args: &ConvertArgs,
    input: &Input,
    target: Option<PathBuf>,
    to: Format,
    options: &xxgk::convert::WriteOptions,
    printer: &Printer,
    o: &mut Outcome,
) -> Result<(), Error> {
    let name = input.name();
    // What cannot be done is said before the input is read.
    if let Some(t) = &target
        && !input.is_stdin()
        && output::same_file(input.path, t)
    {
        return Err(Error::Usage(format!(
            "the output {} is the input: refusing to overwrite an input",
            t.display()
        )));
    }
    if !to.writable() {
        return Err(Error::Unsupported {
            format: to,
            direction: "writing",
        });
    }
    if to == Format::Docx && target.is_none() && io::stdout().is_terminal() {
        return Err(Error::Usage(
            "a DOCX is not for a terminal: name the output file with -o".into(),
        ));
    }
    let mut checked = input.load(args.from, &args.hints(), args.batch.max_input_bytes)?;
    // In a conversion, rule violations are warnings: the report is converted
    // faithfully, errors and all.
    for f in &mut checked.findings {
        if f.severity == Severity::Error {
            f.severity = Severity::Warning;
        }
    }
    printer.findings(&name, &checked.findings, o);
    o.note("editions", || editions(&checked.report));
    if args.strict && checked.findings.iter().any(|f| f.fails(true)) {
        let _ = writeln!(
            o.stderr,
            "{name}: not converted: --strict and the report has warnings"
        );
        o.code = 1;
        o.note("status", || "refused".into());
        o.note("exit", || 1.into());
        o.note("findings", || json_findings(&checked.findings));
        return Ok(());
    }
    if args.with_sources {
        checked.keep_sources();
    }
    let written = checked.write(to, options)?;
    printer.findings(&name, &written.findings, o);
    let mut findings = checked.findings;
    findings.extend(written.findings);
    o.warnings = findings.iter().any(|f| f.severity == Severity::Warning);
    match target {
        Some(path) => {
            let inputs = if input.is_stdin() {
                Vec::new()
            } else {
                vec![input.path.to_owned()]
            };
            let bytes = written.bytes;
            let printer = *printer;
            // Written on the writing thread, which records a failure.
            o.then = Some(Box::new(move |o: &mut Outcome| {
                if let Err(e) = write_output(&path, &bytes, &inputs) {
                    printer.error(&name, &e, o);
                }
            }));
        }
        None => {
            // Printed after this file's messages, in order.
            o.stdout.extend_from_slice(&written.bytes);
        }
    }
    let status = if o.warnings { "warnings" } else { "ok" };
    o.note("status", || status.into());
    o.note("exit", || 0.into());
    o.note("findings", || json_findings(&findings));
    Ok(())
}

/// Writes a converted file, making its folder first.
fn write_output(path: &Path, bytes: &[u8], inputs: &[PathBuf]) -> Result<(), Error> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        output::make_folder(dir)?;
    }
    output::write_atomic(path, bytes, inputs)
}

/// A built-in template by name, or a template folder or tagged `.docx`.
fn load_template(spec: &str) -> Result<Template, Error> {
    if let Some(t) = template::builtin(spec) {
        return Ok(t);
    }
    let path = Path::new(spec);
    if !path.exists() {
        return Err(Error::Usage(format!(
            "no template {spec:?}: name a built-in one ({}) or a template folder or .docx",
            template::BUILTIN.join(", ")
        )));
    }
    template::load(path)
}

fn template_command(cmd: TemplateCommand) -> io::Result<u8> {
    let mut out = io::stdout().lock();
    let result: Result<u8, Error> = match cmd {
        TemplateCommand::List => {
            for name in template::BUILTIN {
                let t = template::builtin(name).expect("built in");
                writeln!(out, "{name}\t{}", t.description)?;
            }
            Ok(0)
        }
        TemplateCommand::Export { name, dir } => match template::builtin(&name) {
            None => Err(Error::Usage(format!(
                "no built-in template {name:?}: use {}",
                template::BUILTIN.join(" or ")
            ))),
            Some(t) => template::export(&t, &dir).map(|files| {
                let _ = writeln!(
                    io::stderr(),
                    "wrote {} files of {name} into {}",
                    files.len(),
                    dir.display()
                );
                0
            }),
        },
        TemplateCommand::Check { template: spec } => load_template(&spec).map(|t| {
            let problems = xxgk::write::check::check(&t);
            for p in &problems {
                let _ = writeln!(out, "{p}");
            }
            if problems.is_empty() {
                let _ = writeln!(
                    io::stderr(),
                    "{}: every tag names a field of the report",
                    t.name
                );
                0
            } else {
                let n = problems.len();
                let what = if n == 1 { "tag names" } else { "tags name" };
                let _ = writeln!(
                    io::stderr(),
                    "{}: {n} {what} no field of the report",
                    t.name
                );
                1
            }
        }),
    };
    match result {
        Ok(code) => Ok(code),
        Err(e) => {
            writeln!(io::stderr(), "xxgk: error: {e}")?;
            Ok(e.exit_code())
        }
    }
}
