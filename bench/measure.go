package bench

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/demo"
	"github.com/peel-rms/peel/pole"
)

// Force is a generated force written to a file.
type Force struct {
	Config demo.Config
	Path   string
	Stats  demo.Stats
	// Digest is the SHA-256 of the file, which keys cached stores.
	Digest   string
	Generate time.Duration
}

// WriteForce generates the force cfg describes into a file in dir.
func WriteForce(cfg demo.Config, dir string) (*Force, error) {
	f, err := os.CreateTemp(dir, fmt.Sprintf("force-%d-*.ndjson", cfg.People))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha256.New()
	bw := bufio.NewWriterSize(io.MultiWriter(f, h), 1<<20)
	start := time.Now()
	st, err := demo.Generate(bw, cfg)
	if err != nil {
		return nil, err
	}
	if err := bw.Flush(); err != nil {
		return nil, err
	}
	return &Force{Config: cfg, Path: f.Name(), Stats: st, Digest: hex.EncodeToString(h.Sum(nil)), Generate: time.Since(start)}, f.Close()
}

// ImportResult compares Store.Import with plain INSERTs of the same lines into a bare table.
type ImportResult struct {
	Store   string
	People  int
	Lines   int
	Summary *peel.ImportSummary
	// Records counts the records the import created.
	Records  int
	Peel     time.Duration
	Baseline time.Duration
	// Chunked says the force was imported in pieces (ImportChunked).
	Chunked bool
}

// RecordsPerSec is the import's rate in records created per second.
func (r ImportResult) RecordsPerSec() float64 { return float64(r.Records) / r.Peel.Seconds() }

// LinesPerSec is the import's rate in NDJSON lines per second.
func (r ImportResult) LinesPerSec() float64 { return float64(r.Lines) / r.Peel.Seconds() }

// BaselineLinesPerSec is the rate of the plain INSERTs in lines per second.
func (r ImportResult) BaselineLinesPerSec() float64 {
	if r.Baseline == 0 {
		return 0
	}
	return float64(r.Lines) / r.Baseline.Seconds()
}

// Import imports the force's file into the target through Store.Import, all in one call as
// `peel import` does, and times it.
func Import(ctx context.Context, t *Target, f *Force, tempDir string) (ImportResult, error) {
	file, err := os.Open(f.Path)
	if err != nil {
		return ImportResult{}, err
	}
	defer file.Close()
	start := time.Now()
	sum, err := t.Store.Import(ctx, auth.System("bench"), "bench", file, peel.ImportOptions{TempDir: tempDir})
	took := time.Since(start)
	if err != nil {
		var pe *pole.Error
		if e, ok := err.(*pole.Error); ok && len(e.Fields) > 0 {
			pe = e
			return ImportResult{}, fmt.Errorf("import: %w (first: %+v)", err, pe.Fields[0])
		}
		return ImportResult{}, fmt.Errorf("import: %w", err)
	}
	n := 0
	for _, c := range sum.Created {
		n += c
	}
	return ImportResult{Store: t.Name, People: f.Config.People, Lines: f.Stats.Lines, Summary: sum, Records: n, Peel: took}, nil
}

// ImportChunked imports the force in pieces of about lines lines, each through Store.Import,
// running ANALYZE between pieces on PostgreSQL. Every line of a generated force refers only to
// lines before it, so the pieces import in order. It builds large PostgreSQL stores for the
// search measurement: a single import into a young PostgreSQL database slows quadratically while
// the planner's statistics still describe empty tables (see the report).
func ImportChunked(ctx context.Context, t *Target, f *Force, lines int, tempDir string) (ImportResult, error) {
	return ImportGrowing(ctx, t, f, lines, lines, tempDir)
}

// baselineRow is one line as the baseline stores it.
type baselineRow struct{ id, kind, body string }

// readRows reads the force's lines as (id, kind, body) rows: the ref for a record, else the line number.
func readRows(path string) ([]baselineRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 4<<20)
	var rows []baselineRow
	for n := 1; sc.Scan(); n++ {
		var head struct{ Kind, Ref string }
		if err := json.Unmarshal(sc.Bytes(), &head); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		id := head.Ref
		if id == "" {
			id = head.Kind + ":" + strconv.Itoa(n)
		}
		rows = append(rows, baselineRow{id: id, kind: head.Kind, body: sc.Text()})
	}
	return rows, sc.Err()
}

