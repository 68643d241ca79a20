//! Benchmark of `calcium import` against the raw loaders of each base, measured in the same
//! run on the same file: `sqlite3 .import` into a raw table for SQLite, `psql \copy` for
//! PostgreSQL (SPEC §4 performance targets: first import ≤ 1.5× the raw load on SQLite and
//! ≤ 2× on PostgreSQL, re-import of the unchanged file ≤ 1×, peak memory for 1 000 000 lines
//! ≤ 400 MB).
//!
//! `cargo bench -p calcium-cli --bench import`; BENCH_IMPORT_LINES=100000,1000000 picks the
//! sizes (default 100000); PostgreSQL too when TEST_POSTGRES_URL is set; BENCH_IMPORT_ROUNDS=N
//! (default 1) measures everything N times, each round on a fresh base with its own reference,
//! and ends each size with the median and the range of the ratios: on a small shared machine
//! one round's timings can drift by a fifth;
//! BENCH_RUST_LOG=calcium_import=debug,calcium_store=debug prints where each import's time went.

#![allow(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use calcium_core::student::FormatVersion;
use calcium_store::BackendKind;
use calcium_test_support::TestBase;

/// Runs a command under GNU time; returns (wall time, peak resident memory in MB).
fn timed(command: &mut Command) -> (Duration, f64) {
    let rss_file = tempfile::NamedTempFile::new().unwrap();
    let program = command.get_program().to_owned();
    let args: Vec<_> = command.get_args().map(ToOwned::to_owned).collect();
    let mut wrapped = Command::new("/usr/bin/time");
    wrapped.arg("-f").arg("%M").arg("-o").arg(rss_file.path()).arg(program).args(args);
    for (key, value) in command.get_envs() {
        match value {
            Some(value) => wrapped.env(key, value),
            None => wrapped.env_remove(key),
        };
    }
    if let Some(dir) = command.get_current_dir() {
        wrapped.current_dir(dir);
    }
    let started = Instant::now();
    let output = wrapped.output().unwrap();
    let elapsed = started.elapsed();
    assert!(output.status.success(), "{:?} failed: {}", command, String::from_utf8_lossy(&output.stderr));
    // With BENCH_RUST_LOG (e.g. calcium_import=debug), the import's own account of its time.
    for line in String::from_utf8_lossy(&output.stderr).lines().filter(|line| line.contains("DEBUG")) {
        println!("  {line}");
    }
    let kb: f64 = std::fs::read_to_string(rss_file.path()).unwrap().trim().lines().last().unwrap().parse().unwrap();
    (elapsed, kb / 1024.0)
}

/// Lets the machine finish writing what the previous step wrote (the kernel's dirty pages; on
/// PostgreSQL a checkpoint, when the role may ask for one), so that each timed step starts
/// alike: otherwise the server or the disk is still flushing the reference's load while the
/// import runs, and the import pays for it.
fn settle(kind: BackendKind, url: &str) {
    assert!(Command::new("sync").status().unwrap().success());
    if kind == BackendKind::Postgres {
        let checkpoint = Command::new("psql").arg(url).arg("-qc").arg("CHECKPOINT").output().unwrap();
        if !checkpoint.status.success() {
            println!(
                "  (no CHECKPOINT between steps: {}; GRANT pg_checkpoint to the role for even starts)",
                String::from_utf8_lossy(&checkpoint.stderr).trim()
            );
        }
    }
}

fn calcium(url: &str, dir: &Path) -> Command {
    let mut command = calcium_test_support::calcium_command(env!("CARGO_BIN_EXE_calcium"), url, dir);
    command.env("RUST_LOG", std::env::var("BENCH_RUST_LOG").unwrap_or_else(|_| "error".to_owned()));
    command
}

/// `sqlite3 .import` of `file` into a raw table of a fresh base with `page_size` bytes pages.
fn sqlite3_import(file: &Path, dir: &Path, page_size: u32) -> Duration {
    let raw = dir.join("raw.db");
    let _ = std::fs::remove_file(&raw);
    let script = format!("PRAGMA page_size = {page_size};\n.mode csv\n.separator ;\n.import {} raw\n", file.display());
    let started = Instant::now();
    let mut child = Command::new("sqlite3").arg(&raw).stdin(std::process::Stdio::piped()).spawn().unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), script.as_bytes()).unwrap();
    drop(child.stdin.take());
    assert!(child.wait().unwrap().success());
    let elapsed = started.elapsed();
    let _ = std::fs::remove_file(&raw);
    elapsed
}

/// One round of one backend: the raw load, then the first import and the re-import, each
/// (wall time, peak memory in MB).
struct Round {
    reference: Duration,
    first: (Duration, f64),
    again: (Duration, f64),
}

impl Round {
    fn first_ratio(&self) -> f64 {
        self.first.0.as_secs_f64() / self.reference.as_secs_f64()
    }

    fn again_ratio(&self) -> f64 {
        self.again.0.as_secs_f64() / self.reference.as_secs_f64()
    }
}

