//! The engine: one [`Scheduler`] per instance. See the crate documentation for the cycle.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use calcium_core::{BatchCode, ExecutionStatus};
use calcium_store::{DbError, ExecutionId, InstanceRow, OccurrenceClaim, Store};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use tokio::sync::Notify;

use crate::cancel::Cancellation;
use crate::job::{JobSettings, Registry};
use crate::plan::{Action, plan_occurrences};
use crate::time::TimeSource;

mod run;

pub use run::RunOutcome;

/// Messages kept in the history when the engine decides on its own.
const MISSED: &str = "Occurrence manquée : aucune instance n'était active à l'heure prévue";
const SKIPPED: &str = "Occurrence ignorée : l'exécution précédente du batch était encore en cours";
const LEASE_EXPIRED: &str = "Interrompu : l'instance qui exécutait le batch ne donne plus signe de vie (bail expiré)";
const PROCESS_GONE: &str = "Interrompu : le processus qui exécutait le batch s'est arrêté";
const INSTANCE_STOPPED: &str = "Interrompu : arrêt de l'instance avant la fin du traitement";

/// How an instance runs the engine.
#[derive(Debug, Clone)]
pub struct SchedulerConfig {
    /// Unique per process start.
    pub instance_id: String,
    pub host: String,
    pub pid: u32,
    pub version: String,
    pub time_zone: TimeZone,
    /// A late occurrence still runs on schedule within this (SPEC §3, default 15 min).
    pub grace: SignedDuration,
    /// A run whose heartbeat is older than this is INTERRUPTED (default 60 s).
    pub lease: SignedDuration,
    /// How often, at most, the base is asked for launch requests, cancellations and expired
    /// leases (real time). One light query a second keeps "lancement immédiat" under 2 s.
    pub poll: Duration,
    /// How long a stopping instance lets its runs finish.
    pub shutdown_grace: Duration,
    /// A pause before each job starts (zero in production): lets the multi-instance tests
    /// kill a process in the middle of a run.
    pub run_delay: Duration,
}

impl SchedulerConfig {
    /// A configuration for this process, with a fresh instance id.
    pub fn for_this_process(time_zone: TimeZone, grace: SignedDuration, lease: SignedDuration) -> SchedulerConfig {
        let host = std::fs::read_to_string("/etc/hostname")
            .ok()
            .map(|h| h.trim().to_owned())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "localhost".to_owned());
        let pid = std::process::id();
        let started = Timestamp::now().as_millisecond();
        SchedulerConfig {
            instance_id: format!("{host}-{pid}-{started}"),
            host,
            pid,
            version: env!("CARGO_PKG_VERSION").to_owned(),
            time_zone,
            grace,
            lease,
            poll: Duration::from_secs(1),
            shutdown_grace: Duration::from_secs(30),
            run_delay: Duration::ZERO,
        }
    }
}

/// The engine of one instance. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Scheduler {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    store: Store,
    registry: Registry,
    settings: Arc<JobSettings>,
    config: SchedulerConfig,
    time: TimeSource,
    /// The runs of this instance, by execution.
    runs: Mutex<HashMap<ExecutionId, Cancellation>>,
    /// Wakes the loop: a launch asked in this process, a run that ended.
    wake: Notify,
    /// Signalled when a run ends.
    run_ended: Notify,
    stopping: AtomicBool,
    registered: AtomicBool,
}

impl Scheduler {
    pub fn new(
        store: Store,
        registry: Registry,
        settings: JobSettings,
        config: SchedulerConfig,
        time: TimeSource,
    ) -> Scheduler {
        Scheduler {
            inner: Arc::new(Inner {
                store,
                registry,
                settings: Arc::new(settings),
                config,
                time,
                runs: Mutex::new(HashMap::new()),
                wake: Notify::new(),
                run_ended: Notify::new(),
                stopping: AtomicBool::new(false),
                registered: AtomicBool::new(false),
            }),
        }
    }

