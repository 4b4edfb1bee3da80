//! The commands for research over many reports: `table` (one CSV or XLSX
//! table of them all) and `check-series` (the rules across years).

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use clap::ValueEnum;
use serde_json::Value;
use xxgk::convert::{Checked, Hints, MAX_INPUT_BYTES};
use xxgk::series::{self, Member, SeriesFinding};
use xxgk::table::{self, Entry};
use xxgk::{Error, Finding, Format, Severity, output};

use super::{ErrorFormat, Input, Printer, parse_format, plural};

#[derive(Debug, clap::Args)]
pub(super) struct TableArgs {
    /// Input files, in any format xxgk reads; `-` reads standard input.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// Output file, .csv or .xlsx; `-` (the default) writes CSV to standard
    /// output.
    #[arg(short, long, value_name = "OUTPUT")]
    output: Option<PathBuf>,
    /// Output format [default: from the output's extension, else csv].
    #[arg(long, value_enum, value_name = "FMT")]
    to: Option<TableFormat>,
    /// One row per cell (report, table, row, column, name, value, text)
    /// instead of one row per report.
    #[arg(long)]
    long: bool,
    /// Leave out the second header row of Chinese labels (wide table).
    #[arg(long)]
    no_labels: bool,
    /// Input format [default: from the extension; json for stdin].
    #[arg(long, value_name = "FMT", value_parser = parse_format)]
    from: Option<Format>,
    /// How to print errors and reading warnings.
    #[arg(long, value_enum, default_value_t = ErrorFormat::Text)]
    error_format: ErrorFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum TableFormat {
    Csv,
    Xlsx,
}

#[derive(Debug, clap::Args)]
pub(super) struct SeriesArgs {
    /// Input files, in any format xxgk reads.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// Input format [default: from the extension; json for stdin].
    #[arg(long, value_name = "FMT", value_parser = parse_format)]
    from: Option<Format>,
    /// Treat every input as this agency's report, whatever agency it names.
    #[arg(long, value_name = "NAME")]
    agency: Option<String>,
    /// Violations are errors (exit 1), and so are warnings.
    #[arg(long)]
    strict: bool,
    /// How to print findings: text for people, json for one JSON object
    /// per finding per line.
    #[arg(long, value_enum, default_value_t = ErrorFormat::Text)]
    error_format: ErrorFormat,
}

/// Reads and validates one input, as `validate` does; the report comes back
/// as JSON for the layouts.
fn load(input: &Input, from: Option<Format>) -> Result<(Checked, Value), Error> {
    let checked = input.load(from, &Hints::default(), MAX_INPUT_BYTES)?;
    let value = serde_json::to_value(&checked.report)
        .map_err(|e| Error::Usage(format!("cannot serialise report: {e}")))?;
    Ok((checked, value))
}

/// Loads every input; one that fails is reported (as `convert` does) and
/// left out. Returns the loaded reports and the worst exit code so far.
fn load_all(
    inputs: &[PathBuf],
    from: Option<Format>,
    printer: &Printer,
) -> io::Result<(Vec<(String, Value)>, u8)> {
    let mut loaded = Vec::new();
    let mut worst = 0;
    // Folders are walked for their reports, as `convert` and `validate` do.
    let jobs = match xxgk::batch::walk(inputs) {
        Ok(jobs) => jobs,
        Err(e) => {
            writeln!(io::stderr(), "xxgk: error: {e}")?;
            return Ok((loaded, e.exit_code()));
        }
    };
    for job in &jobs {
        let input = Input { path: &job.path };
        let name = input.name();
        match load(&input, from) {
            Ok((checked, value)) => {
                // Reading warnings say where a value may be missing; the
                // rules are `validate`'s business.
                let read: Vec<Finding> = checked
                    .findings
                    .into_iter()
                    .filter(|f| f.kind == "read" && f.severity > Severity::Info)
                    .collect();
                printer.print_findings(&name, &read)?;
                loaded.push((name, value));
            }
            Err(e) => {
                printer.print_error(&name, &e)?;
                worst = worst.max(e.exit_code());
            }
        }
    }
    Ok((loaded, worst))
}

pub(super) fn table_command(args: &TableArgs) -> io::Result<u8> {
    let printer = Printer {
        format: args.error_format,
        to_stdout: false,
    };
    let target = args.output.as_deref().filter(|p| p.as_os_str() != "-");
    let by_name = target.and_then(|p| {
        let ext = p.extension()?.to_str()?.to_ascii_lowercase();
        TableFormat::from_str(&ext, true).ok()
    });
    let format = match (args.to, by_name, target) {
        (Some(f), _, _) | (None, Some(f), _) => f,
        (None, None, None) => TableFormat::Csv,
        (None, None, Some(p)) => {
            return usage(&format!(
                "cannot tell the table format from {}: name it .csv or .xlsx, or use --to csv|xlsx",
                p.display()
            ));
        }
    };
    if format == TableFormat::Xlsx && target.is_none() && io::stdout().is_terminal() {
        return usage("an XLSX is not for a terminal: name the output file with -o");
    }
    if let Some(t) = target
        && let Some(input) = args.inputs.iter().find(|i| output::same_file(i, t))
    {
        return usage(&format!(
            "the output {} is the input {}: refusing to overwrite an input",
            t.display(),
            input.display()
        ));
    }
    let (loaded, mut worst) = load_all(&args.inputs, args.from, &printer)?;
    if loaded.is_empty() {
        writeln!(
            io::stderr(),
            "xxgk: no report could be read; nothing was written"
        )?;
        return Ok(worst.max(1));
    }
    let entries: Vec<Entry> = loaded
        .iter()
        .map(|(file, report)| Entry { file, report })
        .collect();
    let sheet = if args.long {
        table::long(&entries)
    } else {
        table::wide(&entries, !args.no_labels)
    };
    let bytes = match format {
        TableFormat::Csv => table::to_csv(&sheet),
        TableFormat::Xlsx if args.long => table::to_xlsx(&[&sheet]),
        TableFormat::Xlsx => table::to_xlsx(&[&sheet, &table::codebook()]),
    };
    let written = bytes.and_then(|bytes| match target {
        Some(path) => output::write_atomic(path, &bytes, &args.inputs),
        None => {
            let mut out = io::stdout().lock();
            match out.write_all(&bytes).and_then(|()| out.flush()) {
                Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(Error::Io {
                    path: "<stdout>".into(),
                    source: e,
                }),
                _ => Ok(()),
            }
        }
    });
    if let Err(e) = written {
        writeln!(io::stderr(), "xxgk: error: {e}")?;
        worst = worst.max(2);
    } else if let Some(path) = target {
        writeln!(
            io::stderr(),
            "wrote {} report{} to {}",
            loaded.len(),
            plural(loaded.len()),
            path.display()
        )?;
    }
    Ok(worst)
}

fn usage(message: &str) -> io::Result<u8> {
    writeln!(io::stderr(), "xxgk: error: {message}")?;
    Ok(2)
}

pub(super) fn series_command(args: &SeriesArgs) -> io::Result<u8> {
    let printer = Printer {
        format: args.error_format,
        to_stdout: true,
    };
    let (loaded, worst) = load_all(&args.inputs, args.from, &printer)?;
    let members: Vec<Member> = loaded
        .iter()
        .map(|(file, report)| Member { file, report })
        .collect();
    let options = series::Options {
        agency: args.agency.clone(),
        strict: args.strict,
    };
    let outcome = series::check(&members, &options);
    let failed = outcome
        .findings
        .iter()
        .any(|f| f.finding.fails(args.strict));
    match args.error_format {
        ErrorFormat::Json => {
            let mut out = io::stdout().lock();
            for f in &outcome.findings {
                let line = serde_json::to_string(f).map_err(io::Error::other)?;
                writeln!(out, "{line}")?;
            }
        }
        ErrorFormat::Text => print_series(&printer, &outcome)?,
    }
    Ok(worst.max(u8::from(failed)))
}

/// Findings under `last year's file → this year's file`, then one verdict
/// per pair compared.
fn print_series(printer: &Printer, outcome: &series::Outcome) -> io::Result<()> {
    let label = |f: &SeriesFinding| match &f.previous {
        Some(p) => format!("{} → {}", p.file, f.file),
        None => f.file.clone(),
    };
    let mut rest = outcome.findings.as_slice();
    while let Some(first) = rest.first() {
        let name = label(first);
        let n = rest.iter().take_while(|f| label(f) == name).count();
        let findings: Vec<Finding> = rest[..n].iter().map(|f| f.finding.clone()).collect();
        printer.print_findings(&name, &findings)?;
        rest = &rest[n..];
    }
    let mut out = io::stdout().lock();
    for pair in &outcome.pairs {
        let of_pair = |s: Severity| {
            outcome
                .findings
                .iter()
                .filter(|f| {
                    f.file == pair.current
                        && f.previous.as_ref().is_some_and(|p| p.file == pair.previous)
                        && f.finding.severity == s
                        && f.finding.kind == "rule"
                })
                .count()
        };
        let (errors, warnings) = (of_pair(Severity::Error), of_pair(Severity::Warning));
        let verdict = if errors + warnings == 0 {
            "ok"
        } else {
            "differ"
        };
        writeln!(
            out,
            "{} → {}: {} {}: {verdict} ({} check{}, {errors} error{}, {warnings} warning{})",
            pair.previous,
            pair.current,
            pair.agency,
            pair.year,
            pair.checks,
            plural(pair.checks),
            plural(errors),
            plural(warnings)
        )?;
    }
    if outcome.pairs.is_empty() {
        writeln!(
            out,
            "no two reports of one agency in consecutive years: nothing was compared"
        )?;
    }
    out.flush()
}
