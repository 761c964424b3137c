package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/auth"
)

// CallFiles are a force's telephones and calls split out of its file: the telephone lines as
// interchange NDJSON, the calls as a provider's CSV (caller,called,start,duration,type,cell) and
// as interchange call lines.
type CallFiles struct {
	Telephones string
	CSV        string
	Lines      string
	Phones     int
	Calls      int
}

// SplitCalls writes the force's telephones and calls into files in dir.
func SplitCalls(f *Force, dir string) (*CallFiles, error) {
	in, err := os.Open(f.Path)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	cf := &CallFiles{Telephones: filepath.Join(dir, "telephones.ndjson"), CSV: filepath.Join(dir, "calls.csv"), Lines: filepath.Join(dir, "calls.ndjson")}
	var files []*os.File
	var bufs []*bufio.Writer
	for _, p := range []string{cf.Telephones, cf.CSV, cf.Lines} {
		fh, err := os.Create(p)
		if err != nil {
			return nil, err
		}
		defer fh.Close()
		files = append(files, fh)
		bufs = append(bufs, bufio.NewWriterSize(fh, 1<<20))
	}
	tels, csvOut, lines := bufs[0], csv.NewWriter(bufs[1]), bufs[2]
	if err := csvOut.Write([]string{"caller", "called", "start", "duration", "type", "cell"}); err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 4<<20)
	for sc.Scan() {
		b := sc.Bytes()
		kind := lineKind(b)
		switch kind {
		case "telephone":
			tels.Write(b)
			tels.WriteByte('\n')
			cf.Phones++
		case "call":
			var c struct {
				From, To, Start, Type, Cell string
				DurationS                   int `json:"duration_s"`
			}
			if err := json.Unmarshal(b, &c); err != nil {
				return nil, err
			}
			if err := csvOut.Write([]string{c.From, c.To, c.Start, strconv.Itoa(c.DurationS), c.Type, c.Cell}); err != nil {
				return nil, err
			}
			lines.Write(b)
			lines.WriteByte('\n')
			cf.Calls++
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	csvOut.Flush()
	if err := csvOut.Error(); err != nil {
		return nil, err
	}
	for i, b := range bufs {
		if err := b.Flush(); err != nil {
			return nil, err
		}
		if err := files[i].Close(); err != nil {
			return nil, err
		}
	}
	return cf, nil
}

// lineKind reads the kind of an interchange line: the generator writes it first.
func lineKind(b []byte) string {
	const p = `{"kind":"`
	if bytes.HasPrefix(b, []byte(p)) {
		if k, _, ok := strings.Cut(string(b[len(p):min(len(b), len(p)+20)]), `"`); ok {
			return k
		}
	}
	var h struct{ Kind string }
	json.Unmarshal(b, &h)
	return h.Kind
}

// CallImportResult compares importing a force's calls into a store that holds its telephones
// with plain INSERTs of the same rows into tables of the same database.
type CallImportResult struct {
	Store string
	Rows  int // call rows in the file
	// Imported counts the calls the store took (a call it already held is skipped);
	// TelephonesCreated the numbers it had no telephone for.
	Imported          int
	TelephonesCreated int
	Setup             time.Duration // importing the telephones first (not measured)
	CSV               time.Duration // Store.ImportCallsCSV of the provider CSV
	Lines             time.Duration // Store.Import of the interchange call lines, into another store
	LinesImported     int
	// Bare is the baseline: multi-row INSERTs into a table with no key, in one transaction;
	// Indexed the same into a table with the calls table's key and index.
	Bare    time.Duration
	Indexed time.Duration
}

// CSVPerSec is ImportCallsCSV's rate in calls per second.
func (r CallImportResult) CSVPerSec() float64 { return perSec(r.Imported, r.CSV) }

// LinesPerSec is the interchange path's rate in calls per second.
func (r CallImportResult) LinesPerSec() float64 { return perSec(r.LinesImported, r.Lines) }

func perSec(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// TargetCallsPerSec is the calls import target of the analysis issue, into the embedded store.
const TargetCallsPerSec = 100000

// ImportCalls measures the calls import on a store kind: a fresh store given the force's
// telephones takes the provider CSV through ImportCallsCSV; a second fresh store takes the call
// lines through Import; then the CSV's rows go into bare tables of the first store's database.
func ImportCalls(ctx context.Context, kind string, cf *CallFiles, postgresURL, tempDir string, log *slog.Logger) (CallImportResult, error) {
	res := CallImportResult{Store: kind, Rows: cf.Calls}
	fresh := func(name string) (*Target, error) {
		t, err := open(ctx, kind, filepath.Join(tempDir, name), Config{PostgresURL: postgresURL})
		if err != nil {
			return nil, err
		}
		fh, err := os.Open(cf.Telephones)
		if err != nil {
			t.Close()
			return nil, err
		}
		defer fh.Close()
		start := time.Now()
		if _, err := t.Store.Import(ctx, auth.System("bench"), "bench", fh, peel.ImportOptions{TempDir: tempDir}); err != nil {
			t.Close()
			return nil, fmt.Errorf("telephones: %w", err)
		}
		if kind == "postgres" {
			if _, err := t.Store.DB().ExecContext(ctx, "ANALYZE"); err != nil {
				t.Close()
				return nil, err
			}
		}
		res.Setup = time.Since(start)
		return t, nil
	}
	timed := func(t *Target, path string, f func(io.Reader) (*peel.ImportSummary, error)) (*peel.ImportSummary, time.Duration, error) {
		fh, err := os.Open(path)
		if err != nil {
			return nil, 0, err
		}
		defer fh.Close()
		start := time.Now()
		sum, err := f(fh)
		return sum, time.Since(start), err
	}

	t, err := fresh("calls-csv")
	if err != nil {
		return res, err
	}
	defer t.Close()
	sum, d, err := timed(t, cf.CSV, func(r io.Reader) (*peel.ImportSummary, error) {
		return t.Store.ImportCallsCSV(ctx, auth.System("bench"), r, peel.ImportOptions{TempDir: tempDir})
	})
	if err != nil {
		return res, fmt.Errorf("calls CSV: %w", err)
	}
	res.CSV, res.Imported, res.TelephonesCreated = d, sum.Calls, sum.Created["telephone"]
	log.Info("calls CSV imported", "store", kind, "calls", res.Imported, "took", d.Round(time.Millisecond), "per_sec", int(res.CSVPerSec()))

	rows, err := readCallRows(cf.CSV)
	if err != nil {
		return res, err
	}
	if res.Bare, err = insertCalls(ctx, t, "bench_calls_bare", "", rows); err != nil {
		return res, err
	}
	if res.Indexed, err = insertCalls(ctx, t, "bench_calls_indexed", "PRIMARY KEY (caller, start, called, type)", rows); err != nil {
		return res, err
	}
	rows = nil
	log.Info("calls baselines", "store", kind, "bare", res.Bare.Round(time.Millisecond), "keyed", res.Indexed.Round(time.Millisecond))
	if err := t.Close(); err != nil {
		return res, err
	}

	t2, err := fresh("calls-lines")
	if err != nil {
		return res, err
	}
	defer t2.Close()
	sum, d, err = timed(t2, cf.Lines, func(r io.Reader) (*peel.ImportSummary, error) {
		return t2.Store.Import(ctx, auth.System("bench"), "bench", r, peel.ImportOptions{TempDir: tempDir})
	})
	if err != nil {
		return res, fmt.Errorf("call lines: %w", err)
	}
	res.Lines, res.LinesImported = d, sum.Calls
	return res, t2.Close()
}

type callRow struct {
	caller, called string
	start          int64
	duration       int
	typ, cell      string
}

// readCallRows reads the provider CSV back as rows for the baseline (not timed).
func readCallRows(path string) ([]callRow, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	r := csv.NewReader(bufio.NewReaderSize(fh, 1<<20))
	r.ReuseRecord = true
	if _, err := r.Read(); err != nil {
		return nil, err
	}
	var rows []callRow
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, err
		}
		st, err := time.Parse(time.RFC3339Nano, rec[2])
		if err != nil {
			return nil, err
		}
		d, _ := strconv.Atoi(rec[3])
		rows = append(rows, callRow{caller: rec[0], called: rec[1], start: st.UnixMicro(), duration: d, typ: rec[4], cell: rec[5]})
	}
}

