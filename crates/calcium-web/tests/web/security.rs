//! Headers every response carries, and pages free of inline script or style.

use axum::http::StatusCode;
use calcium_test_support::backends;

use crate::support::{TestApp, TestResponse};

fn assert_security_headers(response: &TestResponse, what: &str) {
    let header = |name: &str| response.headers.get(name).map(|value| value.to_str().unwrap().to_owned());
    assert_eq!(
        header("content-security-policy").as_deref(),
        Some("default-src 'self'; frame-ancestors 'none'; form-action 'self'"),
        "{what}"
    );
    assert_eq!(header("x-frame-options").as_deref(), Some("DENY"), "{what}");
    assert_eq!(header("x-content-type-options").as_deref(), Some("nosniff"), "{what}");
    assert_eq!(header("referrer-policy").as_deref(), Some("same-origin"), "{what}");
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    for kind in backends() {
        let app = TestApp::new(kind).await;
        app.add_user("marie", "mot de passe de marie").await;
        let session = app.log_in("marie", "mot de passe de marie").await;
        let cases = [
            ("login page", app.get("/login", &[]).await),
            ("redirect to login", app.get("/", &[]).await),
            ("batch page", app.get("/", &[&session.cookie]).await),
            ("health", app.get("/healthz", &[]).await),
            ("stylesheet", app.get("/static/calcium.css", &[]).await),
            ("unknown page", app.get("/nulle-part", &[]).await),
            ("refused form", app.post_form("/login", &[("login", "x")], &[]).await),
        ];
        for (what, response) in &cases {
            assert_security_headers(response, what);
        }
        app.finish().await;
    }
}

#[tokio::test]
async fn pages_use_no_inline_script_or_style() {
    for kind in backends() {
        let app = TestApp::new(kind).await;
        app.add_user("marie", "mot de passe de marie").await;
        let session = app.log_in("marie", "mot de passe de marie").await;
        let cookie = [session.cookie.as_str()];
        let mut pages = vec![app.get("/login", &[]).await];
        for path in [
            "/",
            "/import",
            "/downloads",
            "/account",
            "/batches/CLEAN/edit",
            "/batches/CLEAN/history",
            "/batches/CLEAN/launch",
        ] {
            let page = app.get(path, &cookie).await;
            assert_eq!(page.status, StatusCode::OK, "{path}");
            pages.push(page);
        }
        for page in &pages {
            // Scripts only by `src`, from this site; no script or style inside the page.
            for script in page.body.split("<script").skip(1) {
                let tag = &script[..script.find("</script>").expect("a closed script tag")];
                assert!(tag.starts_with(" src=\"/static/") && tag.ends_with(" defer>"), "{tag}");
            }
            assert!(!page.body.contains("<style"));
            assert!(!page.body.contains("style="));
            for handler in [" onclick=", " onload=", " onerror=", " onchange=", "javascript:"] {
                assert!(!page.body.contains(handler), "no inline handler: {handler}");
            }
        }
        assert!(pages[1].body.contains(r#"<script src="/static/htmx.min.js" defer></script>"#));
        assert!(pages[1].body.contains(r#"<link rel="stylesheet" href="/static/calcium.css">"#));
        let css = app.get("/static/calcium.css", &[]).await;
        assert_eq!(css.status, StatusCode::OK);
        assert_eq!(css.headers["content-type"], "text/css; charset=utf-8");
        assert!(css.body.contains(".table-scroll"));
        for (path, needle) in [
            ("/static/htmx.min.js", "htmx"),
            ("/static/app.js", "dialog-close"),
            ("/static/htmx-LICENSE.txt", "Zero-Clause BSD"),
        ] {
            let asset = app.get(path, &[]).await;
            assert_eq!(asset.status, StatusCode::OK, "{path}");
            assert!(asset.body.contains(needle), "{path}");
        }
        app.finish().await;
    }
}

#[tokio::test]
async fn an_unknown_page_is_a_french_404() {
    for kind in backends() {
        let app = TestApp::new(kind).await;
        let response = app.get("/nulle-part", &[]).await;
        assert_eq!(response.status, StatusCode::NOT_FOUND);
        assert!(response.body.contains("Page introuvable"));
        app.finish().await;
    }
}

#[tokio::test]
async fn every_route_but_login_health_metrics_and_assets_requires_a_session() {
    for kind in backends() {
        let app = TestApp::new(kind).await;
        for path in [
            "/",
            "/batches/table",
            "/batches/CLEAN/launch",
            "/batches/CLEAN/edit",
            "/batches/CLEAN/history",
            "/executions/1/log",
            "/import",
            "/import/1",
            "/import/1/status",
            "/downloads",
            "/downloads/1",
            "/account",
            "/statistics",
            "/statistics/ages.csv",
        ] {
            let response = app.get(path, &[]).await;
            assert_eq!((response.status, response.location()), (StatusCode::SEE_OTHER, Some("/login")), "GET {path}");
        }
        for path in [
            "/batches/CLEAN/launch",
            "/batches/CLEAN/edit",
            "/preferences/history-columns",
            "/import",
            "/account/email",
            "/account/password",
            "/logout",
        ] {
            let response = app.post_form(path, &[("csrf", "x")], &[]).await;
            assert_eq!((response.status, response.location()), (StatusCode::SEE_OTHER, Some("/login")), "POST {path}");
        }
        for path in [
            "/api/batches",
            "/api/batches/CLEAN",
            "/api/batches/CLEAN/history",
            "/api/batches/CLEAN/next",
            "/api/executions/1",
            "/api/executions/1/log",
            "/api/openapi.json",
        ] {
            assert_eq!(app.get(path, &[]).await.status, StatusCode::UNAUTHORIZED, "GET {path}");
        }
        for path in ["/api/batches/CLEAN/run", "/api/import"] {
            assert_eq!(app.post_form(path, &[], &[]).await.status, StatusCode::UNAUTHORIZED, "POST {path}");
        }
        for path in ["/login", "/healthz", "/metrics", "/static/calcium.css", "/static/app.js", "/static/htmx.min.js"] {
            assert_eq!(app.get(path, &[]).await.status, StatusCode::OK, "GET {path} is open");
        }
        app.finish().await;
    }
}
