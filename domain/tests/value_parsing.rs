//! Fuzzing every value type's `parse` with arbitrary strings: any Unicode, control characters,
//! strings near the valid forms, and huge ones. No input panics; an accepted value parses again
//! to itself from its own text (the form stored and shown), so what is stored can always be read
//! back; and limits hold on what is accepted.

use bedrift_domain::tariff::agder;
use bedrift_domain::values::{
    AccountId, BoundedText, CompanyId, EmailAddress, EmployeeNumber, Money, Month, OrderLinkToken,
    OrgNumber, PayTypeCode, PersonName, PhoneNumber, SubscriptionId, TravellerCategory, ZoneId,
    ZoneSelection,
};
use proptest::prelude::*;

/// Cases per property: every property here runs in well under a second.
const CASES: u32 = 512;

/// Arbitrary text: any characters, control characters and white space in numbers, text near
/// each value's valid form, and huge strings (up to 200 000 characters).
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<String>(),
        2 => "[\\p{Cc}\\p{Zs}\\p{M}\\p{L}\\p{N}\\p{P}\\p{S}]{0,60}",
        // Near the forms of phones, org numbers, months, e-mails and codes.
        2 => "[ +0(]{0,2}[0-9 .()\u{a0}-]{0,20}",
        1 => "[0-9+ ]{4}-[0-9+ ]{2}",
        2 => "[a-zA-Z0-9._%İß\u{301}-]{0,70}@[a-zA-Z0-9.İÅß-]{0,70}",
        1 => "[a-zA-Z0-9]{1,20}@[a-zİÅ]{1,130}\\.[a-zİ]{2,130}",
        2 => "[A-Za-zÆØÅæøåİ\u{301}' .\u{2019}-]{0,110}",
        1 => "[A-Za-z0-9_.-]{0,70}",
        1 => "[a-f0-9-]{30,40}",
        1 => (any::<char>(), 0..200_000usize).prop_map(|(c, n)| c.to_string().repeat(n)),
        1 => ("[a-zA-Z0-9]{0,10}", 1_000..100_000usize)
            .prop_map(|(prefix, n)| format!("{prefix}{}", "9".repeat(n))),
    ]
}

/// Arbitrary text (`false`), or a valid form that `parse` must accept (`true`), so that both
/// branches of every property are exercised.
fn text_or(valid: impl Strategy<Value = String>) -> impl Strategy<Value = (bool, String)> {
    prop_oneof![
        3 => text().prop_map(|s| (false, s)),
        1 => valid.prop_map(|s| (true, s)),
    ]
}

