//! Authentication messages (codes, invitation and reset links) written to the outbox in the same
//! transaction as what caused them, so a message exists exactly when its cause was committed.
//! The log shows the recipient and the text with codes, links and tokens blanked out.

use bedrift_projections::outbox::{enqueue, Channel, NewMessage};
use sqlx::PgConnection;

use super::AuthError;

/// Writes a message (an e-mail with its `subject`) to the outbox on `connection`, which should
/// be the transaction of its cause, and returns its id.
#[tracing::instrument(skip_all, fields(channel = %channel, recipient = %super::Masked(recipient)))]
pub async fn enqueue_message(
    connection: &mut PgConnection,
    channel: Channel,
    recipient: &str,
    subject: Option<&str>,
    body: &str,
) -> Result<i64, AuthError> {
    let message = NewMessage {
        channel,
        recipient,
        subject,
        body,
        cause: None,
    };
    let id = enqueue(connection, message)
        .await?
        .ok_or_else(|| AuthError::from(sqlx::Error::RowNotFound))?;
    // The text may hold names: only its length is logged.
    tracing::info!(id, chars = body.chars().count(), "message queued");
    Ok(id)
}

/// `body` with links, runs of 4 or more digits and long letter-digit strings (tokens) blanked
/// out, for logs.
pub fn redact(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut word = String::new();
    for c in body.chars() {
        if c.is_whitespace() {
            out.push_str(&redact_word(&word));
            out.push(c);
            word.clear();
        } else {
            word.push(c);
        }
    }
    out.push_str(&redact_word(&word));
    out
}

fn redact_word(word: &str) -> String {
    if word.contains("://") || word.starts_with("www.") {
        return "[lenke]".to_owned();
    }
    let alphanumeric = word.chars().filter(|c| c.is_ascii_alphanumeric()).count();
    if alphanumeric >= 20 && word.chars().any(|c| c.is_ascii_digit()) {
        return "[skjult]".to_owned();
    }
    let mut out = String::with_capacity(word.len());
    let mut digits = String::new();
    for c in word.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        if digits.len() >= 4 {
            out.extend(std::iter::repeat_n('*', digits.len()));
        } else {
            out.push_str(&digits);
        }
        digits.clear();
        out.push(c);
    }
    out.pop();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_links_and_tokens_are_blanked_out() {
        assert_eq!(
            redact("Din engangskode er 123456. Den er gyldig i 10 minutter."),
            "Din engangskode er ******. Den er gyldig i 10 minutter."
        );
        assert_eq!(
            redact("Åpne https://x.no/invitasjon?token=abc123 nå"),
            "Åpne [lenke] nå"
        );
        let token = "0123456789abcdef0123456789abcdef";
        assert_eq!(redact(&format!("kode: {token}")), "kode: [skjult]");
    }
}
