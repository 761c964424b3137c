// Package pgtest gives tests a fresh PostgreSQL database of their own on the server named by
// PEEL_TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432/postgres). The PostgreSQL tests
// fail, not skip, when the server is down: CI starts it.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// ServerURL is the URL of the server tests may create databases on.
func ServerURL() string {
	if u := os.Getenv("PEEL_TEST_POSTGRES"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// NewDatabase creates an empty database, drops it when the test ends, and returns its URL.
func NewDatabase(tb testing.TB) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := sql.Open("pgx", ServerURL())
	if err != nil {
		tb.Fatalf("PostgreSQL at %s: %v", ServerURL(), err)
	}
	if err := admin.PingContext(ctx); err != nil {
		admin.Close()
		tb.Fatalf("PostgreSQL is not reachable at PEEL_TEST_POSTGRES=%s: %v (start it: pg_ctlcluster --skip-systemctl-redirect 15 main start)", ServerURL(), err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "peel_test_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		tb.Fatalf("create test database: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			tb.Logf("drop test database %s: %v", name, err)
		}
		admin.Close()
	})
	u, err := url.Parse(ServerURL())
	if err != nil {
		tb.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}
