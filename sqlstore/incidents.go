package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/audit"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/hazard"
	"github.com/peel-rms/peel/incident"
	"github.com/peel-rms/peel/pole"
)

// SettingIncidentRules holds the force's repeat-report rules as JSON (default incident.DefaultRules).
const SettingIncidentRules = "incident_rules"

// IncidentRules returns the force's repeat-report matching rules.
func (s *Store) IncidentRules(ctx context.Context) (incident.Rules, error) {
	v, err := s.Setting(ctx, SettingIncidentRules, "")
	if err != nil || v == "" {
		return incident.DefaultRules(), err
	}
	var r incident.Rules
	if err := json.Unmarshal([]byte(v), &r); err != nil {
		return incident.Rules{}, fmt.Errorf("stored incident rules: %w", err)
	}
	return r, nil
}

// PutIncidentRules replaces the force's matching rules.
func (s *Store) PutIncidentRules(ctx context.Context, p *auth.Principal, r incident.Rules) error {
	if err := r.Validate(); err != nil {
		return pole.Invalid("bad incident rules", pole.FieldError{Field: "rules", Message: err.Error()})
	}
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return s.PutSetting(ctx, p, SettingIncidentRules, string(b))
}

// addressAccuracy is how good an address's point is (metres): about the size of a building.
const addressAccuracy = 15

// reach is how far (metres) and how long apart reports of any one incident may be, over all rules.
func reach(r incident.Rules) (float64, time.Duration) {
	radius, window := r.Default.Radius, r.Default.Window
	for _, x := range r.ByCategory {
		radius, window = math.Max(radius, x.Radius), max(window, x.Window)
	}
	return radius, window
}

