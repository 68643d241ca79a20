-- Fingerprints are now the SHA-256 of the record's postcard form, not of its JSON: the stored
-- ones no longer match anything. Cleared, they make the next import compare those students
-- field by field once, and store each unchanged student's new fingerprint.
UPDATE student SET fingerprint = NULL WHERE fingerprint IS NOT NULL;
