-- Session consistency (R19): the log position of the newest event a session wrote, in the
-- projector's order (transaction id, position; see store/src/positions.rs). The session's
-- later queries wait, bounded, until every read model has passed it. Kept with the session
-- rather than in a replica's memory, so a query reaching another replica waits as well.
-- NULL until the session writes.
ALTER TABLE sessions
    ADD COLUMN last_written_tx_id    bigint,
    ADD COLUMN last_written_position bigint,
    ADD CHECK ((last_written_tx_id IS NULL) = (last_written_position IS NULL));
