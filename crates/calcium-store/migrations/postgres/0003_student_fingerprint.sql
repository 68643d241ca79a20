-- A digest of the student's record (calcium_core::student::Fingerprint), written with it: a
-- re-import recognises unchanged lines without reading the whole record back.
ALTER TABLE student ADD COLUMN fingerprint BIGINT NULL;

-- The identifier and key columns are only ever compared for equality: the byte order of the
-- "C" collation answers that, and spares every index insert and probe a locale-aware string
-- comparison (most of the server's time in a first import of 100 000 students).
ALTER TABLE student
    ALTER COLUMN cod_nne TYPE TEXT COLLATE "C",
    ALTER COLUMN cod_nni TYPE TEXT COLLATE "C",
    ALTER COLUMN nom_key TYPE TEXT COLLATE "C",
    ALTER COLUMN prenom_key TYPE TEXT COLLATE "C",
    ALTER COLUMN nomusage_key TYPE TEXT COLLATE "C",
    ALTER COLUMN code_natio TYPE TEXT COLLATE "C";
