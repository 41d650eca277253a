-- The outbox (SPEC.md "Notifications"): every SMS and e-mail, written in the same transaction
-- as what caused it, then delivered by the dispatcher with retries. Replaces `dev_outbox`.
--
-- message_id is the message's identity towards providers (the SMS gateway's Idempotency-Key,
-- the e-mail's Message-ID), so a message resent after a crash is recognised as the same one.
-- cause names the event that caused an event-driven message (`event:<position>`): unique, so
-- it is queued at most once per event. Auth messages (codes, links) have none.

CREATE TABLE outbox
(
    id              bigserial PRIMARY KEY,
    message_id      uuid        NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    channel         text        NOT NULL CHECK (channel IN ('SMS', 'EMAIL')),
    recipient       text        NOT NULL,
    subject         text,
    body            text        NOT NULL,
    cause           text UNIQUE,
    status          text        NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SENT', 'FAILED')),
    attempts        integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    sent_at         timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'SENT') = (sent_at IS NOT NULL)),
    CHECK (channel = 'EMAIL' OR subject IS NULL)
);

-- What the dispatcher claims: due PENDING rows, soonest first.
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'PENDING';
CREATE INDEX outbox_recipient ON outbox (recipient, id);

-- The development outbox's rows are kept. They were delivered by being logged when written, so
-- they count as sent (sending them now would deliver stale codes and links). Its e-mails
-- carried the subject as a first line `Emne: ...`; it moves to its column.
INSERT INTO outbox (id, channel, recipient, subject, body, status, sent_at, created_at)
SELECT id,
       channel,
       recipient,
       CASE WHEN channel = 'EMAIL' AND body LIKE 'Emne: %' AND position(E'\n' IN body) > 0
            THEN substr(split_part(body, E'\n', 1), 7) END,
       CASE WHEN channel = 'EMAIL' AND body LIKE 'Emne: %' AND position(E'\n' IN body) > 0
            THEN ltrim(substr(body, position(E'\n' IN body) + 1), E'\n')
            ELSE body END,
       'SENT',
       created_at,
       created_at
FROM dev_outbox
ORDER BY id;

SELECT setval(pg_get_serial_sequence('outbox', 'id'), greatest((SELECT max(id) FROM outbox), 1),
              (SELECT count(*) > 0 FROM outbox));

DROP TABLE dev_outbox;

-- Wakes the dispatchers when messages are queued (they also poll).
CREATE FUNCTION outbox_notify() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    PERFORM pg_notify('outbox', '');
    RETURN NULL;
END;
$$;

CREATE TRIGGER outbox_notify
    AFTER INSERT
    ON outbox
    FOR EACH STATEMENT
EXECUTE FUNCTION outbox_notify();

-- The notifications projection's checkpoint. It starts where the read models are, so messages
-- for events projected before it existed are not sent now, long after the fact.
INSERT INTO projection_checkpoints (name, tx_id, position)
SELECT 'notifications', tx_id, position
FROM projection_checkpoints
ORDER BY tx_id, position
LIMIT 1;
INSERT INTO projection_checkpoints (name)
VALUES ('notifications')
ON CONFLICT (name) DO NOTHING;
