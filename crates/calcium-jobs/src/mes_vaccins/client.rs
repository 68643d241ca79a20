//! The call to MesVaccins.net: `GET {url}/vaccinations?since=…` with the bearer token, within
//! the configured timeout (connection to last byte). Any answer but a 2xx, a timeout or a
//! network failure is a [`FetchError`] whose text says what happened, in French.

use std::time::Duration;

use jiff::Timestamp;

use crate::mes_vaccins::feed::{FeedRecord, MalformedFeed, parse_feed};

#[derive(Debug, thiserror::Error)]
pub(crate) enum FetchError {
    #[error("adresse mesvaccins.url invalide « {url} » : {cause}")]
    BadUrl { url: String, cause: String },
    #[error("MesVaccins.net n'a pas répondu dans le délai de {0} s (mesvaccins.timeout_seconds)")]
    Timeout(u64),
    #[error("MesVaccins.net a répondu HTTP {status} : {excerpt}")]
    Status { status: String, excerpt: String },
    #[error("MesVaccins.net injoignable : {0}")]
    Network(String),
    #[error(transparent)]
    Malformed(#[from] MalformedFeed),
}

/// Where and how to ask.
#[derive(Debug, Clone)]
pub(crate) struct FeedRequest<'a> {
    pub(crate) base_url: &'a str,
    pub(crate) token: Option<&'a str>,
    pub(crate) timeout: Duration,
    /// The start of the last successful run; `None` asks for everything.
    pub(crate) since: Option<Timestamp>,
}

/// How much of an error page the message quotes.
const EXCERPT_CHARS: usize = 200;

/// Asks MesVaccins.net for the records since `request.since` and checks the answer.
pub(crate) async fn fetch_records(request: &FeedRequest<'_>) -> Result<Vec<FeedRecord>, FetchError> {
    let url = feed_url(request.base_url, request.since)?;
    let client = reqwest::Client::builder()
        .timeout(request.timeout)
        // A redirect is an answer to report (a moved service, a login page), not to follow
        // with the token.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|error| FetchError::Network(chain(&error)))?;
    let mut call = client.get(url).header(reqwest::header::ACCEPT, "application/json");
    if let Some(token) = request.token {
        call = call.bearer_auth(token);
    }
    let timeout = || FetchError::Timeout(request.timeout.as_secs());
    let response = call
        .send()
        .await
        .map_err(|error| if error.is_timeout() { timeout() } else { FetchError::Network(chain(&error)) })?;
    let status = response.status();
    let body = response
        .bytes()
        .await
        .map_err(|error| if error.is_timeout() { timeout() } else { FetchError::Network(chain(&error)) })?;
    if !status.is_success() {
        let excerpt: String = String::from_utf8_lossy(&body).chars().take(EXCERPT_CHARS).collect();
        return Err(FetchError::Status { status: status.to_string(), excerpt: excerpt.trim().to_owned() });
    }
    Ok(parse_feed(&body)?)
}

/// `{base}/vaccinations?since=<RFC 3339>`, a trailing `/` of the base ignored.
fn feed_url(base: &str, since: Option<Timestamp>) -> Result<reqwest::Url, FetchError> {
    let text = format!("{}/vaccinations", base.trim().trim_end_matches('/'));
    let mut url = reqwest::Url::parse(&text)
        .map_err(|error| FetchError::BadUrl { url: base.to_owned(), cause: error.to_string() })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(FetchError::BadUrl { url: base.to_owned(), cause: "http:// ou https:// est attendu".to_owned() });
    }
    if let Some(since) = since {
        url.query_pairs_mut().append_pair("since", &since.to_string());
    }
    Ok(url)
}

/// The error and its causes on one line (reqwest's own text stops at the first level).
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(" : ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_feed_url_carries_the_instant_of_the_last_successful_run() {
        let since: Timestamp = "2026-03-01T06:00:00Z".parse().unwrap();
        let url = feed_url("https://api.example.test/v1/", Some(since)).unwrap();
        assert_eq!(url.as_str(), "https://api.example.test/v1/vaccinations?since=2026-03-01T06%3A00%3A00Z");
        assert_eq!(feed_url("http://127.0.0.1:9/", None).unwrap().as_str(), "http://127.0.0.1:9/vaccinations");
    }

    #[test]
    fn an_address_that_is_not_http_is_refused_with_its_key() {
        for base in ["ftp://mesvaccins.test", "pas une adresse"] {
            let error = feed_url(base, None).unwrap_err().to_string();
            assert!(error.contains("mesvaccins.url"), "{error}");
        }
    }
}
