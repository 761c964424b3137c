package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/sqlstore"
)

// dedupeJob runs duplicate detection in the background: when people have been imported since the
// last run, and at least every interval. With several instances on one database, a lease makes
// sure only one runs it.
func dedupeJob(ctx context.Context, s *sqlstore.Store, interval time.Duration, log *slog.Logger) {
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	last := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		due, err := s.Setting(ctx, sqlstore.SettingDedupeDue, "false")
		if err != nil {
			log.Error("dedupe job", "err", err)
			continue
		}
		if due != "true" && time.Since(last) < interval {
			continue
		}
		ok, err := s.ClaimJob(ctx, "dedupe", time.Hour)
		if err != nil || !ok {
			continue
		}
		last = time.Now()
		sum, err := s.Dedupe(ctx, auth.System("dedupe-job"))
		if err != nil {
			log.Error("dedupe job", "err", err)
			continue
		}
		log.Info("duplicate detection", "people", sum.People, "groups", sum.Groups, "seconds", sum.Seconds)
	}
}
