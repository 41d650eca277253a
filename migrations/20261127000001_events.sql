-- The event log: the only source of truth of Bedriftsbillett. Every read model is a function of
-- this table and can be rebuilt from it.
--
-- postgres-es 0.5 writes the first seven columns by name
--   INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version,
--                       payload, metadata)
-- and reads `sequence` as a bigint; the columns after them are filled by their defaults.
CREATE TABLE events
(
    -- The aggregate's `TYPE`: a storage key that never changes once events exist.
    aggregate_type text        NOT NULL,
    aggregate_id   text        NOT NULL,
    -- 1, 2, 3, ... per aggregate. Together with the primary key it is the optimistic lock: two
    -- commands that loaded the same version both write the same sequence, and the second insert
    -- fails with a unique violation (23505), which postgres-es reports as AggregateConflict.
    sequence       bigint      NOT NULL CHECK (sequence >= 1),
    -- Name and version of the event's schema, so an old version can be upcast when loaded.
    event_type     text        NOT NULL,
    event_version  text        NOT NULL,
    -- jsonb rather than postgres-es's json: validated once on write, indexable, and queried by
    -- the audit tools without reparsing text.
    payload        jsonb       NOT NULL,
    -- Actor, occurred-at and correlation id of the command that caused the event.
    metadata       jsonb       NOT NULL,
    -- A global number for every event, increasing within a transaction. Identity values are
    -- drawn at insert and become visible at commit, in neither transaction-id nor commit
    -- order, so position alone is not a safe reading order; see tx_id.
    position       bigint      GENERATED ALWAYS AS IDENTITY,
    -- The writing transaction. The projector reads in (tx_id, position) order, and only events
    -- whose transaction is older than every transaction still running
    -- (tx_id < pg_snapshot_xmin(pg_current_snapshot())): below that no running or future
    -- transaction can add an event, so no event is skipped for ever.
    tx_id          xid8        NOT NULL DEFAULT pg_current_xact_id(),
    -- When the database stored the event (the command's own instant is in the metadata).
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (aggregate_type, aggregate_id, sequence)
);

CREATE UNIQUE INDEX events_position_key ON events (position);

-- The projector's read path: `WHERE (tx_id, position) > checkpoint AND tx_id < oldest running
-- ORDER BY tx_id, position LIMIT n`. Ordered by transaction first because positions are drawn
-- out of transaction order (see store/src/positions.rs).
CREATE INDEX events_projector_order ON events (tx_id, position);

COMMENT ON TABLE events IS
    'The event log (source of truth). Written by postgres-es; read by the projector in (tx_id, position) order.';
