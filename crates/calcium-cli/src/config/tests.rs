use super::*;

fn load(file: Option<&str>, env: &[(&str, &str)]) -> Result<Settings, ConfigError> {
    let env = env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    Settings::from_sources(file, &env)
}

fn refusal(file: Option<&str>, env: &[(&str, &str)]) -> String {
    load(file, env).unwrap_err().to_string()
}

#[test]
fn defaults_follow_the_spec() {
    let s = load(None, &[]).unwrap();
    assert_eq!(s.database_url.expose(), "sqlite://calcium.db");
    assert_eq!(s.listen.to_string(), "127.0.0.1:8080");
    assert_eq!(s.time_zone.iana_name(), Some("Europe/Paris"));
    assert_eq!((s.grace_minutes, s.lease_seconds), (15, 60));
    assert_eq!(s.import_dir, PathBuf::from("import"));
    assert_eq!(s.import_file, "calcium.csv");
    assert_eq!(s.import_log_dir, PathBuf::from("import/logs"));
    assert_eq!(s.import_model, "APOGEE");
    assert!(s.import_report_to.is_none());
    assert_eq!(s.output_dir, PathBuf::from("output"));
    assert_eq!((s.executions_days, s.keep_last, s.import_logs_days), (90, 20, 90));
    assert_eq!((s.relances_days, s.scan_days, s.rappel_days), (365, 30, 30));
    assert_eq!(s.mesvaccins.timeout_seconds, 30);
    assert!(s.smtp.is_none());
    assert_eq!(s.upload_limit_mb, 50);
}

#[test]
fn the_upload_limit_is_a_positive_number_of_megabytes() {
    assert_eq!(load(Some("[web]\nupload_limit_mb = 5\n"), &[]).unwrap().upload_limit_mb, 5);
    assert_eq!(load(None, &[("CALCIUM_WEB_UPLOAD_LIMIT_MB", "120")]).unwrap().upload_limit_mb, 120);
    assert!(refusal(Some("[web]\nupload_limit_mb = 0\n"), &[]).contains("web.upload_limit_mb"));
}

#[test]
fn environment_overrides_the_file_for_every_kind_of_key() {
    let file = "[import]\nlog_dir = \"/var/log/calcium\"\n[scheduler]\ngrace_minutes = 5\n";
    let s = load(Some(file), &[]).unwrap();
    assert_eq!((s.import_log_dir.to_str(), s.grace_minutes), (Some("/var/log/calcium"), 5));
    let s = load(
        Some(file),
        &[
            ("CALCIUM_IMPORT_LOG_DIR", "/tmp/logs"),
            ("CALCIUM_SCHEDULER_GRACE_MINUTES", "30"),
            ("CALCIUM_SERVER_SECURE_COOKIES", "true"),
            ("CALCIUM_DATABASE_URL", "postgres://u:pw@db/calcium"),
            ("CALCIUM_CONFIG", "ignored-here.toml"),
        ],
    )
    .unwrap();
    assert_eq!((s.import_log_dir.to_str(), s.grace_minutes, s.secure_cookies), (Some("/tmp/logs"), 30, true));
    assert_eq!(s.database_url.expose(), "postgres://u:pw@db/calcium");
}

#[test]
fn every_key_has_an_environment_variable() {
    for (section, key, kind) in KEYS {
        let value = match kind {
            Kind::Text => "x",
            Kind::Integer => "7",
            Kind::Boolean => "true",
        };
        let name = env_name(section, key);
        // The variable is recognised: a refusal, if any, is about its value, not its name.
        if let Err(e) = load(None, &[(name.as_str(), value)]) {
            assert!(!e.to_string().contains("inconnue"), "{name}: {e}");
        }
    }
}

#[test]
fn bad_values_are_refused_naming_the_key() {
    assert_eq!(refusal(Some("[server]\nlisen = \"x\"\n"), &[]), "configuration invalide : clé inconnue : server.lisen");
    assert_eq!(
        refusal(Some("[scheduler]\ngrace_minutes = \"15\"\n"), &[]),
        "configuration invalide : scheduler.grace_minutes : un entier est attendu"
    );
    assert_eq!(
        refusal(None, &[("CALCIUM_SCHEDULER_TIMEZONE", "Europe/Pariss")]),
        "configuration invalide : scheduler.timezone : fuseau horaire inconnu « Europe/Pariss »"
    );
    assert_eq!(
        refusal(None, &[("CALCIUM_DATABSE_URL", "x")]),
        "configuration invalide : variable d'environnement inconnue : CALCIUM_DATABSE_URL"
    );
    assert!(
        refusal(None, &[("CALCIUM_SCHEDULER_LEASE_SECONDS", "soixante")]).contains("CALCIUM_SCHEDULER_LEASE_SECONDS")
    );
    assert!(
        refusal(None, &[("CALCIUM_DATABASE_URL", "mysql://x")]).starts_with("configuration invalide : database.url")
    );
    assert!(refusal(None, &[("CALCIUM_SERVER_LISTEN", "localhost")]).contains("server.listen"));
    assert!(refusal(None, &[("CALCIUM_IMPORT_REPORT_TO", "pas-une-adresse")]).contains("import.report_to"));
    assert!(refusal(None, &[("CALCIUM_SMTP_HOST", "smtp.exemple.fr")]).contains("smtp.from"));
    assert!(refusal(Some("nope"), &[]).contains("syntaxe TOML"));
}

#[test]
fn secrets_never_show_in_debug_output() {
    let s = load(
        None,
        &[
            ("CALCIUM_DATABASE_URL", "postgres://calcium:s3cr3t-db@db.exemple.fr/calcium"),
            ("CALCIUM_SMTP_HOST", "smtp.exemple.fr"),
            ("CALCIUM_SMTP_FROM", "calcium@exemple.fr"),
            ("CALCIUM_SMTP_PASSWORD", "s3cr3t-smtp"),
            ("CALCIUM_MESVACCINS_TOKEN", "s3cr3t-token"),
        ],
    )
    .unwrap();
    let debug = format!("{s:?}");
    assert!(!debug.contains("s3cr3t"), "{debug}");
    assert!(debug.contains("postgres://calcium:***@db.exemple.fr/calcium"));
    assert_eq!(s.smtp.unwrap().password.unwrap().expose(), "s3cr3t-smtp");
}

#[test]
fn the_relance_letters_read_their_templates_folder_and_listing_encoding() {
    let s = load(None, &[]).unwrap();
    assert_eq!((s.relance_templates_dir, s.listing_encoding), (None, ListingEncoding::Windows1252));
    let s = load(Some("[relances]\ntemplates_dir = \"/etc/calcium/courriers\"\nlisting_encoding = \"utf-8\"\n"), &[])
        .unwrap();
    assert_eq!(s.relance_templates_dir, Some(PathBuf::from("/etc/calcium/courriers")));
    assert_eq!(s.listing_encoding, ListingEncoding::Utf8Bom);
    let s = load(None, &[("CALCIUM_RELANCES_TEMPLATES_DIR", "modeles")]).unwrap();
    assert_eq!(s.relance_templates_dir, Some(PathBuf::from("modeles")));
    let refused = refusal(Some("[relances]\nlisting_encoding = \"latin9\"\n"), &[]);
    assert!(refused.contains("relances.listing_encoding") && refused.contains("windows-1252, utf-8"), "{refused}");
}
