//! Sending mail through the configured SMTP relay (`smtp.*`, SPEC §5): the import reports
//! today, the relance letters later.
//!
//! A thin layer over lettre: it builds a message with attachments and sends it. It knows
//! nothing of imports or relances (the callers write the text) and never retries on its own:
//! callers decide what a failed mail means (for an import, a line in its log, never a failure).

use std::fmt;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// How the relay is reached.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Security {
    /// Plain SMTP, for a relay on the local network.
    None,
    /// STARTTLS (port 587).
    StartTls,
    /// Implicit TLS (port 465).
    Tls,
}

/// The SMTP relay. `Debug` never shows the password.
#[derive(Clone)]
pub struct MailSettings {
    pub host: String,
    pub port: u16,
    pub from: String,
    pub username: Option<String>,
    pub password: Option<String>,
    pub security: Security,
    pub timeout: Duration,
}

impl fmt::Debug for MailSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MailSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("from", &self.from)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "«masqué»"))
            .field("security", &self.security)
            .finish()
    }
}

/// A file to attach.
#[derive(Debug, Clone)]
pub struct MailAttachment {
    pub file_name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// A mail to send: plain text, French, with attachments.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
    pub attachments: Vec<MailAttachment>,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("adresse invalide « {address} » : {reason}")]
    Address { address: String, reason: String },
    #[error("message impossible à construire : {0}")]
    Build(String),
    #[error("envoi refusé ou impossible par {host}:{port} : {reason}")]
    Send { host: String, port: u16, reason: String },
}

/// Sends `mail` through the relay.
pub async fn send(settings: &MailSettings, mail: &Mail) -> Result<(), MailError> {
    let message = build(settings, mail)?;
    let send_error = |reason: String| MailError::Send { host: settings.host.clone(), port: settings.port, reason };
    let tls = match settings.security {
        Security::None => Tls::None,
        Security::StartTls | Security::Tls => {
            let parameters = TlsParameters::new(settings.host.clone()).map_err(|e| send_error(e.to_string()))?;
            if settings.security == Security::Tls { Tls::Wrapper(parameters) } else { Tls::Required(parameters) }
        }
    };
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(settings.host.as_str())
        .port(settings.port)
        .tls(tls)
        .timeout(Some(settings.timeout));
    if let (Some(user), Some(password)) = (&settings.username, &settings.password) {
        builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
    }
    builder.build().send(message).await.map(drop).map_err(|e| send_error(e.to_string()))
}

fn mailbox(address: &str) -> Result<Mailbox, MailError> {
    address.parse().map_err(|e: lettre::address::AddressError| MailError::Address {
        address: address.to_owned(),
        reason: e.to_string(),
    })
}

fn build(settings: &MailSettings, mail: &Mail) -> Result<Message, MailError> {
    let mut parts = MultiPart::mixed().singlepart(SinglePart::plain(mail.body.clone()));
    for attachment in &mail.attachments {
        let content_type = ContentType::parse(attachment.content_type)
            .map_err(|e| MailError::Build(format!("type {} : {e}", attachment.content_type)))?;
        parts = parts
            .singlepart(Attachment::new(attachment.file_name.clone()).body(attachment.bytes.clone(), content_type));
    }
    Message::builder()
        .from(mailbox(&settings.from)?)
        .to(mailbox(&mail.to)?)
        .subject(mail.subject.clone())
        // lettre adds no Message-ID unless asked; relays and clients expect one.
        .message_id(None)
        .multipart(parts)
        .map_err(|e| MailError::Build(e.to_string()))
}
