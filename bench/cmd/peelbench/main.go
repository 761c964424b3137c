// Command peelbench measures Peel's stores on generated forces and prints each figure beside its
// baseline: import against plain INSERTs, audited views against unaudited reads, search against a
// primary-key lookup.
//
//	go run ./bench/cmd/peelbench [-stores sqlite,postgres] [-import-people 20000] [-search-people 100000]
//
// PostgreSQL is reached at PEEL_TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432/postgres);
// each run creates a database peel_bench_<random> and drops it after. The embedded search store is
// cached under the system temp dir, keyed by the generated data; -fresh rebuilds it.
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
	cfg := bench.DefaultConfig()
	stores := flag.String("stores", strings.Join(cfg.Stores, ","), "stores to measure, comma-separated: sqlite, postgres")
	flag.IntVar(&cfg.ImportPeople, "import-people", cfg.ImportPeople, "people in the force imported and read")
	flag.IntVar(&cfg.SearchPeople, "search-people", cfg.SearchPeople, "people in the force searched (0 = skip search)")
	flag.IntVar(&cfg.Workers, "workers", cfg.Workers, "goroutines reading records concurrently")
	flag.DurationVar(&cfg.ViewDuration, "view-duration", cfg.ViewDuration, "how long to read records, audited and not in turn")
	flag.IntVar(&cfg.SearchPerClass, "searches", cfg.SearchPerClass, "searches timed per query class")
	flag.StringVar(&cfg.PostgresURL, "postgres", cfg.PostgresURL, "PostgreSQL server URL")
	flag.BoolVar(&cfg.Fresh, "fresh", false, "rebuild the cached embedded search store")
	flag.StringVar(&cfg.TempDir, "tmp", "", "directory for generated files and stores (default: system temp dir)")
	flag.Parse()
	cfg.Stores = bench.StoreNames(*stores)
	cfg.Log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := bench.Run(ctx, cfg)
	if res != nil {
		res.Report(os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "peelbench:", err)
		os.Exit(1)
	}
}
