package sqlstore

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/peel-rms/peel/audit"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/hazard"
	"github.com/peel-rms/peel/pole"
)

// PointRadius is how near an address must be to a point for its hazards to count (metres).
const PointRadius = 25.0

// hazardFacts gathers what the hazard rules need about a location at asOf, visible to the
// principal. Of the events there, only those that can be hazards at asOf are loaded (violence or
// abuse within the rules' windows): a busy address may have hundreds of others.
func (s *Store) hazardFacts(ctx context.Context, q querier, p *auth.Principal, loc *pole.Record, asOf time.Time, rules hazard.Rules) (hazard.Facts, error) {
	f := hazard.Facts{Location: loc}
	in, err := s.liveLinks(ctx, q, "to_id", []string{loc.ID}, nil)
	if err != nil {
		return f, err
	}
	if in, err = s.withoutIdleEvents(ctx, q, in, asOf, rules); err != nil {
		return f, err
	}
	recs, err := s.loadVisible(ctx, q, p, otherEnds(in, loc.ID))
	if err != nil {
		return f, err
	}
	var people []string
	for _, l := range in {
		r := recs[l.From]
		if r == nil {
			continue
		}
		switch {
		case r.Kind == pole.KindPerson:
			f.People = append(f.People, hazard.Tie{Record: r, Link: l})
			people = append(people, r.ID)
		case r.Kind == pole.KindObject:
			f.Objects = append(f.Objects, hazard.Tie{Record: r, Link: l})
		case r.Kind == pole.KindEvent && l.Role == "occurred_at":
			f.Events = append(f.Events, r)
		}
	}
	if len(people) == 0 {
		return f, nil
	}
	out, err := s.liveLinks(ctx, q, "from_id", people, []string{"certificate_holder_of", "victim_in", "missing_in"})
	if err != nil {
		return f, err
	}
	var ends []string
	for _, l := range out {
		ends = append(ends, l.To)
	}
	more, err := s.loadVisible(ctx, q, p, ends)
	if err != nil {
		return f, err
	}
	for _, l := range out {
		target, holder := more[l.To], recs[l.From]
		if target == nil || holder == nil {
			continue
		}
		switch {
		case l.Role == "certificate_holder_of" && target.Kind == pole.KindObject:
			f.Certificates = append(f.Certificates, struct {
				Holder *pole.Record
				hazard.Tie
			}{holder, hazard.Tie{Record: target, Link: l}})
		case target.Kind == pole.KindEvent:
			f.Involvements = append(f.Involvements, hazard.Involvement{Person: holder, Event: target, Role: l.Role})
		}
	}
	return f, nil
}

// withoutIdleEvents drops the occurred_at links of events that cannot be hazards at asOf.
func (s *Store) withoutIdleEvents(ctx context.Context, q querier, in []*pole.Link, asOf time.Time, rules hazard.Rules) ([]*pole.Link, error) {
	var evs []string
	for _, l := range in {
		if l.Role == "occurred_at" {
			evs = append(evs, l.From)
		}
	}
	if len(evs) == 0 {
		return in, nil
	}
	cats := append(append([]string{}, rules.ViolentCategories...), rules.AbuseCategories...)
	from := asOf.Add(-max(rules.ViolenceWindow, rules.VulnerableWindow)).UnixMicro()
	keep := map[string]bool{}
	evs = uniq(evs)
	for len(evs) > 0 {
		n := min(len(evs), 400)
		args := make([]any, 0, n+len(cats)+2)
		for _, id := range evs[:n] {
			args = append(args, id)
		}
		evs = evs[n:]
		for _, c := range cats {
			args = append(args, c)
		}
		args = append(args, from, asOf.UnixMicro())
		rows, err := q.query(ctx, `SELECT id FROM records WHERE id IN (`+inList(n)+`) AND (kind <> 'event' OR (category IN (`+inList(len(cats))+`) AND occurred_at >= ? AND occurred_at <= ?))`, args...)
		if err := addIDs(rows, err, keep); err != nil {
			return nil, err
		}
	}
	out := in[:0:0]
	for _, l := range in {
		if l.Role != "occurred_at" || keep[l.From] {
			out = append(out, l)
		}
	}
	return out, nil
}

func otherEnds(ls []*pole.Link, id string) []string {
	out := make([]string, 0, len(ls))
	for _, l := range ls {
		out = append(out, l.Other(id))
	}
	return out
}