// Intake stores a report of an incident, matches it against the open incidents, links it to the
// master when it repeats one, and answers the master's hazards. It never refuses a report for
// being a repeat or for its reporter resembling someone.
func (s *Store) Intake(ctx context.Context, p *auth.Principal, in *peel.IntakeReport) (*peel.IntakeResult, error) {
	if err := p.Require(auth.PermWrite); err != nil {
		return nil, err
	}
	rules, err := s.IncidentRules(ctx)
	if err != nil {
		return nil, err
	}
	res := &peel.IntakeResult{}
	var masterID, locID string
	var point *[2]float64
	// The hazards of the place given are read before the write, outside the writer's lock: most
	// reports raise a new incident there, and working them out is most of an intake's work. A
	// hazard written meanwhile is caught by the hazard watch, as any added later is.
	early, earlyPlace := s.earlyHazards(ctx, in.Location)
	// Reports arriving together commit together, each behind its own savepoint (writeBatched).
	err = s.writeBatched(ctx, func(tx *Tx) error {
		if l := tx.s.dialect.IntakeLock; l != "" {
			if _, err := tx.exec(ctx, l); err != nil {
				return err
			}
		}
		vocab, err := tx.vocabulary(ctx)
		if err != nil {
			return err
		}
		w := &writer{tx: tx, p: p, vocab: vocab, source: "intake", keys: map[string]string{}, refs: map[string]string{}}
		// Where.
		loc := in.Location
		switch {
		case loc.ID != "":
			r, err := s.visibleOfKind(ctx, tx, p, loc.ID, pole.KindLocation)
			if err != nil {
				return pole.Invalid("unknown location", pole.FieldError{Field: "location.id", Message: fmt.Sprintf("no location %q", loc.ID)})
			}
			locID = r.ID
			if l := r.Body.(*pole.Location); l.Lat != nil {
				point = &[2]float64{*l.Lat, *l.Lon}
			}
		case loc.Address != nil:
			if _, err := pole.Validate(loc.Address, vocab, tx.now); err != nil {
				var pe *pole.Error
				if ok := asPoleError(err, &pe); ok {
					return pole.Invalid("bad location", prefixFields("location", pe.Fields)...)
				}
				return err
			}
			id, err := w.ensure(ctx, loc.Address)
			if err != nil {
				return err
			}
			locID = id
			if loc.Address.Lat != nil {
				point = &[2]float64{*loc.Address.Lat, *loc.Address.Lon}
			}
		}
		if point == nil && loc.Lat != nil && loc.Lon != nil {
			point = &[2]float64{*loc.Lat, *loc.Lon}
		}
		// The report itself.
		ev := &pole.Event{Type: "incident", Category: in.Category, OccurredAt: in.OccurredAt, ReportedAt: in.ReportedAt, Summary: in.Summary, Status: pole.StatusOpen}
		if ev.ReportedAt == nil {
			ev.ReportedAt = &pole.Moment{T: tx.now}
		}
		if point != nil {
			ev.Lat, ev.Lon = &point[0], &point[1]
		}
		flags, verr := pole.Validate(ev, vocab, tx.now)
		if verr != nil {
			return verr
		}
		if in.Category == "" {
			return pole.Invalid("category is required", pole.FieldError{Field: "category", Message: "is required"})
		}
		rec, _, err := w.upsertNew(ctx, &pole.Input{Kind: pole.KindEvent, Body: ev}, flags)
		if err != nil {
			return err
		}
		res.Record = rec
		// Every link below has the new report or a new reporter as an end, which no stored link
		// can have yet: the natural-key query each would make is skipped (this writer remembers
		// its own links).
		w.skipLinkLookup = true
		if locID != "" {
			if _, err := w.link(ctx, &pole.Link{From: rec.ID, To: locID, Role: "occurred_at", ValidFrom: ev.When()}); err != nil {
				return err
			}
		}
		// Who reported it.
		reporter := in.ReporterID
		if in.Reporter != nil {
			pflags, perr := pole.Validate(in.Reporter.Body, vocab, tx.now)
			if perr != nil {
				var pe *pole.Error
				asPoleError(perr, &pe)
				return pole.Invalid("bad reporter", prefixFields("reporter", pe.Fields)...)
			}
			in.Reporter.Kind = pole.KindPerson
			in.Reporter.Ref = ""
			r, created, err := w.upsertNew(ctx, in.Reporter, pflags)
			if err != nil {
				return err
			}
			w.skipLinkLookup = created
			if err := w.shorthand(ctx, r.ID, in.Reporter.Body); err != nil {
				return err
			}
			w.skipLinkLookup = true
			reporter = r.ID
		} else if reporter != "" {
			if _, err := s.visibleOfKind(ctx, tx, p, reporter, pole.KindPerson); err != nil {
				return pole.Invalid("unknown reporter", pole.FieldError{Field: "reporter.id", Message: fmt.Sprintf("no person %q", reporter)})
			}
		}
		if reporter != "" {
			if _, err := w.link(ctx, &pole.Link{From: reporter, To: rec.ID, Role: "reporter_of"}); err != nil {
				return err
			}
		}
		// Is it a repeat of an open incident?
		rep := incident.Report{ID: rec.ID, Category: in.Category, Summary: in.Summary, LocationID: locID, ReportedAt: ev.ReportedAt.T}
		if when := ev.When(); when != nil {
			rep.OccurredAt = when.T
		}
		if point != nil {
			rep.Lat, rep.Lon, rep.HasPoint = point[0], point[1], true
			rep.Accuracy = in.Location.Accuracy
			if locID != "" && rep.Accuracy == 0 {
				rep.Accuracy = addressAccuracy
			}
		}
		if err := tx.flush(ctx); err != nil {
			return err
		}
		cands, counts, err := s.openCandidates(ctx, tx, rules, rep)
		if err != nil {
			return err
		}
		best, ok := rules.Match(rep, cands)
		// The master's state after this report: a repeat merges into the incident it repeats.
		state, reports, isNew := rep, 1, true
		if ok {
			masterID = best.Incident.ID
			if _, err := w.link(ctx, &pole.Link{From: rec.ID, To: masterID, Role: "report_of"}); err != nil {
				return err
			}
			reports = counts[masterID] + 1
			state, isNew = incident.Merge(best.Incident, counts[masterID], rep), false
			res.DuplicateOf, res.ReportCount, res.Reasons = &masterID, reports, best.Reasons
		} else {
			masterID = rec.ID
			res.ReportCount = 1
		}
		// The master's hazards, from the place its state gives: everything, for the alert; the
		// caller's share for the answer. A new incident's own events are the report alone.
		mloc, mpoint := reportPlace(state)
		own := map[string]bool{rec.ID: true}
		if !isNew {
			if own, err = s.incidentEvents(ctx, tx, masterID); err != nil {
				return err
			}
			own[rec.ID] = true
		}
		var all []accessHazard
		if earlyPlace != "" && earlyPlace == placeKey(mloc, mpoint) {
			for _, h := range early {
				if !own[h.Record.ID] {
					all = append(all, h)
				}
			}
		} else if all, err = s.placeHazards(ctx, tx, auth.System("alerts"), mloc, mpoint, tx.now, own); err != nil {
			return err
		}
		keys := hazardKeys(all)
		if err := tx.putMaster(ctx, state, reports, true, isNew, &keys); err != nil {
			return err
		}
		if res.DuplicateOf == nil && len(all) > 0 {
			a, err := s.alertFor(ctx, tx, masterID, in.Category, mloc, mpoint, all, nil, "raised")
			if err != nil {
				return err
			}
			tx.alert(a)
		}
		res.Hazards = []hazard.Hazard{}
		for _, h := range all {
			if canSeeRaw(p, h.access) {
				res.Hazards = append(res.Hazards, h.Hazard)
			}
		}
		// What the report wrote bears on the hazards of other open incidents only through the
		// event at its location, and only when violence or abuse makes that a hazard there. The
		// reporter is new and linked to nothing but the report and the addresses given for them,
		// where their markers may be hazards.
		watched := []string{}
		if locID != "" && hazard.DefaultRules().PlaceEvent(in.Category) {
			watched = append(watched, locID)
		}
		if in.Reporter != nil {
			if pp, ok := in.Reporter.Body.(*pole.Person); ok && len(pp.Addresses) > 0 {
				watched = append(watched, reporter)
			}
		}
		tx.watched = &watched
		detail := "new incident"
		if res.DuplicateOf != nil {
			detail = "report " + fmt.Sprint(res.ReportCount) + " of " + masterID
		}
		tx.audit(p, audit.ActionCreate, append([]string{rec.ID}, w.touched...), "incident intake: "+detail)
		return nil
	})
	if err != nil {
		return nil, err
	}
	res.Record, err = s.loadRecord(ctx, &reader{s: s, db: s.r}, res.Record.ID)
	return res, err
}

