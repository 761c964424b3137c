// Package sqlite is Peel's embedded store: SQLite through the pure-Go modernc driver, in WAL mode
// with one writer connection and a pool of readers. It is the default: nothing else to install.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/peel-rms/peel/sqlstore"
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// File is the database file's name inside the data directory.
const File = "peel.db"

// Open opens (creating and migrating) the embedded store in dir.
func Open(ctx context.Context, dir string, opts sqlstore.Options) (*sqlstore.Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	path := filepath.Join(dir, File)
	pragmas := url.Values{}
	// A large page cache for the one writer: big imports touch every index at random.
	// The writer never checkpoints: a commit that crossed the write-ahead log's threshold used to
	// copy it into the database file before returning, stalling that request and every write
	// queued behind it. The checkpointer below does it beside them.
	for _, p := range []string{"journal_mode(WAL)", "busy_timeout(10000)", "foreign_keys(1)", "synchronous(NORMAL)", "cache_size(-262144)", "temp_store(MEMORY)", "mmap_size(1073741824)", "wal_autocheckpoint(0)"} {
		pragmas.Add("_pragma", p)
	}
	w, err := sql.Open("sqlite", "file:"+path+"?"+pragmas.Encode()+"&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	// One writer: SQLite serialises writes anyway, and one connection avoids busy retries within
	// this process. Other processes (the CLI beside a server) wait on busy_timeout.
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := migrate(ctx, w); err != nil {
		w.Close()
		return nil, err
	}
	rpragmas := url.Values{}
	// No memory map for readers: every commit (an audited view commits its entry) changes the
	// snapshot they read, and mapped readers served audited views at about 3,000/s against 5,700/s
	// without, for no gain on the link-analysis questions.
	for _, p := range []string{"busy_timeout(10000)", "query_only(1)", "cache_size(-32000)", "temp_store(MEMORY)"} {
		rpragmas.Add("_pragma", p)
	}
	r, err := sql.Open("sqlite", "file:"+path+"?"+rpragmas.Encode())
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	r.SetConnMaxLifetime(0)
	s := sqlstore.New(sqlstore.Dialect{Name: "sqlite", MaxParams: 32766, CacheStatements: true, BulkInsert: "INSERT OR FAIL INTO", OneWriter: true}, w, r, opts)
	// No busy timeout: a restarting checkpoint holds new writes back while it waits, so it must
	// give up at once when a write or a long read is under way, and try again next time.
	ck, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(0)")
	if err != nil {
		s.Close()
		return nil, err
	}
	ck.SetMaxOpenConns(1)
	s.Background(func(ctx context.Context) { checkpoint(ctx, ck, s.Logger()) })
	if err := s.EnsureDefaults(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// checkpointEvery is how often the checkpointer copies committed pages from the write-ahead log
// into the database file.
const checkpointEvery = 200 * time.Millisecond

// restartFrames is the length of the write-ahead log, in pages, past which the checkpointer makes
// the next writer start it again from its beginning.
const restartFrames = 1000

// checkpoint copies what the write-ahead log holds into the database file, in the background, until
// ctx ends, then closes db. A passive checkpoint waits on no reader or writer: it copies what no
// reader still needs, and the rest the next time. The writer starts the log again from its
// beginning only when it begins after a checkpoint that copied everything, which writes arriving
// without pause can prevent for ever; so once the log is longer than restartFrames a restarting
// checkpoint is tried too, which succeeds at a moment when no write is under way and no reader
// is still reading the log, and makes the next writer start it again.
func checkpoint(ctx context.Context, db *sql.DB, log *slog.Logger) {
	defer db.Close()
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	failing := false
	restarted := -1 // the log's length at the last restarting checkpoint that succeeded
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		var busy, frames, done int
		err := db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &done)
		// Once a restart has succeeded the log keeps its length until the next write starts it
		// again; an idle store is not asked again (each try takes the writer's lock a moment).
		if err == nil && frames > restartFrames && frames != restarted {
			err = db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(RESTART)").Scan(&busy, &frames, &done)
			if err == nil && busy == 0 {
				restarted = frames
			}
		}
		if err != nil && ctx.Err() == nil && !failing {
			log.Error("checkpoint", "err", err)
		}
		failing = err != nil
	}
}

func migrate(ctx context.Context, db *sql.DB) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, sub)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// Backup writes a consistent copy of the embedded store in dir to the new file out, while the
// store may be serving: SQLite's VACUUM INTO reads one snapshot, whatever the write-ahead log still
// holds included, and writes it compacted. The copy is a complete store: put it in a directory as
// File to open it.
func Backup(ctx context.Context, dir, out string) error {
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("backup: %s already exists", out)
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, File)+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", out); err != nil {
		os.Remove(out)
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}
