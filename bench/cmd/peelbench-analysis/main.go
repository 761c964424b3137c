// Command peelbench-analysis measures Peel's link-analysis questions at force scale and prints each
// figure beside its baseline: the contacts, location-events and vehicle-events questions through
// the HTTP API against the same questions as one SQL statement each on the same database; the
// calls import against plain INSERTs; memory, and the time to start serving.
//
//	go run ./bench/cmd/peelbench-analysis [-stores sqlite,postgres] [-people 200000] [-calls 3000000]
//
// PostgreSQL is reached at PEEL_TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432/postgres);
// each run builds a database peel_bench_<random> and drops it after (-keep-postgres keeps it, named
// after the force, for the next run). The embedded store is cached under the system temp dir,
// keyed by the generated data; -fresh rebuilds it.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"

	"github.com/peel-rms/peel/bench"
)

func main() {
	cfg := bench.DefaultAnalysisConfig()
	stores := flag.String("stores", strings.Join(cfg.Stores, ","), "stores to ask, comma-separated: sqlite, postgres")
	callStores := flag.String("calls-import", strings.Join(cfg.CallStores, ","), "stores to measure the calls import on (empty: skip)")
	flag.IntVar(&cfg.People, "people", cfg.People, "people in the force")
	flag.IntVar(&cfg.Calls, "calls", cfg.Calls, "call records in the force")
	flag.IntVar(&cfg.PostgresPeople, "postgres-people", 0, "a smaller force for PostgreSQL: people (0 = the same force)")
	flag.IntVar(&cfg.PostgresCalls, "postgres-calls", 0, "a smaller force for PostgreSQL: calls")
	flag.IntVar(&cfg.Subjects, "subjects", cfg.Subjects, "subjects asked about per question")
	flag.IntVar(&cfg.Rounds, "rounds", cfg.Rounds, "measured passes over the subjects (after one warming pass)")
	flag.StringVar(&cfg.PostgresURL, "postgres", cfg.PostgresURL, "PostgreSQL server URL")
	flag.BoolVar(&cfg.Fresh, "fresh", false, "rebuild the cached embedded store")
	flag.BoolVar(&cfg.KeepPostgres, "keep-postgres", false, "keep the PostgreSQL database for the next run (named after the force)")
	flag.StringVar(&cfg.TempDir, "tmp", "", "directory for generated files (default: system temp dir)")
	flag.StringVar(&cfg.ProfileDir, "profile", "", "write CPU profiles of the measured phases into this directory")
	flag.Parse()
	cfg.Stores = bench.StoreNames(*stores)
	cfg.CallStores = bench.StoreNames(*callStores)
	cfg.Log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := bench.RunAnalysis(ctx, cfg)
	if res != nil {
		res.Report(os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "peelbench-analysis:", err)
		os.Exit(1)
	}
}
