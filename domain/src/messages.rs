//! The texts of every message the service sends (SPEC.md "Notifications"), in Norwegian
//! (bokmål) and, for the messages to employees, in English when they ordered in English, in
//! one place: the SMS with a login code, the approval SMS with the app link, the
//! rejection SMS with the reason, and the e-mails inviting an administrator, telling an
//! existing one they were added, and resetting a password. Pure functions of their inputs, so
//! the API (auth messages) and the projector (event-driven messages) write the same texts.

use chrono::NaiveDate;

use crate::values::{Language, Money};

/// An e-mail's subject and plain-text body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailText {
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub body: String,
}

/// The SMS with a login code, valid for `valid_minutes`, in bokmål.
pub fn code_sms(code: &str, valid_minutes: i64) -> String {
    code_sms_in(Language::Bokmal, code, valid_minutes)
}

/// The SMS with a login code, valid for `valid_minutes`, in `language` (the order page's).
pub fn code_sms_in(language: Language, code: &str, valid_minutes: i64) -> String {
    match language {
        Language::Bokmal => format!(
            "Din engangskode for Bedriftsbillett er {code}. Den er gyldig i {valid_minutes} minutter."
        ),
        Language::English => format!(
            "Your one-time code for Bedriftsbillett is {code}. It is valid for {valid_minutes} minutes."
        ),
    }
}

/// The SMS telling an employee their monthly ticket is approved, in the language they ordered
/// in; `link` opens the ticket (its page, or the operator's app), and the ticket is valid from
/// `valid_from`.
pub fn approval_sms(
    language: Language,
    first_name: &str,
    valid_from: NaiveDate,
    link: &str,
) -> String {
    match language {
        Language::Bokmal => format!(
            "Hei {first_name}! Månedsbilletten din fra arbeidsgiveren er godkjent og gjelder fra {}. \
             Åpne billetten: {link}",
            valid_from.format("%d.%m.%Y")
        ),
        Language::English => format!(
            "Hi {first_name}! Your monthly ticket from your employer is approved and valid from {}. \
             Open the ticket: {link}",
            valid_from.format("%d.%m.%Y")
        ),
    }
}

/// The SMS with a ticket's link sent again by an administrator, in the language the employee
/// ordered in; the earlier link stops working.
pub fn ticket_link_sms(language: Language, first_name: &str, link: &str) -> String {
    match language {
        Language::Bokmal => format!(
            "Hei {first_name}! Her er en ny lenke til månedsbilletten din (den forrige virker \
             ikke lenger): {link}"
        ),
        Language::English => format!(
            "Hi {first_name}! Here is a new link to your monthly ticket (the previous one no \
             longer works): {link}"
        ),
    }
}

/// The SMS telling an employee their order was rejected, and why, in the language they
/// ordered in (the reason is as the administrator wrote it).
pub fn rejection_sms(language: Language, first_name: &str, reason: &str) -> String {
    match language {
        Language::Bokmal => format!(
            "Hei {first_name}. Bestillingen av månedsbillett gjennom arbeidsgiveren ble avvist. \
             Begrunnelse: {reason}"
        ),
        Language::English => format!(
            "Hi {first_name}. Your order of a monthly ticket through your employer was rejected. \
             Reason: {reason}"
        ),
    }
}

/// The e-mail inviting a company's contact person; `link` carries the invitation token and
/// works for `valid_days`.
pub fn invitation_email(name: &str, company_name: &str, link: &str, valid_days: i64) -> EmailText {
    EmailText {
        subject: format!("Invitasjon til Bedriftsportalen for {company_name}"),
        body: format!(
            "Hei {name},\n\
             \n\
             Du er lagt til som administrator for {company_name} i Bedriftsbillett, der dere \
             bestiller og administrerer månedsbilletter for ansatte.\n\
             \n\
             Velg passord og logg inn her:\n\
             {link}\n\
             \n\
             Lenken kan brukes én gang og er gyldig i {valid_days} dager. Hvis du ikke ventet \
             denne invitasjonen, kan du se bort fra e-posten.\n\
             \n\
             Hilsen Bedriftsbillett\n"
        ),
    }
}

