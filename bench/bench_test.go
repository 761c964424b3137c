package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/hazard"
)

// Sizes of the forces the Go benchmarks use; the environment overrides them.
func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func importPeople() int { return envInt("PEEL_BENCH_IMPORT_PEOPLE", 20000) }
func searchPeople() int { return envInt("PEEL_BENCH_SEARCH_PEOPLE", 100000) }

// fixtures holds the forces and stores the benchmarks share within one test binary, so a store
// built for one benchmark serves the next. TestMain closes them.
type fixtures struct {
	mu     sync.Mutex
	dir    string
	forces map[int]*Force
	stores map[string]*Target
}

func (fx *fixtures) force(tb testing.TB, people int) *Force {
	fx.mu.Lock()
	defer fx.mu.Unlock()
	if f := fx.forces[people]; f != nil {
		return f
	}
	f, err := WriteForce(forceConfig(people), fx.dir)
	if err != nil {
		tb.Fatal(err)
	}
	fx.forces[people] = f
	return f
}

// store returns a store of the kind holding the force of that many people, built once.
func (fx *fixtures) store(tb testing.TB, kind string, people int) *Target {
	f := fx.force(tb, people)
	fx.mu.Lock()
	defer fx.mu.Unlock()
	key := fmt.Sprint(kind, people)
	if t := fx.stores[key]; t != nil {
		return t
	}
	ctx := context.Background()
	var t *Target
	var err error
	switch kind {
	case "sqlite":
		t, _, err = CachedSQLite(ctx, f, os.Getenv("PEEL_BENCH_FRESH") != "", fx.dir)
	case "postgres":
		if t, err = OpenPostgres(ctx, PostgresURL()); err == nil {
			if _, err = ImportChunked(ctx, t, f, chunkLines, fx.dir); err != nil {
				t.Close()
			}
		}
	}
	if err != nil {
		tb.Fatalf("%s store of %d people: %v", kind, people, err)
	}
	fx.stores[key] = t
	return t
}

func (fx *fixtures) close() {
	for _, t := range fx.stores {
		t.Close()
	}
	os.RemoveAll(fx.dir)
}

var fx *fixtures

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "peel-bench-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fx = &fixtures{dir: dir, forces: map[int]*Force{}, stores: map[string]*Target{}}
	code := m.Run()
	fx.close()
	os.Exit(code)
}

// storeKinds are the stores a benchmark runs on: PostgreSQL only when it answers.
func storeKinds(tb testing.TB) []string {
	kinds := []string{"sqlite"}
	if err := PostgresAvailable(context.Background(), PostgresURL()); err == nil {
		kinds = append(kinds, "postgres")
	} else {
		tb.Logf("PostgreSQL not measured: %v", err)
	}
	return kinds
}

// BenchmarkImport imports a generated force into a fresh store per iteration, beside the same lines
// inserted as plain multi-row INSERTs into a bare table of the same database.
func BenchmarkImport(b *testing.B) {
	ctx := context.Background()
	f := fx.force(b, importPeople())
	for _, kind := range storeKinds(b) {
		b.Run(kind, func(b *testing.B) {
			var peelTime, baseTime time.Duration
			var records int
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				t, err := open(ctx, kind, b.TempDir(), Config{PostgresURL: PostgresURL()})
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				imp, err := Import(ctx, t, f, b.TempDir())
				b.StopTimer()
				if err == nil {
					imp.Baseline, err = Baseline(ctx, t, f)
				}
				t.Close()
				if err != nil {
					b.Fatal(err)
				}
				peelTime += imp.Peel
				baseTime += imp.Baseline
				records = imp.Records
				b.StartTimer()
			}
			n := float64(b.N)
			b.ReportMetric(float64(records)*n/peelTime.Seconds(), "records/s")
			b.ReportMetric(float64(f.Stats.Lines)*n/peelTime.Seconds(), "lines/s")
			b.ReportMetric(float64(f.Stats.Lines)*n/baseTime.Seconds(), "baseline-lines/s")
			b.ReportMetric(peelTime.Seconds()/baseTime.Seconds(), "x-baseline")
		})
	}
}

