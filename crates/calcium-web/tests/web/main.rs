//! The web application tested in-process through its router (`oneshot`), on a fresh base per
//! test: SQLite always, PostgreSQL too when `TEST_POSTGRES_URL` is set. No network, no browser.

mod accounts;
mod api;
mod batches;
mod dialogs;
mod doublons;
mod health;
mod imports;
mod login;
mod relances;
mod security;
mod statistics;
mod support;
