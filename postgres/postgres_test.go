package postgres_test

import (
	"context"
	"testing"

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
