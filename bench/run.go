package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"
)

// Config is one full benchmark run.
type Config struct {
	// Stores to measure: "sqlite", "postgres".
	Stores []string
	// ImportPeople sizes the force for the import and view measurements.
	ImportPeople int
	// SearchPeople sizes the force searched.
	SearchPeople int
	// Workers read records concurrently in the view measurement, for ViewDuration in all.
	Workers      int
	ViewDuration time.Duration
	// SearchPerClass is how many searches of each class are timed.
	SearchPerClass int
	PostgresURL    string
	// Fresh rebuilds the cached embedded search store.
	Fresh bool
	// TempDir holds generated files and embedded stores (default: the system temp dir).
	TempDir string
	Log     *slog.Logger
}

// DefaultConfig is the run `make bench` does.
func DefaultConfig() Config {
	return Config{Stores: []string{"sqlite", "postgres"}, ImportPeople: 20000, SearchPeople: 100000, Workers: 8,
		ViewDuration: 8 * time.Second, SearchPerClass: 100, PostgresURL: PostgresURL(), Log: slog.Default()}
}

// Results are what a run measured.
type Results struct {
	Config   Config
	Forces   []*Force
	Imports  []ImportResult
	Builds   []ImportResult // imports of the search force, when a store had to be built
	Views    []ViewResult
	Searches []SearchResult
	Started  time.Time
	Took     time.Duration
	// Load is the system load average at the start and end, for context: the machine is shared.
	Load [2]string
}

// Run measures every store cfg names.
func Run(ctx context.Context, cfg Config) (*Results, error) {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	res := &Results{Config: cfg, Started: time.Now()}
	res.Load[0] = loadAverage()
	defer func() { res.Load[1] = loadAverage() }()
	tmp, err := os.MkdirTemp(cfg.TempDir, "peel-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	log := cfg.Log

	small, err := WriteForce(forceConfig(cfg.ImportPeople), tmp)
	if err != nil {
		return nil, err
	}
	res.Forces = append(res.Forces, small)
	log.Info("generated", "people", cfg.ImportPeople, "lines", small.Stats.Lines, "took", small.Generate.Round(time.Millisecond))
	for _, name := range cfg.Stores {
		t, err := open(ctx, name, filepath.Join(tmp, "import-"+name), cfg)
		if err != nil {
			return res, err
		}
		imp, err := Import(ctx, t, small, tmp)
		if err == nil {
			log.Info("imported", "store", name, "records", imp.Records, "took", imp.Peel.Round(time.Millisecond))
			imp.Baseline, err = Baseline(ctx, t, small)
		}
		if err != nil {
			t.Close()
			return res, fmt.Errorf("%s: %w", name, err)
		}
		res.Imports = append(res.Imports, imp)
		ids, err := SampleIDs(ctx, t, 20000, 1)
		if err == nil {
			var v ViewResult
			v, err = Views(ctx, t, ids, cfg.Workers, cfg.ViewDuration)
			res.Views = append(res.Views, v)
			log.Info("views", "store", name, "audited_per_sec", int(v.Audited.PerSec), "unaudited_per_sec", int(v.NoAudit.PerSec))
		}
		if cerr := t.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return res, fmt.Errorf("%s: %w", name, err)
		}
	}

	if cfg.SearchPeople <= 0 {
		res.Took = time.Since(res.Started)
		return res, nil
	}
	big, err := WriteForce(forceConfig(cfg.SearchPeople), tmp)
	if err != nil {
		return res, err
	}
	res.Forces = append(res.Forces, big)
	log.Info("generated", "people", cfg.SearchPeople, "lines", big.Stats.Lines, "took", big.Generate.Round(time.Millisecond))
	qs, err := Queries(big, cfg.SearchPerClass, 7)
	if err != nil {
		return res, err
	}
	for _, name := range cfg.Stores {
		var t *Target
		var build *ImportResult
		if name == "sqlite" {
			t, build, err = CachedSQLite(ctx, big, cfg.Fresh, tmp)
		} else {
			t, err = open(ctx, name, "", cfg)
			if err == nil {
				var imp ImportResult
				imp, err = ImportChunked(ctx, t, big, chunkLines, tmp)
				imp.Chunked = true
				build = &imp
			}
		}
		if err != nil {
			if t != nil {
				t.Close()
			}
			return res, fmt.Errorf("%s search store: %w", name, err)
		}
		if build != nil {
			res.Builds = append(res.Builds, *build)
			log.Info("built search store", "store", name, "records", build.Records, "took", build.Peel.Round(time.Millisecond))
		}
		s, err := Search(ctx, t, big, qs)
		if cerr := t.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return res, fmt.Errorf("%s: %w", name, err)
		}
		res.Searches = append(res.Searches, s)
		log.Info("searched", "store", name, "p50", s.All.Median, "p99", s.All.P99)
	}
	res.Took = time.Since(res.Started)
	return res, nil
}

func open(ctx context.Context, name, dir string, cfg Config) (*Target, error) {
	switch name {
	case "sqlite":
		return OpenSQLite(ctx, dir)
	case "postgres":
		return OpenPostgres(ctx, cfg.PostgresURL)
	}
	return nil, fmt.Errorf("unknown store %q (sqlite or postgres)", name)
}

// chunkLines is the size of the pieces a large PostgreSQL store is built from.
const chunkLines = 100000

