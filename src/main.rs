//! The `xxgk` command. Parsing and printing live in `cli`; the work is the
//! library's.

mod cli;
mod run;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::run()
}
