-- Employee sessions are bound to the order link they came through: `order_link_hash` is the
-- SHA-256 of that link's token, and a session authenticates only while its company's current
-- order link has the same hash, so rotating the link ends them. Personal sessions (`/mine`,
-- logged in with phone and SMS code without an order link) have a phone and no company: they
-- reach that phone's own subscriptions at every company, and cannot order.

ALTER TABLE sessions
    ADD COLUMN order_link_hash bytea CHECK (octet_length(order_link_hash) = 32);

-- Sessions made before this migration are bound to the link their company has now.
UPDATE sessions
SET order_link_hash = sha256(convert_to(companies.order_link_token, 'UTF8'))
FROM companies
WHERE sessions.employee_company = companies.company_id;
DELETE FROM sessions WHERE employee_company IS NOT NULL AND order_link_hash IS NULL;

ALTER TABLE sessions DROP CONSTRAINT sessions_check;
ALTER TABLE sessions ADD CONSTRAINT sessions_subject CHECK (
    (account_id IS NOT NULL AND employee_phone IS NULL AND employee_company IS NULL
        AND order_link_hash IS NULL)
    OR (account_id IS NULL AND employee_phone IS NOT NULL AND employee_company IS NOT NULL
        AND order_link_hash IS NOT NULL)
    OR (account_id IS NULL AND employee_phone IS NOT NULL AND employee_company IS NULL
        AND order_link_hash IS NULL)
);

-- Personal login codes have no company: one live code per (phone, company or none). The
-- phone leads the key so that lookups by phone use it whether or not a company is given.
ALTER TABLE verification_codes DROP CONSTRAINT verification_codes_pkey;
ALTER TABLE verification_codes ALTER COLUMN company_id DROP NOT NULL;
ALTER TABLE verification_codes
    ADD CONSTRAINT verification_codes_scope UNIQUE NULLS NOT DISTINCT (phone, company_id);

-- A holder's subscriptions at every company, by phone.
CREATE INDEX tickets_phone ON tickets (phone, ordered_position);
