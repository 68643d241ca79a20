//! Users of the admin page and their sessions. Sessions live in the base so that every
//! instance behind a load balancer knows them.

use calcium_core::user::Role;
use jiff::Timestamp;

use crate::error::NotFound;
use crate::types::{from_millis, to_millis};
use crate::{DbError, Result, Store, on_backend};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UserId(pub i64);

/// A user to create. The password is already hashed (argon2, PHC string).
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub login: &'a str,
    pub email: Option<&'a str>,
    pub password_hash: &'a str,
    pub role: Role,
}

/// A user as stored. `Debug` leaves the hash out.
#[derive(Clone, PartialEq, Eq)]
pub struct UserRow {
    pub id: UserId,
    pub login: String,
    pub email: Option<String>,
    pub password_hash: String,
    pub role: Role,
    pub created_at: Timestamp,
}

impl std::fmt::Debug for UserRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRow")
            .field("id", &self.id)
            .field("login", &self.login)
            .field("email", &self.email)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

#[derive(sqlx::FromRow)]
struct RawUser {
    id: i64,
    login: String,
    email: Option<String>,
    password_hash: String,
    role: String,
    created_at: i64,
}

impl TryFrom<RawUser> for UserRow {
    type Error = DbError;

    fn try_from(raw: RawUser) -> Result<UserRow> {
        Ok(UserRow {
            role: Role::parse(&raw.role).ok_or_else(|| DbError::Corrupt(format!("rôle de {}", raw.login)))?,
            id: UserId(raw.id),
            login: raw.login,
            email: raw.email,
            password_hash: raw.password_hash,
            created_at: from_millis(raw.created_at)?,
        })
    }
}

/// A live session and the user it belongs to.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub user: UserRow,
    pub csrf_token: String,
    pub expires_at: Timestamp,
}

impl Store {
    /// Creates a user; a login already taken is a [`DbError::Conflict`].
    pub async fn create_user(&self, user: &NewUser<'_>, now: Timestamp) -> Result<UserId> {
        let id: i64 = on_backend!(self, |pool| {
            sqlx::query_scalar(
                "INSERT INTO app_user (login, email, password_hash, role, created_at, password_changed_at) \
                 VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
            )
            .bind(user.login)
            .bind(user.email)
            .bind(user.password_hash)
            .bind(user.role.as_str())
            .bind(to_millis(now))
            .fetch_one(pool)
            .await?
        });
        Ok(UserId(id))
    }

    pub async fn find_user(&self, login: &str) -> Result<Option<UserRow>> {
        let raw: Option<RawUser> = on_backend!(self, |pool| {
            sqlx::query_as("SELECT id, login, email, password_hash, role, created_at FROM app_user WHERE login = $1")
                .bind(login)
                .fetch_optional(pool)
                .await?
        });
        raw.map(UserRow::try_from).transpose()
    }

