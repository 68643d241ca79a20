//! Configuration (SPEC §5): `calcium.toml` (or `--config`, or `$CALCIUM_CONFIG`), then the
//! `CALCIUM_<SECTION>_<KEY>` environment variables, over the defaults.
//!
//! This module is the only reader of configuration files and of the process environment. Every
//! refusal names the key at fault in one French line; the caller exits with status 2.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use calcium_core::relance::ListingEncoding;
use calcium_core::user::Email;
use jiff::tz::TimeZone;

/// The kind of value a key holds, used to read environment variables (always text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Integer,
    Boolean,
}

/// Every key of the configuration: (section, key, kind). Unknown keys are refused.
const KEYS: &[(&str, &str, Kind)] = &[
    ("database", "url", Kind::Text),
    ("server", "listen", Kind::Text),
    ("server", "secure_cookies", Kind::Boolean),
    ("web", "upload_limit_mb", Kind::Integer),
    ("scheduler", "timezone", Kind::Text),
    ("scheduler", "grace_minutes", Kind::Integer),
    ("scheduler", "lease_seconds", Kind::Integer),
    ("import", "dir", Kind::Text),
    ("import", "file", Kind::Text),
    ("import", "log_dir", Kind::Text),
    ("import", "model", Kind::Text),
    ("import", "report_to", Kind::Text),
    ("output", "dir", Kind::Text),
    ("retention", "executions_days", Kind::Integer),
    ("retention", "keep_last", Kind::Integer),
    ("retention", "import_logs_days", Kind::Integer),
    ("retention", "relances_days", Kind::Integer),
    ("retention", "scan_days", Kind::Integer),
    ("relances", "rappel_days", Kind::Integer),
    ("mesvaccins", "url", Kind::Text),
    ("mesvaccins", "token", Kind::Text),
    ("mesvaccins", "timeout_seconds", Kind::Integer),
    ("smtp", "host", Kind::Text),
    ("smtp", "port", Kind::Integer),
    ("smtp", "from", Kind::Text),
    ("smtp", "username", Kind::Text),
    ("smtp", "password", Kind::Text),
    ("smtp", "tls", Kind::Text),
    ("relances", "templates_dir", Kind::Text),
    ("relances", "listing_encoding", Kind::Text),
];

/// The file looked for in the working directory when neither `--config` nor
/// `$CALCIUM_CONFIG` names one.
pub const DEFAULT_FILE: &str = "calcium.toml";
/// The environment variable that names the configuration file.
pub const CONFIG_VAR: &str = "CALCIUM_CONFIG";

/// A configuration refused: one line naming the key (or file) at fault.
#[derive(Debug, thiserror::Error)]
#[error("configuration invalide : {0}")]
pub struct ConfigError(String);

/// A value that must never be printed: `Debug` shows a mask.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("«masqué»")
    }
}

/// The database URL; its `Debug` hides the password it may carry.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The URL with its password replaced, for logs and messages.
    pub fn redacted(&self) -> String {
        redact_url(&self.0)
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// Replaces the password of `scheme://user:password@host/…` by `***`.
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else { return url.to_owned() };
    let rest = &url[scheme_end..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => match rest[..at].find(':') {
            Some(colon) => format!("{}{}:***{}", &url[..scheme_end], &rest[..colon], &rest[at..]),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain SMTP (a relay on the same network).
    None,
    StartTls,
    /// Implicit TLS (port 465).
    Tls,
}

#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub from: Email,
    pub username: Option<String>,
    pub password: Option<Secret>,
    pub tls: SmtpTls,
}

#[derive(Debug, Clone)]
pub struct MesVaccinsSettings {
    pub url: Option<String>,
    pub token: Option<Secret>,
    pub timeout_seconds: u32,
}

/// The resolved configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: DatabaseUrl,
    pub listen: SocketAddr,
    pub secure_cookies: bool,
    /// The largest student file the web form and the API accept (`web.upload_limit_mb`).
    pub upload_limit_mb: u32,
    pub time_zone: TimeZone,
    pub grace_minutes: u32,
    pub lease_seconds: u32,
    pub import_dir: PathBuf,
    pub import_file: String,
    pub import_log_dir: PathBuf,
    pub import_model: String,
    pub import_report_to: Option<Email>,
    pub output_dir: PathBuf,
    pub executions_days: u32,
    pub keep_last: u32,
    pub import_logs_days: u32,
    pub relances_days: u32,
    pub scan_days: u32,
    pub rappel_days: u32,
    /// The folder of the letter templates (`relances.templates_dir`); `None`: built-in ones.
    pub relance_templates_dir: Option<PathBuf>,
    /// The encoding of the relance listings (`relances.listing_encoding`).
    pub listing_encoding: ListingEncoding,
    pub mesvaccins: MesVaccinsSettings,
    /// `None` when `smtp.host` is not set: no mail is sent.
    pub smtp: Option<SmtpSettings>,
    /// The file read, if any.
    pub source: Option<PathBuf>,
}

