//! Quality measures of a run against the truth (evaluation sets with known duplicates):
//! precision, recall and F1 of the proposed pairs, pairs completeness and reduction ratio of
//! the blocking (the usual record-linkage measures, as `recordlinkage` computes them).

use std::collections::HashSet;

/// The measures of one run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quality {
    pub true_pairs: usize,
    pub proposed: usize,
    pub true_positives: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Share of the true pairs that blocking made candidates (the recall ceiling).
    pub pairs_completeness: f64,
    /// 1 − candidates / all pairs.
    pub reduction_ratio: f64,
    pub candidates_per_record: f64,
}

/// Measures `proposed` pairs and `candidates` (record numbers, either order) against `truth`
/// over a population of `records`.
pub fn measure(records: usize, truth: &[(u32, u32)], candidates: &[(u32, u32)], proposed: &[(u32, u32)]) -> Quality {
    let ordered = |&(a, b): &(u32, u32)| (a.min(b), a.max(b));
    let truth: HashSet<(u32, u32)> = truth.iter().map(ordered).collect();
    let found = |pairs: &[(u32, u32)]| pairs.iter().map(ordered).filter(|p| truth.contains(p)).count();
    let true_positives = found(proposed);
    let ratio = |x: usize, y: usize| if y == 0 { 0.0 } else { x as f64 / y as f64 };
    let precision = ratio(true_positives, proposed.len());
    let recall = ratio(true_positives, truth.len());
    let f1 = if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) };
    let all_pairs = records as f64 * (records as f64 - 1.0) / 2.0;
    Quality {
        true_pairs: truth.len(),
        proposed: proposed.len(),
        true_positives,
        precision,
        recall,
        f1,
        pairs_completeness: ratio(found(candidates), truth.len()),
        reduction_ratio: if all_pairs > 0.0 { 1.0 - candidates.len() as f64 / all_pairs } else { 0.0 },
        candidates_per_record: ratio(candidates.len(), records),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_follow_their_definitions() {
        let truth = [(0, 1), (2, 3), (4, 5), (6, 7)];
        let candidates = [(1, 0), (2, 3), (4, 5), (8, 9), (0, 9)];
        let proposed = [(0, 1), (3, 2), (8, 9)];
        let quality = measure(10, &truth, &candidates, &proposed);
        assert_eq!((quality.true_positives, quality.proposed, quality.true_pairs), (2, 3, 4));
        assert!((quality.precision - 2.0 / 3.0).abs() < 1e-9);
        assert!((quality.recall - 0.5).abs() < 1e-9);
        assert!((quality.f1 - 4.0 / 7.0).abs() < 1e-9);
        assert!((quality.pairs_completeness - 0.75).abs() < 1e-9);
        assert!((quality.reduction_ratio - (1.0 - 5.0 / 45.0)).abs() < 1e-9);
    }
}
