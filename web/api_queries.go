package web

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/graph"
	"github.com/peel-rms/peel/pole"
)

// query reads the window parameters of a time-windowed question: within (ISO 8601, default def),
// as_of (default now) and types (default defTypes).
func (s *Server) query(r *http.Request, def string, defTypes ...string) (peel.Query, error) {
	q := peel.Query{AsOf: s.store.Now()}
	within := r.URL.Query().Get("within")
	if within == "" {
		within = def
	}
	per, err := pole.ParsePeriod(within)
	if err != nil {
		return q, pole.Invalid("bad within", pole.FieldError{Field: "within", Message: err.Error()})
	}
	q.Within = per
	asOf, err := queryTime(r, "as_of")
	if err != nil {
		return q, err
	}
	if asOf != nil {
		q.AsOf = *asOf
	}
	q.Types = defTypes
	if t := r.URL.Query().Get("types"); t != "" {
		q.Types = nil
		vocab, err := s.store.Vocabulary(r.Context())
		if err != nil {
			return q, err
		}
		for _, x := range strings.Split(t, ",") {
			x = strings.TrimSpace(x)
			if x == "" {
				continue
			}
			found := false
			for _, et := range vocab.EventTypes {
				found = found || et.Code == x
			}
			if !found {
				return q, pole.Invalid("bad types", pole.FieldError{Field: "types", Message: x + " is not an event type"})
			}
			q.Types = append(q.Types, x)
		}
	}
	return q, nil
}

type contactsAnswer struct {
	Contacts []peel.Contact `json:"contacts"`
}

// contacts answers GET /api/v1/telephones/{id}/contacts.
func (s *Server) contacts(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	q, err := s.query(r, "P7D")
	if err != nil {
		return err
	}
	cs, err := s.store.Contacts(r.Context(), p, r.PathValue("id"), q)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, contactsAnswer{Contacts: cs})
	return nil
}

// locationEvent is written flat: the event's fields, then location and via.
type locationEvent peel.LocationEvent

func (le locationEvent) MarshalJSON() ([]byte, error) {
	rec, err := json.Marshal(le.Event)
	if err != nil {
		return nil, err
	}
	extra, err := json.Marshal(struct {
		Location peel.Brief `json:"location"`
		Via      string     `json:"via"`
	}{le.Location, le.Via})
	if err != nil {
		return nil, err
	}
	out := append(rec[:len(rec)-1:len(rec)-1], ',')
	return append(out, extra[1:]...), nil
}

type locationEventsAnswer struct {
	Events []locationEvent `json:"events"`
}

