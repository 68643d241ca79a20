//! A small SMTP server on loopback for the tests: it speaks enough of RFC 5321 (EHLO, MAIL,
//! RCPT, DATA, RSET, NOOP, QUIT) for a real client to deliver to it, and keeps what it got.
//! Mocking the transport would not prove that a mail really leaves the program.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// One message as the server received it.
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    pub from: String,
    pub to: Vec<String>,
    /// The DATA section (headers and body, dot-unstuffed).
    pub data: String,
}

/// A running server; it stops with the test process.
#[derive(Debug, Clone)]
pub struct SmtpSink {
    pub port: u16,
    received: Arc<Mutex<Vec<ReceivedMail>>>,
}

impl SmtpSink {
    pub fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port for the SMTP sink");
        let port = listener.local_addr().expect("local address").port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let store = received.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().map_while(Result::ok) {
                let store = store.clone();
                std::thread::spawn(move || {
                    let _ = serve(stream, &store);
                });
            }
        });
        SmtpSink { port, received }
    }

    pub fn received(&self) -> Vec<ReceivedMail> {
        self.received.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

fn serve(stream: TcpStream, store: &Mutex<Vec<ReceivedMail>>) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut out = stream;
    out.write_all(b"220 calcium-test ESMTP\r\n")?;
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_owned();
        let verb = command.split(' ').next().unwrap_or("").to_ascii_uppercase();
        match verb.as_str() {
            "EHLO" | "HELO" => out.write_all(b"250-calcium-test\r\n250 8BITMIME\r\n")?,
            "MAIL" => {
                from = address_of(&command);
                to.clear();
                out.write_all(b"250 OK\r\n")?;
            }
            "RCPT" => {
                to.push(address_of(&command));
                out.write_all(b"250 OK\r\n")?;
            }
            "DATA" => {
                out.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")?;
                let mut data = String::new();
                loop {
                    line.clear();
                    if reader.read_line(&mut line)? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" || line == ".\n" {
                        break;
                    }
                    data.push_str(line.strip_prefix('.').unwrap_or(&line));
                }
                store.lock().unwrap_or_else(|p| p.into_inner()).push(ReceivedMail {
                    from: from.clone(),
                    to: to.clone(),
                    data,
                });
                out.write_all(b"250 OK queued\r\n")?;
            }
            "RSET" | "NOOP" => out.write_all(b"250 OK\r\n")?,
            "QUIT" => {
                out.write_all(b"221 Bye\r\n")?;
                return Ok(());
            }
            _ => out.write_all(b"502 Command not implemented\r\n")?,
        }
    }
}

fn address_of(command: &str) -> String {
    match (command.find('<'), command.find('>')) {
        (Some(start), Some(end)) if start < end => command[start + 1..end].to_owned(),
        _ => String::new(),
    }
}
