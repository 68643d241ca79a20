//! The state every handler receives: the base, the login throttle, the options chosen by the
//! command line and the import launcher. It holds no per-request data and no cache of the base.

use std::path::PathBuf;
use std::sync::Arc;

use calcium_store::Store;
use jiff::tz::TimeZone;

use crate::auth::LoginThrottle;
use crate::launcher::ImportLauncher;

/// How the web application is run; the CLI fills it from the configuration.
#[derive(Debug, Clone)]
pub struct WebOptions {
    /// Adds `Secure` to the cookies: set it whenever the site is reached over HTTPS.
    pub secure_cookies: bool,
    /// The wall clock the pages show times in (the scheduler's, `Europe/Paris` by default).
    pub time_zone: TimeZone,
    /// Where uploaded student files are kept (`import.log_dir/uploads`).
    pub upload_dir: PathBuf,
    /// The largest upload accepted, in bytes (`web.upload_limit_mb`).
    pub upload_limit_bytes: usize,
    /// `relances.rappel_days`: when the relances page shows a rappel as due.
    pub rappel_days: u32,
    /// Whether `mesvaccins.url` is set: MES_VACCINS cannot be put in service without it.
    pub mesvaccins_configured: bool,
    /// The batch engine of this process, which `/healthz` checks; `None` when none runs here.
    pub engine: Option<EngineProbe>,
}

/// How `/healthz` knows that this process's batch engine is alive: its instance's heartbeat in
/// the base is younger than the lease.
#[derive(Debug, Clone)]
pub struct EngineProbe {
    pub instance_id: String,
    pub lease: jiff::SignedDuration,
}

impl WebOptions {
    /// What the configuration provides to the batches, for the rule of putting them in service.
    pub fn services(&self) -> calcium_core::ServicesConfigured {
        calcium_core::ServicesConfigured { mesvaccins_url: self.mesvaccins_configured }
    }

    /// The defaults of the configuration (50 MB uploads under `import/logs/uploads`).
    pub fn new(time_zone: TimeZone) -> WebOptions {
        WebOptions {
            secure_cookies: false,
            time_zone,
            upload_dir: PathBuf::from("import/logs/uploads"),
            upload_limit_bytes: 50 * 1024 * 1024,
            mesvaccins_configured: false,
            rappel_days: 30,
            engine: None,
        }
    }
}

/// Shared by all requests; cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    store: Store,
    throttle: LoginThrottle,
    options: WebOptions,
    launcher: Option<Arc<dyn ImportLauncher>>,
}

impl AppState {
    /// A state without import launcher: the import form then says imports are unavailable.
    pub fn new(store: Store, options: WebOptions) -> AppState {
        crate::auth::prepare_nobody();
        AppState { inner: Arc::new(Inner { store, throttle: LoginThrottle::default(), options, launcher: None }) }
    }

    /// The same state, starting imports with `launcher`.
    pub fn with_import_launcher(self, launcher: Arc<dyn ImportLauncher>) -> AppState {
        let inner = Arc::try_unwrap(self.inner).unwrap_or_else(|shared| Inner {
            store: shared.store.clone(),
            throttle: LoginThrottle::default(),
            options: shared.options.clone(),
            launcher: None,
        });
        AppState { inner: Arc::new(Inner { launcher: Some(launcher), ..inner }) }
    }

    pub(crate) fn store(&self) -> &Store {
        &self.inner.store
    }

    pub(crate) fn throttle(&self) -> &LoginThrottle {
        &self.inner.throttle
    }

    pub(crate) fn options(&self) -> &WebOptions {
        &self.inner.options
    }

    pub(crate) fn launcher(&self) -> Option<&dyn ImportLauncher> {
        self.inner.launcher.as_deref()
    }
}
