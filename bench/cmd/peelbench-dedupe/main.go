// Command peelbench-dedupe measures "record once" on each store: match on create against the
// people already held (candidates from the keys table, scored and audited) beside a primary-key
// read, and duplicate detection over the whole store beside the same detection in memory.
//
//	go run ./bench/cmd/peelbench-dedupe [-people 100000] [-stores sqlite,postgres]
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/pprof"

	"github.com/peel-rms/peel/bench"
)

func main() {
	cfg := bench.DedupeConfig{Seed: 1}
	flag.IntVar(&cfg.People, "people", 100000, "generated people imported")
	flag.IntVar(&cfg.Probes, "probes", 300, "people matched on create")
	stores := flag.String("stores", "sqlite,postgres", "stores to measure")
	pg := flag.String("postgres", bench.PostgresURL(), "PostgreSQL server URL")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	flag.Parse()
	if *cpuProfile != "" {
		pf, err := os.Create(*cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(pf)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx := context.Background()
	tmp, err := os.MkdirTemp("", "peelbench-dedupe-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer os.RemoveAll(tmp)
	var rs []*bench.DedupeResult
	for _, name := range bench.StoreNames(*stores) {
		var t *bench.Target
		if name == "postgres" {
			t, err = bench.OpenPostgres(ctx, *pg)
		} else {
			t, err = bench.OpenSQLite(ctx, filepath.Join(tmp, "sqlite"))
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		r, err := bench.MeasureDedupe(ctx, t, cfg, tmp)
		t.Close()
		if err != nil {
			fmt.Fprintln(os.Stderr, name+":", err)
			os.Exit(1)
		}
		log.Info("measured", "store", name, "people", cfg.People)
		rs = append(rs, r)
	}
	bench.ReportDedupe(os.Stdout, rs)
}
