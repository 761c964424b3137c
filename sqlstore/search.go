package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/peel-rms/peel"

	"github.com/peel-rms/peel/audit"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
	"github.com/peel-rms/peel/search"
)

// probeLimit bounds the rows one probe may return, so a one-letter prefix cannot scan the index.
const probeLimit = 2000

// Search runs one search across every kind and returns the best results the principal may see.
// Every result shown is logged as a consultation.
func (s *Store) Search(ctx context.Context, p *auth.Principal, text string, kind pole.Kind, limit int) ([]peel.SearchResult, error) {
	if err := p.Require(auth.PermRead); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	q := search.Parse(text)
	rd := &reader{s: s, db: s.r}
	var hits []search.Hit
	if len(q.Probes) > 0 {
		var parts []string
		var args []any
		for i, pr := range q.Probes {
			if pr.Prefix {
				parts = append(parts, fmt.Sprintf("SELECT * FROM (SELECT record_id, term, %d AS probe FROM search_terms WHERE term >= ? AND term < ? LIMIT %d) p%d", i, probeLimit, i))
				args = append(args, pr.Term, pr.Term+"\U0010FFFF")
			} else {
				parts = append(parts, fmt.Sprintf("SELECT * FROM (SELECT record_id, term, %d AS probe FROM search_terms WHERE term = ? LIMIT %d) p%d", i, probeLimit, i))
				args = append(args, pr.Term)
			}
		}
		rows, err := rd.query(ctx, strings.Join(parts, " UNION ALL "), args...)
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		for rows.Next() {
			var h search.Hit
			if err := rows.Scan(&h.RecordID, &h.Term, &h.Probe); err != nil {
				rows.Close()
				return nil, err
			}
			hits = append(hits, h)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	ranked := search.Rank(q, hits)
	// Exact references and ids come first.
	var exact []string
	if text != "" {
		rows, err := rd.query(ctx, `SELECT record_id FROM refs WHERE ref = ? UNION SELECT id FROM records WHERE id = ?`, text, text)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			exact = append(exact, id)
		}
		rows.Close()
	}
	for _, id := range exact {
		ranked = append([]search.Ranked{{RecordID: id, Score: 1}}, ranked...)
	}
	// Load a generous window, filter by what the principal may see, refine and cut.
	window := min(len(ranked), limit*4+len(exact))
	ids := make([]string, 0, window)
	for _, r := range ranked[:window] {
		ids = append(ids, r.RecordID)
	}
	recs, err := loadRecords(ctx, rd, s.dialect.MaxParams, ids)
	if err != nil {
		return nil, err
	}
	cands := ranked[:0:0]
	seen := map[string]bool{}
	for _, r := range ranked[:window] {
		rec := recs[r.RecordID]
		if rec == nil || seen[r.RecordID] || rec.Deleted || rec.MergedInto != "" || !p.CanSee(rec.Access) {
			continue
		}
		if kind != "" && rec.Kind != kind {
			continue
		}
		seen[r.RecordID] = true
		cands = append(cands, r)
	}
	cands = search.Refine(q, cands, recs)
	if len(cands) > limit {
		cands = cands[:limit]
	}
	out := make([]peel.SearchResult, 0, len(cands))
	shown := make([]string, 0, len(cands))
	for _, c := range cands {
		rec := recs[c.RecordID]
		refs := rec.Refs
		if refs == nil {
			refs = []pole.Ref{}
		}
		out = append(out, peel.SearchResult{ID: rec.ID, Kind: rec.Kind, Label: rec.Label(), Score: round3(c.Score), Refs: refs})
		shown = append(shown, rec.ID)
	}
	if len(shown) > 0 {
		if err := s.Consult(ctx, p, audit.ActionSearch, shown, "q="+pole.Truncate(text, 100)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func round3(f float64) float64 { return float64(int(f*1000+0.5)) / 1000 }
