//! The batch page in a real headless Chromium (Debian's chromium + chromedriver, driven over
//! WebDriver by fantoccini) against a real `calcium serve` on loopback: log in, the twelve
//! rows, launch CLEAN with its confirmation, edit a schedule, the history with a hidden column
//! that stays hidden after a reload, an import with errors whose erreurFile_ is downloaded,
//! Escape closing every dialog.
//!
//! Without chromium and chromedriver the test says so and skips, except in CI (`CI=true`)
//! where their absence is a failure. Set `CALCIUM_SCREENSHOTS=<folder>` to keep screenshots of
//! the page, the dialogs and the import result at 1280×800 and 420 px wide.

#![allow(clippy::print_stderr, reason = "a skipped test says why on the test output")]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use calcium_test_support::{SmtpSink, calcium_command, free_port, http_get, student_file, student_line};
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const PASSWORD: &str = "mot de passe de marie";
/// Long enough for a page reload by polling (every 2 s) on a busy 2-core machine.
const PATIENCE: Duration = Duration::from_secs(30);

/// Whether the browser tools are installed; in CI their absence fails the test.
fn browser_available() -> bool {
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER].into_iter().filter(|path| !Path::new(path).exists()).collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        !std::env::var("CI").is_ok_and(|v| v == "true"),
        "CI=true but {missing:?} missing: install chromium and chromium-driver (apt-get)"
    );
    eprintln!("note: {missing:?} missing (apt-get install chromium chromium-driver): browser test skipped");
    false
}

/// A child process killed when the test ends, whatever happens.
struct Process {
    child: Child,
    output: Arc<Mutex<String>>,
}

impl Process {
    fn spawn(mut command: Command) -> Process {
        let mut child = command.stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
        let output = Arc::new(Mutex::new(String::new()));
        let pipe = child.stderr.take().unwrap();
        let sink = output.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                sink.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        Process { child, output }
    }

    fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The browser session and where the page is.
struct Browser {
    client: Client,
    base: String,
    screenshots: Option<PathBuf>,
}

impl Browser {
    async fn goto(&self, path: &str) {
        self.client.goto(&format!("{}{path}", self.base)).await.unwrap();
    }

    /// The value of a JavaScript expression in the page.
    async fn eval(&self, expression: &str) -> Value {
        self.client.execute(&format!("return {expression};"), vec![]).await.unwrap()
    }

    /// Waits until a JavaScript expression is true, and fails with `what` after [`PATIENCE`].
    async fn wait_for(&self, what: &str, expression: &str) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if self.eval(&format!("!!({expression})")).await == json!(true) {
                return;
            }
            assert!(Instant::now() < deadline, "{what}: still false after {PATIENCE:?}: {expression}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn click(&self, css: &str) {
        self.client.wait().at_most(PATIENCE).for_element(Locator::Css(css)).await.unwrap().click().await.unwrap();
    }

    async fn press(&self, key: Key) {
        let active = self.client.active_element().await.unwrap();
        active.send_keys(&char::from(key).to_string()).await.unwrap();
    }

    async fn text(&self, css: &str) -> String {
        self.client.find(Locator::Css(css)).await.unwrap().text().await.unwrap()
    }

    async fn dialog_open(&self) -> bool {
        self.eval("document.getElementById('dialog').open").await == json!(true)
    }

    /// Replaces the value of an input.
    async fn fill(&self, css: &str, value: &str) {
        let input = self.client.find(Locator::Css(css)).await.unwrap();
        input.clear().await.unwrap();
        if !value.is_empty() {
            input.send_keys(value).await.unwrap();
        }
    }

