-- Issue 14's last pieces, all refilled by the projector from the log (a rebuild refills them):
--
-- R8: a holder's zone change under APPROVAL_REQUIRED waits in the approval queue. The ticket
-- shows the pending request (the zones asked for, from when, when asked); the queue holds a
-- row per pending item, either an order or a zone change request of an approved ticket (never
-- both: a request is made only on an approved ticket). A request row knows only its company
-- and position; the queue's page reads everything else from `tickets`, as it does for orders.
ALTER TABLE tickets
    ADD COLUMN requested_zones      jsonb,
    ADD COLUMN requested_zones_from text
        CONSTRAINT tickets_requested_zones_from CHECK (requested_zones_from IN ('NEXT_MONTH', 'IMMEDIATELY')),
    ADD COLUMN zones_requested_at   timestamptz,
    ADD CONSTRAINT tickets_zone_request_whole CHECK (
        (requested_zones IS NULL) = (requested_zones_from IS NULL)
        AND (requested_zones IS NULL) = (zones_requested_at IS NULL));

ALTER TABLE approval_queue
    ADD COLUMN request text NOT NULL DEFAULT 'ORDER'
        CONSTRAINT approval_queue_request CHECK (request IN ('ORDER', 'ZONE_CHANGE')),
    ALTER COLUMN phone DROP NOT NULL,
    ALTER COLUMN first_name DROP NOT NULL,
    ALTER COLUMN last_name DROP NOT NULL,
    ALTER COLUMN category DROP NOT NULL,
    ALTER COLUMN zones DROP NOT NULL,
    ALTER COLUMN start_date DROP NOT NULL,
    ALTER COLUMN ordered_at DROP NOT NULL,
    ADD CONSTRAINT approval_queue_order_whole CHECK (
        request = 'ZONE_CHANGE'
        OR (phone IS NOT NULL AND first_name IS NOT NULL AND last_name IS NOT NULL
            AND category IS NOT NULL AND zones IS NOT NULL AND start_date IS NOT NULL
            AND ordered_at IS NOT NULL));
ALTER TABLE approval_queue ALTER COLUMN request DROP DEFAULT;

-- Deactivated companies: the last day their tickets are valid, and when the operator ended
-- the relationship. Null while the company is a customer. The order link of a deactivated
-- company stops working; its administrators keep read access for the retention period.
ALTER TABLE companies
    ADD COLUMN ends_on        date,
    ADD COLUMN deactivated_at timestamptz,
    ADD CONSTRAINT companies_deactivation_whole CHECK ((ends_on IS NULL) = (deactivated_at IS NULL));
