//! The `xxgk` command. Parsing and printing live in `cli`; the work is the
//! library's.

mod cli;
mod run;

use std::process::ExitCode;

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
