//! The generator's sample data: valid names, numbers and zones for companies and orders, built
//! through the domain's own `parse` constructors so every generated event is one the service
//! could have written.

use std::collections::BTreeMap;

use bedrift_domain::company::{Administrator, CompanyCommand};
use bedrift_domain::metadata::Actor;
use bedrift_domain::subscription::OrderDetails;
use bedrift_domain::tariff::agder;
use bedrift_domain::values::{
    AccountId, BoundedText, CompanyId, EmailAddress, EmployeeNumber, OrderLinkToken, OrgNumber,
    PersonName, PhoneNumber, TravellerCategory, ZoneSelection,
};

const ZONES: [&[&str]; 5] = [
    &["kristiansand"],
    &["arendal"],
    &["kristiansand", "vennesla"],
    &["grimstad", "arendal"],
    &[],
];
const FIRST_NAMES: [&str; 5] = ["Kari", "Ola", "Åse", "Nguyễn", "Per"];
const LAST_NAMES: [&str; 3] = ["Nordmann", "Hansen", "Berg-Olsen"];

/// The zone selections orders and zone changes choose from: one zone, two neighbours, or the
/// whole region, on the example tariff's zone map.
pub fn zone_choices() -> Vec<ZoneSelection> {
    let map = agder::example_version().zone_map;
    ZONES
        .iter()
        .map(|codes| ZoneSelection::parse(codes, codes.is_empty(), &map))
        .collect::<Result<_, _>>()
        .expect("example zones are valid")
}

/// A valid organisation number of its own for company number `n` (R17: one company each).
pub fn org_number(n: usize) -> OrgNumber {
    let base = 10_000_000 + n as u64 * 7;
    (base..)
        .flat_map(|base| (0..10).map(move |check| format!("{base}{check}")))
        .find_map(|candidate| OrgNumber::parse(&candidate).ok())
        .expect("every few bases has a valid check digit")
}

/// The registration of company number `n`, with `account` as its first administrator.
pub fn registration(n: usize, id: CompanyId, account: AccountId) -> CompanyCommand {
    CompanyCommand::Register {
        org_number: org_number(n),
        name: text(&format!("Bedrift {n} AS")),
        invoice_email: email(&format!("faktura{n}@eksempel.no")),
        contact: Administrator {
            account,
            email: email(&format!("admin{n}@eksempel.no")),
            name: text("Kari Admin"),
        },
        order_link: OrderLinkToken::parse(&format!("link-{}", id.as_uuid().simple()))
            .expect("valid"),
        by: Actor::System,
    }
}

/// An employee's order with phone number `phone` (unique per order, so R5 never refuses it).
pub fn order_details(
    company: CompanyId,
    phone: u64,
    zones: ZoneSelection,
    category: TravellerCategory,
) -> OrderDetails {
    let pick = |names: &[&'static str]| names[phone as usize % names.len()];
    OrderDetails {
        company,
        phone: PhoneNumber::parse(&format!("9{phone:07}")).expect("a valid phone"),
        first_name: PersonName::parse(pick(&FIRST_NAMES)).expect("valid"),
        last_name: PersonName::parse(pick(&LAST_NAMES)).expect("valid"),
        employee_number: Some(EmployeeNumber::parse(&format!("E{phone}")).expect("valid")),
        extra_fields: BTreeMap::new(),
        zones,
        category,
        language: bedrift_domain::values::Language::Bokmal,
    }
}

/// A reason, a name: short text that always parses.
pub fn text(value: &str) -> BoundedText {
    BoundedText::parse(value, "a text", 1, 200).expect("a valid text")
}

fn email(value: &str) -> EmailAddress {
    EmailAddress::parse(value).expect("a valid address")
}
