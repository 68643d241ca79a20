-- The INE index carries the fingerprint: an import into a base that holds students reads every
-- (INE, id, fingerprint) at once from this index alone (the rowid is in every SQLite index),
-- and tells the unchanged lines of a daily file without one look-up per line.
DROP INDEX student_by_ine;
CREATE INDEX student_by_ine ON student (cod_nne, fingerprint) WHERE cod_nne IS NOT NULL;
