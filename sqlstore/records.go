package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/peel-rms/peel"

	"github.com/peel-rms/peel/audit"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
	"github.com/peel-rms/peel/search"
)

const recordCols = "id, kind, version, created_at, updated_at, deleted, merged_into, access, flags, body, updated_by"

type scanner interface{ Scan(dest ...any) error }

func scanRecord(sc scanner) (*pole.Record, error) {
	var raw rawRecord
	if err := sc.Scan(raw.dest()...); err != nil {
		return nil, err
	}
	return raw.decode()
}

// rawRecord is a records row as read, before its JSON columns are decoded.
type rawRecord struct {
	id, kind              string
	version               int
	created, updated      int64
	deleted               int
	merged, access, flags sql.NullString
	by                    sql.NullString
	body                  string
}

// dest is what Scan fills, in the order of recordCols.
func (raw *rawRecord) dest() []any {
	return []any{&raw.id, &raw.kind, &raw.version, &raw.created, &raw.updated, &raw.deleted, &raw.merged, &raw.access, &raw.flags, &raw.body, &raw.by}
}

func (raw *rawRecord) decode() (*pole.Record, error) {
	r := pole.Record{ID: raw.id, Kind: pole.Kind(raw.kind), Version: raw.version}
	r.CreatedAt, r.UpdatedAt = fromMicros(raw.created), fromMicros(raw.updated)
	r.Deleted, r.MergedInto, r.UpdatedBy = raw.deleted != 0, raw.merged.String, raw.by.String
	if raw.access.String != "" {
		r.Access = &pole.Access{}
		if err := json.Unmarshal([]byte(raw.access.String), r.Access); err != nil {
			return nil, fmt.Errorf("record %s access: %w", r.ID, err)
		}
	}
	if raw.flags.String != "" {
		if err := json.Unmarshal([]byte(raw.flags.String), &r.Flags); err != nil {
			return nil, fmt.Errorf("record %s flags: %w", r.ID, err)
		}
	}
	b, err := pole.NewBody(r.Kind)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(raw.body), b); err != nil {
		return nil, fmt.Errorf("record %s body: %w", r.ID, err)
	}
	r.Body = b
	return &r, nil
}

