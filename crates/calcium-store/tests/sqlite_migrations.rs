//! Migrations that rebuild a SQLite table keep everything that leans on it: the rows with their
//! ids, the rows of other tables that point at them, and the constraints of both.

use std::str::FromStr;

use calcium_store::Store;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};

/// A base as version 9 of the schema left it, holding one student (id 7, with a model) and a
/// consultation of that student.
async fn base_at_version_9(file: &std::path::Path) -> String {
    let url = format!("sqlite://{}", file.display());
    let options = SqliteConnectOptions::from_str(&url).unwrap().create_if_missing(true).foreign_keys(true);
    let pool = SqlitePool::connect_with(options).await.unwrap();
    sqlx::migrate!("migrations/sqlite").run_to(9, &pool).await.unwrap();
    for statement in [
        "INSERT INTO import_model (code, label) VALUES ('APOGEE', 'Apogée')",
        "INSERT INTO student (id, cod_anu, cod_nne, nom, prenom1, sexe, datenai, code_natio, etb, cmp, \
         nom_key, prenom_key, import_model, created_at, updated_at, fingerprint) \
         VALUES (7, '2026', '1234567890A', 'Dupré', 'Léa', 'F', '2003-05-06', '100', '0999001A', 'SCI', \
         'DUPRE', 'LEA', 'APOGEE', 1, 2, 42)",
        "INSERT INTO consultation (id, student_id, opened_by, opened_at) VALUES (3, 7, 'admin', 5)",
    ] {
        sqlx::query(statement).execute(&pool).await.unwrap();
    }
    pool.close().await;
    url
}

#[tokio::test]
async fn rebuilding_the_student_table_keeps_students_their_consultations_and_every_constraint() {
    let dir = tempfile::tempdir().unwrap();
    let url = base_at_version_9(&dir.path().join("calcium.db")).await;

    let store = Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    drop(store);

    let pool =
        SqlitePool::connect_with(SqliteConnectOptions::from_str(&url).unwrap().foreign_keys(true)).await.unwrap();
    let student: (i64, String, String, String, Option<i64>) =
        sqlx::query_as("SELECT id, cod_nne, nom, import_model, fingerprint FROM student")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(student, (7, "1234567890A".to_owned(), "Dupré".to_owned(), "APOGEE".to_owned(), Some(42)));
    let check: String =
        sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE name = 'student'").fetch_one(&pool).await.unwrap();
    assert!(check.contains("sexe = 'M' OR sexe = 'F' OR sexe = 'INCONNU'"), "{check}");
    let indexes: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'student' ORDER BY name",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(indexes, ["student_by_ine", "student_by_nomusage_key", "student_by_secondary_key"]);
    let leftovers: i64 = sqlx::query_scalar("SELECT count(*) FROM sqlite_master WHERE name = 'student_rebuilt'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(leftovers, 0);
    let dangling: Vec<(String,)> =
        sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check").fetch_all(&pool).await.unwrap();
    assert!(dangling.is_empty(), "{dangling:?}");

    let consultation: (i64, i64) =
        sqlx::query_as("SELECT id, student_id FROM consultation").fetch_one(&pool).await.unwrap();
    assert_eq!(consultation, (3, 7));

    // The rule on sexe still holds, and so do the foreign keys, both ways.
    let refused = sqlx::query("UPDATE student SET sexe = 'X' WHERE id = 7").execute(&pool).await.unwrap_err();
    assert!(refused.to_string().contains("CHECK constraint failed"), "{refused}");
    let refused =
        sqlx::query("UPDATE student SET import_model = 'INCONNU' WHERE id = 7").execute(&pool).await.unwrap_err();
    assert!(refused.to_string().contains("FOREIGN KEY constraint failed"), "{refused}");
    let refused = sqlx::query("INSERT INTO consultation (student_id, opened_by, opened_at) VALUES (8, 'admin', 6)")
        .execute(&pool)
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("FOREIGN KEY constraint failed"), "{refused}");
    sqlx::query("DELETE FROM student WHERE id = 7").execute(&pool).await.unwrap();
    let consultations: i64 = sqlx::query_scalar("SELECT count(*) FROM consultation").fetch_one(&pool).await.unwrap();
    assert_eq!(consultations, 0, "the consultation goes with its student (ON DELETE CASCADE)");
}
