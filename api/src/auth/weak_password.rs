//! Passwords that are long enough but guessed first: the most common ones (from published
//! lists of leaked passwords, those of at least 10 characters, Norwegian ones included) and the
//! patterns that such lists are full of: only digits, one run up or down the alphabet or the
//! digits, a keyboard row, or a short piece repeated. A compact built-in check instead of a
//! dictionary crate: it adds no dependency or data file, and it answers in Norwegian why.
//! A password that passes is not proven strong; the length rule does most of the work.

/// Common passwords of 10 or more characters, in lower case.
const COMMON: &[&str] = &[
    "1234567890",
    "12345678910",
    "123456789a",
    "1234567890a",
    "0123456789",
    "0987654321",
    "1q2w3e4r5t",
    "1qaz2wsx3edc",
    "qwertyuiop",
    "asdfghjkl",
    "qwerty1234",
    "qwerty12345",
    "qwerty123456",
    "password123",
    "password12",
    "password1234",
    "passwordpassword",
    "passord123",
    "passord1234",
    "passordet",
    "mittpassord",
    "hemmelig123",
    "sommer2024",
    "sommer2025",
    "sommer2026",
    "vinter2025",
    "vinter2026",
    "norge12345",
    "iloveyou123",
    "welcome123",
    "velkommen1",
    "velkommen123",
    "administrator",
    "admin12345",
    "letmein123",
    "football123",
    "abcdefghij",
    "abc1234567",
];

/// Keyboard rows (Norwegian layout) that people walk along.
const ROWS: &[&str] = &["1234567890+", "qwertyuiopå", "asdfghjkløæ", "zxcvbnm,.-"];

/// Why `password` is too easy to guess, in Norwegian, or `None`.
pub fn weakness(password: &str) -> Option<&'static str> {
    let lower = password.to_lowercase();
    let compact: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
    if COMMON.contains(&compact.as_str()) {
        return Some("passordet er blant de vanligste passordene; velg et annet");
    }
    if compact.chars().all(|c| c.is_ascii_digit()) {
        return Some("passordet kan ikke bare være tall; bruk gjerne flere ord");
    }
    if is_run(&compact) || ROWS.iter().any(|row| row.contains(compact.as_str())) {
        return Some("passordet er en rekke tegn etter hverandre; bruk gjerne flere ord");
    }
    if is_repetition(&compact) {
        return Some("passordet er det samme stykket gjentatt; bruk gjerne flere ord");
    }
    None
}

/// Whether each character follows the previous one by the same step of one (abcdef, 98765).
fn is_run(text: &str) -> bool {
    let codes: Vec<i64> = text.chars().map(|c| i64::from(u32::from(c))).collect();
    let step = match codes.as_slice() {
        [a, b, ..] => b - a,
        _ => return false,
    };
    step.abs() == 1 && codes.windows(2).all(|w| w[1] - w[0] == step)
}

/// Whether the text is a piece of at most 4 characters repeated (abab..., 123123...).
fn is_repetition(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    (1..=4).any(|n| {
        chars.len() >= 2 * n && chars.chunks(n).all(|chunk| chunk == &chars[..chunk.len()])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_passwords_and_their_patterns_are_weak() {
        for weak in [
            "1234567890",
            "Passord123",
            "QWERTYUIOP",
            "9876543210",
            "abcdefghijk",
            "abababababab",
            "123123123123",
            "55512345678",
            "asdfghjklø",
        ] {
            assert!(weakness(weak).is_some(), "{weak}");
        }
    }

    #[test]
    fn phrases_pass() {
        for strong in [
            "korrekt hest batteri",
            "enda en ny lang frase",
            "Bussen går kl 07:15",
        ] {
            assert_eq!(weakness(strong), None, "{strong}");
        }
    }
}
