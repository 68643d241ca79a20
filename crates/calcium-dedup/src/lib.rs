//! Duplicate detection among students (DOUBLONS, SPEC §6): which records are probably the
//! same person.
//!
//! [`Prepared`] turns the students' [`Identity`] values into compact normalised records;
//! [`find_duplicates`] makes candidate pairs by blocking (several keys, a sort and a scan,
//! see [`blocking`]), compares each candidate field by field into levels, weighs the levels
//! with a Fellegi–Sunter model whose `u` is measured on random pairs and `m` refined by EM on
//! the candidates (see [`model`]), and keeps the pairs whose probability reaches the
//! threshold, each with its reasons in French. [`evaluate`] measures a run against known
//! duplicates.
//!
//! Pure: no IO, no SQL, no async. Records are numbered in the order they were pushed; the
//! caller maps the numbers back to its students.

pub mod blocking;
mod compare;
pub mod evaluate;
mod identifier;
mod identity;
pub mod model;
pub mod names;
pub mod phonetic;
mod reasons;
pub mod similarity;

use std::time::{Duration, Instant};

pub use blocking::{BlockingStats, Key};
pub use identity::{BirthParts, Identity, Prepared, Sex};
pub use model::Model;

use crate::compare::{Comparison, compare};
use crate::model::{Patterns, probability};

/// The score from which a pair is proposed for review.
pub const DEFAULT_THRESHOLD: f64 = 0.9;

/// How many random pairs measure `u`.
const RANDOM_PAIRS: usize = 400_000;

/// How a run is done.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Pairs scoring at least this (0–1) are kept.
    pub threshold: f64,
    /// Worker threads for the comparisons (at least one).
    pub threads: usize,
    /// Whether [`Outcome::candidates`] keeps every candidate pair (for evaluation).
    pub keep_candidates: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            threshold: DEFAULT_THRESHOLD,
            threads: std::thread::available_parallelism().map_or(1, usize::from),
            keep_candidates: false,
        }
    }
}

/// A pair of records that are probably one person.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredPair {
    /// Record numbers, `a < b`.
    pub a: u32,
    pub b: u32,
    /// Probability (0–1) that they are one person.
    pub score: f64,
    /// Why, in French: agreements first, then disagreements.
    pub reasons: Vec<String>,
}

/// What a run found and how.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Best score first.
    pub pairs: Vec<ScoredPair>,
    pub blocking: BlockingStats,
    /// Every candidate pair, when asked for.
    pub candidates: Vec<(u32, u32)>,
    pub model: Model,
    pub timings: Timings,
}

/// Where the time went.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Timings {
    pub blocking: Duration,
    pub estimation: Duration,
    pub scoring: Duration,
}

/// Finds the probable duplicates of `data`.
pub fn find_duplicates(data: &Prepared, settings: &Settings) -> Outcome {
    let started = Instant::now();
    let (candidates, blocking) = blocking::candidates(data);
    let blocked = Instant::now();

    let random = random_pairs(data.len());
    let threads = settings.threads.max(1);
    let (random_patterns, _) = patterns(data, &random, threads);
    let mut model = Model::from_random_pairs(&random_patterns);
    let (candidate_patterns, per_candidate) = patterns(data, &candidates, threads);
    let all_pairs = data.len() as f64 * (data.len() as f64 - 1.0) / 2.0;
    model.estimate(&candidate_patterns, all_pairs);
    let estimated = Instant::now();

    let mut pairs = score(data, &candidates, &per_candidate, &model, settings.threshold, threads);
    pairs.sort_by(|x, y| y.score.total_cmp(&x.score).then((x.a, x.b).cmp(&(y.a, y.b))));
    let scored = Instant::now();

    Outcome {
        pairs,
        blocking,
        candidates: if settings.keep_candidates {
            candidates.into_iter().map(blocking::unpair).collect()
        } else {
            Vec::new()
        },
        model,
        timings: Timings { blocking: blocked - started, estimation: estimated - blocked, scoring: scored - estimated },
    }
}

