-- +goose Up
-- Times are microseconds since the Unix epoch (UTC); open interval ends are NULL.
CREATE TABLE records (
    id          TEXT COLLATE "C" PRIMARY KEY,
    kind        TEXT NOT NULL,
    version     BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    deleted     SMALLINT NOT NULL DEFAULT 0,
    merged_into TEXT,
    access      TEXT,
    flags       TEXT,
    body        TEXT NOT NULL,
    label       TEXT NOT NULL,
    event_type  TEXT,
    category    TEXT,
    occurred_at BIGINT,
    status      TEXT,
    lat         DOUBLE PRECISION,
    lon         DOUBLE PRECISION,
    updated_by  TEXT
);
CREATE INDEX records_kind ON records (kind, id);
CREATE INDEX records_events ON records (event_type, occurred_at) WHERE kind = 'event';
CREATE INDEX records_points ON records (lat, lon) WHERE lat IS NOT NULL;

CREATE TABLE record_versions (
    record_id TEXT NOT NULL,
    version   BIGINT NOT NULL,
    at        BIGINT NOT NULL,
    by_user   TEXT NOT NULL,
    record    TEXT NOT NULL,
    PRIMARY KEY (record_id, version)
);

CREATE TABLE refs (
    source    TEXT NOT NULL,
    ref       TEXT NOT NULL,
    record_id TEXT NOT NULL,
    PRIMARY KEY (source, ref)
);
CREATE INDEX refs_record ON refs (record_id);
CREATE INDEX refs_ref ON refs (ref);

CREATE TABLE record_keys (
    key       TEXT COLLATE "C" NOT NULL,
    record_id TEXT NOT NULL,
    PRIMARY KEY (key, record_id)
);

CREATE TABLE search_terms (
    term      TEXT COLLATE "C" NOT NULL,
    record_id TEXT NOT NULL,
    PRIMARY KEY (term, record_id)
);

CREATE TABLE links (
    id         TEXT PRIMARY KEY,
    from_id    TEXT NOT NULL,
    to_id      TEXT NOT NULL,
    role       TEXT NOT NULL,
    valid_from BIGINT,
    valid_to   BIGINT,
    vf_text    TEXT,
    vt_text    TEXT,
    evidence   TEXT,
    version    BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    deleted    BIGINT NOT NULL DEFAULT 0,
    updated_by TEXT,
    natural_key TEXT NOT NULL
);
CREATE INDEX links_from ON links (from_id, role) WHERE deleted = 0;
CREATE INDEX links_to ON links (to_id, role) WHERE deleted = 0;
CREATE UNIQUE INDEX links_natural ON links (natural_key) WHERE deleted = 0;

CREATE TABLE link_versions (
    link_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    at      BIGINT NOT NULL,
    by_user TEXT NOT NULL,
    link    TEXT NOT NULL,
    PRIMARY KEY (link_id, version)
);

CREATE TABLE calls (
    from_number TEXT NOT NULL,
    start       BIGINT NOT NULL,
    to_number   TEXT NOT NULL,
    call_type   TEXT NOT NULL,
    duration_s  BIGINT NOT NULL,
    cell        TEXT,
    PRIMARY KEY (from_number, start, to_number, call_type)
);
CREATE INDEX calls_to ON calls (to_number, start);

CREATE TABLE audit (
    seq       BIGINT PRIMARY KEY,
    at        BIGINT NOT NULL,
    user_name TEXT NOT NULL,
    action    TEXT NOT NULL,
    records   TEXT,
    purpose   TEXT,
    detail    TEXT,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE TABLE audit_records (
    record_id TEXT NOT NULL,
    seq       BIGINT NOT NULL,
    PRIMARY KEY (record_id, seq)
);
-- The audit log is append-only: the database refuses to change or remove an entry.
-- +goose StatementBegin
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    roles         TEXT NOT NULL,
    disabled      BIGINT NOT NULL DEFAULT 0,
    must_change   BIGINT NOT NULL DEFAULT 0,
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until  BIGINT NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL
);
CREATE TABLE sessions (
    digest     TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen  BIGINT NOT NULL
);
CREATE TABLE tokens (
    digest     TEXT PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    user_id    TEXT NOT NULL,
    name       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used  BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE roles (
    name        TEXT PRIMARY KEY,
    description TEXT NOT NULL,
    permissions TEXT NOT NULL
);
CREATE TABLE vocabularies (
    name  TEXT PRIMARY KEY,
    terms TEXT NOT NULL
);
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
DROP TABLE settings; DROP TABLE vocabularies; DROP TABLE roles; DROP TABLE tokens; DROP TABLE sessions;
DROP TABLE users; DROP TABLE audit_records; DROP TABLE audit; DROP FUNCTION audit_append_only; DROP TABLE calls; DROP TABLE link_versions;
DROP TABLE links; DROP TABLE search_terms; DROP TABLE record_keys; DROP TABLE refs; DROP TABLE record_versions;
DROP TABLE records;
