package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"text/tabwriter"
	"time"
)

// AnalysisConfig is one run of the link-analysis measurement.
type AnalysisConfig struct {
	// Stores to measure: "sqlite", "postgres".
	Stores []string
	// People and Calls size the force; PostgresPeople and PostgresCalls, when set, give
	// PostgreSQL a smaller one (its build is the slow part).
	People, Calls                 int
	PostgresPeople, PostgresCalls int
	// Subjects is how many subjects of each question are asked; Rounds how many measured
	// passes over them follow the warming pass.
	Subjects, Rounds int
	// CallStores are the stores the calls import is measured on (none to skip it).
	CallStores  []string
	PostgresURL string
	// Fresh rebuilds the cached embedded store; KeepPostgres keeps the PostgreSQL database
	// (named after the force) for the next run instead of dropping it.
	Fresh, KeepPostgres bool
	TempDir             string
	// CacheDir keeps built embedded stores between runs (default CacheDir()).
	CacheDir string
	// ProfileDir, when set, receives a CPU profile of each store's questions and calls import.
	ProfileDir string
	Log        *slog.Logger
}

// DefaultAnalysisConfig is the run the analysis issue asks for.
func DefaultAnalysisConfig() AnalysisConfig {
	return AnalysisConfig{Stores: []string{"sqlite", "postgres"}, People: 200000, Calls: 3000000, Subjects: 300, Rounds: 2,
		CallStores: []string{"sqlite"}, PostgresURL: PostgresURL(), Log: slog.Default()}
}

// StoreAnalysis is what the analysis measured on one store.
type StoreAnalysis struct {
	Store  string
	Force  *Force
	Build  *ImportResult // nil when the store was reused
	Size   int64
	Asked  []QuestionResult
	Memory Memory
	// Open is the time to open the store; Serving the time from opening it to the first
	// answered request (open + web.New + listener + the request); First that request alone.
	Open, Serving, First time.Duration
}

// AnalysisResults are what an analysis run measured.
type AnalysisResults struct {
	Config  AnalysisConfig
	Forces  []*Force
	Stores  []StoreAnalysis
	Calls   []CallImportResult
	Started time.Time
	Took    time.Duration
	Load    [2]string
}

