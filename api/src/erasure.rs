//! Erasing personal data (GDPR art. 17), on request (`bedrift privacy erase`, the
//! `erasePersonalData` and `eraseAdministratorData` mutations) and by retention (daily,
//! `crate::retention`): an employee's, per subscription, and an administrator's, once they
//! administer no company.
//!
//! A subscription's personal data is erased in two steps: the subscription records
//! `PersonalDataErased` (the rules in `bedrift_domain::subscription::erasure` refuse it while
//! the ticket is live or the accounts keep it; the read models put `[slettet]` in place of
//! the data), then its data key is deleted, which leaves every earlier event reading
//! `[slettet]` for good (`bedrift_store::sealing`), and the deletion is journalled in
//! `erasures`. Should the second step not happen (a crash between them), the next retention
//! run finishes it. Messages about the subscription lose their text, SMS their recipient;
//! once the phone has no subscription left at any company, its sessions, SMS codes and
//! rate-limit rows go too.

use bedrift_domain::clock::{oslo_date, Clock};
use bedrift_domain::company::{Company, CompanyError};
use bedrift_domain::metadata::{Actor, Metadata};
use bedrift_domain::subscription::{
    RetentionRules, StateProblem, Subscription, SubscriptionCommand, SubscriptionError,
    SubscriptionEvent,
};
use bedrift_domain::values::{EmailAddress, PhoneNumber, ERASED};
use bedrift_store::{CommandExecutor, StoreError};

use crate::auth::accounts::{login_email, ACCOUNT_COLUMNS};
use crate::auth::{find_account_by_email, Account, AccountKind, AuthError};
use chrono::{Datelike, NaiveDate};
use sqlx::PgPool;
use thiserror::Error;
use uuid::Uuid;

/// Why a message still waiting is not sent: what it was about was erased.
const NOT_SENT: &str = "not sent: the personal data it was about was erased";

/// Why an erasure failed (nothing about what the rules keep: that is an [`Outcome`]).
#[derive(Debug, Error)]
pub enum ErasureError {
    /// The database.
    #[error("database error")]
    Database(#[from] sqlx::Error),
    /// The event store.
    #[error("the event store failed")]
    Store(#[from] StoreError<SubscriptionError>),
    /// The event store, loading a company.
    #[error("the event store failed")]
    CompanyStore(#[from] StoreError<CompanyError>),
    /// Looking up an account.
    #[error("looking up the account")]
    Auth(#[from] AuthError),
}

/// Why the erasure was made: journalled in `erasures.reason`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// The person asked (GDPR art. 17).
    Request,
    /// The retention rules ran out.
    Retention,
}

impl Reason {
    /// The stored form (`erasures.reason`).
    fn code(self) -> &'static str {
        match self {
            Self::Request => "request",
            Self::Retention => "retention",
        }
    }

    fn from_code(code: &str) -> Option<Self> {
        [Self::Request, Self::Retention]
            .into_iter()
            .find(|r| r.code() == code)
    }
}

/// What became of one subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Its personal data is erased (now, or before).
    Erased,
    /// The order or ticket is live; it is kept while it is.
    KeptWhileLive,
    /// Charged: the accounts keep it through this day; retention erases it after. Asked for
    /// on request, it is restricted to the accounts' use meanwhile (left out of the company's
    /// lists and searches).
    KeptForAccountsThrough(NaiveDate),
}

/// One subscription's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Erased {
    /// The subscription.
    pub subscription_id: Uuid,
    /// The company that paid for it.
    pub company_id: Uuid,
    /// What became of it.
    pub outcome: Outcome,
}

/// Erases what no rule keeps of the subscriptions of `phone` at every company, for `by` (an
/// operator, or the service). Each subscription is decided on its own.
pub async fn erase_phone(
    pool: &PgPool,
    subscriptions: &CommandExecutor<Subscription>,
    clock: &dyn Clock,
    phone: &PhoneNumber,
    by: Actor,
    rules: RetentionRules,
) -> Result<Vec<Erased>, ErasureError> {
    let held: Vec<(String, Uuid)> = sqlx::query_as(
        "SELECT k.aggregate_id, s.company_id FROM data_subjects s
         JOIN data_keys k ON k.subject = s.subject
         WHERE s.phone = $1 ORDER BY k.created_at",
    )
    .bind(phone.as_str())
    .fetch_all(pool)
    .await?;
    let mut outcomes = Vec::with_capacity(held.len());
    for (id, company_id) in held {
        let outcome = erase_subscription(
            pool,
            subscriptions,
            clock,
            &id,
            by.clone(),
            rules,
            Reason::Request,
        )
        .await?;
        outcomes.push(Erased {
            subscription_id: id.parse().map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
            company_id,
            outcome,
        });
    }
    forget_phone_if_unused(pool, phone.as_str()).await?;
    Ok(outcomes)
}

