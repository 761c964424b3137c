// Command peelbench-incidents measures incident intake and hazard alerts and prints each figure
// beside its baseline: alert delivery to many alert-stream subscribers against the raising POST's
// own response time, and intake throughput against plain event creation through the same server,
// with the grouping's pairwise precision and recall against the generated stream's truth.
//
//	go run ./bench/cmd/peelbench-incidents [-stores sqlite,postgres] [-subscribers 1000] [-alerts 50] [-reports 5000]
//
// PostgreSQL is reached at PEEL_TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432/postgres);
// each store is a fresh database peel_bench_<random>, dropped after.
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
	cfg := bench.DefaultIncidentsConfig()
	stores := flag.String("stores", strings.Join(cfg.Stores, ","), "stores to measure, comma-separated: sqlite, postgres")
	flag.IntVar(&cfg.Subscribers, "subscribers", cfg.Subscribers, "alert-stream subscribers (0 = skip alerts)")
	flag.IntVar(&cfg.Alerts, "alerts", cfg.Alerts, "incidents raised at places with hazards")
	flag.DurationVar(&cfg.Gap, "gap", cfg.Gap, "time between raised incidents")
	flag.IntVar(&cfg.Reports, "reports", cfg.Reports, "reports in the generated stream taken through intake (0 = skip intake)")
	flag.IntVar(&cfg.Clients, "clients", cfg.Clients, "concurrent intake clients")
	flag.IntVar(&cfg.Hazards, "hazards", cfg.Hazards, "marked places in the stream's town")
	flag.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "seed of the generated stream")
	flag.StringVar(&cfg.IntakeSQLite, "intake-sqlite", "", "run intake on copies of this embedded store (a directory) instead of empty stores")
	flag.StringVar(&cfg.IntakePostgres, "intake-postgres", "", "run intake on copies of this PostgreSQL database (CREATE DATABASE ... TEMPLATE) instead of empty stores")
	flag.StringVar(&cfg.PostgresURL, "postgres", cfg.PostgresURL, "PostgreSQL server URL")
	flag.StringVar(&cfg.TempDir, "tmp", "", "directory for embedded stores (default: system temp dir)")
	flag.StringVar(&cfg.ProfileDir, "profile", "", "write CPU profiles of the measured phases into this directory")
	flag.Parse()
	cfg.Stores = bench.StoreNames(*stores)
	cfg.Log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := bench.RunIncidents(ctx, cfg)
	if res != nil {
		res.Report(os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "peelbench-incidents:", err)
		os.Exit(1)
	}
}
