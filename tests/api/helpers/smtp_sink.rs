//! A real SMTP server for tests, over tokio TCP: it speaks just enough SMTP (EHLO/HELO, MAIL,
//! RCPT, DATA, RSET, NOOP, QUIT) to take e-mail from `lettre`, and keeps what it received.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// An e-mail the sink received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    /// The envelope's recipients.
    pub to: Vec<String>,
    /// The headers, as sent (folded lines joined).
    pub headers: String,
    /// The body, decoded from quoted-printable when so encoded.
    pub body: String,
}

impl Mail {
    /// A header's value (the first with that name).
    pub fn header(&self, name: &str) -> Option<String> {
        let prefix = format!("{}:", name.to_ascii_lowercase());
        self.headers
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with(&prefix))
            .map(|l| l[prefix.len()..].trim().to_owned())
    }
}

/// The running sink; it stops with the test's runtime.
#[derive(Debug, Clone)]
pub struct SmtpSink {
    /// `smtp://127.0.0.1:<port>`, for `SMTP_URL`.
    pub url: String,
    mails: Arc<Mutex<Vec<Mail>>>,
}

impl SmtpSink {
    /// Starts the sink on a port of its own.
    pub async fn spawn() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let url = format!("smtp://{}", listener.local_addr().unwrap());
        let mails = Arc::new(Mutex::new(Vec::new()));
        let received = mails.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let received = received.clone();
                tokio::spawn(async move {
                    if let Err(error) = session(stream, received).await {
                        eprintln!("SMTP sink session failed: {error}");
                    }
                });
            }
        });
        Self { url, mails }
    }

    /// The e-mails received, in order.
    pub fn mails(&self) -> Vec<Mail> {
        self.mails.lock().unwrap().clone()
    }

    /// Waits (at most 20 s) for an e-mail to `to`.
    pub async fn wait_for(&self, to: &str) -> Mail {
        for _ in 0..400 {
            if let Some(mail) = self
                .mails()
                .into_iter()
                .find(|m| m.to.iter().any(|t| t == to))
            {
                return mail;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no e-mail to {to}; received: {:#?}", self.mails());
    }
}

async fn session(stream: TcpStream, mails: Arc<Mutex<Vec<Mail>>>) -> std::io::Result<()> {
    let (reader, mut writer) = stream.into_split();
    let mut reader = BufReader::new(reader);
    writer.write_all(b"220 sink.test ESMTP\r\n").await?;
    let mut to = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_owned();
        let verb = command
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" => b"250-sink.test\r\n250 8BITMIME\r\n",
            "HELO" | "NOOP" => b"250 OK\r\n",
            "MAIL" => {
                to.clear();
                b"250 OK\r\n"
            }
            "RCPT" => {
                let address = command
                    .split_once('<')
                    .and_then(|(_, rest)| rest.split_once('>'))
                    .map(|(address, _)| address.to_owned())
                    .unwrap_or_default();
                to.push(address);
                b"250 OK\r\n"
            }
            "RSET" => {
                to.clear();
                b"250 OK\r\n"
            }
            "DATA" => {
                writer
                    .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
                let mut data = String::new();
                loop {
                    line.clear();
                    if reader.read_line(&mut line).await? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" || line == ".\n" {
                        break;
                    }
                    // Dot-stuffing: a leading dot was doubled by the client.
                    data.push_str(line.strip_prefix('.').unwrap_or(&line));
                }
                mails
                    .lock()
                    .unwrap()
                    .push(parse(std::mem::take(&mut to), &data));
                b"250 OK queued\r\n"
            }
            "QUIT" => {
                writer.write_all(b"221 Bye\r\n").await?;
                return Ok(());
            }
            _ => b"502 Command not implemented\r\n",
        };
        writer.write_all(reply).await?;
    }
}

fn parse(to: Vec<String>, data: &str) -> Mail {
    let data = data.replace("\r\n", "\n");
    let (head, body) = data.split_once("\n\n").unwrap_or((&data, ""));
    let headers = head.replace("\n ", " ").replace("\n\t", " ");
    let quoted_printable = headers
        .to_ascii_lowercase()
        .contains("content-transfer-encoding: quoted-printable");
    let body = if quoted_printable {
        decode_quoted_printable(body)
    } else {
        body.to_owned()
    };
    Mail { to, headers, body }
}

fn decode_quoted_printable(text: &str) -> String {
    let joined = text.replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' {
            if let Some(byte) = joined
                .get(i + 1..i + 3)
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
            {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
