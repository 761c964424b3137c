// Command peelbench-dedupe measures "record once" on each store: match on create against the
// people already held (candidates from the keys table, scored and audited) beside a primary-key
// read, and duplicate detection over the whole store beside the same detection in memory.
//
//	go run ./bench/cmd/peelbench-dedupe [-people 100000] [-stores sqlite,postgres] [-keep DIR]
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
	keep := flag.String("keep", "", "keep the embedded store under this directory and reuse it in later runs of the same size (no import then)")
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
		cfg := cfg // only a kept embedded store is reused
		if name == "postgres" {
			t, err = bench.OpenPostgres(ctx, *pg)
		} else {
			dir := filepath.Join(tmp, "sqlite")
			if *keep != "" {
				dir = filepath.Join(*keep, fmt.Sprintf("dedupe-p%d-s%d", cfg.People, cfg.Seed))
				cfg.Reuse = true
			}
			t, err = bench.OpenSQLite(ctx, dir)
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
