-- Set-based rules kept where events are appended, in the same transaction (R5, R17).
--
-- Two rules span aggregates: one live subscription per phone and company over dates (R5), and
-- one company per organisation number (R17). A rule decided by reading a read model is only as
-- fresh as the projector, so it races and ties every write to projection lag. Instead, each
-- rule is a claims table with an exclusion constraint, kept by a row trigger on `events` (as
-- the hash chain is): the claim is written by the very statement that appends the event, so
-- two racing appends are decided by the constraint, and the loser's whole transaction (its
-- events included) rolls back. The writer (bedrift_store::claims) turns the constraint's name
-- into the domain's refusal: ALREADY_SUBSCRIBED, or CONFLICT on orgNumber.
--
-- A trigger rather than a repository around postgres-es: every writer of `events` (postgres-es,
-- the bench generator, psql) keeps the claims, postgres-es's insert is not reimplemented, and
-- it costs no extra round trip. Exclusion constraints rather than unique ones: postgres-es
-- reports every unique violation (23505) as an optimistic-lock conflict on the aggregate,
-- whereas an exclusion violation (23P01) keeps its constraint name to the caller.
--
-- A new event that changes a claim (for example an org.nr correction) must be added here, in
-- `claims_apply`, by a new migration that replaces the function.

-- `=` on uuid and text inside a GiST exclusion constraint. Trusted: the database owner may
-- create it.
CREATE EXTENSION IF NOT EXISTS btree_gist;

-- R5: a pending or approved subscription claims its phone at its company from its start date
-- through its end date (open-ended until cancelled; empty when cancelled before it started).
-- A new order claims [start, infinity), so it overlaps exactly the live subscriptions that do
-- not end before its start. Rejected and withdrawn orders give their claim up.
CREATE TABLE subscription_claims
(
    subscription_id text      PRIMARY KEY,
    company_id      uuid      NOT NULL,
    phone           text      NOT NULL,
    start_date      date      NOT NULL,
    period          daterange NOT NULL,
    CONSTRAINT one_live_subscription_per_phone
        EXCLUDE USING gist (company_id WITH =, phone WITH =, period WITH &&)
);

-- R17: each registered company claims its organisation number.
CREATE TABLE company_claims
(
    company_id text PRIMARY KEY,
    org_number text NOT NULL,
    CONSTRAINT one_company_per_org_number EXCLUDE USING btree (org_number WITH =)
);

-- What the backfill below could not claim because an earlier event already held the claim:
-- duplicates written before the rules were kept here. Read it after migrating; the service
-- keeps running, and these rows are for people to resolve.
CREATE TABLE claim_conflicts
(
    rule         text        NOT NULL CHECK (rule IN ('R5', 'R17')),
    aggregate_id text        NOT NULL,
    claim        text        NOT NULL,
    detected_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (rule, aggregate_id)
);

-- The days a subscription claims: from its start through its end, inclusive.
CREATE FUNCTION claim_period(start_date date, end_date date) RETURNS daterange
    LANGUAGE sql
    IMMUTABLE
    PARALLEL SAFE
AS
$$
SELECT CASE
           WHEN end_date IS NULL THEN daterange(start_date, NULL, '[)')
           WHEN end_date < start_date THEN 'empty'::daterange
           ELSE daterange(start_date, end_date, '[]')
           END
$$;

-- Applies one event to the claims. Payloads are read as postgres-es stores them: externally
-- tagged, `{"SubscriptionOrdered": {"company": ..., "phone": ..., "start_date": ...}}`, the
-- same in every stored version of these events.
CREATE FUNCTION claims_apply(aggregate_type text, aggregate_id text, event_type text,
                             payload jsonb) RETURNS void
    LANGUAGE plpgsql
AS
$$
DECLARE
    body jsonb := payload -> event_type;
BEGIN
    IF aggregate_type = 'Subscription' THEN
        CASE event_type
            WHEN 'SubscriptionOrdered' THEN
                INSERT INTO subscription_claims (subscription_id, company_id, phone, start_date,
                                                 period)
                VALUES (aggregate_id, (body ->> 'company')::uuid, body ->> 'phone',
                        (body ->> 'start_date')::date,
                        claim_period((body ->> 'start_date')::date, NULL));
            WHEN 'SubscriptionRejected', 'OrderWithdrawn' THEN
                DELETE FROM subscription_claims AS c WHERE c.subscription_id = aggregate_id;
            WHEN 'SubscriptionCancelled' THEN
                UPDATE subscription_claims AS c
                SET period = claim_period(c.start_date, (body ->> 'end_date')::date)
                WHERE c.subscription_id = aggregate_id;
            WHEN 'CancellationWithdrawn' THEN
                -- Open-ended again: refused when the phone has a newer subscription by now.
                UPDATE subscription_claims AS c
                SET period = claim_period(c.start_date, NULL)
                WHERE c.subscription_id = aggregate_id;
            ELSE NULL;
            END CASE;
    ELSIF aggregate_type = 'Company' AND event_type = 'CompanyRegistered' THEN
        INSERT INTO company_claims (company_id, org_number)
        VALUES (aggregate_id, body ->> 'org_number');
    END IF;
END;
$$;

CREATE FUNCTION events_claim() RETURNS trigger
    LANGUAGE plpgsql
AS
$$
BEGIN
    PERFORM claims_apply(NEW.aggregate_type, NEW.aggregate_id, NEW.event_type, NEW.payload);
    RETURN NULL;
END;
$$;

-- Backfill from the log as it stands, in the log's order, so the earliest holder keeps a
-- claim and each later duplicate is recorded in claim_conflicts (and warned about) instead of
-- failing the migration or vanishing silently.
DO
$$
DECLARE
    event   record;
    skipped integer := 0;
BEGIN
    FOR event IN
        SELECT aggregate_type, aggregate_id, event_type, payload
        FROM events
        WHERE (aggregate_type = 'Subscription'
            AND event_type IN ('SubscriptionOrdered', 'SubscriptionRejected', 'OrderWithdrawn',
                               'SubscriptionCancelled', 'CancellationWithdrawn'))
           OR (aggregate_type = 'Company' AND event_type = 'CompanyRegistered')
        ORDER BY tx_id, position
        LOOP
            IF EXISTS (SELECT 1 FROM claim_conflicts c WHERE c.aggregate_id = event.aggregate_id)
            THEN
                CONTINUE;
            END IF;
            BEGIN
                PERFORM claims_apply(event.aggregate_type, event.aggregate_id, event.event_type,
                                     event.payload);
            EXCEPTION
                WHEN exclusion_violation THEN
                    skipped := skipped + 1;
                    INSERT INTO claim_conflicts (rule, aggregate_id, claim)
                    VALUES (CASE event.aggregate_type WHEN 'Company' THEN 'R17' ELSE 'R5' END,
                            event.aggregate_id,
                            coalesce('org.nr ' || (event.payload -> event.event_type ->> 'org_number'),
                                     'phone ' || (event.payload -> event.event_type ->> 'phone'),
                                     event.event_type || ' overlaps a later subscription'));
                    -- A later event of a skipped subscription finds no claim and changes none.
                    DELETE FROM subscription_claims c WHERE c.subscription_id = event.aggregate_id;
            END;
        END LOOP;
    IF skipped > 0 THEN
        RAISE WARNING '% events broke R5 or R17 before the rules were kept in the append; their aggregates are listed in claim_conflicts and hold no claim', skipped;
    END IF;
END;
$$;

CREATE TRIGGER events_claim
    AFTER INSERT
    ON events
    FOR EACH ROW
EXECUTE FUNCTION events_claim();
