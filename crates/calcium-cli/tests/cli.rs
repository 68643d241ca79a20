//! The command-line contract of SPEC §5, exercised on the real binary.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use calcium_test_support::{TestBase, backends, calcium_command, student_file, student_line};
use serde_json::Value;

/// A working directory and a base for the commands of one test.
struct Env {
    dir: tempfile::TempDir,
    database_url: String,
}

impl Env {
    fn sqlite() -> Env {
        let dir = tempfile::tempdir().unwrap();
        let database_url = format!("sqlite://{}", dir.path().join("calcium.db").display());
        Env { dir, database_url }
    }

    fn with_url(database_url: &str) -> Env {
        Env { dir: tempfile::tempdir().unwrap(), database_url: database_url.to_owned() }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = calcium_command(env!("CARGO_BIN_EXE_calcium"), &self.database_url, self.dir.path());
        command.args(args);
        command
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    fn run_with_input(&self, args: &[&str], input: &str) -> Output {
        let mut child =
            self.command(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        let output = self.run(args);
        assert_success(&output);
        serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)))
    }
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn assert_success(output: &Output) {
    assert!(output.status.success(), "exit {:?}, stderr: {}", output.status.code(), stderr(output));
}

fn assert_refused(output: &Output, needle: &str) {
    assert_eq!(output.status.code(), Some(2), "stderr: {}", stderr(output));
    assert!(stderr(output).contains(needle), "stderr lacks {needle:?}: {}", stderr(output));
    assert!(output.stdout.is_empty(), "nothing on stdout when refused");
}

async fn batch_list_has_the_twelve_batches(env: &Env) {
    let list = env.json(&["batch", "list", "--json"]);
    let batches = list.as_array().unwrap();
    assert_eq!(batches.len(), 12);
    let clean = &batches[0];
    assert_eq!(clean["code"], "CLEAN");
    assert_eq!(clean["label"], "Nettoyage des batches");
    assert_eq!(clean["enabled"], true);
    assert_eq!(clean["launch_now"], false);
    assert_eq!(clean["summary"], "Tous les lun, mar, mer, jeu, ven à 01h00");
    assert_eq!(
        clean["schedule"],
        serde_json::json!({"time": "01:00", "day_of_month": null, "month": null, "year": null,
                           "weekdays": ["lun", "mar", "mer", "jeu", "ven"]})
    );
    assert_eq!(clean["last_execution"], Value::Null);
    let next = clean["next_run"].as_str().unwrap();
    assert!(next.contains("T01:00:00+0"), "{next}");
    let mes_vaccins = batches.iter().find(|b| b["code"] == "MES_VACCINS").unwrap();
    assert_eq!((&mes_vaccins["enabled"], &mes_vaccins["next_run"]), (&Value::Bool(false), &Value::Null));
    let imp_quo = env.json(&["batch", "show", "imp_quo", "--json"]);
    assert_eq!((&imp_quo["summary"], &imp_quo["next_run"]), (&Value::from("Aucun jour à 05h00"), &Value::Null));
}

#[tokio::test]
async fn batch_list_and_show_give_the_spec_json_on_every_backend() {
    for kind in backends() {
        let base = TestBase::empty(kind).await;
        batch_list_has_the_twelve_batches(&Env::with_url(&base.url)).await;
        base.finish().await;
    }
}

#[test]
fn unknown_batch_is_refused_with_exit_2() {
    let env = Env::sqlite();
    assert_refused(&env.run(&["batch", "show", "NOPE"]), "Batch inconnu : « NOPE »");
}