/// The e-mail telling an administrator who already has a password that they were added to
/// another company; `link` is the login page.
pub fn administrator_added_email(name: &str, company_name: &str, link: &str) -> EmailText {
    EmailText {
        subject: format!("Du er nå administrator for {company_name}"),
        body: format!(
            "Hei {name},\n\
             \n\
             Du er lagt til som administrator for {company_name} i Bedriftsbillett. Logg inn \
             med e-postadressen og passordet du allerede har:\n\
             {link}\n\
             \n\
             Hilsen Bedriftsbillett\n"
        ),
    }
}

/// The e-mail with a password reset link; `link` carries the reset token and works for
/// `valid_hours`.
pub fn password_reset_email(link: &str, valid_hours: i64) -> EmailText {
    EmailText {
        subject: "Nytt passord til Bedriftsbillett".to_owned(),
        body: format!(
            "Hei,\n\
             \n\
             Vi har fått en forespørsel om å tilbakestille passordet ditt. Velg et nytt passord \
             her:\n\
             {link}\n\
             \n\
             Lenken kan brukes én gang og er gyldig i {valid_hours} time{}. Når du har valgt \
             nytt passord, blir du logget ut overalt. Hvis du ikke ba om dette, kan du se bort \
             fra e-posten; passordet ditt er uendret.\n\
             \n\
             Hilsen Bedriftsbillett\n",
            if valid_hours == 1 { "" } else { "r" }
        ),
    }
}

/// The link that opens a subscription's ticket in the operator's app: `template`
/// (`APP_LINK_TEMPLATE`) with `{subscription}` replaced by the subscription's id and `{token}`
/// by its ticket link's token.
pub fn app_link(template: &str, subscription: &str, token: &str) -> String {
    template
        .replace("{subscription}", subscription)
        .replace("{token}", token)
}

/// A date as messages write it: `01.12.2026`.
fn day(date: NaiveDate) -> String {
    date.format("%d.%m.%Y").to_string()
}

/// Kroner as messages write them: `1 099,00 kr` (non-breaking space between thousands).
pub fn kroner_text(amount: Money) -> String {
    let ore = amount.ore();
    let digits: Vec<char> = (ore / 100).to_string().chars().collect();
    let groups: Vec<String> = digits
        .rchunks(3)
        .rev()
        .map(|g| g.iter().collect())
        .collect();
    let grouped = groups.join("\u{a0}");
    format!("{grouped},{:02}\u{a0}kr", ore % 100)
}

/// The SMS telling an employee that their employer cancelled their ticket; it is valid
/// through `end_date`.
pub fn cancelled_by_employer_sms(
    language: Language,
    first_name: &str,
    end_date: NaiveDate,
) -> String {
    match language {
        Language::Bokmal => format!(
            "Hei {first_name}. Arbeidsgiveren din har sagt opp månedsbilletten din. Den gjelder \
             til og med {}.",
            day(end_date)
        ),
        Language::English => format!(
            "Hi {first_name}. Your employer has cancelled your monthly ticket. It is valid \
             through {}.",
            day(end_date)
        ),
    }
}

/// The SMS telling an employee that their employer changed their ticket's zones to `zones`
/// from `from`, with the new monthly payroll deduction when it changes.
pub fn zones_changed_by_employer_sms(
    language: Language,
    first_name: &str,
    zones: &str,
    from: NaiveDate,
    new_deduction: Option<Money>,
) -> String {
    let mut text = match language {
        Language::Bokmal => format!(
            "Hei {first_name}. Arbeidsgiveren din har endret månedsbilletten din til {zones} \
             fra {}.",
            day(from)
        ),
        Language::English => format!(
            "Hi {first_name}. Your employer has changed your monthly ticket to {zones} from {}.",
            day(from)
        ),
    };
    if let Some(deduction) = new_deduction {
        text.push_str(&new_deduction_sentence(language, deduction));
    }
    text
}