// insertCalls creates a table and inserts the rows in one transaction of multi-row INSERTs, timing
// the transaction. key, when given, is the table's key clause; the table then also gets the calls
// table's second index.
func insertCalls(ctx context.Context, t *Target, table, key string, rows []callRow) (time.Duration, error) {
	db := t.Store.DB()
	dollar := t.Store.Dialect().Dollar
	cols := "caller TEXT NOT NULL, start BIGINT NOT NULL, called TEXT NOT NULL, type TEXT NOT NULL, duration BIGINT NOT NULL, cell TEXT"
	if key != "" {
		cols += ", " + key
	}
	if _, err := db.ExecContext(ctx, "DROP TABLE IF EXISTS "+table); err != nil {
		return 0, err
	}
	if _, err := db.ExecContext(ctx, "CREATE TABLE "+table+" ("+cols+")"); err != nil {
		return 0, err
	}
	if key != "" {
		if _, err := db.ExecContext(ctx, "CREATE INDEX "+table+"_to ON "+table+" (called, start)"); err != nil {
			return 0, err
		}
	}
	const per = 500
	stmt := func(n int) string {
		q := "INSERT INTO " + table + " (caller, start, called, type, duration, cell) VALUES " + valueRows(n, 6, dollar)
		if key != "" {
			q += " ON CONFLICT DO NOTHING"
		}
		return q
	}
	full := stmt(per)
	start := time.Now()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	prepared, err := tx.PrepareContext(ctx, full)
	if err != nil {
		return 0, err
	}
	args := make([]any, 0, 6*per)
	for len(rows) > 0 {
		n := min(per, len(rows))
		args = args[:0]
		for _, r := range rows[:n] {
			var cell any
			if r.cell != "" {
				cell = r.cell
			}
			args = append(args, r.caller, r.start, r.called, r.typ, r.duration, cell)
		}
		if n == per {
			_, err = prepared.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, stmt(n), args...)
		}
		if err != nil {
			return 0, fmt.Errorf("baseline insert: %w", err)
		}
		rows = rows[n:]
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}
