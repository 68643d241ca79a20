//! The first account: a base without any user gets `admin`, so a fresh install can be logged
//! into. Never touches a base that already has a user.

use calcium_core::user::Role;
use calcium_store::{DbError, NewUser, Store};
use jiff::Timestamp;

use crate::auth::password::{generate_password, hash_password};

/// The login of the account created on an empty base.
const FIRST_LOGIN: &str = "admin";

/// When the base has no user at all, creates `admin` (role Admin, no e-mail) with a generated
/// password and returns that password, for the caller to show once. Otherwise `None`.
///
/// Two instances starting together on an empty base may both try: the login's uniqueness lets
/// one win, and the other returns `None`.
///
/// # Panics
/// If the password cannot be hashed, which only happens when the OS random generator fails: no
/// account could then be created safely anyway.
pub async fn ensure_admin_account(store: &Store, now: Timestamp) -> Result<Option<String>, DbError> {
    if store.count_users().await? > 0 {
        return Ok(None);
    }
    let password = generate_password();
    // Hashed on the calling thread: this runs once, at start-up, before any request.
    let password_hash = hash_password(&password).expect("the OS random generator works");
    let user = NewUser { login: FIRST_LOGIN, email: None, password_hash: &password_hash, role: Role::Admin };
    match store.create_user(&user, now).await {
        Ok(_) => {
            tracing::info!(login = FIRST_LOGIN, "first administrator account created");
            Ok(Some(password))
        }
        Err(error) if error.is_conflict() => Ok(None),
        Err(error) => Err(error),
    }
}