// RunAnalysis measures every store the config names.
func RunAnalysis(ctx context.Context, cfg AnalysisConfig) (*AnalysisResults, error) {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Rounds <= 0 {
		cfg.Rounds = 1
	}
	log := cfg.Log
	res := &AnalysisResults{Config: cfg, Started: time.Now()}
	res.Load[0] = loadAverage()
	defer func() { res.Load[1] = loadAverage(); res.Took = time.Since(res.Started) }()
	tmp, err := os.MkdirTemp(cfg.TempDir, "peel-bench-analysis-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)

	forces := map[[2]int]*Force{}
	force := func(people, calls int) (*Force, error) {
		k := [2]int{people, calls}
		if f := forces[k]; f != nil {
			return f, nil
		}
		f, err := WriteForce(AnalysisForce(people, calls), tmp)
		if err != nil {
			return nil, err
		}
		log.Info("generated", "people", people, "calls", calls, "lines", f.Stats.Lines, "took", f.Generate.Round(time.Millisecond))
		forces[k] = f
		res.Forces = append(res.Forces, f)
		return f, nil
	}
	for _, name := range cfg.Stores {
		people, calls := cfg.People, cfg.Calls
		if name == "postgres" && cfg.PostgresPeople > 0 {
			people, calls = cfg.PostgresPeople, cfg.PostgresCalls
		}
		f, err := force(people, calls)
		if err != nil {
			return res, err
		}
		sa, err := analyseStore(ctx, cfg, name, f, tmp)
		if err != nil {
			return res, fmt.Errorf("%s: %w", name, err)
		}
		res.Stores = append(res.Stores, sa)
	}
	for _, name := range cfg.CallStores {
		f, err := force(cfg.People, cfg.Calls)
		if err != nil {
			return res, err
		}
		dir, err := os.MkdirTemp(tmp, "calls-")
		if err != nil {
			return res, err
		}
		cf, err := SplitCalls(f, dir)
		if err != nil {
			return res, err
		}
		log.Info("calls import", "store", name, "calls", cf.Calls, "telephones", cf.Phones)
		stop := profile(cfg.ProfileDir, name+"-calls-import")
		ci, err := ImportCalls(ctx, name, cf, cfg.PostgresURL, dir, log)
		stop()
		os.RemoveAll(dir)
		if err != nil {
			return res, fmt.Errorf("%s calls import: %w", name, err)
		}
		log.Info("calls imported", "store", name, "csv_per_sec", int(ci.CSVPerSec()), "lines_per_sec", int(ci.LinesPerSec()))
		res.Calls = append(res.Calls, ci)
	}
	return res, nil
}

func analyseStore(ctx context.Context, cfg AnalysisConfig, name string, f *Force, tmp string) (StoreAnalysis, error) {
	log := cfg.Log
	sa := StoreAnalysis{Store: name, Force: f}
	var b *BuiltStore
	var err error
	prefix := fmt.Sprintf("sqlite-analysis-%s-p%d-c%d-", cacheVersion, f.Config.People, f.Config.Calls)
	switch name {
	case "sqlite":
		cache := cfg.CacheDir
		if cache == "" {
			cache = CacheDir()
		}
		b, err = BuildSQLite(ctx, f, cache, prefix, cfg.Fresh, tmp)
	case "postgres":
		b, err = BuildPostgres(ctx, cfg.PostgresURL, f, fmt.Sprintf("analysis_p%d_c%d", f.Config.People, f.Config.Calls), cfg.KeepPostgres, tmp)
	default:
		err = fmt.Errorf("unknown store %q (sqlite or postgres)", name)
	}
	if err != nil {
		return sa, err
	}
	defer b.Close()
	sa.Build = b.Build
	if b.Build != nil {
		log.Info("built", "store", name, "records", b.Build.Records, "took", b.Build.Peel.Round(time.Second))
	}
	if sa.Size, err = StoreSize(ctx, b.Target); err != nil {
		return sa, err
	}
	asOf := f.Config.Now
	token, err := UserToken(ctx, b.Store, analyst, "analyst")
	if err != nil {
		return sa, err
	}
	subjects, err := Subjects(ctx, b.Target, asOf, cfg.Subjects, 11)
	if err != nil {
		return sa, err
	}
	log.Info("subjects", "store", name, "telephones", len(subjects[0]), "persons", len(subjects[1]), "vehicles", len(subjects[2]))
	srv, err := Serve(b.Store)
	if err != nil {
		return sa, err
	}
	stop := profile(cfg.ProfileDir, name+"-questions")
	sa.Asked, err = AskAll(ctx, srv, b, token, subjects, asOf, cfg.Rounds)
	stop()
	if err != nil {
		srv.Close()
		return sa, err
	}
	for _, q := range sa.Asked {
		log.Info("asked", "store", name, "question", q.Name, "p50", q.Peel.Median, "p99", q.Peel.P99, "sql_p50", q.SQL.Median, "disagreed", q.Disagreed)
	}
	sa.Memory = ReadMemory()
	srv.Close()

	// Time to start serving: open the store again, build the server, answer a first question.
	open, err := b.Reopen(ctx)
	if err != nil {
		return sa, err
	}
	t0 := time.Now()
	srv, err = Serve(b.Store)
	if err != nil {
		return sa, err
	}
	defer srv.Close()
	q := Questions()[0]
	id := ""
	if len(subjects[0]) > 0 {
		id = subjects[0][0]
	}
	t1 := time.Now()
	status, body, err := srv.Do(ctx, token, "GET", q.Path(id, asOf), "", nil)
	if err == nil && status != 200 {
		err = fmt.Errorf("first request: %d %s", status, truncate(body))
	}
	if err != nil {
		return sa, err
	}
	sa.First = time.Since(t1)
	sa.Open, sa.Serving = open, open+time.Since(t0)
	return sa, nil
}

// Targets the analysis issue sets.
const (
	TargetAnalysisP99 = 5 * time.Millisecond
)

// Report writes the results as tables: each Peel figure beside its baseline and their ratio.
func (r *AnalysisResults) Report(w io.Writer) {
	fmt.Fprintf(w, "Peel link-analysis benchmarks, %s, %s/%s, %d CPUs, %s\n", r.Started.UTC().Format(time.RFC3339), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
	if r.Load[0] != "" {
		fmt.Fprintf(w, "load average at start %s, at end %s\n", r.Load[0], r.Load[1])
	}
	fmt.Fprintln(w)
	for _, f := range r.Forces {
		fmt.Fprintf(w, "force of %d people, %d calls: %d lines (%d records, %d links, %d calls), generated in %s; questions as of %s\n",
			f.Config.People, f.Config.Calls, f.Stats.Lines, f.Stats.Records(), f.Stats.Kinds["link"]+f.Stats.ShorthandLinks, f.Stats.Kinds["call"],
			f.Generate.Round(time.Millisecond), f.Config.Now.Format(time.RFC3339))
	}
	fmt.Fprintln(w, "peel: GET through the HTTP API (bearer token, X-Peel-Purpose, audited), timed by a Go client, one at a time")
	fmt.Fprintln(w, "baseline: the same question as one SQL statement on the same database, on a connection of its own (PostgreSQL: pgx; embedded: the same driver and reader settings)")
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "store\tmeasure\tpeel\tbaseline\tpeel/baseline\ttarget\t")
	for _, s := range r.Stores {
		if s.Build != nil {
			how := "one import"
			if s.Build.Chunked {
				how = fmt.Sprintf("imports of %d growing to %d lines, ANALYZE between", firstChunk, chunkLines)
			}
			fmt.Fprintf(tw, "%s\tbuild %d people (%s)\t%.0f s, %.0f records/s, %.0f lines/s\t\t\t\t\n", s.Store, s.Force.Config.People, how, s.Build.Peel.Seconds(), s.Build.RecordsPerSec(), s.Build.LinesPerSec())
		} else {
			fmt.Fprintf(tw, "%s\tbuild %d people\treused from an earlier run\t\t\t\t\n", s.Store, s.Force.Config.People)
		}
		fmt.Fprintf(tw, "%s\tstore size\t%s\t\t\t\t\n", s.Store, mib(uint64(s.Size)))
		for _, q := range s.Asked {
			fmt.Fprintf(tw, "%s\t%s p50 (%d subjects x %d)\t%s\t%s\t%s\t<= baseline %s\t\n", s.Store, q.Name, q.Subjects, r.Config.Rounds, ms(q.Peel.Median), ms(q.SQL.Median),
				ratio(float64(q.Peel.Median), float64(q.SQL.Median)), verdict(q.Peel.Median <= q.SQL.Median))
			fmt.Fprintf(tw, "%s\t%s p99\t%s\t%s\t%s\t<= %s %s\t\n", s.Store, q.Name, ms(q.Peel.P99), ms(q.SQL.P99),
				ratio(float64(q.Peel.P99), float64(q.SQL.P99)), ms(TargetAnalysisP99), verdict(q.Peel.P99 <= TargetAnalysisP99))
			fmt.Fprintf(tw, "%s\t%s max\t%s\t%s\t\t\t\n", s.Store, q.Name, ms(q.Peel.Max), ms(q.SQL.Max))
			fmt.Fprintf(tw, "%s\t%s answers\t%.1f items each, %d empty\t%d of %d agree\t\t\t\n", s.Store, q.Name, q.Items, q.Empty, q.Checked-q.Disagreed, q.Checked)
		}
		fmt.Fprintf(tw, "%s\tmemory after the questions\theap in use %s, RSS %s (peak %s)\t\t\t\t\n", s.Store, mib(s.Memory.HeapInuse), mib(s.Memory.RSS), mib(s.Memory.HWM))
		fmt.Fprintf(tw, "%s\ttime to start serving\t%s (open %s, first answer %s)\t\t\t\t\n", s.Store, ms(s.Serving), ms(s.Open), ms(s.First))
	}
	for _, c := range r.Calls {
		target, linesTarget := "-", ""
		if c.Store == "sqlite" {
			target = fmt.Sprintf(">= %d/s %s", TargetCallsPerSec, verdict(c.CSVPerSec() >= TargetCallsPerSec))
			linesTarget = fmt.Sprintf(">= %d/s %s", TargetCallsPerSec, verdict(c.LinesPerSec() >= TargetCallsPerSec))
		}
		fmt.Fprintf(tw, "%s\tcalls CSV import, calls/s (vs bare table)\t%.0f\t%.0f\t%s\t%s\t\n", c.Store, c.CSVPerSec(), perSec(c.Rows, c.Bare), ratio(c.CSV.Seconds(), c.Bare.Seconds())+" time", target)
		fmt.Fprintf(tw, "%s\tcalls CSV import, calls/s (vs keyed table)\t%.0f\t%.0f\t%s\t\t\n", c.Store, c.CSVPerSec(), perSec(c.Rows, c.Indexed), ratio(c.CSV.Seconds(), c.Indexed.Seconds())+" time")
		fmt.Fprintf(tw, "%s\tcall lines import, calls/s (vs bare table)\t%.0f\t%.0f\t%s\t%s\t\n", c.Store, c.LinesPerSec(), perSec(c.Rows, c.Bare), ratio(c.Lines.Seconds(), c.Bare.Seconds())+" time", linesTarget)
		fmt.Fprintf(tw, "%s\tcalls: rows, imported, new telephones\t%d rows; CSV %d in %.1f s, lines %d in %.1f s; %d telephones created\t%.1f s bare, %.1f s keyed\t\t\t\n", c.Store,
			c.Rows, c.Imported, c.CSV.Seconds(), c.LinesImported, c.Lines.Seconds(), c.TelephonesCreated, c.Bare.Seconds(), c.Indexed.Seconds())
	}
	tw.Flush()
	for _, s := range r.Stores {
		for _, q := range s.Asked {
			for _, e := range q.Examples {
				fmt.Fprintf(w, "disagreement, %s %s: %s\n", s.Store, q.Name, e)
			}
		}
	}
	fmt.Fprintf(w, "\nran in %s\n", r.Took.Round(time.Second))
}
