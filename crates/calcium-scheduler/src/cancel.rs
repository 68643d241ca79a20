//! A cancellation signal shared by a run and whoever may stop it (an administrator, a lost
//! lease, a time limit, the instance shutting down).

use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

/// Cheap to clone; every clone sees the same signal.
#[derive(Debug, Clone, Default)]
pub struct Cancellation {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    reason: Mutex<Option<String>>,
    notify: Notify,
}

impl Cancellation {
    /// Asks the run to stop; the first reason given is kept.
    pub fn cancel(&self, reason: impl Into<String>) {
        let mut current = self.inner.reason.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if current.is_none() {
            *current = Some(reason.into());
        }
        drop(current);
        self.inner.notify.notify_waiters();
    }

    pub fn is_cancelled(&self) -> bool {
        self.reason().is_some()
    }

    /// Why the run was asked to stop, if it was.
    pub fn reason(&self) -> Option<String> {
        self.inner.reason.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    /// Like [`Cancellation::cancelled`], for places that need a `'static` future.
    pub async fn cancelled_owned(self) {
        self.cancelled().await;
    }

    /// Resolves once the run is asked to stop.
    pub async fn cancelled(&self) {
        loop {
            let notified = self.inner.notify.notified();
            if self.is_cancelled() {
                return;
            }
            notified.await;
        }
    }
}