#[test]
fn student_add_then_find_gives_lowercase_column_keys() {
    let env = Env::sqlite();
    let created = env.json(&[
        "student",
        "add",
        "--nom",
        "Lefèvre",
        "--prenom",
        "Zoé",
        "--naissance",
        "29/02/2004",
        "--nationalite",
        "100",
        "--sexe",
        "F",
        "--ine",
        "1234567890V",
        "--json",
    ]);
    assert_eq!(created["nom"], "Lefèvre");
    assert_eq!(created["datenai"], "2004-02-29");
    assert_eq!(created["cod_nne"], "1234567890V");
    assert_eq!(created["import_model"], Value::Null);
    assert_eq!(created["sexe"], "F");
    assert_eq!(created["etb"], "0999001A");
    for key in ["id", "cod_anu", "prenom1", "code_natio", "mail", "adr1", "cmp", "daa_etb", "identifiant"] {
        assert!(created.get(key).is_some(), "missing key {key}");
    }

    let found = env.json(&["student", "find", "--nom", "LEFEVRE", "--json"]);
    assert_eq!(found.as_array().unwrap().len(), 1);
    assert_eq!(found[0]["id"], created["id"]);
    let by_ine = env.json(&["student", "find", "--ine", "1234567890V", "--json"]);
    assert_eq!(by_ine[0]["prenom1"], "Zoé");
}

#[test]
fn a_look_alike_student_is_created_with_a_warning() {
    let env = Env::sqlite();
    let add = [
        "student",
        "add",
        "--nom",
        "Dupont",
        "--prenom",
        "Jean-Pierre",
        "--naissance",
        "01/02/2003",
        "--nationalite",
        "100",
    ];
    assert_success(&env.run(&add));
    let second = env.run(&[
        "student",
        "add",
        "--nom",
        "DUPONT",
        "--prenom",
        "jean pierre",
        "--naissance",
        "01/02/2003",
        "--nationalite",
        "100",
    ]);
    assert_success(&second);
    assert!(stderr(&second).contains("ressemble à un dossier existant"), "{}", stderr(&second));
    assert_eq!(env.json(&["student", "find", "--nom", "dupont", "--json"]).as_array().unwrap().len(), 2);
}