    pub fn instance_id(&self) -> &str {
        &self.inner.config.instance_id
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The engine's current time.
    pub async fn now(&self) -> Result<Timestamp, DbError> {
        self.inner.time.now(&self.inner.store).await
    }

    /// Registers this instance in the base (once).
    pub async fn register(&self) -> Result<(), DbError> {
        if self.inner.registered.swap(true, Ordering::SeqCst) {
            return Ok(());
        }
        let now = self.now().await?;
        let config = &self.inner.config;
        self.inner
            .store
            .register_instance(&InstanceRow {
                id: config.instance_id.clone(),
                host: config.host.clone(),
                pid: i32::try_from(config.pid).unwrap_or(i32::MAX),
                version: config.version.clone(),
                started_at: now,
                heartbeat_at: now,
                stopped_at: None,
            })
            .await
    }

    /// Wakes the loop at once (after a launch request made in this process).
    pub fn wake(&self) {
        self.inner.wake.notify_one();
    }

    /// One cycle: reap, cancel, answer launch requests, decide due occurrences. Returns the
    /// next instant an occurrence falls due, if any.
    pub async fn tick(&self) -> Result<Option<Timestamp>, DbError> {
        self.register().await?;
        let store = &self.inner.store;
        let config = &self.inner.config;
        let me = config.instance_id.as_str();
        let now = self.now().await?;
        store.instance_heartbeat(me, now).await?;

        self.reap(now).await?;
        for id in store.cancel_requests(me).await? {
            self.cancel_local(id, "annulation demandée par un administrateur");
        }
        if self.inner.stopping.load(Ordering::SeqCst) {
            return Ok(None);
        }

        for code in store.pending_launches().await? {
            if let Some(id) = store.claim_launch(code, me, now).await? {
                self.spawn_run(id, code).await?;
            }
        }

        let mut next_due: Option<Timestamp> = None;
        for batch in store.list_batches().await? {
            if !batch.enabled {
                continue;
            }
            let decided_until = match batch.decided_until {
                Some(mark) => mark,
                None => {
                    store.mark_decided(batch.code, now).await?;
                    now
                }
            };
            let plan =
                plan_occurrences(&batch.schedule, &config.time_zone, decided_until, now, config.grace, batch.catch_up);
            for decision in plan {
                self.decide(batch.code, decision.occurrence, decision.action, now).await?;
                store.mark_decided(batch.code, decision.occurrence).await?;
            }
            if let Some(next) = batch.schedule.next_after(now.max(decided_until), &config.time_zone) {
                next_due = Some(next_due.map_or(next, |current: Timestamp| current.min(next)));
            }
        }
        Ok(next_due)
    }

    async fn decide(
        &self,
        code: BatchCode,
        occurrence: Timestamp,
        action: Action,
        now: Timestamp,
    ) -> Result<(), DbError> {
        let store = &self.inner.store;
        let me = self.inner.config.instance_id.as_str();
        match action {
            Action::Miss => {
                if store
                    .record_unrun_occurrence(code, occurrence, ExecutionStatus::Missed, MISSED, Some(me), now)
                    .await?
                {
                    tracing::warn!(batch = %code, %occurrence, "occurrence manquée");
                }
            }
            Action::Run(trigger) => match store.claim_occurrence(code, occurrence, trigger, me, now).await? {
                OccurrenceClaim::Claimed(id) => self.spawn_run(id, code).await?,
                OccurrenceClaim::AlreadyDecided => {}
                OccurrenceClaim::BatchBusy => {
                    store
                        .record_unrun_occurrence(code, occurrence, ExecutionStatus::Skipped, SKIPPED, Some(me), now)
                        .await?;
                }
            },
        }
        Ok(())
    }

    /// Marks INTERRUPTED the runs nobody is doing any more, as a tick does first: a command
    /// that starts a run itself (`calcium import` after an import was killed) must not be
    /// refused because of a run whose process is gone.
    pub async fn recover(&self) -> Result<(), DbError> {
        let now = self.now().await?;
        self.reap(now).await
    }

    /// The runs whose lease expired, then those of the processes of this host that are gone.
    async fn reap(&self, now: Timestamp) -> Result<(), DbError> {
        let config = &self.inner.config;
        for reaped in self.inner.store.reap_runs(now, config.lease, None, LEASE_EXPIRED).await? {
            tracing::warn!(batch = %reaped.batch, execution = reaped.id.0, "exécution interrompue : bail expiré");
            if reaped.instance_id.as_deref() == Some(config.instance_id.as_str()) {
                self.cancel_local(reaped.id, "bail expiré");
            }
        }
        self.reap_dead_processes(now).await
    }

    /// Reaps at once the runs of processes of this host that are gone (SPEC §3), without
    /// waiting for their lease.
    async fn reap_dead_processes(&self, now: Timestamp) -> Result<(), DbError> {
        let config = &self.inner.config;
        for (execution, instance, pid) in self.inner.store.running_on_host(&config.host).await? {
            if instance != config.instance_id && !process_alive(pid) {
                tracing::warn!(execution = execution.0, pid, "processus disparu : exécution interrompue");
                self.inner.store.reap_runs(now, config.lease, Some(execution), PROCESS_GONE).await?;
            }
        }
        // An instance of this host whose process is gone is stopped for good: `batch run`
        // must not wait for it to answer a launch.
        for instance in self.inner.store.live_instances(now, config.lease).await? {
            if instance.host == config.host && instance.id != config.instance_id && !process_alive(instance.pid) {
                self.inner.store.stop_instance(&instance.id, now).await?;
            }
        }
        Ok(())
    }

    fn cancel_local(&self, id: ExecutionId, reason: &str) {
        if let Some(cancellation) = self.inner.runs.lock().unwrap_or_else(|p| p.into_inner()).get(&id) {
            cancellation.cancel(reason);
        }
    }

    /// Runs the engine until `shutdown` resolves, then stops gracefully.
    pub async fn run(&self, shutdown: impl std::future::Future<Output = ()>) -> Result<(), DbError> {
        self.register().await?;
        tokio::pin!(shutdown);
        loop {
            let wait = match self.tick().await {
                Ok(next_due) => self.wait_for(next_due).await,
                Err(error) => {
                    tracing::error!("cycle du planificateur en échec : {error}");
                    self.inner.config.poll
                }
            };
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = self.inner.wake.notified() => {}
                () = &mut shutdown => break,
            }
        }
        self.shutdown().await
    }

