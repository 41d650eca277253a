//! What the service holds about one person, as one readable JSON document (the right of access,
//! GDPR article 15): for a mobile number (an employee, at every company) or an e-mail address
//! (an administrator's or operator's account). The holder downloads theirs at `/mine`
//! (`GET /mine/data.json` with the personal session); an operator makes one with
//! `bedrift privacy export --phone ... | --email ...`.
//!
//! For a phone: each subscription as the ticket list holds it, with every event of its history
//! as stored (their payloads are that person's order and its changes), the messages sent to the
//! number, and the sessions and SMS codes made for it (times only). For an e-mail address: the
//! account (without its password hash), the companies it administers, its one-time links and
//! sessions (times only) and the messages sent to the address. Secrets (token and code hashes)
//! are never included: they identify nothing and would only help an attacker.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use bedrift_domain::values::{EmailAddress, PhoneNumber};
use bedrift_store::sealing::{self, EventRef, Keys, SealError};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use sqlx::PgPool;

use crate::auth::Principal;
use crate::graphql::ApiError;
use crate::reports::http::{caller, respond, Download};
use crate::AppState;

/// The route of the holder's own download.
pub fn routes(state: AppState) -> Router {
    Router::new()
        .route("/mine/data.json", get(mine))
        .with_state(state)
}

/// `GET /mine/data.json`: everything about the phone of the personal session (`/mine`).
/// Another session (an employee's through an order link, an administrator's) is `FORBIDDEN`:
/// it does not prove that the caller owns the number at every company.
#[tracing::instrument(skip_all)]
async fn mine(
    State(state): State<AppState>,
    extensions: axum::http::Extensions,
    headers: HeaderMap,
) -> Response {
    respond(async {
        let caller = caller(&state, &headers, &extensions).await?;
        let Principal::Holder { phone } = caller.principal()? else {
            return Err(ApiError::Forbidden(
                "log in at /mine with your phone number to download your data".to_owned(),
            ));
        };
        let document = for_phone(&state.pool, phone, state.clock.now()).await?;
        Ok(Download {
            name: "mine-data.json".to_owned(),
            content_type: "application/json",
            bytes: serde_json::to_vec_pretty(&document).map_err(|e| ApiError::internal(&e))?,
        })
    })
    .await
}

/// Everything held about `phone`, made at `now`.
pub async fn for_phone(
    pool: &PgPool,
    phone: &PhoneNumber,
    now: DateTime<Utc>,
) -> Result<Value, sqlx::Error> {
    let phone = phone.as_str();
    let subscriptions = documents(
        pool,
        "SELECT to_jsonb(t) || jsonb_build_object('company', c.name, 'history', coalesce((
                    SELECT jsonb_agg(jsonb_build_object('type', e.event_type,
                               'sequence', e.sequence,
                               'occurredAt', e.metadata->>'occurred_at', 'recorded', e.payload)
                           ORDER BY e.sequence)
                    FROM events e
                    WHERE e.aggregate_type = 'Subscription'
                      AND e.aggregate_id = t.subscription_id::text), '[]'::jsonb))
         FROM tickets t LEFT JOIN companies c ON c.company_id = t.company_id
         WHERE t.phone = $1 ORDER BY t.ordered_position",
        phone,
    )
    .await?;
    let subscriptions = open_histories(pool, subscriptions).await?;
    let sessions = documents(
        pool,
        "SELECT jsonb_build_object('companyId', employee_company, 'createdAt', created_at,
                    'expiresAt', expires_at, 'endedAt', revoked_at)
         FROM sessions WHERE employee_phone = $1 ORDER BY created_at",
        phone,
    )
    .await?;
    let codes = documents(
        pool,
        "SELECT jsonb_build_object('companyId', company_id, 'createdAt', created_at,
                    'expiresAt', expires_at, 'wrongAttempts', attempts)
         FROM verification_codes WHERE phone = $1 ORDER BY created_at",
        phone,
    )
    .await?;
    Ok(json!({
        "about": { "phone": phone },
        "madeAt": now,
        "subscriptions": subscriptions,
        "messages": messages_to(pool, phone).await?,
        "sessions": sessions,
        "smsCodes": codes,
    }))
}