/// The sentence that closes an SMS about new zones when the monthly deduction changes.
fn new_deduction_sentence(language: Language, deduction: Money) -> String {
    match language {
        Language::Bokmal => format!(" Nytt trekk i lønn per måned: {}.", kroner_text(deduction)),
        Language::English => format!(
            " Your new monthly payroll deduction: {}.",
            kroner_text(deduction)
        ),
    }
}

/// The SMS telling an employee that the administrator approved the zones they asked for
/// (R8): the new zones from `from`, and the new monthly deduction when it changes.
pub fn zone_change_approved_sms(
    language: Language,
    first_name: &str,
    zones: &str,
    from: NaiveDate,
    new_deduction: Option<Money>,
) -> String {
    let mut text = match language {
        Language::Bokmal => format!(
            "Hei {first_name}. Arbeidsgiveren din har godkjent ønsket ditt: månedsbilletten din \
             gjelder {zones} fra {}.",
            day(from)
        ),
        Language::English => format!(
            "Hi {first_name}. Your employer has approved your request: your monthly ticket is \
             valid for {zones} from {}.",
            day(from)
        ),
    };
    if let Some(deduction) = new_deduction {
        text.push_str(&new_deduction_sentence(language, deduction));
    }
    text
}

/// The SMS telling an employee that the administrator rejected the zones they asked for
/// (R8), with the administrator's reason; the ticket stays as it was.
pub fn zone_change_rejected_sms(language: Language, first_name: &str, reason: &str) -> String {
    match language {
        Language::Bokmal => format!(
            "Hei {first_name}. Arbeidsgiveren din har avslått ønsket ditt om nye soner: {reason}. \
             Månedsbilletten din gjelder som før."
        ),
        Language::English => format!(
            "Hi {first_name}. Your employer has declined your request for new zones: {reason}. \
             Your monthly ticket stays as it was."
        ),
    }
}

/// The e-mail telling a company's administrator that an order waits for their approval;
/// `link` is the portal's approval queue.
pub fn order_waiting_email(
    name: &str,
    company_name: &str,
    employee: &str,
    start_date: NaiveDate,
    link: &str,
) -> EmailText {
    EmailText {
        subject: format!("Ny bestilling venter på godkjenning – {company_name}"),
        body: format!(
            "Hei {name},\n\
             \n\
             {employee} har bestilt månedsbillett gjennom {company_name} fra {}. Bestillingen \
             venter på godkjenning.\n\
             \n\
             Godkjenn eller avvis den i Bedriftsportalen:\n\
             {link}\n\
             \n\
             Hilsen Bedriftsbillett\n",
            day(start_date)
        ),
    }
}

/// The morning e-mail to an administrator who chose the daily digest: the orders waiting for
/// approval (each as the employee's name and start date, oldest first; `orders` may be empty
/// when only zone change requests wait) and how many zone change requests wait.
pub fn order_digest_email(
    name: &str,
    company_name: &str,
    orders: &[(String, NaiveDate)],
    zone_requests: usize,
    link: &str,
) -> EmailText {
    let mut waiting = Vec::new();
    match orders.len() {
        0 => {}
        1 => waiting.push("1 bestilling".to_owned()),
        n => waiting.push(format!("{n} bestillinger")),
    }
    match zone_requests {
        0 => {}
        1 => waiting.push("1 ønske om nye soner".to_owned()),
        n => waiting.push(format!("{n} ønsker om nye soner")),
    }
    let waiting = waiting.join(" og ");
    let mut lines = String::new();
    for (employee, start) in orders {
        lines.push_str(&format!("- {employee}, fra {}\n", day(*start)));
    }
    if !lines.is_empty() {
        lines.push('\n');
    }
    EmailText {
        subject: format!("{waiting} venter på godkjenning – {company_name}"),
        body: format!(
            "Hei {name},\n\
             \n\
             I {company_name} venter {waiting} på godkjenning:\n\
             \n\
             {lines}\
             Godkjenn eller avvis i Bedriftsportalen:\n\
             {link}\n\
             \n\
             Du får denne oppsummeringen hver morgen når noe venter. Vil du heller ha en e-post \
             for hver bestilling, velger du det under Innstillinger i portalen.\n\
             \n\
             Hilsen Bedriftsbillett\n"
        ),
    }
}

