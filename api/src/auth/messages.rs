//! The texts of the authentication messages, in Norwegian (bokmål). An e-mail's first line is
//! its subject (`Emne: ...`), since the outbox stores one body.

use super::sms_login::CODE_VALIDITY;

/// The SMS with a login code.
pub fn code_sms(code: &str) -> String {
    format!(
        "Din engangskode for Bedriftsbillett er {code}. Den er gyldig i {} minutter.",
        CODE_VALIDITY.num_minutes()
    )
}

/// The e-mail inviting a company's contact person; `link` carries the invitation token.
pub fn invitation_email(name: &str, company_name: &str, link: &str) -> String {
    format!(
        "Emne: Invitasjon til bedriftsportalen for {company_name}\n\
         \n\
         Hei {name},\n\
         \n\
         Du er lagt til som administrator for {company_name} i Bedriftsbillett, der dere \
         bestiller og administrerer månedsbilletter for ansatte.\n\
         \n\
         Velg passord og logg inn her:\n\
         {link}\n\
         \n\
         Lenken kan brukes én gang og er gyldig i 7 dager. Hvis du ikke ventet denne \
         invitasjonen, kan du se bort fra e-posten.\n\
         \n\
         Hilsen Bedriftsbillett\n"
    )
}

/// The e-mail with a password reset link; `link` carries the reset token.
pub fn password_reset_email(link: &str) -> String {
    format!(
        "Emne: Nytt passord til Bedriftsbillett\n\
         \n\
         Hei,\n\
         \n\
         Vi har fått en forespørsel om å tilbakestille passordet ditt. Velg et nytt passord \
         her:\n\
         {link}\n\
         \n\
         Lenken kan brukes én gang og er gyldig i 1 time. Når du har valgt nytt passord, blir \
         du logget ut overalt. Hvis du ikke ba om dette, kan du se bort fra e-posten; \
         passordet ditt er uendret.\n\
         \n\
         Hilsen Bedriftsbillett\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_sms_reads_as_specified() {
        assert_eq!(
            code_sms("123456"),
            "Din engangskode for Bedriftsbillett er 123456. Den er gyldig i 10 minutter."
        );
    }

    #[test]
    fn e_mails_carry_their_link_and_a_subject() {
        let invitation = invitation_email("Kari", "Firma AS", "https://x.no/i/abc");
        assert!(invitation.starts_with("Emne: "));
        assert!(invitation.contains("https://x.no/i/abc"));
        assert!(password_reset_email("https://x.no/r/abc").contains("https://x.no/r/abc"));
    }
}
