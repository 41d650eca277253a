//! What a person types in the ticket search, made into what the query matches: every word in
//! the name or employee number ("hansen per" finds Per Hansen), or the digits of a phone number
//! however it is written ("987 65 432", "+47 987 65 432").

/// A ticket search: LIKE patterns, already lower-cased and escaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketSearch {
    /// One `%word%` per word; a ticket matches when each is in its name or employee number.
    pub words: Vec<String>,
    /// `%digits%` when the search is a phone number (digits, spaces, `+`, `-`, at least 3
    /// digits), matched against the E.164 phone.
    pub phone_digits: Option<String>,
}

impl TicketSearch {
    /// The search for `typed`, or `None` when it holds nothing to search for.
    pub fn parse(typed: &str) -> Option<Self> {
        let words: Vec<String> = typed
            .split_whitespace()
            .map(|word| format!("%{}%", escape_like(&word.to_lowercase())))
            .collect();
        if words.is_empty() {
            return None;
        }
        let digits: String = typed.chars().filter(char::is_ascii_digit).collect();
        let phone_like = typed
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_whitespace() || matches!(c, '+' | '-' | '(' | ')'));
        let phone_digits = (phone_like && digits.len() >= 3).then(|| format!("%{digits}%"));
        Some(Self {
            words,
            phone_digits,
        })
    }
}

/// `text` with LIKE's special characters escaped (the default escape is `\`).
pub(crate) fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phone_number_is_searched_by_its_digits_however_it_is_written() {
        for typed in ["98765432", "987 65 432", "+47 987 65 432", "987-65-432"] {
            let search = TicketSearch::parse(typed).unwrap();
            assert!(
                search
                    .phone_digits
                    .as_deref()
                    .is_some_and(|d| d.contains("98765432")),
                "{typed}"
            );
        }
    }

    #[test]
    fn names_are_searched_word_by_word_in_any_order() {
        let search = TicketSearch::parse("  Hansen   PER ").unwrap();
        assert_eq!(search.words, ["%hansen%", "%per%"]);
        assert_eq!(search.phone_digits, None);
        assert_eq!(TicketSearch::parse("   "), None);
        assert_eq!(TicketSearch::parse("50%").unwrap().words, ["%50\\%%"]);
    }
}
