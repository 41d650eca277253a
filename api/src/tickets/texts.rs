//! Every text of the ticket page, in one place per language: bokmål (the default) and English.

use bedrift_domain::values::TravellerCategory;

/// The page's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    /// Norsk bokmål, the default.
    Bokmal,
    /// English.
    English,
}

impl Language {
    /// `?lang=en` or `?lang=nb` when given; else English only when the browser prefers it
    /// (the first tag of `Accept-Language` is English); else bokmål.
    pub fn choose(query: Option<&str>, accept_language: Option<&str>) -> Self {
        let asked = query
            .into_iter()
            .flat_map(|q| q.split('&'))
            .find_map(|pair| match pair.strip_prefix("lang=") {
                Some("en") => Some(Self::English),
                Some("nb" | "no") => Some(Self::Bokmal),
                _ => None,
            });
        asked.unwrap_or_else(|| {
            let first = accept_language
                .and_then(|header| header.split(',').next())
                .map(|tag| tag.trim().to_ascii_lowercase());
            match first {
                Some(tag) if tag.starts_with("en") => Self::English,
                _ => Self::Bokmal,
            }
        })
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
    holder: "Reisende",
    category: "Kategori",
    zones: "Soner",
    whole_region: "Hele regionen",
    zones_from: "fra",
    valid_from: "Gyldig fra",
    valid_through: "Gyldig til og med",
    until_cancelled: "Løpende, til den sies opp",
    status: "Status",
    company: "Betalt av",
    upcoming: "Kommende",
    active: "Aktiv",
    ending: "Aktiv, avsluttes",
    ended: "Utløpt",
    cancelled_before_start: "Avbestilt før start",
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
    holder: "Traveller",
    category: "Category",
    zones: "Zones",
    whole_region: "The whole region",
    zones_from: "from",
    valid_from: "Valid from",
    valid_through: "Valid through",
    until_cancelled: "Ongoing, until cancelled",
    status: "Status",
    company: "Paid by",
    upcoming: "Upcoming",
    active: "Active",
    ending: "Active, ends",
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
    categories: ["Adult", "Young adult", "Youth", "Child", "Senior"],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bokmal_is_the_default_and_english_is_chosen_by_query_or_browser() {
        assert_eq!(Language::choose(None, None), Language::Bokmal);
        assert_eq!(Language::choose(Some("lang=en"), None), Language::English);
        assert_eq!(
            Language::choose(Some("lang=nb"), Some("en-GB,en;q=0.9")),
            Language::Bokmal
        );
        assert_eq!(
            Language::choose(None, Some("en-US,nb;q=0.5")),
            Language::English
        );
        assert_eq!(
            Language::choose(None, Some("nb-NO,en;q=0.5")),
            Language::Bokmal
        );
    }

    #[test]
    fn every_category_has_a_name_in_both_languages() {
        for category in TravellerCategory::ALL {
            assert_eq!(BOKMAL.category_name(category), category.norwegian());
            assert!(!ENGLISH.category_name(category).is_empty());
        }
    }
}
