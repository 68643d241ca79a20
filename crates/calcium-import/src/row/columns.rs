//! 0-based positions of the 46 columns in a data line, by name, so the row parser reads
//! `cells[NOM]` rather than `cells[4]`. A test checks each one against the header names of
//! `calcium_core`, the single source of the column order.
//!
//! Positions only: no parsing here.

pub(super) const COUNT: usize = 46;

pub(super) const COD_ANU: usize = 0;
pub(super) const COD_NNE: usize = 1;
pub(super) const COD_NNI: usize = 2;
pub(super) const COD_ETU: usize = 3;
pub(super) const NOM: usize = 4;
pub(super) const NOMUSAGE: usize = 5;
pub(super) const PRENOM1: usize = 6;
pub(super) const PRENOM2: usize = 7;
pub(super) const PRENOM3: usize = 8;
pub(super) const SEXE: usize = 9;
pub(super) const DATENAI: usize = 10;
pub(super) const CODE_NATIO: usize = 11;
pub(super) const SITUAFAM: usize = 12;
pub(super) const CODEBRS: usize = 13;
pub(super) const CODEFINANC: usize = 14;
pub(super) const TEM_AFFL_SSO: usize = 15;
pub(super) const CENTREPAYEUR: usize = 16;
pub(super) const CODEMUT: usize = 17;
pub(super) const ADR1: usize = 18;
pub(super) const ADR2: usize = 19;
pub(super) const ADR3: usize = 20;
pub(super) const COD_BDI: usize = 21;
pub(super) const COMMUNE: usize = 22;
pub(super) const PAYS: usize = 23;
pub(super) const TELEPH: usize = 24;
pub(super) const MAIL: usize = 25;
pub(super) const PCS: usize = 26;
pub(super) const ADR1FIX: usize = 27;
pub(super) const ADR2FIX: usize = 28;
pub(super) const ADR3FIX: usize = 29;
pub(super) const BDIFIX: usize = 30;
pub(super) const COMMUNEFIX: usize = 31;
pub(super) const PAYSFIX: usize = 32;
pub(super) const TELEPHFIX: usize = 33;
pub(super) const ETB: usize = 34;
pub(super) const CMP: usize = 35;
pub(super) const CURSUS: usize = 36;
pub(super) const ANNEE: usize = 37;
pub(super) const DIPLOME: usize = 38;
pub(super) const ETABLISSEMENT: usize = 39;
pub(super) const BAC: usize = 40;
pub(super) const DATEBAC: usize = 41;
pub(super) const ETB_BAC: usize = 42;
pub(super) const DAA_ETB: usize = 43;
pub(super) const DAA_ENS_SUP: usize = 44;
pub(super) const IDENTIFIANT: usize = 45;

/// The header name of a position.
pub(super) fn name(index: usize) -> &'static str {
    calcium_core::student::FormatVersion::CURRENT.column_names()[index]
}

#[cfg(test)]
mod tests {
    use super::*;
    use calcium_core::student::FormatVersion;

    #[test]
    fn every_position_matches_the_header_name() {
        let table = [
            (COD_ANU, "COD_ANU"),
            (COD_NNE, "COD_NNE"),
            (COD_NNI, "COD_NNI"),
            (COD_ETU, "COD_ETU"),
            (NOM, "NOM"),
            (NOMUSAGE, "NOMUSAGE"),
            (PRENOM1, "PRENOM1"),
            (PRENOM2, "PRENOM2"),
            (PRENOM3, "PRENOM3"),
            (SEXE, "SEXE"),
            (DATENAI, "DATENAI"),
            (CODE_NATIO, "CODE_NATIO"),
            (SITUAFAM, "SITUAFAM"),
            (CODEBRS, "CODEBRS"),
            (CODEFINANC, "CODEFINANC"),
            (TEM_AFFL_SSO, "TEM_AFFL_SSO"),
            (CENTREPAYEUR, "CENTREPAYEUR"),
            (CODEMUT, "CODEMUT"),
            (ADR1, "ADR1"),
            (ADR2, "ADR2"),
            (ADR3, "ADR3"),
            (COD_BDI, "COD_BDI"),
            (COMMUNE, "COMMUNE"),
            (PAYS, "PAYS"),
            (TELEPH, "TELEPH"),
            (MAIL, "MAIL"),
            (PCS, "PCS"),
            (ADR1FIX, "ADR1FIX"),
            (ADR2FIX, "ADR2FIX"),
            (ADR3FIX, "ADR3FIX"),
            (BDIFIX, "BDIFIX"),
            (COMMUNEFIX, "COMMUNEFIX"),
            (PAYSFIX, "PAYSFIX"),
            (TELEPHFIX, "TELEPHFIX"),
            (ETB, "ETB"),
            (CMP, "CMP"),
            (CURSUS, "CURSUS"),
            (ANNEE, "ANNEE"),
            (DIPLOME, "DIPLOME"),
            (ETABLISSEMENT, "ETABLISSEMENT"),
            (BAC, "BAC"),
            (DATEBAC, "DATEBAC"),
            (ETB_BAC, "ETB_BAC"),
            (DAA_ETB, "DAA_ETB"),
            (DAA_ENS_SUP, "DAA_ENS_SUP"),
            (IDENTIFIANT, "IDENTIFIANT"),
        ];
        assert_eq!(table.len(), COUNT);
        assert_eq!(FormatVersion::CURRENT.column_count(), COUNT);
        for (index, expected) in table {
            assert_eq!(name(index), expected);
        }
    }
}
