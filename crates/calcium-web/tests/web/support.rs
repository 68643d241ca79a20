//! The test application: a fresh base, the router on it, and helpers to send requests the way a
//! browser would (form bodies, cookies) and to log in.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::header::{CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, Method, Request, StatusCode};
use calcium_core::user::Role;
use calcium_store::{BackendKind, NewUser};
use calcium_test_support::TestBase;
use calcium_web::{AppState, ImportLauncher, WebOptions, router};
use jiff::tz::TimeZone;
use tower::ServiceExt;

pub(crate) struct TestApp {
    pub(crate) base: TestBase,
    router: Router,
    options: WebOptions,
}

pub(crate) struct TestResponse {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: String,
}

/// A logged-in browser: its session cookie (`name=value`) and the session's CSRF token.
pub(crate) struct Session {
    pub(crate) cookie: String,
    pub(crate) csrf: String,
}

impl TestApp {
    pub(crate) async fn new(kind: BackendKind) -> TestApp {
        TestApp::with_secure_cookies(kind, false).await
    }

    pub(crate) async fn with_secure_cookies(kind: BackendKind, secure_cookies: bool) -> TestApp {
        TestApp::build(kind, |options| options.secure_cookies = secure_cookies, None).await
    }

    /// An application whose options `adjust` changes, with an import launcher or none.
    pub(crate) async fn build(
        kind: BackendKind,
        adjust: impl FnOnce(&mut WebOptions),
        launcher: Option<Arc<dyn ImportLauncher>>,
    ) -> TestApp {
        let base = TestBase::new(kind).await;
        let mut options = WebOptions::new(TimeZone::get("Europe/Paris").unwrap());
        adjust(&mut options);
        let mut state = AppState::new(base.store.clone(), options.clone());
        if let Some(launcher) = launcher {
            state = state.with_import_launcher(launcher);
        }
        TestApp { base, router: router(state), options }
    }

    /// The same application on the same base, importing through `launcher`.
    pub(crate) fn with_launcher(self, launcher: Arc<dyn ImportLauncher>) -> TestApp {
        let state = AppState::new(self.base.store.clone(), self.options.clone()).with_import_launcher(launcher);
        TestApp { router: router(state), ..self }
    }