/// Erases one subscription's personal data if no rule keeps it.
pub async fn erase_subscription(
    pool: &PgPool,
    subscriptions: &CommandExecutor<Subscription>,
    clock: &dyn Clock,
    id: &str,
    by: Actor,
    rules: RetentionRules,
    reason: Reason,
) -> Result<Outcome, ErasureError> {
    let metadata = Metadata::new(by.clone(), clock.now());
    let command = SubscriptionCommand::ErasePersonalData { by, rules };
    match subscriptions.execute(id, command, &metadata).await {
        Ok(_) => {}
        Err(StoreError::Domain(SubscriptionError::InvalidState(
            StateProblem::ErasureWhileLive,
        ))) => return Ok(Outcome::KeptWhileLive),
        Err(StoreError::Domain(SubscriptionError::InvalidState(
            StateProblem::KeptForAccounts(through),
        ))) => {
            if reason == Reason::Request {
                // Kept for the accounts only from now on (GDPR art. 18).
                let restrict = SubscriptionCommand::RestrictProcessing {
                    by: metadata.actor.clone(),
                    rules,
                };
                subscriptions.execute(id, restrict, &metadata).await?;
            }
            return Ok(Outcome::KeptForAccountsThrough(through));
        }
        Err(other) => return Err(other.into()),
    }
    // What the holder's messages may name, read while the key still opens the events.
    let holder = holder_in_clear(subscriptions, id).await?;
    let mut tx = bedrift_store::begin(pool).await?;
    // A projector batch under way may have opened these events with the key and not yet
    // queued the messages it makes of them: it commits before the scrub below, and later
    // batches find the key gone.
    bedrift_projections::hold_back_batches(&mut tx).await?;
    let subject: Option<Uuid> =
        sqlx::query_scalar("DELETE FROM data_keys WHERE aggregate_id = $1 RETURNING subject")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    let mut unused_phone: Option<String> = None;
    if let Some(subject) = subject {
        sqlx::query(
            "INSERT INTO erasures (aggregate_id, subject, reason) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(subject)
        .bind(reason.code())
        .execute(&mut *tx)
        .await?;
        unused_phone = sqlx::query_scalar(
            "DELETE FROM data_subjects s WHERE s.subject = $1
             AND NOT EXISTS (SELECT 1 FROM data_keys k WHERE k.subject = s.subject)
             RETURNING phone",
        )
        .bind(subject)
        .fetch_optional(&mut *tx)
        .await?;
    }
    // The messages about it: those its events caused, and any that name the holder.
    sqlx::query(
        "UPDATE outbox SET body = $2, subject = NULL,
                last_error = CASE status WHEN 'PENDING' THEN $3 ELSE NULL END,
                status = CASE status WHEN 'PENDING' THEN 'FAILED' ELSE status END
         WHERE body <> $2
           AND ((cause LIKE 'event:%' AND split_part(cause, ':', 2) IN (
                    SELECT position::text FROM events
                    WHERE aggregate_type = 'Subscription' AND aggregate_id = $1))
                OR strpos(body, $4) > 0
                OR EXISTS (SELECT 1 FROM unnest($5::text[], $6::text[]) AS n(first, last)
                           WHERE strpos(body, n.first) > 0 AND strpos(body, n.last) > 0))",
    )
    .bind(id)
    .bind(ERASED)
    .bind(NOT_SENT)
    .bind(&holder.phone)
    .bind(&holder.first_names)
    .bind(&holder.last_names)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    if let Some(phone) = unused_phone {
        forget_phone_if_unused(pool, &phone).await?;
    }
    tracing::info!(
        subscription = id,
        reason = reason.code(),
        "personal data erased"
    );
    Ok(Outcome::Erased)
}

/// The holder's phone and every name they had, as the subscription's events hold them
/// while its key exists (placeholders once it is gone).
struct Holder {
    phone: String,
    first_names: Vec<String>,
    last_names: Vec<String>,
}

async fn holder_in_clear(
    subscriptions: &CommandExecutor<Subscription>,
    id: &str,
) -> Result<Holder, ErasureError> {
    let mut holder = Holder {
        phone: ERASED.to_owned(),
        first_names: Vec::new(),
        last_names: Vec::new(),
    };
    for event in subscriptions.events(id).await? {
        let (first, last) = match &event {
            SubscriptionEvent::SubscriptionOrdered { details, .. } => {
                details.phone.as_str().clone_into(&mut holder.phone);
                (&details.first_name, &details.last_name)
            }
            SubscriptionEvent::EmployeeDetailsUpdated { details, .. } => {
                (&details.first_name, &details.last_name)
            }
            _ => continue,
        };
        if !first.is_erased() {
            holder.first_names.push(first.to_string());
            holder.last_names.push(last.to_string());
        }
    }
    Ok(holder)
}

/// Once `phone` has no subscription left at any company: its sessions and SMS codes are
/// deleted, and its messages and rate-limit rows forgotten ([`forget_recipient`]).
async fn forget_phone_if_unused(pool: &PgPool, phone: &str) -> Result<(), sqlx::Error> {
    let still_held: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM data_subjects WHERE phone = $1)")
            .bind(phone)
            .fetch_one(pool)
            .await?;
    if still_held {
        return Ok(());
    }
    let mut tx = bedrift_store::begin(pool).await?;
    sqlx::query("DELETE FROM sessions WHERE employee_phone = $1")
        .bind(phone)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM verification_codes WHERE phone = $1")
        .bind(phone)
        .execute(&mut *tx)
        .await?;
    forget_recipient(&mut tx, phone).await?;
    tx.commit().await
}

