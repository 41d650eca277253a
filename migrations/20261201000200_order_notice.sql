-- Each administrator's choice of how they hear of orders waiting for approval (the Company
-- event OrderNoticeSet): an e-mail per order at once, or one daily digest. Existing
-- administrators keep the default, IMMEDIATELY, which is what they had.
ALTER TABLE company_administrators
    ADD COLUMN order_notice text NOT NULL DEFAULT 'IMMEDIATELY'
        CONSTRAINT company_administrators_order_notice CHECK (order_notice IN ('IMMEDIATELY', 'DAILY_DIGEST'));

-- The digest finds the administrators who chose it without reading every administrator.
CREATE INDEX company_administrators_digest ON company_administrators (company_id)
    WHERE order_notice = 'DAILY_DIGEST';
