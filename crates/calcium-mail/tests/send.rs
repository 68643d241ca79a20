//! A mail really sent to an SMTP server on loopback.

use std::time::Duration;

use calcium_mail::{Mail, MailAttachment, MailError, MailSettings, Security, send};
use calcium_test_support::SmtpSink;

fn settings(port: u16) -> MailSettings {
    MailSettings {
        host: "127.0.0.1".to_owned(),
        port,
        from: "calcium@univ-exemple.fr".to_owned(),
        username: None,
        password: Some("secret-smtp".to_owned()),
        security: Security::None,
        timeout: Duration::from_secs(5),
    }
}

#[tokio::test]
async fn a_mail_with_an_attachment_reaches_the_server() {
    let sink = SmtpSink::start();
    let mail = Mail {
        to: "marie.dupont@univ-exemple.fr".to_owned(),
        subject: "Rapport d'import : 3 créés, 1 rejeté".to_owned(),
        body: "Bonjour,\n\nL'import est terminé.\n".to_owned(),
        attachments: vec![MailAttachment {
            file_name: "erreurLogs_20261128_100000_1.txt".to_owned(),
            content_type: "text/plain; charset=utf-8",
            bytes: "Valeur invalide pour SEXE à la ligne 3 : X\n".as_bytes().to_vec(),
        }],
    };
    send(&settings(sink.port), &mail).await.unwrap();
    let received = sink.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].from, "calcium@univ-exemple.fr");
    assert_eq!(received[0].to, ["marie.dupont@univ-exemple.fr"]);
    assert!(received[0].data.contains("erreurLogs_20261128_100000_1.txt"));
    assert!(received[0].data.contains("Message-ID"));
    assert!(!format!("{:?}", settings(1)).contains("secret-smtp"));
}

#[tokio::test]
async fn an_unreachable_relay_is_an_error_not_a_panic() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mail = Mail { to: "a@b.fr".to_owned(), subject: "s".to_owned(), body: "b".to_owned(), attachments: vec![] };
    assert!(matches!(send(&settings(port), &mail).await, Err(MailError::Send { .. })));
    let bad = Mail { to: "pas une adresse".to_owned(), ..mail };
    assert!(matches!(send(&settings(port), &bad).await, Err(MailError::Address { .. })));
}
