-- +goose Up
-- Blocking keys of every live person (as 64-bit hashes), for finding likely duplicates when a
-- person is created.
CREATE TABLE person_keys (
    key       INTEGER NOT NULL,
    person_id TEXT NOT NULL,
    PRIMARY KEY (key, person_id)
) WITHOUT ROWID;
-- What matching sees of each live person (names, date of birth, identifiers, linked addresses and
-- numbers), kept with the keys so a match reads one row per candidate.
CREATE TABLE person_features (
    person_id TEXT PRIMARY KEY,
    features  TEXT NOT NULL
) WITHOUT ROWID;

-- The person-matching model trained on the force's own data by the last dedupe run.
CREATE TABLE match_models (
    id         INTEGER PRIMARY KEY,
    trained_at INTEGER NOT NULL,
    people     INTEGER NOT NULL,
    model      TEXT NOT NULL,
    freqs      TEXT NOT NULL
);

-- Groups of people proposed as one person, and what a reviewer decided.
CREATE TABLE duplicate_groups (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    status     TEXT NOT NULL,
    score      REAL NOT NULL,
    created_at INTEGER NOT NULL,
    decided_by TEXT,
    decided_at INTEGER,
    note       TEXT
);
CREATE INDEX duplicate_groups_status ON duplicate_groups (kind, status, id);
CREATE TABLE duplicate_members (
    group_id  TEXT NOT NULL,
    person_id TEXT NOT NULL,
    PRIMARY KEY (group_id, person_id)
) WITHOUT ROWID;
CREATE INDEX duplicate_members_person ON duplicate_members (person_id);

-- Pairs a reviewer judged "not the same person": never proposed together again.
CREATE TABLE rejected_pairs (
    a       TEXT NOT NULL,
    b       TEXT NOT NULL,
    by_user TEXT NOT NULL,
    at      INTEGER NOT NULL,
    PRIMARY KEY (a, b)
) WITHOUT ROWID;

-- Merges of people into a survivor, with what was moved so a merge can be undone exactly.
CREATE TABLE merges (
    id        TEXT PRIMARY KEY,
    survivor  TEXT NOT NULL,
    members   TEXT NOT NULL,
    reason    TEXT NOT NULL,
    by_user   TEXT NOT NULL,
    at        INTEGER NOT NULL,
    moved     TEXT NOT NULL,
    undone_at INTEGER,
    undone_by TEXT
);
CREATE INDEX merges_survivor ON merges (survivor);

-- +goose Down
DROP TABLE merges; DROP TABLE rejected_pairs; DROP TABLE duplicate_members; DROP TABLE duplicate_groups;
DROP TABLE match_models; DROP TABLE person_features; DROP TABLE person_keys;
