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
    -- A global order over all aggregates, for the projector: it reads `position > checkpoint`
    -- in position order. Identity values are handed out at insert but become visible at
    -- commit, out of order, so a reader must not look past a gap that a running transaction
    -- may still fill; see tx_id.
    position       bigint      GENERATED ALWAYS AS IDENTITY,
    -- The writing transaction. The projector reads only events whose transaction is older than
    -- every transaction still running (tx_id < pg_snapshot_xmin(pg_current_snapshot())), below
    -- which no gap in `position` can still be filled, so no event is skipped for ever.
    tx_id          xid8        NOT NULL DEFAULT pg_current_xact_id(),
    -- When the database stored the event (the command's own instant is in the metadata).
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (aggregate_type, aggregate_id, sequence)
);

-- The projector's read path: `WHERE position > $1 ORDER BY position LIMIT n`.
CREATE UNIQUE INDEX events_position_key ON events (position);

COMMENT ON TABLE events IS
    'The event log (source of truth). Written by postgres-es; read by the projector by position.';
