package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/audit"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
	"github.com/peel-rms/peel/ukref"
)

// visibleOfKind loads a live record of the kind the principal may see.
func (s *Store) visibleOfKind(ctx context.Context, q querier, p *auth.Principal, id string, kind pole.Kind) (*pole.Record, error) {
	r, err := s.visible(ctx, q, p, id)
	if err != nil {
		return nil, err
	}
	if r.Kind != kind {
		return nil, pole.NotFound(string(kind), id)
	}
	return r, nil
}

func brief(r *pole.Record) peel.Brief {
	b := peel.Brief{ID: r.ID, Kind: r.Kind, Refs: r.Refs, Label: r.Label()}
	if b.Refs == nil {
		b.Refs = []pole.Ref{}
	}
	switch x := r.Body.(type) {
	case *pole.Person:
		b.Name = x.FullName()
	case *pole.Telephone:
		b.Number = x.Number
	}
	return b
}

// Contacts answers "which numbers did telephone T call or text in the window, how often, first
// and last, and who is linked to each number". Numbers whose telephone record the principal may
// not see are left out, as are people it may not see.
func (s *Store) Contacts(ctx context.Context, p *auth.Principal, telID string, q peel.Query) ([]peel.Contact, error) {
	if err := p.Require(auth.PermRead); err != nil {
		return nil, err
	}
	rd := &reader{s: s, db: s.r}
	t, err := s.visibleOfKind(ctx, rd, p, telID, pole.KindTelephone)
	if err != nil {
		return nil, err
	}
	w := q.Window()
	rows, err := rd.query(ctx, `SELECT to_number, COUNT(*), MIN(start), MAX(start) FROM calls
		WHERE from_number = ? AND start >= ? AND start <= ? GROUP BY to_number`,
		t.Body.(*pole.Telephone).Number, micros(w.From), micros(w.To))
	if err != nil {
		return nil, fmt.Errorf("contacts: %w", err)
	}
	out, err := s.contactsFrom(ctx, rd, p, rows, w)
	if err != nil {
		return nil, err
	}
	consulted := []string{t.ID}
	for _, c := range out {
		consulted = append(consulted, c.Telephone.ID)
		for _, pr := range c.Persons {
			consulted = append(consulted, pr.ID)
		}
	}
	if err := s.Consult(ctx, p, audit.ActionQuery, consulted, "contacts of "+t.ID+" within "+q.Within.String()); err != nil {
		return nil, err
	}
	return out, nil
}

