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
use xxgk::convert::{Hints, MAX_INPUT_BYTES};
use xxgk::finding::Status;
use xxgk::write::template::{self, Template};
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
        /// Input files; `-` reads standard input.
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
        #[arg(long)]
        rules: bool,
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
        } => validate(&inputs, from, strict, error_format),
        Command::Convert(args) => convert(&args),
        Command::Template(t) => template_command(t),
        Command::Table(args) => research::table_command(&args),
        Command::CheckSeries(args) => research::series_command(&args),
        Command::Schema { rules } => {
            let text = if rules {
                xxgk::rules::RULES_JSON
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
                "cannot tell the format from the file name: name it with --from json|xml|docx|html|text"
                    .into(),
            )
        })
    }

    /// Reads the whole input, refusing more than [`MAX_INPUT_BYTES`] without
    /// reading past the limit.
    fn read(&self) -> Result<Vec<u8>, Error> {
        let io_err = |source| Error::Io {
            path: self.path.to_owned(),
            source,
        };
        let reader: Box<dyn Read> = if self.is_stdin() {
            Box::new(io::stdin().lock())
        } else {
            if self.path.is_dir() {
                return Err(Error::Usage("is a folder, not a report file".into()));
            }
            Box::new(File::open(self.path).map_err(io_err)?)
        };
        let mut bytes = Vec::new();
        reader
            .take(MAX_INPUT_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(io_err)?;
        if bytes.len() as u64 > MAX_INPUT_BYTES {
            return Err(Error::TooLarge {
                name: "MAX_INPUT_BYTES",
                limit: MAX_INPUT_BYTES,
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
struct Printer {
    format: ErrorFormat,
    to_stdout: bool,
}

impl Printer {
    fn sink(&self) -> Box<dyn Write> {
        if self.to_stdout {
            Box::new(io::stdout().lock())
        } else {
            Box::new(io::stderr().lock())
        }
    }

    fn findings(&self, file: &str, findings: &[Finding]) -> io::Result<()> {
        let mut out = self.sink();
        match self.format {
            ErrorFormat::Json => {
                for finding in findings {
                    let line = serde_json::to_string(&JsonLine { file, finding })
                        .map_err(io::Error::other)?;
                    writeln!(out, "{line}")?;
                }
            }
            ErrorFormat::Text => {
                let mut held: BTreeMap<&str, usize> = BTreeMap::new();
                for f in findings {
                    if f.status == Some(Status::HeldWithBlanks) {
                        *held.entry(f.rule.as_str()).or_default() += 1;
                    } else {
                        writeln!(out, "{file}: {f}")?;
                    }
                }
                if !held.is_empty() {
                    let total: usize = held.values().sum();
                    let which: Vec<String> =
                        held.iter().map(|(r, n)| format!("{r} ×{n}")).collect();
                    writeln!(
                        out,
                        "{file}: note: {total} check{} held only with blank cells read as 0 ({})",
                        if total == 1 { "" } else { "s" },
                        which.join(", ")
                    )?;
                }
            }
        }
        out.flush()
    }

    /// An input that could not be handled at all.
    fn error(&self, file: &str, e: &Error) -> io::Result<()> {
        if let Error::Invalid { findings } = e {
            self.findings(file, findings)?;
        }
        let mut err = io::stderr().lock();
        match self.format {
            ErrorFormat::Json if !matches!(e, Error::Invalid { .. }) => {
                let v = serde_json::json!({
                    "file": file,
                    "kind": "error",
                    "severity": "error",
                    "message": e.to_string(),
                });
                writeln!(self.sink(), "{v}")
            }
            // The input's own I/O error needs no second copy of its name.
            _ => match e {
                Error::Io { path, source } if path.display().to_string() == file => {
                    writeln!(err, "{file}: error: {source}")
                }
                _ => writeln!(err, "{file}: {}: {e}", severity_word(e)),
            },
        }
    }
}

fn severity_word(e: &Error) -> &'static str {
    if matches!(e, Error::Invalid { .. }) {
        "invalid"
    } else {
        "error"
    }
}

fn validate(
    inputs: &[PathBuf],
    from: Option<Format>,
    strict: bool,
    error_format: ErrorFormat,
) -> io::Result<u8> {
    let printer = Printer {
        format: error_format,
        to_stdout: true,
    };
    let mut worst = 0;
    for path in inputs {
        let input = Input { path };
        let name = input.name();
        let loaded = input.format(from).and_then(|f| {
            input
                .read()
                .and_then(|b| xxgk::convert::load_with(&b, f, &input.hints(&Hints::default())))
        });
        let code = match loaded {
            Ok(checked) => {
                printer.findings(&name, &checked.findings)?;
                let failed = checked.findings.iter().any(|f| f.fails(strict));
                if error_format == ErrorFormat::Text {
                    let count = |s| checked.findings.iter().filter(|f| f.severity == s).count();
                    let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
                    let verdict = if failed { "invalid" } else { "ok" };
                    writeln!(
                        io::stdout(),
                        "{name}: {verdict} ({errors} error{}, {warnings} warning{})",
                        plural(errors),
                        plural(warnings)
                    )?;
                }
                u8::from(failed)
            }
            Err(e) => {
                printer.error(&name, &e)?;
                e.exit_code()
            }
        };
        worst = worst.max(code);
    }
    Ok(worst)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[derive(Debug, clap::Args)]
struct ConvertArgs {
    /// Input files; `-` reads standard input.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// Output file; `-` (the default for one input) writes standard output.
    #[arg(short, long, value_name = "OUTPUT", conflicts_with = "out_dir")]
    output: Option<PathBuf>,
    /// Write one output per input into this folder, named after the input.
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
    if args.inputs.len() > 1 && args.out_dir.is_none() {
        let e = Error::Usage("several inputs need --out-dir DIR".into());
        writeln!(io::stderr(), "xxgk: error: {e}")?;
        return Ok(2);
    }
    let mut worst = 0;
    for path in &args.inputs {
        let input = Input { path };
        let name = input.name();
        let code = match convert_one(args, &input, &printer) {
            Ok(code) => code,
            Err(e) => {
                printer.error(&name, &e)?;
                e.exit_code()
            }
        };
        worst = worst.max(code);
    }
    Ok(worst)
}

fn convert_one(args: &ConvertArgs, input: &Input, printer: &Printer) -> Result<u8, Error> {
    let name = input.name();
    let target = match (&args.output, &args.out_dir) {
        (Some(o), _) if o.as_os_str() != "-" => Some(o.clone()),
        (_, Some(dir)) => {
            let to = args.to.unwrap_or(Format::Json);
            let stem = if input.is_stdin() {
                "stdin".into()
            } else {
                input.path.file_stem().unwrap_or_default().to_owned()
            };
            Some(dir.join(stem).with_extension(to.extension()))
        }
        _ => None,
    };
    let to = args
        .to
        .or_else(|| target.as_deref().and_then(Format::from_path))
        .unwrap_or(Format::Json);
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
    let options = xxgk::convert::WriteOptions {
        template: args.template.as_deref().map(load_template).transpose()?,
        no_verify: args.no_verify,
        allow_partial: args.allow_partial,
    };
    let from = input.format(args.from)?;
    let bytes = input.read()?;
    let mut checked = xxgk::convert::load_with(&bytes, from, &input.hints(&args.hints()))?;
    // In a conversion, rule violations are warnings: the report is converted
    // faithfully, errors and all.
    for f in &mut checked.findings {
        if f.severity == Severity::Error {
            f.severity = Severity::Warning;
        }
    }
    printer
        .findings(&name, &checked.findings)
        .map_err(|source| Error::Io {
            path: "<stderr>".into(),
            source,
        })?;
    if args.strict && checked.findings.iter().any(|f| f.fails(true)) {
        let _ = writeln!(
            io::stderr(),
            "{name}: not converted: --strict and the report has warnings"
        );
        return Ok(1);
    }
    if args.with_sources {
        checked.keep_sources();
    }
    let written = checked.write(to, &options)?;
    printer
        .findings(&name, &written.findings)
        .map_err(|source| Error::Io {
            path: "<stderr>".into(),
            source,
        })?;
    let rendered = written.bytes;
    match target {
        Some(path) => {
            if let Some(dir) = &args.out_dir {
                std::fs::create_dir_all(dir).map_err(|source| Error::Io {
                    path: dir.clone(),
                    source,
                })?;
            }
            let inputs: Vec<PathBuf> = args
                .inputs
                .iter()
                .filter(|p| p.as_os_str() != "-")
                .cloned()
                .collect();
            output::write_atomic(&path, &rendered, &inputs)?;
        }
        None => {
            let mut out = io::stdout().lock();
            match out.write_all(&rendered).and_then(|()| out.flush()) {
                Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
                    return Err(Error::Io {
                        path: "<stdout>".into(),
                        source: e,
                    });
                }
                _ => {}
            }
        }
    }
    Ok(0)
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
