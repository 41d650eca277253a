//! The event repository: postgres-es's, with personal data sealed on the way in and opened on
//! the way out (`crate::sealing`). Appending seals inside the append's own transaction, so a
//! subscription's data key is made in the same commit as its first event (an order that the
//! claims refuse leaves no key behind); a lone event without personal data is one INSERT.
//! Loading reads each event with its aggregate's keys in one statement.

use cqrs_es::persist::{
    PersistedEventRepository, PersistenceError, ReplayStream, SerializedEvent, SerializedSnapshot,
};
use cqrs_es::Aggregate;
use postgres_es::PostgresEventRepository;
use serde_json::Value;
use sqlx::{PgConnection, PgPool, Row};

use bedrift_domain::personal::{key_owner, KeyOwner};

use crate::sealing::{self, DataKey, EventRef, KeyFor, Keys, SealError};

/// postgres-es's repository with sealing. Snapshots and replay streams are postgres-es's
/// own; this service uses neither (events only, see ARCHITECTURE in docs/architecture.md).
pub struct SealedEventRepository {
    pool: PgPool,
    inner: PostgresEventRepository,
}

impl SealedEventRepository {
    /// A repository over the `events` table of `pool`.
    pub fn new(pool: PgPool) -> Self {
        Self {
            inner: PostgresEventRepository::new(pool.clone()),
            pool,
        }
    }
}

impl From<SealError> for PersistenceError {
    fn from(error: SealError) -> Self {
        match error {
            SealError::Database(e) => database_error(e),
            other => PersistenceError::UnknownError(Box::new(other)),
        }
    }
}

/// As postgres-es maps them: a duplicate key is a lost race (optimistic lock); anything else
/// keeps the `sqlx::Error` itself, so a refused claim can be recognised by its constraint.
fn database_error(error: sqlx::Error) -> PersistenceError {
    match &error {
        sqlx::Error::Database(database) if database.code().as_deref() == Some("23505") => {
            PersistenceError::OptimisticLockError
        }
        sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::PoolTimedOut => {
            PersistenceError::ConnectionError(Box::new(error))
        }
        _ => PersistenceError::UnknownError(Box::new(error)),
    }
}

/// The events of one aggregate after `after`, in sequence order, opened.
async fn select_events(
    pool: &PgPool,
    aggregate_type: &str,
    aggregate_id: &str,
    after: i64,
) -> Result<Vec<SerializedEvent>, PersistenceError> {
    let mut conn = pool.acquire().await.map_err(database_error)?;
    let rows = sqlx::query(
        "SELECT sequence, event_type, event_version, payload, metadata,
                (SELECT coalesce(array_agg(k.subject), '{}') FROM data_keys k
                 WHERE k.aggregate_id = $2) AS subjects,
                (SELECT coalesce(array_agg(k.key), '{}') FROM data_keys k
                 WHERE k.aggregate_id = $2) AS keys
         FROM events
         WHERE aggregate_type = $1 AND aggregate_id = $2 AND sequence > $3
         ORDER BY sequence",
    )
    .bind(aggregate_type)
    .bind(aggregate_id)
    .bind(after)
    .fetch_all(&mut *conn)
    .await
    .map_err(database_error)?;
    let mut keys = Keys::default();
    if let Some(first) = rows.first() {
        let subjects: Vec<uuid::Uuid> = first.try_get("subjects").map_err(database_error)?;
        let bytes: Vec<Vec<u8>> = first.try_get("keys").map_err(database_error)?;
        for (subject, bytes) in subjects.into_iter().zip(bytes) {
            keys.insert(aggregate_id, DataKey::from_stored(subject, &bytes)?);
        }
    }
    rows.into_iter()
        .map(|row| {
            let sequence: i64 = row.try_get("sequence").map_err(database_error)?;
            let event_type: String = row.try_get("event_type").map_err(database_error)?;
            let mut payload: Value = row.try_get("payload").map_err(database_error)?;
            let mut metadata: Value = row.try_get("metadata").map_err(database_error)?;
            sealing::open(
                EventRef {
                    aggregate_type,
                    aggregate_id,
                    sequence,
                    event_type: &event_type,
                },
                &mut payload,
                Some(&mut metadata),
                &keys,
            )?;
            Ok(SerializedEvent {
                aggregate_id: aggregate_id.to_owned(),
                sequence: usize::try_from(sequence).unwrap_or_default(),
                aggregate_type: aggregate_type.to_owned(),
                event_type,
                event_version: row.try_get("event_version").map_err(database_error)?,
                payload,
                metadata,
            })
        })
        .collect()
}

/// Seals `events` (all of one aggregate, in order) inside `conn`'s transaction: a
/// subscription's under its own key (made with its order), an administrator's data in a
/// company's events under their key at that company (made with their first event there).
pub(crate) async fn seal_events(
    conn: &mut PgConnection,
    events: &mut [SerializedEvent],
) -> Result<(), SealError> {
    let mut keys: Vec<(KeyOwner, Option<DataKey>)> = Vec::new();
    for event in events.iter_mut() {
        if !has_personal_data(event) {
            continue;
        }
        let reference = EventRef {
            aggregate_type: &event.aggregate_type,
            aggregate_id: &event.aggregate_id,
            sequence: i64::try_from(event.sequence).unwrap_or(i64::MAX),
            event_type: &event.event_type,
        };
        let owner = event
            .payload
            .get(&event.event_type)
            .map_or(KeyOwner::Subscription, |body| {
                key_owner(&event.aggregate_type, body)
            });
        let key = match keys.iter().find(|(o, _)| *o == owner) {
            Some((_, key)) => key.clone(),
            None => {
                let key = owners_key(conn, event, owner).await?;
                keys.push((owner, key.clone()));
                key
            }
        };
        sealing::seal(
            reference,
            &mut event.payload,
            Some(&mut event.metadata),
            key.as_ref(),
        )?;
    }
    Ok(())
}

