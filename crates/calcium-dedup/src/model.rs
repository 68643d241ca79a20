//! The Fellegi–Sunter model: for every level of every field, `m` (how often two records of
//! one person show it) and `u` (how often two records of different people do). A pair's match
//! weight is the sum of `log2(m/u)` over its fields; with the prior odds of a match it turns
//! into a probability, the score (0–1) stored with the pair.
//!
//! As in Splink, `u` is measured on the data itself, on random pairs (almost all of them are
//! different people). `m` starts from the error rates one expects of a second registration
//! in a student registry ([`PRIOR_M`]) and is learnt on the unlabelled candidates by
//! expectation-maximisation, with the prior as pseudo-observations, together with the prior
//! share of matches λ: every data set has its own errors (FEBRL's typos are much heavier
//! than a registry's). EM can drift: on a million demo students, clusters of homonyms (few
//! distinct names) capture the "match" class (birth date equal for 5 % of "matches"). A
//! learnt m that no longer describes one person is therefore refused, and the run keeps the
//! prior m and learns λ alone, which EM does reliably.
//! An exact agreement on a name is weighted by how common that name is (term-frequency
//! adjustment): sharing MARTIN says less than sharing a rare name.

use std::collections::HashMap;

use crate::compare::{FIELDS, Field, Level, NULL};
use crate::identity::Prepared;

/// The expected share of each level among two records of one person, field by field, in
/// level order: what a registry's typing slips, married names and re-issued INEs make of a
/// second registration.
const PRIOR_M: [&[f64]; FIELDS.len()] = [
    // Nom: equal, married name, particles/compound, one slip, alike, different.
    &[0.80, 0.04, 0.02, 0.08, 0.03, 0.03],
    // Prénom: equal, compound/second first name, one slip, alike, different, one's is the
    // other's surname.
    &[0.82, 0.05, 0.08, 0.03, 0.015, 0.005],
    // Birth date: equal, day/month swapped, one digit, year ± 1, two parts of three, different.
    &[0.86, 0.03, 0.05, 0.02, 0.03, 0.01],
    // Sex, nationality: equal, different.
    &[0.97, 0.03],
    &[0.93, 0.07],
    // INE, NNI: equal, one slip, different (re-issued, or typed wrong).
    &[0.80, 0.05, 0.15],
    &[0.88, 0.05, 0.07],
    // Address: equal, close, different.
    &[0.70, 0.10, 0.20],
    // Postcode: equal, one digit typed wrong, different (a move).
    &[0.78, 0.04, 0.18],
    // Commune: equal, close, different; mail: equal, different.
    &[0.80, 0.08, 0.12],
    &[0.50, 0.50],
];
const EM_ROUNDS: usize = 25;

/// How many pairs the prior m weighs against the candidates when m is learnt: enough to keep
/// the levels a data set never shows at their expected share, little against the thousands of
/// matches of a real set.
const M_PRIOR_PAIRS: f64 = 200.0;

/// A learnt m is refused when a field's exact agreement falls under this share of the prior's.
/// A data set's errors may be much heavier than a registry's (FEBRL's addresses agree exactly
/// in 30 % of its matches, where the prior expects 70 %); a drift makes a field's agreement
/// collapse (the birth date agreed in 5 % of the "matches" of a million demo students).
const MIN_EQUAL_SHARE: f64 = 0.4;

/// Levels never seen among random pairs still get this many pseudo-observations, so that a
/// rare agreement (two equal INEs) is strong evidence and never an infinite one.
const U_SMOOTHING: f64 = 0.5;

/// The agreement on a name weighs at most this many bits more or less than on an average name.
pub(crate) const MAX_TF_ADJUSTMENT: f64 = 8.0;

/// m and u of each level of each field, and the prior share of matches among candidates.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub(crate) m: Vec<Vec<f64>>,
    pub(crate) u: Vec<Vec<f64>>,
    /// Probability that two records taken at random are one person, before looking at them.
    pub(crate) lambda: f64,
    /// Share of random pairs agreeing exactly on the surname, on the first name.
    pub(crate) u_equal_nom: f64,
    pub(crate) u_equal_prenom: f64,
}