/// The subscriptions' histories with their sealed personal data opened, so the person reads
/// what they entered (an erased subscription keeps reading `[slettet]`).
async fn open_histories(
    pool: &PgPool,
    mut subscriptions: Vec<Value>,
) -> Result<Vec<Value>, sqlx::Error> {
    let ids: Vec<String> = subscriptions
        .iter()
        .filter_map(|s| s.get("subscription_id")?.as_str().map(str::to_owned))
        .collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut conn = pool.acquire().await?;
    let keys = Keys::fetch(&mut conn, &ids).await.map_err(|e| match e {
        SealError::Database(e) => e,
        other => sqlx::Error::Decode(Box::new(other)),
    })?;
    for subscription in &mut subscriptions {
        let Some(id) = subscription
            .get("subscription_id")
            .and_then(Value::as_str)
            .map(str::to_owned)
        else {
            continue;
        };
        let Some(Value::Array(history)) = subscription.get_mut("history") else {
            continue;
        };
        for entry in history {
            let event_type = entry["type"].as_str().unwrap_or_default().to_owned();
            let sequence = entry["sequence"].as_i64().unwrap_or_default();
            let reference = EventRef {
                aggregate_type: "Subscription",
                aggregate_id: &id,
                sequence,
                event_type: &event_type,
            };
            sealing::open(reference, &mut entry["recorded"], None, &keys)
                .map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
        }
    }
    Ok(subscriptions)
}

/// Everything held about the account of `email`, made at `now`; `None` when no account has
/// that address (messages alone are still listed then).
pub async fn for_email(
    pool: &PgPool,
    email: &EmailAddress,
    now: DateTime<Utc>,
) -> Result<Value, sqlx::Error> {
    let email = email.as_str();
    let account: Option<(uuid::Uuid, Value)> = sqlx::query_as(
        "SELECT id, jsonb_build_object('id', id, 'kind', kind, 'email', email, 'name', name,
                    'createdAt', created_at, 'lastLoginAt', last_login_at,
                    'hasPassword', password_hash IS NOT NULL)
         FROM accounts WHERE email = lower($1)",
    )
    .bind(email)
    .fetch_optional(pool)
    .await?;
    let (companies, links, sessions) = match &account {
        None => (Vec::new(), Vec::new(), Vec::new()),
        Some((id, _)) => {
            let companies = documents(
                pool,
                "SELECT jsonb_build_object('companyId', a.company_id, 'company', c.name,
                            'name', a.name, 'email', a.email, 'orderNotice', a.order_notice)
                 FROM company_administrators a LEFT JOIN companies c ON c.company_id = a.company_id
                 WHERE a.account_id = $1 ORDER BY c.name",
                id,
            )
            .await?;
            let links = documents(
                pool,
                "SELECT jsonb_build_object('kind', kind, 'createdAt', created_at,
                            'expiresAt', expires_at, 'usedAt', used_at)
                 FROM one_time_tokens WHERE account_id = $1 ORDER BY created_at",
                id,
            )
            .await?;
            let sessions = documents(
                pool,
                "SELECT jsonb_build_object('createdAt', created_at, 'expiresAt', expires_at,
                            'endedAt', revoked_at)
                 FROM sessions WHERE account_id = $1 ORDER BY created_at",
                id,
            )
            .await?;
            (companies, links, sessions)
        }
    };
    Ok(json!({
        "about": { "email": email },
        "madeAt": now,
        "account": account.map(|(_, a)| a),
        "administratorOf": companies,
        "oneTimeLinks": links,
        "sessions": sessions,
        "messages": messages_to(pool, email).await?,
    }))
}

/// The rows of `sql`, one JSON document each, for its one parameter `key`.
async fn documents<K>(pool: &PgPool, sql: &'static str, key: K) -> Result<Vec<Value>, sqlx::Error>
where
    K: for<'q> sqlx::Encode<'q, sqlx::Postgres> + sqlx::Type<sqlx::Postgres> + Send,
{
    sqlx::query_scalar(sql).bind(key).fetch_all(pool).await
}

/// The messages in the outbox to `recipient`, oldest first (a text past its retention reads
/// `[slettet]`, see `crate::retention`).
async fn messages_to(pool: &PgPool, recipient: &str) -> Result<Vec<Value>, sqlx::Error> {
    documents(
        pool,
        "SELECT jsonb_build_object('channel', channel, 'status', status, 'subject', subject,
                    'text', body, 'queuedAt', created_at, 'sentAt', sent_at)
         FROM outbox WHERE recipient = $1 AND channel <> 'WEBHOOK' ORDER BY id",
        recipient,
    )
    .await
}
