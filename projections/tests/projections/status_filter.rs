//! The tickets page filters by a status derived in SQL; it must agree with the domain's
//! `TicketStatus::on` for every combination of stored status and dates, on every day.

use bedrift_domain::subscription::{OrderStatus, TicketStatus};
use bedrift_projections::listing::tickets_page;
use bedrift_store::testing::TestDatabase;
use chrono::{Duration, NaiveDate};
use uuid::Uuid;

use crate::support::date;

const STATUSES: [TicketStatus; 7] = [
    TicketStatus::Pending,
    TicketStatus::Rejected,
    TicketStatus::Withdrawn,
    TicketStatus::Upcoming,
    TicketStatus::Active,
    TicketStatus::Ending,
    TicketStatus::Ended,
];

#[tokio::test]
async fn the_status_filter_agrees_with_the_domains_ticket_status_on_every_day() {
    let db = TestDatabase::create().await;
    let pool = db.pool().clone();
    let company = Uuid::new_v4();
    let start = date("2026-12-01");
    let days = |offsets: &[i64]| {
        offsets
            .iter()
            .map(|d| start + Duration::days(*d))
            .collect::<Vec<NaiveDate>>()
    };
    let mut rows = Vec::new();
    for status in OrderStatus::ALL {
        let valid_froms: Vec<Option<NaiveDate>> = match status {
            OrderStatus::Approved => days(&[0, 10]).into_iter().map(Some).collect(),
            _ => vec![None],
        };
        for valid_from in valid_froms {
            let mut ends: Vec<Option<NaiveDate>> =
                days(&[-5, 0, 9, 10, 20]).into_iter().map(Some).collect();
            ends.push(None);
            for end_date in ends {
                let id = Uuid::new_v4();
                sqlx::query(
                    "INSERT INTO tickets (subscription_id, company_id, phone, first_name, last_name, extra_fields,
                         category, zones, zones_from, order_status, start_date, valid_from, end_date, ordered_at,
                         ordered_position, version)
                     VALUES ($1, $2, '+4791234567', 'Kari', 'Nordmann', '{}', 'ADULT', '{}', $3, $4, $3, $5, $6,
                         now(), $7, 1)",
                )
                .bind(id)
                .bind(company)
                .bind(start)
                .bind(status.code())
                .bind(valid_from)
                .bind(end_date)
                .bind(rows.len() as i64 + 1)
                .execute(&pool)
                .await
                .unwrap();
                rows.push((id, status, valid_from, end_date));
            }
        }
    }
    for today in days(&[-1, 0, 5, 9, 10, 11, 25]) {
        for status in STATUSES {
            let mut listed: Vec<Uuid> =
                tickets_page(&pool, company, today, Some(status), None, None, 1_000)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|row| row.subscription_id)
                    .collect();
            let mut expected: Vec<Uuid> = rows
                .iter()
                .filter(|(_, s, from, end)| TicketStatus::on(today, *s, *from, *end) == status)
                .map(|(id, ..)| *id)
                .collect();
            listed.sort();
            expected.sort();
            assert_eq!(listed, expected, "{status:?} on {today}");
        }
    }
}