/// Random distinct pairs, from a fixed seed so that a run is reproducible.
fn random_pairs(records: usize) -> Vec<u64> {
    if records < 2 {
        return Vec::new();
    }
    let all = records as u64 * (records as u64 - 1) / 2;
    let count = (RANDOM_PAIRS as u64).min(all);
    let mut state: u64 = 0x5EED_D0B1_0A5E;
    let mut next = move || {
        // splitmix64
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let n = records as u64;
    let mut pairs = Vec::with_capacity(count as usize);
    while pairs.len() < count as usize {
        let (a, b) = (next() % n, next() % n);
        if a != b {
            pairs.push((a.min(b) << 32) | a.max(b));
        }
    }
    pairs
}

/// Runs `work` over `items` in `threads` slices and gathers the results in order.
fn in_parallel<I: Sync, T: Send>(items: &[I], threads: usize, work: impl Fn(usize, &[I]) -> T + Sync) -> Vec<T> {
    let slice = items.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let work = &work;
        let handles: Vec<_> =
            items.chunks(slice).enumerate().map(|(i, chunk)| scope.spawn(move || work(i * slice, chunk))).collect();
        handles.into_iter().map(|h| h.join().expect("a comparison thread panicked")).collect()
    })
}

fn compare_pair(data: &Prepared, pair: u64) -> Comparison {
    let (a, b) = blocking::unpair(pair);
    compare(data, &data.records[a as usize], &data.records[b as usize])
}

/// The comparison pattern of each pair, in order, and how many pairs show each pattern.
fn patterns(data: &Prepared, pairs: &[u64], threads: usize) -> (Patterns, Vec<u64>) {
    let mut merged = Patterns::new();
    let mut each = Vec::with_capacity(pairs.len());
    for (counts, part) in in_parallel(pairs, threads, |_, chunk| {
        let mut counts = Patterns::new();
        let part: Vec<u64> = chunk.iter().map(|&pair| compare_pair(data, pair).pattern()).collect();
        for &pattern in &part {
            *counts.entry(pattern).or_default() += 1;
        }
        (counts, part)
    }) {
        for (pattern, count) in counts {
            *merged.entry(pattern).or_default() += count;
        }
        each.extend(part);
    }
    (merged, each)
}

/// The pairs scoring at least `threshold`. A pair's weight is first read from its pattern;
/// only a pair that could reach the threshold with the largest term-frequency bonus is
/// compared again for its exact weight and its reasons (very few of the candidates).
fn score(
    data: &Prepared,
    pairs: &[u64],
    patterns: &[u64],
    model: &Model,
    threshold: f64,
    threads: usize,
) -> Vec<ScoredPair> {
    let (table, prior) = model.bits();
    let threshold_bits = (threshold / (1.0 - threshold)).log2();
    let reachable = threshold_bits - 2.0 * model::MAX_TF_ADJUSTMENT;
    in_parallel(pairs, threads, |offset, chunk| {
        let mut kept = Vec::new();
        for (i, &pair) in chunk.iter().enumerate() {
            let levels = model::unpack(patterns[offset + i]);
            let base = prior
                + levels
                    .iter()
                    .enumerate()
                    .filter(|(_, l)| **l != compare::NULL)
                    .map(|(field, &level)| table[field][usize::from(level)])
                    .sum::<f64>();
            if base < reachable {
                continue;
            }
            let comparison = compare_pair(data, pair);
            let score = probability(base + model.tf_bits(data, comparison.shared_nom, comparison.shared_prenom));
            if score >= threshold {
                let (a, b) = blocking::unpair(pair);
                kept.push(ScoredPair { a, b, score, reasons: reasons::reasons(&comparison) });
            }
        }
        kept
    })
    .into_iter()
    .flatten()
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_pairs_are_distinct_records_and_reproducible() {
        let pairs = random_pairs(50);
        assert_eq!(pairs.len(), 50 * 49 / 2);
        assert!(pairs.iter().map(|&p| blocking::unpair(p)).all(|(a, b)| a < b && b < 50));
        assert_eq!(pairs, random_pairs(50));
        assert!(random_pairs(1).is_empty());
    }
}
