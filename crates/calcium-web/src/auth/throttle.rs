//! Slows password guessing down: after 5 failed logins for one identifiant within 15 minutes,
//! that identifiant is refused for 15 minutes, even with the right password.
//!
//! In memory and per instance (behind a load balancer an attacker gets 5 tries per instance,
//! which is still few). It keys on the identifiant only, not the client address, because behind
//! a proxy every client would share one address. It never touches the base.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

const MAX_FAILURES: usize = 5;
const WINDOW: Duration = Duration::from_secs(15 * 60);
const LOCKOUT: Duration = Duration::from_secs(15 * 60);
/// Beyond this many tracked identifiants, stale entries are dropped on the next attempt, so a
/// flood of made-up identifiants cannot grow the map for ever.
const PRUNE_ABOVE: usize = 1024;

/// The login attempts of each identifiant.
#[derive(Debug, Default)]
pub(crate) struct LoginThrottle {
    entries: Mutex<HashMap<String, Entry>>,
}

#[derive(Debug, Default)]
struct Entry {
    /// Attempts under way or failed within the window. An attempt counts from its start, so a
    /// burst of parallel requests cannot try more than [`MAX_FAILURES`] passwords.
    attempts: Vec<Instant>,
    locked_until: Option<Instant>,
}

impl Entry {
    fn is_stale(&self, now: Instant) -> bool {
        self.locked_until.is_none_or(|until| until <= now)
            && self.attempts.iter().all(|at| now.duration_since(*at) >= WINDOW)
    }
}

/// The identifiant is locked out for now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TooManyAttempts;

impl LoginThrottle {
    /// Called before checking a password: refuses when the identifiant is locked out or already
    /// has its quota of attempts, and otherwise counts this attempt.
    pub(crate) fn begin(&self, key: &str, now: Instant) -> Result<(), TooManyAttempts> {
        let mut entries = self.entries();
        if entries.len() > PRUNE_ABOVE {
            entries.retain(|_, entry| !entry.is_stale(now));
        }
        let entry = entries.entry(key.to_owned()).or_default();
        if entry.locked_until.is_some_and(|until| until > now) {
            return Err(TooManyAttempts);
        }
        entry.locked_until = None;
        entry.attempts.retain(|at| now.duration_since(*at) < WINDOW);
        if entry.attempts.len() >= MAX_FAILURES {
            return Err(TooManyAttempts);
        }
        entry.attempts.push(now);
        Ok(())
    }

    /// The password was right: the identifiant starts afresh.
    pub(crate) fn succeeded(&self, key: &str) {
        self.entries().remove(key);
    }

    /// The password was wrong: the attempt stays counted, and the last allowed failure starts
    /// the lockout.
    pub(crate) fn failed(&self, key: &str, now: Instant) {
        let mut entries = self.entries();
        let entry = entries.entry(key.to_owned()).or_default();
        entry.attempts.retain(|at| now.duration_since(*at) < WINDOW);
        if entry.attempts.len() >= MAX_FAILURES {
            entry.attempts.clear();
            entry.locked_until = Some(now + LOCKOUT);
        }
    }

    fn entries(&self) -> MutexGuard<'_, HashMap<String, Entry>> {
        // The map stays consistent whatever panicked while holding it: each update is one step.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fail(throttle: &LoginThrottle, key: &str, now: Instant) -> Result<(), TooManyAttempts> {
        throttle.begin(key, now)?;
        throttle.failed(key, now);
        Ok(())
    }

    #[test]
    fn five_failures_lock_the_identifiant_for_fifteen_minutes() {
        let throttle = LoginThrottle::default();
        let start = Instant::now();
        for i in 0..5 {
            assert_eq!(fail(&throttle, "marie", start + Duration::from_secs(i)), Ok(()));
        }
        let locked_at = start + Duration::from_secs(4);
        assert_eq!(throttle.begin("marie", locked_at + Duration::from_secs(60)), Err(TooManyAttempts));
        assert_eq!(throttle.begin("paul", locked_at), Ok(()), "other identifiants are not affected");
        assert_eq!(throttle.begin("marie", locked_at + LOCKOUT - Duration::from_secs(1)), Err(TooManyAttempts));
        assert_eq!(throttle.begin("marie", locked_at + LOCKOUT), Ok(()));
    }

    #[test]
    fn failures_older_than_the_window_are_forgotten() {
        let throttle = LoginThrottle::default();
        let start = Instant::now();
        for i in 0..4 {
            fail(&throttle, "marie", start + Duration::from_secs(i)).unwrap();
        }
        let later = start + WINDOW + Duration::from_secs(10);
        for i in 0..4 {
            assert_eq!(fail(&throttle, "marie", later + Duration::from_secs(i)), Ok(()));
        }
    }

    #[test]
    fn a_success_clears_the_failures() {
        let throttle = LoginThrottle::default();
        let now = Instant::now();
        for _ in 0..4 {
            fail(&throttle, "marie", now).unwrap();
        }
        throttle.begin("marie", now).unwrap();
        throttle.succeeded("marie");
        for _ in 0..5 {
            assert_eq!(fail(&throttle, "marie", now), Ok(()));
        }
        assert_eq!(throttle.begin("marie", now), Err(TooManyAttempts));
    }

    #[test]
    fn parallel_attempts_cannot_exceed_the_quota() {
        let throttle = LoginThrottle::default();
        let now = Instant::now();
        let started = (0..10).filter(|_| throttle.begin("marie", now).is_ok()).count();
        assert_eq!(started, 5);
    }

    #[test]
    fn stale_entries_are_pruned_when_the_map_grows() {
        let throttle = LoginThrottle::default();
        let start = Instant::now();
        for i in 0..=PRUNE_ABOVE {
            fail(&throttle, &format!("user{i}"), start).unwrap();
        }
        throttle.begin("last", start + WINDOW).unwrap();
        assert_eq!(throttle.entries().len(), 1);
    }
}