/// What one retention run erased.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Expired {
    /// Subscriptions whose personal data was erased now.
    pub subscriptions: u64,
    /// Administrators' accounts erased now.
    pub administrators: u64,
}

/// Erases every subscription whose retention has run out on the clock's day: never-charged
/// orders `unused_order_days` after their decision, charged ones after the accounts' years;
/// and finishes erasures a crash interrupted (the event stored, the key not yet deleted).
pub async fn expire(
    pool: &PgPool,
    subscriptions: &CommandExecutor<Subscription>,
    clock: &dyn Clock,
    rules: RetentionRules,
) -> Result<Expired, ErasureError> {
    let today = oslo_date(clock.now());
    // Candidates, a superset read from the ticket list (the subscription's own rules decide
    // each one on its events): never-charged orders decided (or, withdrawn, ordered) before
    // the short period, tickets that ended before the accounts' years; and erasures left
    // unfinished: recorded with the key still there, or a key deleted again after a restore
    // with nothing recorded.
    // A day's margin: the rule counts Oslo days, the list keeps instants.
    let short = clock.now() - chrono::Duration::days(i64::from(rules.unused_order_days) - 1);
    let accounts_from = NaiveDate::from_ymd_opt(today.year() - rules.accounting_years as i32, 1, 1)
        .unwrap_or(NaiveDate::MIN);
    let candidates: Vec<(String,)> = sqlx::query_as(
        "SELECT t.subscription_id::text FROM tickets t
         JOIN data_keys k ON k.aggregate_id = t.subscription_id::text
         WHERE (t.order_status IN ('REJECTED', 'WITHDRAWN')
                AND coalesce(t.decided_at, t.ordered_at) < $1)
            OR (t.order_status = 'APPROVED' AND t.end_date < t.valid_from AND t.ordered_at < $1)
            OR (t.order_status = 'APPROVED' AND t.end_date < $2)
         UNION
         SELECT k.aggregate_id FROM data_keys k
         WHERE EXISTS (SELECT 1 FROM events v
                       WHERE v.aggregate_type = 'Subscription' AND v.aggregate_id = k.aggregate_id
                         AND v.event_type = 'PersonalDataErased')
         UNION
         SELECT e.aggregate_id FROM erasures e
         WHERE EXISTS (SELECT 1 FROM events v
                       WHERE v.aggregate_type = 'Subscription' AND v.aggregate_id = e.aggregate_id
                         AND v.sequence = 1)
           AND NOT EXISTS (SELECT 1 FROM events v
                           WHERE v.aggregate_type = 'Subscription'
                             AND v.aggregate_id = e.aggregate_id
                             AND v.event_type = 'PersonalDataErased')",
    )
    .bind(short)
    .bind(accounts_from)
    .fetch_all(pool)
    .await?;
    let mut expired = Expired::default();
    for (id,) in candidates {
        let subscription = subscriptions.load(&id).await?;
        let Some(ordered) = subscription.ordered() else {
            continue;
        };
        // Reading erased already: recorded with its key not yet deleted (a crash between the
        // two steps), or its key deleted again after a restore with nothing recorded.
        let unfinished = ordered.details.phone.is_erased();
        if !unfinished && !ordered.duty(today, &rules).expired(today, &rules) {
            continue;
        }
        let outcome = erase_subscription(
            pool,
            subscriptions,
            clock,
            &id,
            Actor::System,
            rules,
            Reason::Retention,
        )
        .await?;
        if outcome == Outcome::Erased {
            expired.subscriptions += 1;
        }
    }
    Ok(expired)
}