/// Counts of level patterns (see [`crate::compare::Comparison::pattern`]).
pub(crate) type Patterns = HashMap<u64, u64>;

pub(crate) fn unpack(pattern: u64) -> [Level; FIELDS.len()] {
    let mut levels = [NULL; FIELDS.len()];
    for (i, level) in levels.iter_mut().enumerate() {
        let value = ((pattern >> (4 * i)) & 0xF) as u8;
        *level = if value == 0xF { NULL } else { value };
    }
    levels
}

impl Model {
    /// u from the level patterns of random pairs; m from the priors.
    pub(crate) fn from_random_pairs(random: &Patterns) -> Model {
        let mut u: Vec<Vec<f64>> = FIELDS.iter().map(|f| vec![0.0; f.levels()]).collect();
        for (&pattern, &count) in random {
            for (field, level) in unpack(pattern).into_iter().enumerate() {
                if level != NULL {
                    u[field][usize::from(level)] += count as f64;
                }
            }
        }
        for levels in &mut u {
            let total: f64 = levels.iter().sum::<f64>() + U_SMOOTHING * levels.len() as f64;
            for share in levels.iter_mut() {
                *share = (*share + U_SMOOTHING) / total;
            }
        }
        let u_equal_nom = u[Field::Nom as usize][0];
        let u_equal_prenom = u[Field::Prenom as usize][0];
        Model {
            m: PRIOR_M.iter().map(|levels| levels.to_vec()).collect(),
            u,
            lambda: 0.01,
            u_equal_nom,
            u_equal_prenom,
        }
    }

    /// The match weight of a pattern without the term-frequency part, in bits.
    pub(crate) fn weight(&self, levels: &[Level; FIELDS.len()]) -> f64 {
        let mut bits = (self.lambda / (1.0 - self.lambda)).log2();
        for (field, &level) in levels.iter().enumerate() {
            if level != NULL {
                let level = usize::from(level);
                bits += (self.m[field][level] / self.u[field][level]).log2();
            }
        }
        bits
    }

    /// `log2(m/u)` of every level of every field, and the prior odds in bits: a pattern's
    /// weight is then a sum of table entries.
    pub(crate) fn bits(&self) -> (Vec<Vec<f64>>, f64) {
        let table =
            self.m.iter().zip(&self.u).map(|(m, u)| m.iter().zip(u).map(|(m, u)| (m / u).log2()).collect()).collect();
        (table, (self.lambda / (1.0 - self.lambda)).log2())
    }

    /// Expectation-maximisation over the candidates' patterns, u fixed: λ, and m field by field.
    ///
    /// λ is the share of matches among all `all_pairs` pairs of the population, not among the
    /// candidates: u describes random pairs, so the odds are only right against the whole
    /// population (blocking keeps nearly every match, so the pairs left out count as
    /// non-matches).
    ///
    /// m starts from [`PRIOR_M`] and is learnt as a maximum a posteriori estimate, the prior
    /// weighing [`M_PRIOR_PAIRS`] pairs: each data set has its own error rates (FEBRL's typos
    /// are heavier than a registry's), and learning them is what Splink and recordlinkage's
    /// ECM do. EM on unlabelled pairs can drift, though: on a million demo students, clusters
    /// of homonyms captured the "match" class. A learnt m is therefore kept only if it still
    /// describes two records of one person ([`Model::plausible`]); otherwise the run falls back
    /// to the prior m and learns λ alone, which EM does reliably.
    pub(crate) fn estimate(&mut self, candidates: &Patterns, all_pairs: f64) {
        let patterns: Vec<([Level; FIELDS.len()], f64)> =
            candidates.iter().map(|(&p, &count)| (unpack(p), count as f64)).collect();
        let total: f64 = patterns.iter().map(|p| p.1).sum();
        if total == 0.0 || all_pairs < 1.0 {
            return;
        }
        let prior = self.m.clone();
        let compared = self.expectation_maximisation(&patterns, all_pairs, &prior, true);
        if !self.plausible(&prior, &compared) {
            self.m = prior.clone();
            self.expectation_maximisation(&patterns, all_pairs, &prior, false);
        }
    }

