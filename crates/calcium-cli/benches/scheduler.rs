//! Benchmark of the engine as IT staff would see it: how long a "lancement immédiat" takes to
//! start on a running `calcium serve`, and what an idle instance costs in CPU.
//!
//! `cargo bench -p calcium-cli --bench scheduler` (SQLite; PostgreSQL too when
//! TEST_POSTGRES_URL is set). BENCH_LAUNCHES (default 100) and BENCH_IDLE_SECONDS (default 60)
//! change the sample sizes.

#![allow(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use calcium_core::BatchCode;
use calcium_store::{BackendKind, LaunchRequest, Store};
use calcium_test_support::TestBase;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.0.id().to_string()]).status();
        let _ = self.0.wait();
    }
}

fn start_server(url: &str, dir: &std::path::Path) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut command = calcium_test_support::calcium_command(env!("CARGO_BIN_EXE_calcium"), url, dir);
    let child = command
        .env("RUST_LOG", "warn")
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "serve did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    Server(child)
}

/// User + system CPU time of a process, from /proc (clock ticks of 10 ms).
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let after_name = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    ticks as f64 / 100.0
}

async fn launch_latencies(store: &Store, launches: u64) -> Vec<Duration> {
    let mut latencies = Vec::new();
    for _ in 0..launches {
        let before = store.execution_history(BatchCode::Clean, 1, 0).await.unwrap().first().map(|e| e.id);
        let asked = store.database_now().await.unwrap();
        assert_eq!(store.request_launch(BatchCode::Clean, "bench", asked).await.unwrap(), LaunchRequest::Accepted);
        let started = loop {
            let latest = store.execution_history(BatchCode::Clean, 1, 0).await.unwrap().into_iter().next();
            if let Some(run) = latest.filter(|e| Some(e.id) != before) {
                break run.started_at;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        };
        latencies.push(started.duration_since(asked).unsigned_abs());
        while store.get_batch(BatchCode::Clean).await.unwrap().launch_now {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    latencies.sort();
    latencies
}

async fn bench(kind: BackendKind) {
    let base = TestBase::new(kind).await;
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(&base.url, dir.path());
    tokio::time::sleep(Duration::from_secs(2)).await;

    let idle_seconds = env_number("BENCH_IDLE_SECONDS", 60);
    let cpu_before = cpu_seconds(server.0.id());
    tokio::time::sleep(Duration::from_secs(idle_seconds)).await;
    let idle_cpu = cpu_seconds(server.0.id()) - cpu_before;

    let launches = env_number("BENCH_LAUNCHES", 100);
    let latencies = launch_latencies(&base.store, launches).await;
    let median = latencies[latencies.len() / 2];
    let p90 = latencies[latencies.len() * 9 / 10];
    let worst = *latencies.last().unwrap();
    let target = Duration::from_secs(2);
    println!(
        "{kind:?}: launch-now latency over {launches} launches: median {median:.0?}, p90 {p90:.0?}, worst {worst:.0?} (target 2 s: worst = {:.2} × target)",
        worst.as_secs_f64() / target.as_secs_f64()
    );
    println!(
        "{kind:?}: idle instance over {idle_seconds} s: {idle_cpu:.2} s of CPU ({:.3} % of one core)",
        100.0 * idle_cpu / idle_seconds as f64
    );
    drop(server);
    base.finish().await;
}

#[tokio::main]
async fn main() {
    bench(BackendKind::Sqlite).await;
    if std::env::var(calcium_test_support::POSTGRES_URL_VAR).is_ok_and(|v| !v.is_empty()) {
        bench(BackendKind::Postgres).await;
    }
}
