package sqlstore

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/peel-rms/peel"

	"github.com/peel-rms/peel/audit"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
	"github.com/peel-rms/peel/ukref"
)

// Import limits.
const (
	MaxLineBytes     = 4 << 20
	maxReportedError = 1000
	importChunk      = 500
)

// importLine is a decoded line with its number.
type importLine struct {
	n     int
	line  *pole.Line
	flags []pole.Flag
	// validated is set once the record has been normalised and its flags found.
	validated bool
}

// maxHeldBytes bounds the size of an import whose decoded lines are kept in memory between the
// checking pass and the writing passes; larger bodies are decoded again from the spool.
const maxHeldBytes = 128 << 20

// refInfo is what is known about a ref: its record and kind.
type refInfo struct {
	id   string
	kind pole.Kind
}

// Import reads interchange NDJSON and stores it all, or nothing: every line is checked, and if
// any is bad the import fails listing every bad line; otherwise everything is written in one
// transaction. The body is first spooled to a temporary file, so bodies of any size stream
// through and a slow upload never holds the writer. Then the checking pass runs beside the first
// writing pass, on another core: records are written as their lines are found good, and the
// transaction is rolled back if any line is not.
func (s *Store) Import(ctx context.Context, p *auth.Principal, source string, r io.Reader, opts peel.ImportOptions) (*peel.ImportSummary, error) {
	if err := p.Require(auth.PermImport); err != nil {
		return nil, err
	}
	if source == "" {
		source = "import"
	}
	vocab, err := s.Vocabulary(ctx)
	if err != nil {
		return nil, err
	}
	spool, err := os.CreateTemp(opts.TempDir, "peel-import-*.ndjson")
	if err != nil {
		return nil, fmt.Errorf("import spool: %w", err)
	}
	defer os.Remove(spool.Name())
	defer spool.Close()
	if _, err := io.Copy(spool, r); err != nil {
		if te := bodyTooLarge(err); te != nil {
			return nil, te
		}
		return nil, fmt.Errorf("import read: %w", err)
	}

	sum := &peel.ImportSummary{Created: map[string]int{}, Updated: map[string]int{}}
	var touched []string
	err = s.write(ctx, func(tx *Tx) error {
		if err := tx.bulkWrite(ctx); err != nil {
			return err
		}
		w := &writer{tx: tx, p: p, vocab: vocab, source: source, keys: map[string]string{}, refs: map[string]string{}}
		w.kinds = map[string]pole.Kind{}
		im := &importer{w: w, sum: sum, kinds: w.kinds, created: map[string]bool{}, vocab: vocab, callNumbers: map[string]bool{}}
		chk, err := im.checkWhileWriting(ctx, spool, vocab, tx.now)
		if err != nil {
			return err
		}
		// Refs not defined in the file must name records imported earlier under the same source.
		var missing []string
		for ref := range chk.used {
			if _, ok := chk.defined[ref]; !ok {
				missing = append(missing, ref)
			}
		}
		earlier, err := s.lookupRefs(ctx, &reader{s: s, db: s.r}, p, source, missing)
		if err != nil {
			return err
		}
		sort.Strings(missing)
		for _, ref := range missing {
			if _, ok := earlier[ref]; !ok {
				chk.fail(chk.used[ref], pole.FieldError{Field: "ref", Message: fmt.Sprintf("%q resolves to no record in this file or earlier imports of source %q", ref, source)})
			}
		}
		if len(chk.errs) > 0 {
			sort.SliceStable(chk.errs, func(i, j int) bool { return chk.errs[i].Line < chk.errs[j].Line })
			return &pole.Error{Code: pole.EInvalid, Message: fmt.Sprintf("the import has %d bad lines; nothing was imported", countLines(chk.errs)), Fields: chk.errs}
		}
		for ref, ri := range earlier {
			w.refs[ref] = ri.id
			im.kinds[ri.id] = ri.kind
		}
		im.held = chk.held
		if err := im.pass(ctx, spool, im.shorthands); err != nil {
			return err
		}
		if err := im.pass(ctx, spool, im.links); err != nil {
			return err
		}
		for _, n := range chk.calls.numbers() {
			im.callNumbers[n] = true
		}
		if err := s.writeCallRun(ctx, w, slices.Sorted(maps.Keys(im.callNumbers)), chk.calls, sum, func(id string) {
			im.kinds[id] = pole.KindTelephone
			im.created[id] = true
			im.touched = append(im.touched, id)
		}); err != nil {
			return err
		}
		if len(im.errs) > 0 {
			return &pole.Error{Code: pole.EInvalid, Message: fmt.Sprintf("the import has %d bad lines; nothing was imported", countLines(im.errs)), Fields: im.errs}
		}
		touched = im.touched
		if sum.Created[string(pole.KindPerson)]+sum.Updated[string(pole.KindPerson)] > 0 {
			// New or changed people: the scheduled duplicate detection should run soon.
			if err := tx.setSetting(ctx, SettingDedupeDue, "true"); err != nil {
				return err
			}
		}
		detail, _ := json.Marshal(struct {
			Source string `json:"source"`
			*peel.ImportSummary
			RecordsSHA256 string `json:"records_sha256"`
		}{source, sum, digestIDs(touched)})
		e := newEntry(p, audit.ActionImport, nil, string(detail))
		tx.entries = append(tx.entries, e)
		tx.bulk = map[*audit.Entry][]string{e: touched}
		return nil
	})
	if err != nil {
		return nil, mapUnique(err)
	}
	return sum, nil
}

