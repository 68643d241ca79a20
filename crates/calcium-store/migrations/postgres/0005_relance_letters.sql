-- Relance letters (REL_COU, REL_CRA) and their listings (LIS_REL, LIS_RAP).
-- mail_to: the address the courrier is mailed to, set when the letter is produced while SMTP is
--   configured and the student has an address; a letter with mail_to and no mailed_at is retried
--   by the next run of its batch (mail_attempts counts the tries, mail_error keeps the last cause).
-- address: the postal address printed on the letter (JSON of calcium_core::postal_address), so
--   that the listing says where the letter went even after the registry changes the address.
-- listed_at / listing_file_id: the listing a letter went into; listed_at stays when CLEAN removes
--   the listing file, so a letter is listed once.
ALTER TABLE relance_letter ADD COLUMN mail_to TEXT NULL;
ALTER TABLE relance_letter ADD COLUMN mail_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE relance_letter ADD COLUMN address TEXT NULL;
ALTER TABLE relance_letter ADD COLUMN listed_at BIGINT NULL;
ALTER TABLE relance_letter ADD COLUMN listing_file_id BIGINT NULL REFERENCES produced_file (id) ON DELETE SET NULL;
CREATE INDEX relance_letter_to_list ON relance_letter (kind, produced_at) WHERE listed_at IS NULL;
CREATE INDEX relance_letter_mail_pending ON relance_letter (kind) WHERE mail_to IS NOT NULL AND mailed_at IS NULL;
-- relance_letter (file_id) is indexed by 0004 (relance_letter_by_file), for CLEAN_RELANCE.
CREATE INDEX relance_letter_by_listing ON relance_letter (listing_file_id);
