package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/peel-rms/peel"

	"github.com/peel-rms/peel/audit"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
)

// audit queues an entry to commit with the transaction.
func (tx *Tx) audit(p *auth.Principal, action string, records []string, detail string) {
	tx.entries = append(tx.entries, newEntry(p, action, records, detail))
}

func newEntry(p *auth.Principal, action string, records []string, detail string) *audit.Entry {
	e := &audit.Entry{Action: action, Records: records, Detail: detail}
	if p != nil {
		e.User, e.Purpose = p.Username, p.Purpose
		if p.Via == "cli" && e.User == "system" {
			e.User = "cli"
		}
	}
	return e
}

// appendAudit extends the hash chain with the entries. It runs last in a write transaction, so
// the chain lock (PostgreSQL) is held only from here to commit.
func (tx *Tx) appendAudit(ctx context.Context) error {
	if len(tx.entries) == 0 && len(tx.alerts) == 0 {
		return nil
	}
	if tx.s.dialect.AuditAppend != "" && len(tx.entries) > 0 {
		links := 0
		for _, e := range tx.entries {
			links += len(e.Records) + len(tx.bulk[e])
		}
		// The dialect's one statement takes the chain lock (held to the commit), reads the head
		// and appends: two round trips fewer for every write. An import's index rows go the
		// sorted way below instead.
		if links <= maxAppendLinks {
			if err := tx.s.appendSealed(ctx, tx.QueryRowContext, tx.entries, tx.bulk, tx.now); err != nil {
				return err
			}
			tx.entries = nil
			return nil
		}
	}
	// The lock is its own statement: in READ COMMITTED a statement's snapshot is taken when it
	// starts, so the head must be read by a statement that starts after the lock is held.
	if lock := tx.s.dialect.ChainLock; lock != "" {
		if _, err := tx.exec(ctx, lock); err != nil {
			return fmt.Errorf("audit chain lock: %w", err)
		}
	}
	if len(tx.entries) == 0 {
		return nil
	}
	var seq int64
	var hash string
	err := tx.queryRow(ctx, `SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&seq, &hash)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		seq, hash = 0, audit.Genesis
	case err != nil:
		return fmt.Errorf("audit chain head: %w", err)
	}
	var links []any
	rows := make([]any, 0, len(tx.entries)*9)
	for _, e := range tx.entries {
		if e.At.IsZero() {
			e.At = tx.now
		}
		e.Seal(seq, hash)
		seq, hash = e.Seq, e.Hash
		recs := ""
		if len(e.Records) > 0 {
			recs = strings.Join(e.Records, ",")
		}
		rows = append(rows, e.Seq, micros(e.At), e.User, e.Action, recs, e.Purpose, e.Detail, e.PrevHash, e.Hash)
		for _, id := range uniq(append(append([]string(nil), e.Records...), tx.bulk[e]...)) {
			links = append(links, id, e.Seq)
		}
	}
	const auditCols = "seq, at, user_name, action, records, purpose, detail, prev_hash, hash"
	if tx.s.dialect.WritableCTE && len(links) > 0 && len(rows)/9 <= 500 && len(links)/2 <= 500 && len(rows)+len(links) <= tx.s.dialect.MaxParams {
		// A consultation's entry and its index rows in one statement: one round trip fewer.
		q := "WITH a AS (INSERT INTO audit (" + auditCols + ") VALUES " + placeholders(len(rows)/9, 9) +
			") INSERT INTO audit_records (record_id, seq) VALUES " + placeholders(len(links)/2, 2)
		if _, err := tx.execPrepared(ctx, q, append(rows, links...)...); err != nil {
			return fmt.Errorf("audit append: %w", err)
		}
		tx.entries = nil
		return nil
	}
	if err := tx.insertRows(ctx, "audit", auditCols, 9, rows, ""); err != nil {
		return fmt.Errorf("audit append: %w", err)
	}
	// In key order, as the sorted buffers are: an import indexes every record it touched.
	if err := tx.insertRows(ctx, "audit_records", "record_id, seq", 2, sortRows(links, 2, 2), ""); err != nil {
		return fmt.Errorf("audit index: %w", err)
	}
	tx.entries = nil
	return nil
}

func uniq(ids []string) []string {
	if len(ids) < 2 {
		return ids
	}
	seen := make(map[string]bool, len(ids))
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// insertRows inserts flat args as rows of width columns, in as few statements as the dialect allows.
func (tx *Tx) insertRows(ctx context.Context, table, cols string, width int, args []any, suffix string) error {
	_, err := tx.insertRowsCount(ctx, table, cols, width, args, suffix)
	return err
}

// execPrepared runs a statement prepared once per transaction: the multi-row inserts of an import
// repeat the same few statements thousands of times, and compiling each anew dominated.
func (tx *Tx) execPrepared(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if tx.stmts == nil {
		tx.stmts = map[string]*sql.Stmt{}
	}
	st, ok := tx.stmts[query]
	if !ok && !tx.seen[query] {
		// Prepared the second time: a statement run once (the audit append of a view) would
		// pay for preparing and closing it, two more round trips to a PostgreSQL server.
		if tx.seen == nil {
			tx.seen = map[string]bool{}
		}
		tx.seen[query] = true
		return tx.exec(ctx, query, args...)
	}
	if !ok {
		var err error
		st, err = tx.PrepareContext(ctx, tx.s.q(query))
		if err != nil {
			return nil, err
		}
		tx.stmts[query] = st
	}
	return st.ExecContext(ctx, args...)
}

// Consult records that the principal consulted records (opened them, saw them in search results or
// in a query's answer). It returns once the entry is committed; entries from concurrent requests
// commit together in one transaction.
func (s *Store) Consult(ctx context.Context, p *auth.Principal, action string, records []string, detail string) error {
	return s.audits.submit(ctx, s.done, newEntry(p, action, records, detail))
}

// maxAuditBatch bounds one group commit.
const maxAuditBatch = 1024

// commitEntries commits consultation entries arriving together in one transaction.
func (s *Store) commitEntries(ctx context.Context, es []*audit.Entry) []error {
	var err error
	if s.dialect.AuditAppend != "" {
		err = s.appendEntries(ctx, es)
	} else {
		err = s.write(ctx, func(tx *Tx) error {
			tx.entries = append(tx.entries, es...)
			return nil
		})
	}
	if err != nil {
		s.log.Error("audit group commit failed", "entries", len(es), "err", err)
	}
	errs := make([]error, len(es))
	for i := range errs {
		errs[i] = err
	}
	return errs
}

// maxAppendLinks bounds the index rows sent through the dialect's append statement.
const maxAppendLinks = 10000

// appendEntries appends entries that go with no other write (consultations) in the dialect's
// one statement.
func (s *Store) appendEntries(ctx context.Context, es []*audit.Entry) error {
	return s.appendSealed(ctx, s.w.QueryRowContext, es, nil, s.Now())
}

// appendSealed runs the dialect's append statement through row, which seals the entries under
// the chain lock with the head it finds there and indexes them by their records (and the records
// bulk adds). The entries are then sealed here from the same head, and the two must agree.
func (s *Store) appendSealed(ctx context.Context, row func(ctx context.Context, query string, args ...any) *sql.Row, es []*audit.Entry, bulk map[*audit.Entry][]string, now time.Time) error {
	n := len(es)
	ats := make([]int64, n)
	users, actions, recs, purposes, details := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	contents := make([][]byte, n)
	var linkIDs []string
	var linkEntries []int32
	for i, e := range es {
		if e.At.IsZero() {
			e.At = now
		}
		ats[i], users[i], actions[i], purposes[i], details[i] = micros(e.At), e.User, e.Action, e.Purpose, e.Detail
		recs[i] = strings.Join(e.Records, ",")
		contents[i] = e.Content()
		ids := e.Records
		if extra := bulk[e]; len(extra) > 0 {
			ids = append(append([]string(nil), e.Records...), extra...)
		}
		for _, id := range uniq(ids) {
			linkIDs = append(linkIDs, id)
			linkEntries = append(linkEntries, int32(i+1))
		}
	}
	var firstSeq int64
	var firstPrev, lastHash string
	err := row(ctx, s.q(s.dialect.AuditAppend), s.parsedOnce([]any{ats, users, actions, recs, purposes, details, contents, linkIDs, linkEntries})...).
		Scan(&firstSeq, &firstPrev, &lastHash)
	if err != nil {
		return fmt.Errorf("audit append: %w", err)
	}
	seq, prev := firstSeq-1, firstPrev
	for _, e := range es {
		e.Seal(seq, prev)
		seq, prev = e.Seq, e.Hash
	}
	if prev != lastHash {
		return fmt.Errorf("audit append: entries %d to %d were sealed as %s by the database and %s here", firstSeq, seq, lastHash, prev)
	}
	return nil
}

// Audit lists audit entries, newest first. Only principals with the audit permission may read it.
func (s *Store) Audit(ctx context.Context, p *auth.Principal, f peel.AuditFilter) ([]audit.Entry, error) {
	if err := p.Require(auth.PermAudit); err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 100
	}
	if f.Record != "" {
		// Who looked at a restricted record is itself restricted: answer only for records the
		// supervisor may see (deleted ones included).
		r, err := s.loadRecord(ctx, &reader{s: s, db: s.r}, f.Record)
		if err != nil || !p.CanSee(r.Access) {
			return nil, pole.NotFound("record", f.Record)
		}
	}
	var where []string
	var args []any
	from := "audit a"
	if f.Record != "" {
		from = "audit_records ar JOIN audit a ON a.seq = ar.seq"
		where = append(where, "ar.record_id = ?")
		args = append(args, f.Record)
	}
	if f.User != "" {
		where = append(where, "a.user_name = ?")
		args = append(args, f.User)
	}
	if f.Action != "" {
		where = append(where, "a.action = ?")
		args = append(args, f.Action)
	}
	if f.Before > 0 {
		where = append(where, "a.seq < ?")
		args = append(args, f.Before)
	}
	q := "SELECT a.seq, a.at, a.user_name, a.action, a.records, a.purpose, a.detail, a.prev_hash, a.hash FROM " + from
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY a.seq DESC LIMIT ?"
	args = append(args, f.Limit)
	rows, err := s.r.QueryContext(ctx, s.q(q), args...)
	if err != nil {
		return nil, fmt.Errorf("audit list: %w", err)
	}
	var out []audit.Entry
	var ids []string
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, e)
		ids = append(ids, e.Records...)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Entries name only the records the reader may see.
	states, err := s.recordStates(ctx, &reader{s: s, db: s.r}, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		kept := out[i].Records[:0:0]
		for _, id := range out[i].Records {
			if st, ok := states[id]; !ok || canSeeRaw(p, st.access) {
				kept = append(kept, id) // links and other non-record ids stay
			}
		}
		out[i].Records = kept
	}
	return out, nil
}

func scanEntry(rows *sql.Rows) (audit.Entry, error) {
	var e audit.Entry
	var at int64
	var recs, purpose, detail sql.NullString
	if err := rows.Scan(&e.Seq, &at, &e.User, &e.Action, &recs, &purpose, &detail, &e.PrevHash, &e.Hash); err != nil {
		return e, fmt.Errorf("audit scan: %w", err)
	}
	e.At = fromMicros(at)
	if recs.String != "" {
		e.Records = strings.Split(recs.String, ",")
	}
	e.Purpose, e.Detail = purpose.String, detail.String
	return e, nil
}

// VerifyAudit walks the whole audit log in sequence order and checks its hash chain. It returns
// the number of entries and the first fault found.
func (s *Store) VerifyAudit(ctx context.Context) (int64, error) {
	v := audit.NewVerifier()
	const page = 5000
	var after int64
	for {
		rows, err := s.r.QueryContext(ctx, s.q(`SELECT seq, at, user_name, action, records, purpose, detail, prev_hash, hash
			FROM audit WHERE seq > ? ORDER BY seq LIMIT ?`), after, page)
		if err != nil {
			return v.Count(), fmt.Errorf("audit read: %w", err)
		}
		n := 0
		for rows.Next() {
			e, err := scanEntry(rows)
			if err != nil {
				rows.Close()
				return v.Count(), err
			}
			if err := v.Check(&e); err != nil {
				rows.Close()
				return v.Count(), err
			}
			after = e.Seq
			n++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return v.Count(), err
		}
		if n < page {
			return v.Count(), nil
		}
	}
}
