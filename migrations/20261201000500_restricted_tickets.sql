-- A subscription whose holder asked for erasure while the accounts still keep it is restricted
-- to the accounts' use (GDPR art. 18, the ProcessingRestricted event): it stays in the payroll
-- and invoice bases and is left out of the company's ticket lists and searches.
ALTER TABLE tickets
    ADD COLUMN restricted boolean NOT NULL DEFAULT false;
