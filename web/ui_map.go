package web

import (
	"encoding/json"
	"net/http"
	"sort"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/graph"
	"github.com/peel-rms/peel/pole"
)

// mapMaxPlaces bounds the places one map shows.
const mapMaxPlaces = 500

// place is one location or event with a point, as the map and the list below it show it.
type place struct {
	ID    string    `json:"id"`
	Kind  pole.Kind `json:"kind"`
	Label string    `json:"label"`
	Lat   *float64  `json:"lat,omitempty"`
	Lon   *float64  `json:"lon,omitempty"`
	// How is why it is on the map: "this record", "resides at", "occurred at, via …".
	How      string `json:"how"`
	When     string `json:"when,omitempty"`
	Position string `json:"-"`
}

// mapData is what map.html shows.
type mapData struct {
	subject
	Places    []place
	Unplaced  []place
	JSON      string
	Tiles     string
	Truncated bool
}

// mapPage answers GET /records/{id}/map: the record's linked locations and events with a point,
// on a Leaflet map (drawn without tiles when none are configured) and listed below it.
func (s *Server) mapPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	sub, err := s.loadSubject(r, p, "map", false)
	if err != nil {
		return err
	}
	ctx := r.Context()
	// Places and events linked to the record, then where those events happened.
	steps := []graph.Step{
		{Kinds: []pole.Kind{pole.KindLocation, pole.KindEvent}},
		{Roles: []string{"occurred_at"}, Kinds: []pole.Kind{pole.KindLocation}},
	}
	_, res, err := s.store.Traverse(ctx, p, sub.Rec.ID, steps, graph.Options{AsOf: s.store.Now(), MaxDegree: 5000, Limit: mapMaxPlaces})
	if err != nil {
		return err
	}
	d := mapData{subject: sub, Tiles: s.cfg.TileURL, Truncated: res.Truncated}
	labels := map[string]string{sub.Rec.ID: sub.Rec.Label()}
	for _, h := range res.Hits {
		labels[h.Node.ID] = h.Node.Label
	}
	add := func(rec *pole.Record, how string) {
		pl := place{ID: rec.ID, Kind: rec.Kind, Label: rec.Label(), How: how}
		switch b := rec.Body.(type) {
		case *pole.Location:
			pl.Lat, pl.Lon = b.Lat, b.Lon
		case *pole.Event:
			pl.Lat, pl.Lon = b.Lat, b.Lon
			if w := b.When(); w != nil {
				pl.When = momentText(w)
			}
		default:
			return
		}
		if pl.Lat != nil && pl.Lon != nil {
			pl.Position = formatFloat(*pl.Lat, 5) + ", " + formatFloat(*pl.Lon, 5)
			d.Places = append(d.Places, pl)
		} else if rec.Kind == pole.KindLocation {
			d.Unplaced = append(d.Unplaced, pl)
		}
	}
	add(sub.Rec, "this record")
	for _, h := range res.Hits {
		// The traversal recorded the consultation of every record it reached.
		rec, err := s.store.Get(ctx, p, h.Node.ID, peel.GetOptions{NoAudit: true})
		if pole.IsNotFound(err) {
			continue
		}
		if err != nil {
			return err
		}
		how := humanize(h.Via.Role)
		if h.Step == 2 {
			how = "where " + labels[h.From] + " happened"
		} else if h.Via.To == sub.Rec.ID {
			how = "… " + how + " this record"
		}
		add(rec, how)
	}
	sort.SliceStable(d.Places, func(i, j int) bool {
		return d.Places[i].Kind == pole.KindLocation && d.Places[j].Kind != pole.KindLocation
	})
	js, err := json.Marshal(d.Places)
	if err != nil {
		return err
	}
	if d.Places == nil {
		js = []byte("[]")
	}
	d.JSON = string(js)
	s.show(w, r, http.StatusOK, "map.html", view{Title: "Map: " + sub.Rec.Label(), Data: d})
	return nil
}
