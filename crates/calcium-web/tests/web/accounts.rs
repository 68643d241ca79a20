//! The first admin account and the password helpers the CLI uses.

use axum::http::StatusCode;
use calcium_core::user::Role;
use calcium_test_support::backends;
use calcium_web::auth::{ensure_admin_account, generate_password, hash_password, verify_password};
use jiff::Timestamp;

use crate::support::TestApp;

#[tokio::test]
async fn an_empty_base_gets_one_admin_whose_password_logs_in() {
    for kind in backends() {
        let app = TestApp::new(kind).await;
        let store = &app.base.store;
        let password = ensure_admin_account(store, Timestamp::now()).await.unwrap().expect("a first admin is created");
        assert_eq!(password.chars().count(), 20);
        assert_eq!(ensure_admin_account(store, Timestamp::now()).await.unwrap(), None, "only once");
        assert_eq!(store.count_users().await.unwrap(), 1);
        let admin = store.find_user("admin").await.unwrap().expect("the admin account");
        assert_eq!(admin.role, Role::Admin);
        assert_eq!(admin.email, None);
        assert_ne!(admin.password_hash, password, "the password is stored hashed");

        let response = app.submit_login("admin", &password).await;
        assert_eq!(response.status, StatusCode::SEE_OTHER);
        assert!(response.cookie_pair("calcium_session").is_some());
        app.finish().await;
    }
}

#[tokio::test]
async fn a_base_with_a_user_gets_no_admin() {
    for kind in backends() {
        let app = TestApp::new(kind).await;
        app.add_user("marie", "mot de passe de marie").await;
        assert_eq!(ensure_admin_account(&app.base.store, Timestamp::now()).await.unwrap(), None);
        assert!(app.base.store.find_user("admin").await.unwrap().is_none());
        app.finish().await;
    }
}

#[test]
fn a_hashed_password_verifies_and_a_wrong_one_does_not() {
    let password = generate_password();
    let hash = hash_password(&password).unwrap();
    assert!(verify_password(&password, &hash));
    assert!(!verify_password(&generate_password(), &hash));
    assert!(!verify_password(&password, ""));
}

#[tokio::test]
async fn an_admin_changes_their_email_and_a_bad_address_stays_in_the_form() {
    for kind in backends() {
        let app = TestApp::new(kind).await;
        let session = app.logged_in().await;
        let cookie = [session.cookie.as_str()];
        let page = app.get("/account", &cookie).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains(r#"value="marie@univ-exemple.fr""#));
        let bad =
            app.post_form("/account/email", &[("csrf", &session.csrf), ("email", "pas-une-adresse")], &cookie).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains(r#"value="pas-une-adresse""#) && bad.body.contains("field-error"));
        let forged = app.post_form("/account/email", &[("csrf", "x"), ("email", "m@exemple.fr")], &cookie).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        let saved = app
            .post_form("/account/email", &[("csrf", &session.csrf), ("email", "m.dupont@univ-exemple.fr")], &cookie)
            .await;
        assert_eq!(saved.status, StatusCode::OK);
        assert!(saved.body.contains("Adresse e-mail enregistrée."));
        let stored = app.base.store.find_user("marie").await.unwrap().unwrap().email;
        assert_eq!(stored.as_deref(), Some("m.dupont@univ-exemple.fr"));
        app.finish().await;
    }
}

#[tokio::test]
async fn a_new_password_ends_the_sessions_and_is_the_one_that_logs_in() {
    for kind in backends() {
        let app = TestApp::new(kind).await;
        let session = app.logged_in().await;
        let cookie = [session.cookie.as_str()];
        let form = |current: &'static str, new: &'static str, confirm: &'static str| {
            vec![("csrf", session.csrf.as_str()), ("current", current), ("new", new), ("confirm", confirm)]
        };
        let wrong = app
            .post_form(
                "/account/password",
                &form("faux", "un nouveau mot de passe", "un nouveau mot de passe"),
                &cookie,
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(wrong.body.contains("Le mot de passe actuel est incorrect."));
        let short = app.post_form("/account/password", &form("mot de passe de marie", "court", "court"), &cookie).await;
        assert!(short.body.contains("au moins 12 caractères"));
        let mismatch = app
            .post_form(
                "/account/password",
                &form("mot de passe de marie", "un nouveau mot de passe", "un autre mot de passe"),
                &cookie,
            )
            .await;
        assert!(mismatch.body.contains("La confirmation ne correspond pas"));

        let changed = app
            .post_form(
                "/account/password",
                &form("mot de passe de marie", "un nouveau mot de passe", "un nouveau mot de passe"),
                &cookie,
            )
            .await;
        assert_eq!(changed.status, StatusCode::SEE_OTHER);
        assert_eq!(changed.location(), Some("/login"));
        assert_eq!(app.get("/", &cookie).await.location(), Some("/login"), "the old session is over");
        assert_eq!(
            app.submit_login("marie", "mot de passe de marie").await.status,
            StatusCode::OK,
            "the old password fails"
        );
        app.log_in("marie", "un nouveau mot de passe").await;
        app.finish().await;
    }
}
