//! Every text of the ticket page, in one place per language: bokmål (the default) and English.

use bedrift_domain::values::TravellerCategory;

/// The cookie that remembers the language chosen on a ticket page (`en` or `nb`).
pub const COOKIE: &str = "billett_sprak";

/// The page's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    /// Norsk bokmål, the default.
    Bokmal,
    /// English.
    English,
}

impl Language {
    /// `?lang=en` or `?lang=nb` when given; else the choice remembered in the
    /// [`COOKIE`] cookie (`cookies` is the `Cookie` header); else English only when the browser
    /// prefers it (the first tag of `Accept-Language` is English); else bokmål.
    pub fn choose(
        query: Option<&str>,
        cookies: Option<&str>,
        accept_language: Option<&str>,
    ) -> Self {
        Self::asked(query)
            .or_else(|| Self::remembered(cookies))
            .unwrap_or_else(|| {
                let first = accept_language
                    .and_then(|header| header.split(',').next())
                    .map(|tag| tag.trim().to_ascii_lowercase());
                match first {
                    Some(tag) if tag.starts_with("en") => Self::English,
                    _ => Self::Bokmal,
                }
            })
    }

    /// The language `?lang=` names, if any: the person chose it on the page.
    pub fn asked(query: Option<&str>) -> Option<Self> {
        query
            .into_iter()
            .flat_map(|q| q.split('&'))
            .find_map(|pair| Self::from_tag(pair.strip_prefix("lang=")?))
    }

    /// The language kept in the [`COOKIE`] cookie, if any.
    fn remembered(cookies: Option<&str>) -> Option<Self> {
        cookies
            .into_iter()
            .flat_map(|header| header.split(';'))
            .find_map(|pair| Self::from_tag(pair.trim().strip_prefix(COOKIE)?.strip_prefix('=')?))
    }

    fn from_tag(tag: &str) -> Option<Self> {
        match tag {
            "en" => Some(Self::English),
            "nb" | "no" => Some(Self::Bokmal),
            _ => None,
        }
    }

    /// The `Set-Cookie` value that remembers this language on the ticket pages for a year.
    pub fn cookie(self) -> String {
        format!(
            "{COOKIE}={}; Path=/billett; Max-Age=31536000; SameSite=Lax; HttpOnly",
            self.tag()
        )
    }

    /// The `lang` attribute of the page.
    pub fn tag(self) -> &'static str {
        match self {
            Self::Bokmal => "nb",
            Self::English => "en",
        }
    }

    /// The texts.
    pub fn texts(self) -> &'static Texts {
        match self {
            Self::Bokmal => &BOKMAL,
            Self::English => &ENGLISH,
        }
    }
}

/// The texts of the ticket page in one language; each field is the label or sentence it names.
#[allow(missing_docs)]
#[derive(Debug)]
pub struct Texts {
    pub title: &'static str,
    pub holder: &'static str,
    pub category: &'static str,
    pub zones: &'static str,
    pub whole_region: &'static str,
    /// Before the date from which newly chosen zones apply.
    pub zones_from: &'static str,
    pub valid_from: &'static str,
    pub valid_through: &'static str,
    pub until_cancelled: &'static str,
    pub status: &'static str,
    pub company: &'static str,
    pub upcoming: &'static str,
    pub active: &'static str,
    pub ending: &'static str,
    pub ended: &'static str,
    pub cancelled_before_start: &'static str,
    pub not_valid: &'static str,
    pub open_in_app: &'static str,
    pub scan: &'static str,
    pub other_language: &'static str,
    pub other_language_query: &'static str,
    pub gone_title: &'static str,
    pub gone_body: &'static str,
    pub failed_title: &'static str,
    pub failed_body: &'static str,
    categories: [&'static str; 5],
}

impl Texts {
    /// A traveller category's name.
    pub fn category_name(&self, category: TravellerCategory) -> &'static str {
        let index = TravellerCategory::ALL
            .iter()
            .position(|c| *c == category)
            .unwrap_or_default();
        self.categories[index]
    }
}

