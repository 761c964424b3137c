// Package postgres is Peel's store for forces that outgrow one machine: PostgreSQL through pgx.
// Several peel serve instances may share one database.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/peel-rms/peel/sqlstore"
	"github.com/pressly/goose/v3"
)

//go:embed migrations/*.sql
var migrations embed.FS

// chainLockKey is the advisory lock that orders extensions of the audit hash chain.
const chainLockKey = 7340001

// Open connects to the database at url, migrates it and returns the store.
func Open(ctx context.Context, url string, opts sqlstore.Options) (*sqlstore.Store, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("database URL: %w", err)
	}
	// Statements whose text varies (long IN lists, multi-row inserts) are sent unprepared;
	// statements of fixed text are kept prepared per connection (Dialect.ParsedOnce), and an
	// import has each planned with the tables as they are then (Dialect.BulkWrite): cached
	// generic plans made while a young database was empty kept scanning it as it grew.
	cfg.DefaultQueryExecMode = pgx.QueryExecModeExec
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(16)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	// Behind a connection pooler that cannot keep prepared statements (PgBouncer before 1.21 in
	// transaction mode), statement_cache_capacity=0 in the URL sends every statement unprepared.
	var parsedOnce any
	if cfg.StatementCacheCapacity > 0 {
		parsedOnce = pgx.QueryExecModeCacheStatement
	}
	d := sqlstore.Dialect{Name: "postgres", Dollar: true, ChainLock: fmt.Sprintf("SELECT pg_advisory_xact_lock(%d)", chainLockKey), MaxParams: 65535, WritableCTE: true,
		Notify: "SELECT pg_notify('" + alertChannel + "', '')", IntakeLock: "SELECT pg_advisory_xact_lock(7340003)",
		ParsedOnce:  parsedOnce,
		BulkWrite:   "SET LOCAL plan_cache_mode = force_custom_plan",
		Analyze:     "ANALYZE records, refs, record_keys, links, person_keys, person_features",
		AuditAppend: fmt.Sprintf("SELECT first_seq, first_prev, last_hash FROM peel_audit_append(%d, ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bytea[], ?::text[], ?::int[])", chainLockKey)}
	s := sqlstore.New(d, db, db, opts)
	if err := s.EnsureDefaults(ctx); err != nil {
		s.Close()
		return nil, err
	}
	s.Background(func(ctx context.Context) { listen(ctx, cfg, s) })
	return s, nil
}

// alertChannel is the LISTEN/NOTIFY channel on which instances announce new alerts.
const alertChannel = "peel_alerts"

// listen holds a connection listening for other instances' alerts and pulses the store's alert
// signal for each, reconnecting after failures until ctx ends.
func listen(ctx context.Context, cfg *pgx.ConnConfig, s *sqlstore.Store) {
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		conn, err := pgx.ConnectConfig(ctx, cfg)
		if err == nil {
			_, err = conn.Exec(ctx, "LISTEN "+alertChannel)
			if err == nil {
				backoff = 100 * time.Millisecond
				s.SignalAlerts() // anything missed while disconnected
				for err == nil {
					_, err = conn.WaitForNotification(ctx)
					if err == nil {
						s.SignalAlerts()
					}
				}
			}
			conn.Close(context.Background())
		}
		if ctx.Err() != nil {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 5*time.Second)
	}
}

func migrate(ctx context.Context, db *sql.DB) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	// Two instances starting together must not both migrate.
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(7340002)`); err != nil {
		return err
	}
	defer conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock(7340002)`)
	p, err := goose.NewProvider(goose.DialectPostgres, db, sub)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}
