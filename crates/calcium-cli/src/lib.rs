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
use clap::error::ErrorKind;

mod args;
mod commands;
pub mod config;
mod failure;
mod usage_error;

pub use failure::Failure;

/// Runs the command line and returns the process exit status.
pub fn main() -> ExitCode {
    let cli = match args::Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return refuse_command_line(&error),
    };
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

/// `--help` and `--version` as clap prints them (the help texts are French already); any other
/// refusal in French on stderr, with exit status 2 (input refused).
fn refuse_command_line(error: &clap::Error) -> ExitCode {
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = error.print();
            ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2))
        }
        _ => {
            eprintln!("calcium : {}", usage_error::in_french(error));
            ExitCode::from(2)
        }
    }
}