/// The e-mail telling a company's administrator about a new tariff version from
/// `valid_from`: each line is one price as `(zone class, category, old price, new price)`.
pub fn new_tariff_email(
    name: &str,
    company_name: &str,
    valid_from: NaiveDate,
    prices: &[(String, String, Option<Money>, Money)],
) -> EmailText {
    let mut lines = String::new();
    for (class, category, old, new) in prices {
        let old = old.map_or_else(|| "ny".to_owned(), kroner_text);
        lines.push_str(&format!(
            "- {class}, {category}: {old} -> {}\n",
            kroner_text(*new)
        ));
    }
    EmailText {
        subject: format!("Nye priser på månedsbilletter fra {}", day(valid_from)),
        body: format!(
            "Hei {name},\n\
             \n\
             Operatøren har publisert nye priser på månedsbilletter. De gjelder fra {} for \
             alle billetter {company_name} betaler, også de som allerede er i bruk, og \
             lønnstrekket endres fra samme måned.\n\
             \n\
             Priser per måned (før arbeidsgiverandel):\n\
             {lines}\
             \n\
             Hilsen Bedriftsbillett\n",
            day(valid_from)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_sms_reads_as_specified() {
        assert_eq!(
            code_sms("123456", 10),
            "Din engangskode for Bedriftsbillett er 123456. Den er gyldig i 10 minutter."
        );
    }

    #[test]
    fn the_approval_sms_carries_the_start_date_and_the_app_link() {
        let link = app_link(
            "https://billett.example/app?abonnement={subscription}&t={token}",
            "abc",
            "f00",
        );
        let sms = approval_sms(
            Language::Bokmal,
            "Anne",
            NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
            &link,
        );
        assert_eq!(
            sms,
            "Hei Anne! Månedsbilletten din fra arbeidsgiveren er godkjent og gjelder fra \
             01.01.2027. Åpne billetten: https://billett.example/app?abonnement=abc&t=f00"
        );
    }

    #[test]
    fn messages_to_an_employee_who_ordered_in_english_are_in_english() {
        let sms = approval_sms(
            Language::English,
            "Amir",
            NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
            "https://app.example/t/1",
        );
        assert!(sms.starts_with("Hi Amir! Your monthly ticket"), "{sms}");
        let sms = rejection_sms(Language::English, "Amir", "Ikke ansatt her");
        assert!(sms.ends_with("Reason: Ikke ansatt her"), "{sms}");
        let sms = code_sms_in(Language::English, "123456", 10);
        assert!(sms.contains("one-time code"), "{sms}");
    }

    #[test]
    fn the_rejection_sms_carries_the_reason() {
        assert_eq!(
            rejection_sms(Language::Bokmal, "Bjørn", "Ikke ansatt her"),
            "Hei Bjørn. Bestillingen av månedsbillett gjennom arbeidsgiveren ble avvist. \
             Begrunnelse: Ikke ansatt her"
        );
    }

    #[test]
    fn e_mails_carry_their_link_validity_and_a_subject() {
        let invitation = invitation_email("Kari", "Firma AS", "https://x.no/i/abc", 7);
        assert_eq!(
            invitation.subject,
            "Invitasjon til Bedriftsportalen for Firma AS"
        );
        assert!(invitation.body.contains("https://x.no/i/abc"));
        assert!(invitation.body.contains("gyldig i 7 dager"));
        let reset = password_reset_email("https://x.no/r/abc", 1);
        assert!(reset.body.contains("https://x.no/r/abc"));
        assert!(reset.body.contains("gyldig i 1 time."));
        let added = administrator_added_email("Kari", "Firma AS", "https://x.no/logg-inn");
        assert_eq!(added.subject, "Du er nå administrator for Firma AS");
    }
}