impl Settings {
    /// Loads the configuration: the file named by `explicit` (`--config`), else by
    /// `$CALCIUM_CONFIG`, else `calcium.toml` if present, else the defaults; then the
    /// environment overrides.
    pub fn load(explicit: Option<&Path>) -> Result<Settings, ConfigError> {
        let env: BTreeMap<String, String> = std::env::vars().filter(|(name, _)| name.starts_with("CALCIUM_")).collect();
        let path = match explicit {
            Some(path) => Some(path.to_path_buf()),
            None => match env.get(CONFIG_VAR) {
                Some(path) => Some(PathBuf::from(path)),
                None => Some(PathBuf::from(DEFAULT_FILE)).filter(|p| p.exists()),
            },
        };
        let text = match &path {
            Some(path) => Some(
                std::fs::read_to_string(path)
                    .map_err(|e| ConfigError(format!("fichier de configuration {} illisible : {e}", path.display())))?,
            ),
            None => None,
        };
        let mut settings = Settings::from_sources(text.as_deref(), &env)?;
        settings.source = path;
        Ok(settings)
    }

    /// Resolves the configuration from a file's text and the `CALCIUM_*` variables.
    pub fn from_sources(file: Option<&str>, env: &BTreeMap<String, String>) -> Result<Settings, ConfigError> {
        let mut values = match file {
            Some(text) => read_file(text)?,
            None => BTreeMap::new(),
        };
        for (name, value) in env {
            if name == CONFIG_VAR {
                continue;
            }
            let (section, key, kind) = KEYS
                .iter()
                .find(|(section, key, _)| *name == env_name(section, key))
                .ok_or_else(|| ConfigError(format!("variable d'environnement inconnue : {name}")))?;
            values.insert(format!("{section}.{key}"), env_value(name, value, *kind)?);
        }
        Settings::from_values(&values)
    }

    fn from_values(values: &BTreeMap<String, toml::Value>) -> Result<Settings, ConfigError> {
        let get = |key: &str| values.get(key);
        let text = |key: &str, default: &str| -> String {
            get(key).and_then(toml::Value::as_str).map_or_else(|| default.to_owned(), str::to_owned)
        };
        let optional_text = |key: &str| -> Option<String> {
            get(key).and_then(toml::Value::as_str).map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
        };
        let number = |key: &str, default: u32, min: u32| -> Result<u32, ConfigError> {
            match get(key).and_then(toml::Value::as_integer) {
                None => Ok(default),
                Some(n) => u32::try_from(n)
                    .ok()
                    .filter(|n| *n >= min)
                    .ok_or_else(|| ConfigError(format!("{key} : {n} n'est pas un entier accepté (minimum {min})"))),
            }
        };
        let email = |key: &str| -> Result<Option<Email>, ConfigError> {
            optional_text(key).map(|v| Email::parse(&v).map_err(|e| ConfigError(format!("{key} : {e}")))).transpose()
        };

        let database_url = text("database.url", "sqlite://calcium.db");
        if calcium_store::BackendKind::of_url(&database_url).is_none() {
            return Err(ConfigError(format!(
                "database.url : « {} » doit commencer par sqlite:// ou postgres://",
                redact_url(&database_url)
            )));
        }
        let listen_text = text("server.listen", "127.0.0.1:8080");
        let listen = listen_text
            .parse()
            .map_err(|_| ConfigError(format!("server.listen : « {listen_text} » n'est pas une adresse IP:port")))?;
        let zone_name = text("scheduler.timezone", "Europe/Paris");
        let time_zone = TimeZone::get(&zone_name)
            .map_err(|_| ConfigError(format!("scheduler.timezone : fuseau horaire inconnu « {zone_name} »")))?;

        let smtp = match optional_text("smtp.host") {
            None => None,
            Some(host) => {
                let tls = match text("smtp.tls", "none").as_str() {
                    "none" => SmtpTls::None,
                    "starttls" => SmtpTls::StartTls,
                    "tls" => SmtpTls::Tls,
                    other => {
                        return Err(ConfigError(format!("smtp.tls : « {other} » (valeurs : none, starttls, tls)")));
                    }
                };
                let default_port = match tls {
                    SmtpTls::None => 25,
                    SmtpTls::StartTls => 587,
                    SmtpTls::Tls => 465,
                };
                let port = number("smtp.port", default_port, 1)?;
                let port = u16::try_from(port).map_err(|_| ConfigError(format!("smtp.port : {port} hors limites")))?;
                let from = email("smtp.from")?
                    .ok_or_else(|| ConfigError("smtp.from : obligatoire quand smtp.host est renseigné".to_owned()))?;
                Some(SmtpSettings {
                    host,
                    port,
                    from,
                    username: optional_text("smtp.username"),
                    password: optional_text("smtp.password").map(Secret),
                    tls,
                })
            }
        };

        Ok(Settings {
            database_url: DatabaseUrl(database_url),
            listen,
            secure_cookies: get("server.secure_cookies").and_then(toml::Value::as_bool).unwrap_or(false),
            upload_limit_mb: number("web.upload_limit_mb", 50, 1)?,
            time_zone,
            grace_minutes: number("scheduler.grace_minutes", 15, 0)?,
            lease_seconds: number("scheduler.lease_seconds", 60, 5)?,
            import_dir: PathBuf::from(text("import.dir", "import")),
            import_file: text("import.file", "calcium.csv"),
            import_log_dir: PathBuf::from(text("import.log_dir", "import/logs")),
            import_model: text("import.model", "APOGEE"),
            import_report_to: email("import.report_to")?,
            output_dir: PathBuf::from(text("output.dir", "output")),
            executions_days: number("retention.executions_days", 90, 1)?,
            keep_last: number("retention.keep_last", 20, 0)?,
            import_logs_days: number("retention.import_logs_days", 90, 1)?,
            relances_days: number("retention.relances_days", 365, 1)?,
            scan_days: number("retention.scan_days", 30, 1)?,
            rappel_days: number("relances.rappel_days", 30, 1)?,
            relance_templates_dir: optional_text("relances.templates_dir").map(PathBuf::from),
            listing_encoding: {
                let name = text("relances.listing_encoding", "windows-1252");
                ListingEncoding::parse(&name).ok_or_else(|| {
                    ConfigError(format!("relances.listing_encoding : « {name} » (valeurs : windows-1252, utf-8)"))
                })?
            },
            mesvaccins: MesVaccinsSettings {
                url: optional_text("mesvaccins.url"),
                token: optional_text("mesvaccins.token").map(Secret),
                timeout_seconds: number("mesvaccins.timeout_seconds", 30, 1)?,
            },
            smtp,
            source: None,
        })
    }
}

