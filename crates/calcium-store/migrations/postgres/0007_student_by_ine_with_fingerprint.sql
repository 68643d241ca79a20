-- The INE index carries the id and the fingerprint: an import into a base that holds students
-- reads every (INE, id, fingerprint) at once (an index-only scan once the table is vacuumed),
-- and tells the unchanged lines of a daily file without one look-up per line.
DROP INDEX student_by_ine;
CREATE INDEX student_by_ine ON student (cod_nne) INCLUDE (id, fingerprint) WHERE cod_nne IS NOT NULL;
