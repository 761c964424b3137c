package sqlstore

import (
	"context"
	"strconv"
	"time"
)

// ClaimJob takes a lease on a named background job, so when several instances share a database
// only one runs it at a time. It reports whether this caller holds the lease until now+lease.
func (s *Store) ClaimJob(ctx context.Context, name string, lease time.Duration) (bool, error) {
	key := "job:" + name
	now := s.Now()
	if _, err := s.w.ExecContext(ctx, s.q(`INSERT INTO settings (name, value) VALUES (?, '0') ON CONFLICT DO NOTHING`), key); err != nil {
		return false, err
	}
	res, err := s.w.ExecContext(ctx, s.q(`UPDATE settings SET value = ? WHERE name = ? AND CAST(value AS BIGINT) < ?`),
		strconv.FormatInt(micros(now.Add(lease)), 10), key, micros(now))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
