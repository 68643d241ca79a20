//! Reference data a fresh base starts with: the import models and the nomenclatures the demo
//! data and the jobs need (PAYS, ETABLISSEMENT with its composantes, motifs de relance).
//!
//! Country codes are the INSEE codes Apogée uses for CODE_NATIO and PAYS (`100` = France).

/// A nomenclature, as Calcium names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NomenclatureKind {
    Pays,
    Etablissement,
    /// The "sous niveau" of ETABLISSEMENT: each composante has its establishment as parent.
    Composante,
    MotifRelance,
}

impl NomenclatureKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NomenclatureKind::Pays => "PAYS",
            NomenclatureKind::Etablissement => "ETABLISSEMENT",
            NomenclatureKind::Composante => "COMPOSANTE",
            NomenclatureKind::MotifRelance => "MOTIF_RELANCE",
        }
    }
}

/// One entry of a nomenclature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NomenclatureEntry {
    pub kind: NomenclatureKind,
    pub code: &'static str,
    pub label: &'static str,
    /// For a composante, its establishment's code.
    pub parent: Option<&'static str>,
    /// For a country, membership of the European Union (nationality groups of the statistics).
    pub eu_member: bool,
}

/// An import model ("Modèles d'importation", SPEC §4.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportModelDefinition {
    pub code: &'static str,
    pub label: &'static str,
    /// ETB applied when the source leaves it empty.
    pub default_etb: Option<&'static str>,
    /// CMP applied when the source leaves it empty.
    pub default_cmp: Option<&'static str>,
}

pub const IMPORT_MODELS: [ImportModelDefinition; 2] = [
    ImportModelDefinition {
        code: "APOGEE",
        label: "Export Apogée de la scolarité",
        default_etb: None,
        default_cmp: None,
    },
    ImportModelDefinition {
        code: "CHU",
        label: "Étudiants en santé inscrits au CHU",
        default_etb: Some("0999001A"),
        default_cmp: Some("MED"),
    },
];

/// (code, label, member of the EU)
pub const COUNTRIES: &[(&str, &str, bool)] = &[
    ("100", "France", true),
    ("109", "Allemagne", true),
    ("110", "Autriche", true),
    ("111", "Bulgarie", true),
    ("114", "Roumanie", true),
    ("122", "Pologne", true),
    ("126", "Grèce", true),
    ("127", "Italie", true),
    ("131", "Belgique", true),
    ("134", "Espagne", true),
    ("135", "Pays-Bas", true),
    ("136", "Irlande", true),
    ("139", "Portugal", true),
    ("132", "Royaume-Uni", false),
    ("140", "Suisse", false),
    ("205", "Liban", false),
    ("216", "Chine", false),
    ("217", "Japon", false),
    ("223", "Inde", false),
    ("243", "Viêt Nam", false),
    ("322", "Cameroun", false),
    ("326", "Côte d'Ivoire", false),
    ("333", "Madagascar", false),
    ("335", "Mali", false),
    ("341", "Sénégal", false),
    ("350", "Maroc", false),
    ("351", "Tunisie", false),
    ("352", "Algérie", false),
    ("401", "Canada", false),
    ("404", "États-Unis", false),
    ("415", "Brésil", false),
];

/// An establishment and its composantes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Establishment {
    pub code: &'static str,
    pub label: &'static str,
    /// (code, label) of each composante.
    pub composantes: &'static [(&'static str, &'static str)],
}

pub const ESTABLISHMENTS: &[Establishment] = &[
    Establishment {
        code: "0999001A",
        label: "Université de Bourgogne-Exemple",
        composantes: &[
            ("SCI", "UFR Sciences et techniques"),
            ("LET", "UFR Lettres et philosophie"),
            ("DRT", "UFR Droit, sciences économique et politique"),
            ("MED", "UFR des Sciences de santé"),
            ("STA", "UFR STAPS"),
            ("IUT", "IUT Dijon-Auxerre"),
        ],
    },
    Establishment {
        code: "0999002B",
        label: "Institut national supérieur d'agronomie-Exemple",
        composantes: &[("AGR", "Département Agronomie"), ("ALI", "Département Sciences des aliments")],
    },
];

/// (code, label)
pub const RELANCE_MOTIFS: &[(&str, &str)] = &[
    ("VAC", "Vaccinations à mettre à jour"),
    ("BIL", "Bilan de santé à compléter"),
    ("RDV", "Rendez-vous non honoré"),
    ("CER", "Certificat médical à fournir"),
    ("RES", "Résultats d'examens à rapporter"),
];

/// Every nomenclature entry of a fresh base.
pub fn nomenclature_entries() -> Vec<NomenclatureEntry> {
    let mut entries = Vec::new();
    for &(code, label, eu_member) in COUNTRIES {
        entries.push(NomenclatureEntry { kind: NomenclatureKind::Pays, code, label, parent: None, eu_member });
    }
    for &Establishment { code, label, composantes } in ESTABLISHMENTS {
        entries.push(NomenclatureEntry {
            kind: NomenclatureKind::Etablissement,
            code,
            label,
            parent: None,
            eu_member: false,
        });
        for &(cmp_code, cmp_label) in composantes {
            entries.push(NomenclatureEntry {
                kind: NomenclatureKind::Composante,
                code: cmp_code,
                label: cmp_label,
                parent: Some(code),
                eu_member: false,
            });
        }
    }
    for &(code, label) in RELANCE_MOTIFS {
        entries.push(NomenclatureEntry {
            kind: NomenclatureKind::MotifRelance,
            code,
            label,
            parent: None,
            eu_member: false,
        });
    }
    entries
}
