//! The import form, the upload rules (CSRF, size, type), the result page with its counts and
//! links, and the downloads: by id only, newest first. The import itself is played by a fake
//! launcher here (the real one, with the import pipeline, is exercised by the browser test
//! against `calcium serve`).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use calcium_core::{BatchCode, ExecutionStatus, Trigger};
use calcium_store::{FileKind, NewExecution, NewProducedFile, Store};
use calcium_test_support::backends;
use calcium_web::{ImportLauncher, ImportRefused, ImportRequest, LaunchFuture, StartedImport};
use jiff::{SignedDuration, Timestamp};
use tokio::sync::oneshot;

use crate::support::TestApp;

const HEADER: &str = "COD_ANU;COD_NNE;NOM\n2026;1234567890A;<script>alert(1)</script>\n";

/// Records what it was asked, then plays an import that rejected one line: an IMP_QUO
/// execution with its counts and its three log files.
#[derive(Debug)]
struct FakeLauncher {
    store: Store,
    dir: PathBuf,
    requests: Mutex<Vec<(ImportRequest, Vec<u8>)>>,
}

impl FakeLauncher {
    async fn play(&self, request: ImportRequest) -> Result<StartedImport, ImportRefused> {
        let content = std::fs::read(&request.path).expect("the upload is saved before the launch");
        self.requests.lock().unwrap().push((request.clone(), content));
        let now = Timestamp::now();
        let new = NewExecution {
            batch: BatchCode::ImpQuo,
            status: ExecutionStatus::Running,
            trigger: Trigger::ManualImport,
            occurrence: None,
            triggered_by: Some(request.user.clone()),
            instance_id: None,
            started_at: now,
            message: Some(format!("import manuel : {}", request.file_name)),
        };
        let id = match self.store.insert_execution(&new).await {
            Ok(id) => id,
            Err(error) if error.is_conflict() => return Err(ImportRefused::AlreadyRunning),
            Err(error) => return Err(ImportRefused::Failed(error.into())),
        };
        for (kind, name, text) in [
            (FileKind::ImportLog, format!("log_{}.txt", id.0), "Nombre de lignes traitées : 1\n"),
            (
                FileKind::ImportErrorLog,
                format!("erreurLogs_{}.txt", id.0),
                "Valeur invalide pour SEXE à la ligne 2 : X\n",
            ),
            (FileKind::ImportErrorCsv, format!("erreurFile_{}.csv", id.0), "COD_ANU;NOM\n2026;DUPONT\n"),
        ] {
            let path = self.dir.join(&name);
            std::fs::write(&path, text).unwrap();
            let file = NewProducedFile {
                kind,
                path: path.to_str().unwrap(),
                file_name: &name,
                size_bytes: text.len() as i64,
                execution_id: Some(id.0),
            };
            self.store.record_produced_file(&file, now).await.unwrap();
        }
        let summary = serde_json::json!({"lignes lues": 1, "créés": 0, "rejetés": 1});
        self.store
            .finish_run(id, ExecutionStatus::Finish, now, SignedDuration::from_hours(1), Some(&summary), None, None)
            .await
            .unwrap();
        let (sender, report) = oneshot::channel();
        sender.send(Some(serde_json::json!({"status": "FINISH", "rejected": 1}))).unwrap();
        Ok(StartedImport { execution: id, report })
    }
}

impl ImportLauncher for FakeLauncher {
    fn start(&self, request: ImportRequest) -> LaunchFuture<'_> {
        Box::pin(self.play(request))
    }
}

struct ImportApp {
    app: TestApp,
    launcher: Arc<FakeLauncher>,
    _files: tempfile::TempDir,
}

async fn import_app(kind: calcium_store::BackendKind, limit_bytes: usize) -> ImportApp {
    let files = tempfile::tempdir().unwrap();
    let uploads = files.path().join("uploads");
    // The launcher needs the base the application uses: build the app first, then give it the
    // same store through a second application state on that base.
    let app = TestApp::build(
        kind,
        |options| {
            options.upload_dir = uploads;
            options.upload_limit_bytes = limit_bytes;
        },
        None,
    )
    .await;
    let launcher = Arc::new(FakeLauncher {
        store: app.base.store.clone(),
        dir: files.path().to_path_buf(),
        requests: Mutex::default(),
    });
    let app = app.with_launcher(launcher.clone());
    ImportApp { app, launcher, _files: files }
}

