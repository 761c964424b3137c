package sqlstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/peel-rms/peel/postgres"
	"github.com/peel-rms/peel/postgres/pgtest"
	"github.com/peel-rms/peel/sqlite"
	"github.com/peel-rms/peel/sqlstore"
)

// TestWriteEachStandsAlone commits writes sharing a transaction, each behind its own savepoint:
// a write that fails after its rows reached the database, or on a constraint (which aborts a
// PostgreSQL transaction until rolled back), leaves nothing and takes nothing else with it;
// writes that all succeed all commit.
func TestWriteEachStandsAlone(t *testing.T) {
	ctx := context.Background()
	open := map[string]func(t *testing.T) *sqlstore.Store{
		"sqlite": func(t *testing.T) *sqlstore.Store {
			s, err := sqlite.Open(ctx, t.TempDir(), sqlstore.Options{})
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
		"postgres": func(t *testing.T) *sqlstore.Store {
			s, err := postgres.Open(ctx, pgtest.NewDatabase(t), sqlstore.Options{})
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
	}
	for name, open := range open {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			defer s.Close()
			put := func(key string) func(tx *sqlstore.Tx) error {
				return func(tx *sqlstore.Tx) error {
					_, err := tx.ExecContext(ctx, `INSERT INTO settings (name, value) VALUES ('batch:`+key+`', 'x')`)
					return err
				}
			}
			refused := errors.New("refused after writing")
			errs := s.WriteEach(ctx, []func(tx *sqlstore.Tx) error{
				put("a"),
				func(tx *sqlstore.Tx) error {
					if err := put("b")(tx); err != nil {
						return err
					}
					return refused
				},
				put("c"),
				put("a"), // the key is taken: a constraint error
				put("d"),
			})
			if errs[0] != nil || errs[2] != nil || errs[4] != nil {
				t.Fatalf("good writes failed: %v", errs)
			}
			if !errors.Is(errs[1], refused) || errs[3] == nil {
				t.Fatalf("failing writes answered %v and %v", errs[1], errs[3])
			}
			if errs := s.WriteEach(ctx, []func(tx *sqlstore.Tx) error{put("e"), put("f"), put("g")}); errs[0] != nil || errs[1] != nil || errs[2] != nil {
				t.Fatalf("a batch of good writes failed: %v", errs)
			}
			for key, want := range map[string]int{"a": 1, "b": 0, "c": 1, "d": 1, "e": 1, "f": 1, "g": 1} {
				var n int
				q := `SELECT COUNT(*) FROM settings WHERE name = 'batch:` + key + `'`
				if err := s.DB().QueryRowContext(ctx, q).Scan(&n); err != nil {
					t.Fatal(err)
				}
				if n != want {
					t.Errorf("batch:%s: %d rows, want %d", key, n, want)
				}
			}
		})
	}
}
