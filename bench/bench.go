// Package bench measures Peel's stores on a generated force, each figure beside a baseline run in
// the same process on the same database: import against plain multi-row INSERTs, audited record
// views against the same reads unaudited, search against a primary-key lookup. Ratios, not
// absolute times, are what carry from one machine to another.
//
// The Go benchmarks in this package and the peelbench command both use it; neither runs anything
// large under plain `go test`:
//
//	go run ./bench/cmd/peelbench                                  # the summary table, both stores
//	go test -run '^$' -bench . -benchtime 1x -timeout 90m ./bench # Go benchmarks, one pass each
//	PEEL_BENCH_LARGE=1 go test -run TestSummary -v -timeout 90m ./bench
//
// PEEL_TEST_POSTGRES names the PostgreSQL server (each run creates peel_bench_<random> and drops
// it); PEEL_BENCH_IMPORT_PEOPLE and PEEL_BENCH_SEARCH_PEOPLE resize the forces of the Go
// benchmarks; PEEL_BENCH_FRESH=1 rebuilds the cached embedded search store.
package bench

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/peel-rms/peel/postgres"
	"github.com/peel-rms/peel/sqlite"
	"github.com/peel-rms/peel/sqlstore"
)

// DefaultPostgresURL is where the PostgreSQL server is unless PEEL_TEST_POSTGRES says otherwise.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// PostgresURL is the server the benchmarks create their databases on.
func PostgresURL() string {
	if u := os.Getenv("PEEL_TEST_POSTGRES"); u != "" {
		return u
	}
	return DefaultPostgresURL
}

// Target is one store under measurement, with the raw database for baselines.
type Target struct {
	// Name is "sqlite" or "postgres".
	Name  string
	Store *sqlstore.Store
	// Dir is the embedded store's directory, or the PostgreSQL database's name.
	Dir   string
	close func() error
}

// Close closes the store and, for PostgreSQL, drops the database.
func (t *Target) Close() error {
	if t == nil || t.close == nil {
		return nil
	}
	return t.close()
}

// OpenSQLite opens (creating) the embedded store in dir.
func OpenSQLite(ctx context.Context, dir string) (*Target, error) {
	s, err := sqlite.Open(ctx, dir, sqlstore.Options{Logger: quietLogger()})
	if err != nil {
		return nil, err
	}
	return &Target{Name: "sqlite", Store: s, Dir: dir, close: s.Close}, nil
}

// OpenPostgres creates a fresh database peel_bench_<random> on the server at serverURL and opens
// a store on it; Close drops the database.
func OpenPostgres(ctx context.Context, serverURL string) (*Target, error) {
	return newPostgres(ctx, serverURL, "")
}

// newPostgres creates a database peel_bench_<random>, a copy of template when one is named, and
// opens a store on it; Close drops the database.
func newPostgres(ctx context.Context, serverURL, template string) (*Target, error) {
	admin, err := adminDB(serverURL)
	if err != nil {
		return nil, err
	}
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		admin.Close()
		return nil, err
	}
	name := "peel_bench_" + hex.EncodeToString(b[:])
	create := "CREATE DATABASE " + name
	if template != "" {
		create += " TEMPLATE " + template
	}
	if _, err := admin.ExecContext(ctx, create); err != nil {
		admin.Close()
		return nil, fmt.Errorf("create database %s: %w", name, err)
	}
	drop := func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		_, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		return errors.Join(err, admin.Close())
	}
	dbURL, err := withDatabase(serverURL, name)
	if err != nil {
		return nil, errors.Join(err, drop())
	}
	s, err := postgres.Open(ctx, dbURL, sqlstore.Options{Logger: quietLogger()})
	if err != nil {
		return nil, errors.Join(err, drop())
	}
	return &Target{Name: "postgres", Store: s, Dir: name, close: func() error { return errors.Join(s.Close(), drop()) }}, nil
}

// PostgresAvailable reports whether the server at serverURL answers.
func PostgresAvailable(ctx context.Context, serverURL string) error {
	db, err := adminDB(serverURL)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	return db.PingContext(ctx)
}

func adminDB(serverURL string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(serverURL)
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL URL: %w", err)
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(1)
	return db, nil
}

// withDatabase replaces the database name in a PostgreSQL URL.
func withDatabase(serverURL, name string) (string, error) {
	u, err := url.Parse(serverURL)
	if err != nil {
		return "", fmt.Errorf("PostgreSQL URL: %w", err)
	}
	u.Path = "/" + name
	return u.String(), nil
}

// quietLogger drops the store's informational logs so they do not interleave with results,
// unless PEEL_BENCH_LOG=info asks for them (the phases of a dedupe run, for one).
func quietLogger() *slog.Logger {
	level := slog.LevelWarn
	if os.Getenv("PEEL_BENCH_LOG") == "info" {
		level = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}

// Dist summarises latencies.
type Dist struct {
	N        int
	Median   time.Duration
	P99      time.Duration
	Max      time.Duration
	Total    time.Duration // wall time of the run
	PerSec   float64       // operations per second of wall time
	Failures int
}

// summarise computes the distribution of latencies ds measured over wall time.
func summarise(ds []time.Duration, wall time.Duration) Dist {
	d := Dist{N: len(ds), Total: wall}
	if len(ds) == 0 {
		return d
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	d.Median = percentile(s, 50)
	d.P99 = percentile(s, 99)
	d.Max = s[len(s)-1]
	if wall > 0 {
		d.PerSec = float64(len(ds)) / wall.Seconds()
	}
	return d
}

// percentile returns the p-th percentile of sorted durations by the nearest-rank method.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(p/100*float64(len(sorted)) + 0.999999)
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// CacheDir is where built stores are kept between runs: under the system temp dir, never
// anywhere a test depends on.
func CacheDir() string { return filepath.Join(os.TempDir(), "peel-bench-cache") }

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

func ratio(a, b float64) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2fx", a/b)
}
