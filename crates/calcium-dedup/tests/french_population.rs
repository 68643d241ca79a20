//! Quality regression on the French synthetic population (calcium-demo, planted duplicates
//! with the errors of real registries): the targets of the DOUBLONS issue, at the default
//! threshold. A quality check, not a speed one.

use std::collections::HashMap;

use calcium_dedup::evaluate::measure;
use calcium_dedup::{Identity, Prepared, Settings, find_duplicates};
use jiff::civil::date;

#[test]
fn the_french_synthetic_population_is_deduplicated_precisely_with_few_candidates() {
    let population = calcium_demo::generate_population(40_000, 2027, date(2026, 11, 28));
    let identities: Vec<Identity> = population.records.iter().map(Identity::of_record).collect();
    let mut clusters: HashMap<usize, Vec<u32>> = HashMap::new();
    for &(duplicate, original) in &population.duplicate_of {
        clusters.entry(original).or_insert_with(|| vec![original as u32]).push(duplicate as u32);
    }
    let truth: Vec<(u32, u32)> = clusters
        .values()
        .flat_map(|members| {
            members.iter().enumerate().flat_map(move |(i, &a)| members[i + 1..].iter().map(move |&b| (a, b)))
        })
        .collect();
    let data = Prepared::new(&identities);
    let outcome = find_duplicates(&data, &Settings { keep_candidates: true, ..Settings::default() });
    let proposed: Vec<(u32, u32)> = outcome.pairs.iter().map(|p| (p.a, p.b)).collect();
    let quality = measure(identities.len(), &truth, &outcome.candidates, &proposed);
    assert!(quality.f1 >= 0.95, "{quality:?}");
    assert!(quality.precision >= 0.97, "{quality:?}");
    assert!(quality.pairs_completeness >= 0.97, "{quality:?}");
    assert!(quality.candidates_per_record <= 20.0, "{quality:?}");
    assert!(outcome.pairs.iter().all(|p| !p.reasons.is_empty() && (0.0..=1.0).contains(&p.score)));
}
