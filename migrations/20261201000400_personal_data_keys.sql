-- Personal data in the event log is sealed (crypto-shredding, GDPR art. 17): a subscription's
-- holder's phone, names, employee number and form answers, and the phone of an employee who
-- acts, are stored encrypted (AES-256-GCM) under a data key of the subscription, an invited
-- administrator's e-mail address and name under a key of theirs at the company, and in clear
-- only as the placeholder '[slettet]'. Deleting the key erases them for good, while the
-- events, their order, dates and amounts and the hash chain (computed over what is stored)
-- stay as they were. bedrift_store::sealing does the sealing and opening; `bedrift migrate`
-- seals the events stored in clear before this migration (see event_reseals below).

-- A data subject: an employee, as a phone at a company. The phone is the only place it
-- stands in clear outside the read models; the row goes when the subject's last key goes.
CREATE TABLE data_subjects
(
    subject    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid        NOT NULL,
    phone      text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT one_subject_per_phone_and_company UNIQUE (company_id, phone)
);

-- Data keys of 32 random bytes, by aggregate and subject: one per subscription under its
-- holder's subject, and one per administrator at each company under their account's id.
CREATE TABLE data_keys
(
    aggregate_id text        NOT NULL,
    subject      uuid        NOT NULL,
    key          bytea       NOT NULL CHECK (length(key) = 32),
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (aggregate_id, subject)
);

CREATE INDEX data_keys_subject ON data_keys (subject);

-- Every key ever deleted: the journal that makes an erasure survive a restore from a backup
-- taken before it (`bedrift privacy erasures` prints it; `bedrift privacy erase --replay`
-- applies it again). Holds no personal data: ids only.
CREATE TABLE erasures
(
    aggregate_id text        NOT NULL,
    subject      uuid        NOT NULL,
    erased_at    timestamptz NOT NULL DEFAULT now(),
    reason       text        NOT NULL CHECK (reason IN ('request', 'retention')),
    PRIMARY KEY (aggregate_id, subject)
);

-- Events that `bedrift migrate` sealed after they were stored in clear: each aggregate's
-- chain was recomputed over the sealed form, and its last hash before and after is kept here,
-- so an auditor holding an old hash can see where and why the chain was re-based.
CREATE TABLE event_reseals
(
    aggregate_type text        NOT NULL,
    aggregate_id   text        NOT NULL,
    events         integer     NOT NULL,
    hash_before    bytea       NOT NULL,
    hash_after     bytea       NOT NULL,
    resealed_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (aggregate_type, aggregate_id, resealed_at)
);

-- One row once `bedrift migrate` has sealed the events stored in clear before this migration;
-- until then every run of migrate tries again (the sealing is one transaction).
CREATE TABLE log_sealed
(
    done_at timestamptz NOT NULL DEFAULT now()
);

-- The subject of a phone at a company, made on first use. For the claims below and for
-- events written in clear (older writers, the bench generator) until `bedrift migrate` seals
-- them.
CREATE FUNCTION data_subject_of(company uuid, number text) RETURNS uuid
    LANGUAGE plpgsql
AS
$$
DECLARE
    found uuid;
BEGIN
    SELECT subject INTO found FROM data_subjects WHERE company_id = company AND phone = number;
    IF found IS NULL THEN
        INSERT INTO data_subjects (company_id, phone) VALUES (company, number)
        ON CONFLICT (company_id, phone) DO NOTHING
        RETURNING subject INTO found;
        IF found IS NULL THEN
            SELECT subject INTO found FROM data_subjects
            WHERE company_id = company AND phone = number;
        END IF;
    END IF;
    RETURN found;
END;
$$;

-- R5 now claims the subject instead of the phone: the same person (one subject per phone and
-- company), without the number in clear.
INSERT INTO data_subjects (company_id, phone)
SELECT DISTINCT company_id, phone FROM subscription_claims
ON CONFLICT DO NOTHING;

ALTER TABLE subscription_claims ADD COLUMN subject uuid;
UPDATE subscription_claims c SET subject = s.subject
FROM data_subjects s WHERE s.company_id = c.company_id AND s.phone = c.phone;
ALTER TABLE subscription_claims
    DROP CONSTRAINT one_live_subscription_per_phone,
    DROP COLUMN phone,
    ALTER COLUMN subject SET NOT NULL,
    ADD CONSTRAINT one_live_subscription_per_phone
        EXCLUDE USING gist (company_id WITH =, subject WITH =, period WITH &&);

UPDATE claim_conflicts SET claim = 'a phone''s second live subscription' WHERE rule = 'R5';

CREATE OR REPLACE FUNCTION claims_apply(aggregate_type text, aggregate_id text, event_type text,
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
                INSERT INTO subscription_claims (subscription_id, company_id, subject, start_date,
                                                 period)
                VALUES (aggregate_id, (body ->> 'company')::uuid,
                        coalesce((body -> 'sealed' ->> 'subject')::uuid,
                                 data_subject_of((body ->> 'company')::uuid, body ->> 'phone')),
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