    fn expectation_maximisation(
        &mut self,
        patterns: &[([Level; FIELDS.len()], f64)],
        all_pairs: f64,
        prior: &[Vec<f64>],
        learn_m: bool,
    ) -> Vec<f64> {
        let mut compared = vec![0.0; FIELDS.len()];
        // Start from one duplicate for a hundred records.
        self.lambda = (0.01 * (2.0 * all_pairs).sqrt() / all_pairs).clamp(1e-12, 0.5);
        for _ in 0..EM_ROUNDS {
            let mut expected_matches = 0.0;
            let mut per_level: Vec<Vec<f64>> = FIELDS.iter().map(|f| vec![0.0; f.levels()]).collect();
            for (levels, count) in patterns {
                let matches = probability(self.weight(levels)) * count;
                expected_matches += matches;
                for (field, &level) in levels.iter().enumerate() {
                    if level != NULL {
                        per_level[field][usize::from(level)] += matches;
                    }
                }
            }
            self.lambda = (expected_matches / all_pairs).clamp(1e-12, 0.5);
            for (compared, seen) in compared.iter_mut().zip(&per_level) {
                *compared = seen.iter().sum();
            }
            if learn_m {
                for (((m, seen), prior), &compared) in self.m.iter_mut().zip(&per_level).zip(prior).zip(&compared) {
                    for ((share, &seen), &prior) in m.iter_mut().zip(seen).zip(prior) {
                        *share = (seen + M_PRIOR_PAIRS * prior) / (compared + M_PRIOR_PAIRS);
                    }
                }
            }
        }
        compared
    }

    /// Whether a learnt m still describes two records of one person: on every field the
    /// matches compared (`compared`, expected counts), the records agree exactly at least
    /// [`MIN_EQUAL_SHARE`] as often as the prior expects, and exact agreement stays evidence
    /// for a match. A drift towards homonyms (one name, many people) breaks the first on the
    /// birth date.
    fn plausible(&self, prior: &[Vec<f64>], compared: &[f64]) -> bool {
        self.m
            .iter()
            .zip(&self.u)
            .zip(prior)
            .zip(compared)
            .all(|(((m, u), prior), &compared)| compared == 0.0 || (m[0] >= MIN_EQUAL_SHARE * prior[0] && m[0] > u[0]))
    }

    /// The term-frequency adjustment, in bits, of an exact agreement on a name borne by
    /// `count` of `population` records (`average_u`: the share of random pairs agreeing).
    pub(crate) fn tf_adjustment(average_u: f64, count: u32, population: usize) -> f64 {
        if count == 0 || population == 0 {
            return 0.0;
        }
        let u_value = f64::from(count) / population as f64;
        (average_u / u_value).log2().clamp(-MAX_TF_ADJUSTMENT, MAX_TF_ADJUSTMENT)
    }

    /// The adjustment of a pair that shares the surname `nom` and/or the first name `prenom`.
    pub(crate) fn tf_bits(&self, data: &Prepared, nom: u32, prenom: u32) -> f64 {
        let mut bits = 0.0;
        if nom != 0 {
            bits += Model::tf_adjustment(self.u_equal_nom, data.surname_counts[nom as usize], data.len());
        }
        if prenom != 0 {
            bits += Model::tf_adjustment(self.u_equal_prenom, data.first_name_counts[prenom as usize], data.len());
        }
        bits
    }
}

