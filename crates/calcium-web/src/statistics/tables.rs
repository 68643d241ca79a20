//! The four tables of the statistics page, built from the counts of `identity_stat`: each
//! table is shown on the page and offered as a CSV file, from this one value, so the page
//! and the download cannot disagree.

use std::collections::HashMap;

use calcium_core::identity::{AgeGroup, NationalityGroup};
use calcium_store::{IdentityCounts, NomenclatureRow};

/// A table: its file name, its column titles and its rows of cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Table {
    /// `composantes`, `ages`, `nationalites`, `boursiers`: the name of the CSV file.
    pub(crate) name: &'static str,
    pub(crate) headers: Vec<&'static str>,
    pub(crate) rows: Vec<Vec<String>>,
}

/// The names of the tables, in page order.
pub(crate) const TABLES: [&str; 4] = ["composantes", "ages", "nationalites", "boursiers"];

/// Everything the page shows, as values ready for the charts and the tables.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Statistics {
    pub(crate) students: i64,
    /// (label, count) by composante, largest first.
    pub(crate) composantes: Vec<(String, i64)>,
    /// (age group, men, women, unknown), youngest first.
    pub(crate) pyramid: Vec<(AgeGroup, i64, i64, i64)>,
    pub(crate) nationalities: Vec<(NationalityGroup, i64)>,
    pub(crate) bursary_holders: i64,
}

impl Statistics {
    /// Names the composantes from the nomenclatures (`ETABLISSEMENT` and its sub-level); a
    /// code the nomenclature does not know is shown as it is.
    pub(crate) fn new(
        counts: &IdentityCounts,
        establishments: &[NomenclatureRow],
        composantes: &[NomenclatureRow],
    ) -> Statistics {
        let establishment_labels: HashMap<&str, &str> =
            establishments.iter().map(|row| (row.code.as_str(), row.label.as_str())).collect();
        let composante_labels: HashMap<(&str, &str), &str> =
            composantes.iter().map(|row| ((row.parent_code.as_str(), row.code.as_str()), row.label.as_str())).collect();
        let several_establishments =
            counts.by_composante.iter().map(|(etb, _, _)| etb).collect::<std::collections::HashSet<_>>().len() > 1;
        let mut by_composante: Vec<(String, i64)> = counts
            .by_composante
            .iter()
            .map(|(etb, cmp, count)| {
                let label = composante_labels
                    .get(&(etb.as_str(), cmp.as_str()))
                    .map_or_else(|| cmp.clone(), |label| format!("{label} ({cmp})"));
                let label = if several_establishments {
                    let establishment = establishment_labels.get(etb.as_str()).copied().unwrap_or(etb.as_str());
                    format!("{label} — {establishment}")
                } else {
                    label
                };
                (label, *count)
            })
            .collect();
        by_composante.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));

        let pyramid = AgeGroup::ALL
            .into_iter()
            .map(|group| {
                let count = |sexe: &str| {
                    counts
                        .by_age_group_and_sex
                        .iter()
                        .filter(|(code, s, _)| code == group.code() && s == sexe)
                        .map(|(_, _, n)| n)
                        .sum::<i64>()
                };
                (group, count("M"), count("F"), count("INCONNU"))
            })
            .collect();
        let nationalities = NationalityGroup::ALL
            .into_iter()
            .map(|group| {
                let count =
                    counts.by_nationality_group.iter().filter(|(code, _)| code == group.code()).map(|(_, n)| n).sum();
                (group, count)
            })
            .collect();
        Statistics {
            students: counts.students,
            composantes: by_composante,
            pyramid,
            nationalities,
            bursary_holders: counts.bursary_holders,
        }
    }

    pub(crate) fn table(&self, name: &str) -> Option<Table> {
        let share = |count: i64| share_text(count, self.students);
        let table = match name {
            "composantes" => Table {
                name: "composantes",
                headers: vec!["Composante", "Étudiants", "Part (%)"],
                rows: self
                    .composantes
                    .iter()
                    .map(|(label, count)| vec![label.clone(), count.to_string(), share(*count)])
                    .collect(),
            },
            "ages" => Table {
                name: "ages",
                headers: vec!["Tranche d'âge", "Hommes", "Femmes", "Genre inconnu", "Total"],
                rows: self
                    .pyramid
                    .iter()
                    .map(|(group, men, women, unknown)| {
                        vec![
                            group.label().to_owned(),
                            men.to_string(),
                            women.to_string(),
                            unknown.to_string(),
                            (men + women + unknown).to_string(),
                        ]
                    })
                    .collect(),
            },
            "nationalites" => Table {
                name: "nationalites",
                headers: vec!["Nationalité", "Étudiants", "Part (%)"],
                rows: self
                    .nationalities
                    .iter()
                    .map(|(group, count)| vec![group.label().to_owned(), count.to_string(), share(*count)])
                    .collect(),
            },
            "boursiers" => {
                let others = self.students - self.bursary_holders;
                Table {
                    name: "boursiers",
                    headers: vec!["Statut", "Étudiants", "Part (%)"],
                    rows: vec![
                        vec!["Boursiers".to_owned(), self.bursary_holders.to_string(), share(self.bursary_holders)],
                        vec!["Non boursiers".to_owned(), others.to_string(), share(others)],
                    ],
                }
            }
            _ => return None,
        };
        Some(table)
    }
}