// locationEvents answers GET /api/v1/persons/{id}/location-events.
func (s *Server) locationEvents(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	q, err := s.query(r, "P28D", "investigation", "intelligence")
	if err != nil {
		return err
	}
	evs, err := s.store.LocationEvents(r.Context(), p, r.PathValue("id"), q)
	if err != nil {
		return err
	}
	out := locationEventsAnswer{Events: make([]locationEvent, len(evs))}
	for i, e := range evs {
		out.Events[i] = locationEvent(e)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type eventsAnswer struct {
	Events []*pole.Record `json:"events"`
}

// vehicleEvents answers GET /api/v1/vehicles/{id}/events.
func (s *Server) vehicleEvents(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	q, err := s.query(r, "P24M", "intelligence")
	if err != nil {
		return err
	}
	evs, err := s.store.VehicleEvents(r.Context(), p, r.PathValue("id"), q)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, eventsAnswer{Events: evs})
	return nil
}

var (
	withinParam = param{"within", "query", "string", "an ISO 8601 duration: the window [as_of - within, as_of]"}
	asOfParam   = param{"as_of", "query", "string", "the end of the window (RFC 3339; default now)"}
	typesParam  = param{"types", "query", "string", "comma-separated event types"}
)

// queryOperations are the link-analysis questions.
func (s *Server) queryOperations() []op {
	return []op{
		{Method: "GET", Path: "/api/v1/telephones/{id}/contacts", Handler: s.contacts, Access: reads, Tag: "analysis",
			Summary: "Numbers this telephone called or texted in the window, with counts, first and last contact and linked people",
			Out:     typeSchema[contactsAnswer](), Params: []param{pathID, withinParam, asOfParam}},
		{Method: "GET", Path: "/api/v1/persons/{id}/location-events", Handler: s.locationEvents, Access: reads, Tag: "analysis",
			Summary: "Events of the types at places the person was associated with when they occurred",
			Out:     schemaRef("LocationEvents"), Params: []param{pathID, typesParam, withinParam, asOfParam}},
		{Method: "GET", Path: "/api/v1/vehicles/{id}/events", Handler: s.vehicleEvents, Access: reads, Tag: "analysis",
			Summary: "Events of the types that involve the vehicle in the window",
			Out:     typeSchema[eventsAnswer](), Params: []param{pathID, typesParam, withinParam, asOfParam}},
		{Method: "POST", Path: "/api/v1/traverse", Handler: s.traverse, Access: reads, Tag: "analysis",
			Summary: "Follow steps of links from a record (roles, direction, kinds, event types, a window per step), capping hub records",
			In:      typeSchema[traverseRequest](), Out: typeSchema[traverseAnswer]()},
		{Method: "GET", Path: "/api/v1/paths", Handler: s.paths, Access: reads, Tag: "analysis",
			Summary: "Shortest chains of links between two records within N hops and a window",
			Out:     typeSchema[pathsAnswer](), Params: []param{{"from", "query", "string", "a record id"}, {"to", "query", "string", "a record id"},
				{"max_hops", "query", "integer", "at most this many links (1-8, default 4)"}, {"max_degree", "query", "integer", "records with more links are not crossed (default 200)"}, withinParam, asOfParam}},
	}
}

// traverseRequest is the body of POST /api/v1/traverse.
type traverseRequest struct {
	Start     string       `json:"start"`
	Steps     []graph.Step `json:"steps"`
	AsOf      *pole.Moment `json:"as_of,omitempty"`
	MaxDegree int          `json:"max_degree,omitempty"`
	Limit     int          `json:"limit,omitempty"`
}

type traverseAnswer struct {
	Start     graph.Node  `json:"start"`
	Hits      []graph.Hit `json:"hits"`
	Hubs      []string    `json:"hubs"`
	Truncated bool        `json:"truncated"`
}

// traverse answers POST /api/v1/traverse.
func (s *Server) traverse(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in traverseRequest
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	if in.Start == "" {
		return pole.Invalid("start is required", pole.FieldError{Field: "start", Message: "is required"})
	}
	if in.MaxDegree < 0 || in.MaxDegree > 10000 {
		return pole.Invalid("bad max_degree", pole.FieldError{Field: "max_degree", Message: "must be between 1 and 10000"})
	}
	if in.Limit < 0 || in.Limit > 10000 {
		return pole.Invalid("bad limit", pole.FieldError{Field: "limit", Message: "must be between 1 and 10000"})
	}
	opts := graph.Options{AsOf: s.store.Now(), MaxDegree: in.MaxDegree, Limit: in.Limit}
	if in.AsOf != nil {
		opts.AsOf = in.AsOf.T
	}
	start, res, err := s.store.Traverse(r.Context(), p, in.Start, in.Steps, opts)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, traverseAnswer{Start: *start, Hits: res.Hits, Hubs: res.Hubs, Truncated: res.Truncated})
	return nil
}

type pathsAnswer struct {
	Paths []graph.Path          `json:"paths"`
	Nodes map[string]graph.Node `json:"nodes"`
	Hubs  []string              `json:"hubs"`
}

// paths answers GET /api/v1/paths?from=&to=&max_hops=&within=&as_of=.
func (s *Server) paths(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	q := r.URL.Query()
	var errs []pole.FieldError
	for _, f := range []string{"from", "to"} {
		if q.Get(f) == "" {
			errs = append(errs, pole.FieldError{Field: f, Message: "is required"})
		}
	}
	if len(errs) > 0 {
		return pole.Invalid("from and to are required", errs...)
	}
	hops, err := queryInt(r, "max_hops", 4)
	if err != nil {
		return err
	}
	if hops < 1 || hops > 8 {
		return pole.Invalid("bad max_hops", pole.FieldError{Field: "max_hops", Message: "must be between 1 and 8"})
	}
	deg, err := queryInt(r, "max_degree", 200)
	if err != nil {
		return err
	}
	opts := graph.PathOptions{AsOf: s.store.Now(), MaxHops: hops, MaxDegree: deg}
	if q.Get("within") != "" {
		qq, err := s.query(r, "")
		if err != nil {
			return err
		}
		win := qq.Window()
		opts.Window, opts.AsOf = &win, qq.AsOf
	}
	paths, nodes, hubs, err := s.store.Paths(r.Context(), p, q.Get("from"), q.Get("to"), opts)
	if err != nil {
		return err
	}
	if paths == nil {
		paths = []graph.Path{}
	}
	if hubs == nil {
		hubs = []string{}
	}
	writeJSON(w, http.StatusOK, pathsAnswer{Paths: paths, Nodes: nodes, Hubs: hubs})
	return nil
}
