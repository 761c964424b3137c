-- +goose Up
-- Open incidents as repeat-report matching sees them: the master incident's event id and its
-- matching state (point, time span, categories seen), so every instance matches against the same.
CREATE TABLE incident_masters (
    id          TEXT PRIMARY KEY,
    open        BIGINT NOT NULL,
    state       TEXT NOT NULL,
    lat         DOUBLE PRECISION,
    lon         DOUBLE PRECISION,
    t_from      BIGINT,
    t_until     BIGINT,
    location_id TEXT,
    reports     BIGINT NOT NULL,
    hazard_keys TEXT NOT NULL DEFAULT ''
);
CREATE INDEX incident_masters_point ON incident_masters (open, lat, lon);
CREATE INDEX incident_masters_location ON incident_masters (location_id, open);

-- Identifiers (vehicle registrations, references) quoted in open incidents' reports, so that a
-- report quoting one finds its incident wherever it was reported from.
CREATE TABLE incident_identifiers (
    ident     TEXT NOT NULL,
    master_id TEXT NOT NULL,
    PRIMARY KEY (ident, master_id)
);
CREATE INDEX incident_identifiers_master ON incident_identifiers (master_id);

-- Hazard alerts, in the order they were raised; subscribers resume after the last seq they saw.
CREATE TABLE alerts (
    seq         BIGINT PRIMARY KEY,
    at          BIGINT NOT NULL,
    incident_id TEXT NOT NULL,
    lat         DOUBLE PRECISION,
    lon         DOUBLE PRECISION,
    payload     TEXT NOT NULL
);

-- +goose Down
DROP TABLE alerts;
DROP TABLE incident_identifiers;
DROP TABLE incident_masters;
