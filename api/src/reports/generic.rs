//! The generic payroll CSV, for people and spreadsheets: every line, then the totals.
//!
//! UTF-8 with a byte order mark, `;` between fields, a header:
//! `måned;status;rad;abonnement;ansattnummer;etternavn;fornavn;mobil;soner;soneklasse;
//! kategori;antall;pris;arbeidsgiverandel;trekk`, then one column per field of the company's
//! order form, headed by its label (`Avdeling`, `Koststed`, ...), holding each line's answer.
//! `rad` is `LINJE` for a subscription (`antall` 1) and `SUM` for the one closing line with
//! the totals (`antall` the number of subscriptions). Zones are names separated by `, `
//! (`Hele regionen` for the whole region), the zone class and the category Norwegian names
//! (`1 sone`, `Voksen`), amounts kroner with a decimal comma (`750,00`), as Excel on a
//! Norwegian machine reads numbers.

use super::csv_file::{kroner_for_people, CsvFile};
use super::names::class_name;
use super::{status_word, PayrollExport};

/// The columns before the form fields.
const HEADINGS: [&str; 15] = [
    "måned",
    "status",
    "rad",
    "abonnement",
    "ansattnummer",
    "etternavn",
    "fornavn",
    "mobil",
    "soner",
    "soneklasse",
    "kategori",
    "antall",
    "pris",
    "arbeidsgiverandel",
    "trekk",
];

/// The generic CSV of `export`.
pub fn generic(export: &PayrollExport) -> Vec<u8> {
    let basis = &export.basis;
    let month = basis.month.to_string();
    let status = status_word(basis.preliminary);
    let mut out = CsvFile::for_people();
    out.record(
        HEADINGS
            .iter()
            .copied()
            .chain(export.fields.iter().map(String::as_str)),
    );
    for line in &basis.lines {
        let charge = &line.charge;
        let cells = [
            month.as_str(),
            status,
            "LINJE",
            &line.subscription_id.to_string(),
            line.employee_number.as_deref().unwrap_or_default(),
            &line.last_name,
            &line.first_name,
            &line.phone,
            &export.zone_names_of(line),
            class_name(charge.zones.class()),
            charge.category.norwegian(),
            "1",
            &kroner_for_people(charge.price),
            &kroner_for_people(charge.employer_contribution),
            &kroner_for_people(charge.deduction),
        ];
        let answers = export
            .fields
            .iter()
            .map(|label| export.answer(line, Some(label)));
        out.record(cells.into_iter().chain(answers));
    }
    let totals = &basis.totals;
    let count = totals.subscriptions.to_string();
    let sums = [
        kroner_for_people(totals.price),
        kroner_for_people(totals.employer_contribution),
        kroner_for_people(totals.deduction),
    ];
    let cells = [
        month.as_str(),
        status,
        "SUM",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ]
    .into_iter()
    .chain([count.as_str()])
    .chain(sums.iter().map(String::as_str))
    .chain(export.fields.iter().map(|_| ""));
    out.record(cells);
    out.finish()
}
