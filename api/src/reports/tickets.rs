//! A company's ticket list as a file (CSV or Excel workbook), with the same filter and search
//! as the portal's list and the GraphQL `Company.tickets`: `status` (today's status code, e.g.
//! `ACTIVE`) and `search` (part of a name, phone or employee number, at most 100 characters),
//! oldest order first, every matching ticket (no paging).
//!
//! Columns, for people: `Status;Etternavn;Fornavn;Mobil;Ansattnummer;Kategori;Soner;
//! Soneklasse;Ønsket start;Gyldig fra;Gyldig til;Bestilt;Abonnement`, then one column per field
//! of the company's order form with the answers. Status, category and zone class in Norwegian,
//! zones by name, dates `YYYY-MM-DD` (which Excel reads as dates; `Bestilt` the order's date in
//! Norway). The CSV is written for people (see `csv_file`).

use bedrift_domain::clock::oslo_date;
use bedrift_domain::company::OrderForm;
use bedrift_domain::subscription::{OrderStatus, TicketStatus};
use bedrift_domain::values::{CompanyId, TravellerCategory, ZoneSelection};
use bedrift_projections::listing::{self, CompanyListing, TicketListing};
use bedrift_projections::ProjectionError;
use chrono::NaiveDate;
use sqlx::PgPool;

use super::csv_file::CsvFile;
use super::names::{class_name, phone_text, status_name, zone_names, zone_text, ZoneNames};
use super::ReportError;

/// Rows read per query while collecting the list.
const CHUNK: i64 = 5_000;

/// The longest search, in characters (as `Company.tickets`).
pub const MAX_SEARCH: usize = 100;

/// The portal's filter of the ticket list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketFilter {
    /// Only tickets with this status today.
    pub status: Option<TicketStatus>,
    /// Part of a name, phone or employee number, trimmed, non-empty, at most 100 characters.
    pub search: Option<String>,
}

/// The status with the API's code `code` (`ACTIVE`, ...), if there is one.
pub fn status_from_code(code: &str) -> Option<TicketStatus> {
    Some(match code {
        "PENDING" => TicketStatus::Pending,
        "REJECTED" => TicketStatus::Rejected,
        "WITHDRAWN" => TicketStatus::Withdrawn,
        "UPCOMING" => TicketStatus::Upcoming,
        "ACTIVE" => TicketStatus::Active,
        "ENDING" => TicketStatus::Ending,
        "ENDED" => TicketStatus::Ended,
        _ => return None,
    })
}

/// One ticket of the list, with what its row stores decoded.
#[derive(Debug, Clone)]
pub struct TicketLine {
    /// The read model's row.
    pub row: TicketListing,
    /// Today's status.
    pub status: TicketStatus,
    /// The category.
    pub category: TravellerCategory,
    /// The latest zones.
    pub zones: ZoneSelection,
}

/// A company's filtered ticket list, ready to render.
#[derive(Debug, Clone)]
pub struct TicketExport {
    /// The company.
    pub company: CompanyListing,
    /// The day the statuses are for.
    pub today: NaiveDate,
    /// The order form's field labels, in form order.
    pub fields: Vec<String>,
    /// Zone names by code.
    pub zone_names: ZoneNames,
    /// The tickets, oldest order first.
    pub lines: Vec<TicketLine>,
}

/// Reads `company`'s tickets matching `filter` on `today`.
#[tracing::instrument(skip(pool))]
pub async fn load_tickets(
    pool: &PgPool,
    company: CompanyId,
    filter: &TicketFilter,
    today: NaiveDate,
) -> Result<TicketExport, ReportError> {
    let corrupt = |e: &dyn std::fmt::Display| ProjectionError::Corrupt(e.to_string());
    let listing = listing::company(pool, company.as_uuid())
        .await?
        .ok_or(ReportError::CompanyNotFound)?;
    let form: OrderForm =
        serde_json::from_value(listing.order_form.clone()).map_err(|e| corrupt(&e))?;
    let mut lines = Vec::new();
    let mut after = None;
    loop {
        let rows = listing::tickets_page(
            pool,
            company.as_uuid(),
            today,
            filter.status,
            filter.search.as_deref(),
            after,
            CHUNK,
        )
        .await?;
        let full = rows.len() as i64 == CHUNK;
        after = rows.last().map(|r| r.ordered_position);
        for row in rows {
            let order_status = OrderStatus::from_code(&row.order_status)
                .ok_or_else(|| corrupt(&format!("order status {}", row.order_status)))?;
            let category = TravellerCategory::parse(&row.category).map_err(|e| corrupt(&e))?;
            let zones: ZoneSelection =
                serde_json::from_value(row.zones.clone()).map_err(|e| corrupt(&e))?;
            lines.push(TicketLine {
                status: TicketStatus::on(today, order_status, row.valid_from, row.end_date),
                category,
                zones,
                row,
            });
        }
        if !full {
            break;
        }
    }
    Ok(TicketExport {
        company: listing,
        today,
        fields: form
            .extra_fields
            .iter()
            .map(|f| f.label.to_string())
            .collect(),
        zone_names: zone_names(pool, today).await?,
        lines,
    })
}

/// The list's headings before the form fields.
pub const HEADINGS: [&str; 13] = [
    "Status",
    "Etternavn",
    "Fornavn",
    "Mobil",
    "Ansattnummer",
    "Reisende",
    "Soner",
    "Soneklasse",
    "Ønsket start",
    "Gyldig fra",
    "Gyldig til",
    "Bestilt",
    "Abonnement",
];

impl TicketExport {
    /// The cells of `line`: the fixed columns, then the answers to the form fields.
    pub fn cells(&self, line: &TicketLine) -> Vec<String> {
        let row = &line.row;
        let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        let mut cells = vec![
            status_name(line.status).to_owned(),
            row.last_name.clone(),
            row.first_name.clone(),
            phone_text(&row.phone),
            row.employee_number.clone().unwrap_or_default(),
            line.category.norwegian().to_owned(),
            zone_text(&line.zones, &self.zone_names),
            class_name(line.zones.class()).to_owned(),
            row.start_date.to_string(),
            date(row.valid_from),
            date(row.end_date),
            oslo_date(row.ordered_at).to_string(),
            row.subscription_id.to_string(),
        ];
        cells.extend(self.fields.iter().map(|label| {
            row.extra_fields
                .get(label)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned()
        }));
        cells
    }

    /// The headings: the fixed ones, then the form fields' labels.
    pub fn headings(&self) -> Vec<&str> {
        HEADINGS
            .iter()
            .copied()
            .chain(self.fields.iter().map(String::as_str))
            .collect()
    }

    /// The file name: `billetter-<org.nr>-<today>.<ext>`.
    pub fn file_name(&self, extension: &str) -> String {
        format!(
            "billetter-{}-{}.{extension}",
            self.company.org_number, self.today
        )
    }
}

/// The list as CSV, for people.
pub fn tickets_csv(export: &TicketExport) -> Vec<u8> {
    let mut out = CsvFile::for_people();
    out.record(export.headings());
    for line in &export.lines {
        out.record(export.cells(line));
    }
    out.finish()
}
