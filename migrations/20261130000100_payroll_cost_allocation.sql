-- Cost allocation in payroll files: which of a company's order form fields is its department
-- and which its cost centre (or project), by the field's label. Null: not mapped. Filled by
-- the projector from PayrollSettingsSet; a rebuild refills it from the log.
ALTER TABLE companies
    ADD COLUMN department_field  text,
    ADD COLUMN cost_centre_field text;
