package sqlite_test

import (
	"context"
	"testing"

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
