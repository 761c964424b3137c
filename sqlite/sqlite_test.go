package sqlite_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/demo"
	"github.com/peel-rms/peel/sqlite"
	"github.com/peel-rms/peel/sqlstore"
	"github.com/peel-rms/peel/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, c *storetest.Clock) *sqlstore.Store {
		s, err := sqlite.Open(context.Background(), t.TempDir(), sqlstore.Options{Now: c.Now})
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// The writer leaves checkpoints to the background: after an import commits, its pages reach the
// database file while the store stays open; and under writes that never pause the write-ahead log
// is still started again from its beginning rather than growing with every write.
func TestCheckpointsInBackground(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := sqlite.Open(ctx, dir, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var buf bytes.Buffer
	if _, err := demo.Generate(&buf, demo.Config{People: 500, Seed: 7, Now: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	dbFile := filepath.Join(dir, sqlite.File)
	size := func(name string) int64 {
		fi, err := os.Stat(name)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	before := size(dbFile)
	if _, err := s.Import(ctx, auth.System("test"), "demo", bytes.NewReader(buf.Bytes()), peel.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	walAfterImport := size(dbFile + "-wal")
	deadline := time.Now().Add(10 * time.Second)
	for size(dbFile) < before+int64(buf.Len()) {
		if time.Now().After(deadline) {
			t.Fatalf("the database file is %d bytes 10 s after the import (from %d; the log holds %d): nothing was checkpointed", size(dbFile), before, walAfterImport)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Writes one after another for a second, then a pause; the writes after it start the log again
	// from its beginning instead of lengthening it.
	write := func(i int) {
		var b strings.Builder
		for j := range 20 {
			fmt.Fprintf(&b, `{"kind":"object","ref":"O%d-%d","type":"firearm","serial":"S%d-%d","description":"a shotgun"}`+"\n", i, j, i, j)
		}
		if _, err := s.Import(ctx, auth.System("test"), "busy", strings.NewReader(b.String()), peel.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	i := 0
	for start := time.Now(); time.Since(start) < time.Second; i++ {
		write(i)
	}
	time.Sleep(time.Second)
	walAfterBusy := size(dbFile + "-wal")
	for range 20 {
		i++
		write(i)
	}
	if wal := size(dbFile + "-wal"); wal > walAfterBusy {
		t.Errorf("the write-ahead log grew from %d to %d bytes after a pause: it was not started again", walAfterBusy, wal)
	}
}
