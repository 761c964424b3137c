package bench

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/postgres"
	"github.com/peel-rms/peel/sqlite"
	"github.com/peel-rms/peel/sqlstore"
)

// BuiltStore is a store holding a generated force, built for a measurement or reused from an
// earlier run: the embedded store from the cache directory, PostgreSQL from a kept database.
type BuiltStore struct {
	*Target
	// Build is the import that built it; nil when it was reused.
	Build *ImportResult
	// URL is the PostgreSQL database's URL ("" for the embedded store).
	URL string
	// reopen opens the store again on the same data (for measuring the time to start serving).
	reopen func(ctx context.Context) (*sqlstore.Store, error)
	// shut closes whichever store is open and drops a fresh PostgreSQL database.
	shut func() error
}

// Close closes the store (whichever is open after Reopen) and drops a database built fresh.
func (b *BuiltStore) Close() error {
	if b == nil || b.Target == nil {
		return nil
	}
	if b.shut != nil {
		return b.shut()
	}
	return b.Store.Close()
}

// Reopen closes the store and opens it again on the same data, timing the open.
func (b *BuiltStore) Reopen(ctx context.Context) (time.Duration, error) {
	if err := b.Store.Close(); err != nil {
		return 0, err
	}
	start := time.Now()
	s, err := b.reopen(ctx)
	if err != nil {
		return 0, err
	}
	took := time.Since(start)
	b.Store = s
	return took, nil
}

// BuildSQLite opens the embedded store holding the force, kept under cacheDir as
// <prefix><digest> and built by one Store.Import when absent (or when fresh is set).
func BuildSQLite(ctx context.Context, f *Force, cacheDir, prefix string, fresh bool, tempDir string) (*BuiltStore, error) {
	dir := filepath.Join(cacheDir, prefix+f.Digest[:16])
	done := filepath.Join(dir, "complete")
	b := &BuiltStore{}
	b.reopen = func(ctx context.Context) (*sqlstore.Store, error) {
		return sqlite.Open(ctx, dir, sqlstore.Options{Logger: quietLogger()})
	}
	if _, err := os.Stat(done); err == nil && !fresh {
		t, err := OpenSQLite(ctx, dir)
		b.Target = t
		return b, err
	}
	// Another force of this shape (an older generator) is stale: these stores take gigabytes.
	if old, err := filepath.Glob(filepath.Join(cacheDir, prefix+"*")); err == nil {
		for _, o := range old {
			os.RemoveAll(o)
		}
	}
	if err := os.MkdirAll(cacheDir, 0o700); err != nil {
		return nil, err
	}
	t, err := OpenSQLite(ctx, dir)
	if err != nil {
		return nil, err
	}
	imp, err := Import(ctx, t, f, tempDir)
	if err != nil {
		t.Close()
		os.RemoveAll(dir)
		return nil, err
	}
	if err := os.WriteFile(done, []byte(time.Now().UTC().Format(time.RFC3339)+"\n"), 0o600); err != nil {
		t.Close()
		return nil, err
	}
	b.Target, b.Build = t, &imp
	return b, nil
}

