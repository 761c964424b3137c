package postgres_test

import (
	"context"
	"strings"
	"testing"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/postgres"
	"github.com/peel-rms/peel/postgres/pgtest"
	"github.com/peel-rms/peel/sqlstore"
	"github.com/peel-rms/peel/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, c *storetest.Clock) *sqlstore.Store {
		s, err := postgres.Open(context.Background(), pgtest.NewDatabase(t), sqlstore.Options{Now: c.Now})
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// A statement of fixed text is kept prepared on its connection and reused, while one whose text
// grows with its arguments is not: the pool is one connection here, so the server's list of that
// session's prepared statements shows which were kept. With statement_cache_capacity=0 in the URL
// (for a pooler that cannot keep prepared statements) none is kept, and the store works as well.
func TestFixedStatementsStayPrepared(t *testing.T) {
	for _, tc := range []struct {
		param             string
		recordRead, audit int
	}{{"", 1, 1}, {"&statement_cache_capacity=0", 0, 0}} {
		t.Run("url"+tc.param, func(t *testing.T) {
			ctx := context.Background()
			s, err := postgres.Open(ctx, pgtest.NewDatabase(t)+tc.param, sqlstore.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			s.DB().SetMaxOpenConns(1)
			admin := auth.System("test")
			lines := `{"kind":"person","ref":"P1","family_name":"Ash","given_names":"Ann"}` + "\n" +
				`{"kind":"person","ref":"P2","family_name":"Birch","given_names":"Bob"}` + "\n"
			if _, err := s.Import(ctx, admin, "t", strings.NewReader(lines), peel.ImportOptions{}); err != nil {
				t.Fatal(err)
			}
			officer := &auth.Principal{UserID: "u1", Username: "officer", Roles: []string{"officer"}, Perms: []auth.Permission{auth.PermRead}, Purpose: "test"}
			r, err := s.Lookup(ctx, admin, "t", "P1")
			if err != nil {
				t.Fatal(err)
			}
			for range 3 {
				got, err := s.Get(ctx, officer, r.ID, peel.GetOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if got.ID != r.ID {
					t.Fatalf("read %s, want %s", got.ID, r.ID)
				}
			}
			prepared := func(like string) int {
				var n int
				if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'stmtcache\_%' AND statement LIKE $1`, like).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			if n := prepared("%FROM records r LEFT JOIN refs f%WHERE r.id IN ($1)%"); n != tc.recordRead {
				t.Errorf("the record read is prepared %d times on the connection, want %d", n, tc.recordRead)
			}
			if n := prepared("%peel_audit_append%"); n != tc.audit {
				t.Errorf("the audit append is prepared %d times on the connection, want %d", n, tc.audit)
			}
			if n := prepared("%INSERT INTO search_terms%"); n != 0 {
				t.Errorf("%d multi-row inserts were left prepared on the connection", n)
			}
		})
	}
}
