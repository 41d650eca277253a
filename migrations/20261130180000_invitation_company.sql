-- The company an invitation token was issued for. One account (one e-mail address) can be
-- invited by several companies before it has a password; each company's link stays valid until
-- it is used, expires, or that same company sends a newer one, so invitations of different
-- companies do not retire each other. Only invitations belong to a company.
ALTER TABLE one_time_tokens ADD COLUMN company_id uuid;
ALTER TABLE one_time_tokens
    ADD CONSTRAINT one_time_tokens_company_only_on_invitations
        CHECK (company_id IS NULL OR kind = 'INVITATION');
