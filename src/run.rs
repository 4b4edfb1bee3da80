//! Running a command over many files: in parallel on a pool of `--jobs`
//! threads, each file's messages printed together when it is done, a
//! progress bar on a terminal, a summary, and a JSON-lines report.
//!
//! When files are written, each output is written on a writing thread (one
//! for each converting thread): creating the file, syncing it to disk and
//! renaming it over the target wait on the disk, and meanwhile the next file
//! is converted. The writing threads also print each file's messages; with
//! one converting thread, in the order of the files. Otherwise (`validate`,
//! or output printed) each file is finished where it was handled.
//!
//! Memory does not grow with the number of files: each file's output is
//! held only until it is written and printed, and only a few files can be
//! waiting for the writing thread at a time.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use serde_json::Value;
use xxgk::batch::Job;

/// What handling one file printed, and how it ended.
#[derive(Default)]
pub struct Outcome {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// 0 ok, 1 invalid, 2 could not be handled.
    pub code: u8,
    /// Done, with warnings.
    pub warnings: bool,
    /// The file's line of the `--report` file.
    pub record: serde_json::Map<String, Value>,
    /// Whether that line is wanted.
    keep: bool,
    /// What is left to do on the writing thread (writing the output file),
    /// before the outcome is printed.
    pub then: Option<Deferred>,
}

/// Work left for the writing thread; it records a failure in the outcome.
pub type Deferred = Box<dyn FnOnce(&mut Outcome) + Send>;

impl Outcome {
    /// An outcome whose `--report` line is kept only when `record` says so.
    pub fn new(record: bool) -> Outcome {
        Outcome {
            keep: record,
            ..Outcome::default()
        }
    }

    /// Adds a field to the file's `--report` line, worked out only when a
    /// report is being written.
    pub fn note(&mut self, key: &str, value: impl FnOnce() -> Value) {
        if self.keep {
            self.record.insert(key.to_owned(), value());
        }
    }

    /// Prints what was held: standard error, then standard output.
    pub fn flush(&self) -> io::Result<()> {
        io::stderr().write_all(&self.stderr)?;
        let mut out = io::stdout().lock();
        out.write_all(&self.stdout)?;
        out.flush()
    }

    pub fn sink(&mut self, to_stdout: bool) -> &mut Vec<u8> {
        if to_stdout {
            &mut self.stdout
        } else {
            &mut self.stderr
        }
    }
}

pub struct Options {
    pub jobs: usize,
    pub quiet: bool,
    /// Where to write one JSON line per file.
    pub report: Option<PathBuf>,
    /// `converted`, `validated`.
    pub verb: &'static str,
    /// Whether files leave work for writing threads ([`Outcome::then`]);
    /// without, each file is finished on the thread that handled it.
    pub writes: bool,
}

/// The threads to use by default: the cores available.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

struct Tally {
    done: usize,
    warnings: usize,
    failed: usize,
    worst: u8,
    report: Option<BufWriter<tempfile::NamedTempFile>>,
}