#[test]
fn bad_student_input_is_refused_and_nothing_is_created() {
    let env = Env::sqlite();
    let base = ["student", "add", "--nom", "Martin", "--prenom", "Léa", "--nationalite", "100"];
    let with = |extra: &[&'static str]| -> Vec<&str> { base.iter().copied().chain(extra.iter().copied()).collect() };
    assert_refused(&env.run(&with(&["--naissance", "31/02/2004"])), "Date de naissance non lisible");
    assert_refused(&env.run(&with(&["--naissance", "01/01/2004", "--sexe", "X"])), "Genre invalide");
    assert_refused(&env.run(&with(&["--naissance", "01/01/2004", "--ine", "123"])), "INE invalide");
    assert_eq!(env.json(&["student", "find", "--nom", "martin", "--json"]), serde_json::json!([]));
    assert_refused(&env.run(&["student", "find"]), "précisez --ine ou --nom");
}

#[test]
fn configuration_errors_name_the_key_and_exit_2() {
    let env = Env::sqlite();
    let mut command = env.command(&["batch", "list"]);
    assert_refused(&command.env("CALCIUM_SCHEDULER_TIMEZONE", "Mars/Olympus").output().unwrap(), "scheduler.timezone");
    let mut command = env.command(&["batch", "list"]);
    assert_refused(&command.env("CALCIUM_SERVER_LISTNE", "x").output().unwrap(), "CALCIUM_SERVER_LISTNE");
    let unreachable = Env::with_url("postgres://calcium:secret-pw@127.0.0.1:1/calcium");
    let output = unreachable.run(&["db", "migrate"]);
    assert_refused(&output, "database.url : base injoignable");
    assert!(!stderr(&output).contains("secret-pw"), "the password is not printed");

    std::fs::write(env.dir.path().join("calcium.toml"), "[scheduler]\nlease_seconds = \"60\"\n").unwrap();
    assert_refused(&env.run(&["batch", "list"]), "scheduler.lease_seconds : un entier est attendu");
    std::fs::write(env.dir.path().join("other.toml"), "[import]\nmodel = \"CHU\"\n").unwrap();
    assert_success(&env.run(&["--config", "other.toml", "batch", "list"]));
}

#[tokio::test]
async fn commands_started_together_on_a_new_sqlite_base_all_migrate_it() {
    // Without the migration lock, three pairs in five failed on a table or a column the other
    // had just made.
    for _ in 0..5 {
        let env = Env::sqlite();
        let children: Vec<_> = (0..3)
            .map(|_| env.command(&["db", "migrate"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap())
            .collect();
        for child in children {
            assert_success(&child.wait_with_output().unwrap());
        }
        batch_list_has_the_twelve_batches(&env).await;
    }
}

#[test]
fn bad_arguments_exit_2_with_a_french_message() {
    let env = Env::sqlite();
    assert_refused(&env.run(&["batch", "frobnicate"]), "calcium : commande inconnue : frobnicate");
    let output = env.run(&["student", "add", "--nom", "X"]);
    assert_refused(&output, "arguments obligatoires manquants : --prenom <PRENOM>, --naissance");
    assert!(stderr(&output).contains("Usage : calcium student add"), "{}", stderr(&output));
    assert_refused(&env.run(&["import", "--bogus", "f.csv"]), "option ou argument inconnu : --bogus");
}

#[test]
fn help_is_in_french() {
    let env = Env::sqlite();
    let output = env.run(&["--help"]);
    assert_success(&output);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("Commandes") && text.contains("Exemples"), "{text}");
    let text = String::from_utf8_lossy(&env.run(&["student", "add", "--help"]).stdout).into_owned();
    assert!(text.contains("Date de naissance JJ/MM/AAAA"), "{text}");
}

#[test]
fn user_add_reads_the_password_from_stdin_and_refuses_duplicates() {
    let env = Env::sqlite();
    let add = ["user", "add", "mdupont", "--email", "m.dupont@univ-exemple.fr", "--password-stdin"];
    assert_refused(&env.run_with_input(&add, "court\n"), "mot de passe trop court");
    assert_success(&env.run_with_input(&add, "un mot de passe assez long\n"));
    assert_refused(&env.run_with_input(&add, "un mot de passe assez long\n"), "l'identifiant mdupont existe déjà");
    let generated = env.run(&["user", "add", "autre", "--email", "autre@univ-exemple.fr"]);
    assert_success(&generated);
    assert!(stderr(&generated).contains("affiché une seule fois"));
    assert_refused(&env.run(&["user", "add", "x", "--email", "pas-une-adresse"]), "Adresse e-mail invalide");
}

#[tokio::test]
async fn user_token_prints_a_token_the_base_keeps_only_as_its_digest() {
    let env = Env::sqlite();
    assert_refused(&env.run(&["user", "token", "personne"]), "aucun compte personne");
    let add = ["user", "add", "mdupont", "--email", "m.dupont@univ-exemple.fr", "--password-stdin"];
    assert_success(&env.run_with_input(&add, "un mot de passe assez long\n"));
    let output = env.run(&["user", "token", "mdupont"]);
    assert_success(&output);
    let token = String::from_utf8(output.stdout.clone()).unwrap().trim().to_owned();
    assert!(token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit()), "{token}");
    assert!(stderr(&output).contains("affiché une seule fois"));
    let store = calcium_store::Store::connect(&env.database_url).await.unwrap();
    let user = store.find_api_token_user(&calcium_web::token_digest(&token)).await.unwrap();
    assert_eq!(user.map(|u| u.login).as_deref(), Some("mdupont"));
    assert!(store.find_api_token_user(&token).await.unwrap().is_none(), "the token itself is not stored");
    store.close().await;
}

#[test]
fn demo_seed_fills_an_empty_base_once() {
    let env = Env::sqlite();
    let output = env.run(&["demo", "seed", "--students", "300", "--seed", "3"]);
    assert_success(&output);
    assert!(stderr(&output).contains("300 étudiants"), "{}", stderr(&output));
    assert_refused(&env.run(&["demo", "seed", "--students", "10"]), "déjà");
}

#[test]
fn batch_set_changes_the_schedule_and_refuses_what_never_fires() {
    let env = Env::sqlite();
    let output = env.run(&["batch", "set", "REL_COU", "--time", "03:00", "--weekdays", "ven", "--day-of-month", "13"]);
    assert_success(&output);
    assert!(stderr(&output).contains("Tous les ven tombant le 13 de chaque mois à 03h00"), "{}", stderr(&output));
    let shown = env.json(&["batch", "show", "REL_COU", "--json"]);
    assert_eq!(shown["schedule"]["day_of_month"], 13);
    assert_eq!(shown["schedule"]["weekdays"], serde_json::json!(["ven"]));

    assert_refused(
        &env.run(&["batch", "set", "REL_COU", "--day-of-month", "30", "--month", "2"]),
        "Le 30 février n'existe pas",
    );
    assert_refused(&env.run(&["batch", "set", "REL_COU", "--year", "2001"]), "L'année 2001 est passée");
    assert_refused(&env.run(&["batch", "set", "REL_COU", "--time", "25:00"]), "Heure de lancement invalide");
    assert_refused(&env.run(&["batch", "set", "REL_COU", "--weekdays", "lun,xyz"]), "Jour de la semaine inconnu");
    assert_refused(&env.run(&["batch", "set", "MES_VACCINS", "--enable"]), "mesvaccins.url");
    // Nothing of the refused changes was kept.
    assert_eq!(
        env.json(&["batch", "show", "REL_COU", "--json"])["summary"],
        "Tous les ven tombant le 13 de chaque mois à 03h00"
    );

    assert_success(&env.run(&["batch", "set", "REL_COU", "--day-of-month", "none", "--weekdays", "none"]));
    assert_eq!(env.json(&["batch", "show", "REL_COU", "--json"])["summary"], "Aucun jour à 03h00");
    assert_success(&env.run(&["batch", "set", "CLEAN", "--time-limit", "600"]));
    assert_eq!(env.json(&["batch", "show", "CLEAN", "--json"])["time_limit_seconds"], 600);
    assert_refused(&env.run(&["batch", "set", "CLEAN", "--time-limit", "0"]), "--time-limit");
    assert_success(&env.run(&["batch", "set", "CLEAN", "--time-limit", "none"]));
    assert_eq!(env.json(&["batch", "show", "CLEAN", "--json"])["time_limit_seconds"], Value::Null);
    assert_success(&env.run(&["batch", "set", "CLEAN", "--disable"]));
    assert_eq!(env.json(&["batch", "show", "CLEAN", "--json"])["enabled"], false);
    assert_refused(&env.run(&["batch", "run", "CLEAN"]), "n'est pas en service");
}

#[test]
fn batch_next_lists_occurrences_across_daylight_saving_changes() {
    let env = Env::sqlite();
    assert_success(&env.run(&[
        "batch",
        "set",
        "DOUBLONS",
        "--time",
        "02:30",
        "--weekdays",
        "lun,mar,mer,jeu,ven,sam,dim",
    ]));
    let next = env.json(&["batch", "next", "DOUBLONS", "--from", "2027-03-27T12:00", "--count", "2", "--json"]);
    assert_eq!(
        next,
        serde_json::json!({"code": "DOUBLONS", "occurrences": ["2027-03-28T03:30:00+02:00", "2027-03-29T02:30:00+02:00"]})
    );
    let fold = env.json(&["batch", "next", "DOUBLONS", "--from", "2027-10-30T12:00", "--count", "2", "--json"]);
    assert_eq!(fold["occurrences"], serde_json::json!(["2027-10-31T02:30:00+02:00", "2027-11-01T02:30:00+01:00"]));
    let never = env.json(&["batch", "next", "IMP_QUO", "--json"]);
    assert_eq!(never["occurrences"], serde_json::json!([]));
    assert_refused(&env.run(&["batch", "next", "CLEAN", "--from", "demain"]), "--from");
}

#[test]
fn batch_run_without_an_instance_runs_here_and_history_shows_it() {
    let env = Env::sqlite();
    let run = env.json(&["batch", "run", "CLEAN", "--wait", "--json"]);
    assert_eq!(run["status"], "FINISH");
    assert_eq!(run["trigger"], "lancement immédiat");
    assert!(run["text"].as_str().unwrap().starts_with("FINISH - Deb : "));
    assert_eq!(run["summary"]["exécutions purgées"], 0);

    // LIS_REL with no letter to list finishes and writes nothing.
    let lis_rel = env.json(&["batch", "run", "LIS_REL", "--wait", "--json"]);
    assert_eq!(lis_rel["status"], "FINISH");
    assert_eq!(lis_rel["summary"]["courriers listés"], 0);

    let history = env.json(&["batch", "history", "CLEAN", "--json"]);
    assert_eq!(history.as_array().unwrap().len(), 1);
    assert_eq!(history[0]["id"], run["id"]);
    for key in ["status", "started_at", "finished_at", "duration_secs", "trigger", "message"] {
        assert!(history[0].get(key).is_some(), "{key}");
    }
    assert_eq!(env.json(&["batch", "show", "CLEAN", "--json"])["last_execution"]["id"], run["id"]);
    assert_eq!(env.json(&["batch", "show", "CLEAN", "--json"])["launch_now"], false);
    assert_refused(&env.run(&["batch", "cancel", "CLEAN"]), "rien à annuler");
}

#[test]
fn import_reports_in_json_and_is_recorded_under_imp_quo() {
    let env = Env::sqlite();
    let file = env.dir.path().join("etudiants.csv");
    let good = student_line("1234567890V", "Lefèvre", "F");
    let bad = student_line("", "Martin", "X");
    std::fs::write(&file, student_file(&[&good, &bad])).unwrap();

    let report = env.json(&["import", file.to_str().unwrap(), "--json"]);
    assert_eq!(report["status"], "FINISH");
    assert_eq!(report["model"], "APOGEE");
    assert_eq!(
        (report["lines_read"].as_u64(), report["created"].as_u64(), report["rejected"].as_u64()),
        (Some(2), Some(1), Some(1))
    );
    assert_eq!(
        report["errors"][0],
        serde_json::json!({"line": 3, "ine": null, "kind": "INVALID_FIELD", "message": "Valeur invalide pour SEXE à la ligne 3 : X"})
    );
    for key in ["log", "error_log", "error_csv"] {
        assert!(std::path::Path::new(report["files"][key].as_str().unwrap()).exists(), "{key}");
    }
    let history = env.json(&["batch", "history", "IMP_QUO", "--json"]);
    assert_eq!(
        (&history[0]["status"], &history[0]["trigger"]),
        (&Value::from("FINISH"), &Value::from("import manuel"))
    );
    assert_eq!(env.json(&["batch", "show", "IMP_QUO", "--json"])["last_execution"]["id"], history[0]["id"]);

    let again = env.json(&["import", file.to_str().unwrap(), "--json"]);
    assert_eq!((again["created"].as_u64(), again["unchanged"].as_u64()), (Some(0), Some(1)));
    let dry = env.json(&["import", file.to_str().unwrap(), "--dry-run", "--json"]);
    assert_eq!(dry["unchanged"], 1);
    assert_eq!(
        env.json(&["batch", "history", "IMP_QUO", "--json"]).as_array().unwrap().len(),
        2,
        "a dry run is not recorded"
    );
}

#[test]
fn the_terminal_shows_the_first_errors_and_the_json_report_all_of_them() {
    let env = Env::sqlite();
    let file = env.dir.path().join("etudiants.csv");
    let bad = student_line("", "Martin", "X");
    let lines: Vec<&str> = std::iter::repeat_n(bad.as_str(), 60).collect();
    std::fs::write(&file, student_file(&lines)).unwrap();

    let output = env.run(&["import", file.to_str().unwrap()]);
    assert!(output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.matches("Valeur invalide pour SEXE").count(), 50, "{stderr}");
    assert!(stderr.contains("… et 10 autres erreurs : voir le fichier erreurLogs."), "{stderr}");
    let report = env.json(&["import", file.to_str().unwrap(), "--json"]);
    assert_eq!(report["errors"].as_array().unwrap().len(), 60);
}

#[test]
fn import_refusals_exit_2() {
    let env = Env::sqlite();
    let file = env.dir.path().join("etudiants.csv");
    std::fs::write(&file, student_file::<&str>(&[])).unwrap();
    assert_refused(
        &env.run(&["import", file.to_str().unwrap(), "--model", "NOPE"]),
        "Modèle d'importation inconnu : NOPE (modèles : APOGEE, CHU)",
    );
    assert_refused(&env.run(&["import", "absent.csv"]), "Fichier d'import introuvable !");
    std::fs::write(&file, b"COD_ANU;COD_NNE\r\n2026;X\r\n").unwrap();
    let output = env.run(&["import", file.to_str().unwrap(), "--json"]);
    assert_eq!(output.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        (&report["status"], &report["errors"][0]["kind"]),
        (&Value::from("ERROR"), &Value::from("HEADER_COLUMN_COUNT"))
    );
    assert_eq!(env.json(&["batch", "history", "IMP_QUO", "--json"])[0]["status"], "ERROR");
}

#[test]
fn the_daily_import_reads_the_import_folder_and_archives_what_it_imported() {
    let env = Env::sqlite();
    let missing = env.run(&["batch", "run", "IMP_QUO", "--wait", "--json"]);
    assert_eq!(missing.status.code(), Some(1));
    let run: Value = serde_json::from_slice(&missing.stdout).unwrap();
    assert_eq!(run["status"], "ERROR");
    assert!(run["message"].as_str().unwrap().starts_with("Fichier d'import introuvable !"), "{run}");

    let import_dir = env.dir.path().join("import");
    std::fs::create_dir_all(&import_dir).unwrap();
    std::fs::write(import_dir.join("calcium.csv"), student_file(&[&student_line("1234567890V", "Durand", "M")]))
        .unwrap();
    let run = env.json(&["batch", "run", "IMP_QUO", "--wait", "--json"]);
    assert_eq!(run["status"], "FINISH");
    assert_eq!(run["summary"]["créés"], 1);
    assert!(!import_dir.join("calcium.csv").exists(), "the imported file left the import folder");
    let archived: Vec<_> =
        std::fs::read_dir(import_dir.join("archive")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(archived.len(), 1);
    assert!(archived[0].to_string_lossy().ends_with("_calcium.csv"));
    assert!(env.dir.path().join("import/logs").exists());
}

#[test]
fn the_import_report_is_mailed_and_a_mail_failure_never_fails_the_import() {
    let env = Env::sqlite();
    let sink = calcium_test_support::SmtpSink::start();
    let file = env.dir.path().join("etudiants.csv");
    std::fs::write(
        &file,
        student_file(&[&student_line("1234567890V", "Lefèvre", "F"), &student_line("", "Martin", "X")]),
    )
    .unwrap();
    let with_smtp = |command: &mut Command, port: u16| {
        command
            .env("CALCIUM_SMTP_HOST", "127.0.0.1")
            .env("CALCIUM_SMTP_PORT", port.to_string())
            .env("CALCIUM_SMTP_FROM", "calcium@univ-exemple.fr");
    };
    let mut command = env.command(&["import", file.to_str().unwrap(), "--notify", "marie.dupont@univ-exemple.fr"]);
    with_smtp(&mut command, sink.port);
    assert_success(&command.output().unwrap());
    let mails = sink.received();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, ["marie.dupont@univ-exemple.fr"]);
    for attachment in ["log_", "erreurLogs_", "erreurFile_"] {
        assert!(mails[0].data.contains(attachment), "{attachment} attached");
    }

    // The relay is down: the import still lands, and its log says the mail did not leave.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    std::fs::write(&file, student_file(&[&student_line("2234567890A", "Garnier", "M")])).unwrap();
    let mut command =
        env.command(&["import", file.to_str().unwrap(), "--notify", "marie.dupont@univ-exemple.fr", "--json"]);
    with_smtp(&mut command, closed);
    let output = command.output().unwrap();
    assert_success(&output);
    let history = env.json(&["batch", "history", "IMP_QUO", "--json"]);
    assert_eq!(history[0]["status"], "FINISH");
    assert_eq!(env.json(&["student", "find", "--nom", "garnier", "--json"]).as_array().unwrap().len(), 1);
    let id = calcium_store::ExecutionId(history[0]["id"].as_i64().unwrap());
    let log = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = calcium_store::Store::connect(&env.database_url).await.unwrap();
        store.execution_log(id).await.unwrap()
    });
    assert!(log.contains("Rapport non envoyé à marie.dupont@univ-exemple.fr"), "{log}");
    assert_refused(&env.run(&["import", file.to_str().unwrap(), "--notify", "pas-une-adresse"]), "--notify");
}
