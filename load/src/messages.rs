//! The messages the service wrote for people (invitations, SMS codes), read from its `outbox`.

use sqlx::PgPool;

use crate::LoadError;

/// The newest message to `recipient` (an e-mail address or an E.164 phone number).
pub async fn last_message(pool: &PgPool, recipient: &str) -> Result<String, LoadError> {
    let body: Option<String> =
        sqlx::query_scalar("SELECT body FROM outbox WHERE recipient = $1 ORDER BY id DESC LIMIT 1")
            .bind(recipient)
            .fetch_optional(pool)
            .await?;
    body.ok_or_else(|| LoadError::Unexpected(format!("no message to {recipient} in the outbox")))
}

/// Of `recipients`, those that have no message at all.
pub async fn without_message(
    pool: &PgPool,
    recipients: &[String],
) -> Result<Vec<String>, LoadError> {
    Ok(sqlx::query_scalar(
        "SELECT r FROM unnest($1::text[]) AS r
         WHERE NOT EXISTS (SELECT 1 FROM outbox m WHERE m.recipient = r) ORDER BY r",
    )
    .bind(recipients)
    .fetch_all(pool)
    .await?)
}

/// The token of a message's link (`...token=XYZ`).
pub fn link_token(body: &str) -> Option<String> {
    let start = body.find("token=")? + "token=".len();
    let token: String = body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    (!token.is_empty()).then_some(token)
}

/// The 6-digit code of an SMS.
pub fn code(body: &str) -> Option<String> {
    body.split_whitespace()
        .map(|w| w.trim_end_matches(['.', ',']))
        .find(|w| w.len() == 6 && w.chars().all(|c| c.is_ascii_digit()))
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_and_the_link_token_are_found_in_the_texts() {
        let sms = bedrift_api::auth::code_sms("042917");
        assert_eq!(code(&sms).as_deref(), Some("042917"));
        let mail = bedrift_api::auth::invitation_email(
            "Kari",
            "Firma AS",
            "http://localhost:8080/invitation?token=Ab-c_9",
        );
        assert_eq!(link_token(&mail.body).as_deref(), Some("Ab-c_9"));
        assert_eq!(link_token("no link"), None);
    }
}
