-- no-transaction
-- SQLite evaluates `sexe IN ('M', 'F', 'INCONNU')` by building a temporary b-tree of the three
-- values at every row it checks, and the CHECK runs on every insert and update of a student:
-- opening and closing that b-tree took about a seventh of the processor time of a million-line
-- first import, over a second of its writing. The same rule written as three comparisons costs
-- nothing. SQLite cannot alter a CHECK, so the table is rebuilt in the way its documentation
-- prescribes (ALTER TABLE, "other kinds of table schema changes"): foreign keys off, which
-- needs this migration outside sqlx's transaction (hence the first line), a new table in one
-- transaction of its own, the rows copied with their ids, the old table dropped, the new one
-- renamed, its indexes recreated as they stood after 0009. PostgreSQL keeps its IN, which it
-- checks without any such cost.
--
-- With foreign keys on, dropping the old table would first delete every student, and with them,
-- through ON DELETE CASCADE, their vaccinations, consultations and relances.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
DROP TABLE IF EXISTS student_rebuilt;
CREATE TABLE student_rebuilt (
    id                INTEGER PRIMARY KEY,
    cod_anu           TEXT NOT NULL,
    cod_nne           TEXT NULL,
    cod_nni           TEXT NULL,
    cod_etu           TEXT NULL,
    nom               TEXT NOT NULL,
    nomusage          TEXT NULL,
    prenom1           TEXT NOT NULL,
    prenom2           TEXT NULL,
    prenom3           TEXT NULL,
    sexe              TEXT NOT NULL CHECK (sexe = 'M' OR sexe = 'F' OR sexe = 'INCONNU'),
    datenai           TEXT NOT NULL,
    code_natio        TEXT NOT NULL,
    situafam          TEXT NULL,
    codebrs           TEXT NULL,
    codefinanc        TEXT NULL,
    tem_affl_sso      BOOLEAN NULL,
    centrepayeur      TEXT NULL,
    codemut           TEXT NULL,
    adr1              TEXT NULL,
    adr2              TEXT NULL,
    adr3              TEXT NULL,
    cod_bdi           TEXT NULL,
    commune           TEXT NULL,
    pays              TEXT NULL,
    teleph            TEXT NULL,
    mail              TEXT NULL,
    pcs               TEXT NULL,
    adr1fix           TEXT NULL,
    adr2fix           TEXT NULL,
    adr3fix           TEXT NULL,
    bdifix            TEXT NULL,
    communefix        TEXT NULL,
    paysfix           TEXT NULL,
    telephfix         TEXT NULL,
    etb               TEXT NOT NULL,
    cmp               TEXT NOT NULL,
    cursus            TEXT NULL,
    annee             TEXT NULL,
    diplome           TEXT NULL,
    etablissement     TEXT NULL,
    bac               TEXT NULL,
    datebac           INTEGER NULL,
    etb_bac           TEXT NULL,
    daa_etb           TEXT NULL,
    daa_ens_sup       TEXT NULL,
    identifiant       TEXT NULL,
    -- Normalised names (SPEC §4.4), kept in step with nom, prenom1 and nomusage by the store.
    nom_key           TEXT NOT NULL,
    prenom_key        TEXT NOT NULL,
    nomusage_key      TEXT NULL,
    import_model      TEXT NULL REFERENCES import_model (code),
    -- An audit stamp, not a foreign key: it outlives the purge of old executions by CLEAN.
    last_execution_id BIGINT NULL,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    fingerprint       BIGINT NULL
);
INSERT INTO student_rebuilt (
    id, cod_anu, cod_nne, cod_nni, cod_etu, nom, nomusage, prenom1, prenom2, prenom3, sexe,
    datenai, code_natio, situafam, codebrs, codefinanc, tem_affl_sso, centrepayeur, codemut,
    adr1, adr2, adr3, cod_bdi, commune, pays, teleph, mail, pcs, adr1fix, adr2fix, adr3fix,
    bdifix, communefix, paysfix, telephfix, etb, cmp, cursus, annee, diplome, etablissement,
    bac, datebac, etb_bac, daa_etb, daa_ens_sup, identifiant, nom_key, prenom_key, nomusage_key,
    import_model, last_execution_id, created_at, updated_at, fingerprint
)
SELECT
    id, cod_anu, cod_nne, cod_nni, cod_etu, nom, nomusage, prenom1, prenom2, prenom3, sexe,
    datenai, code_natio, situafam, codebrs, codefinanc, tem_affl_sso, centrepayeur, codemut,
    adr1, adr2, adr3, cod_bdi, commune, pays, teleph, mail, pcs, adr1fix, adr2fix, adr3fix,
    bdifix, communefix, paysfix, telephfix, etb, cmp, cursus, annee, diplome, etablissement,
    bac, datebac, etb_bac, daa_etb, daa_ens_sup, identifiant, nom_key, prenom_key, nomusage_key,
    import_model, last_execution_id, created_at, updated_at, fingerprint
FROM student;
DROP TABLE student;
ALTER TABLE student_rebuilt RENAME TO student;
CREATE INDEX student_by_ine ON student (cod_nne, fingerprint) WHERE cod_nne IS NOT NULL;
CREATE INDEX student_by_secondary_key ON student (nom_key, prenom_key, datenai, code_natio);
CREATE INDEX student_by_nomusage_key ON student (nomusage_key) WHERE nomusage_key IS NOT NULL;
COMMIT;
PRAGMA foreign_keys = ON;
