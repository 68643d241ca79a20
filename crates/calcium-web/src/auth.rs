//! Who may use the admin page: password hashing, the first admin account, the login form with
//! its throttle, sessions and logout.
//!
//! Passwords are only ever kept as argon2 hashes, session tokens only as SHA-256 digests. This
//! module decides nothing about what a logged-in user may do: every user is an ADMIN CALCIUM.

use axum::Router;

use crate::AppState;

mod admin;
mod login;
mod password;
mod session;
mod throttle;

pub use admin::ensure_admin_account;
pub(crate) use password::prepare_nobody;
pub use password::{PasswordError, generate_password, hash_password, verify_password};
pub(crate) use session::{CurrentUser, closed_cookie as closed_session_cookie};
pub(crate) use throttle::LoginThrottle;

pub(crate) fn router() -> Router<AppState> {
    login::router()
}