// BenchmarkView reads records with Store.Get from 8 goroutines, audited and not. One operation
// is a batch of 1,000 views, so the figures mean something even with -benchtime 1x.
func BenchmarkView(b *testing.B) {
	ctx := context.Background()
	const batch, workers = 1000, 8
	for _, kind := range storeKinds(b) {
		t := fx.store(b, kind, importPeople())
		ids, err := SampleIDs(ctx, t, 20000, 1)
		if err != nil {
			b.Fatal(err)
		}
		for _, audited := range []bool{false, true} {
			name := kind + "/noaudit"
			if audited {
				name = kind + "/audited"
			}
			b.Run(name, func(b *testing.B) {
				opts := peel.GetOptions{NoAudit: !audited}
				var lat []time.Duration
				var mu sync.Mutex
				for i := 0; i < b.N; i++ {
					var wg sync.WaitGroup
					for w := range workers {
						wg.Add(1)
						go func() {
							defer wg.Done()
							p := officer()
							mine := make([]time.Duration, 0, batch/workers)
							for k := range batch / workers {
								id := ids[(i*batch+w*7919+k)%len(ids)]
								t0 := time.Now()
								if _, err := t.Store.Get(ctx, p, id, opts); err != nil {
									b.Error(err)
									return
								}
								mine = append(mine, time.Since(t0))
							}
							mu.Lock()
							lat = append(lat, mine...)
							mu.Unlock()
						}()
					}
					wg.Wait()
				}
				d := summarise(lat, b.Elapsed())
				b.ReportMetric(d.PerSec, "views/s")
				b.ReportMetric(float64(d.Median)/1e6, "p50-ms")
				b.ReportMetric(float64(d.P99)/1e6, "p99-ms")
			})
		}
	}
}

// BenchmarkSearch runs realistic searches at the search size; one operation is one pass over the
// query set, and the metrics are per search. The baseline is a primary-key lookup per search.
func BenchmarkSearch(b *testing.B) {
	ctx := context.Background()
	f := fx.force(b, searchPeople())
	qs, err := Queries(f, 30, 7)
	if err != nil {
		b.Fatal(err)
	}
	for _, kind := range storeKinds(b) {
		t := fx.store(b, kind, searchPeople())
		b.Run(kind, func(b *testing.B) {
			var last SearchResult
			for i := 0; i < b.N; i++ {
				last, err = Search(ctx, t, f, qs)
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(last.All.Median)/1e6, "p50-ms")
			b.ReportMetric(float64(last.All.P99)/1e6, "p99-ms")
			b.ReportMetric(float64(last.PK.Median)/1e6, "pk-p50-ms")
			b.ReportMetric(float64(last.PK.P99)/1e6, "pk-p99-ms")
		})
	}
}

