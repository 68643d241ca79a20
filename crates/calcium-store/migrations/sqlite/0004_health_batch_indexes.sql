-- Indexes the health-data batches need. Keep it in step with the other backend's 0004.
-- CLEAN_SCAN deletes basket copies: each deletion looks for the filed document that points at
-- it (ON DELETE SET NULL), which without this index scans every filed document.
CREATE INDEX filed_document_by_scan ON filed_document (scan_id) WHERE scan_id IS NOT NULL;
-- CLEAN_RELANCE looks for letter files no letter refers to any more, and CLEAN deleting a
-- letter file unlinks its letters (ON DELETE SET NULL).
CREATE INDEX relance_letter_by_file ON relance_letter (file_id) WHERE file_id IS NOT NULL;
