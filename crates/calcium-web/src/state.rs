//! The state every handler receives: the base, the login throttle and the options chosen by the
//! command line. It holds no per-request data and no cache of the base.

use std::sync::Arc;

use calcium_store::Store;
use jiff::tz::TimeZone;

use crate::auth::LoginThrottle;

/// How the web application is run; the CLI fills it from the configuration.
#[derive(Debug, Clone)]
pub struct WebOptions {
    /// Adds `Secure` to the cookies: set it whenever the site is reached over HTTPS.
    pub secure_cookies: bool,
    /// The wall clock the pages show times in (the scheduler's, `Europe/Paris` by default).
    pub time_zone: TimeZone,
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
}

impl AppState {
    pub fn new(store: Store, options: WebOptions) -> AppState {
        crate::auth::prepare_nobody();
        AppState { inner: Arc::new(Inner { store, throttle: LoginThrottle::default(), options }) }
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
}