// recordsByKey loads the live records holding the exact keys, keyed by key.
func (s *Store) recordsByKey(ctx context.Context, q querier, keys []string) (map[string]*pole.Record, error) {
	ids := map[string]string{}
	for len(keys) > 0 {
		n := min(len(keys), 500)
		args := make([]any, n)
		for i, k := range keys[:n] {
			args[i] = k
		}
		keys = keys[n:]
		rows, err := q.query(ctx, `SELECT key, record_id FROM record_keys WHERE key IN (`+inList(n)+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var k, id string
			if err := rows.Scan(&k, &id); err != nil {
				rows.Close()
				return nil, err
			}
			ids[k] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	var list []string
	for _, id := range ids {
		list = append(list, id)
	}
	recs, err := loadRecords(ctx, q, s.dialect.MaxParams, list)
	if err != nil {
		return nil, err
	}
	out := map[string]*pole.Record{}
	for k, id := range ids {
		if r := recs[id]; r != nil && !r.Deleted && r.MergedInto == "" {
			out[k] = r
		}
	}
	return out, nil
}

// linkedFrom returns, for each target id, the live records linked to it by one of the roles
// (as the link's from end) with a link valid at some time in the window.
func (s *Store) linkedFrom(ctx context.Context, q querier, targets []string, roles []string, w pole.Window) (map[string][]*pole.Record, error) {
	out := map[string][]*pole.Record{}
	if len(targets) == 0 {
		return out, nil
	}
	byTarget := map[string][]string{}
	var froms []string
	for len(targets) > 0 {
		n := min(len(targets), 400)
		args := []any{}
		for _, t := range targets[:n] {
			args = append(args, t)
		}
		for _, r := range roles {
			args = append(args, r)
		}
		args = append(args, micros(w.To), micros(w.From))
		rows, err := q.query(ctx, `SELECT from_id, to_id FROM links WHERE to_id IN (`+inList(n)+`) AND role IN (`+inList(len(roles))+`)
			AND deleted = 0 AND (valid_from IS NULL OR valid_from <= ?) AND (valid_to IS NULL OR valid_to > ?)`, args...)
		targets = targets[n:]
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var from, to string
			if err := rows.Scan(&from, &to); err != nil {
				rows.Close()
				return nil, err
			}
			byTarget[to] = append(byTarget[to], from)
			froms = append(froms, from)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	recs, err := loadRecords(ctx, q, s.dialect.MaxParams, froms)
	if err != nil {
		return nil, err
	}
	for t, fs := range byTarget {
		for _, f := range uniq(fs) {
			if r := recs[f]; r != nil && !r.Deleted && r.MergedInto == "" {
				out[t] = append(out[t], r)
			}
		}
		slices.SortFunc(out[t], func(a, b *pole.Record) int { return strings.Compare(a.ID, b.ID) })
	}
	return out, nil
}

// LocationEvents answers "which events of these types occurred in the window at a location person P
// was associated with (resides_at, previously_resided_at, works_at, frequents, associated_with) when
// the event occurred".
func (s *Store) LocationEvents(ctx context.Context, p *auth.Principal, personID string, q peel.Query) ([]peel.LocationEvent, error) {
	if err := p.Require(auth.PermRead); err != nil {
		return nil, err
	}
	rd := &reader{s: s, db: s.r}
	person, err := s.visibleOfKind(ctx, rd, p, personID, pole.KindPerson)
	if err != nil {
		return nil, err
	}
	w := q.Window()
	// The person's associations with places, with their validity.
	args := []any{person.ID}
	for _, r := range ukref.LocationRoles {
		args = append(args, r)
	}
	rows, err := rd.query(ctx, `SELECT `+linkCols+` FROM links WHERE from_id = ? AND role IN (`+inList(len(ukref.LocationRoles))+`) AND deleted = 0`, args...)
	if err != nil {
		return nil, err
	}
	assoc := map[string][]*pole.Link{}
	var locs []string
	for rows.Next() {
		l, err := scanLink(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		if l.ValidTo != nil && l.ValidTo.T.Before(w.From) || l.ValidFrom != nil && l.ValidFrom.T.After(w.To) {
			continue // never valid in the window
		}
		if len(assoc[l.To]) == 0 {
			locs = append(locs, l.To)
		}
		assoc[l.To] = append(assoc[l.To], l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	locRecs, err := loadRecords(ctx, rd, s.dialect.MaxParams, locs)
	if err != nil {
		return nil, err
	}
	var visibleLocs []string
	for _, id := range locs {
		if r := locRecs[id]; r != nil && !r.Deleted && p.CanSee(r.Access) {
			visibleLocs = append(visibleLocs, id)
		}
	}
	evs, err := s.eventsLinked(ctx, rd, visibleLocs, "occurred_at", false, q.Types, w)
	if err != nil {
		return nil, err
	}
	out := []peel.LocationEvent{}
	consulted := []string{person.ID}
	for _, el := range evs {
		if !p.CanSee(el.event.Access) {
			continue
		}
		when := el.event.Body.(*pole.Event).When().T
		var via string
		for _, l := range assoc[el.other] {
			if l.Valid(when) {
				via = l.Role
				break
			}
		}
		if via == "" {
			continue // the person was not associated with the place when it happened
		}
		loc := locRecs[el.other]
		b := brief(loc)
		out = append(out, peel.LocationEvent{Event: el.event, Location: peel.Brief{ID: b.ID, Refs: b.Refs}, Via: via})
		consulted = append(consulted, el.event.ID, loc.ID)
	}
	sort.SliceStable(out, func(i, j int) bool {
		return out[i].Event.Body.(*pole.Event).When().T.After(out[j].Event.Body.(*pole.Event).When().T)
	})
	if err := s.Consult(ctx, p, audit.ActionQuery, uniq(consulted), "location events of "+person.ID+" within "+q.Within.String()); err != nil {
		return nil, err
	}
	return out, nil
}

type linkedEvent struct {
	event *pole.Record
	other string // the record at the other end of the link
}

// eventsLinked finds live events of the types, occurring in the window, linked by role to any of
// ids: as the link's from end (event -> id), or either end when eitherWay is set.
func (s *Store) eventsLinked(ctx context.Context, q querier, ids []string, role string, eitherWay bool, types []string, w pole.Window) ([]linkedEvent, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	// Links first, by their indexes; then the events by id, filtered here. Joining in SQL let the
	// embedded store's planner start from every event of the window instead of from the links.
	ls, err := s.liveLinks(ctx, q, "to_id", ids, []string{role})
	if err != nil {
		return nil, err
	}
	if eitherWay {
		more, err := s.liveLinks(ctx, q, "from_id", ids, []string{role})
		if err != nil {
			return nil, err
		}
		ls = append(ls, more...)
	}
	asked := map[string]bool{}
	for _, id := range ids {
		asked[id] = true
	}
	var evIDs []string
	var pairs [][2]string
	for _, l := range ls {
		ev, other := l.From, l.To
		if !asked[other] || (eitherWay && asked[l.From] && !asked[l.To]) {
			ev, other = l.To, l.From
		}
		if !asked[other] {
			continue
		}
		pairs = append(pairs, [2]string{ev, other})
		evIDs = append(evIDs, ev)
	}
	recs, err := loadRecords(ctx, q, s.dialect.MaxParams, evIDs)
	if err != nil {
		return nil, err
	}
	var out []linkedEvent
	seen := map[[2]string]bool{}
	for _, pr := range pairs {
		r := recs[pr[0]]
		if r == nil || r.Kind != pole.KindEvent || r.Deleted || r.MergedInto != "" || seen[pr] {
			continue
		}
		ev := r.Body.(*pole.Event)
		when := ev.When()
		if when == nil || !w.Contains(when.T) || (len(types) > 0 && !slices.Contains(types, ev.Type)) {
			continue
		}
		seen[pr] = true
		out = append(out, linkedEvent{event: r, other: pr[1]})
	}
	return out, nil
}

// VehicleEvents answers "which events of these types, linked to vehicle V by involves (either
// direction), occurred in the window".
func (s *Store) VehicleEvents(ctx context.Context, p *auth.Principal, vehicleID string, q peel.Query) ([]*pole.Record, error) {
	if err := p.Require(auth.PermRead); err != nil {
		return nil, err
	}
	rd := &reader{s: s, db: s.r}
	v, err := s.visibleOfKind(ctx, rd, p, vehicleID, pole.KindVehicle)
	if err != nil {
		return nil, err
	}
	evs, err := s.eventsLinked(ctx, rd, []string{v.ID}, "involves", true, q.Types, q.Window())
	if err != nil {
		return nil, err
	}
	out := []*pole.Record{}
	seen := map[string]bool{}
	consulted := []string{v.ID}
	for _, el := range evs {
		if seen[el.event.ID] || !p.CanSee(el.event.Access) {
			continue
		}
		seen[el.event.ID] = true
		out = append(out, el.event)
		consulted = append(consulted, el.event.ID)
	}
	sort.SliceStable(out, func(i, j int) bool {
		return out[i].Body.(*pole.Event).When().T.After(out[j].Body.(*pole.Event).When().T)
	})
	if err := s.Consult(ctx, p, audit.ActionQuery, consulted, "events of vehicle "+v.ID+" within "+q.Within.String()); err != nil {
		return nil, err
	}
	return out, nil
}
