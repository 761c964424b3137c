package sqlstore

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/audit"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
)

// MarkersDue lists the warning markers of people and locations whose review date falls before
// `before`, earliest first, leaving out markers that have already ended. Only records the caller
// may see are listed, and those listed are audited as consulted.
//
// Markers live inside the record body, so this scans the bodies of people and locations that
// carry a review date; the review queue is a periodic supervisor's task, not a hot path.
func (s *Store) MarkersDue(ctx context.Context, p *auth.Principal, before time.Time, limit int) ([]peel.MarkerDue, error) {
	if err := p.Require(auth.PermRead); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	now := s.Now()
	rd := &reader{s: s, db: s.r}
	rows, err := rd.query(ctx, `SELECT `+recordCols+` FROM records WHERE kind IN (?, ?) AND deleted = 0
		AND (merged_into IS NULL OR merged_into = '') AND body LIKE ?`,
		string(pole.KindPerson), string(pole.KindLocation), `%"review_date"%`)
	if err != nil {
		return nil, fmt.Errorf("markers due: %w", err)
	}
	var out []peel.MarkerDue
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		if !p.CanSee(r.Access) {
			continue
		}
		for i, m := range pole.MarkersOf(r.Body) {
			if m.ReviewDate == nil || !m.ReviewDate.T.Before(before) {
				continue
			}
			if m.ValidTo != nil && !m.ValidTo.T.After(now) {
				continue // ended: nothing left to review
			}
			out = append(out, peel.MarkerDue{Record: r, Index: i, Marker: m})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Marker.ReviewDate.T, out[j].Marker.ReviewDate.T
		if !a.Equal(b) {
			return a.Before(b)
		}
		if out[i].Record.ID != out[j].Record.ID {
			return out[i].Record.ID < out[j].Record.ID
		}
		return out[i].Index < out[j].Index
	})
	if len(out) > limit {
		out = out[:limit]
	}
	var ids []string
	for _, d := range out {
		ids = append(ids, d.Record.ID)
	}
	ids = uniq(ids)
	// Load again with refs, so the page can name each record as its sources do.
	withRefs, err := loadRecords(ctx, rd, s.dialect.MaxParams, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if r := withRefs[out[i].Record.ID]; r != nil {
			out[i].Record = r
		}
	}
	if len(ids) > 0 {
		if err := s.Consult(ctx, p, audit.ActionQuery, ids, "warning markers due for review before "+before.UTC().Format(time.DateOnly)); err != nil {
			return nil, err
		}
	}
	if out == nil {
		out = []peel.MarkerDue{}
	}
	return out, nil
}