// BuildPostgres opens a PostgreSQL store holding the force, built in pieces with ANALYZE between
// (ImportGrowing). With keep, the database is named after the force (peel_bench_<name>_<digest>),
// reused by later runs once complete, and left in place by Close; without it, it is a fresh
// database peel_bench_<random> that Close drops.
func BuildPostgres(ctx context.Context, serverURL string, f *Force, name string, keep bool, tempDir string) (*BuiltStore, error) {
	admin, err := adminDB(serverURL)
	if err != nil {
		return nil, err
	}
	db := fmt.Sprintf("peel_bench_%s_%s", name, f.Digest[:16])
	if !keep {
		var r [6]byte
		if _, err := rand.Read(r[:]); err != nil {
			admin.Close()
			return nil, err
		}
		db = "peel_bench_" + hex.EncodeToString(r[:])
	}
	dbURL, err := withDatabase(serverURL, db)
	if err != nil {
		admin.Close()
		return nil, err
	}
	open := func(ctx context.Context) (*sqlstore.Store, error) {
		return postgres.Open(ctx, dbURL, sqlstore.Options{Logger: quietLogger()})
	}
	b := &BuiltStore{URL: dbURL, reopen: open}
	dropDB := func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		_, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+db+" WITH (FORCE)")
		return err
	}
	b.shut = func() error {
		err := b.Store.Close()
		if !keep {
			err = errors.Join(err, dropDB())
		}
		return errors.Join(err, admin.Close())
	}
	var exists bool
	if err := admin.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", db).Scan(&exists); err != nil {
		admin.Close()
		return nil, err
	}
	if exists {
		s, err := open(ctx)
		if err == nil {
			var done bool
			if s.ReadDB().QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_name = 'bench_complete')").Scan(&done) == nil && done {
				b.Target = &Target{Name: "postgres", Store: s, Dir: db, close: b.shut}
				return b, nil
			}
			s.Close()
		}
		if err := dropDB(); err != nil {
			admin.Close()
			return nil, err
		}
	}
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+db); err != nil {
		admin.Close()
		return nil, fmt.Errorf("create database: %w", err)
	}
	s, err := open(ctx)
	if err != nil {
		dropDB()
		admin.Close()
		return nil, err
	}
	b.Target = &Target{Name: "postgres", Store: s, Dir: db, close: b.shut}
	imp, err := ImportGrowing(ctx, b.Target, f, firstChunk, chunkLines, tempDir)
	if err == nil && keep {
		_, err = s.DB().ExecContext(ctx, "CREATE TABLE bench_complete (at TEXT)")
	}
	if err != nil {
		s.Close()
		dropDB()
		admin.Close()
		return nil, err
	}
	imp.Chunked = true
	b.Build = &imp
	return b, nil
}

// firstChunk is the first piece ImportGrowing imports into an empty PostgreSQL database.
const firstChunk = 2000

// ImportGrowing imports the force in pieces through Store.Import, the first of first lines and
// each twice the last up to max, running ANALYZE between pieces on PostgreSQL. A first piece of
// 100,000 lines into an empty database took more than five minutes at 200,000 people (its
// statements were planned for empty tables and the plans kept while the tables grew: the refs
// lookups turned into scans); small pieces at first give the planner statistics early.
func ImportGrowing(ctx context.Context, t *Target, f *Force, first, max int, tempDir string) (ImportResult, error) {
	in, err := os.Open(f.Path)
	if err != nil {
		return ImportResult{}, err
	}
	defer in.Close()
	res := ImportResult{Store: t.Name, People: f.Config.People, Lines: f.Stats.Lines, Summary: &peel.ImportSummary{Created: map[string]int{}, Updated: map[string]int{}}}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 4<<20)
	var chunk strings.Builder
	n, size := 0, first
	flush := func() error {
		if n == 0 {
			return nil
		}
		start := time.Now()
		sum, err := t.Store.Import(ctx, auth.System("bench"), "bench", strings.NewReader(chunk.String()), peel.ImportOptions{TempDir: tempDir})
		if err != nil {
			return fmt.Errorf("import: %w", err)
		}
		if t.Store.Dialect().Dollar {
			if _, err := t.Store.DB().ExecContext(ctx, "ANALYZE"); err != nil {
				return err
			}
		}
		res.Peel += time.Since(start)
		for k, v := range sum.Created {
			res.Summary.Created[k] += v
			res.Records += v
		}
		res.Summary.Links += sum.Links
		res.Summary.Calls += sum.Calls
		chunk.Reset()
		n = 0
		size = min(2*size, max)
		return nil
	}
	for sc.Scan() {
		chunk.Write(sc.Bytes())
		chunk.WriteByte('\n')
		if n++; n >= size {
			if err := flush(); err != nil {
				return res, err
			}
		}
	}
	if err := sc.Err(); err != nil {
		return res, err
	}
	return res, flush()
}
