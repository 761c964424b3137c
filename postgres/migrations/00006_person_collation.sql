-- +goose Up
-- Person ids compare byte-wise ("C"), as records.id does, so a join of records to their stored
-- features can use person_features' key (as 00004 did for refs): dedupe reads every person's
-- features page by page through that join.
ALTER TABLE person_features ALTER COLUMN person_id TYPE TEXT COLLATE "C";
ALTER TABLE person_keys ALTER COLUMN person_id TYPE TEXT COLLATE "C";

-- +goose Down
ALTER TABLE person_keys ALTER COLUMN person_id TYPE TEXT COLLATE "default";
ALTER TABLE person_features ALTER COLUMN person_id TYPE TEXT COLLATE "default";
