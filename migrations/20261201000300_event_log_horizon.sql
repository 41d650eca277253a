-- The safe horizon of this database's event log: the oldest transaction id that may still add
-- events to it. Readers take events with tx_id below it, in (tx_id, position) order, so no
-- event can ever commit behind them (see 20261127000001_events.sql).
--
-- PostgreSQL's own horizon, pg_snapshot_xmin(pg_current_snapshot()), counts every running
-- transaction of the whole server, so one long transaction in another database (a second
-- service, a migration, a test next door) held this database's projector and feed back for
-- as long as it ran. Here a running transaction is left out only when pg_stat_activity places
-- it in another database; one that cannot be placed (a prepared transaction, a session whose
-- details this role may not see, one that began after the activity was read) still counts.
-- Transaction ids are never reused, so a transaction seen in another database can never be
-- one of ours: leaving it out never passes an event that may yet commit here.
--
-- STABLE: evaluated once per statement, so `tx_id < event_log_horizon()` can use the index.
CREATE FUNCTION event_log_horizon() RETURNS xid8
    LANGUAGE sql STABLE
AS $$
    WITH snapshot AS MATERIALIZED (SELECT pg_current_snapshot() AS taken),
         elsewhere AS MATERIALIZED (
             SELECT backend_xid FROM pg_stat_activity
             WHERE backend_xid IS NOT NULL
               AND datid <> (SELECT oid FROM pg_database WHERE datname = current_database()))
    SELECT coalesce(
        (SELECT min(running)
         FROM snapshot, pg_snapshot_xip(snapshot.taken) AS running
         -- an xid8's low 32 bits are the xid that pg_stat_activity shows
         WHERE (running::text::numeric % 4294967296)::text::xid
               NOT IN (SELECT backend_xid FROM elsewhere)),
        (SELECT pg_snapshot_xmax(taken) FROM snapshot))
$$;
