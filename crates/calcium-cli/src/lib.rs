//! The `calcium` command: reads the configuration (the only reader of the environment, of
//! configuration files and of argv), picks the backend from the URL, and runs the commands of
//! SPEC §5. Exit status: 0 done, 2 input refused as a whole, 1 internal failure.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a CLI talks to scripts on stdout and to people on stderr"
)]

use std::process::ExitCode;

use clap::Parser;

mod args;
mod commands;
pub mod config;
mod failure;

pub use failure::Failure;

/// Runs the command line and returns the process exit status.
pub fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("calcium : démarrage impossible : {error}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("calcium : {failure}");
            ExitCode::from(failure.exit_code())
        }
    }
}
