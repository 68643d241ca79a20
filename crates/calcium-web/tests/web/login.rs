//! Login, its CSRF token and throttle, and logout.

use axum::http::StatusCode;
use calcium_test_support::backends;

use crate::support::TestApp;

const LOGIN: &str = "marie";
const PASSWORD: &str = "mot de passe de marie";
const BAD_CREDENTIALS: &str = "Identifiant ou mot de passe incorrect.";
const TOO_MANY: &str = "Trop de tentatives : réessayez dans quelques minutes.";

/// What a case is about, the form fields, the cookies.
type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a [&'a str]);

#[tokio::test]
async fn the_login_page_is_in_french_and_carries_a_double_submit_token() {
    for kind in backends() {
        let app = TestApp::new(kind).await;
        let page = app.get("/login", &[]).await;
        assert_eq!(page.status, StatusCode::OK);
        for text in ["Connexion", "Identifiant", "Mot de passe", "Se connecter", r#"lang="fr""#] {
            assert!(page.body.contains(text), "{text}");
        }
        let cookie = page.set_cookie("calcium_csrf").unwrap();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
        let token = page.csrf_field().unwrap();
        assert_eq!(page.cookie_pair("calcium_csrf").unwrap(), format!("calcium_csrf={token}"));
        assert_eq!(token.len(), 64);

        // The token a browser already holds is kept, so two login tabs both work.
        let again = app.get("/login", &[&format!("calcium_csrf={token}")]).await;
        assert_eq!(again.csrf_field().unwrap(), token);
        app.finish().await;
    }
}

#[tokio::test]
async fn a_wrong_password_or_an_unknown_login_gets_the_same_message_and_no_session() {
    for kind in backends() {
        let app = TestApp::new(kind).await;
        app.add_user(LOGIN, PASSWORD).await;
        for (login, password) in [(LOGIN, "pas le bon"), ("inconnu", PASSWORD), ("pas valide !", PASSWORD)] {
            let response = app.submit_login(login, password).await;
            assert_eq!(response.status, StatusCode::OK, "{login}");
            assert!(response.body.contains(BAD_CREDENTIALS), "{login}");
            assert!(response.set_cookie("calcium_session").is_none(), "{login}");
            assert!(response.body.contains("Se connecter"));
        }
        app.finish().await;
    }
}

#[tokio::test]
async fn a_successful_login_sets_a_strict_http_only_session_cookie_and_opens_the_batch_page() {
    for kind in backends() {
        let app = TestApp::new(kind).await;
        app.add_user(LOGIN, PASSWORD).await;
        // Logins are case-insensitive, as stored.
        let response = app.submit_login("Marie", PASSWORD).await;
        assert_eq!(response.status, StatusCode::SEE_OTHER);
        assert_eq!(response.location(), Some("/"));
        let cookie = response.set_cookie("calcium_session").unwrap();
        for flag in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=28800"] {
            assert!(cookie.contains(flag), "{flag} in {cookie}");
        }
        assert!(!cookie.contains("Secure"), "plain HTTP in tests: {cookie}");
        let token = cookie.split(';').next().unwrap().trim_start_matches("calcium_session=");
        assert_eq!(token.len(), 64);

        let page = app.get("/", &[&format!("calcium_session={token}")]).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Batches programmés"));
        app.finish().await;
    }
}

#[tokio::test]
async fn cookies_are_secure_when_configured() {
    for kind in backends() {
        let app = TestApp::with_secure_cookies(kind, true).await;
        app.add_user(LOGIN, PASSWORD).await;
        let form = app.get("/login", &[]).await;
        assert!(form.set_cookie("calcium_csrf").unwrap().contains("; Secure"));
        let response = app.submit_login(LOGIN, PASSWORD).await;
        assert!(response.set_cookie("calcium_session").unwrap().contains("; Secure"));
        app.finish().await;
    }
}