// loadRecords reads records by id with their refs, in one statement per chunk (a round trip
// is most of a small read's cost on PostgreSQL). Missing ids are absent from the map.
func loadRecords(ctx context.Context, q querier, maxParams int, ids []string) (map[string]*pole.Record, error) {
	out := make(map[string]*pole.Record, len(ids))
	ids = uniq(ids)
	for len(ids) > 0 {
		n := min(len(ids), maxParams-1, 500)
		chunk := ids[:n]
		ids = ids[n:]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := q.query(ctx, "SELECT "+recordColsOf("r")+", f.source, f.ref FROM records r LEFT JOIN refs f ON f.record_id = r.id WHERE r.id IN ("+inList(len(chunk))+") ORDER BY f.source, f.ref", args...)
		if err != nil {
			return nil, fmt.Errorf("load records: %w", err)
		}
		for rows.Next() {
			var raw rawRecord
			var source, ref sql.NullString
			if err := rows.Scan(append(raw.dest(), &source, &ref)...); err != nil {
				rows.Close()
				return nil, err
			}
			r := out[raw.id]
			if r == nil {
				if r, err = raw.decode(); err != nil {
					rows.Close()
					return nil, err
				}
				out[r.ID] = r
			}
			if source.Valid {
				r.Refs = append(r.Refs, pole.Ref{Source: source.String, Ref: ref.String})
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("load records: %w", err)
		}
	}
	return out, nil
}

// recordColsOf is recordCols qualified by a table alias.
func recordColsOf(alias string) string {
	return alias + "." + strings.ReplaceAll(recordCols, ", ", ", "+alias+".")
}

func (s *Store) loadRecord(ctx context.Context, q querier, id string) (*pole.Record, error) {
	m, err := loadRecords(ctx, q, s.dialect.MaxParams, []string{id})
	if err != nil {
		return nil, err
	}
	r := m[id]
	if r == nil {
		return nil, pole.NotFound("record", id)
	}
	return r, nil
}

// visible loads a record the principal may see, or answers not found: a restricted record does
// not exist for anyone it is not shared with.
func (s *Store) visible(ctx context.Context, q querier, p *auth.Principal, id string) (*pole.Record, error) {
	r, err := s.loadRecord(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if r.Deleted || !p.CanSee(r.Access) {
		return nil, pole.NotFound("record", id)
	}
	return r, nil
}

// recordRow is a record's row values for insert or update.
func recordRow(r *pole.Record) ([]any, error) {
	body, err := json.Marshal(r.Body)
	if err != nil {
		return nil, err
	}
	var access, flags any
	if r.Access != nil && (len(r.Access.Roles) > 0 || len(r.Access.Users) > 0) {
		b, _ := json.Marshal(r.Access)
		access = string(b)
	}
	if len(r.Flags) > 0 {
		b, _ := json.Marshal(r.Flags)
		flags = string(b)
	}
	var etype, cat, status, occurred, lat, lon any
	switch b := r.Body.(type) {
	case *pole.Event:
		etype, cat = b.Type, nullString(b.Category)
		status = b.Status
		if status == "" {
			status = pole.StatusOpen
		}
		if w := b.When(); w != nil {
			occurred = w.T.UnixMicro()
		}
		if b.Lat != nil {
			lat, lon = *b.Lat, *b.Lon
		}
	case *pole.Location:
		if b.Lat != nil {
			lat, lon = *b.Lat, *b.Lon
		}
	}
	return []any{r.ID, string(r.Kind), r.Version, micros(r.CreatedAt), micros(r.UpdatedAt), boolInt(r.Deleted),
		nullString(r.MergedInto), access, flags, string(body), r.Label(), etype, cat, occurred, status, lat, lon, r.UpdatedBy}, nil
}

const recordInsertCols = "id, kind, version, created_at, updated_at, deleted, merged_into, access, flags, body, label, event_type, category, occurred_at, status, lat, lon, updated_by"

// putRecord writes a record's current row and its keys and search terms. For a change, old is the
// record as it was: it becomes a version row (the current version lives in records), and its keys
// and terms are removed by value, so neither index needs a second index by record.
func (tx *Tx) putRecord(ctx context.Context, r *pole.Record, by string, old *pole.Record) error {
	r.UpdatedBy = by
	row, err := recordRow(r)
	if err != nil {
		return err
	}
	if old == nil {
		if err := tx.bufferRow(ctx, "records", recordInsertCols, row); err != nil {
			return err
		}
		if tx.created == nil {
			tx.created = map[string]bool{}
		}
		tx.created[r.ID] = true
	} else {
		if err := tx.flush(ctx); err != nil {
			return err
		}
		snap, err := json.Marshal(old)
		if err != nil {
			return err
		}
		oldBy := old.UpdatedBy
		if oldBy == "" {
			oldBy = by
		}
		if _, err := tx.exec(ctx, `INSERT INTO record_versions (record_id, version, at, by_user, record) VALUES (?, ?, ?, ?, ?)`,
			old.ID, old.Version, micros(old.UpdatedAt), oldBy, string(snap)); err != nil {
			return fmt.Errorf("record version: %w", err)
		}
		if _, err := tx.exec(ctx, `UPDATE records SET version = ?, updated_at = ?, deleted = ?, merged_into = ?, access = ?,
			flags = ?, body = ?, label = ?, event_type = ?, category = ?, occurred_at = ?, status = ?, lat = ?, lon = ?, updated_by = ? WHERE id = ?`,
			append(row[2:3], append(row[4:], r.ID)...)...); err != nil {
			return fmt.Errorf("update record: %w", err)
		}
		if !old.Deleted && old.MergedInto == "" {
			for _, k := range old.Body.Keys() {
				if _, err := tx.exec(ctx, `DELETE FROM record_keys WHERE key = ? AND record_id = ?`, k, r.ID); err != nil {
					return err
				}
			}
			for _, t := range search.Terms(old) {
				if _, err := tx.exec(ctx, `DELETE FROM search_terms WHERE term = ? AND record_id = ?`, t.Term, r.ID); err != nil {
					return err
				}
			}
		}
		if ev, ok := r.Body.(*pole.Event); ok && ev.Type == "incident" {
			// Closing (or deleting) an incident takes it out of repeat-report matching.
			open := boolInt(ev.Open() && !r.Deleted && r.MergedInto == "")
			if _, err := tx.exec(ctx, `UPDATE incident_masters SET open = ? WHERE id = ?`, open, r.ID); err != nil {
				return err
			}
		}
	}
	if r.Kind == pole.KindPerson {
		tx.touchPerson(r.ID)
	}
	tx.changes = append(tx.changes, peel.Change{Kind: "record", ID: r.ID, RecordKind: r.Kind})
	if r.Deleted || r.MergedInto != "" {
		return nil
	}
	for _, k := range r.Body.Keys() {
		if err := tx.bufferRow(ctx, "record_keys", "key, record_id", []any{k, r.ID}); err != nil {
			return err
		}
	}
	for _, t := range uniqueTerms(search.Terms(r)) {
		if err := tx.bufferRow(ctx, "search_terms", "term, record_id", []any{t, r.ID}); err != nil {
			return err
		}
	}
	return nil
}

// uniqueTerms drops the field names: the index holds each term of a record once.
func uniqueTerms(ts []search.Term) []string {
	out := make([]string, 0, len(ts))
	for i, t := range ts {
		if i == 0 || t.Term != ts[i-1].Term {
			out = append(out, t.Term)
		}
	}
	return out
}

// bufferRow queues a row for a multi-row insert; buffers flush when full and before commit.
func (tx *Tx) bufferRow(ctx context.Context, table, cols string, row []any) error {
	if tx.buf == nil {
		tx.buf = map[string]*rowBuf{}
	}
	b := tx.buf[table]
	if b == nil {
		b = &rowBuf{cols: cols, width: len(row), sortBy: sortedTables[table]}
		tx.buf[table] = b
		tx.bufOrder = append(tx.bufOrder, table)
	}
	b.args = append(b.args, row...)
	limit := 500
	if b.sortBy > 0 {
		limit = sortedBufferRows
	}
	if len(b.args)/b.width >= limit {
		return tx.flushTable(ctx, table)
	}
	return nil
}

// sortedTables are the index tables whose rows are held longer and inserted in key order: the
// first sortBy columns of a row are its primary key's. Rows in key order go into the B-tree
// side by side instead of each at a random leaf, which halved the cost of inserting a bulk
// import's search terms and matching keys on the embedded store. Nothing reads these tables
// inside a write before flushing it.
var sortedTables = map[string]int{"search_terms": 2, "record_keys": 2, "person_keys": 2, "person_features": 1, "refs": 2}

// sortedBufferRows bounds the rows a sorted buffer holds before it is written.
const sortedBufferRows = 65536

type rowBuf struct {
	cols   string
	width  int
	sortBy int
	args   []any
}

func (tx *Tx) flushTable(ctx context.Context, table string) error {
	b := tx.buf[table]
	if b == nil || len(b.args) == 0 {
		return nil
	}
	args := b.args
	b.args = b.args[:0]
	if b.sortBy > 0 {
		args = sortRows(args, b.width, b.sortBy)
	}
	if err := tx.insertRows(ctx, table, b.cols, b.width, args, ""); err != nil {
		return fmt.Errorf("insert %s: %w", table, err)
	}
	return nil
}

// sortRows returns flat rows of width columns ordered by their first by columns (strings and
// integers), in a new slice.
func sortRows(args []any, width, by int) []any {
	n := len(args) / width
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i * width
	}
	slices.SortFunc(idx, func(a, b int) int {
		for c := range by {
			if d := compareValue(args[a+c], args[b+c]); d != 0 {
				return d
			}
		}
		return 0
	})
	out := make([]any, 0, len(args))
	for _, i := range idx {
		out = append(out, args[i:i+width]...)
	}
	return out
}

func compareValue(a, b any) int {
	switch x := a.(type) {
	case string:
		if y, ok := b.(string); ok {
			return strings.Compare(x, y)
		}
	case int64:
		if y, ok := b.(int64); ok {
			return cmp.Compare(x, y)
		}
	}
	return 0
}

// flush writes every buffered row. Queries that must see them call it first.
func (tx *Tx) flush(ctx context.Context) error {
	for _, t := range tx.bufOrder {
		if err := tx.flushTable(ctx, t); err != nil {
			return err
		}
	}
	return nil
}

// Get reads a record the principal may see and logs the consultation.
func (s *Store) Get(ctx context.Context, p *auth.Principal, id string, opts peel.GetOptions) (*pole.Record, error) {
	if err := p.Require(auth.PermRead); err != nil {
		return nil, err
	}
	rd := &reader{s: s, db: s.r}
	r, err := s.visible(ctx, rd, p, id)
	if err != nil {
		return nil, err
	}
	if opts.Version > 0 || opts.AsAt != nil {
		r, err = s.version(ctx, rd, r, opts)
		if err != nil {
			return nil, err
		}
	}
	if !opts.NoAudit {
		detail := ""
		if r.Version > 0 && (opts.Version > 0 || opts.AsAt != nil) {
			detail = "version " + strconv.Itoa(r.Version)
		}
		if err := s.Consult(ctx, p, audit.ActionView, []string{id}, detail); err != nil {
			return nil, fmt.Errorf("audit view: %w", err)
		}
	}
	return r, nil
}

func (s *Store) version(ctx context.Context, q querier, cur *pole.Record, opts peel.GetOptions) (*pole.Record, error) {
	// The current version lives in records; record_versions holds the ones it replaced.
	if opts.Version == cur.Version || (opts.Version == 0 && opts.AsAt != nil && !cur.UpdatedAt.After(*opts.AsAt)) {
		return cur, nil
	}
	var snap string
	var err error
	if opts.Version > 0 {
		err = q.queryRow(ctx, `SELECT record FROM record_versions WHERE record_id = ? AND version = ?`, cur.ID, opts.Version).Scan(&snap)
	} else {
		err = q.queryRow(ctx, `SELECT record FROM record_versions WHERE record_id = ? AND at <= ? ORDER BY version DESC LIMIT 1`,
			cur.ID, micros(*opts.AsAt)).Scan(&snap)
	}
	if isNoRows(err) {
		if opts.Version > 0 {
			return nil, pole.Errorf(pole.ENotFound, "record %q has no version %d", cur.ID, opts.Version)
		}
		return nil, pole.Errorf(pole.ENotFound, "record %q did not exist at %s", cur.ID, opts.AsAt.Format(time.RFC3339))
	}
	if err != nil {
		return nil, err
	}
	var r pole.Record
	if err := json.Unmarshal([]byte(snap), &r); err != nil {
		return nil, fmt.Errorf("version snapshot: %w", err)
	}
	return &r, nil
}

// History returns every version of a record the principal may see, oldest first.
func (s *Store) History(ctx context.Context, p *auth.Principal, id string) ([]peel.Version, error) {
	if err := p.Require(auth.PermRead); err != nil {
		return nil, err
	}
	rd := &reader{s: s, db: s.r}
	cur, err := s.loadRecord(ctx, rd, id)
	if err != nil {
		return nil, err
	}
	// A deleted record's history stays readable to those who may audit.
	if !p.CanSee(cur.Access) || (cur.Deleted && !p.Can(auth.PermAudit)) {
		return nil, pole.NotFound("record", id)
	}
	rows, err := rd.query(ctx, `SELECT version, at, by_user, record FROM record_versions WHERE record_id = ? ORDER BY version`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []peel.Version
	for rows.Next() {
		var v peel.Version
		var at int64
		var snap string
		if err := rows.Scan(&v.Version, &at, &v.By, &snap); err != nil {
			return nil, err
		}
		v.At = fromMicros(at)
		v.Record = &pole.Record{}
		if err := json.Unmarshal([]byte(snap), v.Record); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out = append(out, peel.Version{Version: cur.Version, At: cur.UpdatedAt, By: cur.UpdatedBy, Record: cur})
	if err := s.Consult(ctx, p, audit.ActionView, []string{id}, "history"); err != nil {
		return nil, err
	}
	return out, nil
}

// Create validates and stores a new record. A record whose exact key (VRM, VIN, E.164 number,
// UPRN, address with postcode, serial) matches a visible existing record resolves to it instead:
// the ref is added and the existing record returned with created=false.
func (s *Store) Create(ctx context.Context, p *auth.Principal, in *pole.Input, opts peel.CreateOptions) (rec *pole.Record, created bool, err error) {
	if err := p.Require(auth.PermWrite); err != nil {
		return nil, false, err
	}
	source := in.Source
	if source == "" && in.Ref != "" {
		source = "api"
	}
	err = s.write(ctx, func(tx *Tx) error {
		vocab, err := loadVocab(ctx, tx)
		if err != nil {
			return err
		}
		flags, verr := pole.Validate(in.Body, vocab, tx.now)
		if verr != nil {
			return verr
		}
		if in.Ref != "" {
			var existing string
			err := tx.queryRow(ctx, `SELECT record_id FROM refs WHERE source = ? AND ref = ?`, source, in.Ref).Scan(&existing)
			if err == nil {
				return pole.Invalid("ref already used", pole.FieldError{Field: "ref", Message: fmt.Sprintf("%q is already a record of source %q; update that record instead", in.Ref, source)})
			}
			if !isNoRows(err) {
				return err
			}
		}
		if err := checkAccess(in.Access, p); err != nil {
			return err
		}
		if person, ok := in.Body.(*pole.Person); ok && !opts.ConfirmNew {
			if err := tx.s.checkPersonMatch(ctx, tx, p, person); err != nil {
				return err
			}
		}
		w := &writer{tx: tx, p: p, vocab: vocab, source: source, keys: map[string]string{}, refs: map[string]string{}}
		rec, created, err = w.upsertNew(ctx, in, flags)
		if err != nil {
			return err
		}
		if err := w.shorthand(ctx, rec.ID, in.Body); err != nil {
			return err
		}
		if err := tx.flush(ctx); err != nil {
			return err
		}
		action, detail := audit.ActionCreate, ""
		if !created {
			action, detail = audit.ActionUpdate, "exact key match: ref added"
		}
		if opts.ConfirmNew && opts.Reason != "" {
			detail = "confirmed new despite possible duplicates: " + opts.Reason
		}
		tx.audit(p, action, append([]string{rec.ID}, w.touched...), detail)
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	// Re-read so the answer shows exactly what was stored, refs included.
	rec, err = s.loadRecord(ctx, &reader{s: s, db: s.r}, rec.ID)
	return rec, created, err
}

// checkAccess refuses restrictions that name nobody or would hide the record from its author.
func checkAccess(a *pole.Access, p *auth.Principal) error {
	if a == nil {
		return nil
	}
	for i, u := range a.Users {
		if strings.TrimSpace(u) == "" {
			return pole.Invalid("empty user in access", pole.FieldError{Field: fmt.Sprintf("access.users[%d]", i), Message: "is empty"})
		}
	}
	for i, r := range a.Roles {
		if strings.TrimSpace(r) == "" {
			return pole.Invalid("empty role in access", pole.FieldError{Field: fmt.Sprintf("access.roles[%d]", i), Message: "is empty"})
		}
	}
	if (len(a.Roles) > 0 || len(a.Users) > 0) && !p.CanSee(a) && p.Via != "cli" && p.Via != "system" {
		a.Users = append(a.Users, p.Username)
	}
	return nil
}

// writer holds what one create or import has resolved so far.
type writer struct {
	tx     *Tx
	p      *auth.Principal
	vocab  any
	source string
	keys   map[string]string // exact key -> record id, for records written in this transaction
	refs   map[string]string // ref -> record id, for refs written in this transaction
	// touched are ids of other records created or changed as a side effect (shorthand locations).
	touched  []string
	linkKeys map[string]string // natural key -> link id, for links written in this transaction
	missKeys map[string]bool   // exact keys known to match no record
	// skipLinkLookup is set while linking a record created in this transaction: no stored link
	// can have it as an end yet, so the natural-key query is skipped.
	skipLinkLookup bool
	newLinks       int
	kinds          map[string]pole.Kind // record id -> kind, for records this transaction touched
}

// resolveKeys returns the id of a live visible record holding one of the keys.
func (w *writer) resolveKeys(ctx context.Context, keys []string) (string, error) {
	known := true
	for _, k := range keys {
		if id, ok := w.keys[k]; ok {
			return id, nil
		}
		known = known && w.missKeys[k]
	}
	if len(keys) == 0 || known {
		return "", nil
	}
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	found, err := w.tx.s.keysToLive(ctx, w.tx, w.p, args)
	if err != nil {
		return "", err
	}
	for _, k := range keys {
		if id, ok := found[k]; ok {
			return id, nil
		}
	}
	return "", nil
}

func canSeeRaw(p *auth.Principal, access string) bool {
	if access == "" {
		return p.CanSee(nil)
	}
	var a pole.Access
	if json.Unmarshal([]byte(access), &a) != nil {
		return p.IsAdmin()
	}
	return p.CanSee(&a)
}

// upsertNew stores a new record, or resolves it to an existing one by exact key (adding the ref).
func (w *writer) upsertNew(ctx context.Context, in *pole.Input, flags []pole.Flag) (rec *pole.Record, created bool, err error) {
	tx := w.tx
	keys := in.Body.Keys()
	existing, err := w.resolveKeys(ctx, keys)
	if err != nil {
		return nil, false, err
	}
	if w.kinds != nil {
		defer func() {
			if rec != nil {
				w.kinds[rec.ID] = in.Kind
			}
		}()
	}
	if existing != "" {
		if in.Ref != "" {
			if err := w.addRef(ctx, existing, in.Ref); err != nil {
				return nil, false, err
			}
		}
		return &pole.Record{ID: existing, Kind: in.Kind}, false, nil
	}
	body := in.Body
	switch b := body.(type) {
	case *pole.Person:
		body = b.Stored()
	case *pole.Event:
		body = b.Stored()
	}
	rec = &pole.Record{ID: NewID(), Kind: in.Kind, Version: 1, CreatedAt: tx.now, UpdatedAt: tx.now, Flags: flags, Access: in.Access, Body: body}
	if in.Ref != "" {
		rec.Refs = []pole.Ref{{Source: w.source, Ref: in.Ref}}
	}
	pole.FillMarkerDefaults(body, nil, w.p.Username, rec.ID, tx.now)
	if err := tx.putRecord(ctx, rec, w.p.Username, nil); err != nil {
		return nil, false, err
	}
	for _, k := range keys {
		w.keys[k] = rec.ID
		delete(w.missKeys, k)
	}
	if in.Ref != "" {
		if err := w.addRef(ctx, rec.ID, in.Ref); err != nil {
			return nil, false, err
		}
	}
	return rec, true, nil
}

func (w *writer) addRef(ctx context.Context, id, ref string) error {
	w.refs[ref] = id
	return w.tx.bufferRow(ctx, "refs", "source, ref, record_id", []any{w.source, ref, id})
}

// shorthand turns a person's addresses and phones into location and telephone records and links,
// and an event's location into an occurred_at link.
func (w *writer) shorthand(ctx context.Context, id string, body pole.Body) error {
	switch b := body.(type) {
	case *pole.Person:
		for _, a := range b.Addresses {
			loc := a.Location
			locID, err := w.ensure(ctx, &loc)
			if err != nil {
				return err
			}
			if _, err := w.link(ctx, &pole.Link{From: id, To: locID, Role: a.Role, ValidFrom: a.ValidFrom, ValidTo: a.ValidTo}); err != nil {
				return err
			}
		}
		for _, ph := range b.Phones {
			telID, err := w.ensure(ctx, &pole.Telephone{Number: ph.Number})
			if err != nil {
				return err
			}
			if _, err := w.link(ctx, &pole.Link{From: id, To: telID, Role: ph.Role, ValidFrom: ph.ValidFrom, ValidTo: ph.ValidTo}); err != nil {
				return err
			}
		}
	case *pole.Event:
		if b.Location == "" {
			return nil
		}
		locID, err := w.resolveRef(ctx, b.Location)
		if err != nil {
			return err
		}
		if locID == "" {
			return pole.Invalid("unknown location", pole.FieldError{Field: "location", Message: fmt.Sprintf("%q is neither a location id nor a ref of source %q", b.Location, w.source)})
		}
		if _, err := w.link(ctx, &pole.Link{From: id, To: locID, Role: "occurred_at", ValidFrom: b.When()}); err != nil {
			return err
		}
	}
	return nil
}

// ensure returns the id of the record with body's exact key, creating the record when none exists.
func (w *writer) ensure(ctx context.Context, body pole.Body) (string, error) {
	id, err := w.resolveKeys(ctx, body.Keys())
	if err != nil || id != "" {
		return id, err
	}
	rec, _, err := w.upsertNew(ctx, &pole.Input{Kind: body.Kind(), Body: body}, nil)
	if err != nil {
		return "", err
	}
	w.touched = append(w.touched, rec.ID)
	return rec.ID, nil
}

// resolveRef reads a reference to a record: a ref of the writer's source, else a record id.
func (w *writer) resolveRef(ctx context.Context, ref string) (string, error) {
	if id, ok := w.refs[ref]; ok {
		return id, nil
	}
	var id string
	err := w.tx.queryRow(ctx, `SELECT record_id FROM refs WHERE source = ? AND ref = ?`, w.source, ref).Scan(&id)
	if err == nil {
		return id, nil
	}
	if !isNoRows(err) {
		return "", err
	}
	var access sql.NullString
	err = w.tx.queryRow(ctx, `SELECT id, access FROM records WHERE id = ? AND deleted = 0`, ref).Scan(&id, &access)
	if isNoRows(err) || (err == nil && !canSeeRaw(w.p, access.String)) {
		return "", nil
	}
	return id, err
}

// Delete marks a record deleted: it stays in history and disappears from search and queries.
func (s *Store) Delete(ctx context.Context, p *auth.Principal, id string, ifMatch int) error {
	if err := p.Require(auth.PermDelete); err != nil {
		return err
	}
	return s.write(ctx, func(tx *Tx) error {
		r, err := s.visible(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if ifMatch > 0 && ifMatch != r.Version {
			return pole.Errorf(pole.EPreconditionFailed, "record %s is at version %d, not %d", id, r.Version, ifMatch)
		}
		old := *r
		r.Version++
		r.UpdatedAt = tx.now
		r.Deleted = true
		if err := tx.putRecord(ctx, r, p.Username, &old); err != nil {
			return err
		}
		tx.audit(p, audit.ActionDelete, []string{id}, "")
		return nil
	})
}

// Update applies a JSON merge patch (RFC 7396) to a record's own fields, making a new version.
// ifMatch, when non-zero, must equal the current version.
func (s *Store) Update(ctx context.Context, p *auth.Principal, id string, ifMatch int, patch []byte) (*pole.Record, error) {
	if err := p.Require(auth.PermWrite); err != nil {
		return nil, err
	}
	var out *pole.Record
	err := s.write(ctx, func(tx *Tx) error {
		r, err := s.visible(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if ifMatch > 0 && ifMatch != r.Version {
			return pole.Errorf(pole.EPreconditionFailed, "record %s is at version %d, not %d: reload it and apply your change again", id, r.Version, ifMatch)
		}
		cur, err := json.Marshal(r.Body)
		if err != nil {
			return err
		}
		var pm map[string]json.RawMessage
		if err := json.Unmarshal(patch, &pm); err != nil {
			return pole.Errorf(pole.EMalformed, "malformed JSON: the patch must be a JSON object")
		}
		var access *pole.Access
		accessChanged := false
		if raw, ok := pm["access"]; ok {
			accessChanged = true
			if string(raw) != "null" {
				access = &pole.Access{}
				if err := pole.DecodeStrict(raw, access); err != nil {
					err.Fields = prefixFields("access", err.Fields)
					return err
				}
			}
			delete(pm, "access")
		}
		for _, ro := range []string{"id", "kind", "version", "created_at", "updated_at", "refs", "flags", "merged_into", "deleted", "label"} {
			if _, ok := pm[ro]; ok {
				return pole.Invalid("read-only field", pole.FieldError{Field: ro, Message: "cannot be changed by a patch"})
			}
		}
		for _, sh := range []string{"addresses", "phones", "location"} {
			if _, ok := pm[sh]; ok {
				return pole.Invalid("shorthand field in patch", pole.FieldError{Field: sh, Message: "is input shorthand for links; add a link instead"})
			}
		}
		rest, _ := json.Marshal(pm)
		merged, err := pole.MergePatch(cur, rest)
		if err != nil {
			return err
		}
		in, perr := pole.DecodeInput(merged, r.Kind)
		if perr != nil {
			return perr
		}
		vocab, err := loadVocab(ctx, tx)
		if err != nil {
			return err
		}
		flags, verr := pole.Validate(in.Body, vocab, tx.now)
		if verr != nil {
			return verr
		}
		old := *r
		if accessChanged {
			if err := checkAccess(access, p); err != nil {
				return err
			}
			r.Access = access
		}
		pole.FillMarkerDefaults(in.Body, r.Body, p.Username, r.ID, tx.now)
		newBody, _ := json.Marshal(in.Body)
		if string(newBody) == string(cur) && !accessChanged {
			out = r
			return nil
		}
		r.Body, r.Flags = in.Body, flags
		r.Version++
		r.UpdatedAt = tx.now
		if err := tx.putRecord(ctx, r, p.Username, &old); err != nil {
			return err
		}
		if err := tx.flush(ctx); err != nil {
			return err
		}
		tx.audit(p, audit.ActionUpdate, []string{id}, "version "+strconv.Itoa(r.Version))
		out = r
		return nil
	})
	return out, err
}

func prefixFields(prefix string, fs []pole.FieldError) []pole.FieldError {
	for i := range fs {
		fs[i].Field = strings.TrimSuffix(prefix+"."+fs[i].Field, ".")
	}
	return fs
}

// Lookup finds the record a source's ref names (for a record merged away, the survivor).
func (s *Store) Lookup(ctx context.Context, p *auth.Principal, source, ref string) (*pole.Record, error) {
	if err := p.Require(auth.PermRead); err != nil {
		return nil, err
	}
	rd := &reader{s: s, db: s.r}
	var id string
	err := rd.queryRow(ctx, `SELECT record_id FROM refs WHERE source = ? AND ref = ?`, source, ref).Scan(&id)
	if isNoRows(err) {
		return nil, pole.Errorf(pole.ENotFound, "no record has ref %q in source %q", ref, source)
	}
	if err != nil {
		return nil, err
	}
	for range 16 { // follow merges to the survivor
		r, err := s.loadRecord(ctx, rd, id)
		if err != nil {
			return nil, err
		}
		if r.MergedInto == "" {
			if r.Deleted || !p.CanSee(r.Access) {
				return nil, pole.Errorf(pole.ENotFound, "no record has ref %q in source %q", ref, source)
			}
			if err := s.Consult(ctx, p, audit.ActionView, []string{r.ID}, "lookup "+source+"/"+ref); err != nil {
				return nil, err
			}
			return r, nil
		}
		id = r.MergedInto
	}
	return nil, fmt.Errorf("lookup %s/%s: merge chain too long", source, ref)
}

// List pages through the records of one kind the principal may see, in id order.
func (s *Store) List(ctx context.Context, p *auth.Principal, kind pole.Kind, f peel.ListFilter) ([]*pole.Record, string, error) {
	if err := p.Require(auth.PermRead); err != nil {
		return nil, "", err
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	if f.Limit > 1000 {
		f.Limit = 1000
	}
	var out []*pole.Record
	cursor := f.Cursor
	rd := &reader{s: s, db: s.r}
	for len(out) < f.Limit {
		where := []string{"kind = ?", "deleted = 0", "id > ?"}
		args := []any{string(kind), cursor}
		if f.Type != "" && kind == pole.KindEvent {
			where = append(where, "event_type = ?")
			args = append(args, f.Type)
		}
		if f.Category != "" {
			where = append(where, "category = ?")
			args = append(args, f.Category)
		}
		if f.Status != "" {
			where = append(where, "status = ?")
			args = append(args, f.Status)
		}
		batch := f.Limit - len(out) + 1
		args = append(args, batch)
		rows, err := rd.query(ctx, "SELECT "+recordCols+" FROM records WHERE "+strings.Join(where, " AND ")+" ORDER BY id LIMIT ?", args...)
		if err != nil {
			return nil, "", err
		}
		n := 0
		for rows.Next() {
			r, err := scanRecord(rows)
			if err != nil {
				rows.Close()
				return nil, "", err
			}
			n++
			cursor = r.ID
			if p.CanSee(r.Access) {
				if f.Type != "" && kind == pole.KindObject && r.Body.(*pole.Object).Type != f.Type {
					continue
				}
				out = append(out, r)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, "", err
		}
		if n < batch {
			if len(out) > f.Limit {
				out = out[:f.Limit]
				return s.listDone(ctx, rd, p, out, out[len(out)-1].ID)
			}
			return s.listDone(ctx, rd, p, out, "")
		}
	}
	out = out[:f.Limit]
	return s.listDone(ctx, rd, p, out, out[len(out)-1].ID)
}

func (s *Store) listDone(ctx context.Context, q querier, p *auth.Principal, recs []*pole.Record, next string) ([]*pole.Record, string, error) {
	ids := make([]string, len(recs))
	for i, r := range recs {
		ids[i] = r.ID
	}
	withRefs, err := loadRecords(ctx, q, s.dialect.MaxParams, ids)
	if err != nil {
		return nil, "", err
	}
	for i, r := range recs {
		if x := withRefs[r.ID]; x != nil {
			recs[i] = x
		}
	}
	if len(ids) > 0 {
		if err := s.Consult(ctx, p, audit.ActionQuery, ids, "list"); err != nil {
			return nil, "", err
		}
	}
	return recs, next, nil
}