    pub async fn count_users(&self) -> Result<i64> {
        Ok(on_backend!(self, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM app_user").fetch_one(pool).await?))
    }

    /// Replaces a user's password hash and ends all of their sessions.
    pub async fn set_user_password(&self, login: &str, password_hash: &str, now: Timestamp) -> Result<()> {
        let updated = on_backend!(self, |pool| {
            let mut tx = pool.begin().await?;
            let updated =
                sqlx::query("UPDATE app_user SET password_hash = $2, password_changed_at = $3 WHERE login = $1")
                    .bind(login)
                    .bind(password_hash)
                    .bind(to_millis(now))
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            sqlx::query("DELETE FROM web_session WHERE user_id IN (SELECT id FROM app_user WHERE login = $1)")
                .bind(login)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            updated
        });
        if updated == 0 { Err(DbError::NotFound(NotFound::User(login.to_owned()))) } else { Ok(()) }
    }

    pub async fn set_user_email(&self, login: &str, email: Option<&str>) -> Result<()> {
        let updated = on_backend!(self, |pool| {
            sqlx::query("UPDATE app_user SET email = $2 WHERE login = $1")
                .bind(login)
                .bind(email)
                .execute(pool)
                .await?
                .rows_affected()
        });
        if updated == 0 { Err(DbError::NotFound(NotFound::User(login.to_owned()))) } else { Ok(()) }
    }

    /// Stores a session under the hash of its token.
    pub async fn create_session(
        &self,
        token_hash: &str,
        user: UserId,
        csrf_token: &str,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<()> {
        on_backend!(self, |pool| {
            sqlx::query(
                "INSERT INTO web_session (token_hash, user_id, csrf_token, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(token_hash)
            .bind(user.0)
            .bind(csrf_token)
            .bind(to_millis(now))
            .bind(to_millis(expires_at))
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// The session with this token hash, if it has not expired at `now`.
    pub async fn find_session(&self, token_hash: &str, now: Timestamp) -> Result<Option<SessionRow>> {
        #[derive(sqlx::FromRow)]
        struct Raw {
            id: i64,
            login: String,
            email: Option<String>,
            password_hash: String,
            role: String,
            created_at: i64,
            csrf_token: String,
            expires_at: i64,
        }
        let raw: Option<Raw> = on_backend!(self, |pool| {
            sqlx::query_as(
                "SELECT u.id, u.login, u.email, u.password_hash, u.role, u.created_at, s.csrf_token, s.expires_at \
                 FROM web_session s JOIN app_user u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2",
            )
            .bind(token_hash)
            .bind(to_millis(now))
            .fetch_optional(pool)
            .await?
        });
        raw.map(|raw| {
            let user = UserRow::try_from(RawUser {
                id: raw.id,
                login: raw.login,
                email: raw.email,
                password_hash: raw.password_hash,
                role: raw.role,
                created_at: raw.created_at,
            })?;
            Ok(SessionRow { user, csrf_token: raw.csrf_token, expires_at: from_millis(raw.expires_at)? })
        })
        .transpose()
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        on_backend!(self, |pool| {
            sqlx::query("DELETE FROM web_session WHERE token_hash = $1").bind(token_hash).execute(pool).await?;
        });
        Ok(())
    }

    /// Removes the sessions that expired before `now`.
    pub async fn purge_expired_sessions(&self, now: Timestamp) -> Result<u64> {
        Ok(on_backend!(self, |pool| {
            sqlx::query("DELETE FROM web_session WHERE expires_at <= $1")
                .bind(to_millis(now))
                .execute(pool)
                .await?
                .rows_affected()
        }))
    }

    /// A preference of the user (`name` → `value`), such as the hidden columns of the history.
    pub async fn user_preference(&self, user: UserId, name: &str) -> Result<Option<String>> {
        Ok(on_backend!(self, |pool| {
            sqlx::query_scalar("SELECT value FROM user_preference WHERE user_id = $1 AND name = $2")
                .bind(user.0)
                .bind(name)
                .fetch_optional(pool)
                .await?
        }))
    }

    pub async fn set_user_preference(&self, user: UserId, name: &str, value: &str) -> Result<()> {
        on_backend!(self, |pool| {
            sqlx::query(
                "INSERT INTO user_preference (user_id, name, value) VALUES ($1, $2, $3) \
                 ON CONFLICT (user_id, name) DO UPDATE SET value = excluded.value",
            )
            .bind(user.0)
            .bind(name)
            .bind(value)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Stores an API token of `user` under the hash of its value.
    pub async fn create_api_token(&self, token_hash: &str, user: UserId, now: Timestamp) -> Result<()> {
        on_backend!(self, |pool| {
            sqlx::query("INSERT INTO api_token (token_hash, user_id, created_at) VALUES ($1, $2, $3)")
                .bind(token_hash)
                .bind(user.0)
                .bind(to_millis(now))
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// The user an API token (by its hash) belongs to.
    pub async fn find_api_token_user(&self, token_hash: &str) -> Result<Option<UserRow>> {
        let raw: Option<RawUser> = on_backend!(self, |pool| {
            sqlx::query_as(
                "SELECT u.id, u.login, u.email, u.password_hash, u.role, u.created_at \
                 FROM api_token t JOIN app_user u ON u.id = t.user_id WHERE t.token_hash = $1",
            )
            .bind(token_hash)
            .fetch_optional(pool)
            .await?
        });
        raw.map(UserRow::try_from).transpose()
    }
}