// Targets the foundation issue sets.
const (
	TargetImportRecordsPerSec = 20000 // into the embedded store
	TargetViewsPerSec         = 3000
	TargetSearchP99           = 20 * time.Millisecond
)

// Report writes the results as a table: each Peel figure beside its baseline and their ratio.
func (r *Results) Report(w io.Writer) {
	fmt.Fprintf(w, "Peel benchmarks, %s, %s/%s, %d CPUs, %s\n", r.Started.UTC().Format(time.RFC3339), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
	if r.Load[0] != "" {
		fmt.Fprintf(w, "load average at start %s, at end %s\n", r.Load[0], r.Load[1])
	}
	fmt.Fprintln(w)
	for _, f := range r.Forces {
		fmt.Fprintf(w, "force of %d people: %d lines (%d records, %d links, %d calls), generated in %s\n",
			f.Config.People, f.Stats.Lines, f.Stats.Records(), f.Stats.Kinds["link"]+f.Stats.ShorthandLinks, f.Stats.Kinds["call"], f.Generate.Round(time.Millisecond))
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "store\tmeasure\tpeel\tbaseline\tpeel/baseline\ttarget\t")
	for _, i := range r.Imports {
		target := "-"
		if i.Store == "sqlite" {
			target = fmt.Sprintf(">= %d records/s %s", TargetImportRecordsPerSec, verdict(i.RecordsPerSec() >= TargetImportRecordsPerSec))
		}
		fmt.Fprintf(tw, "%s\timport %d people, records/s\t%.0f\t\t\t%s\t\n", i.Store, i.People, i.RecordsPerSec(), target)
		fmt.Fprintf(tw, "%s\timport %d people, lines/s\t%.0f\t%.0f\t%s\t\t\n", i.Store, i.People, i.LinesPerSec(), i.BaselineLinesPerSec(), ratio(i.LinesPerSec(), i.BaselineLinesPerSec()))
		fmt.Fprintf(tw, "%s\timport %d people, seconds\t%.1f\t%.1f\t%s\t\t\n", i.Store, i.People, i.Peel.Seconds(), i.Baseline.Seconds(), ratio(i.Peel.Seconds(), i.Baseline.Seconds()))
	}
	for _, b := range r.Builds {
		how := "one import"
		if b.Chunked {
			how = fmt.Sprintf("imports of %d lines + ANALYZE", chunkLines)
		}
		fmt.Fprintf(tw, "%s\tbuild search store, %d people (%s), records/s\t%.0f (%.0f lines/s, %.1f s)\t\t\t\t\n", b.Store, b.People, how, b.RecordsPerSec(), b.LinesPerSec(), b.Peel.Seconds())
	}
	for _, v := range r.Views {
		fmt.Fprintf(tw, "%s\tviews/s, %d goroutines (audited vs NoAudit)\t%.0f\t%.0f\t%s\t>= %d/s %s\t\n", v.Store, v.Workers, v.Audited.PerSec, v.NoAudit.PerSec,
			ratio(v.Audited.PerSec, v.NoAudit.PerSec), TargetViewsPerSec, verdict(v.Audited.PerSec >= TargetViewsPerSec))
		fmt.Fprintf(tw, "%s\tview latency p50\t%s\t%s\t%s\t\t\n", v.Store, ms(v.Audited.Median), ms(v.NoAudit.Median), ratio(float64(v.Audited.Median), float64(v.NoAudit.Median)))
		fmt.Fprintf(tw, "%s\tview latency p99\t%s\t%s\t%s\t\t\n", v.Store, ms(v.Audited.P99), ms(v.NoAudit.P99), ratio(float64(v.Audited.P99), float64(v.NoAudit.P99)))
	}
	for _, s := range r.Searches {
		fmt.Fprintf(tw, "%s\tsearch at %d people p50 (vs PK lookup)\t%s\t%s\t%s\t\t\n", s.Store, s.People, ms(s.All.Median), ms(s.PK.Median), ratio(float64(s.All.Median), float64(s.PK.Median)))
		fmt.Fprintf(tw, "%s\tsearch at %d people p99 (vs PK lookup)\t%s\t%s\t%s\t<= %s %s\t\n", s.Store, s.People, ms(s.All.P99), ms(s.PK.P99), ratio(float64(s.All.P99), float64(s.PK.P99)),
			ms(TargetSearchP99), verdict(s.All.P99 <= TargetSearchP99))
		for _, c := range queryClasses {
			d, ok := s.Classes[c]
			if !ok {
				continue
			}
			fmt.Fprintf(tw, "%s\t  %s (%d, %d found nothing)\tp50 %s, p99 %s\t\t\t\t\n", s.Store, c, d.N, s.Empty[c], ms(d.Median), ms(d.P99))
		}
	}
	tw.Flush()
	fmt.Fprintf(w, "\nran in %s\n", r.Took.Round(time.Second))
}

// loadAverage reads the 1, 5 and 15 minute load averages, or "" where the system has none.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

func verdict(ok bool) string {
	if ok {
		return "(met)"
	}
	return "(MISSED)"
}

// StoreNames parses a comma-separated list of stores.
func StoreNames(s string) []string {
	var out []string
	for _, n := range strings.Split(s, ",") {
		if n = strings.TrimSpace(n); n != "" {
			out = append(out, n)
		}
	}
	return out
}