    /// The real time to sleep: until the next occurrence, but no longer than the poll period.
    async fn wait_for(&self, next_due: Option<Timestamp>) -> Duration {
        let poll = self.inner.config.poll;
        let Some(next_due) = next_due else { return poll };
        let Ok(now) = self.now().await else { return poll };
        let until_due = self.inner.time.real_wait(next_due.duration_since(now));
        until_due.min(poll)
    }

    /// Stops claiming, lets the runs finish for `shutdown_grace`, then marks what is left
    /// INTERRUPTED and unregisters the instance.
    pub async fn shutdown(&self) -> Result<(), DbError> {
        self.inner.stopping.store(true, Ordering::SeqCst);
        let grace = self.inner.config.shutdown_grace;
        if tokio::time::timeout(grace, self.wait_idle()).await.is_err() {
            let left: Vec<ExecutionId> = {
                let runs = self.inner.runs.lock().unwrap_or_else(|p| p.into_inner());
                runs.values().for_each(|c| c.cancel("arrêt de l'instance"));
                runs.keys().copied().collect()
            };
            let now = self.now().await?;
            for id in left {
                self.inner.store.reap_runs(now, self.inner.config.lease, Some(id), INSTANCE_STOPPED).await?;
            }
        }
        let now = self.now().await?;
        self.inner.store.stop_instance(&self.inner.config.instance_id, now).await
    }

    /// Resolves when this instance runs nothing.
    pub async fn wait_idle(&self) {
        loop {
            let ended = self.inner.run_ended.notified();
            if self.inner.runs.lock().unwrap_or_else(|p| p.into_inner()).is_empty() {
                return;
            }
            ended.await;
        }
    }

    /// How many runs this instance holds.
    pub fn running_count(&self) -> usize {
        self.inner.runs.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// Answers the launch request of `code` in this process and waits for the end: what
    /// `calcium batch run` does when no instance serves the base. `None` when the request was
    /// already answered elsewhere.
    pub async fn run_launch_here(&self, code: BatchCode) -> Result<Option<ExecutionId>, DbError> {
        self.register().await?;
        let now = self.now().await?;
        let claimed = self.inner.store.claim_launch(code, &self.inner.config.instance_id, now).await?;
        if let Some(id) = claimed {
            self.spawn_run(id, code).await?;
            self.wait_idle().await;
        }
        Ok(claimed)
    }

    /// Runs an execution already started in the base (RUNNING, held by this instance) in
    /// this process and waits for its end: for runs that answer no schedule and no flag, such
    /// as a manual import.
    pub async fn run_started_here(&self, id: ExecutionId, code: BatchCode) -> Result<(), DbError> {
        self.register().await?;
        self.spawn_run(id, code).await?;
        self.wait_idle().await;
        Ok(())
    }
}

/// Whether process `pid` still exists on this host. Where `/proc` is missing, every process is
/// taken as alive: the lease will do the reaping.
fn process_alive(pid: i32) -> bool {
    let proc_root = std::path::Path::new("/proc");
    !proc_root.exists() || proc_root.join(pid.to_string()).exists()
}