#[tokio::test]
async fn the_import_form_offers_the_models_of_the_base() {
    for kind in backends() {
        let ImportApp { app, .. } = import_app(kind, 1024 * 1024).await;
        let session = app.logged_in().await;
        let page = app.get("/import", &[&session.cookie]).await;
        assert_eq!(page.status, StatusCode::OK);
        for text in [
            "Importation d'un fichier de scolarité",
            "Choix du modèle d'importation",
            "APOGEE",
            "CHU",
            "Importer",
            r#"enctype="multipart/form-data""#,
            "(1 Mo au plus)",
        ] {
            assert!(page.body.contains(text), "{text}\n{}", page.body);
        }
        assert_eq!(app.get("/import", &[]).await.location(), Some("/login"));
        app.finish().await;
    }
}

#[tokio::test]
async fn an_upload_becomes_an_import_whose_page_shows_the_counts_and_the_log_files() {
    for kind in backends() {
        let ImportApp { app, launcher, _files } = import_app(kind, 1024 * 1024).await;
        let session = app.logged_in().await;
        let headers = [("cookie", session.cookie.as_str())];
        let fields = [("csrf", session.csrf.as_str()), ("model", "apogee")];
        let response = app
            .post_multipart("/import", &fields, Some(("../../étudiants.csv", "text/csv", HEADER.as_bytes())), &headers)
            .await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
        let location = response.location().unwrap().to_owned();
        assert!(location.starts_with("/import/"));

        let requests = launcher.requests.lock().unwrap().clone();
        assert_eq!(requests.len(), 1);
        let (request, content) = &requests[0];
        assert_eq!(content, HEADER.as_bytes(), "the file is saved byte for byte");
        assert_eq!((request.model.as_str(), request.user.as_str()), ("APOGEE", "marie"));
        assert_eq!(request.notify.as_deref(), Some("marie@univ-exemple.fr"), "the report goes to the user");
        assert_eq!(request.file_name, "../../étudiants.csv", "shown as given…");
        let saved = request.path.file_name().unwrap().to_str().unwrap();
        assert!(saved.ends_with("_.._.._tudiants.csv") || saved.ends_with("_tudiants.csv"), "{saved}");
        assert!(request.path.starts_with(_files.path().join("uploads")), "…but saved under a name of our own");

        let page = app.get(&location, &[&session.cookie]).await;
        assert_eq!(page.status, StatusCode::OK);
        let body = &page.body;
        assert!(body.contains("FINISH"));
        assert!(body.contains("<dt>rejetés</dt><dd>1</dd>"), "{body}");
        for name in ["log_", "erreurLogs_", "erreurFile_"] {
            assert!(body.contains(&format!(">{name}")), "{name}");
        }
        assert!(!body.contains("hx-trigger=\"every 1s\""), "a finished import stops polling");
        let status = app.get(&format!("{location}/status"), &[&session.cookie]).await;
        assert_eq!(status.status, StatusCode::OK);
        assert!(status.body.starts_with("<div id=\"import-status\""), "the fragment alone: {}", status.body);
        assert!(status.body.contains("data-status=\"FINISH\""));

        // The downloads page lists them, newest first, and serves them by id.
        let downloads = app.get("/downloads", &[&session.cookie]).await.body;
        let csv = downloads.find(">erreurFile_").unwrap();
        assert!(csv < downloads.find(">log_").unwrap(), "newest first (same instant: last recorded first)");
        let link = &downloads[downloads[..csv].rfind("href=\"/downloads/").unwrap() + 6..csv];
        let href = &link[..link.find('"').unwrap()];
        let file = app.get(href, &[&session.cookie]).await;
        assert_eq!(file.status, StatusCode::OK);
        assert_eq!(file.body, "COD_ANU;NOM\n2026;DUPONT\n");
        assert!(
            file.headers["content-disposition"].to_str().unwrap().starts_with("attachment; filename=\"erreurFile_")
        );
        assert_eq!(file.headers["x-content-type-options"], "nosniff");
        app.finish().await;
    }
}

