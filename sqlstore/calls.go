package sqlstore

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/audit"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
)

// callColumns are the header names providers use for each field of a call record.
var callColumns = map[string][]string{
	"from":     {"from", "caller", "a_number", "calling_number", "originating_number", "msisdn_a", "source"},
	"to":       {"to", "called", "b_number", "called_number", "destination_number", "msisdn_b", "destination"},
	"start":    {"start", "start_time", "datetime", "date_time", "timestamp", "call_start", "event_time"},
	"duration": {"duration_s", "duration", "seconds", "call_duration", "duration_seconds"},
	"type":     {"type", "call_type", "event_type", "record_type", "service"},
	"cell":     {"cell", "cell_id", "cell_site", "ci", "location_cell"},
}

// callTimeLayouts are the time forms accepted in call records; times without a zone are UTC.
var callTimeLayouts = []string{time.RFC3339Nano, "2006-01-02 15:04:05", "2006-01-02T15:04:05", "02/01/2006 15:04:05", "2006-01-02 15:04"}

// ParseCallsCSV reads provider call records as CSV with a header row, calling f with each call
// (its numbers as written: the caller reads them into E.164, once each) and its line until a row
// is bad. The call is reused for the next row: f must copy what it keeps. Bad rows are reported
// with their line and field.
func ParseCallsCSV(r io.Reader, f func(line int, c *pole.Call) error) ([]pole.FieldError, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return []pole.FieldError{{Line: 1, Message: "the file is empty; it needs a header row"}}, nil
		}
		return []pole.FieldError{{Line: 1, Message: "unreadable CSV: " + err.Error()}}, nil
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		for field, names := range callColumns {
			for _, n := range names {
				if h == n {
					if _, dup := col[field]; !dup {
						col[field] = i
					}
				}
			}
		}
	}
	var errs []pole.FieldError
	for _, need := range []string{"from", "to", "start"} {
		if _, ok := col[need]; !ok {
			errs = append(errs, pole.FieldError{Line: 1, Field: need, Message: "no column for " + need + " (accepted names: " + strings.Join(callColumns[need], ", ") + ")"})
		}
	}
	if len(errs) > 0 {
		return errs, nil
	}
	get := func(rec []string, field string) string {
		if i, ok := col[field]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	c := &pole.Call{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return errs, nil
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				errs = append(errs, pole.FieldError{Line: pe.Line, Message: "malformed CSV: " + pe.Err.Error()})
				if len(errs) >= maxReportedError {
					return errs, nil
				}
				continue
			}
			return errs, err
		}
		*c = pole.Call{From: get(rec, "from"), To: get(rec, "to"), Cell: get(rec, "cell")}
		var rowErrs []pole.FieldError
		start := get(rec, "start")
		for _, layout := range callTimeLayouts {
			if t, err := time.Parse(layout, start); err == nil {
				c.Start = t.UTC()
				break
			}
		}
		if c.Start.IsZero() {
			rowErrs = append(rowErrs, pole.FieldError{Line: line, Field: "start", Message: fmt.Sprintf("%q is not a time (RFC 3339 or YYYY-MM-DD HH:MM:SS)", start)})
		}
		if d := get(rec, "duration"); d != "" {
			n, err := strconv.Atoi(d)
			if err != nil {
				rowErrs = append(rowErrs, pole.FieldError{Line: line, Field: "duration", Message: fmt.Sprintf("%q is not a number of seconds", d)})
			}
			c.DurationS = n
		}
		switch t := strings.ToLower(get(rec, "type")); t {
		case "", "voice", "call", "moc", "mtc", "mo_call":
			c.Type = "voice"
		case "sms", "text", "mo_sms", "mt_sms":
			c.Type = "sms"
		default:
			rowErrs = append(rowErrs, pole.FieldError{Line: line, Field: "type", Message: fmt.Sprintf("%q is not voice or sms", t)})
		}
		if len(rowErrs) == 0 {
			for _, fe := range c.Check() {
				fe.Line = line
				rowErrs = append(rowErrs, fe)
			}
		}
		if len(rowErrs) > 0 {
			errs = append(errs, rowErrs...)
			if len(errs) >= maxReportedError {
				return errs, nil
			}
			continue
		}
		if len(errs) > 0 {
			continue
		}
		if err := f(line, c); err != nil {
			return errs, err
		}
	}
}