/// `CALCIUM_<SECTION>_<KEY>`, e.g. `CALCIUM_IMPORT_LOG_DIR`.
fn env_name(section: &str, key: &str) -> String {
    format!("CALCIUM_{}_{}", section.to_ascii_uppercase(), key.to_ascii_uppercase())
}

/// Reads the file into `section.key → value`, refusing unknown keys and wrong types.
fn read_file(text: &str) -> Result<BTreeMap<String, toml::Value>, ConfigError> {
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        ConfigError(format!("syntaxe TOML incorrecte : {}", e.message().replace('\n', " ")))
    })?;
    let mut values = BTreeMap::new();
    for (section, content) in table {
        let toml::Value::Table(keys) = content else {
            return Err(ConfigError(format!("« {section} » doit être une section [{section}]")));
        };
        for (key, value) in keys {
            let Some((_, _, kind)) = KEYS.iter().find(|(s, k, _)| *s == section && *k == key) else {
                return Err(ConfigError(format!("clé inconnue : {section}.{key}")));
            };
            let type_ok = match kind {
                Kind::Text => value.is_str(),
                Kind::Integer => value.is_integer(),
                Kind::Boolean => value.is_bool(),
            };
            if !type_ok {
                let expected = match kind {
                    Kind::Text => "une chaîne entre guillemets",
                    Kind::Integer => "un entier",
                    Kind::Boolean => "true ou false",
                };
                return Err(ConfigError(format!("{section}.{key} : {expected} est attendu")));
            }
            values.insert(format!("{section}.{key}"), value);
        }
    }
    Ok(values)
}

fn env_value(name: &str, value: &str, kind: Kind) -> Result<toml::Value, ConfigError> {
    match kind {
        Kind::Text => Ok(toml::Value::String(value.to_owned())),
        Kind::Integer => value
            .trim()
            .parse()
            .map(toml::Value::Integer)
            .map_err(|_| ConfigError(format!("{name} : « {value} » n'est pas un entier"))),
        Kind::Boolean => match value.trim() {
            "true" | "1" | "oui" => Ok(toml::Value::Boolean(true)),
            "false" | "0" | "non" => Ok(toml::Value::Boolean(false)),
            _ => Err(ConfigError(format!("{name} : « {value} » n'est pas true ou false"))),
        },
    }
}

#[cfg(test)]
mod tests;
