package web

import (
	"net/http"
	"sort"
	"time"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/graph"
	"github.com/peel-rms/peel/pole"
)

// Timeline bounds: links followed from the record and its neighbours (busier records are named as
// hubs, not followed), and events shown.
const (
	timelineMaxDegree = 2000
	timelineReach     = 5000
	timelineMaxEvents = 500
)

// timelineEvent is one event on a timeline.
type timelineEvent struct {
	ID, Type, Category, Summary, Status string
	Time                                string
	When                                time.Time
	Dated                               bool
	// Role is the link that joins the event to the record or to the neighbour Via names.
	Role     string
	ViaID    string
	ViaLabel string
	ViaKind  pole.Kind
	Self     bool
}

// timelineDay is the events of one day.
type timelineDay struct {
	Day    string
	Date   string
	Events []timelineEvent
}

// timelineData is what timeline.html shows.
type timelineData struct {
	subject
	Days      []timelineDay
	Undated   []timelineEvent
	Count     int
	Shown     int
	Hubs      []graph.Node
	Truncated bool
}

// timelinePage answers GET /records/{id}/timeline: the events linked to the record, directly and
// through its links, oldest first and grouped by day. Everything comes from a traversal, which
// only ever reaches records the user may see.
func (s *Server) timelinePage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	sub, err := s.loadSubject(r, p, "timeline", false)
	if err != nil {
		return err
	}
	ctx := r.Context()
	steps := []graph.Step{{}, {Kinds: []pole.Kind{pole.KindEvent}}}
	_, res, err := s.store.Traverse(ctx, p, sub.Rec.ID, steps, graph.Options{AsOf: s.store.Now(), MaxDegree: timelineMaxDegree, Limit: timelineReach})
	if err != nil {
		return err
	}
	d := timelineData{subject: sub, Truncated: res.Truncated}
	near := map[string]graph.Node{}
	type found struct {
		hit graph.Hit
		at  *time.Time
	}
	var evs []found
	if ev, ok := sub.Rec.Body.(*pole.Event); ok {
		var at *time.Time
		if w := ev.When(); w != nil {
			at = &w.T
		}
		evs = append(evs, found{hit: graph.Hit{Node: graph.Node{ID: sub.Rec.ID, Kind: pole.KindEvent}}, at: at})
	}
	for _, h := range res.Hits {
		if h.Step == 1 {
			near[h.Node.ID] = h.Node
		}
		if h.Node.Kind == pole.KindEvent {
			evs = append(evs, found{hit: h, at: h.Node.When})
		}
	}
	d.Count = len(evs)
	// Keep the latest events when there are too many to show.
	sort.SliceStable(evs, func(i, j int) bool {
		a, b := evs[i].at, evs[j].at
		switch {
		case a == nil:
			return false
		case b == nil:
			return true
		}
		return a.After(*b)
	})
	if len(evs) > timelineMaxEvents {
		evs = evs[:timelineMaxEvents]
	}
	d.Shown = len(evs)
	var dated []timelineEvent
	for _, f := range evs {
		rec := sub.Rec
		if f.hit.Node.ID != sub.Rec.ID {
			// The traversal has recorded the consultation of everything it reached.
			rec, err = s.store.Get(ctx, p, f.hit.Node.ID, peel.GetOptions{NoAudit: true})
			if pole.IsNotFound(err) {
				continue
			}
			if err != nil {
				return err
			}
		}
		ev, ok := rec.Body.(*pole.Event)
		if !ok {
			continue
		}
		te := timelineEvent{ID: rec.ID, Type: ev.Type, Category: ev.Category, Summary: ev.Summary, Status: ev.Status, Role: f.hit.Via.Role, Self: rec.ID == sub.Rec.ID}
		if ev.Summary == "" {
			te.Summary = ev.SanitisedSummary
		}
		if f.hit.Step == 2 {
			if n, ok := near[f.hit.From]; ok {
				te.ViaID, te.ViaLabel, te.ViaKind = n.ID, n.Label, n.Kind
			}
		}
		if w := ev.When(); w != nil {
			te.When, te.Dated = w.T, true
			if w.DateOnly {
				te.Time = "time not known"
			} else {
				te.Time = w.T.UTC().Format("15:04")
			}
			dated = append(dated, te)
		} else {
			d.Undated = append(d.Undated, te)
		}
	}
	sort.SliceStable(dated, func(i, j int) bool { return dated[i].When.Before(dated[j].When) })
	for _, te := range dated {
		day := dayOf(te.When)
		if n := len(d.Days); n == 0 || d.Days[n-1].Day != day {
			d.Days = append(d.Days, timelineDay{Day: day, Date: te.When.UTC().Format(time.DateOnly)})
		}
		d.Days[len(d.Days)-1].Events = append(d.Days[len(d.Days)-1].Events, te)
	}
	if len(res.Hubs) > 0 {
		for _, h := range res.Hubs {
			if n, ok := near[h]; ok {
				d.Hubs = append(d.Hubs, n)
			} else if h == sub.Rec.ID {
				d.Hubs = append(d.Hubs, graph.Node{ID: h, Kind: sub.Rec.Kind, Label: sub.Rec.Label()})
			}
		}
	}
	s.show(w, r, http.StatusOK, "timeline.html", view{Title: "Timeline: " + sub.Rec.Label(), Data: d})
	return nil
}