/// The journal of erased data keys, one `aggregate_id subject erased_at reason` line each,
/// oldest first: ids only, to keep beside the backups.
pub async fn journal(pool: &PgPool) -> Result<String, sqlx::Error> {
    let rows: Vec<(String, Uuid, chrono::DateTime<chrono::Utc>, String)> = sqlx::query_as(
        "SELECT aggregate_id, subject, erased_at, reason FROM erasures ORDER BY erased_at, aggregate_id",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(aggregate, subject, at, reason)| {
            format!("{aggregate} {subject} {} {reason}\n", at.to_rfc3339())
        })
        .collect())
}

/// Deletes again the data keys a journal lists (after a restore from a backup taken before
/// them), and journals them again; returns how many keys it deleted. The read models of a
/// restored database still show those subscriptions' data until the subscriptions record
/// their erasure: retention (or `erase`) does that, and a rebuild shows `[slettet]` at once.
pub async fn replay(pool: &PgPool, journal: &str) -> Result<u64, sqlx::Error> {
    let mut deleted = 0;
    let mut tx = bedrift_store::begin(pool).await?;
    for line in journal.lines().filter(|l| !l.trim().is_empty()) {
        let mut fields = line.split_whitespace();
        let (Some(aggregate), Some(subject), _, Some(reason)) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            return Err(sqlx::Error::Protocol(format!(
                "not a journal line: {line:?}"
            )));
        };
        let subject: Uuid = subject
            .parse()
            .map_err(|_| sqlx::Error::Protocol(format!("not a subject id: {subject:?}")))?;
        let reason = Reason::from_code(reason)
            .ok_or_else(|| sqlx::Error::Protocol(format!("not a reason: {reason:?}")))?;
        deleted += sqlx::query("DELETE FROM data_keys WHERE aggregate_id = $1 AND subject = $2")
            .bind(aggregate)
            .bind(subject)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query(
            "INSERT INTO erasures (aggregate_id, subject, reason) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
        )
        .bind(aggregate)
        .bind(subject)
        .bind(reason.code())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(deleted)
}

/// What became of an administrator's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountOutcome {
    /// Erased: the account (with its sessions and links), its name and e-mail address in the
    /// companies' events, and the texts of the messages sent to it.
    Erased,
    /// No account has this address (messages to it, if any, were erased all the same).
    NoAccount,
    /// Still an administrator of these companies: remove them there first.
    KeptWhileAdministering(Vec<Uuid>),
    /// An operator's account: staff, kept while they are (remove it with the staff routines).
    Operator,
}

/// Erases the data of the administrator with `email` if they administer no company any
/// longer (decided on the companies' own events, not on a read model).
pub async fn erase_account(
    pool: &PgPool,
    companies: &CommandExecutor<Company>,
    email: &EmailAddress,
    reason: Reason,
) -> Result<AccountOutcome, ErasureError> {
    match find_account_by_email(pool, email).await? {
        Some(account) => erase_found_account(pool, companies, &account, reason).await,
        None => {
            forget_address(pool, &login_email(email)).await?;
            Ok(AccountOutcome::NoAccount)
        }
    }
}