// liveLinks loads the live links whose col (from_id or to_id) is one of ids, optionally of roles.
func (s *Store) liveLinks(ctx context.Context, q querier, col string, ids []string, roles []string) ([]*pole.Link, error) {
	var out []*pole.Link
	ids = uniq(ids)
	for len(ids) > 0 {
		n := min(len(ids), 400)
		args := make([]any, 0, n+len(roles))
		for _, id := range ids[:n] {
			args = append(args, id)
		}
		ids = ids[n:]
		cond := ""
		if len(roles) > 0 {
			cond = " AND role IN (" + inList(len(roles)) + ")"
			for _, r := range roles {
				args = append(args, r)
			}
		}
		rows, err := q.query(ctx, "SELECT "+linkCols+" FROM links WHERE "+col+" IN ("+inList(n)+") AND deleted = 0"+cond, args...)
		if err != nil {
			return nil, fmt.Errorf("links: %w", err)
		}
		for rows.Next() {
			l, err := scanLink(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, l)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// loadVisible loads the live, unmerged records among ids the principal may see.
func (s *Store) loadVisible(ctx context.Context, q querier, p *auth.Principal, ids []string) (map[string]*pole.Record, error) {
	recs, err := loadRecords(ctx, q, s.dialect.MaxParams, ids)
	if err != nil {
		return nil, err
	}
	for id, r := range recs {
		if r.Deleted || r.MergedInto != "" || !p.CanSee(r.Access) {
			delete(recs, id)
		}
	}
	return recs, nil
}

// Hazards answers what a responding officer must know about a location at asOf.
func (s *Store) Hazards(ctx context.Context, p *auth.Principal, locationID string, asOf time.Time) ([]hazard.Hazard, error) {
	if err := p.Require(auth.PermRead); err != nil {
		return nil, err
	}
	rd := &reader{s: s, db: s.r}
	loc, err := s.visibleOfKind(ctx, rd, p, locationID, pole.KindLocation)
	if err != nil {
		return nil, err
	}
	hs, err := s.hazardsOf(ctx, rd, p, loc, asOf)
	if err != nil {
		return nil, err
	}
	return hs, s.Consult(ctx, p, audit.ActionQuery, hazardRecords(loc.ID, hs), "hazards of "+loc.ID)
}

func (s *Store) hazardsOf(ctx context.Context, q querier, p *auth.Principal, loc *pole.Record, asOf time.Time) ([]hazard.Hazard, error) {
	rules := hazard.DefaultRules()
	f, err := s.hazardFacts(ctx, q, p, loc, asOf, rules)
	if err != nil {
		return nil, err
	}
	hs := hazard.Evaluate(f, asOf, rules)
	if hs == nil {
		hs = []hazard.Hazard{}
	}
	return hs, nil
}

func hazardRecords(loc string, hs []hazard.Hazard) []string {
	ids := []string{loc}
	for _, h := range hs {
		ids = append(ids, h.Record.ID)
	}
	return uniq(ids)
}

// HazardsAt answers the hazards of every address within PointRadius of a point, each hazard naming
// its location.
func (s *Store) HazardsAt(ctx context.Context, p *auth.Principal, lat, lon float64, asOf time.Time) ([]hazard.Hazard, []string, error) {
	if err := p.Require(auth.PermRead); err != nil {
		return nil, nil, err
	}
	if math.IsNaN(lat) || math.IsNaN(lon) || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		return nil, nil, pole.Invalid("bad point", pole.FieldError{Field: "lat", Message: "lat must be -90..90 and lon -180..180"})
	}
	rd := &reader{s: s, db: s.r}
	locs, err := s.locationsNear(ctx, rd, p, lat, lon, PointRadius)
	if err != nil {
		return nil, nil, err
	}
	out := []hazard.Hazard{}
	var ids []string
	for _, loc := range locs {
		hs, err := s.hazardsOf(ctx, rd, p, loc, asOf)
		if err != nil {
			return nil, nil, err
		}
		for _, h := range hs {
			h.Location = loc.ID
			out = append(out, h)
		}
		ids = append(ids, hazardRecords(loc.ID, hs)...)
	}
	var locIDs []string
	for _, l := range locs {
		locIDs = append(locIDs, l.ID)
	}
	if len(ids) > 0 {
		if err := s.Consult(ctx, p, audit.ActionQuery, uniq(ids), fmt.Sprintf("hazards near %.5f,%.5f", lat, lon)); err != nil {
			return nil, nil, err
		}
	}
	return out, locIDs, nil
}

// locationsNear finds visible locations within radius metres of a point: a bounding box on the
// indexed coordinates, then the exact distance.
func (s *Store) locationsNear(ctx context.Context, q querier, p *auth.Principal, lat, lon, radius float64) ([]*pole.Record, error) {
	dLat := radius / 111320.0
	dLon := radius / (111320.0 * math.Max(math.Cos(lat*math.Pi/180), 0.01))
	// Only the point index in the condition: with the kind there too, the embedded store's planner
	// chose to scan every location.
	rows, err := q.query(ctx, `SELECT id, kind, deleted, lat, lon FROM records WHERE lat IS NOT NULL AND lat >= ? AND lat <= ? AND lon >= ? AND lon <= ?`,
		lat-dLat, lat+dLat, lon-dLon, lon+dLon)
	if err != nil {
		return nil, err
	}
	var ids []string
	for rows.Next() {
		var id, kind string
		var deleted int
		var la, lo float64
		if err := rows.Scan(&id, &kind, &deleted, &la, &lo); err != nil {
			rows.Close()
			return nil, err
		}
		if kind == string(pole.KindLocation) && deleted == 0 && Distance(lat, lon, la, lo) <= radius {
			ids = append(ids, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	recs, err := s.loadVisible(ctx, q, p, ids)
	if err != nil {
		return nil, err
	}
	var out []*pole.Record
	for _, id := range ids {
		if r := recs[id]; r != nil {
			out = append(out, r)
		}
	}
	return out, nil
}

// Distance is the great-circle distance in metres (haversine).
func Distance(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371008.8
	rad := math.Pi / 180
	dLat, dLon := (lat2-lat1)*rad, (lon2-lon1)*rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(a)))
}
