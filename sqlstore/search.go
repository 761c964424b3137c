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

// Probe limits bound the rows one probe may return, so a common name or a short prefix cannot
// scan the index.
const (
	exactProbeLimit  = 400
	prefixProbeLimit = 300
)

// probe runs the probes idx of q as one query.
func (s *Store) probe(ctx context.Context, rd querier, q search.Query, idx []int) ([]search.Hit, error) {
	var parts []string
	var args []any
	for _, i := range idx {
		pr := q.Probes[i]
		if pr.Prefix {
			parts = append(parts, fmt.Sprintf("SELECT * FROM (SELECT record_id, term, %d AS probe FROM search_terms WHERE term >= ? AND term < ? LIMIT %d) p%d", i, prefixProbeLimit, i))
			args = append(args, pr.Term, pr.Term+"\U0010FFFF")
		} else {
			parts = append(parts, fmt.Sprintf("SELECT * FROM (SELECT record_id, term, %d AS probe FROM search_terms WHERE term = ? LIMIT %d) p%d", i, exactProbeLimit, i))
			args = append(args, pr.Term)
		}
	}
	rows, err := rd.query(ctx, strings.Join(parts, " UNION ALL "), args...)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	var hits []search.Hit
	for rows.Next() {
		var h search.Hit
		if err := rows.Scan(&h.RecordID, &h.Term, &h.Probe); err != nil {
			return nil, err
		}
		hits = append(hits, h)
	}
	return hits, rows.Err()
}

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
	var ranked []search.Ranked
	for stage := range search.Stages {
		var idx []int
		for i, pr := range q.Probes {
			if pr.Stage == stage {
				idx = append(idx, i)
			}
		}
		if len(idx) == 0 {
			continue
		}
		got, err := s.probe(ctx, rd, q, idx)
		if err != nil {
			return nil, err
		}
		hits = append(hits, got...)
		ranked = search.Rank(q, hits)
		full := search.FullMatches(ranked)
		// An identifier found exactly answers the search, as does a given and family name found
		// together; single names stop once enough full matches are in hand; the loose fallback
		// only runs when nothing at all was found.
		if (stage == search.StageIdentifier && len(got) > 0) || (stage == search.StagePair && full > 0) || full >= limit || (stage == search.StagePrefix && len(ranked) > 0) {
			break
		}
	}
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
