-- +goose Up
-- Consultations append to the audit chain in one statement: under the chain lock it reads the
-- head, seals each entry (SHA-256 over the sequence number, the entry's content as Peel encoded
-- it, and the previous hash, each length-prefixed: audit.Entry.ComputeHash) and inserts the
-- entries and their record index rows. One round trip and its implicit commit, where a
-- transaction of begin, lock, head, insert and commit took five. Each statement in a volatile
-- function takes a new snapshot, so the head is read after the lock is held.
-- +goose StatementBegin
CREATE FUNCTION peel_audit_append(lock_key BIGINT, ats BIGINT[], users TEXT[], actions TEXT[],
    recs TEXT[], purposes TEXT[], details TEXT[], contents BYTEA[], link_ids TEXT[], link_entries INT[])
RETURNS TABLE (first_seq BIGINT, first_prev TEXT, last_hash TEXT) LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    head_seq  BIGINT;
    head_hash TEXT;
    s         TEXT;
    h         TEXT;
    base      BIGINT;
    i         INT;
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    SELECT a.seq, a.hash INTO head_seq, head_hash FROM audit a ORDER BY a.seq DESC LIMIT 1;
    IF NOT FOUND THEN
        head_seq := 0;
        head_hash := repeat('0', 64);
    END IF;
    base := head_seq;
    first_seq := head_seq + 1;
    first_prev := head_hash;
    FOR i IN 1 .. coalesce(array_length(ats, 1), 0) LOOP
        head_seq := head_seq + 1;
        s := head_seq::text;
        h := encode(sha256(convert_to(octet_length(s)::text || ':' || s, 'UTF8') || contents[i] ||
            convert_to(octet_length(head_hash)::text || ':' || head_hash, 'UTF8')), 'hex');
        INSERT INTO audit (seq, at, user_name, action, records, purpose, detail, prev_hash, hash)
            VALUES (head_seq, ats[i], users[i], actions[i], recs[i], purposes[i], details[i], head_hash, h);
        head_hash := h;
    END LOOP;
    INSERT INTO audit_records (record_id, seq)
        SELECT DISTINCT l.id, base + l.entry FROM unnest(link_ids, link_entries) AS l(id, entry);
    last_hash := head_hash;
    RETURN NEXT;
END;
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION peel_audit_append(BIGINT, BIGINT[], TEXT[], TEXT[], TEXT[], TEXT[], TEXT[], BYTEA[], TEXT[], INT[]);