    /// Screenshots at 1280×800 then 420 px wide, when `CALCIUM_SCREENSHOTS` names a folder.
    async fn screenshot(&self, name: &str) {
        let Some(dir) = &self.screenshots else { return };
        for (width, height, suffix) in [(1280, 800, "wide"), (420, 860, "narrow")] {
            // The window includes the browser's frame: size it so that the page gets the size.
            self.client.set_window_size(width, height).await.unwrap();
            let frame =
                self.eval("[window.outerWidth - window.innerWidth, window.outerHeight - window.innerHeight]").await;
            let extra = |i: usize| u32::try_from(frame[i].as_u64().unwrap_or(0)).unwrap_or(0);
            self.client.set_window_size(width + extra(0), height + extra(1)).await.unwrap();
            tokio::time::sleep(Duration::from_millis(300)).await;
            let png = self.client.screenshot().await.unwrap();
            std::fs::write(dir.join(format!("{name}-{suffix}.png")), png).unwrap();
        }
        self.client.set_window_size(1280, 800).await.unwrap();
    }
}

#[tokio::test]
async fn an_administrator_drives_the_batch_page_in_chromium() {
    if !browser_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("calcium.db").display());
    let smtp = SmtpSink::start();
    let calcium = |args: &[&str]| {
        let mut command = calcium_command(env!("CARGO_BIN_EXE_calcium"), &url, dir.path());
        command
            .args(args)
            .env("CALCIUM_IMPORT_LOG_DIR", dir.path().join("logs"))
            .env("CALCIUM_SMTP_HOST", "127.0.0.1")
            .env("CALCIUM_SMTP_PORT", smtp.port.to_string())
            .env("CALCIUM_SMTP_FROM", "calcium@univ-exemple.fr");
        command
    };
    let mut add = calcium(&["user", "add", "marie", "--email", "marie@univ-exemple.fr", "--password-stdin"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    add.stdin.take().unwrap().write_all(PASSWORD.as_bytes()).unwrap();
    assert!(add.wait_with_output().unwrap().status.success());

    let port = free_port();
    // Each run waits 1.5 s before its job, so that the ✓ of a launch is seen before it ends.
    let server =
        Process::spawn(calcium(&["serve", "--listen", &format!("127.0.0.1:{port}"), "--test-run-delay-ms", "1500"]));
    let deadline = Instant::now() + PATIENCE;
    while !http_get(port, "/healthz").is_some_and(|answer| answer.starts_with("HTTP/1.1 200")) {
        assert!(Instant::now() < deadline, "serve did not answer: {}", server.output());
        std::thread::sleep(Duration::from_millis(100));
    }

    let driver_port = free_port();
    let mut driver_command = Command::new(CHROMEDRIVER);
    driver_command.arg(format!("--port={driver_port}"));
    let driver = Process::spawn(driver_command);
    let deadline = Instant::now() + PATIENCE;
    while TcpStream::connect(("127.0.0.1", driver_port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start: {}", driver.output());
        std::thread::sleep(Duration::from_millis(50));
    }
    let profile = tempfile::tempdir().unwrap();
    let capabilities = json!({
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", format!("--user-data-dir={}", profile.path().display()),
                "--window-size=1280,800", "--lang=fr-FR"
            ]
        }
    });
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities.as_object().unwrap().clone())
        .connect(&format!("http://127.0.0.1:{driver_port}"))
        .await
        .expect("a chromium session");
    let screenshots = std::env::var_os("CALCIUM_SCREENSHOTS").map(PathBuf::from);
    if let Some(dir) = &screenshots {
        std::fs::create_dir_all(dir).unwrap();
    }
    let browser = Browser { client: client.clone(), base: format!("http://127.0.0.1:{port}"), screenshots };
    // In a task of its own, so that a failed step still closes the browser before the test
    // fails with it (chromium outlives a killed chromedriver otherwise).
    let folder = dir.path().to_path_buf();
    let outcome = tokio::spawn(async move { scenario(&browser, &folder, &smtp).await }).await;
    client.close().await.unwrap();
    if let Err(failure) = outcome {
        eprintln!("serve:\n{}", server.output());
        std::panic::resume_unwind(failure.into_panic());
    }
}

