//! The `xxgk` command. Parsing and printing live in `cli`; the work is the
//! library's.

mod cli;
mod run;

use std::process::ExitCode;

/// mimalloc: a report is thousands of small strings and maps, made and
/// freed per file; against the system allocator it takes about a fifth
/// fewer instructions to validate a JSON report and a tenth fewer to
/// convert a DOCX (BENCHMARKS.md). Built without transparent huge pages
/// (`no_thp`), which would hold the heap in 2 MiB pages: a batch's peak
/// memory is 15-17 MB with them off and 27-44 MB with them on.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Past a file-size limit (`ulimit -f`) the kernel sends SIGXFSZ, which
    // kills the process and leaves its temporary file behind. Ignored, the
    // write fails with EFBIG instead: an error like a full disk, after
    // which the temporary file is removed and the output is untouched.
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to SIG_IGN before any thread
    // starts; no handler runs.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
    cli::run()
}