async fn erase_found_account(
    pool: &PgPool,
    companies: &CommandExecutor<Company>,
    account: &Account,
    reason: Reason,
) -> Result<AccountOutcome, ErasureError> {
    if account.kind == AccountKind::Operator {
        return Ok(AccountOutcome::Operator);
    }
    let id = account.id.as_uuid();
    let invited_at: Vec<String> =
        sqlx::query_scalar("SELECT aggregate_id FROM data_keys WHERE subject = $1")
            .bind(id)
            .fetch_all(pool)
            .await?;
    let mut administering = Vec::new();
    for company in invited_at {
        if companies
            .load(&company)
            .await?
            .administrators
            .contains_key(&account.id)
        {
            administering.push(
                company
                    .parse()
                    .map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
            );
        }
    }
    if !administering.is_empty() {
        return Ok(AccountOutcome::KeptWhileAdministering(administering));
    }
    let mut tx = bedrift_store::begin(pool).await?;
    // As for a subscription: a batch that opened the administrator's data commits first.
    bedrift_projections::hold_back_batches(&mut tx).await?;
    let erased: Vec<String> = sqlx::query_scalar(
        "WITH gone AS (DELETE FROM data_keys WHERE subject = $1 RETURNING aggregate_id, subject)
         INSERT INTO erasures (aggregate_id, subject, reason)
         SELECT aggregate_id, subject, $2 FROM gone
         ON CONFLICT DO NOTHING
         RETURNING aggregate_id",
    )
    .bind(id)
    .bind(reason.code())
    .fetch_all(&mut *tx)
    .await?;
    // Sessions and one-time links go with the account (ON DELETE CASCADE).
    sqlx::query("DELETE FROM accounts WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    forget_address(pool, account.email.as_str()).await?;
    tracing::info!(account = %id, companies = erased.len(), reason = reason.code(), "administrator's personal data erased");
    Ok(AccountOutcome::Erased)
}

/// The messages to an administrator's `address` are forgotten (see [`forget_recipient`]).
async fn forget_address(pool: &PgPool, address: &str) -> Result<(), sqlx::Error> {
    let mut tx = bedrift_store::begin(pool).await?;
    forget_recipient(&mut tx, address).await?;
    tx.commit().await
}

/// The messages to `recipient` (a phone or an address) keep a masked recipient and no text
/// (one still waiting is not sent); its rate-limit rows go.
async fn forget_recipient(tx: &mut sqlx::PgConnection, recipient: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM rate_limits WHERE strpos(key, $1) > 0")
        .bind(recipient)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE outbox SET recipient = $2, body = $3, subject = NULL,
                last_error = CASE status WHEN 'PENDING' THEN $4 ELSE NULL END,
                status = CASE status WHEN 'PENDING' THEN 'FAILED' ELSE status END
         WHERE recipient = $1",
    )
    .bind(recipient)
    .bind(crate::auth::mask(recipient))
    .bind(ERASED)
    .bind(NOT_SENT)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Erases the data of administrators who have administered no company for `days` days
/// (counted from their last removal); returns how many.
pub async fn expire_accounts(
    pool: &PgPool,
    companies: &CommandExecutor<Company>,
    clock: &dyn Clock,
    days: u32,
) -> Result<u64, ErasureError> {
    let cutoff = clock.now() - chrono::Duration::days(i64::from(days));
    let due = sqlx::query(&format!(
        "SELECT {ACCOUNT_COLUMNS} FROM accounts
         WHERE accounts.kind = 'ADMINISTRATOR'
           AND NOT EXISTS (SELECT 1 FROM company_administrators c
                           WHERE c.account_id = accounts.id)
           AND coalesce((SELECT max(e.recorded_at) FROM events e
                         WHERE e.aggregate_type = 'Company'
                           AND e.event_type = 'AdministratorRemoved'
                           AND e.payload -> 'AdministratorRemoved' ->> 'account'
                               = accounts.id::text),
                        accounts.created_at) < $1"
    ))
    .bind(cutoff)
    .fetch_all(pool)
    .await?;
    let mut erased = 0;
    for row in &due {
        let account = Account::from_row(row)?;
        if erase_found_account(pool, companies, &account, Reason::Retention).await?
            == AccountOutcome::Erased
        {
            erased += 1;
        }
    }
    Ok(erased)
}
