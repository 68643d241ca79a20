-- Calcium batch, SQLite schema. Keep it in step with ../postgres/0001_initial.sql: the two
-- differ only in types (instants are epoch milliseconds in both; dates are DATE in PostgreSQL
-- and ISO 8601 TEXT here) and in how ids are generated.

CREATE TABLE batch (
    code                TEXT PRIMARY KEY,
    label               TEXT NOT NULL,
    enabled             BOOLEAN NOT NULL,
    launch_now          BOOLEAN NOT NULL DEFAULT FALSE,
    launch_requested_by TEXT NULL,
    launch_requested_at BIGINT NULL,
    -- Identifies the current "lancement immédiat" request: at most one execution answers it.
    launch_request      BIGINT NULL,
    time_minutes        INTEGER NOT NULL CHECK (time_minutes BETWEEN 0 AND 1439),
    day_of_month        INTEGER NULL CHECK (day_of_month BETWEEN 1 AND 31),
    month               INTEGER NULL CHECK (month BETWEEN 1 AND 12),
    year                INTEGER NULL CHECK (year BETWEEN 1900 AND 9999),
    weekdays            INTEGER NOT NULL DEFAULT 0 CHECK (weekdays BETWEEN 0 AND 127),
    catch_up            TEXT NOT NULL CHECK (catch_up IN ('RUN_ONCE', 'SKIP')),
    time_limit_seconds  INTEGER NULL CHECK (time_limit_seconds > 0),
    -- The last occurrence (UTC ms) whose fate was decided: ran, skipped or missed. The next one
    -- is computed from it, never from one instance's clock alone.
    decided_until       BIGINT NULL,
    updated_at          BIGINT NOT NULL
);

CREATE TABLE instance (
    id           TEXT PRIMARY KEY,
    host         TEXT NOT NULL,
    pid          INTEGER NOT NULL,
    version      TEXT NOT NULL,
    started_at   BIGINT NOT NULL,
    heartbeat_at BIGINT NOT NULL,
    stopped_at   BIGINT NULL
);

CREATE TABLE execution (
    id               INTEGER PRIMARY KEY,
    batch_code       TEXT NOT NULL REFERENCES batch (code),
    status           TEXT NOT NULL CHECK (status IN ('RUNNING', 'FINISH', 'ERROR', 'INTERRUPTED', 'MISSED', 'SKIPPED', 'CANCELLED')),
    trigger          TEXT NOT NULL CHECK (trigger IN ('SCHEDULE', 'CATCH_UP', 'MANUAL', 'MANUAL_IMPORT')),
    -- The scheduled instant (UTC ms) this execution decides; NULL for a manual launch.
    occurrence       BIGINT NULL,
    -- The launch request this execution answers; NULL for a scheduled one.
    launch_request   BIGINT NULL,
    triggered_by     TEXT NULL,
    instance_id      TEXT NULL REFERENCES instance (id) ON DELETE SET NULL,
    started_at       BIGINT NOT NULL,
    finished_at      BIGINT NULL,
    heartbeat_at     BIGINT NULL,
    cancel_requested BOOLEAN NOT NULL DEFAULT FALSE,
    progress_done    BIGINT NULL,
    progress_total   BIGINT NULL,
    summary          TEXT NULL,
    message          TEXT NULL,
    log              TEXT NOT NULL DEFAULT '',
    -- Each scheduled occurrence is decided once across all instances, and each launch
    -- request is answered once.
    UNIQUE (batch_code, occurrence),
    UNIQUE (batch_code, launch_request)
);
-- A batch never runs twice at the same time, whatever the number of instances.
CREATE UNIQUE INDEX execution_one_running_per_batch ON execution (batch_code) WHERE status = 'RUNNING';
CREATE INDEX execution_history ON execution (batch_code, started_at DESC);

CREATE TABLE import_model (
    code        TEXT PRIMARY KEY,
    label       TEXT NOT NULL,
    default_etb TEXT NULL,
    default_cmp TEXT NULL
);

CREATE TABLE nomenclature (
    kind        TEXT NOT NULL,
    code        TEXT NOT NULL,
    parent_code TEXT NOT NULL DEFAULT '',
    label       TEXT NOT NULL,
    eu_member   BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (kind, code, parent_code)
);

CREATE TABLE student (
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
    sexe              TEXT NOT NULL CHECK (sexe IN ('M', 'F', 'INCONNU')),
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
    updated_at        BIGINT NOT NULL
);
-- Not unique: two students sharing an INE is a state the import must see and report.
CREATE INDEX student_by_ine ON student (cod_nne) WHERE cod_nne IS NOT NULL;
CREATE INDEX student_by_secondary_key ON student (nom_key, prenom_key, datenai, code_natio);
CREATE INDEX student_by_nomusage_key ON student (nomusage_key) WHERE nomusage_key IS NOT NULL;
CREATE INDEX student_by_nni ON student (cod_nni) WHERE cod_nni IS NOT NULL;

CREATE TABLE app_user (
    id                  INTEGER PRIMARY KEY,
    login               TEXT NOT NULL UNIQUE,
    email               TEXT NULL,
    password_hash       TEXT NOT NULL,
    role                TEXT NOT NULL CHECK (role IN ('ADMIN')),
    created_at          BIGINT NOT NULL,
    password_changed_at BIGINT NOT NULL
);