/// A valid organisation number: eight digits and their mod-11 check digit, spaced or not.
fn org_number() -> impl Strategy<Value = String> {
    ("[0-9]{8}", any::<bool>()).prop_filter_map("check digit 10", |(digits, spaced)| {
        let weights = [3, 2, 7, 6, 5, 4, 3, 2];
        let sum: u32 = digits
            .bytes()
            .zip(weights)
            .map(|(d, w)| u32::from(d - b'0') * w)
            .sum();
        let check = match 11 - sum % 11 {
            11 => 0,
            10 => return None,
            c => c,
        };
        let number = format!("{digits}{check}");
        Some(if spaced {
            format!("{} {} {}", &number[..3], &number[3..6], &number[6..])
        } else {
            number
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn a_phone_number_parses_or_is_refused_and_its_e164_form_parses_to_itself(
        (valid, input) in text_or("[ ]{0,2}(\\+47|0047)?[49][0-9]{2} ?[0-9]{2} ?[0-9]{3} ?|\\+4[0-68-9][0-9]{6,13}"),
    ) {
        let parsed = PhoneNumber::parse(&input);
        prop_assert!(parsed.is_ok() || !valid, "{:?} refused: {:?}", input, parsed);
        if let Ok(phone) = parsed {
            prop_assert!(phone.as_str().starts_with('+'));
            let digits = &phone.as_str()[1..];
            prop_assert!(digits.len() <= 15 && digits.bytes().all(|b| b.is_ascii_digit()));
            prop_assert_eq!(PhoneNumber::parse(phone.as_str()), Ok(phone.clone()));
        }
    }

    #[test]
    fn a_person_name_parses_or_is_refused_and_its_normal_form_parses_to_itself(
        (valid, input) in text_or(" ?\\p{L}{1,30}([ '.-]\\p{L}{1,30}){0,2}  ?"),
    ) {
        let parsed = PersonName::parse(&input);
        prop_assert!(parsed.is_ok() || !valid, "{:?} refused: {:?}", input, parsed);
        if let Ok(name) = parsed {
            let count = name.as_str().chars().count();
            prop_assert!((1..=PersonName::MAX_CHARS).contains(&count));
            prop_assert!(!name.as_str().chars().any(|c| c.is_numeric() || c.is_control()));
            prop_assert_eq!(PersonName::parse(name.as_str()), Ok(name.clone()));
        }
    }

    #[test]
    fn an_email_address_parses_or_is_refused_and_its_normal_form_parses_to_itself(
        (valid, input) in text_or("[a-zA-Z0-9._%+-]{1,40}@[a-zA-Z0-9æøå-]{1,40}\\.[a-zA-Z]{2,6}"),
    ) {
        let parsed = EmailAddress::parse(&input);
        prop_assert!(parsed.is_ok() || !valid, "{:?} refused: {:?}", input, parsed);
        if let Ok(email) = parsed {
            prop_assert!(email.as_str().len() <= 254, "{} bytes", email.as_str().len());
            prop_assert_eq!(EmailAddress::parse(email.as_str()), Ok(email.clone()));
        }
    }

    #[test]
    fn an_org_number_parses_or_is_refused_and_its_digits_parse_to_themselves(
        (valid, input) in text_or(org_number()),
    ) {
        let parsed = OrgNumber::parse(&input);
        prop_assert!(parsed.is_ok() || !valid, "{:?} refused: {:?}", input, parsed);
        if let Ok(org) = parsed {
            prop_assert_eq!(org.as_str().len(), 9);
            prop_assert_eq!(OrgNumber::parse(org.as_str()), Ok(org.clone()));
        }
    }

    #[test]
    fn a_month_parses_or_is_refused_and_its_text_parses_to_itself(
        (valid, input) in text_or(" ?[2-9][0-9]{3}-(0[1-9]|1[0-2]) ?"),
    ) {
        let parsed = Month::parse(&input);
        prop_assert!(parsed.is_ok() || !valid, "{:?} refused: {:?}", input, parsed);
        if let Ok(month) = parsed {
            let shown = month.to_string();
            prop_assert_eq!(Month::parse(&shown), Ok(month));
            prop_assert!(month.first_day() <= month.last_day());
        }
    }

    #[test]
    fn a_traveller_category_parses_only_from_its_code(
        (valid, input) in text_or(" ?(ADULT|YOUNG_ADULT|YOUTH|CHILD|SENIOR) ?"),
    ) {
        let parsed = TravellerCategory::parse(&input);
        prop_assert!(parsed.is_ok() || !valid, "{:?} refused: {:?}", input, parsed);
        if let Ok(category) = parsed {
            prop_assert_eq!(category.code(), input.trim());
            prop_assert_eq!(TravellerCategory::parse(category.code()), Ok(category));
        }
    }

    #[test]
    fn ids_parse_or_are_refused_and_their_text_parses_to_themselves(
        (valid, input) in text_or(any::<u128>().prop_map(|n| uuid::Uuid::from_u128(n).to_string())),
    ) {
        prop_assert!(CompanyId::parse(&input).is_ok() || !valid, "{:?} refused", input);
        if let Ok(id) = CompanyId::parse(&input) {
            prop_assert_eq!(CompanyId::parse(&id.to_string()), Ok(id));
        }
        if let Ok(id) = SubscriptionId::parse(&input) {
            prop_assert_eq!(SubscriptionId::parse(&id.to_string()), Ok(id));
        }
        if let Ok(id) = AccountId::parse(&input) {
            prop_assert_eq!(AccountId::parse(&id.to_string()), Ok(id));
        }
    }

    #[test]
    fn bounded_texts_and_codes_parse_or_are_refused_and_parse_to_themselves(
        (valid, input) in text_or("[A-Za-z0-9][A-Za-z0-9-]{15,19}"),
    ) {
        // The valid form here is valid for all four: a reason, an employee number, a pay type
        // code (the first ten characters) and an order link token.
        if valid {
            prop_assert!(BoundedText::parse(&input, "the reason", 1, 500).is_ok());
            prop_assert!(EmployeeNumber::parse(&input).is_ok());
            prop_assert!(OrderLinkToken::parse(&input).is_ok());
            let ten: String = input.chars().filter(char::is_ascii_alphanumeric).take(10).collect();
            prop_assert!(PayTypeCode::parse(&ten).is_ok());
        }
        if let Ok(reason) = BoundedText::parse(&input, "the reason", 1, 500) {
            prop_assert!((1..=500).contains(&reason.as_str().chars().count()));
            prop_assert_eq!(BoundedText::parse(reason.as_str(), "the reason", 1, 500), Ok(reason.clone()));
        }
        if let Ok(code) = EmployeeNumber::parse(&input) {
            prop_assert_eq!(EmployeeNumber::parse(code.as_str()), Ok(code.clone()));
        }
        if let Ok(code) = PayTypeCode::parse(&input) {
            prop_assert_eq!(PayTypeCode::parse(code.as_str()), Ok(code.clone()));
        }
        if let Ok(token) = OrderLinkToken::parse(&input) {
            prop_assert_eq!(OrderLinkToken::parse(token.as_str()), Ok(token.clone()));
        }
    }

    #[test]
    fn zone_codes_and_selections_parse_or_are_refused_and_parse_to_themselves(
        zones in prop::collection::vec(prop_oneof![
            text(),
            prop::sample::select(vec!["kristiansand", "vennesla", "arendal", "grimstad", " arendal "])
                .prop_map(str::to_owned),
        ], 0..4),
        whole_region in any::<bool>(),
    ) {
        let map = agder::example_version().zone_map;
        for zone in &zones {
            if let Ok(id) = ZoneId::parse(zone) {
                prop_assert_eq!(ZoneId::parse(id.as_str()), Ok(id.clone()));
            }
        }
        if let Ok(selection) = ZoneSelection::parse(&zones, whole_region, &map) {
            let codes: Vec<&str> = selection.zones().iter().map(|z| z.as_str()).collect();
            let again = ZoneSelection::parse(&codes, codes.is_empty(), &map);
            prop_assert_eq!(again, Ok(selection.clone()));
        }
    }

    #[test]
    fn money_from_any_number_of_ore_is_in_range_and_its_kroner_text_adds_up(ore in any::<i64>()) {
        match Money::from_ore(ore) {
            Ok(money) => {
                prop_assert!((0..=Money::MAX_INPUT.ore()).contains(&ore));
                let (kroner, hundredths) = money.kroner().split_once('.').map(|(k, h)| {
                    (k.parse::<i64>().unwrap(), h.parse::<i64>().unwrap())
                }).unwrap();
                prop_assert_eq!(kroner * 100 + hundredths, ore);
                prop_assert!(money.percent(100) == money && money.percent(0) == Money::ZERO);
            }
            Err(_) => prop_assert!(!(0..=Money::MAX_INPUT.ore()).contains(&ore)),
        }
    }
}