// TestSummary runs the whole suite and prints the table `make bench` shows. It runs only with
// PEEL_BENCH_LARGE=1: it takes minutes.
func TestSummary(t *testing.T) {
	if os.Getenv("PEEL_BENCH_LARGE") != "1" {
		t.Skip("set PEEL_BENCH_LARGE=1 to run the full benchmark summary")
	}
	cfg := DefaultConfig()
	cfg.ImportPeople = importPeople()
	cfg.SearchPeople = searchPeople()
	cfg.Fresh = os.Getenv("PEEL_BENCH_FRESH") != ""
	if err := PostgresAvailable(context.Background(), cfg.PostgresURL); err != nil {
		t.Logf("PostgreSQL not measured: %v", err)
		cfg.Stores = []string{"sqlite"}
	}
	res, err := Run(context.Background(), cfg)
	if res != nil {
		res.Report(os.Stdout)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// The harness itself, on a small force: every measurement runs and reports sane figures.
func TestHarness(t *testing.T) {
	ctx := context.Background()
	kinds := []string{"sqlite"}
	if testing.Short() {
		t.Log("short: PostgreSQL skipped")
	} else if err := PostgresAvailable(ctx, PostgresURL()); err == nil {
		kinds = append(kinds, "postgres")
	}
	f, err := WriteForce(forceConfig(150), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	qs, err := Queries(f, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 2*len(queryClasses) {
		t.Fatalf("%d queries, want %d", len(qs), 2*len(queryClasses))
	}
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			tg, err := open(ctx, kind, t.TempDir(), Config{PostgresURL: PostgresURL()})
			if err != nil {
				t.Fatal(err)
			}
			defer tg.Close()
			imp, err := Import(ctx, tg, f, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			if imp.Records != f.Stats.Records() || imp.Lines != f.Stats.Lines {
				t.Errorf("imported %d records of %d lines, want %d of %d", imp.Records, imp.Lines, f.Stats.Records(), f.Stats.Lines)
			}
			if imp.Baseline, err = Baseline(ctx, tg, f); err != nil || imp.Baseline <= 0 {
				t.Fatalf("baseline: %v %v", imp.Baseline, err)
			}
			ids, err := SampleIDs(ctx, tg, 50, 1)
			if err != nil || len(ids) != 50 {
				t.Fatalf("sample: %d ids, %v", len(ids), err)
			}
			v, err := Views(ctx, tg, ids, 4, 200*time.Millisecond)
			if err != nil {
				t.Fatal(err)
			}
			if v.Audited.N == 0 || v.NoAudit.N == 0 || v.Audited.Failures+v.NoAudit.Failures != 0 {
				t.Errorf("views: %+v", v)
			}
			s, err := Search(ctx, tg, f, qs)
			if err != nil {
				t.Fatal(err)
			}
			if s.All.N != len(qs) || s.PK.N != len(qs) {
				t.Errorf("search: %d searches and %d lookups, want %d", s.All.N, s.PK.N, len(qs))
			}
			for _, c := range []string{"surname", "given family", "full VRM", "phone national", "phone E.164", "postcode"} {
				if s.Empty[c] > 0 {
					t.Errorf("%d %s searches found nothing", s.Empty[c], c)
				}
			}
			// Pieces import in order: every line refers only to lines before it.
			t2, err := open(ctx, kind, t.TempDir(), Config{PostgresURL: PostgresURL()})
			if err != nil {
				t.Fatal(err)
			}
			defer t2.Close()
			chunked, err := ImportChunked(ctx, t2, f, 300, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			if chunked.Records != imp.Records || chunked.Summary.Links != imp.Summary.Links || chunked.Summary.Calls != imp.Summary.Calls {
				t.Errorf("in pieces: %d records, %d links, %d calls; in one: %d, %d, %d", chunked.Records, chunked.Summary.Links, chunked.Summary.Calls,
					imp.Records, imp.Summary.Links, imp.Summary.Calls)
			}
			res := &Results{Imports: []ImportResult{imp}, Views: []ViewResult{v}, Searches: []SearchResult{s}, Forces: []*Force{f}}
			var out strings.Builder
			res.Report(&out)
			for _, want := range []string{"import 150 people, records/s", "views/s", "search at 150 people p99", "phone E.164"} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("report lacks %q:\n%s", want, out.String())
				}
			}
		})
	}
}

func TestPercentile(t *testing.T) {
	var ds []time.Duration
	for i := 1; i <= 100; i++ {
		ds = append(ds, time.Duration(i))
	}
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{{50, 50}, {99, 99}, {100, 100}, {1, 1}} {
		if got := percentile(ds, c.p); got != c.want {
			t.Errorf("p%v = %v, want %v", c.p, got, c.want)
		}
	}
	if got := percentile(ds[:1], 99); got != 1 {
		t.Errorf("p99 of one = %v", got)
	}
	d := summarise([]time.Duration{3, 1, 2}, time.Second)
	if d.N != 3 || d.Median != 2 || d.Max != 3 || d.PerSec != 3 {
		t.Errorf("summarise: %+v", d)
	}
}

func TestStoreNames(t *testing.T) {
	if got := StoreNames(" sqlite, postgres,,"); strings.Join(got, "|") != "sqlite|postgres" {
		t.Errorf("%q", got)
	}
}

// The alert benchmark's subscribers read the incident id without decoding the alert: the encoded
// alert must keep the shape they look for.
func TestRaisedIncidentReadsEncodedAlerts(t *testing.T) {
	lat, lon := 51.5, -0.1
	for _, reason := range []string{"raised", "hazard_added"} {
		a := peel.Alert{Seq: 7, Incident: peel.AlertIncident{ID: "inc-123", Category: "collision",
			Location: peel.AlertLocation{ID: "loc-1", Lat: &lat, Lon: &lon}}, Reason: reason,
			Hazards: []peel.AlertHazard{{Hazard: hazard.Hazard{Type: "firearm", Code: "FA", Via: []string{"x"}}}}}
		data, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		id, ok := raisedIncident(append(data, '\n'))
		if want := reason == "raised"; ok != want || (ok && id != "inc-123") {
			t.Fatalf("%s: raisedIncident = %q, %v", reason, id, ok)
		}
	}
}

// The bare fan-out's events are read as raised alerts, at the size asked for.
func TestBareFrameIsARaisedAlert(t *testing.T) {
	f := bareFrame("bare-3", 900)
	data := f[bytes.Index(f, []byte("data: "))+6:]
	if id, ok := raisedIncident(data); !ok || id != "bare-3" {
		t.Fatalf("raisedIncident(%q) = %q, %v", data, id, ok)
	}
	if n := len(data) - 1; n < 890 || n > 910 {
		t.Errorf("data line of %d bytes, asked for 900", n)
	}
}

func TestValueRows(t *testing.T) {
	if got := valueRows(2, 3, false); got != "(?,?,?),(?,?,?)" {
		t.Errorf("valueRows sqlite = %q", got)
	}
	if got := valueRows(2, 2, true); got != "($1,$2),($3,$4)" {
		t.Errorf("valueRows postgres = %q", got)
	}
}
