//! The command line of SPEC §5, as clap sees it. Help texts are in French, for the IT staff
//! who script `calcium`; the raw values are turned into domain types by the commands.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand};

const HELP_TEMPLATE: &str = "{about-with-newline}\nUsage : {usage}\n\n{all-args}{after-help}";

#[derive(Debug, Parser)]
#[command(
    name = "calcium",
    version,
    about = "Calcium — batches programmés et import des étudiants",
    help_template = HELP_TEMPLATE,
    subcommand_help_heading = "Commandes",
    subcommand_value_name = "COMMANDE",
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    after_help = "Exemples :\n  calcium serve --demo\n  calcium batch list --json\n  calcium student find --nom Dupont --json\n  CALCIUM_DATABASE_URL=postgres://calcium:secret@db/calcium calcium db migrate\n\nConfiguration : --config, sinon $CALCIUM_CONFIG, sinon ./calcium.toml ; chaque clé peut être\nremplacée par une variable CALCIUM_<SECTION>_<CLE> (ex. CALCIUM_IMPORT_LOG_DIR).\nCodes de sortie : 0 fait, 2 entrée refusée, 1 erreur interne."
)]
pub(crate) struct Cli {
    /// Fichier de configuration (sinon $CALCIUM_CONFIG, sinon ./calcium.toml)
    #[arg(long, global = true, value_name = "FICHIER")]
    pub(crate) config: Option<PathBuf>,

    /// Affiche l'aide
    #[arg(short = 'h', long, global = true, action = ArgAction::Help)]
    help: Option<bool>,