// earlyHazards are the hazards of a report's place when it is a location record or a point, with
// the place's key; "" when the place is an address still to be resolved, or cannot be read.
func (s *Store) earlyHazards(ctx context.Context, loc peel.IntakeLocation) ([]accessHazard, string) {
	var id string
	var pt *[2]float64
	switch {
	case loc.ID != "":
		id = loc.ID
	case loc.Address == nil && loc.Lat != nil && loc.Lon != nil:
		pt = &[2]float64{*loc.Lat, *loc.Lon}
	default:
		return nil, ""
	}
	hs, err := s.placeHazards(ctx, &reader{s: s, db: s.r}, auth.System("alerts"), id, pt, s.Now(), nil)
	if err != nil {
		return nil, "" // worked out in the write, which says what is wrong
	}
	return hs, placeKey(id, pt)
}

// placeKey names where an incident is for hazards: its location record, else its point.
func placeKey(loc string, pt *[2]float64) string {
	switch {
	case loc != "":
		return "L" + loc
	case pt != nil:
		return fmt.Sprintf("P%v,%v", pt[0], pt[1])
	}
	return ""
}

func asPoleError(err error, pe **pole.Error) bool {
	e, ok := err.(*pole.Error)
	if ok {
		*pe = e
	} else {
		*pe = &pole.Error{Message: err.Error()}
	}
	return ok
}

