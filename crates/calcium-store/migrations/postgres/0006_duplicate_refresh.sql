-- DOUBLONS refreshes its pairs at each run: `seen_at` is the last run that found a pair, so the
-- pairs still to review that a run no longer finds (a record was corrected) can go, while
-- judged pairs stay for good. The review page and `calcium doublons list` read the pairs to
-- review best score first.
ALTER TABLE duplicate_candidate ADD COLUMN seen_at BIGINT NULL;
UPDATE duplicate_candidate SET seen_at = found_at;
CREATE INDEX duplicate_candidate_by_status_score ON duplicate_candidate (status, score DESC);