fn report(kind: BackendKind, lines: usize, round: &Round) {
    let Round { reference, first, again } = *round;
    let rate = |d: Duration| lines as f64 / d.as_secs_f64();
    let name = if kind == BackendKind::Sqlite { "sqlite3 .import" } else { "psql \\copy" };
    println!(
        "{kind:?} {lines} lines: raw load ({name}) {:.2} s = {:.0} lines/s",
        reference.as_secs_f64(),
        rate(reference)
    );
    println!(
        "{kind:?} {lines} lines: first import {:.2} s = {:.0} lines/s, ratio {:.2}, peak {:.0} MB",
        first.0.as_secs_f64(),
        rate(first.0),
        round.first_ratio(),
        first.1
    );
    println!(
        "{kind:?} {lines} lines: re-import unchanged {:.2} s = {:.0} lines/s, ratio {:.2}, peak {:.0} MB",
        again.0.as_secs_f64(),
        rate(again.0),
        round.again_ratio(),
        again.1
    );
}

async fn bench(kind: BackendKind, lines: usize, file: &Path, dir: &Path) -> Round {
    let base = TestBase::new(kind).await;
    settle(kind, &base.url);
    let reference = match kind {
        BackendKind::Sqlite => {
            // The reference is SQLite's default page size (4 KiB); the base calcium creates
            // has 16 KiB pages, so the same load with those is printed too, for comparison.
            let default_pages = sqlite3_import(file, dir, 4096);
            settle(kind, &base.url);
            let large_pages = sqlite3_import(file, dir, 16384);
            println!(
                "Sqlite {lines} lines: sqlite3 .import with 16 KiB pages (as calcium's base) {:.2} s",
                large_pages.as_secs_f64()
            );
            default_pages
        }
        BackendKind::Postgres => {
            let columns: Vec<String> =
                FormatVersion::CURRENT.column_names().iter().map(|c| format!("{} text", c.to_lowercase())).collect();
            let create = format!("CREATE TABLE raw ({})", columns.join(", "));
            let psql = |command: &str| {
                let status = Command::new("psql").arg(&base.url).arg("-qc").arg(command).status().unwrap();
                assert!(status.success());
            };
            psql(&create);
            let started = Instant::now();
            psql(&format!(
                "\\copy raw FROM '{}' WITH (FORMAT csv, DELIMITER ';', HEADER true, ENCODING 'WIN1252')",
                file.display()
            ));
            let elapsed = started.elapsed();
            psql("DROP TABLE raw");
            elapsed
        }
    };
    settle(kind, &base.url);
    let first = timed(calcium(&base.url, dir).args(["import", file.to_str().unwrap()]));
    settle(kind, &base.url);
    let again = timed(calcium(&base.url, dir).args(["import", file.to_str().unwrap()]));
    let round = Round { reference, first, again };
    report(kind, lines, &round);
    base.finish().await;
    round
}

/// The median and the range of the rounds' ratios, and the highest peak.
fn summarise(kind: BackendKind, lines: usize, rounds: &[Round]) {
    fn spread(mut values: Vec<f64>) -> String {
        values.sort_by(f64::total_cmp);
        let middle = values.len() / 2;
        let median =
            if values.len().is_multiple_of(2) { (values[middle - 1] + values[middle]) / 2.0 } else { values[middle] };
        format!("median {median:.2} ({:.2}–{:.2})", values[0], values[values.len() - 1])
    }
    let peak = rounds.iter().map(|round| round.first.1.max(round.again.1)).fold(0.0, f64::max);
    println!(
        "{kind:?} {lines} lines, {} rounds: first import ratio {}, re-import ratio {}, highest peak {peak:.0} MB",
        rounds.len(),
        spread(rounds.iter().map(Round::first_ratio).collect()),
        spread(rounds.iter().map(Round::again_ratio).collect()),
    );
}

#[tokio::main]
async fn main() {
    let sizes: Vec<usize> = std::env::var("BENCH_IMPORT_LINES")
        .unwrap_or_else(|_| "100000".to_owned())
        .split(',')
        .map(|n| n.trim().parse().expect("BENCH_IMPORT_LINES: numbers separated by commas"))
        .collect();
    let rounds_per_size: usize = std::env::var("BENCH_IMPORT_ROUNDS")
        .map(|n| n.trim().parse().expect("BENCH_IMPORT_ROUNDS: a number of rounds"))
        .unwrap_or(1)
        .max(1);
    let dir = tempfile::tempdir().unwrap();
    for lines in sizes {
        let today = jiff::civil::date(2026, 11, 28);
        let population = calcium_demo::generate_population(u32::try_from(lines).unwrap(), 1, today);
        let file = dir.path().join(format!("calcium-{lines}.csv"));
        std::fs::write(&file, calcium_demo::apogee_file(&population.records)).unwrap();
        let mut kinds = vec![BackendKind::Sqlite];
        if std::env::var(calcium_test_support::POSTGRES_URL_VAR).is_ok_and(|v| !v.is_empty()) {
            kinds.push(BackendKind::Postgres);
        }
        let mut rounds: Vec<Vec<Round>> = kinds.iter().map(|_| Vec::new()).collect();
        // Round after round, each backend in turn: a slow minute of the machine then weighs on
        // one round of each rather than on every round of one.
        for _ in 0..rounds_per_size {
            for (kind, done) in kinds.iter().zip(&mut rounds) {
                done.push(bench(*kind, lines, &file, dir.path()).await);
            }
        }
        if rounds_per_size > 1 {
            for (kind, done) in kinds.iter().zip(&rounds) {
                summarise(*kind, lines, done);
            }
        }
    }
}