// ImportCallsCSV imports provider call records, all or nothing. Numbers resolve to their one
// telephone record (created when new); a call already held (same from, to, start, type) is skipped.
// The body is spooled first, so a slow upload never holds the writer; then one goroutine checks
// and gathers runs of calls while the transaction writes the runs before them. A bad row anywhere
// stops the writing and rolls it back, and every bad row is reported.
func (s *Store) ImportCallsCSV(ctx context.Context, p *auth.Principal, r io.Reader, opts peel.ImportOptions) (*peel.ImportSummary, error) {
	if err := p.Require(auth.PermImport); err != nil {
		return nil, err
	}
	spool, err := os.CreateTemp(opts.TempDir, "peel-calls-*.csv")
	if err != nil {
		return nil, err
	}
	defer os.Remove(spool.Name())
	defer spool.Close()
	if _, err := io.Copy(spool, r); err != nil {
		if statusTooLarge(err) {
			return nil, &pole.Error{Code: pole.ETooLarge, Message: "the body is larger than the server accepts; nothing was imported"}
		}
		return nil, fmt.Errorf("calls import read: %w", err)
	}
	if _, err := spool.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	sum := &peel.ImportSummary{Created: map[string]int{}, Updated: map[string]int{}}
	err = s.write(ctx, func(tx *Tx) error {
		if err := tx.bulkWrite(ctx); err != nil {
			return err
		}
		pctx, cancel := context.WithCancel(ctx)
		defer cancel()
		runs := make(chan *callRun, 1)
		var errs []pole.FieldError
		var perr error
		go func() {
			defer close(runs)
			run, limit := newCallRun(nil), firstCallRunRows
			asked := map[string]bool{}
			send := func() error {
				run.sort() // here, while the writer is busy with the run before
				if s.dialect.OneWriter {
					// The writer holds the only write transaction, so a reader sees the telephones
					// it began with; it need not look them up itself.
					if err := s.lookUpNumbers(pctx, p, run, asked); err != nil {
						return err
					}
				}
				select {
				case runs <- run:
					run, limit = newCallRun(run.tab), nextCallRunRows(limit)
					return nil
				case <-pctx.Done():
					return pctx.Err()
				}
			}
			errs, perr = ParseCallsCSV(bufio.NewReaderSize(spool, 1<<20), func(_ int, c *pole.Call) error {
				if err := run.add(c); err != nil {
					return err
				}
				if len(run.rows) >= limit {
					return send()
				}
				return nil
			})
			if perr == nil && len(errs) == 0 {
				perr = send()
			}
		}()
		w := &writer{tx: tx, p: p, keys: map[string]string{}, refs: map[string]string{}, kinds: map[string]pole.Kind{}}
		for run := range runs {
			if err := s.writeCallRun(ctx, w, run.numbers(), run, sum, nil); err != nil {
				cancel()
				for range runs {
				}
				return err
			}
		}
		if perr != nil {
			return perr
		}
		if len(errs) > 0 {
			return &pole.Error{Code: pole.EInvalid, Message: fmt.Sprintf("the call records have %d bad rows; nothing was imported", countLines(errs)), Fields: errs}
		}
		tx.audit(p, audit.ActionImport, nil, fmt.Sprintf(`{"calls":%d,"telephones_created":%d}`, sum.Calls, sum.Created["telephone"]))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return sum, nil
}

// writeCallRun resolves numbers to their telephones, creating those not yet held (each told to
// created, when given), and writes a run of calls.
func (s *Store) writeCallRun(ctx context.Context, w *writer, nums []string, run *callRun, sum *peel.ImportSummary, created func(id string)) error {
	tx := w.tx
	w.learnKeys(run.looked, run.found)
	keys := make([]string, len(nums))
	for i, n := range nums {
		keys[i] = "tel:" + n
	}
	if err := w.prefetchKeys(ctx, keys); err != nil {
		return err
	}
	for i, n := range nums {
		if _, known := w.keys[keys[i]]; known {
			continue
		}
		before := len(w.touched)
		if _, err := w.ensure(ctx, &pole.Telephone{Number: n}); err != nil {
			return err
		}
		for _, id := range w.touched[before:] {
			sum.Created[string(pole.KindTelephone)]++
			if created != nil {
				created(id)
			}
		}
	}
	if err := tx.flush(ctx); err != nil {
		return err
	}
	n, err := tx.writeCalls(ctx, run)
	sum.Calls += n
	return err
}

// lookUpNumbers looks up, through a reader, the telephones of a run's numbers not asked about
// for an earlier run of the same import.
func (s *Store) lookUpNumbers(ctx context.Context, p *auth.Principal, run *callRun, asked map[string]bool) error {
	run.looked = run.looked[:0]
	for _, n := range run.numbers() {
		if k := "tel:" + n; !asked[k] {
			asked[k] = true
			run.looked = append(run.looked, k)
		}
	}
	var err error
	run.found, err = s.liveKeys(ctx, &reader{s: s, db: s.r}, p, run.looked)
	return err
}

func statusTooLarge(err error) bool {
	return err != nil && strings.Contains(err.Error(), "request body too large")
}

// TopContacts answers "with which numbers was telephone T in contact in the window, either way,
// most first".
func (s *Store) TopContacts(ctx context.Context, p *auth.Principal, telID string, q peel.Query, limit int) ([]peel.Contact, error) {
	if err := p.Require(auth.PermRead); err != nil {
		return nil, err
	}
	rd := &reader{s: s, db: s.r}
	t, err := s.visibleOfKind(ctx, rd, p, telID, pole.KindTelephone)
	if err != nil {
		return nil, err
	}
	num := t.Body.(*pole.Telephone).Number
	w := q.Window()
	rows, err := rd.query(ctx, `SELECT other, SUM(n), MIN(first), MAX(last) FROM (
			SELECT to_number AS other, COUNT(*) AS n, MIN(start) AS first, MAX(start) AS last FROM calls WHERE from_number = ? AND start >= ? AND start <= ? GROUP BY to_number
			UNION ALL
			SELECT from_number AS other, COUNT(*) AS n, MIN(start) AS first, MAX(start) AS last FROM calls WHERE to_number = ? AND start >= ? AND start <= ? GROUP BY from_number
		) x GROUP BY other`, num, micros(w.From), micros(w.To), num, micros(w.From), micros(w.To))
	if err != nil {
		return nil, fmt.Errorf("top contacts: %w", err)
	}
	out, err := s.contactsFrom(ctx, rd, p, rows, w)
	if err != nil {
		return nil, err
	}
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	ids := []string{t.ID}
	for _, c := range out {
		ids = append(ids, c.Telephone.ID)
		for _, pr := range c.Persons {
			ids = append(ids, pr.ID)
		}
	}
	return out, s.Consult(ctx, p, audit.ActionQuery, ids, "top contacts of "+t.ID)
}

// contactsFrom turns (number, count, first, last) rows into contacts the principal may see.
func (s *Store) contactsFrom(ctx context.Context, q querier, p *auth.Principal, rows interface {
	Next() bool
	Scan(...any) error
	Close() error
	Err() error
}, w pole.Window) ([]peel.Contact, error) {
	type agg struct {
		n           int
		first, last int64
	}
	byNum := map[string]agg{}
	var keys []string
	for rows.Next() {
		var num string
		var a agg
		if err := rows.Scan(&num, &a.n, &a.first, &a.last); err != nil {
			rows.Close()
			return nil, err
		}
		byNum[num] = a
		keys = append(keys, "tel:"+num)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	tels, err := s.recordsByKey(ctx, q, keys)
	if err != nil {
		return nil, err
	}
	var telIDs []string
	for _, r := range tels {
		telIDs = append(telIDs, r.ID)
	}
	people, err := s.linkedFrom(ctx, q, telIDs, []string{"subscriber_of", "user_of"}, w)
	if err != nil {
		return nil, err
	}
	out := []peel.Contact{}
	for key, r := range tels {
		if !p.CanSee(r.Access) {
			continue
		}
		a := byNum[strings.TrimPrefix(key, "tel:")]
		c := peel.Contact{Telephone: brief(r), Calls: a.n, First: fromMicros(a.first), Last: fromMicros(a.last), Persons: []peel.Brief{}}
		c.Telephone.Kind, c.Telephone.Label = "", ""
		for _, pr := range people[r.ID] {
			if p.CanSee(pr.Access) {
				b := brief(pr)
				b.Kind, b.Label = "", ""
				c.Persons = append(c.Persons, b)
			}
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Calls != out[j].Calls {
			return out[i].Calls > out[j].Calls
		}
		return out[i].Telephone.Number < out[j].Telephone.Number
	})
	return out, nil
}

// CommonContacts answers "which numbers were in contact (either way) with at least min of these
// telephones in the window".
func (s *Store) CommonContacts(ctx context.Context, p *auth.Principal, telIDs []string, q peel.Query, minShared int) ([]peel.CommonContact, error) {
	if err := p.Require(auth.PermRead); err != nil {
		return nil, err
	}
	if len(telIDs) < 2 || len(telIDs) > 50 {
		return nil, pole.Invalid("give 2 to 50 telephones", pole.FieldError{Field: "telephones", Message: "give 2 to 50 telephone ids"})
	}
	if minShared < 2 {
		minShared = 2
	}
	rd := &reader{s: s, db: s.r}
	numOf := map[string]string{}
	var nums []any
	for i, id := range telIDs {
		t, err := s.visibleOfKind(ctx, rd, p, id, pole.KindTelephone)
		if err != nil {
			if pole.IsNotFound(err) {
				return nil, pole.Invalid("unknown telephone", pole.FieldError{Field: fmt.Sprintf("telephones[%d]", i), Message: fmt.Sprintf("no telephone %q", id)})
			}
			return nil, err
		}
		n := t.Body.(*pole.Telephone).Number
		numOf[n] = t.ID
		nums = append(nums, n)
	}
	w := q.Window()
	args := append(append(append([]any{}, nums...), micros(w.From), micros(w.To)), append(append([]any{}, nums...), micros(w.From), micros(w.To))...)
	rows, err := rd.query(ctx, `SELECT other, mine, COUNT(*), MIN(start), MAX(start) FROM (
			SELECT to_number AS other, from_number AS mine, start FROM calls WHERE from_number IN (`+inList(len(nums))+`) AND start >= ? AND start <= ?
			UNION ALL
			SELECT from_number AS other, to_number AS mine, start FROM calls WHERE to_number IN (`+inList(len(nums))+`) AND start >= ? AND start <= ?
		) x GROUP BY other, mine`, args...)
	if err != nil {
		return nil, fmt.Errorf("common contacts: %w", err)
	}
	type agg struct {
		with        map[string]int
		first, last int64
	}
	byOther := map[string]*agg{}
	for rows.Next() {
		var other, mine string
		var n int
		var first, last int64
		if err := rows.Scan(&other, &mine, &n, &first, &last); err != nil {
			rows.Close()
			return nil, err
		}
		if _, asked := numOf[other]; asked {
			continue
		}
		a := byOther[other]
		if a == nil {
			a = &agg{with: map[string]int{}, first: first, last: last}
			byOther[other] = a
		}
		a.with[numOf[mine]] += n
		a.first, a.last = min(a.first, first), max(a.last, last)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var keys []string
	for other, a := range byOther {
		if len(a.with) >= minShared {
			keys = append(keys, "tel:"+other)
		}
	}
	tels, err := s.recordsByKey(ctx, rd, keys)
	if err != nil {
		return nil, err
	}
	out := []peel.CommonContact{}
	ids := append([]string{}, telIDs...)
	for key, r := range tels {
		if !p.CanSee(r.Access) {
			continue
		}
		a := byOther[strings.TrimPrefix(key, "tel:")]
		b := brief(r)
		b.Kind, b.Label = "", ""
		cc := peel.CommonContact{Telephone: b, With: a.with, First: fromMicros(a.first), Last: fromMicros(a.last)}
		for _, n := range a.with {
			cc.Calls += n
		}
		out = append(out, cc)
		ids = append(ids, r.ID)
	}
	sort.Slice(out, func(i, j int) bool {
		if len(out[i].With) != len(out[j].With) {
			return len(out[i].With) > len(out[j].With)
		}
		if out[i].Calls != out[j].Calls {
			return out[i].Calls > out[j].Calls
		}
		return out[i].Telephone.Number < out[j].Telephone.Number
	})
	return out, s.Consult(ctx, p, audit.ActionQuery, ids, "common contacts")
}

// CallChains answers "who called whom next": chains T -> B -> C ... where each call follows the
// previous one within gap, in the window, up to depth calls long.
func (s *Store) CallChains(ctx context.Context, p *auth.Principal, telID string, q peel.Query, depth int, gap time.Duration, limit int) ([]peel.CallChain, error) {
	if err := p.Require(auth.PermRead); err != nil {
		return nil, err
	}
	if depth < 2 || depth > 5 {
		return nil, pole.Invalid("bad depth", pole.FieldError{Field: "depth", Message: "must be 2 to 5"})
	}
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	rd := &reader{s: s, db: s.r}
	t, err := s.visibleOfKind(ctx, rd, p, telID, pole.KindTelephone)
	if err != nil {
		return nil, err
	}
	hidden, err := s.hiddenNumbers(ctx, p)
	if err != nil {
		return nil, err
	}
	w := q.Window()
	outCalls := func(num string, after, before int64) ([]pole.Call, error) {
		rows, err := rd.query(ctx, `SELECT to_number, start, call_type, duration_s FROM calls WHERE from_number = ? AND start >= ? AND start <= ? ORDER BY start LIMIT 200`, num, after, before)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var cs []pole.Call
		for rows.Next() {
			c := pole.Call{From: num}
			var st int64
			if err := rows.Scan(&c.To, &st, &c.Type, &c.DurationS); err != nil {
				return nil, err
			}
			c.Start = fromMicros(st)
			if !hidden[c.To] {
				cs = append(cs, c)
			}
		}
		return cs, rows.Err()
	}
	first, err := outCalls(t.Body.(*pole.Telephone).Number, micros(w.From), micros(w.To))
	if err != nil {
		return nil, err
	}
	var chains []peel.CallChain
	var grow func(chain []pole.Call) error
	grow = func(chain []pole.Call) error {
		if len(chains) >= limit {
			return nil
		}
		last := chain[len(chain)-1]
		var next []pole.Call
		if len(chain) < depth {
			var err error
			next, err = outCalls(last.To, micros(last.Start)+1, min(micros(last.Start.Add(gap)), micros(w.To)))
			if err != nil {
				return err
			}
		}
		extended := false
		for _, c := range next {
			if c.To == chain[0].From || inChain(chain, c.To) {
				continue
			}
			extended = true
			if err := grow(append(append([]pole.Call{}, chain...), c)); err != nil {
				return err
			}
		}
		if !extended && len(chain) >= 2 {
			chains = append(chains, peel.CallChain{Calls: chain})
		}
		return nil
	}
	for _, c := range first {
		if err := grow([]pole.Call{c}); err != nil {
			return nil, err
		}
	}
	if chains == nil {
		chains = []peel.CallChain{}
	}
	return chains, s.Consult(ctx, p, audit.ActionQuery, []string{t.ID}, fmt.Sprintf("call chains of %s: %d", t.ID, len(chains)))
}

func inChain(chain []pole.Call, num string) bool {
	for _, c := range chain {
		if c.From == num {
			return true
		}
	}
	return false
}
