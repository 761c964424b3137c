-- +goose Up
-- Record ids compare byte-wise ("C"), as records.id does, so a join of records to their refs
-- can use refs_record: with the database's default collation on this side the planner derived a
-- "C" comparison no index served, and scanned every ref.
ALTER TABLE refs ALTER COLUMN record_id TYPE TEXT COLLATE "C";

-- +goose Down
ALTER TABLE refs ALTER COLUMN record_id TYPE TEXT COLLATE "default";
