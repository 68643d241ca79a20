//! Dispatch of the commands: configuration, logging and the base are set up once here.

use calcium_store::{DbError, Store};

use crate::args::{Cli, Command, DbCommand, DemoCommand, UserCommand};
use crate::config::Settings;
use crate::failure::Failure;

mod batch;
mod demo;
mod doublons;
mod engine;
mod import;
mod serve;
mod student;
mod user;
mod web_import;

pub(crate) async fn run(cli: Cli) -> Result<(), Failure> {
    let settings = Settings::load(cli.config.as_deref())?;
    let serving = matches!(cli.command, Command::Serve { .. });
    init_logging(serving);
    let store = open_store(&settings).await?;
    let result = match cli.command {
        Command::Serve { listen, demo, test_clock } => serve::run(&settings, &store, listen, demo, test_clock).await,
        Command::Db(DbCommand::Migrate) => {
            eprintln!("Base à jour ({}).", settings.database_url.redacted());
            Ok(())
        }
        Command::Demo(DemoCommand::Seed { students, seed }) => demo::seed(&store, students, seed, &settings).await,
        Command::User(UserCommand::Add { login, email, password_stdin }) => {
            user::add(&store, &login, &email, password_stdin).await
        }
        Command::User(UserCommand::Token { login }) => user::token(&store, &login).await,
        Command::Batch(command) => batch::run(&store, &settings, command).await,
        Command::Student(command) => student::run(&store, command).await,
        Command::Doublons(command) => doublons::run(&store, command).await,
        Command::Import { file, model, dry_run, json, notify } => {
            import::run(&settings, &store, &file, &model, dry_run, json, notify).await
        }
    };
    store.close().await;
    result
}

/// Connects to the base of `database.url` and brings it up to date: migrations, the twelve
/// batches, the reference data (SPEC §5: every command does it first).
pub(crate) async fn open_store(settings: &Settings) -> Result<Store, Failure> {
    let url = settings.database_url.redacted();
    let store = Store::connect(settings.database_url.expose()).await.map_err(|error| match error {
        DbError::BadUrl(message) => Failure::refused(format!("configuration invalide : database.url : {message}")),
        other => {
            Failure::refused(format!("configuration invalide : database.url : base injoignable ({url}) : {other}"))
        }
    })?;
    store.bootstrap(jiff::Timestamp::now()).await.map_err(|error| match error {
        DbError::Unavailable(message) => {
            Failure::refused(format!("configuration invalide : database.url : base injoignable ({url}) : {message}"))
        }
        other => Failure::Internal(anyhow::Error::new(other).context("mise à jour de la base")),
    })?;
    Ok(store)
}

/// Logs go to stderr; `RUST_LOG` refines them. A server logs its activity, a one-shot
/// command only its warnings.
fn init_logging(serving: bool) {
    let default = if serving { "info,sqlx=warn" } else { "warn" };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    // Colours only on a terminal: a log file or journald gets plain text.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(ansi)
        .init();
}

/// Prints a JSON value on stdout, alone on its line. Streamed: the report of a million
/// rejected lines is 180 MB of JSON, which need not exist in memory at once.
pub(crate) fn print_json(value: &impl serde::Serialize) -> Result<(), Failure> {
    use std::io::Write as _;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, value).map_err(anyhow::Error::from)?;
    writeln!(out).and_then(|()| out.flush()).map_err(anyhow::Error::from)?;
    Ok(())
}
