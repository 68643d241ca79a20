//! The `calcium` binary: everything lives in the library, so tests can link it.

fn main() -> std::process::ExitCode {
    calcium_cli::main()
}
