package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"time"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/auth"
)

// hazardWatch notices writes that may add a hazard where an incident is open (a marker set on a
// resident, a firearm stored at the address, a violent crime recorded there...) and raises an alert
// with the new hazards. It runs after commit, off the writer's path, in whichever process wrote.
type hazardWatch struct {
	mu      sync.Mutex
	pending map[string]bool
	wake    chan struct{}
}

func (s *Store) startWatch() {
	s.watch = &hazardWatch{pending: map[string]bool{}, wake: make(chan struct{}, 1)}
	s.Background(func(ctx context.Context) {
		for {
			select {
			case <-ctx.Done():
				s.watchOnce(context.Background()) // finish what was noticed before closing
				return
			case <-s.watch.wake:
				s.watchOnce(ctx)
			}
		}
	})
}

// noteChanges records the records touched by a committed write.
func (s *Store) noteChanges(cs []peel.Change, linkEnds []string) {
	if s.watch == nil {
		return
	}
	s.watch.mu.Lock()
	n := 0
	for _, c := range cs {
		if c.Kind == "record" && c.ID != "" {
			s.watch.pending[c.ID] = true
			n++
		}
	}
	for _, id := range linkEnds {
		s.watch.pending[id] = true
		n++
	}
	s.watch.mu.Unlock()
	if n > 0 {
		select {
		case s.watch.wake <- struct{}{}:
		default:
		}
	}
}