/// The key that seals `owner`'s data in `event`'s aggregate: made with a subscription's
/// order or an administrator's first event there, else the subscription's existing one
/// (`None` once erased: its data is not written again).
async fn owners_key(
    conn: &mut PgConnection,
    event: &SerializedEvent,
    owner: KeyOwner,
) -> Result<Option<DataKey>, SealError> {
    let made = match owner {
        KeyOwner::Account(account) => KeyFor::Account(account),
        KeyOwner::Subscription => {
            let order = event
                .payload
                .get(&event.event_type)
                .filter(|_| event.sequence == 1)
                .and_then(sealing::order_holder);
            match order {
                Some((company, phone)) => KeyFor::Holder { company, phone },
                None => return sealing::key_of(conn, &event.aggregate_id).await,
            }
        }
    };
    sealing::make_key(conn, &event.aggregate_id, made)
        .await
        .map(Some)
}

/// Whether `event` holds personal data to seal (in its body or its actor).
fn has_personal_data(event: &SerializedEvent) -> bool {
    let reference = EventRef {
        aggregate_type: &event.aggregate_type,
        aggregate_id: &event.aggregate_id,
        sequence: i64::try_from(event.sequence).unwrap_or(i64::MAX),
        event_type: &event.event_type,
    };
    sealing::has_personal_data(reference, &event.payload, Some(&event.metadata))
}

/// Appends `event` of an `A` on `conn`.
async fn insert_event<A: Aggregate>(
    conn: &mut PgConnection,
    event: &SerializedEvent,
) -> Result<(), PersistenceError> {
    sqlx::query(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type,
                             event_version, payload, metadata)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(A::TYPE)
    .bind(&event.aggregate_id)
    .bind(i64::try_from(event.sequence).unwrap_or(i64::MAX))
    .bind(&event.event_type)
    .bind(&event.event_version)
    .bind(&event.payload)
    .bind(&event.metadata)
    .execute(conn)
    .await
    .map_err(database_error)?;
    Ok(())
}

impl PersistedEventRepository for SealedEventRepository {
    async fn get_events<A: Aggregate>(
        &self,
        aggregate_id: &str,
    ) -> Result<Vec<SerializedEvent>, PersistenceError> {
        select_events(&self.pool, A::TYPE, aggregate_id, 0).await
    }

    async fn get_last_events<A: Aggregate>(
        &self,
        aggregate_id: &str,
        last_sequence: usize,
    ) -> Result<Vec<SerializedEvent>, PersistenceError> {
        let after = i64::try_from(last_sequence).unwrap_or(i64::MAX);
        select_events(&self.pool, A::TYPE, aggregate_id, after).await
    }

    async fn get_snapshot<A: Aggregate>(
        &self,
        aggregate_id: &str,
    ) -> Result<Option<SerializedSnapshot>, PersistenceError> {
        self.inner.get_snapshot::<A>(aggregate_id).await
    }

    async fn persist<A: Aggregate>(
        &self,
        events: &[SerializedEvent],
        snapshot_update: Option<(String, Value, usize)>,
    ) -> Result<(), PersistenceError> {
        if snapshot_update.is_some() {
            return Err(PersistenceError::UnknownError(
                "snapshots are not used: every aggregate is folded from its events".into(),
            ));
        }
        let mut events = events.to_vec();
        if let [event] = events.as_slice() {
            if !has_personal_data(event) {
                // One row, nothing to seal: the INSERT (with its triggers: the chain, the
                // claims, the notification) is atomic by itself, and BEGIN and COMMIT would
                // be two more round trips. Most commands after an order append just this.
                let mut conn = self.pool.acquire().await.map_err(database_error)?;
                return insert_event::<A>(&mut conn, event).await;
            }
        }
        let mut tx = crate::begin(&self.pool).await.map_err(database_error)?;
        seal_events(&mut tx, &mut events).await?;
        for event in &events {
            insert_event::<A>(&mut tx, event).await?;
        }
        tx.commit().await.map_err(database_error)?;
        Ok(())
    }

    async fn stream_events<A: Aggregate>(
        &self,
        _aggregate_id: &str,
    ) -> Result<ReplayStream, PersistenceError> {
        Err(unopened_stream())
    }

    async fn stream_all_events<A: Aggregate>(&self) -> Result<ReplayStream, PersistenceError> {
        Err(unopened_stream())
    }
}

/// Replay streams would hand out sealed events unopened; nothing here replays through
/// cqrs-es (the projector reads the log itself), so they are refused rather than wrong.
fn unopened_stream() -> PersistenceError {
    PersistenceError::UnknownError(
        "replay streams are not offered: the projector reads the log with its keys".into(),
    )
}