/// A weight in bits as a probability.
pub(crate) fn probability(bits: f64) -> f64 {
    1.0 / (1.0 + (-bits).exp2())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::{birth, nom, prenom};

    fn pattern(levels: [Level; FIELDS.len()]) -> u64 {
        levels.iter().enumerate().fold(0, |key, (i, &level)| key | (u64::from(level & 0xF) << (4 * i)))
    }

    fn levels(nom: Level, prenom: Level, birth: Level) -> [Level; FIELDS.len()] {
        let mut levels = [NULL; FIELDS.len()];
        levels[0] = nom;
        levels[1] = prenom;
        levels[2] = birth;
        levels
    }

    #[test]
    fn patterns_pack_and_unpack() {
        let levels = levels(nom::USAGE, NULL, birth::PARTIAL);
        assert_eq!(unpack(pattern(levels)), levels);
    }

    #[test]
    fn em_finds_the_share_of_matches_and_agreement_means_a_match() {
        // Random pairs disagree on names, one in a hundred shares the birth date. Candidates
        // (blocked on the birth date) are 100 true pairs among a million pairs, and 900
        // strangers born the same day.
        let random: Patterns = [
            (pattern(levels(nom::DIFFERENT, prenom::DIFFERENT, birth::DIFFERENT)), 9_900),
            (pattern(levels(nom::DIFFERENT, prenom::DIFFERENT, birth::EQUAL)), 100),
        ]
        .into_iter()
        .collect();
        let mut model = Model::from_random_pairs(&random);
        let agree = levels(nom::EQUAL, prenom::EQUAL, birth::EQUAL);
        let strangers = levels(nom::DIFFERENT, prenom::DIFFERENT, birth::EQUAL);
        let candidates: Patterns = [(pattern(agree), 100), (pattern(strangers), 900)].into_iter().collect();
        model.estimate(&candidates, 1e6);
        assert!((model.lambda * 1e6 - 100.0).abs() < 2.0, "{}", model.lambda);
        assert!(probability(model.weight(&agree)) > 0.99);
        assert!(probability(model.weight(&strangers)) < 0.01);
    }

    #[test]
    fn em_learns_heavier_errors_than_the_prior_expects() {
        let random: Patterns = [
            (pattern(levels(nom::DIFFERENT, prenom::DIFFERENT, birth::DIFFERENT)), 9_900),
            (pattern(levels(nom::DIFFERENT, prenom::DIFFERENT, birth::EQUAL)), 100),
        ]
        .into_iter()
        .collect();
        let mut model = Model::from_random_pairs(&random);
        let prior_close = model.m[Field::Nom as usize][usize::from(nom::CLOSE)];
        // A third of the true pairs have a typo in the surname.
        let typo = levels(nom::CLOSE, prenom::EQUAL, birth::EQUAL);
        let candidates: Patterns = [
            (pattern(levels(nom::EQUAL, prenom::EQUAL, birth::EQUAL)), 600),
            (pattern(typo), 300),
            (pattern(levels(nom::DIFFERENT, prenom::DIFFERENT, birth::EQUAL)), 900),
        ]
        .into_iter()
        .collect();
        model.estimate(&candidates, 1e6);
        let learnt_close = model.m[Field::Nom as usize][usize::from(nom::CLOSE)];
        assert!(learnt_close > 0.2 && learnt_close > 2.0 * prior_close, "{learnt_close}");
        assert!((model.lambda * 1e6 - 900.0).abs() < 10.0, "{}", model.lambda);
        assert!(probability(model.weight(&typo)) > 0.99);
    }

    #[test]
    fn a_drifting_m_is_refused() {
        // Random pairs disagree on everything.
        let mut strangers = [NULL; FIELDS.len()];
        for (level, field) in strangers.iter_mut().zip(FIELDS) {
            *level = (field.levels() - 1) as Level;
        }
        let model = Model::from_random_pairs(&[(pattern(strangers), 10_000)].into_iter().collect());
        let prior = model.m.clone();
        let compared = vec![1000.0; FIELDS.len()];
        assert!(model.plausible(&prior, &compared));
        let mut drifted = model.clone();
        // Homonyms taken for one person: their birth dates rarely agree.
        drifted.m[Field::Birth as usize] = vec![0.05, 0.01, 0.02, 0.02, 0.1, 0.8];
        assert!(!drifted.plausible(&prior, &compared));
        // A field no match was compared on says nothing.
        let mut unseen = compared.clone();
        unseen[Field::Birth as usize] = 0.0;
        assert!(drifted.plausible(&prior, &unseen));
    }

    #[test]
    fn a_common_name_weighs_less_than_a_rare_one() {
        let common = Model::tf_adjustment(0.001, 5_000, 100_000);
        let rare = Model::tf_adjustment(0.001, 2, 100_000);
        assert!(common < 0.0 && rare > 0.0 && rare <= MAX_TF_ADJUSTMENT);
    }
}
