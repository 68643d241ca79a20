-- A digest of the student's record (calcium_core::student::Fingerprint), written with it: a
-- re-import recognises unchanged lines without reading the whole record back.
ALTER TABLE student ADD COLUMN fingerprint BIGINT NULL;