/// Runs `work` on every job and prints as each one finishes. Returns the
/// worst exit code; a closed standard output stops the run quietly.
pub fn run<F>(jobs: &[Job], opts: &Options, work: F) -> io::Result<u8>
where
    F: Fn(&Job) -> Outcome + Sync,
{
    let started = Instant::now();
    let report = match &opts.report {
        Some(path) => {
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(std::path::Path::new("."));
            Some(BufWriter::new(xxgk::output::temp_in(dir)?))
        }
        None => None,
    };
    let tally = Mutex::new(Tally {
        done: 0,
        warnings: 0,
        failed: 0,
        worst: 0,
        report,
    });
    let bar = if !opts.quiet && io::stderr().is_terminal() && jobs.len() > 1 {
        let bar =
            ProgressBar::with_draw_target(Some(jobs.len() as u64), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} {elapsed} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let closed = AtomicBool::new(false);
    let failure: Mutex<Option<io::Error>> = Mutex::new(None);
    let finish = |job: &Job, o: Outcome| {
        let mut t = tally.lock().unwrap_or_else(|e| e.into_inner());
        let printed = bar.suspend(|| o.flush());
        if let Err(e) = printed {
            if e.kind() == io::ErrorKind::BrokenPipe {
                closed.store(true, Ordering::Relaxed);
            } else {
                failure
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .get_or_insert(e);
            }
        }
        t.done += 1;
        t.worst = t.worst.max(o.code);
        if o.code != 0 {
            t.failed += 1;
        } else if o.warnings {
            t.warnings += 1;
        }
        if let Some(w) = t.report.as_mut() {
            let mut record = o.record;
            record.insert("file".into(), job.path.display().to_string().into());
            let line = Value::Object(record).to_string();
            if let Err(e) = writeln!(w, "{line}") {
                failure
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .get_or_insert(e);
            }
        }
        bar.inc(1);
    };
    let deliver = |job: &Job, mut o: Outcome| {
        if let Some(then) = o.then.take() {
            then(&mut o);
        }
        finish(job, o);
    };
    let convert = |job: &Job| {
        let t0 = Instant::now();
        let mut o = work(job);
        let ms = t0.elapsed().as_secs_f64() * 1000.0;
        o.note("ms", || ((ms * 1000.0).round() / 1000.0).into());
        o
    };
    // Writing threads, when files are written: one for each converting
    // thread, so that one file's sync need not hold up the next file's.
    // With one, files print in order.
    let writers = if opts.writes && jobs.len() > 1 {
        opts.jobs
    } else {
        0
    };
    // A few outcomes may wait for a writer; a converting thread that finds
    // the queue full waits too, so memory stays bounded.
    let (queue, outcomes) = mpsc::sync_channel::<(&Job, Outcome)>(2 * opts.jobs + 2);
    let outcomes = Mutex::new(outcomes);
    std::thread::scope(|scope| -> io::Result<()> {
        // Taken into the scope, so that the writers stop when it ends.
        let queue = (writers > 0).then_some(queue);
        for _ in 0..writers {
            let (outcomes, deliver) = (&outcomes, &deliver);
            scope.spawn(move || {
                loop {
                    // The lock is held while waiting, not while writing.
                    let next = outcomes.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    let Ok((job, o)) = next else { break };
                    deliver(job, o);
                }
            });
        }
        let each = |i: usize| {
            if closed.load(Ordering::Relaxed) {
                return;
            }
            let job = &jobs[i];
            let o = convert(job);
            match &queue {
                // The writers stop receiving only by panicking, which the
                // scope passes on.
                Some(queue) => drop(queue.send((job, o))),
                None => deliver(job, o),
            }
        };
        if opts.jobs <= 1 || jobs.len() <= 1 {
            (0..jobs.len()).for_each(each);
        } else {
            rayon::ThreadPoolBuilder::new()
                .num_threads(opts.jobs)
                .build()
                .map_err(io::Error::other)?
                .install(|| {
                    (0..jobs.len())
                        .into_par_iter()
                        .with_max_len(1)
                        .for_each(each)
                });
        }
        Ok(())
    })?;
    bar.finish_and_clear();
    if let Some(e) = failure.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(e);
    }
    let t = tally.into_inner().unwrap_or_else(|e| e.into_inner());
    if let (Some(w), Some(path)) = (t.report, &opts.report) {
        let file = w.into_inner().map_err(|e| e.into_error())?;
        file.as_file().sync_all()?;
        file.persist(path).map_err(|e| e.error)?;
    }
    if closed.load(Ordering::Relaxed) {
        return Err(io::ErrorKind::BrokenPipe.into());
    }
    if jobs.len() > 1 && !opts.quiet {
        let ok = t.done - t.failed;
        writeln!(
            io::stderr(),
            "{ok} {} ({} with warnings), {} failed, in {:.1} s",
            opts.verb,
            t.warnings,
            t.failed,
            started.elapsed().as_secs_f64()
        )?;
    }
    Ok(t.worst)
}