/// `12,5`: a share in percent with one decimal, the French way; `0,0` of nothing.
pub(crate) fn share_text(count: i64, total: i64) -> String {
    if total <= 0 {
        return "0,0".to_owned();
    }
    #[allow(clippy::cast_precision_loss, reason = "a share shown with one decimal")]
    let percent = count as f64 * 100.0 / total as f64;
    format!("{percent:.1}").replace('.', ",")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(code: &str, parent: &str, label: &str) -> NomenclatureRow {
        NomenclatureRow {
            code: code.to_owned(),
            label: label.to_owned(),
            parent_code: parent.to_owned(),
            eu_member: false,
        }
    }

    fn counts() -> IdentityCounts {
        IdentityCounts {
            students: 8,
            by_composante: vec![("E1".into(), "MED".into(), 3), ("E1".into(), "SCI".into(), 5)],
            by_age_group_and_sex: vec![
                ("18-20".into(), "F".into(), 4),
                ("18-20".into(), "M".into(), 2),
                ("30+".into(), "INCONNU".into(), 2),
            ],
            by_nationality_group: vec![("FRANCE".into(), 6), ("HORS_UE".into(), 2)],
            bursary_holders: 3,
            built_at: None,
        }
    }

    #[test]
    fn composantes_are_named_from_the_nomenclature_largest_first() {
        let stats = Statistics::new(&counts(), &[row("E1", "", "Université")], &[row("SCI", "E1", "UFR Sciences")]);
        assert_eq!(stats.composantes, [("UFR Sciences (SCI)".to_owned(), 5), ("MED".to_owned(), 3)]);
        let table = stats.table("composantes").unwrap();
        assert_eq!(table.rows[0], ["UFR Sciences (SCI)", "5", "62,5"]);
    }

    #[test]
    fn every_age_group_and_nationality_group_has_a_row_even_when_empty() {
        let stats = Statistics::new(&counts(), &[], &[]);
        let ages = stats.table("ages").unwrap();
        assert_eq!(ages.rows.len(), 6);
        assert_eq!(ages.rows[1], ["18 à 20 ans", "2", "4", "0", "6"]);
        assert_eq!(ages.rows[5], ["30 ans et plus", "0", "0", "2", "2"]);
        let nationalities = stats.table("nationalites").unwrap();
        assert_eq!(nationalities.rows[1], ["Union européenne", "0", "0,0"]);
        assert_eq!(stats.table("boursiers").unwrap().rows[1], ["Non boursiers", "5", "62,5"]);
        assert_eq!(stats.table("inconnue"), None);
    }

    #[test]
    fn a_share_of_an_empty_table_is_zero() {
        assert_eq!(share_text(0, 0), "0,0");
        assert_eq!(share_text(1, 3), "33,3");
    }
}
