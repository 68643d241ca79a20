//! What the demo students study: the programmes of each composante of
//! `calcium_core::reference::ESTABLISHMENTS`, with their cursus, years and diploma labels,
//! and the baccalauréat series they came with.

/// A programme a student is enrolled in.
#[derive(Debug)]
pub(crate) struct Program {
    pub(crate) etb: &'static str,
    pub(crate) cmp: &'static str,
    /// Share of the students, in arbitrary units (the weights add up to about a thousand).
    pub(crate) weight: u32,
    pub(crate) cursus: &'static str,
    /// First and last value of ANNEE, the year within the cursus.
    pub(crate) years: (u8, u8),
    /// Years of higher education before year 1 of this cursus (3 before a master).
    pub(crate) years_before: u8,
    pub(crate) diplome: &'static str,
}

const fn program(
    etb: &'static str,
    cmp: &'static str,
    weight: u32,
    cursus: &'static str,
    years: (u8, u8),
    years_before: u8,
    diplome: &'static str,
) -> Program {
    Program { etb, cmp, weight, cursus, years, years_before, diplome }
}

const UB: &str = "0999001A";
const AGRO: &str = "0999002B";

pub(crate) const PROGRAMS: &[Program] = &[
    program(UB, "SCI", 60, "L", (1, 3), 0, "Licence Sciences de la vie"),
    program(UB, "SCI", 25, "L", (1, 3), 0, "Licence Mathématiques"),
    program(UB, "SCI", 40, "L", (1, 3), 0, "Licence Informatique"),
    program(UB, "SCI", 30, "L", (1, 3), 0, "Licence Physique, chimie"),
    program(UB, "SCI", 10, "L", (1, 3), 0, "Licence Sciences de la Terre"),
    program(UB, "SCI", 20, "M", (1, 2), 3, "Master Biologie-santé"),
    program(UB, "SCI", 15, "M", (1, 2), 3, "Master Informatique"),
    program(UB, "SCI", 10, "M", (1, 2), 3, "Master Chimie"),
    program(UB, "SCI", 8, "D", (1, 3), 5, "Doctorat Environnements, santé"),
    program(UB, "SCI", 4, "D", (1, 3), 5, "Doctorat Mathématiques et informatique"),
    program(UB, "LET", 30, "L", (1, 3), 0, "Licence Lettres modernes"),
    program(UB, "LET", 35, "L", (1, 3), 0, "Licence Histoire"),
    program(UB, "LET", 12, "L", (1, 3), 0, "Licence Philosophie"),
    program(UB, "LET", 30, "L", (1, 3), 0, "Licence LLCER Anglais"),
    program(UB, "LET", 25, "L", (1, 3), 0, "Licence LEA Anglais-Espagnol"),
    program(UB, "LET", 50, "L", (1, 3), 0, "Licence Psychologie"),
    program(UB, "LET", 15, "M", (1, 2), 3, "Master MEEF Premier degré"),
    program(UB, "LET", 6, "M", (1, 2), 3, "Master Histoire, civilisations, patrimoine"),
    program(UB, "LET", 4, "D", (1, 3), 5, "Doctorat Lettres, communication, langues, arts"),
    program(UB, "DRT", 110, "L", (1, 3), 0, "Licence Droit"),
    program(UB, "DRT", 50, "L", (1, 3), 0, "Licence Économie et gestion"),
    program(UB, "DRT", 25, "L", (1, 3), 0, "Licence Administration économique et sociale"),
    program(UB, "DRT", 15, "M", (1, 2), 3, "Master Droit des affaires"),
    program(UB, "DRT", 10, "M", (1, 2), 3, "Master Droit public"),
    program(UB, "DRT", 12, "M", (1, 2), 3, "Master Management"),
    program(UB, "DRT", 5, "D", (1, 3), 5, "Doctorat Droit"),
    program(UB, "MED", 60, "PACES", (1, 1), 0, "Parcours d'accès spécifique santé (PASS)"),
    program(UB, "MED", 40, "DFGSM", (2, 3), 0, "Diplôme de formation générale en sciences médicales"),
    program(UB, "MED", 35, "DFASM", (4, 5), 0, "Diplôme de formation approfondie en sciences médicales"),
    program(UB, "MED", 15, "DFGSP", (2, 3), 0, "Diplôme de formation générale en sciences pharmaceutiques"),
    program(UB, "MED", 6, "DFGSMA", (2, 3), 0, "Diplôme de formation générale en sciences maïeutiques"),
    program(UB, "STA", 50, "L", (1, 3), 0, "Licence STAPS"),
    program(UB, "STA", 8, "M", (1, 2), 3, "Master Entraînement et optimisation de la performance sportive"),
    program(UB, "IUT", 15, "DUT", (1, 2), 0, "DUT Informatique"),
    program(UB, "IUT", 12, "DUT", (1, 2), 0, "DUT Génie biologique"),
    program(UB, "IUT", 15, "DUT", (1, 2), 0, "DUT Gestion des entreprises et des administrations"),
    program(UB, "IUT", 8, "DUT", (1, 2), 0, "DUT Mesures physiques"),
    program(UB, "IUT", 8, "DUT", (1, 2), 0, "DUT Réseaux et télécommunications"),
    program(AGRO, "AGR", 30, "ING", (1, 3), 2, "Diplôme d'ingénieur agronome"),
    program(AGRO, "ALI", 15, "ING", (1, 3), 2, "Diplôme d'ingénieur en sciences des aliments"),
    program(AGRO, "ALI", 8, "M", (1, 2), 3, "Master Sciences de l'alimentation"),
];

/// Baccalauréat series since the 2021 reform, with their weights.
pub(crate) const BAC_SINCE_2021: &[(&str, u32)] =
    &[("G", 75), ("STMG", 7), ("STI2D", 5), ("STL", 4), ("ST2S", 4), ("PRO", 5)];

/// Baccalauréat series before the reform.
pub(crate) const BAC_BEFORE_2021: &[(&str, u32)] =
    &[("S", 50), ("ES", 25), ("L", 10), ("STMG", 6), ("STI2D", 4), ("STL", 2), ("PRO", 3)];

/// "Titre étranger admis en équivalence": the BAC code of students schooled abroad.
pub(crate) const FOREIGN_DIPLOMA: &str = "0031";

/// Socio-professional categories (PCS) of the parents.
pub(crate) const PCS: &[&str] = &[
    "10", "21", "22", "23", "31", "33", "34", "35", "37", "38", "42", "43", "44", "45", "46", "47", "48", "52", "53",
    "54", "55", "56", "61", "66", "69", "71", "72", "73", "76", "81", "82", "99",
];

#[cfg(test)]
mod tests {
    use calcium_core::reference::{ESTABLISHMENTS, IMPORT_MODELS};

    use super::*;

    #[test]
    fn programmes_belong_to_known_composantes_and_years_stay_within_one_to_five() {
        for p in PROGRAMS {
            let establishment = ESTABLISHMENTS.iter().find(|e| e.code == p.etb).expect("known establishment");
            assert!(establishment.composantes.iter().any(|c| c.0 == p.cmp), "{} {}", p.etb, p.cmp);
            assert!(1 <= p.years.0 && p.years.0 <= p.years.1 && p.years.1 <= 5, "{}", p.diplome);
        }
        assert!(IMPORT_MODELS.iter().any(|m| m.code == crate::IMPORT_MODEL));
    }
}