    /// Any request: extra headers (`name`, `value`) and a body with its content type.
    pub(crate) async fn request(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<(&str, Vec<u8>)>,
    ) -> TestResponse {
        let mut request = Request::builder().method(method).uri(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let body = match body {
            Some((content_type, bytes)) => {
                request = request.header(CONTENT_TYPE, content_type);
                Body::from(bytes)
            }
            None => Body::empty(),
        };
        self.respond(request.body(body).unwrap()).await
    }

    async fn respond(&self, request: Request<Body>) -> TestResponse {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let (parts, body) = response.into_parts();
        let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
        TestResponse {
            status: parts.status,
            headers: parts.headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// A multipart form as a browser sends it: text fields, then the file (name, type, bytes).
    pub(crate) async fn post_multipart(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        file: Option<(&str, &str, &[u8])>,
        headers: &[(&str, &str)],
    ) -> TestResponse {
        let boundary = "----calciumtestboundary7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        if let Some((file_name, content_type, content)) = file {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
                     Content-Type: {content_type}\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(content);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let content_type = format!("multipart/form-data; boundary={boundary}");
        self.request(Method::POST, path, headers, Some((&content_type, body))).await
    }

    pub(crate) async fn finish(self) {
        self.base.finish().await;
    }

    pub(crate) async fn get(&self, path: &str, cookies: &[&str]) -> TestResponse {
        self.send(Method::GET, path, cookies, None).await
    }

    pub(crate) async fn post_form(&self, path: &str, form: &[(&str, &str)], cookies: &[&str]) -> TestResponse {
        self.send(Method::POST, path, cookies, Some(url_encode(form))).await
    }

    async fn send(&self, method: Method, path: &str, cookies: &[&str], form: Option<String>) -> TestResponse {
        let cookie = cookies.join("; ");
        let headers: Vec<(&str, &str)> =
            if cookies.is_empty() { vec![] } else { vec![(COOKIE.as_str(), cookie.as_str())] };
        let body = form.map(|form| ("application/x-www-form-urlencoded", form.into_bytes()));
        self.request(method, path, &headers, body).await
    }

    /// Creates an admin with an e-mail address and logs them in.
    pub(crate) async fn logged_in(&self) -> Session {
        self.add_user("marie", "mot de passe de marie").await;
        self.base.store.set_user_email("marie", Some("marie@univ-exemple.fr")).await.unwrap();
        self.log_in("marie", "mot de passe de marie").await
    }

    pub(crate) async fn add_user(&self, login: &str, password: &str) {
        let password_hash = calcium_web::auth::hash_password(password).unwrap();
        let user = NewUser { login, email: None, password_hash: &password_hash, role: Role::Admin };
        self.base.store.create_user(&user, jiff::Timestamp::now()).await.unwrap();
    }

    /// Opens the login form: the CSRF cookie (`name=value`) and the token of its hidden field.
    pub(crate) async fn open_login_form(&self) -> (String, String) {
        let page = self.get("/login", &[]).await;
        assert_eq!(page.status, StatusCode::OK);
        let cookie = page.cookie_pair("calcium_csrf").expect("the login form sets its CSRF cookie");
        (cookie, page.csrf_field().expect("the login form has a CSRF field"))
    }

    /// Submits the login form as a browser would, after opening it.
    pub(crate) async fn submit_login(&self, login: &str, password: &str) -> TestResponse {
        let (cookie, csrf) = self.open_login_form().await;
        self.post_form("/login", &[("login", login), ("password", password), ("csrf", &csrf)], &[&cookie]).await
    }

    /// Logs in and reads the session's CSRF token from the batch page.
    pub(crate) async fn log_in(&self, login: &str, password: &str) -> Session {
        let response = self.submit_login(login, password).await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "login of {login} failed: {}", response.body);
        assert_eq!(response.location(), Some("/"));
        let cookie = response.cookie_pair("calcium_session").expect("a session cookie");
        let page = self.get("/", &[&cookie]).await;
        assert_eq!(page.status, StatusCode::OK);
        Session { csrf: page.csrf_field().expect("the logout form carries the CSRF token"), cookie }
    }
}

impl TestResponse {
    /// The whole `Set-Cookie` line of the cookie `name`.
    pub(crate) fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(SET_COOKIE)
            .iter()
            .map(|value| value.to_str().unwrap().to_owned())
            .find(|line| line.starts_with(&format!("{name}=")))
    }

    /// `name=value` of a cookie set with a value (not a deletion).
    pub(crate) fn cookie_pair(&self, name: &str) -> Option<String> {
        let line = self.set_cookie(name)?;
        let pair = line.split(';').next().unwrap().to_owned();
        (pair.len() > name.len() + 1).then_some(pair)
    }

    /// The body without its tags: what a reader sees, for texts the page splits into parts.
    pub(crate) fn text(&self) -> String {
        let mut text = String::with_capacity(self.body.len());
        let mut in_tag = false;
        for c in self.body.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => in_tag = false,
                _ if !in_tag => text.push(c),
                _ => {}
            }
        }
        text
    }

    pub(crate) fn location(&self) -> Option<&str> {
        self.headers.get(LOCATION).map(|value| value.to_str().unwrap())
    }

    /// The value of the first hidden `csrf` field of the page.
    pub(crate) fn csrf_field(&self) -> Option<String> {
        let start = self.body.find(r#"name="csrf" value=""#)? + r#"name="csrf" value=""#.len();
        let end = self.body[start..].find('"')?;
        Some(self.body[start..start + end].to_owned())
    }
}

fn url_encode(form: &[(&str, &str)]) -> String {
    let encode = |text: &str| {
        text.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => char::from(b).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    form.iter().map(|(key, value)| format!("{}={}", encode(key), encode(value))).collect::<Vec<_>>().join("&")
}