    /// Affiche la version
    #[arg(short = 'V', long, action = ArgAction::Version)]
    version: Option<bool>,

    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Lance le serveur web et le planificateur
    #[command(help_template = HELP_TEMPLATE, after_help = "Exemple :\n  calcium serve --listen 0.0.0.0:8080")]
    Serve {
        /// Adresse d'écoute (remplace server.listen)
        #[arg(long, value_name = "IP:PORT")]
        listen: Option<SocketAddr>,
        /// Remplit une base vide avec des données de démonstration
        #[arg(long)]
        demo: bool,
        #[command(flatten)]
        test_clock: TestClockArgs,
    },
    /// Gestion de la base
    #[command(subcommand, help_template = HELP_TEMPLATE, subcommand_help_heading = "Commandes", subcommand_value_name = "COMMANDE")]
    Db(DbCommand),
    /// Données de démonstration
    #[command(subcommand, help_template = HELP_TEMPLATE, subcommand_help_heading = "Commandes", subcommand_value_name = "COMMANDE")]
    Demo(DemoCommand),
    /// Comptes des administrateurs
    #[command(subcommand, help_template = HELP_TEMPLATE, subcommand_help_heading = "Commandes", subcommand_value_name = "COMMANDE")]
    User(UserCommand),
    /// Les douze batches
    #[command(subcommand, help_template = HELP_TEMPLATE, subcommand_help_heading = "Commandes", subcommand_value_name = "COMMANDE")]
    Batch(BatchCommand),
    /// Dossiers étudiants
    #[command(subcommand, help_template = HELP_TEMPLATE, subcommand_help_heading = "Commandes", subcommand_value_name = "COMMANDE")]
    Student(StudentCommand),
    /// Paires d'étudiants probablement identiques (trouvées par le batch DOUBLONS)
    #[command(subcommand, help_template = HELP_TEMPLATE, subcommand_help_heading = "Commandes", subcommand_value_name = "COMMANDE")]
    Doublons(DoublonsCommand),
    /// Importe un fichier de scolarité (CSV « ; » en ISO-8859-1), enregistré comme exécution d'IMP_QUO
    #[command(
        help_template = HELP_TEMPLATE,
        after_help = "Les journaux log_, erreurLogs_ et erreurFile_ vont dans import.log_dir.\nCodes de sortie : 0 importé (des lignes ont pu être rejetées), 2 fichier refusé, 1 erreur interne.\n\nExemples :\n  calcium import /srv/apogee/calcium.csv --json\n  calcium import etudiants-chu.csv --model CHU --dry-run"
    )]
    Import {
        /// Le fichier à importer
        file: PathBuf,
        /// Modèle d'importation (APOGEE par défaut)
        #[arg(long, default_value = "APOGEE", hide_default_value = true)]
        model: String,
        /// Calcule et rapporte tout, écrit les journaux, ne modifie pas la base
        #[arg(long)]
        dry_run: bool,
        /// Sortie JSON sur stdout
        #[arg(long)]
        json: bool,
        /// Envoie le rapport d'import (compteurs et journaux joints) à cette adresse
        #[arg(long, value_name = "EMAIL")]
        notify: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum DbCommand {
    /// Applique les migrations en attente (toute commande le fait aussi)
    #[command(help_template = HELP_TEMPLATE)]
    Migrate,
}

#[derive(Debug, Subcommand)]
pub(crate) enum DemoCommand {
    /// Remplit une base vide avec des étudiants et des données de santé fictifs
    #[command(help_template = HELP_TEMPLATE, after_help = "Exemple :\n  calcium demo seed --students 100000 --seed 7")]
    Seed {
        /// Nombre d'étudiants (5000 par défaut)
        #[arg(long, default_value_t = 5000, hide_default_value = true, value_name = "N")]
        students: u32,
        /// Graine : la même graine donne les mêmes données (1 par défaut)
        #[arg(long, default_value_t = 1, hide_default_value = true, value_name = "S")]
        seed: u64,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum UserCommand {
    /// Crée un compte administrateur
    #[command(
        help_template = HELP_TEMPLATE,
        after_help = "Sans --password-stdin, un mot de passe est généré et affiché une seule fois.\n\nExemple :\n  printf '%s' \"$MOT_DE_PASSE\" | calcium user add mdupont --email m.dupont@univ-exemple.fr --password-stdin"
    )]
    Add {
        /// Identifiant de connexion
        login: String,
        /// Adresse e-mail (reçoit les rapports d'import)
        #[arg(long, value_name = "EMAIL")]
        email: String,
        /// Lit le mot de passe sur l'entrée standard
        #[arg(long)]
        password_stdin: bool,
    },
    /// Crée un jeton d'accès à l'API (/api/) pour un compte
    #[command(
        help_template = HELP_TEMPLATE,
        after_help = "Le jeton est affiché une seule fois sur la sortie standard ; la base n'en garde que l'empreinte.\n\nExemple :\n  curl -H \"Authorization: Bearer $JETON\" http://127.0.0.1:8080/api/batches"
    )]
    Token {
        /// Identifiant du compte
        login: String,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum BatchCommand {
    /// Liste les douze batches
    #[command(help_template = HELP_TEMPLATE)]
    List {
        /// Sortie JSON sur stdout
        #[arg(long)]
        json: bool,
    },
    /// Affiche un batch
    #[command(help_template = HELP_TEMPLATE, after_help = "Exemple :\n  calcium batch show IMP_QUO --json")]
    Show {
        /// Code du batch (CLEAN, IMP_QUO, …)
        code: String,
        /// Sortie JSON sur stdout
        #[arg(long)]
        json: bool,
    },
    /// Modifie la programmation d'un batch ou le met en/hors service
    #[command(
        help_template = HELP_TEMPLATE,
        after_help = "Les champs non précisés gardent leur valeur ; « none » vide un champ.\n\nExemples :\n  calcium batch set REL_COU --time 01:30 --weekdays lun,jeu\n  calcium batch set IMP_QUO --day-of-month 1 --month none --weekdays none\n  calcium batch set MES_VACCINS --disable"
    )]
    Set(BatchSetArgs),
    /// Demande un lancement immédiat (exécuté sur place si aucune instance ne tourne)
    #[command(
        help_template = HELP_TEMPLATE,
        after_help = "Sans instance « calcium serve » active sur la base, le batch s'exécute dans cette commande.\nCode de sortie 1 si l'exécution attendue ne finit pas en FINISH.\n\nExemple :\n  calcium batch run CLEAN --wait --json"
    )]
    Run {
        /// Code du batch
        code: String,
        /// Attend la fin de l'exécution et l'affiche
        #[arg(long)]
        wait: bool,
        /// Sortie JSON sur stdout
        #[arg(long)]
        json: bool,
    },
    /// Historique des exécutions, les plus récentes d'abord
    #[command(help_template = HELP_TEMPLATE, after_help = "Exemple :\n  calcium batch history IMP_QUO --limit 10 --json")]
    History {
        /// Code du batch
        code: String,
        /// Nombre d'exécutions (20 par défaut)
        #[arg(long, default_value_t = 20, hide_default_value = true, value_name = "N")]
        limit: u32,
        /// Sortie JSON sur stdout
        #[arg(long)]
        json: bool,
    },
    /// Prochaines exécutions prévues
    #[command(help_template = HELP_TEMPLATE, after_help = "Exemple :\n  calcium batch next DOUBLONS --from 2027-03-27T12:00 --count 3 --json")]
    Next {
        /// Code du batch
        code: String,
        /// À partir de cette heure locale, exclue (AAAA-MM-JJTHH:MM ; maintenant par défaut)
        #[arg(long, value_name = "AAAA-MM-JJTHH:MM")]
        from: Option<String>,
        /// Nombre d'occurrences (5 par défaut)
        #[arg(long, default_value_t = 5, hide_default_value = true, value_name = "N")]
        count: usize,
        /// Sortie JSON sur stdout
        #[arg(long)]
        json: bool,
    },
    /// Demande l'arrêt de l'exécution en cours d'un batch
    #[command(help_template = HELP_TEMPLATE)]
    Cancel {
        /// Code du batch
        code: String,
    },
}

