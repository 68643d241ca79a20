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
