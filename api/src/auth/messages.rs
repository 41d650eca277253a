//! The authentication messages, with the validity of their code or link filled in. The texts
//! themselves are in [`bedrift_domain::messages`], with every other message's.

use bedrift_domain::messages::{self, EmailText};
use bedrift_domain::values::Language;

use super::sms_login::CODE_VALIDITY;
use super::tokens::TokenKind;

/// The SMS with a login code.
pub fn code_sms(code: &str) -> String {
    messages::code_sms(code, CODE_VALIDITY.num_minutes())
}

/// The SMS with a login code, in the order page's language.
pub fn code_sms_in(language: Language, code: &str) -> String {
    messages::code_sms_in(language, code, CODE_VALIDITY.num_minutes())
}

/// The e-mail inviting a company's contact person; `link` carries the invitation token.
pub fn invitation_email(name: &str, company_name: &str, link: &str) -> EmailText {
    messages::invitation_email(
        name,
        company_name,
        link,
        TokenKind::Invitation.validity().num_days(),
    )
}

/// The e-mail with a password reset link; `link` carries the reset token.
pub fn password_reset_email(link: &str) -> EmailText {
    messages::password_reset_email(link, TokenKind::PasswordReset.validity().num_hours())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_sms_says_how_long_the_code_is_valid() {
        assert_eq!(
            code_sms("123456"),
            "Din engangskode for Bedriftsbillett er 123456. Den er gyldig i 10 minutter."
        );
    }

    #[test]
    fn the_links_say_how_long_their_tokens_are_valid() {
        let invitation = invitation_email("Kari", "Firma AS", "https://x.no/i/abc");
        assert!(invitation.body.contains("gyldig i 7 dager"));
        let reset = password_reset_email("https://x.no/r/abc");
        assert!(reset.body.contains("gyldig i 1 time."));
    }
}
