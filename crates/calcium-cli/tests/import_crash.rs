//! `kill -9` in the middle of an import, once its progress shows to other processes: the base
//! holds none of the file, and the execution shows INTERRUPTED once an instance recovers (SPEC
//! §4.5): a `calcium serve` that comes up, or the next `calcium import`, which is not refused
//! because of the dead one.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use calcium_core::{BatchCode, ExecutionStatus};
use calcium_test_support::{TestBase, backends, calcium_command};

fn calcium(url: &str, dir: &std::path::Path) -> Command {
    let mut command = calcium_command(env!("CARGO_BIN_EXE_calcium"), url, dir);
    command.stdout(Stdio::null()).stderr(Stdio::null());
    command
}

/// A valid file of `count` students, each with its own INE and name.
fn big_file(count: u64) -> Vec<u8> {
    let mut text = calcium_core::student::FormatVersion::CURRENT.header_line();
    text.push_str("\r\n");
    for i in 0..count {
        let ine = calcium_core::student::Ine::bea_from_digits(1_000_000_000 + i);
        let mut cells = vec![String::new(); 46];
        cells[0] = "2026".into();
        cells[1] = ine.to_string();
        cells[4] = format!("Nom{i}");
        cells[6] = "Zoe".into();
        cells[9] = "F".into();
        cells[10] = "01/02/2003".into();
        cells[11] = "100".into();
        cells[25] = format!("etudiant{i}@etu.exemple.fr");
        cells[34] = "0999001A".into();
        cells[35] = "SCI".into();
        text.push_str(&cells.join(";"));
        text.push_str("\r\n");
    }
    text.into_bytes()
}

/// Starts `calcium import` of a file of 200 000 students written in `dir` and kills it
/// (SIGKILL) once it has worked for a while; returns the execution it was.
async fn kill_an_import(base: &TestBase, dir: &std::path::Path) -> calcium_store::ExecutionId {
    let store = &base.store;
    let file = dir.join("gros.csv");
    std::fs::write(&file, big_file(200_000)).unwrap();
    let mut import = calcium(&base.url, dir).args(["import", file.to_str().unwrap()]).spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while store.running_execution(BatchCode::ImpQuo).await.unwrap().is_none() {
        assert!(import.try_wait().unwrap().is_none(), "the import ended before it could be killed");
        assert!(Instant::now() < deadline, "the import never started");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let running = store.running_execution(BatchCode::ImpQuo).await.unwrap().unwrap();
    // Its progress shows to other processes (the web page's) while it holds the base (on
    // SQLite it cannot go into the base until the import commits); killed a fifth of the way,
    // the import has written slices into its transaction.
    loop {
        let seen = store.get_execution(running).await.unwrap();
        if let (Some(done), Some(total)) = (seen.progress_done, seen.progress_total)
            && done >= total / 5
        {
            assert!(done < total, "{done} / {total}");
            break;
        }
        assert!(import.try_wait().unwrap().is_none(), "the import ended before showing its progress");
        assert!(Instant::now() < deadline, "the import never showed its progress");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(import.try_wait().unwrap().is_none(), "the import must still be running when killed");
    import.kill().unwrap(); // SIGKILL
    import.wait().unwrap();
    assert_eq!(store.count_students().await.unwrap(), 0, "nothing of the file is in the base");
    running
}

#[tokio::test]
async fn an_import_killed_midway_leaves_nothing_and_is_interrupted_after_recovery() {
    for kind in backends() {
        let base = TestBase::new(kind).await;
        let store = base.store.clone();
        let dir = tempfile::tempdir().unwrap();
        let running = kill_an_import(&base, dir.path()).await;

        // An instance comes up: the dead process's run is INTERRUPTED at once.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut serve =
            calcium(&base.url, dir.path()).args(["serve", "--listen", &format!("127.0.0.1:{port}")]).spawn().unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        while store.get_execution(running).await.unwrap().status == ExecutionStatus::Running {
            assert!(Instant::now() < deadline, "the killed import was not recovered");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(store.get_execution(running).await.unwrap().status, ExecutionStatus::Interrupted);
        assert_eq!(store.count_students().await.unwrap(), 0);
        Command::new("kill").args(["-TERM", &serve.id().to_string()]).status().unwrap();
        serve.wait().unwrap();
        base.finish().await;
    }
}

#[tokio::test]
async fn the_import_after_a_killed_one_recovers_it_instead_of_being_refused() {
    for kind in backends() {
        let base = TestBase::new(kind).await;
        let store = base.store.clone();
        let dir = tempfile::tempdir().unwrap();
        let killed = kill_an_import(&base, dir.path()).await;

        // No instance serves the base: the administrator simply imports again, at once.
        let small = dir.path().join("petit.csv");
        std::fs::write(&small, big_file(3)).unwrap();
        let status = calcium(&base.url, dir.path()).args(["import", small.to_str().unwrap()]).status().unwrap();
        assert!(status.success(), "the next import is not refused: {status}");
        let killed = store.get_execution(killed).await.unwrap();
        assert_eq!(killed.status, ExecutionStatus::Interrupted);
        assert!(killed.message.as_deref().unwrap_or_default().contains("processus"), "{:?}", killed.message);
        assert_eq!(store.count_students().await.unwrap(), 3, "the second file only");
        base.finish().await;
    }
}