CREATE TABLE web_session (
    -- SHA-256 of the cookie value: a leaked base does not hand out live sessions.
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE user_preference (
    user_id BIGINT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    name    TEXT NOT NULL,
    value   TEXT NOT NULL,
    PRIMARY KEY (user_id, name)
);

CREATE TABLE produced_file (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('IMPORT_LOG', 'IMPORT_ERROR_LOG', 'IMPORT_ERROR_CSV', 'RELANCE_LISTING', 'RAPPEL_LISTING', 'RELANCE_LETTERS', 'RAPPEL_LETTERS')),
    path         TEXT NOT NULL UNIQUE,
    file_name    TEXT NOT NULL,
    size_bytes   BIGINT NOT NULL,
    execution_id BIGINT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX produced_file_by_age ON produced_file (created_at);

CREATE TABLE consultation (
    id                   INTEGER PRIMARY KEY,
    student_id           BIGINT NOT NULL REFERENCES student (id) ON DELETE CASCADE,
    opened_by            TEXT NOT NULL,
    opened_at            BIGINT NOT NULL,
    closed_at            BIGINT NULL,
    closed_by            TEXT NULL,
    closed_automatically BOOLEAN NOT NULL DEFAULT FALSE,
    closing_execution_id BIGINT NULL
);
CREATE INDEX consultation_open ON consultation (opened_at) WHERE closed_at IS NULL;

CREATE TABLE relance (
    id          INTEGER PRIMARY KEY,
    student_id  BIGINT NOT NULL REFERENCES student (id) ON DELETE CASCADE,
    motif_code  TEXT NOT NULL,
    due_date    TEXT NOT NULL,
    courrier    TEXT NOT NULL,
    -- Internal: never printed nor mailed.
    commentaire TEXT NULL,
    created_at  BIGINT NOT NULL,
    closed_at   BIGINT NULL
);
CREATE INDEX relance_by_due_date ON relance (due_date);

CREATE TABLE relance_letter (
    id           INTEGER PRIMARY KEY,
    relance_id   BIGINT NOT NULL REFERENCES relance (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('RELANCE', 'RAPPEL')),
    execution_id BIGINT NULL,
    file_id      BIGINT NULL REFERENCES produced_file (id) ON DELETE SET NULL,
    produced_at  BIGINT NOT NULL,
    mailed_at    BIGINT NULL,
    mail_error   TEXT NULL,
    -- One letter of each kind per relance: a letter is never produced twice.
    UNIQUE (relance_id, kind)
);

CREATE TABLE scan_document (
    id          INTEGER PRIMARY KEY,
    file_name   TEXT NOT NULL,
    content     BLOB NOT NULL,
    size_bytes  BIGINT NOT NULL,
    scanned_at  BIGINT NOT NULL,
    -- Set when the document has been filed into a student record (the basket copy then goes).
    filed_at    BIGINT NULL
);

CREATE TABLE filed_document (
    id          INTEGER PRIMARY KEY,
    student_id  BIGINT NOT NULL REFERENCES student (id) ON DELETE CASCADE,
    scan_id     BIGINT NULL REFERENCES scan_document (id) ON DELETE SET NULL,
    file_name   TEXT NOT NULL,
    content     BLOB NOT NULL,
    size_bytes  BIGINT NOT NULL,
    filed_at    BIGINT NOT NULL
);

CREATE TABLE vaccination (
    id             INTEGER PRIMARY KEY,
    student_id     BIGINT NOT NULL REFERENCES student (id) ON DELETE CASCADE,
    vaccine_code   TEXT NOT NULL,
    label          TEXT NOT NULL,
    injection_date TEXT NOT NULL,
    lot            TEXT NULL,
    rang           INTEGER NULL,
    source         TEXT NOT NULL,
    execution_id   BIGINT NULL,
    imported_at    BIGINT NOT NULL,
    UNIQUE (student_id, vaccine_code, injection_date)
);

CREATE TABLE identity_stat (
    student_id        BIGINT PRIMARY KEY,
    age               INTEGER NOT NULL,
    age_group         TEXT NOT NULL,
    sexe              TEXT NOT NULL,
    nationality_group TEXT NOT NULL,
    etb               TEXT NOT NULL,
    cmp               TEXT NOT NULL,
    cursus            TEXT NULL,
    annee             TEXT NULL,
    diplome           TEXT NULL,
    bursary_holder    BOOLEAN NOT NULL,
    ss_affiliated     BOOLEAN NULL,
    built_at          BIGINT NOT NULL
);

CREATE TABLE duplicate_candidate (
    student_a  BIGINT NOT NULL REFERENCES student (id) ON DELETE CASCADE,
    student_b  BIGINT NOT NULL REFERENCES student (id) ON DELETE CASCADE,
    score      DOUBLE PRECISION NOT NULL CHECK (score >= 0 AND score <= 1),
    -- JSON array of French phrases.
    reasons    TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('A_TRAITER', 'MEME_PERSONNE', 'PERSONNES_DIFFERENTES')),
    found_at   BIGINT NOT NULL,
    judged_at  BIGINT NULL,
    judged_by  TEXT NULL,
    PRIMARY KEY (student_a, student_b),
    CHECK (student_a < student_b)
);