// WaitWatch waits until the hazard watch has nothing pending (tests and the CLI use it).
func (s *Store) WaitWatch(ctx context.Context) {
	for ctx.Err() == nil {
		s.watch.mu.Lock()
		n := len(s.watch.pending)
		s.watch.mu.Unlock()
		if n == 0 && !s.watchBusy.Load() {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (s *Store) watchOnce(ctx context.Context) {
	s.watchBusy.Store(true)
	defer s.watchBusy.Store(false)
	s.watch.mu.Lock()
	touched := make([]string, 0, len(s.watch.pending))
	for id := range s.watch.pending {
		touched = append(touched, id)
	}
	s.watch.pending = map[string]bool{}
	s.watch.mu.Unlock()
	if len(touched) == 0 {
		return
	}
	if err := s.checkOpenIncidents(ctx, touched); err != nil && ctx.Err() == nil {
		s.log.Error("hazard watch", "err", err)
	}
}

// checkOpenIncidents re-evaluates the hazards of open incidents whose place is within reach of the
// touched records, and alerts on hazards not alerted before.
func (s *Store) checkOpenIncidents(ctx context.Context, touched []string) error {
	rd := &reader{s: s, db: s.r}
	var open int
	if err := rd.queryRow(ctx, `SELECT COUNT(*) FROM incident_masters WHERE open = 1`).Scan(&open); err != nil || open == 0 {
		return err
	}
	// The places a touched record bears on: itself if a location; the places it is linked to;
	// and the places of the people it is linked to (a firearm's certificate holder, a victim).
	near, err := s.liveLinks(ctx, rd, "from_id", touched, nil)
	if err != nil {
		return err
	}
	near2, err := s.liveLinks(ctx, rd, "to_id", touched, nil)
	if err != nil {
		return err
	}
	places := map[string]bool{}
	var people []string
	for _, id := range touched {
		places[id] = true
	}
	for _, l := range append(near, near2...) {
		places[l.From], places[l.To] = true, true
		people = append(people, l.From, l.To)
	}
	if len(people) > 0 {
		far, err := s.liveLinks(ctx, rd, "from_id", people, nil)
		if err != nil {
			return err
		}
		for _, l := range far {
			places[l.To] = true
		}
	}
	var ids []string
	for id := range places {
		ids = append(ids, id)
	}
	// Open incidents at those places (incidents at a point are found through the point's addresses).
	type master struct {
		id, loc, keys string
		pt            *[2]float64
	}
	var masters []master
	for len(ids) > 0 {
		n := min(len(ids), 400)
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		ids = ids[n:]
		rows, err := rd.query(ctx, `SELECT id, location_id, lat, lon, hazard_keys FROM incident_masters WHERE open = 1 AND location_id IN (`+inList(n)+`)`, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var m master
			var loc sql.NullString
			var lat, lon sql.NullFloat64
			if err := rows.Scan(&m.id, &loc, &lat, &lon, &m.keys); err != nil {
				rows.Close()
				return err
			}
			m.loc = loc.String
			masters = append(masters, m)
		}
		rows.Close()
	}
	pointMasters, err := s.pointMastersNear(ctx, rd, places)
	if err != nil {
		return err
	}
	for _, pm := range pointMasters {
		masters = append(masters, master{id: pm.id, keys: pm.keys, pt: pm.pt})
	}
	sys := auth.System("alerts")
	now := s.Now()
	// The hazards of a place are worked out once however many incidents are open there; each
	// incident then leaves out its own reports.
	byPlace := map[string][]accessHazard{}
	for _, m := range masters {
		// Read first; write only when the hazards changed, so a write that adds nothing near an
		// open incident costs no transaction.
		own, err := s.incidentEvents(ctx, rd, m.id)
		if err != nil {
			return err
		}
		place := placeKey(m.loc, m.pt)
		all, ok := byPlace[place]
		if !ok {
			if all, err = s.placeHazards(ctx, rd, sys, m.loc, m.pt, now, nil); err != nil {
				return err
			}
			byPlace[place] = all
		}
		hs := make([]accessHazard, 0, len(all))
		for _, h := range all {
			if !own[h.Record.ID] {
				hs = append(hs, h)
			}
		}
		before := map[string]bool{}
		for _, k := range strings.Split(m.keys, "\n") {
			before[k] = true
		}
		added, same := false, len(hs) == len(before) || (len(hs) == 0 && m.keys == "")
		for _, h := range hs {
			added = added || !before[hazardKey(h.Hazard)]
		}
		if !added && same {
			continue
		}
		err = s.write(ctx, func(tx *Tx) error {
			if err := tx.setHazardKeys(ctx, m.id, hs); err != nil {
				return err
			}
			if !added {
				return nil // a hazard ended: remember, but nothing to alert
			}
			var cat sql.NullString
			if err := tx.queryRow(ctx, `SELECT category FROM records WHERE id = ?`, m.id).Scan(&cat); err != nil {
				return err
			}
			a, err := s.alertFor(ctx, tx, m.id, cat.String, m.loc, m.pt, hs, before, "hazard_added")
			if err != nil {
				return err
			}
			tx.alert(a)
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

type pointMaster struct {
	id, keys string
	pt       *[2]float64
}

// pointMastersNear finds open incidents known only by a point within PointRadius of any of the
// places that are locations with coordinates.
func (s *Store) pointMastersNear(ctx context.Context, q querier, places map[string]bool) ([]pointMaster, error) {
	var ids []string
	for id := range places {
		ids = append(ids, id)
	}
	var out []pointMaster
	seen := map[string]bool{}
	for len(ids) > 0 {
		n := min(len(ids), 400)
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		ids = ids[n:]
		rows, err := q.query(ctx, `SELECT lat, lon FROM records WHERE id IN (`+inList(n)+`) AND kind = 'location' AND lat IS NOT NULL`, args...)
		if err != nil {
			return nil, err
		}
		var pts [][2]float64
		for rows.Next() {
			var p [2]float64
			if err := rows.Scan(&p[0], &p[1]); err != nil {
				rows.Close()
				return nil, err
			}
			pts = append(pts, p)
		}
		rows.Close()
		for _, p := range pts {
			d := PointRadius / 111320.0 * 2
			rows, err := q.query(ctx, `SELECT id, lat, lon, hazard_keys FROM incident_masters WHERE open = 1 AND location_id IS NULL AND lat >= ? AND lat <= ? AND lon >= ? AND lon <= ?`,
				p[0]-d, p[0]+d, p[1]-2*d, p[1]+2*d)
			if err != nil {
				return nil, err
			}
			for rows.Next() {
				var pm pointMaster
				var lat, lon float64
				if err := rows.Scan(&pm.id, &lat, &lon, &pm.keys); err != nil {
					rows.Close()
					return nil, err
				}
				if !seen[pm.id] && Distance(p[0], p[1], lat, lon) <= PointRadius {
					seen[pm.id] = true
					pm.pt = &[2]float64{lat, lon}
					out = append(out, pm)
				}
			}
			rows.Close()
		}
	}
	return out, nil
}