#[derive(Debug, Args)]
pub(crate) struct BatchSetArgs {
    /// Code du batch
    pub(crate) code: String,
    /// Heure de lancement HH:MM
    #[arg(long, value_name = "HH:MM")]
    pub(crate) time: Option<String>,
    /// Jour du mois (1 à 31) ou none
    #[arg(long, value_name = "N|none")]
    pub(crate) day_of_month: Option<String>,
    /// Mois de l'année (1 à 12) ou none
    #[arg(long, value_name = "N|none")]
    pub(crate) month: Option<String>,
    /// Année ou none
    #[arg(long, value_name = "N|none")]
    pub(crate) year: Option<String>,
    /// Jours de la semaine (lun,mar,mer,jeu,ven,sam,dim) ou none
    #[arg(long, value_name = "lun,mar,…|none")]
    pub(crate) weekdays: Option<String>,
    /// Durée maximale d'une exécution en secondes, ou none (au-delà : arrêt et ERROR)
    #[arg(long, value_name = "SECONDES|none")]
    pub(crate) time_limit: Option<String>,
    /// Met le batch en service
    #[arg(long, conflicts_with = "disable")]
    pub(crate) enable: bool,
    /// Met le batch hors service
    #[arg(long)]
    pub(crate) disable: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum StudentCommand {
    /// Crée un dossier étudiant à la main (prévient s'il ressemble à un dossier existant)
    #[command(
        help_template = HELP_TEMPLATE,
        after_help = "Exemple :\n  calcium student add --nom Dupont --prenom Zoé --naissance 29/02/2004 --nationalite 100 --sexe F"
    )]
    Add(StudentAddArgs),
    /// Recherche des étudiants par INE ou par nom
    #[command(help_template = HELP_TEMPLATE, after_help = "Exemple :\n  calcium student find --ine 1234567890V --json")]
    Find {
        /// INE (COD_NNE)
        #[arg(long)]
        ine: Option<String>,
        /// Nom (patronyme ou nom d'usage ; casse, accents et tirets ignorés)
        #[arg(long)]
        nom: Option<String>,
        /// Sortie JSON sur stdout
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub(crate) struct StudentAddArgs {
    /// Nom patronymique
    #[arg(long)]
    pub(crate) nom: String,
    /// Prénom
    #[arg(long)]
    pub(crate) prenom: String,
    /// Date de naissance JJ/MM/AAAA
    #[arg(long, value_name = "JJ/MM/AAAA")]
    pub(crate) naissance: String,
    /// Code nationalité (nomenclature PAYS, 100 = France)
    #[arg(long, value_name = "CODE")]
    pub(crate) nationalite: String,
    /// INE (11 caractères)
    #[arg(long)]
    pub(crate) ine: Option<String>,
    /// Genre : M, F ou INCONNU (INCONNU par défaut)
    #[arg(long, default_value = "INCONNU", hide_default_value = true)]
    pub(crate) sexe: String,
    /// Code établissement (nomenclature ETABLISSEMENT)
    #[arg(long, value_name = "E")]
    pub(crate) etb: Option<String>,
    /// Code composante
    #[arg(long, value_name = "C")]
    pub(crate) cmp: Option<String>,
    /// Sortie JSON sur stdout
    #[arg(long)]
    pub(crate) json: bool,
}

/// For the multi-instance tests only: runs the scheduler on a sped-up copy of the base's clock,
/// so that minute-grained schedules fire every few seconds. Hidden from the help.
#[derive(Debug, Args)]
pub(crate) struct TestClockArgs {
    /// Speed factor of the scheduler's clock.
    #[arg(long, hide = true, requires_all = ["time_origin", "virtual_origin"])]
    pub(crate) time_scale: Option<u32>,
    /// The real instant (RFC 3339) at which the sped-up clock reads `virtual_origin`.
    #[arg(long, hide = true)]
    pub(crate) time_origin: Option<jiff::Timestamp>,
    #[arg(long, hide = true)]
    pub(crate) virtual_origin: Option<jiff::Timestamp>,
    /// A pause (milliseconds) before each job, so a test can kill an instance mid-run.
    #[arg(long, hide = true)]
    pub(crate) test_run_delay_ms: Option<u64>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum DoublonsCommand {
    /// Les paires à traiter, meilleur score d'abord (toutes avec --all)
    #[command(help_template = HELP_TEMPLATE, after_help = "Exemple :\n  calcium doublons list --json")]
    List {
        /// Aussi les paires déjà jugées
        #[arg(long)]
        all: bool,
        /// Sortie JSON sur stdout
        #[arg(long)]
        json: bool,
    },
    /// Enregistre un verdict sur une paire (une paire jugée différente n'est plus proposée)
    #[command(
        help_template = HELP_TEMPLATE,
        after_help = "Exemples :\n  calcium doublons judge 12 4711 --different\n  calcium doublons judge 12 4711 --same"
    )]
    Judge {
        /// Identifiant du premier étudiant
        id_a: i64,
        /// Identifiant du second étudiant
        id_b: i64,
        /// Les deux dossiers sont la même personne
        #[arg(long, conflicts_with = "different", required_unless_present = "different")]
        same: bool,
        /// Les deux dossiers sont deux personnes différentes
        #[arg(long)]
        different: bool,
    },
}
