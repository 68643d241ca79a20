//! The columns of the student file and the three known format versions (SPEC §4.1).

/// Column names of the current format (1.2.1), in file order. Older versions are prefixes.
const NAMES: [&str; 46] = [
    "COD_ANU",
    "COD_NNE",
    "COD_NNI",
    "COD_ETU",
    "NOM",
    "NOMUSAGE",
    "PRENOM1",
    "PRENOM2",
    "PRENOM3",
    "SEXE",
    "DATENAI",
    "CODE_NATIO",
    "SITUAFAM",
    "CODEBRS",
    "CODEFINANC",
    "TEM_AFFL_SSO",
    "CENTREPAYEUR",
    "CODEMUT",
    "ADR1",
    "ADR2",
    "ADR3",
    "COD_BDI",
    "COMMUNE",
    "PAYS",
    "TELEPH",
    "MAIL",
    "PCS",
    "ADR1FIX",
    "ADR2FIX",
    "ADR3FIX",
    "BDIFIX",
    "COMMUNEFIX",
    "PAYSFIX",
    "TELEPHFIX",
    "ETB",
    "CMP",
    "CURSUS",
    "ANNEE",
    "DIPLOME",
    "ETABLISSEMENT",
    "BAC",
    "DATEBAC",
    "ETB_BAC",
    "DAA_ETB",
    "DAA_ENS_SUP",
    "IDENTIFIANT",
];

/// One column of the student file, by its position in the current format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Column(u8);

impl Column {
    pub const COD_ANU: Column = Column(0);
    pub const COD_NNE: Column = Column(1);
    pub const COD_NNI: Column = Column(2);
    pub const NOM: Column = Column(4);
    pub const PRENOM1: Column = Column(6);
    pub const SEXE: Column = Column(9);
    pub const DATENAI: Column = Column(10);
    pub const CODE_NATIO: Column = Column(11);
    pub const ETB: Column = Column(34);
    pub const CMP: Column = Column(35);

    /// The mandatory columns, in file order.
    pub const MANDATORY: [Column; 8] = [
        Column::COD_ANU,
        Column::NOM,
        Column::PRENOM1,
        Column::SEXE,
        Column::DATENAI,
        Column::CODE_NATIO,
        Column::ETB,
        Column::CMP,
    ];

    pub fn all() -> impl Iterator<Item = Column> {
        (0..NAMES.len() as u8).map(Column)
    }

    /// The header name, e.g. `COD_NNE`.
    pub fn name(self) -> &'static str {
        NAMES[usize::from(self.0)]
    }

    /// 0-based position in the file.
    pub fn index(self) -> usize {
        usize::from(self.0)
    }

    /// The French label of a mandatory column, as in `La donnée 'Patronyme' est absente…`.
    pub fn mandatory_label(self) -> Option<&'static str> {
        Some(match self {
            Column::COD_ANU => "Code année",
            Column::NOM => "Patronyme",
            Column::PRENOM1 => "Prénom",
            Column::SEXE => "Genre",
            Column::DATENAI => "Date de naissance",
            Column::CODE_NATIO => "Nationalité",
            Column::ETB => "Etablissement",
            Column::CMP => "Composante",
            _ => return None,
        })
    }
}

/// The format versions a header may match (SPEC §4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FormatVersion {
    /// 43 columns, up to `ETB_BAC`.
    Base,
    /// 45 columns: base + `DAA_ETB;DAA_ENS_SUP`.
    V1_2_0,
    /// 46 columns: 1.2.0 + `IDENTIFIANT` (current).
    V1_2_1,
}

impl FormatVersion {
    pub const CURRENT: FormatVersion = FormatVersion::V1_2_1;
    pub const ALL: [FormatVersion; 3] = [FormatVersion::Base, FormatVersion::V1_2_0, FormatVersion::V1_2_1];

    pub fn column_count(self) -> usize {
        match self {
            FormatVersion::Base => 43,
            FormatVersion::V1_2_0 => 45,
            FormatVersion::V1_2_1 => 46,
        }
    }

    pub fn column_names(self) -> &'static [&'static str] {
        &NAMES[..self.column_count()]
    }

    pub fn label(self) -> &'static str {
        match self {
            FormatVersion::Base => "base",
            FormatVersion::V1_2_0 => "1.2.0",
            FormatVersion::V1_2_1 => "1.2.1",
        }
    }

    /// The header line of this version, `;`-separated.
    pub fn header_line(self) -> String {
        self.column_names().join(";")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn current_header_is_the_reference_file() {
        let reference = "COD_ANU;COD_NNE;COD_NNI;COD_ETU;NOM;NOMUSAGE;PRENOM1;PRENOM2;PRENOM3;SEXE;DATENAI;CODE_NATIO;SITUAFAM;CODEBRS;CODEFINANC;TEM_AFFL_SSO;CENTREPAYEUR;CODEMUT;ADR1;ADR2;ADR3;COD_BDI;COMMUNE;PAYS;TELEPH;MAIL;PCS;ADR1FIX;ADR2FIX;ADR3FIX;BDIFIX;COMMUNEFIX;PAYSFIX;TELEPHFIX;ETB;CMP;CURSUS;ANNEE;DIPLOME;ETABLISSEMENT;BAC;DATEBAC;ETB_BAC;DAA_ETB;DAA_ENS_SUP;IDENTIFIANT";
        assert_eq!(FormatVersion::CURRENT.header_line(), reference);
        assert_eq!(FormatVersion::Base.column_names().last(), Some(&"ETB_BAC"));
        assert_eq!(FormatVersion::V1_2_0.column_names().last(), Some(&"DAA_ENS_SUP"));
    }

    #[test]
    fn mandatory_columns_have_their_french_labels() {
        let labels: Vec<_> = Column::MANDATORY.iter().map(|c| (c.name(), c.mandatory_label().unwrap())).collect();
        assert_eq!(labels[1], ("NOM", "Patronyme"));
        assert_eq!(Column::COD_NNE.mandatory_label(), None);
    }
}
