//! Reading the `Cookie` header and writing `Set-Cookie` values for our two cookies.
//!
//! Our cookies only ever hold hex tokens, so no value needs quoting or escaping here; every
//! cookie we set is `HttpOnly` and `SameSite=Strict`, and `Secure` when the site runs on HTTPS.

use axum::http::header::COOKIE;
use axum::http::{HeaderMap, HeaderValue};

/// The session token.
pub(crate) const SESSION: &str = "calcium_session";
/// The double-submit CSRF token of the login form (there is no session yet to hold it).
pub(crate) const LOGIN_CSRF: &str = "calcium_csrf";

/// The value of the first cookie called `name`, across all `Cookie` headers (HTTP/2 may split
/// them).
pub(crate) fn read<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|line| line.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// How long a cookie lives.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Lifetime {
    /// Until the browser closes.
    Browser,
    /// This many seconds.
    Seconds(i64),
    /// Deletes the cookie.
    Expired,
}

/// A `Set-Cookie` value.
pub(crate) fn set(name: &str, value: &str, path: &str, lifetime: Lifetime, secure: bool) -> HeaderValue {
    let max_age = match lifetime {
        Lifetime::Browser => String::new(),
        Lifetime::Seconds(seconds) => format!("; Max-Age={seconds}"),
        Lifetime::Expired => "; Max-Age=0".to_owned(),
    };
    let secure = if secure { "; Secure" } else { "" };
    let text = format!("{name}={value}; Path={path}{max_age}; HttpOnly; SameSite=Strict{secure}");
    // Names, paths and values are ours and ASCII (hex tokens), so the header is always valid.
    HeaderValue::try_from(text).expect("cookie values are ASCII tokens")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_named_cookie_is_found_among_others_and_across_headers() {
        let mut headers = HeaderMap::new();
        headers.append(COOKIE, HeaderValue::from_static("a=1; calcium_csrfx=no"));
        headers.append(COOKIE, HeaderValue::from_static("calcium_csrf=abc;b=2"));
        assert_eq!(read(&headers, LOGIN_CSRF), Some("abc"));
        assert_eq!(read(&headers, "b"), Some("2"));
        assert_eq!(read(&headers, SESSION), None);
    }

    #[test]
    fn cookies_are_http_only_and_strict_and_secure_on_demand() {
        let cookie = set(SESSION, "ab", "/", Lifetime::Seconds(28800), true);
        assert_eq!(cookie, "calcium_session=ab; Path=/; Max-Age=28800; HttpOnly; SameSite=Strict; Secure");
        let gone = set(SESSION, "", "/", Lifetime::Expired, false);
        assert_eq!(gone, "calcium_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
    }
}