static BOKMAL: Texts = Texts {
    title: "Månedsbillett",
    holder: "Navn",
    category: "Reisende",
    zones: "Soner",
    whole_region: "Hele regionen",
    zones_from: "fra",
    valid_from: "Gyldig fra",
    valid_through: "Gyldig til og med",
    until_cancelled: "Løpende, til den sies opp",
    status: "Status",
    company: "Betalt av",
    upcoming: "Godkjent, ikke startet",
    active: "Aktiv",
    ending: "Sagt opp, siste dag",
    ended: "Avsluttet",
    cancelled_before_start: "Sagt opp før start",
    not_valid: "Ikke gyldig",
    open_in_app: "Åpne i appen",
    scan: "Kontrollør: skann koden for å sjekke signaturen.",
    other_language: "English",
    other_language_query: "?lang=en",
    gone_title: "Lenken virker ikke",
    gone_body: "Denne billettlenken finnes ikke eller er erstattet av en nyere. \
                Be arbeidsgiveren sende billetten på nytt, eller logg inn med mobilnummeret ditt.",
    failed_title: "Noe gikk galt",
    failed_body: "Billetten kan ikke vises akkurat nå. Prøv igjen om litt.",
    categories: ["Voksen", "Ung voksen", "Ungdom", "Barn", "Honnør"],
};

static ENGLISH: Texts = Texts {
    title: "Monthly ticket",
    holder: "Name",
    category: "Traveller",
    zones: "Zones",
    whole_region: "The whole region",
    zones_from: "from",
    valid_from: "Valid from",
    valid_through: "Valid through",
    until_cancelled: "Ongoing, until cancelled",
    status: "Status",
    company: "Paid by",
    upcoming: "Approved, not started",
    active: "Active",
    ending: "Cancelled, last day",
    ended: "Ended",
    cancelled_before_start: "Cancelled before start",
    not_valid: "Not valid",
    open_in_app: "Open in the app",
    scan: "Inspector: scan the code to check its signature.",
    other_language: "Norsk",
    other_language_query: "?lang=nb",
    gone_title: "This link does not work",
    gone_body: "This ticket link does not exist or has been replaced by a newer one. \
                Ask your employer to send the ticket again, or log in with your mobile number.",
    failed_title: "Something went wrong",
    failed_body: "The ticket cannot be shown right now. Please try again shortly.",
    categories: ["Adult", "Young adult", "Youth", "Child", "Senior (honnør)"],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bokmal_is_the_default_and_english_is_chosen_by_query_or_browser() {
        assert_eq!(Language::choose(None, None, None), Language::Bokmal);
        assert_eq!(
            Language::choose(Some("lang=en"), None, None),
            Language::English
        );
        assert_eq!(
            Language::choose(Some("lang=nb"), None, Some("en-GB,en;q=0.9")),
            Language::Bokmal
        );
        assert_eq!(
            Language::choose(None, None, Some("en-US,nb;q=0.5")),
            Language::English
        );
        assert_eq!(
            Language::choose(None, None, Some("nb-NO,en;q=0.5")),
            Language::Bokmal
        );
    }

    #[test]
    fn a_remembered_choice_beats_the_browser_and_a_new_choice_beats_it() {
        let cookie = "a=b; billett_sprak=en";
        assert_eq!(
            Language::choose(None, Some(cookie), Some("nb-NO")),
            Language::English
        );
        assert_eq!(
            Language::choose(Some("lang=nb"), Some(cookie), None),
            Language::Bokmal
        );
        assert!(Language::English.cookie().starts_with("billett_sprak=en;"));
    }

    #[test]
    fn every_category_has_a_name_in_both_languages() {
        for category in TravellerCategory::ALL {
            assert_eq!(BOKMAL.category_name(category), category.norwegian());
            assert!(!ENGLISH.category_name(category).is_empty());
        }
    }
}
