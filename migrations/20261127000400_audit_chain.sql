-- Audit (SPEC.md "Audit"): a tamper-evident hash chain over each aggregate's events, computed
-- by the database on insert, so that no writer (postgres-es, the bench generator, psql) can
-- skip it or supply its own hash.
--
--   hash(n) = sha256(hash(n - 1) || encoding of event n),   hash(0) = '' (the empty string)
--
-- where the encoding is, in this order, each text field as its UTF-8 byte length (4 bytes,
-- big-endian) followed by its UTF-8 bytes, and the sequence as 8 bytes big-endian:
--   aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata
-- with payload and metadata in PostgreSQL's canonical text form of jsonb (`jsonb::text`: keys
-- sorted, no insignificant white space). `bedrift audit verify` recomputes every chain outside
-- the database (bedrift_store::chain) and names the first broken link. A changed payload,
-- sequence or metadata, a deleted or reordered event all break a link; only rewriting a whole
-- chain's tail with fresh hashes does not, which the change log below makes visible.

-- Length-prefixed UTF-8 bytes of one field.
CREATE FUNCTION event_chain_field(value text) RETURNS bytea
    LANGUAGE sql
    STABLE
    STRICT
    PARALLEL SAFE
AS
$$
SELECT int4send(length(convert_to(value, 'UTF8'))) || convert_to(value, 'UTF8')
$$;

-- The hash of one event given the hash of the event before it ('' for the first).
CREATE FUNCTION event_chain_hash(previous bytea, aggregate_type text, aggregate_id text,
                                 sequence bigint, event_type text, event_version text,
                                 payload jsonb, metadata jsonb) RETURNS bytea
    LANGUAGE sql
    STABLE
    STRICT
    PARALLEL SAFE
AS
$$
SELECT sha256(previous
                  || event_chain_field(aggregate_type)
                  || event_chain_field(aggregate_id)
                  || int8send(sequence)
                  || event_chain_field(event_type)
                  || event_chain_field(event_version)
                  || event_chain_field(payload::text)
                  || event_chain_field(metadata::text))
$$;

-- The chain as an aggregate, so that a window over one aggregate's events in sequence order
-- yields each event's hash in one pass (used by the backfill below).
CREATE AGGREGATE event_chain(text, text, bigint, text, text, jsonb, jsonb) (
    SFUNC = event_chain_hash,
    STYPE = bytea,
    INITCOND = ''
    );

ALTER TABLE events
    ADD COLUMN hash bytea;

-- Events stored before this migration, chained in one pass.
UPDATE events
SET hash = chained.hash
FROM (SELECT aggregate_type,
             aggregate_id,
             sequence,
             event_chain(aggregate_type, aggregate_id, sequence, event_type, event_version,
                         payload, metadata)
             OVER (PARTITION BY aggregate_type, aggregate_id ORDER BY sequence
                 ROWS UNBOUNDED PRECEDING) AS hash
      FROM events) AS chained
WHERE (events.aggregate_type, events.aggregate_id, events.sequence)
          = (chained.aggregate_type, chained.aggregate_id, chained.sequence);

ALTER TABLE events
    ALTER COLUMN hash SET NOT NULL;

COMMENT ON COLUMN events.hash IS
    'sha256(previous event''s hash || this event''s encoding), set by the events_chain trigger; see migration 20261127000400.';

-- Sets the hash of every inserted event, whatever the writer put there. The cost on the write
-- path is one primary-key lookup of the previous event (usually already cached: the command
-- just loaded it) and one sha256. A row-level BEFORE trigger sees the rows that earlier rows of
-- the same statement inserted, so a multi-row insert chains correctly when it lists each
-- aggregate's events in sequence order, as postgres-es and the bench generator do.
CREATE FUNCTION events_chain() RETURNS trigger
    LANGUAGE plpgsql
AS
$$
DECLARE
    previous bytea;
BEGIN
    IF NEW.sequence = 1 THEN
        previous := ''::bytea;
    ELSE
        SELECT hash
        INTO previous
        FROM events
        WHERE aggregate_type = NEW.aggregate_type
          AND aggregate_id = NEW.aggregate_id
          AND sequence = NEW.sequence - 1;
        IF previous IS NULL THEN
            -- The same SQLSTATE as a foreign key: the event refers to one that is not there.
            RAISE EXCEPTION 'event % of % % follows no stored event', NEW.sequence,
                NEW.aggregate_type, NEW.aggregate_id
                USING ERRCODE = 'foreign_key_violation';
        END IF;
    END IF;
    NEW.hash := event_chain_hash(previous, NEW.aggregate_type, NEW.aggregate_id, NEW.sequence,
                                 NEW.event_type, NEW.event_version, NEW.payload, NEW.metadata);
    RETURN NEW;
END;
$$;

CREATE TRIGGER events_chain
    BEFORE INSERT
    ON events
    FOR EACH ROW
EXECUTE FUNCTION events_chain();

-- The log is append-only; nothing in the service updates or deletes events. Should anyone do
-- it anyway (an operator removing an event that cannot be decoded, or someone covering their
-- tracks), the change is recorded here with the old and new rows, and `bedrift audit verify`
-- reports it. Only the table's owner can get past this, by disabling the triggers, and then
-- the chain still shows every changed or removed event but the last of a chain.
CREATE TABLE event_changes
(
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    changed_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    changed_by     text        NOT NULL DEFAULT session_user,
    operation      text        NOT NULL CHECK (operation IN ('UPDATE', 'DELETE', 'TRUNCATE')),
    -- The event's key before the change (NULL for TRUNCATE).
    aggregate_type text,
    aggregate_id   text,
    sequence       bigint,
    position       bigint,
    old_row        jsonb,
    new_row        jsonb
);

CREATE FUNCTION events_record_change() RETURNS trigger
    LANGUAGE plpgsql
AS
$$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        INSERT INTO event_changes (operation) VALUES ('TRUNCATE');
        RETURN NULL;
    END IF;
    INSERT INTO event_changes (operation, aggregate_type, aggregate_id, sequence, position,
                               old_row, new_row)
    VALUES (TG_OP, OLD.aggregate_type, OLD.aggregate_id, OLD.sequence, OLD.position,
            to_jsonb(OLD), CASE WHEN TG_OP = 'UPDATE' THEN to_jsonb(NEW) END);
    RETURN NULL;
END;
$$;

CREATE TRIGGER events_record_change
    AFTER UPDATE OR DELETE
    ON events
    FOR EACH ROW
EXECUTE FUNCTION events_record_change();

CREATE TRIGGER events_record_truncate
    AFTER TRUNCATE
    ON events
    FOR EACH STATEMENT
EXECUTE FUNCTION events_record_change();
