//! `calcium serve` as a real process: health, the engine answering a launch from another
//! process within 2 seconds, the reaping of a dead process's run, graceful stop on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use calcium_core::{BatchCode, ExecutionStatus, Trigger};
use calcium_store::{InstanceRow, NewExecution};
use calcium_test_support::{TestBase, backends, calcium_command, free_port, http_get};
use serde_json::Value;

fn calcium(url: &str, dir: &std::path::Path) -> Command {
    calcium_command(env!("CARGO_BIN_EXE_calcium"), url, dir)
}

struct Server {
    child: Child,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    fn start(url: &str, dir: &std::path::Path, port: u16) -> Server {
        let mut child = calcium(url, dir)
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let pipe = child.stderr.take().unwrap();
        let sink = stderr.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                sink.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        let deadline = Instant::now() + Duration::from_secs(30);
        while !http_get(port, "/healthz").is_some_and(|answer| answer.starts_with("HTTP/1.1 200")) {
            assert!(Instant::now() < deadline, "serve did not answer: {}", stderr.lock().unwrap());
            std::thread::sleep(Duration::from_millis(100));
        }
        Server { child, stderr }
    }

    fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "serve did not stop on SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn serve_runs_a_launch_from_another_process_reaps_dead_runs_and_stops_on_sigterm() {
    for kind in backends() {
        let base = TestBase::new(kind).await;
        let store = base.store.clone();
        let dir = tempfile::tempdir().unwrap();

        // A run left RUNNING by a process of this host that no longer exists.
        let now = store.database_now().await.unwrap();
        let dead = Command::new("true").spawn().unwrap();
        let dead_pid = dead.id();
        let mut dead = dead;
        dead.wait().unwrap();
        let host = std::fs::read_to_string("/etc/hostname")
            .map(|h| h.trim().to_owned())
            .unwrap_or_else(|_| "localhost".into());
        store
            .register_instance(&InstanceRow {
                id: "dead-instance".into(),
                host,
                pid: dead_pid as i32,
                version: "0".into(),
                started_at: now,
                heartbeat_at: now,
                stopped_at: None,
            })
            .await
            .unwrap();
        let orphan = store
            .insert_execution(&NewExecution {
                batch: BatchCode::Doublons,
                status: ExecutionStatus::Running,
                trigger: Trigger::Manual,
                occurrence: None,
                triggered_by: None,
                instance_id: Some("dead-instance".into()),
                started_at: now,
                message: None,
            })
            .await
            .unwrap();

        let port = free_port();
        let server = Server::start(&base.url, dir.path(), port);
        assert!(server.stderr.lock().unwrap().contains("mot de passe"), "the admin password is printed once");
        let health = http_get(port, "/healthz").unwrap();
        assert!(health.contains(r#""database":"ok""#), "{health}");

        // Reaped at once, without waiting for the 60-second lease.
        let deadline = Instant::now() + Duration::from_secs(5);
        while store.get_execution(orphan).await.unwrap().status == ExecutionStatus::Running {
            assert!(Instant::now() < deadline, "the dead process's run was not reaped");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(store.get_execution(orphan).await.unwrap().status, ExecutionStatus::Interrupted);

        // Another process asks for CLEAN: the serving instance runs it within 2 seconds.
        let asked = store.database_now().await.unwrap();
        let output =
            calcium(&base.url, dir.path()).args(["batch", "run", "CLEAN", "--wait", "--json"]).output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let run: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(run["status"], "FINISH");
        let instance = run["instance_id"].as_str().unwrap();
        assert!(instance.contains(&format!("-{}-", server.child.id())), "run by the server, not the CLI: {instance}");
        // From before the command started (its own start-up included) to the run's start.
        let run_id = calcium_store::ExecutionId(run["id"].as_i64().unwrap());
        let started = store.get_execution(run_id).await.unwrap().started_at;
        let latency = started.duration_since(asked);
        assert!(latency < jiff::SignedDuration::from_secs(3), "launch answered in {latency:?}");

        let status = server.terminate();
        assert!(status.success(), "serve exits 0 on SIGTERM: {status:?}");
        let now = store.database_now().await.unwrap();
        assert!(store.live_instances(now, jiff::SignedDuration::from_secs(60)).await.unwrap().is_empty());
        base.finish().await;
    }
}
