-- Wakes the projector: every statement that inserts events sends a NOTIFY on the channel
-- `events`, delivered to listeners when (and only if) the writing transaction commits. The
-- payload is empty on purpose: the listener reads the table from its checkpoint anyway, and
-- identical notifications of one transaction are folded into one by PostgreSQL. Statement level
-- rather than row level, so a command that appends several events costs one notification.
-- The projector still polls slowly as a fallback, since a notification sent while it was
-- reconnecting is lost.
CREATE FUNCTION events_notify() RETURNS trigger
    LANGUAGE plpgsql
AS
$$
BEGIN
    PERFORM pg_notify('events', '');
    RETURN NULL;
END;
$$;

CREATE TRIGGER events_notify
    AFTER INSERT
    ON events
    FOR EACH STATEMENT
EXECUTE FUNCTION events_notify();