// importCheck is what the checking pass learns of an import: the refs it defines and uses, its
// bad lines, and its decoded lines while they fit in memory.
type importCheck struct {
	defined     map[string]refInfo
	definedLine map[string]int
	used        map[string]int // refs used before (or without) being defined -> first line
	held        []importLine   // decoded lines, while they fit in maxHeldBytes; nil beyond
	heldBytes   int64
	errs        []pole.FieldError
	failed      atomic.Bool // set at the first bad line, read by the writing pass
	dec         pole.LineDecoder
	// calls are the file's call lines not yet sent to the writer, held compactly (32 bytes a
	// call); the passes after the checking pass never decode them again.
	calls *callRun
}

func (c *importCheck) fail(n int, fes ...pole.FieldError) {
	for _, fe := range fes {
		if len(c.errs) < maxReportedError {
			fe.Line = n
			c.errs = append(c.errs, fe)
		}
	}
	c.failed.Store(true)
}

func (c *importCheck) use(n int, ref string) {
	if ref == "" {
		return
	}
	if _, ok := c.defined[ref]; !ok {
		if _, seen := c.used[ref]; !seen {
			c.used[ref] = n
		}
	}
}

// checkWhileWriting runs the checking pass over the spool on its own goroutine, handing chunks of
// checked lines to the records pass here as they come. Once a line is bad the records pass stops:
// the transaction will be rolled back and the whole file's bad lines reported.
func (im *importer) checkWhileWriting(ctx context.Context, spool *os.File, vocab *ukref.Vocabulary, now time.Time) (*importCheck, error) {
	if _, err := spool.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	chk := &importCheck{defined: map[string]refInfo{}, definedLine: map[string]int{}, used: map[string]int{}, held: []importLine{}, calls: newCallRun(nil)}
	chk.dec.KeepNumbers = true // the call runs read each number once
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chunks := make(chan checkedChunk, 4)
	var cerr error
	go func() {
		defer close(chunks)
		cerr = chk.run(cctx, spool, vocab, now, chunks)
	}()
	records := im.analyzing(im.records)
	var werr error
	for chunk := range chunks {
		if werr != nil || chk.failed.Load() {
			continue // drain, so the checker finishes
		}
		if chunk.calls != nil {
			werr = im.callRun(ctx, chunk.calls)
		} else {
			werr = records(ctx, chunk.lines)
		}
		if werr != nil {
			cancel()
		}
	}
	if werr != nil {
		return nil, werr
	}
	if cerr != nil {
		var pe *pole.Error
		if errors.As(cerr, &pe) {
			return nil, pe
		}
		return nil, fmt.Errorf("import read: %w", cerr)
	}
	return chk, nil
}

// checkedChunk is checked lines for the records pass, or a full run of checked calls.
type checkedChunk struct {
	lines []importLine
	calls *callRun
}