async fn scenario(b: &Browser, dir: &Path, smtp: &SmtpSink) {
    // Log in.
    b.goto("/").await;
    b.wait_for("the login form", "document.querySelector('#login')").await;
    b.fill("#login", "marie").await;
    b.fill("#password", PASSWORD).await;
    b.click("button[type=submit]").await;
    b.wait_for(
        "the batch page",
        "document.querySelector('h1') && document.querySelector('h1').textContent === 'Batches programmés'",
    )
    .await;

    // The twelve rows with the seed's texts.
    assert_eq!(b.eval("document.querySelectorAll('#batch-table tr.batch-row').length").await, json!(12));
    let clean = b.text("tr[data-code=CLEAN]").await;
    assert!(
        clean.contains("Nettoyage des batches") && clean.contains("Tous les lun, mar, mer, jeu, ven à 01h00"),
        "{clean}"
    );
    let relance = b.text("tr[data-code=CLEAN_RELANCE]").await;
    assert!(
        relance.contains("Nettoyage des relances de plus de 1 an") && relance.contains("Aucun jour à 06h10"),
        "{relance}"
    );
    assert_eq!(b.text("tr[data-code=MES_VACCINS] .col-enabled").await, "✗");
    assert_eq!(
        b.eval("document.querySelector('[data-action=launch]').disabled").await,
        json!(true),
        "nothing selected yet"
    );
    b.screenshot("page").await;

    // Launch CLEAN: confirmation, ✓ at once, ✗ again at the end with a new Dernière exécution.
    b.click("tr[data-code=CLEAN]").await;
    b.click("[data-action=launch]").await;
    b.wait_for("the launch dialog", "document.getElementById('dialog').open").await;
    assert!(b.text("#dialog-body").await.contains("Etes vous sûr de vouloir lancer le batch CLEAN maintenant?"));
    b.screenshot("dialog-launch").await;
    b.click("#confirm-launch").await;
    b.wait_for("the dialog closes", "!document.getElementById('dialog').open").await;
    b.wait_for(
        "✓ in Lancement immédiat",
        "document.querySelector('tr[data-code=CLEAN] .col-launch').textContent.includes('✓')",
    )
    .await;
    b.wait_for(
        "✗ again and a finished last run",
        "document.querySelector('tr[data-code=CLEAN] .col-launch').textContent.includes('✗') \
         && document.querySelector('tr[data-code=CLEAN] .col-last-run').textContent.startsWith('FINISH - Deb : ')",
    )
    .await;
    // The selection survives the reloads (restored when htmx settles each new table).
    b.wait_for(
        "the selection kept across reloads",
        "document.querySelector('tr[data-code=CLEAN]').getAttribute('aria-selected') === 'true'",
    )
    .await;

    // A batch out of service explains why it cannot start; Escape closes the dialog.
    b.click("tr[data-code=MES_VACCINS]").await;
    b.click("[data-action=launch]").await;
    b.wait_for("the refusal", "document.getElementById('dialog').open").await;
    assert!(b.text("#dialog-body").await.contains("n'est pas en service"));
    b.press(Key::Escape).await;
    b.wait_for("Escape closes the refusal", "!document.getElementById('dialog').open").await;

    // Edit DOUBLONS, reached with the arrow keys from CLEAN.
    b.click("tr[data-code=CLEAN]").await;
    for _ in 0..3 {
        b.press(Key::Down).await;
    }
    // The selection comes back when htmx settles the new table, a moment after the swap.
    b.wait_for("the selection kept", "document.querySelector('tr.is-selected')?.dataset.code === 'DOUBLONS'").await;
    b.click("[data-action=edit]").await;
    b.wait_for("the edit dialog", "document.querySelector('#edit-time')").await;
    assert!(b.text("#dialog-body h2").await.contains("Edition de batch"));
    b.fill("#edit-time", "03:30").await;
    b.fill("#edit-day", "31").await;
    b.fill("#edit-month", "2").await;
    b.click("#dialog-body button[type=submit]").await;
    b.wait_for("the refusal next to the day", "document.querySelector('#error-day')").await;
    assert_eq!(b.text("#error-day").await, "Le 31 février n'existe pas : ce batch ne s'exécuterait jamais");
    assert!(b.dialog_open().await, "invalid input stays in the dialog");
    b.screenshot("dialog-edit-refused").await;
    b.fill("#edit-day", "").await;
    b.fill("#edit-month", "").await;
    b.click("#dialog-body input[name=sam]").await;
    b.click("#dialog-body button[type=submit]").await;
    b.wait_for("the dialog closes after saving", "!document.getElementById('dialog').open").await;
    b.wait_for(
        "the new Programmation",
        "document.querySelector('tr[data-code=DOUBLONS] .col-schedule').textContent.startsWith('Tous les lun, ven, sam à 03h30')",
    )
    .await;
    assert!(b.text("tr[data-code=DOUBLONS] .next-run").await.starts_with("Prochaine exécution : "));
    // Rafraîchir reloads the table and keeps the selected row.
    b.eval("document.querySelector('tr[data-code=DOUBLONS]').dataset.seen = 'avant'").await;
    b.click("#refresh").await;
    b.wait_for("a fresh table", "!document.querySelector('tr[data-code=DOUBLONS]').dataset.seen").await;
    // The selection comes back when htmx settles the new table, a moment after the swap.
    b.wait_for("the selection kept", "document.querySelector('tr.is-selected')?.dataset.code === 'DOUBLONS'").await;

    // History of CLEAN: hide "Date fin", reload, still hidden; a row opens its log.
    b.click("tr[data-code=CLEAN]").await;
    b.click("[data-action=history]").await;
    b.wait_for("the history dialog", "document.querySelector('#history-table')").await;
    assert_eq!(b.text("#dialog-body h2").await, "Historique des exécutions du batch CLEAN");
    assert!(b.eval("document.querySelectorAll('#history-table tr.history-row').length").await.as_u64().unwrap() >= 1);
    b.click(".gear summary").await;
    b.click("#history-columns input[value=fin]").await;
    b.wait_for(
        "Date fin hidden at once",
        "getComputedStyle(document.querySelector('#history-table th.c-fin')).display === 'none'",
    )
    .await;
    b.click(".gear summary").await;
    b.screenshot("dialog-history").await;
    // The choice is saved by a request of its own: give it the time to land before reloading.
    tokio::time::sleep(Duration::from_millis(500)).await;
    b.goto("/").await;
    b.click("tr[data-code=CLEAN]").await;
    b.click("[data-action=history]").await;
    b.wait_for("the history again", "document.querySelector('#history-table')").await;
    assert_eq!(
        b.eval("getComputedStyle(document.querySelector('#history-table th.c-fin')).display").await,
        json!("none")
    );
    assert_ne!(
        b.eval("getComputedStyle(document.querySelector('#history-table th.c-debut')).display").await,
        json!("none")
    );
    b.click("#history-table tr.history-row").await;
    b.wait_for("the execution log", "document.querySelector('pre.log')").await;
    assert!(b.text("#dialog-body h2").await.starts_with("Journal de l'exécution n° "));
    b.press(Key::Escape).await;
    b.wait_for("Escape closes the log", "!document.getElementById('dialog').open").await;

    // Import a file with one rejected line and download its erreurFile_.
    let file = dir.join("etudiants.csv");
    std::fs::write(
        &file,
        student_file(&[student_line("1234567890V", "Lefèvre", "F"), student_line("", "Martin", "X")]),
    )
    .unwrap();
    b.goto("/import").await;
    assert!(b.text("h1").await.contains("Importation d'un fichier de scolarité"));
    let options = b.eval("Array.from(document.querySelectorAll('#import-model option')).map(o => o.value)").await;
    assert_eq!(options, json!(["APOGEE", "CHU"]));
    b.client.find(Locator::Css("#import-file")).await.unwrap().send_keys(file.to_str().unwrap()).await.unwrap();
    b.screenshot("import-form").await;
    b.click("#import-submit").await;
    b.wait_for("the end of the import", "document.querySelector('#import-status[data-status=FINISH]')").await;
    let status = b.text("#import-status").await;
    assert!(status.contains("REJETÉS") || status.contains("rejetés"), "{status}");
    let counts = b.eval("Object.fromEntries(Array.from(document.querySelectorAll('.count')).map(c => [c.querySelector('dt').textContent, c.querySelector('dd').textContent]))").await;
    assert_eq!((counts["créés"].as_str(), counts["rejetés"].as_str()), (Some("1"), Some("1")), "{counts}");
    b.screenshot("import-result").await;
    let href = b.eval("Array.from(document.querySelectorAll('.files a')).find(a => a.textContent.startsWith('erreurFile_')).getAttribute('href')").await;
    let href = href.as_str().expect("a link to erreurFile_").to_owned();
    let content = b
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1]; fetch(arguments[0]).then(r => r.text()).then(done);",
            vec![json!(href)],
        )
        .await
        .unwrap();
    let content = content.as_str().unwrap();
    assert!(content.starts_with("COD_ANU;COD_NNE;"), "{content}");
    assert!(content.contains(";Martin;") && !content.contains("Lef"), "only the rejected line: {content}");
    for _ in 0..100 {
        if smtp.received().iter().any(|mail| mail.to.iter().any(|to| to.contains("marie@univ-exemple.fr"))) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        smtp.received().iter().any(|mail| mail.to.iter().any(|to| to.contains("marie@univ-exemple.fr"))),
        "the report mail goes to the user who imported"
    );

    // The import is an execution of IMP_QUO, in the table and its history.
    b.goto("/").await;
    let last = b.text("tr[data-code=IMP_QUO] .col-last-run").await;
    assert!(last.starts_with("FINISH - Deb : "), "{last}");
    b.goto("/downloads").await;
    assert!(b.text("table.downloads").await.contains("erreurFile_"));
    b.screenshot("downloads").await;
    b.goto("/account").await;
    assert_eq!(b.eval("document.querySelector('#account-email').value").await, json!("marie@univ-exemple.fr"));
    b.screenshot("account").await;
}