#[tokio::test]
async fn a_login_without_its_csrf_cookie_or_field_is_forbidden() {
    for kind in backends() {
        let app = TestApp::new(kind).await;
        app.add_user(LOGIN, PASSWORD).await;
        let (cookie, csrf) = app.open_login_form().await;
        let other = "0".repeat(64);
        let cases: [Case<'_>; 4] = [
            ("no cookie", &[("login", LOGIN), ("password", PASSWORD), ("csrf", &csrf)], &[]),
            ("no field", &[("login", LOGIN), ("password", PASSWORD)], &[&cookie]),
            ("different field", &[("login", LOGIN), ("password", PASSWORD), ("csrf", &other)], &[&cookie]),
            ("empty both", &[("login", LOGIN), ("password", PASSWORD), ("csrf", "")], &["calcium_csrf="]),
        ];
        for (what, form, cookies) in cases {
            let response = app.post_form("/login", form, cookies).await;
            assert_eq!(response.status, StatusCode::FORBIDDEN, "{what}");
            assert!(response.set_cookie("calcium_session").is_none(), "{what}");
            assert!(response.body.contains("Requête refusée"), "{what}");
        }
        app.finish().await;
    }
}

#[tokio::test]
async fn five_failures_lock_the_login_even_for_the_right_password() {
    for kind in backends() {
        let app = TestApp::new(kind).await;
        app.add_user(LOGIN, PASSWORD).await;
        app.add_user("paul", PASSWORD).await;
        for attempt in 1..=5 {
            let response = app.submit_login(LOGIN, "pas le bon").await;
            assert!(response.body.contains(BAD_CREDENTIALS), "attempt {attempt}");
        }
        let response = app.submit_login(LOGIN, PASSWORD).await;
        assert_eq!(response.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(response.body.contains(TOO_MANY));
        assert!(response.set_cookie("calcium_session").is_none());
        // Other accounts are not affected.
        assert_eq!(app.submit_login("paul", PASSWORD).await.status, StatusCode::SEE_OTHER);
        app.finish().await;
    }
}

#[tokio::test]
async fn the_login_typed_is_given_back_as_text() {
    for kind in backends() {
        let app = TestApp::new(kind).await;
        let response = app.submit_login("\"><script>alert(1)</script>", "x").await;
        assert!(response.body.contains(BAD_CREDENTIALS));
        assert!(!response.body.contains("<script>"));
        assert!(response.body.contains("&#60;script&#62;"));
        app.finish().await;
    }
}

#[tokio::test]
async fn logout_needs_the_session_csrf_token_and_ends_the_session() {
    for kind in backends() {
        let app = TestApp::new(kind).await;
        app.add_user(LOGIN, PASSWORD).await;
        let session = app.log_in(LOGIN, PASSWORD).await;

        let refused = app.post_form("/logout", &[], &[&session.cookie]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        let wrong = app.post_form("/logout", &[("csrf", &"0".repeat(64))], &[&session.cookie]).await;
        assert_eq!(wrong.status, StatusCode::FORBIDDEN);
        assert_eq!(app.get("/", &[&session.cookie]).await.status, StatusCode::OK, "still logged in");

        let response = app.post_form("/logout", &[("csrf", &session.csrf)], &[&session.cookie]).await;
        assert_eq!(response.status, StatusCode::SEE_OTHER);
        assert_eq!(response.location(), Some("/login"));
        assert!(response.set_cookie("calcium_session").unwrap().contains("Max-Age=0"));
        let after = app.get("/", &[&session.cookie]).await;
        assert_eq!(after.status, StatusCode::SEE_OTHER, "the session is gone from the base");
        assert_eq!(after.location(), Some("/login"));
        app.finish().await;
    }
}

#[tokio::test]
async fn logout_without_a_session_goes_to_the_login_page() {
    for kind in backends() {
        let app = TestApp::new(kind).await;
        let response = app.post_form("/logout", &[("csrf", "x")], &[]).await;
        assert_eq!(response.status, StatusCode::SEE_OTHER);
        assert_eq!(response.location(), Some("/login"));
        app.finish().await;
    }
}