// Baseline inserts every line of the force into a bare table (id primary key, kind, body JSON) in
// the target's database, in one transaction of multi-row INSERTs, and times the transaction.
// Reading and splitting the file is not timed: the baseline is the database's share alone.
func Baseline(ctx context.Context, t *Target, f *Force) (time.Duration, error) {
	rows, err := readRows(f.Path)
	if err != nil {
		return 0, err
	}
	db := t.Store.DB()
	dollar := t.Store.Dialect().Dollar
	bodyType := "TEXT"
	if dollar {
		bodyType = "JSON"
	}
	table := "bench_baseline"
	if _, err := db.ExecContext(ctx, "DROP TABLE IF EXISTS "+table); err != nil {
		return 0, err
	}
	if _, err := db.ExecContext(ctx, "CREATE TABLE "+table+" (id TEXT PRIMARY KEY, kind TEXT NOT NULL, body "+bodyType+" NOT NULL)"); err != nil {
		return 0, err
	}
	const per = 500
	stmt := func(n int) string {
		return "INSERT INTO " + table + " (id, kind, body) VALUES " + valueRows(n, 3, dollar)
	}
	full := stmt(per)
	start := time.Now()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	args := make([]any, 0, 3*per)
	for len(rows) > 0 {
		n := min(per, len(rows))
		args = args[:0]
		for _, r := range rows[:n] {
			args = append(args, r.id, r.kind, r.body)
		}
		q := full
		if n < per {
			q = stmt(n)
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return 0, fmt.Errorf("baseline insert: %w", err)
		}
		rows = rows[n:]
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

// SampleIDs returns up to n ids of live records every reader may see, spread over the table.
func SampleIDs(ctx context.Context, t *Target, n int, seed uint64) ([]string, error) {
	rows, err := t.Store.ReadDB().QueryContext(ctx, "SELECT id FROM records WHERE access IS NULL AND deleted = 0 AND merged_into IS NULL")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	r := rand.New(rand.NewPCG(seed, 1))
	r.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	if len(ids) > n {
		ids = ids[:n]
	}
	return ids, nil
}

// officer is the principal of the measured reads: an ordinary user with a stated purpose, so
// every check and audit field is exercised as in real use.
func officer() *auth.Principal {
	return &auth.Principal{UserID: "bench", Username: "bench.officer", Roles: []string{"officer"}, Perms: []auth.Permission{auth.PermRead, auth.PermWrite},
		Purpose: "benchmark", Via: "token"}
}

// ViewResult compares audited record views (Store.Get committing its audit entry) with the same
// reads unaudited.
type ViewResult struct {
	Store   string
	Workers int
	Audited Dist
	NoAudit Dist
}

// Views reads random records with Store.Get from workers goroutines for about d, alternating
// unaudited and audited rounds so drift in the machine's load falls on both alike.
func Views(ctx context.Context, t *Target, ids []string, workers int, d time.Duration) (ViewResult, error) {
	if len(ids) == 0 {
		return ViewResult{}, fmt.Errorf("views: no records to read")
	}
	res := ViewResult{Store: t.Name, Workers: workers}
	var lat [2][]time.Duration
	var wall [2]time.Duration
	var fails [2]int
	const rounds = 4
	for round := 0; round < rounds; round++ {
		mode := round % 2 // 0: unaudited, 1: audited
		opts := peel.GetOptions{NoAudit: mode == 0}
		var mu sync.Mutex
		var wg sync.WaitGroup
		stop := time.Now().Add(d / rounds)
		start := time.Now()
		var firstErr error
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				r := rand.New(rand.NewPCG(uint64(round), uint64(w)))
				p := officer()
				var mine []time.Duration
				failed := 0
				for time.Now().Before(stop) && ctx.Err() == nil {
					id := ids[r.IntN(len(ids))]
					t0 := time.Now()
					_, err := t.Store.Get(ctx, p, id, opts)
					mine = append(mine, time.Since(t0))
					if err != nil {
						failed++
						mu.Lock()
						if firstErr == nil {
							firstErr = err
						}
						mu.Unlock()
					}
				}
				mu.Lock()
				lat[mode] = append(lat[mode], mine...)
				fails[mode] += failed
				mu.Unlock()
			}(w)
		}
		wg.Wait()
		wall[mode] += time.Since(start)
		if firstErr != nil {
			return res, fmt.Errorf("views: %w", firstErr)
		}
	}
	res.NoAudit = summarise(lat[0], wall[0])
	res.Audited = summarise(lat[1], wall[1])
	res.NoAudit.Failures, res.Audited.Failures = fails[0], fails[1]
	return res, nil
}

// valueRows is the VALUES list of a multi-row INSERT of n rows of width columns, with "?" or
// "$1"-style placeholders.
func valueRows(n, width int, dollar bool) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for j := range width {
			if j > 0 {
				b.WriteByte(',')
			}
			if dollar {
				fmt.Fprintf(&b, "$%d", width*i+j+1)
			} else {
				b.WriteByte('?')
			}
		}
		b.WriteByte(')')
	}
	return b.String()
}