// callRun writes a run of calls the checking pass has sorted. The calls table holds numbers, not
// telephones, so calls go in while records are still being written; the telephones of numbers
// no record has are made after the links (Store.writeCallRun).
func (im *importer) callRun(ctx context.Context, run *callRun) error {
	for _, n := range run.numbers() {
		im.callNumbers[n] = true
	}
	n, err := im.w.tx.writeCalls(ctx, run)
	im.sum.Calls += n
	return err
}

// run decodes and checks every line of r, sending chunks of good lines and runs of good calls
// to out.
func (c *importCheck) run(ctx context.Context, r io.Reader, vocab *ukref.Vocabulary, now time.Time, out chan<- checkedChunk) error {
	var chunk []importLine
	sendTo := func(ch checkedChunk) error {
		select {
		case out <- ch:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	send := func() error {
		if len(chunk) == 0 {
			return nil
		}
		if err := sendTo(checkedChunk{lines: chunk}); err != nil {
			return err
		}
		chunk = nil
		return nil
	}
	callLimit := firstCallRunRows
	n := 0
	err := eachLine(r, func(raw []byte) error {
		n++
		if len(bytes.TrimSpace(raw)) == 0 {
			return nil
		}
		if len(raw) > MaxLineBytes {
			c.fail(n, pole.FieldError{Message: fmt.Sprintf("line longer than %d bytes", MaxLineBytes)})
			return nil
		}
		line, perr := c.dec.Decode(raw)
		if perr != nil {
			fes := perr.Fields
			if len(fes) == 0 {
				fes = []pole.FieldError{{Message: perr.Message}}
			}
			c.fail(n, fes...)
			return nil
		}
		il := importLine{n: n, line: line}
		switch {
		case line.Record != nil:
			in := line.Record
			if prev, dup := c.definedLine[in.Ref]; dup {
				c.fail(n, pole.FieldError{Field: "ref", Message: fmt.Sprintf("%q is already defined on line %d", in.Ref, prev)})
				return nil
			}
			flags, verr := pole.ValidateLenient(in.Body, vocab, now)
			if verr != nil {
				var pe *pole.Error
				errors.As(verr, &pe)
				c.fail(n, pe.Fields...)
			}
			il.flags, il.validated = flags, true
			if aerr := checkAccess(in.Access, auth.System("import")); aerr != nil {
				var pe *pole.Error
				errors.As(aerr, &pe)
				c.fail(n, pe.Fields...)
			}
			c.defined[in.Ref] = refInfo{kind: in.Kind}
			c.definedLine[in.Ref] = n
			if ev, ok := in.Body.(*pole.Event); ok {
				c.use(n, ev.Location)
			}
		case line.Link != nil:
			c.use(n, line.Link.From)
			c.use(n, line.Link.To)
			c.use(n, line.Link.Evidence)
		case line.Call != nil:
			if err := c.calls.add(line.Call); err != nil {
				var pe *pole.Error
				errors.As(err, &pe)
				c.fail(n, pole.FieldError{Message: pe.Fields[0].Message})
			}
			if len(c.calls.rows) >= callLimit && !c.failed.Load() {
				run := c.calls
				run.sort() // here, while the writer is busy
				c.calls, callLimit = newCallRun(run.tab), nextCallRunRows(callLimit)
				return sendTo(checkedChunk{calls: run})
			}
			return nil
		}
		// Keep what was decoded, while it fits, so the later passes need not decode again.
		if c.held != nil {
			c.heldBytes += int64(len(raw))
			if c.heldBytes > maxHeldBytes {
				c.held = nil
			} else {
				c.held = append(c.held, il)
			}
		}
		if c.failed.Load() {
			return nil
		}
		chunk = append(chunk, il)
		if len(chunk) >= importChunk {
			return send()
		}
		return ctx.Err()
	})
	if err != nil {
		return err
	}
	return send()
}

// bodyTooLarge reports a body cut off by the server's size limit as the client's error.
func bodyTooLarge(err error) error {
	var maxErr *maxBytesError
	if errors.As(err, &maxErr) || strings.Contains(err.Error(), "http: request body too large") {
		return &pole.Error{Code: pole.ETooLarge, Message: "the import body is larger than the server accepts"}
	}
	return nil
}

func countLines(fes []pole.FieldError) int {
	lines := map[int]bool{}
	for _, f := range fes {
		lines[f.Line] = true
	}
	return len(lines)
}

func digestIDs(ids []string) string {
	sorted := append([]string(nil), ids...)
	sort.Strings(sorted)
	h := sha256.New()
	for _, id := range sorted {
		h.Write([]byte(id))
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// eachLine calls f with each line of r (without its newline), however long.
func eachLine(r io.Reader, f func([]byte) error) error {
	br := bufio.NewReaderSize(r, 1<<20)
	var long []byte
	for {
		chunk, err := br.ReadSlice('\n')
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			if len(long) <= MaxLineBytes {
				long = append(long, chunk...)
			}
			continue
		case err != nil && !errors.Is(err, io.EOF):
			if te := bodyTooLarge(err); te != nil {
				return te
			}
			return err
		}
		line := chunk
		if long != nil {
			long = append(long, chunk...)
			line = long
		}
		line = bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
		if len(line) > 0 || err == nil {
			if ferr := f(line); ferr != nil {
				return ferr
			}
		}
		long = nil
		if err != nil {
			return nil
		}
	}
}

type maxBytesError struct{}

func (*maxBytesError) Error() string { return "too large" }

// lookupRefs resolves refs of a source to live records the principal may see.
func (s *Store) lookupRefs(ctx context.Context, q querier, p *auth.Principal, source string, refs []string) (map[string]refInfo, error) {
	out := map[string]refInfo{}
	for len(refs) > 0 {
		n := min(len(refs), importChunk)
		chunk := refs[:n]
		refs = refs[n:]
		args := []any{source}
		for _, r := range chunk {
			args = append(args, r)
		}
		// Two lookups by index rather than a join, so the plan stays right while a young database's
		// statistics still describe empty tables.
		rows, err := q.query(ctx, `SELECT ref, record_id FROM refs WHERE source = ? AND ref IN (`+inList(len(chunk))+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("lookup refs: %w", err)
		}
		byRef := map[string]string{}
		var ids []string
		for rows.Next() {
			var ref, id string
			if err := rows.Scan(&ref, &id); err != nil {
				rows.Close()
				return nil, err
			}
			byRef[ref] = id
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		states, err := s.recordStates(ctx, q, ids)
		if err != nil {
			return nil, err
		}
		for ref, id := range byRef {
			st, ok := states[id]
			if !ok || st.deleted {
				continue
			}
			if st.mergedInto != "" {
				id = st.mergedInto
			}
			if canSeeRaw(p, st.access) {
				out[ref] = refInfo{id: id, kind: st.kind}
			}
		}
	}
	return out, nil
}

// importer is the state of pass 2 of one import.
type importer struct {
	w       *writer
	sum     *peel.ImportSummary
	vocab   *ukref.Vocabulary
	kinds   map[string]pole.Kind // record id -> kind, for link checks
	created map[string]bool      // ids created by this import (their links cannot exist yet)
	touched []string
	errs    []pole.FieldError
	// held are the decoded lines when the body was small enough to keep; nil means re-read the
	// spool (the records pass has its lines from the checking pass).
	held        []importLine
	chunks      int             // chunks handled, for refreshing statistics
	callNumbers map[string]bool // the numbers of the calls written so far
}

// pass re-reads the spooled file, handing lines to f in chunks.
func (im *importer) pass(ctx context.Context, spool *os.File, f func(context.Context, []importLine) error) error {
	f = im.analyzing(f)
	if im.held != nil {
		for i := 0; i < len(im.held); i += importChunk {
			if err := f(ctx, im.held[i:min(i+importChunk, len(im.held))]); err != nil {
				return err
			}
		}
		return nil
	}
	if _, err := spool.Seek(0, io.SeekStart); err != nil {
		return err
	}
	n := 0
	var chunk []importLine
	var dec pole.LineDecoder
	err := eachLine(spool, func(raw []byte) error {
		n++
		if len(bytes.TrimSpace(raw)) == 0 || bytes.HasPrefix(raw, callLinePrefix) {
			return nil // calls were gathered by the checking pass
		}
		line, perr := dec.Decode(raw)
		if perr != nil {
			return perr
		}
		chunk = append(chunk, importLine{n: n, line: line})
		if len(chunk) >= importChunk {
			err := f(ctx, chunk)
			chunk = chunk[:0]
			return err
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(chunk) > 0 {
		return f(ctx, chunk)
	}
	return nil
}

// callLinePrefix begins the call lines Peel and most writers write; others are decoded and
// skipped by the writing passes.
var callLinePrefix = []byte(`{"kind":"call"`)

// analyzing wraps a chunk step so the planner's statistics are refreshed as the import grows the
// tables: after 1, 2, 4, 8... chunks, so it costs little and plans never lag far behind.
func (im *importer) analyzing(f func(context.Context, []importLine) error) func(context.Context, []importLine) error {
	stmt := im.w.tx.s.dialect.Analyze
	if stmt == "" {
		return f
	}
	return func(ctx context.Context, chunk []importLine) error {
		im.chunks++
		if im.chunks&(im.chunks-1) == 0 && im.chunks >= 4 {
			if err := im.w.tx.flush(ctx); err != nil {
				return err
			}
			if _, err := im.w.tx.exec(ctx, stmt); err != nil {
				return fmt.Errorf("analyze: %w", err)
			}
		}
		return f(ctx, chunk)
	}
}

// records writes the record lines of a chunk: new records, new versions of records this source
// sent before, refs added to records found by exact key.
func (im *importer) records(ctx context.Context, chunk []importLine) error {
	w, tx := im.w, im.w.tx
	var ins []importLine
	var refs []string
	var keys []string
	for _, il := range chunk {
		if il.line.Record == nil {
			continue
		}
		in := il.line.Record
		if !il.validated {
			il.flags, _ = pole.ValidateLenient(in.Body, im.vocab, tx.now)
		}
		ins = append(ins, il)
		refs = append(refs, in.Ref)
		keys = append(keys, in.Body.Keys()...)
	}
	if len(ins) == 0 {
		return nil
	}
	prior, err := tx.s.lookupRefs(ctx, tx, auth.System("import"), w.source, refs)
	if err != nil {
		return err
	}
	var priorIDs []string
	for _, ri := range prior {
		priorIDs = append(priorIDs, ri.id)
	}
	priorRecs, err := loadRecords(ctx, tx, tx.s.dialect.MaxParams, priorIDs)
	if err != nil {
		return err
	}
	if err := w.prefetchKeys(ctx, keys); err != nil {
		return err
	}
	for _, il := range ins {
		in := il.line.Record
		kind := string(in.Kind)
		if ri, ok := prior[in.Ref]; ok {
			old := priorRecs[ri.id]
			if old == nil {
				return fmt.Errorf("line %d: record %s vanished", il.n, ri.id)
			}
			if old.Kind != in.Kind {
				im.errs = append(im.errs, pole.FieldError{Line: il.n, Field: "kind", Message: fmt.Sprintf("ref %q is a %s already; it cannot become a %s", in.Ref, old.Kind, in.Kind)})
				continue
			}
			w.refs[in.Ref] = old.ID
			im.kinds[old.ID] = old.Kind
			changed, err := im.replace(ctx, old, in, il.flags)
			if err != nil {
				return err
			}
			if changed {
				im.sum.Updated[kind]++
				im.touched = append(im.touched, old.ID)
			} else {
				im.sum.Unchanged++
			}
			continue
		}
		rec, created, err := w.upsertNew(ctx, in, il.flags)
		if err != nil {
			return err
		}
		im.kinds[rec.ID] = in.Kind
		im.touched = append(im.touched, rec.ID)
		if created {
			im.created[rec.ID] = true
			im.sum.Created[kind]++
		} else {
			im.sum.Updated[kind]++
		}
	}
	return nil
}

// replace makes a new version of old with the line's content, unless nothing changed.
func (im *importer) replace(ctx context.Context, old *pole.Record, in *pole.Input, flags []pole.Flag) (bool, error) {
	tx := im.w.tx
	body := in.Body
	switch b := body.(type) {
	case *pole.Person:
		body = b.Stored()
	case *pole.Event:
		body = b.Stored()
	}
	pole.FillMarkerDefaults(body, old.Body, im.w.p.Username, old.ID, tx.now)
	nb, _ := json.Marshal(body)
	ob, _ := json.Marshal(old.Body)
	na, _ := json.Marshal(in.Access)
	oa, _ := json.Marshal(old.Access)
	if bytes.Equal(nb, ob) && (bytes.Equal(na, oa) || (in.Access == nil && old.Access == nil)) && old.MergedInto == "" {
		return false, nil
	}
	rec := *old
	rec.Body, rec.Flags, rec.Access = body, flags, in.Access
	rec.Version++
	rec.UpdatedAt = tx.now
	return true, tx.putRecord(ctx, &rec, im.w.p.Username, old)
}

// shorthands turns person addresses and phones and event locations into records and links.
func (im *importer) shorthands(ctx context.Context, chunk []importLine) error {
	w := im.w
	var keys []string
	for _, il := range chunk {
		in := il.line.Record
		if in == nil {
			continue
		}
		switch b := in.Body.(type) {
		case *pole.Person:
			if len(b.Addresses) == 0 && len(b.Phones) == 0 {
				continue
			}
		case *pole.Event:
			if b.Location == "" {
				continue
			}
		default:
			continue
		}
		if !il.validated {
			// Normalise again: the line was decoded afresh from the spool.
			if _, err := pole.ValidateLenient(in.Body, im.vocab, w.tx.now); err != nil {
				return err
			}
		}
		keys = keys[:0]
		if p, ok := in.Body.(*pole.Person); ok {
			for _, a := range p.Addresses {
				keys = append(keys, a.Location.Keys()...)
			}
			for _, ph := range p.Phones {
				keys = append(keys, "tel:"+ph.Number)
			}
		}
		if err := w.prefetchKeys(ctx, keys); err != nil {
			return err
		}
		id := w.refs[in.Ref]
		before := len(w.touched)
		w.skipLinkLookup = im.created[id]
		if err := w.shorthand(ctx, id, in.Body); err != nil {
			var pe *pole.Error
			if errors.As(err, &pe) {
				for _, fe := range pe.Fields {
					fe.Line = il.n
					im.errs = append(im.errs, fe)
				}
				continue
			}
			return err
		}
		w.skipLinkLookup = false
		for _, t := range w.touched[before:] {
			im.created[t] = true
			im.touched = append(im.touched, t)
			im.sum.Created[string(im.kindOf(t))]++
		}
		im.sum.Links += w.newLinks
		w.newLinks = 0
	}
	return nil
}

func (im *importer) kindOf(id string) pole.Kind {
	if k, ok := im.kinds[id]; ok {
		return k
	}
	return ""
}

// links writes link lines (call lines were gathered by the checking pass).
func (im *importer) links(ctx context.Context, chunk []importLine) error {
	w := im.w
	for _, il := range chunk {
		in := il.line.Link
		if in == nil {
			continue
		}
		from, to, ev := w.refs[in.From], w.refs[in.To], ""
		if in.Evidence != "" {
			ev = w.refs[in.Evidence]
		}
		l := &pole.Link{From: from, To: to, Role: in.Role, ValidFrom: in.ValidFrom, ValidTo: in.ValidTo, Evidence: ev}
		if err := pole.ValidateLink(l, im.kindOf(from), im.kindOf(to), im.vocab, true); err != nil {
			var pe *pole.Error
			errors.As(err, &pe)
			for _, fe := range pe.Fields {
				fe.Line = il.n
				im.errs = append(im.errs, fe)
			}
			continue
		}
		w.skipLinkLookup = im.created[from] || im.created[to]
		created, err := w.link(ctx, l)
		w.skipLinkLookup = false
		if err != nil {
			return err
		}
		if created {
			im.sum.Links++
		}
	}
	return nil
}

// prefetchKeys resolves exact keys not yet known to this transaction in one query.
func (w *writer) prefetchKeys(ctx context.Context, keys []string) error {
	var ask []string
	for _, k := range keys {
		if _, ok := w.keys[k]; ok || w.missKeys[k] {
			continue
		}
		ask = append(ask, k)
	}
	ask = uniq(ask)
	found, err := w.tx.s.liveKeys(ctx, w.tx, w.p, ask)
	if err != nil {
		return err
	}
	w.learnKeys(ask, found)
	return nil
}

// learnKeys takes what a lookup of exact keys found: a key in found resolves to its record, any
// other of keys to none, unless this transaction already knows better.
func (w *writer) learnKeys(keys []string, found map[string]string) {
	if w.missKeys == nil {
		w.missKeys = map[string]bool{}
	}
	for _, k := range keys {
		if _, done := w.keys[k]; done {
			continue
		}
		if id, ok := found[k]; ok {
			w.keys[k] = id
			delete(w.missKeys, k)
		} else {
			w.missKeys[k] = true
		}
	}
}

// liveKeys resolves exact keys to live records the principal may see, importChunk keys a query.
func (s *Store) liveKeys(ctx context.Context, q querier, p *auth.Principal, keys []string) (map[string]string, error) {
	out := map[string]string{}
	for len(keys) > 0 {
		n := min(len(keys), importChunk)
		args := make([]any, n)
		for i, k := range keys[:n] {
			args[i] = k
		}
		keys = keys[n:]
		found, err := s.keysToLive(ctx, q, p, args)
		if err != nil {
			return nil, err
		}
		maps.Copy(out, found)
	}
	return out, nil
}

// insertRowsCount is insertRows returning how many rows were inserted.
func (tx *Tx) insertRowsCount(ctx context.Context, table, cols string, width int, args []any, suffix string) (int64, error) {
	per := min(tx.s.dialect.MaxParams/width, 500)
	var total int64
	for len(args) > 0 {
		n := min(len(args)/width, per)
		res, err := tx.execPrepared(ctx, tx.s.dialect.bulkInsert()+table+" ("+cols+") VALUES "+placeholders(n, width)+" "+suffix, args[:n*width]...)
		if err != nil {
			return total, err
		}
		k, _ := res.RowsAffected()
		total += k
		args = args[n*width:]
	}
	return total, nil
}

// recordState is what access checks need of a record.
type recordState struct {
	kind       pole.Kind
	access     string
	deleted    bool
	mergedInto string
}

// recordStates reads the kind, access and state of records by id.
func (s *Store) recordStates(ctx context.Context, q querier, ids []string) (map[string]recordState, error) {
	out := make(map[string]recordState, len(ids))
	ids = uniq(ids)
	for len(ids) > 0 {
		n := min(len(ids), importChunk)
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		ids = ids[n:]
		rows, err := q.query(ctx, `SELECT id, kind, access, deleted, merged_into FROM records WHERE id IN (`+inList(n)+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id, kind string
			var access, merged sql.NullString
			var deleted int
			if err := rows.Scan(&id, &kind, &access, &deleted, &merged); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = recordState{kind: pole.Kind(kind), access: access.String, deleted: deleted != 0, mergedInto: merged.String}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// keysToLive resolves exact keys (given as query arguments) to the live, visible records holding
// them, by index lookups rather than a join.
func (s *Store) keysToLive(ctx context.Context, q querier, p *auth.Principal, keys []any) (map[string]string, error) {
	rows, err := q.query(ctx, `SELECT key, record_id FROM record_keys WHERE key IN (`+inList(len(keys))+`) ORDER BY record_id`, keys...)
	if err != nil {
		return nil, fmt.Errorf("resolve keys: %w", err)
	}
	type kr struct{ key, id string }
	var found []kr
	var ids []string
	for rows.Next() {
		var x kr
		if err := rows.Scan(&x.key, &x.id); err != nil {
			rows.Close()
			return nil, err
		}
		found = append(found, x)
		ids = append(ids, x.id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	states, err := s.recordStates(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, x := range found {
		st, ok := states[x.id]
		if !ok || st.deleted || st.mergedInto != "" || !canSeeRaw(p, st.access) {
			continue
		}
		if _, done := out[x.key]; !done {
			out[x.key] = x.id
		}
	}
	return out, nil
}
