-- Outbound webhooks (Standard Webhooks): endpoints that operators configure, and their
-- deliveries as outbox rows of the channel WEBHOOK.
--
-- The secret is the `whsec_<base64>` key the deliveries are signed with (HMAC-SHA256). It must
-- be kept in a form the service can sign with, so unlike passwords and API keys it is not
-- hashed: it is shown once, when the endpoint is made, and never returned afterwards.
-- A disabled endpoint keeps its row (its deliveries refer to it) and gets nothing more: its
-- pending deliveries fail at their next attempt.

CREATE TABLE webhook_endpoints
(
    id          uuid PRIMARY KEY,
    url         text        NOT NULL CHECK (url ~ '^https?://[^[:space:]]+$' AND length(url) <= 2000),
    secret      text        NOT NULL CHECK (secret ~ '^whsec_[A-Za-z0-9+/]+={0,2}$'),
    event_types text[]      NOT NULL CHECK (cardinality(event_types) > 0
        AND event_types <@ ARRAY ['ticket.issued', 'ticket.zones_changed', 'ticket.cancelled',
                                  'ticket.cancellation_withdrawn', 'ticket.ended',
                                  'employee.details_changed']::text[]),
    created_by  uuid        NOT NULL REFERENCES accounts (id),
    created_at  timestamptz NOT NULL,
    disabled_at timestamptz
);

-- What the projector reads each batch: the endpoints still enabled.
CREATE INDEX webhook_endpoints_enabled ON webhook_endpoints (id) WHERE disabled_at IS NULL;

-- A delivery is an outbox row with the endpoint it goes to; its recipient is the endpoint's
-- URL and its body the JSON payload. Only webhooks have an endpoint.
--
-- A `ticket.ended` delivery is queued with the cancellation, due when the ticket has ended (the
-- first instant after its end date in Europe/Oslo): ends_subscription names its subscription,
-- so that a later cancellation or a withdrawn one (which R11 allows only before the end date,
-- a day before the delivery is due) sets it WITHDRAWN: it is never sent.
ALTER TABLE outbox
    DROP CONSTRAINT outbox_channel_check,
    ADD CONSTRAINT outbox_channel_check CHECK (channel IN ('SMS', 'EMAIL', 'WEBHOOK')),
    DROP CONSTRAINT outbox_status_check,
    ADD CONSTRAINT outbox_status_check CHECK (status IN ('PENDING', 'SENT', 'FAILED', 'WITHDRAWN')),
    ADD COLUMN webhook_endpoint uuid REFERENCES webhook_endpoints (id),
    ADD CONSTRAINT outbox_webhook_endpoint CHECK ((channel = 'WEBHOOK') = (webhook_endpoint IS NOT NULL)),
    ADD COLUMN ends_subscription uuid,
    ADD CONSTRAINT outbox_ends_subscription CHECK (channel = 'WEBHOOK' OR ends_subscription IS NULL);

CREATE INDEX outbox_scheduled_ends ON outbox (ends_subscription) WHERE status = 'PENDING';