#[tokio::test]
async fn uploads_are_refused_without_token_too_large_or_not_csv() {
    for kind in backends() {
        let ImportApp { app, launcher, .. } = import_app(kind, 1024).await;
        let session = app.logged_in().await;
        let headers = [("cookie", session.cookie.as_str())];
        let csv = Some(("etudiants.csv", "text/csv", HEADER.as_bytes()));
        let forged = app.post_multipart("/import", &[("csrf", "faux"), ("model", "APOGEE")], csv, &headers).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        let anonymous = app.post_multipart("/import", &[("model", "APOGEE")], csv, &[]).await;
        assert_eq!(anonymous.location(), Some("/login"));

        let fields = [("csrf", session.csrf.as_str()), ("model", "APOGEE")];
        let big = vec![b'a'; 4096];
        let too_large = app.post_multipart("/import", &fields, Some(("gros.csv", "text/csv", &big)), &headers).await;
        assert_eq!(too_large.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(too_large.body.contains("taille maximale autorisée"), "{}", too_large.body);
        let xlsx = app
            .post_multipart(
                "/import",
                &fields,
                Some((
                    "etudiants.xlsx",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    b"PK\x03\x04",
                )),
                &headers,
            )
            .await;
        assert_eq!(xlsx.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert!(xlsx.body.contains("n&#39;est pas un fichier CSV"));
        let binary = app
            .post_multipart("/import", &fields, Some(("etudiants.csv", "text/csv", b"PK\x03\x04\x00\x00")), &headers)
            .await;
        assert_eq!(binary.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let unknown = [("csrf", session.csrf.as_str()), ("model", "INCONNU")];
        let model = app.post_multipart("/import", &unknown, csv, &headers).await;
        assert_eq!(model.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(model.body.contains("Modèle d&#39;importation inconnu"));
        let none = app.post_multipart("/import", &fields, None, &headers).await;
        assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(launcher.requests.lock().unwrap().is_empty(), "nothing refused reached the import");
        app.finish().await;
    }
}

#[tokio::test]
async fn a_second_import_while_one_runs_is_refused_and_without_launcher_imports_are_unavailable() {
    for kind in backends() {
        let ImportApp { app, .. } = import_app(kind, 1024 * 1024).await;
        let session = app.logged_in().await;
        let running = NewExecution {
            batch: BatchCode::ImpQuo,
            status: ExecutionStatus::Running,
            trigger: Trigger::Schedule,
            occurrence: None,
            triggered_by: None,
            instance_id: None,
            started_at: Timestamp::now(),
            message: None,
        };
        app.base.store.insert_execution(&running).await.unwrap();
        let fields = [("csrf", session.csrf.as_str()), ("model", "APOGEE")];
        let headers = [("cookie", session.cookie.as_str())];
        let busy =
            app.post_multipart("/import", &fields, Some(("a.csv", "text/csv", HEADER.as_bytes())), &headers).await;
        assert_eq!(busy.status, StatusCode::CONFLICT);
        assert!(busy.body.contains("IMP_QUO est déjà en cours d&#39;exécution"), "{}", busy.body);
        app.finish().await;

        let bare = TestApp::new(kind).await;
        let session = bare.logged_in().await;
        assert!(bare.get("/import", &[&session.cookie]).await.body.contains("L'import n'est pas disponible"));
        bare.finish().await;
    }
}

#[tokio::test]
async fn downloads_go_by_known_id_only() {
    for kind in backends() {
        let app = TestApp::new(kind).await;
        let session = app.logged_in().await;
        let cookie = [session.cookie.as_str()];
        for path in [
            "/downloads/999",
            "/downloads/abc",
            "/downloads/..%2F..%2Fetc%2Fpasswd",
            "/downloads/../../etc/passwd",
            "/import/999",
        ] {
            let response = app.get(path, &cookie).await;
            assert_eq!(response.status, StatusCode::NOT_FOUND, "{path}");
            assert!(!response.body.contains("root:"), "{path}");
        }
        // A file the base knows but the disk lost is a 404 too, not a 500.
        let file = NewProducedFile {
            kind: FileKind::RelanceListing,
            path: "/nulle/part.csv",
            file_name: "part.csv",
            size_bytes: 3,
            execution_id: None,
        };
        let id = app.base.store.record_produced_file(&file, Timestamp::now()).await.unwrap();
        assert_eq!(app.get(&format!("/downloads/{id}"), &cookie).await.status, StatusCode::NOT_FOUND);
        assert!(app.get("/downloads", &cookie).await.body.contains("Listing des relances"));
        assert_eq!(app.get(&format!("/downloads/{id}"), &[]).await.location(), Some("/login"));
        app.finish().await;
    }
}
