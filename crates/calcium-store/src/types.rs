//! Value conversions between the domain and the base.

use jiff::Timestamp;
use jiff::civil::Date;
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::types::Oid;
use sqlx::postgres::{PgArgumentBuffer, PgTypeInfo, PgValueFormat, PgValueRef, Postgres};
use sqlx::sqlite::{Sqlite, SqliteArgumentsBuffer, SqliteTypeInfo, SqliteValueRef};
use sqlx::{Decode, Encode, Type};

use crate::DbError;

/// Instants are stored as UTC epoch milliseconds in both backends.
pub(crate) fn to_millis(instant: Timestamp) -> i64 {
    instant.as_millisecond()
}

pub(crate) fn from_millis(millis: i64) -> Result<Timestamp, DbError> {
    Timestamp::from_millisecond(millis).map_err(|e| DbError::Corrupt(format!("instant {millis}: {e}")))
}

pub(crate) fn opt_from_millis(millis: Option<i64>) -> Result<Option<Timestamp>, DbError> {
    millis.map(from_millis).transpose()
}

/// A calendar date: `DATE` in PostgreSQL, ISO 8601 `TEXT` (`YYYY-MM-DD`, which sorts and
/// compares like the date) in SQLite. jiff 1.0 has no sqlx integration, hence this wrapper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct DbDate(pub Date);

/// PostgreSQL counts DATE days from 2000-01-01.
const PG_EPOCH: Date = jiff::civil::date(2000, 1, 1);
const PG_DATE_OID: Oid = Oid(1082);

impl Type<Postgres> for DbDate {
    fn type_info() -> PgTypeInfo {
        PgTypeInfo::with_oid(PG_DATE_OID)
    }
}

impl DbDate {
    /// Days since PostgreSQL's epoch: how it stores and exchanges a DATE.
    pub(crate) fn pg_days(self) -> i32 {
        let days = self.0.duration_since(PG_EPOCH).as_hours() / 24;
        i32::try_from(days).expect("jiff's dates span less than 2³¹ days")
    }
}

impl Encode<'_, Postgres> for DbDate {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        Encode::<Postgres>::encode(self.pg_days(), buf)
    }
}

impl<'r> Decode<'r, Postgres> for DbDate {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        match value.format() {
            PgValueFormat::Binary => {
                let days: i32 = Decode::<Postgres>::decode(value)?;
                Ok(DbDate(PG_EPOCH.checked_add(jiff::Span::new().days(days))?))
            }
            PgValueFormat::Text => Ok(DbDate(value.as_str()?.parse()?)),
        }
    }
}

impl Type<Sqlite> for DbDate {
    fn type_info() -> SqliteTypeInfo {
        <String as Type<Sqlite>>::type_info()
    }

    fn compatible(ty: &SqliteTypeInfo) -> bool {
        <String as Type<Sqlite>>::compatible(ty)
    }
}

impl Encode<'_, Sqlite> for DbDate {
    fn encode_by_ref(&self, buf: &mut SqliteArgumentsBuffer) -> Result<IsNull, BoxDynError> {
        Encode::<Sqlite>::encode(self.0.to_string(), buf)
    }
}

impl<'r> Decode<'r, Sqlite> for DbDate {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        let text: &str = Decode::<Sqlite>::decode(value)?;
        Ok(DbDate(text.parse()?))
    }
}