// openCandidates loads the open incidents that could match rep: near its point in space and time,
// or at its location record, with each one's count of reports.
func (s *Store) openCandidates(ctx context.Context, q querier, rules incident.Rules, rep incident.Report) ([]incident.Report, map[string]int, error) {
	radius, window := reach(rules)
	var parts []string
	var args []any
	// Near in space and time as the matcher reaches for this report's category (Rules.Reach):
	// with every incident kept open, a generous box held thousands of a busy town's incidents
	// and the candidate limit could cut the right one.
	near, from, to, bounded := rules.Reach(rep)
	if bounded {
		radius = near
	}
	// Generous in time otherwise: a busy address may have many open incidents, most of them far
	// off in time.
	when := func(cond string, tight bool) string {
		switch {
		case tight:
			args = append(args, micros(from), micros(to))
		case !rep.OccurredAt.IsZero():
			args = append(args, micros(rep.OccurredAt.Add(-4*window)), micros(rep.OccurredAt.Add(4*window)))
		default:
			return cond
		}
		return cond + ` AND (t_until IS NULL OR t_until >= ?) AND (t_from IS NULL OR t_from <= ?)`
	}
	if rep.HasPoint {
		dLat := radius / 111320.0
		dLon := radius / (111320.0 * math.Max(math.Cos(rep.Lat*math.Pi/180), 0.01))
		args = append(args, rep.Lat-dLat, rep.Lat+dLat, rep.Lon-dLon, rep.Lon+dLon)
		parts = append(parts, `SELECT id, state, reports FROM incident_masters WHERE `+when(`open = 1 AND lat >= ? AND lat <= ? AND lon >= ? AND lon <= ?`, bounded))
	}
	if rep.LocationID != "" {
		args = append(args, rep.LocationID)
		parts = append(parts, `SELECT id, state, reports FROM incident_masters WHERE `+when(`location_id = ? AND open = 1`, false))
	}
	// Incidents quoting the same identifiers match wherever they were reported from.
	if ids := incident.Identifiers(rep.Summary); len(ids) > 0 {
		for _, id := range ids {
			args = append(args, id)
		}
		parts = append(parts, `SELECT m.id, m.state, m.reports FROM incident_identifiers i JOIN incident_masters m ON m.id = i.master_id WHERE i.ident IN (`+inList(len(ids))+`) AND m.open = 1`)
	}
	if len(parts) == 0 {
		return nil, nil, nil
	}
	rows, err := q.query(ctx, strings.Join(parts, " UNION ")+" LIMIT 2000", args...)
	if err != nil {
		return nil, nil, fmt.Errorf("open incidents: %w", err)
	}
	defer rows.Close()
	var out []incident.Report
	counts := map[string]int{}
	for rows.Next() {
		var id, state string
		var n int
		if err := rows.Scan(&id, &state, &n); err != nil {
			return nil, nil, err
		}
		var r incident.Report
		if err := json.Unmarshal([]byte(state), &r); err != nil {
			return nil, nil, fmt.Errorf("incident %s state: %w", id, err)
		}
		r.ID = id
		out = append(out, r)
		counts[id] = n
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, counts, rows.Err()
}

// putMaster writes an open incident's matching state, and its hazard keys when hazardKeys is not
// nil (a new incident without them has none yet).
func (tx *Tx) putMaster(ctx context.Context, r incident.Report, reports int, open, isNew bool, hazardKeys *string) error {
	state, err := json.Marshal(r)
	if err != nil {
		return err
	}
	var lat, lon, from, until any
	if r.HasPoint {
		lat, lon = r.Lat, r.Lon
	}
	if !r.OccurredAt.IsZero() {
		from, until = micros(r.OccurredAt), micros(r.OccurredAt)
	}
	switch {
	case isNew:
		keys := ""
		if hazardKeys != nil {
			keys = *hazardKeys
		}
		_, err = tx.exec(ctx, `INSERT INTO incident_masters (id, open, state, lat, lon, t_from, t_until, location_id, reports, hazard_keys) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ID, boolInt(open), string(state), lat, lon, from, until, nullString(r.LocationID), reports, keys)
	case hazardKeys != nil:
		_, err = tx.exec(ctx, `UPDATE incident_masters SET open = ?, state = ?, lat = ?, lon = ?, t_from = ?, t_until = ?, location_id = ?, reports = ?, hazard_keys = ? WHERE id = ?`,
			boolInt(open), string(state), lat, lon, from, until, nullString(r.LocationID), reports, *hazardKeys, r.ID)
	default:
		_, err = tx.exec(ctx, `UPDATE incident_masters SET open = ?, state = ?, lat = ?, lon = ?, t_from = ?, t_until = ?, location_id = ?, reports = ? WHERE id = ?`,
			boolInt(open), string(state), lat, lon, from, until, nullString(r.LocationID), reports, r.ID)
	}
	if err == nil && !isNew {
		_, err = tx.exec(ctx, `DELETE FROM incident_identifiers WHERE master_id = ?`, r.ID)
	}
	if err != nil {
		return fmt.Errorf("incident state: %w", err)
	}
	for _, id := range incident.Identifiers(r.Summary) {
		if _, err := tx.exec(ctx, `INSERT INTO incident_identifiers (ident, master_id) VALUES (?, ?)`, id, r.ID); err != nil {
			return fmt.Errorf("incident identifiers: %w", err)
		}
	}
	tx.changes = append(tx.changes, peel.Change{Kind: "incident", ID: r.ID})
	return nil
}

// reportPlace is where an incident is for hazards, from its matching state as putMaster stores
// it: its location record, else its point.
func reportPlace(r incident.Report) (string, *[2]float64) {
	if r.HasPoint {
		return r.LocationID, &[2]float64{r.Lat, r.Lon}
	}
	return r.LocationID, nil
}

// accessHazard is a hazard with the raw access of the record it names.
type accessHazard struct {
	hazard.Hazard
	access string
}

// placeHazards are the hazards of a location record, or of the addresses near a point, with
// each named record's access so callers can filter them.
func (s *Store) placeHazards(ctx context.Context, q querier, p *auth.Principal, locID string, pt *[2]float64, asOf time.Time, exclude map[string]bool) ([]accessHazard, error) {
	var locs []*pole.Record
	if locID != "" {
		r, err := s.loadRecord(ctx, q, locID)
		if err != nil {
			return nil, err
		}
		locs = append(locs, r)
	} else if pt != nil {
		near, err := s.locationsNear(ctx, q, p, pt[0], pt[1], PointRadius)
		if err != nil {
			return nil, err
		}
		locs = near
	}
	var out []accessHazard
	var ids []string
	for _, loc := range locs {
		hs, err := s.hazardsOf(ctx, q, p, loc, asOf)
		if err != nil {
			return nil, err
		}
		for _, h := range hs {
			if exclude[h.Record.ID] {
				continue
			}
			if locID == "" {
				h.Location = loc.ID
			}
			out = append(out, accessHazard{Hazard: h})
			ids = append(ids, h.Record.ID)
		}
	}
	// Look up the access of each named record once.
	recs, err := loadRecords(ctx, q, s.dialect.MaxParams, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if r := recs[out[i].Record.ID]; r != nil && r.Access != nil {
			b, _ := json.Marshal(r.Access)
			out[i].access = string(b)
		}
	}
	return out, nil
}

func hazardKey(h hazard.Hazard) string { return h.Type + "|" + h.Code + "|" + h.Record.ID }

// hazardKeys is what an incident stores of the hazards it has alerted on, to tell new ones later.
func hazardKeys(hs []accessHazard) string {
	keys := make([]string, len(hs))
	for i, h := range hs {
		keys[i] = hazardKey(h.Hazard)
	}
	sort.Strings(keys)
	return strings.Join(keys, "\n")
}

func (tx *Tx) setHazardKeys(ctx context.Context, id string, hs []accessHazard) error {
	_, err := tx.exec(ctx, `UPDATE incident_masters SET hazard_keys = ? WHERE id = ?`, hazardKeys(hs), id)
	return err
}

// alertFor builds an alert about an incident's hazards; isNew marks hazards not alerted before.
func (s *Store) alertFor(ctx context.Context, q querier, incidentID, category, locID string, pt *[2]float64, hs []accessHazard, before map[string]bool, reason string) (*peel.Alert, error) {
	a := &peel.Alert{Incident: peel.AlertIncident{ID: incidentID, Category: category}, Reason: reason}
	a.Incident.Location.Refs = []pole.Ref{}
	if locID != "" {
		r, err := s.loadRecord(ctx, q, locID)
		if err != nil {
			return nil, err
		}
		a.Incident.Location.ID = r.ID
		if r.Refs != nil {
			a.Incident.Location.Refs = r.Refs
		}
		if l := r.Body.(*pole.Location); l.Lat != nil {
			a.Incident.Location.Lat, a.Incident.Location.Lon = l.Lat, l.Lon
		}
	}
	if a.Incident.Location.Lat == nil && pt != nil {
		lat, lon := pt[0], pt[1]
		a.Incident.Location.Lat, a.Incident.Location.Lon = &lat, &lon
	}
	for _, h := range hs {
		ah := peel.AlertHazard{Hazard: h.Hazard, New: before != nil && !before[hazardKey(h.Hazard)]}
		if h.access != "" {
			ah.Access = &pole.Access{}
			_ = json.Unmarshal([]byte(h.access), ah.Access)
		}
		a.Hazards = append(a.Hazards, ah)
	}
	return a, nil
}

// masterOf is the master incident of an event: itself when it is a master, else the incident it
// is a report of.
func (s *Store) masterOf(ctx context.Context, q querier, id string) (string, error) {
	var master string
	err := q.queryRow(ctx, `SELECT to_id FROM links WHERE from_id = ? AND role = 'report_of' AND deleted = 0`, id).Scan(&master)
	if isNoRows(err) {
		return id, nil
	}
	return master, err
}

// Incident reads an incident with all its reports (a report's id gives its master incident).
func (s *Store) Incident(ctx context.Context, p *auth.Principal, id string) (*peel.Incident, error) {
	if err := p.Require(auth.PermRead); err != nil {
		return nil, err
	}
	rd := &reader{s: s, db: s.r}
	inc, err := s.incident(ctx, rd, p, id)
	if err != nil {
		return nil, err
	}
	ids := []string{inc.Record.ID}
	for _, r := range inc.Reports {
		ids = append(ids, r.ID)
	}
	return inc, s.Consult(ctx, p, audit.ActionView, uniq(ids), "incident")
}

func (s *Store) incident(ctx context.Context, q querier, p *auth.Principal, id string) (*peel.Incident, error) {
	if _, err := s.visibleOfKind(ctx, q, p, id, pole.KindEvent); err != nil {
		return nil, err
	}
	mid, err := s.masterOf(ctx, q, id)
	if err != nil {
		return nil, err
	}
	master, err := s.visibleOfKind(ctx, q, p, mid, pole.KindEvent)
	if err != nil {
		return nil, err
	}
	reports, err := s.liveLinks(ctx, q, "to_id", []string{mid}, []string{"report_of"})
	if err != nil {
		return nil, err
	}
	var rids []string
	for _, l := range reports {
		rids = append(rids, l.From)
	}
	recs, err := s.loadVisible(ctx, q, p, rids)
	if err != nil {
		return nil, err
	}
	inc := &peel.Incident{Record: master, Reports: []*pole.Record{master}, Open: master.Body.(*pole.Event).Open()}
	for _, rid := range rids {
		if r := recs[rid]; r != nil {
			inc.Reports = append(inc.Reports, r)
		}
	}
	sort.SliceStable(inc.Reports[1:], func(i, j int) bool {
		a, b := inc.Reports[1+i].Body.(*pole.Event).ReportedAt, inc.Reports[1+j].Body.(*pole.Event).ReportedAt
		return a != nil && b != nil && a.T.Before(b.T)
	})
	inc.ReportCount = 1 + len(rids)
	locs, err := s.liveLinks(ctx, q, "from_id", []string{mid}, []string{"occurred_at"})
	if err != nil {
		return nil, err
	}
	if len(locs) > 0 {
		if l, err := s.visible(ctx, q, p, locs[0].To); err == nil {
			b := brief(l)
			inc.Location = &b
		}
	}
	return inc, nil
}

// OpenIncidents lists the open incidents, newest first, with their report counts and hazards.
func (s *Store) OpenIncidents(ctx context.Context, p *auth.Principal, limit int) ([]peel.OpenIncident, error) {
	if err := p.Require(auth.PermRead); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rd := &reader{s: s, db: s.r}
	rows, err := rd.query(ctx, `SELECT m.id FROM incident_masters m JOIN records r ON r.id = m.id WHERE m.open = 1 ORDER BY r.occurred_at DESC, m.id LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	out := []peel.OpenIncident{}
	var consulted []string
	for _, id := range ids {
		inc, err := s.incident(ctx, rd, p, id)
		if pole.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		var mloc string
		var mpt *[2]float64
		var loc sql.NullString
		var lat, lon sql.NullFloat64
		if err := rd.queryRow(ctx, `SELECT location_id, lat, lon FROM incident_masters WHERE id = ?`, id).Scan(&loc, &lat, &lon); err != nil {
			return nil, err
		}
		mloc = loc.String
		if lat.Valid {
			mpt = &[2]float64{lat.Float64, lon.Float64}
		}
		own, err := s.incidentEvents(ctx, rd, id)
		if err != nil {
			return nil, err
		}
		hs, err := s.placeHazards(ctx, rd, p, mloc, mpt, s.Now(), own)
		if err != nil {
			return nil, err
		}
		oi := peel.OpenIncident{Incident: *inc, Hazards: []hazard.Hazard{}}
		for _, h := range hs {
			oi.Hazards = append(oi.Hazards, h.Hazard)
		}
		out = append(out, oi)
		consulted = append(consulted, id)
	}
	if len(consulted) > 0 {
		if err := s.Consult(ctx, p, audit.ActionQuery, consulted, "open incidents"); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// reportState reads an event as matching sees it.
func reportState(r *pole.Record, locID string) incident.Report {
	ev := r.Body.(*pole.Event)
	rep := incident.Report{ID: r.ID, Category: ev.Category, Summary: ev.Summary, LocationID: locID}
	if w := ev.When(); w != nil {
		rep.OccurredAt = w.T
	}
	if ev.ReportedAt != nil {
		rep.ReportedAt = ev.ReportedAt.T
	}
	if ev.Lat != nil {
		rep.Lat, rep.Lon, rep.HasPoint = *ev.Lat, *ev.Lon, true
	}
	return rep
}

// rebuildMaster recomputes an incident's matching state from its reports.
func (s *Store) rebuildMaster(ctx context.Context, tx *Tx, id string, isNew bool) error {
	inc, err := s.incident(ctx, tx, auth.System("incidents"), id)
	if err != nil {
		return err
	}
	locOf := func(eid string) string {
		var loc string
		_ = tx.queryRow(ctx, `SELECT to_id FROM links WHERE from_id = ? AND role = 'occurred_at' AND deleted = 0`, eid).Scan(&loc)
		return loc
	}
	state := reportState(inc.Reports[0], locOf(inc.Reports[0].ID))
	for i, r := range inc.Reports[1:] {
		state = incident.Merge(state, i+1, reportState(r, locOf(r.ID)))
	}
	return tx.putMaster(ctx, state, inc.ReportCount, inc.Open, isNew, nil)
}

// SplitIncident makes a report of an incident an incident of its own.
func (s *Store) SplitIncident(ctx context.Context, p *auth.Principal, incidentID, reportID string) (*peel.Incident, error) {
	if err := p.Require(auth.PermWrite); err != nil {
		return nil, err
	}
	err := s.write(ctx, func(tx *Tx) error {
		if _, err := s.visibleOfKind(ctx, tx, p, reportID, pole.KindEvent); err != nil {
			return pole.Invalid("unknown report", pole.FieldError{Field: "report", Message: fmt.Sprintf("no report %q", reportID)})
		}
		var linkID string
		err := tx.queryRow(ctx, `SELECT id FROM links WHERE from_id = ? AND to_id = ? AND role = 'report_of' AND deleted = 0`, reportID, incidentID).Scan(&linkID)
		if isNoRows(err) {
			return pole.Invalid("not a report of this incident", pole.FieldError{Field: "report", Message: fmt.Sprintf("%q is not a report of incident %q", reportID, incidentID)})
		}
		if err != nil {
			return err
		}
		l, err := s.loadLink(ctx, tx, linkID)
		if err != nil {
			return err
		}
		oldLink := *l
		l.Version++
		l.UpdatedAt, l.Deleted = tx.now, true
		if err := tx.putLink(ctx, l, p.Username, &oldLink); err != nil {
			return err
		}
		if err := tx.flush(ctx); err != nil {
			return err
		}
		if err := s.rebuildMaster(ctx, tx, incidentID, false); err != nil {
			return err
		}
		var exists int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM incident_masters WHERE id = ?`, reportID).Scan(&exists); err != nil {
			return err
		}
		if err := s.rebuildMaster(ctx, tx, reportID, exists == 0); err != nil {
			return err
		}
		tx.audit(p, audit.ActionUnlink, []string{incidentID, reportID, linkID}, "report split into an incident of its own")
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.Incident(ctx, p, incidentID)
}

// JoinIncidents makes another incident, and its reports, reports of this one.
func (s *Store) JoinIncidents(ctx context.Context, p *auth.Principal, incidentID, otherID string) (*peel.Incident, error) {
	if err := p.Require(auth.PermWrite); err != nil {
		return nil, err
	}
	if incidentID == otherID {
		return nil, pole.Invalid("an incident cannot join itself", pole.FieldError{Field: "incident", Message: "is this incident"})
	}
	err := s.write(ctx, func(tx *Tx) error {
		target, err := s.incident(ctx, tx, p, incidentID)
		if err != nil {
			return err
		}
		if target.Record.ID != incidentID {
			return pole.Invalid("not an incident", pole.FieldError{Field: "id", Message: "this is a report; join into its incident " + target.Record.ID})
		}
		other, err := s.incident(ctx, tx, p, otherID)
		if err != nil {
			return pole.Invalid("unknown incident", pole.FieldError{Field: "incident", Message: fmt.Sprintf("no incident %q", otherID)})
		}
		if other.Record.ID != otherID {
			return pole.Invalid("not an incident", pole.FieldError{Field: "incident", Message: "this is a report of " + other.Record.ID})
		}
		w := &writer{tx: tx, p: p}
		// Reports of the other incident move across; the other incident becomes a report.
		old, err := s.liveLinks(ctx, tx, "to_id", []string{otherID}, []string{"report_of"})
		if err != nil {
			return err
		}
		for _, l := range old {
			oldLink := *l
			l.Version++
			l.UpdatedAt, l.Deleted = tx.now, true
			if err := tx.putLink(ctx, l, p.Username, &oldLink); err != nil {
				return err
			}
			if _, err := w.link(ctx, &pole.Link{From: l.From, To: incidentID, Role: "report_of"}); err != nil {
				return err
			}
		}
		if _, err := w.link(ctx, &pole.Link{From: otherID, To: incidentID, Role: "report_of"}); err != nil {
			return err
		}
		if err := tx.flush(ctx); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM incident_identifiers WHERE master_id = ?`, otherID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM incident_masters WHERE id = ?`, otherID); err != nil {
			return err
		}
		if err := s.rebuildMaster(ctx, tx, incidentID, false); err != nil {
			return err
		}
		tx.audit(p, audit.ActionLink, []string{incidentID, otherID}, "incident joined with its reports")
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.Incident(ctx, p, incidentID)
}

// incidentEvents are an incident's own events (the master and its reports): an incident is not a
// hazard of its own place.
func (s *Store) incidentEvents(ctx context.Context, q querier, masterID string) (map[string]bool, error) {
	ls, err := s.liveLinks(ctx, q, "to_id", []string{masterID}, []string{"report_of"})
	if err != nil {
		return nil, err
	}
	out := map[string]bool{masterID: true}
	for _, l := range ls {
		out[l.From] = true
	}
	return out, nil
}
