package sqlstore

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/pole"
	"github.com/peel-rms/peel/ukref"
)

// callRun holds checked calls compactly and writes them in the calls table's key order. Calls
// arrive in time order, each at a random place in a key that starts with the caller's number;
// written as they came, every one landed on a different leaf of a B-tree larger than the cache.
// Numbers repeat, so the runs of one import share a table that reads each number as written once
// (into E.164); cells hardly repeat, so they sit end to end in one buffer. A call is 32 bytes
// without pointers, which the collector need not scan.
type callRun struct {
	tab    *numberTable
	strs   []string // the table's numbers when the run was sorted, for the writer to read
	cells  []byte
	rows   []callRec
	sorted bool
	// looked are the telephone keys of this run's numbers that a reader looked up before the run
	// reached the writer, and found those held by a live telephone the importer may see.
	looked []string
	found  map[string]string
}

// numberTable gives each number as written an id. Only the goroutine filling runs writes it; a
// sorted run carries the numbers as they were then, which later additions leave alone.
type numberTable struct {
	strs   []string          // id -> number in E.164 (or as written, when unreadable)
	ids    map[string]uint32 // number as written -> id
	byNorm map[string]uint32 // number in E.164 -> id
}

type callRec struct {
	start     int64
	from, to  uint32
	cellAt    uint32 // the cell is cells[cellAt:cellAt+cellLen]
	durationS int32
	cellLen   uint8
	sms       bool
}

// newCallRun starts a run sharing tab's numbers, or a table of its own when tab is nil.
func newCallRun(tab *numberTable) *callRun {
	if tab == nil {
		tab = &numberTable{ids: map[string]uint32{}, byNorm: map[string]uint32{}}
	}
	return &callRun{tab: tab}
}

func (t *numberTable) intern(raw string) uint32 {
	if id, ok := t.ids[raw]; ok {
		return id
	}
	raw = strings.Clone(raw)
	n := raw
	if e, _, ok := ukref.NormalisePhone(raw); ok {
		n = e
	}
	id, ok := t.byNorm[n]
	if !ok {
		id = uint32(len(t.strs))
		t.strs = append(t.strs, n)
		t.byNorm[n] = id
	}
	t.ids[raw] = id
	return id
}

// add holds a checked call, its numbers as written or normalised: its duration fits in 32 bits
// and its cell in 255 bytes (Call.Check).
func (r *callRun) add(c *pole.Call) error {
	if len(r.cells)+len(c.Cell) > math.MaxUint32 {
		return pole.Invalid("too many calls", pole.FieldError{Message: "the calls' cells fill 4 GB: split the import"})
	}
	r.sorted = false
	r.rows = append(r.rows, callRec{from: r.tab.intern(c.From), to: r.tab.intern(c.To), cellAt: uint32(len(r.cells)), cellLen: uint8(len(c.Cell)),
		start: micros(c.Start), durationS: int32(c.DurationS), sms: c.Type == "sms"})
	r.cells = append(r.cells, c.Cell...)
	return nil
}

// sort puts the run's calls in the calls table's key order and takes the numbers the writer will
// read. It runs on the goroutine that fills the table.
func (r *callRun) sort() {
	r.strs = r.tab.strs[:len(r.tab.strs):len(r.tab.strs)]
	order := make([]uint32, len(r.strs))
	for i := range order {
		order[i] = uint32(i)
	}
	slices.SortFunc(order, func(a, b uint32) int { return strings.Compare(r.strs[a], r.strs[b]) })
	rank := make([]uint32, len(r.strs))
	for i, id := range order {
		rank[id] = uint32(i)
	}
	slices.SortFunc(r.rows, func(a, b callRec) int {
		// call_type sorts "sms" before "voice".
		return cmp.Or(cmp.Compare(rank[a.from], rank[b.from]), cmp.Compare(a.start, b.start), cmp.Compare(rank[a.to], rank[b.to]), -boolCompare(a.sms, b.sms))
	})
	r.sorted = true
}

// numbers returns the distinct numbers the run's calls name, in E.164. A run not yet sorted is
// sorted first, on the caller's goroutine: the run must be the last of its table's.
func (r *callRun) numbers() []string {
	if !r.sorted {
		r.sort()
	}
	used := make([]bool, len(r.strs))
	for _, c := range r.rows {
		used[c.from], used[c.to] = true, true
	}
	var out []string
	for id, u := range used {
		if u {
			out = append(out, r.strs[id])
		}
	}
	return out
}

// callRunRows bounds the calls a run holds before they are written (32 MB). The larger the run,
// the closer together its calls land in the table: runs of 262,144 calls took half as long again
// to write as runs of 1,048,576. The first run of a file is small (firstCallRunRows) and each
// next one twice the last, up to callRunRows: writing a run takes about twice as long as reading
// one, so the writer starts early and seldom waits for the reader.
const (
	callRunRows      = 1 << 20
	firstCallRunRows = 1 << 16
)

// nextCallRunRows is the size of the run after one of n calls.
func nextCallRunRows(n int) int { return min(2*n, callRunRows) }

// writeCalls writes a run's calls in key order and returns how many the store took (a call it
// already held is skipped).
func (tx *Tx) writeCalls(ctx context.Context, r *callRun) (int, error) {
	if len(r.rows) == 0 {
		return 0, nil
	}
	if !r.sorted {
		r.sort()
	}
	// Each number is boxed once, not once a call: allocations showed in the time of a large load.
	boxed := make([]any, len(r.strs))
	for i, s := range r.strs {
		boxed[i] = s
	}
	types := [2]any{"voice", "sms"}
	const width = 6
	per := min(tx.s.dialect.MaxParams/width, 500)
	args := make([]any, 0, per*width)
	inserted := 0
	for rows := r.rows; len(rows) > 0; {
		n := min(len(rows), per)
		args = args[:0]
		for _, c := range rows[:n] {
			typ := types[0]
			if c.sms {
				typ = types[1]
			}
			var cell any
			if c.cellLen > 0 {
				cell = string(r.cells[c.cellAt : c.cellAt+uint32(c.cellLen)])
			}
			args = append(args, boxed[c.from], c.start, boxed[c.to], typ, int64(c.durationS), cell)
		}
		rows = rows[n:]
		k, err := tx.insertRowsCount(ctx, "calls", "from_number, start, to_number, call_type, duration_s, cell", width, args, "ON CONFLICT DO NOTHING")
		if err != nil {
			return inserted, fmt.Errorf("insert calls: %w", err)
		}
		inserted += int(k)
	}
	tx.changes = append(tx.changes, peel.Change{Kind: "call"})
	return inserted, nil
}

func boolCompare(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}
