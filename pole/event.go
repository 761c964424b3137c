package pole

import (
	"math"
	"strings"
)

// Event is something that happened: incident, crime, intelligence report, investigation, stop and
// search, custody episode, missing person episode, contact with the public.
type Event struct {
	Type       string  `json:"type"`
	Category   string  `json:"category,omitempty"`
	Reference  string  `json:"reference,omitempty"` // the force reference number
	OccurredAt *Moment `json:"occurred_at,omitempty"`
	ReportedAt *Moment `json:"reported_at,omitempty"`
	Summary    string  `json:"summary,omitempty"`
	// SanitisedSummary is the intelligence text fit for dissemination; Summary keeps the original.
	SanitisedSummary string   `json:"sanitised_summary,omitempty"`
	Lat              *float64 `json:"lat,omitempty"`
	Lon              *float64 `json:"lon,omitempty"`
	Grading          *Grading `json:"grading,omitempty"`
	// Status is "open" or "closed" for incidents, crimes and investigations; empty means open.
	Status   string  `json:"status,omitempty"`
	ClosedAt *Moment `json:"closed_at,omitempty"`
	// Location is input shorthand for an occurred_at link (a ref, or a record id); not kept on the event.
	Location string `json:"location,omitempty"`
}

// Grading is an intelligence grading. Scheme "3x5x2" (the default) has source 1-3, information A-E
// and handling P, or C with conditions; "5x5x5" records stay readable with source A-E,
// information 1-5 and handling 1-5.
type Grading struct {
	Scheme      string `json:"scheme,omitempty"`
	Source      string `json:"source"`
	Information string `json:"information"`
	Handling    string `json:"handling"`
	Conditions  string `json:"conditions,omitempty"`
}

// Kind is KindEvent.
func (*Event) Kind() Kind { return KindEvent }

// Event statuses.
const (
	StatusOpen   = "open"
	StatusClosed = "closed"
)

// CategorisedTypes are the event types that carry a category.
var CategorisedTypes = map[string]bool{"incident": true, "crime": true}

// Normalise checks type, category and grading against the force's vocabulary.
func (e *Event) Normalise(v *Validator) {
	e.Type = strings.TrimSpace(e.Type)
	if e.Type == "" {
		v.Fail("type", "is required")
	} else {
		v.In("type", v.Vocab.EventTypes, e.Type, "event types")
	}
	if e.Category != "" {
		v.In("category", v.Vocab.Categories, e.Category, "incident categories")
	}
	switch e.Status {
	case "", StatusOpen, StatusClosed:
	default:
		v.Fail("status", "%q is not open or closed", e.Status)
	}
	if (e.Lat == nil) != (e.Lon == nil) {
		v.Problem("lat", "lat and lon must be given together")
	}
	if e.Lat != nil && (math.IsNaN(*e.Lat) || *e.Lat < -90 || *e.Lat > 90) {
		v.Problem("lat", "must be between -90 and 90")
	}
	if e.Lon != nil && (math.IsNaN(*e.Lon) || *e.Lon < -180 || *e.Lon > 180) {
		v.Problem("lon", "must be between -180 and 180")
	}
	if e.Grading != nil {
		e.Grading.normalise(v)
	}
}

func (g *Grading) normalise(v *Validator) {
	in := func(field, val string, allowed ...string) {
		for _, a := range allowed {
			if val == a {
				return
			}
		}
		v.Fail("grading."+field, "%q is not one of %s", val, strings.Join(allowed, ", "))
	}
	g.Source = strings.ToUpper(strings.TrimSpace(g.Source))
	g.Information = strings.ToUpper(strings.TrimSpace(g.Information))
	g.Handling = strings.ToUpper(strings.TrimSpace(g.Handling))
	switch g.Scheme {
	case "", "3x5x2":
		in("source", g.Source, "1", "2", "3")
		in("information", g.Information, "A", "B", "C", "D", "E")
		in("handling", g.Handling, "P", "C")
		if g.Handling == "C" && strings.TrimSpace(g.Conditions) == "" {
			v.Fail("grading.conditions", "handling code C needs the conditions of sharing")
		}
	case "5x5x5":
		in("source", g.Source, "A", "B", "C", "D", "E")
		in("information", g.Information, "1", "2", "3", "4", "5")
		in("handling", g.Handling, "1", "2", "3", "4", "5")
	default:
		v.Fail("grading.scheme", "%q is not 3x5x2 or 5x5x5", g.Scheme)
	}
}

// Open reports whether the event is still open.
func (e *Event) Open() bool { return e.Status != StatusClosed }

// When is when the event happened: occurred_at, else reported_at.
func (e *Event) When() *Moment {
	if e.OccurredAt != nil {
		return e.OccurredAt
	}
	return e.ReportedAt
}

// Keys is empty: events are identified by their force reference through refs.
func (*Event) Keys() []string { return nil }

// Label is "type category reference: summary".
func (e *Event) Label() string {
	s := e.Type
	if e.Category != "" {
		s += " " + strings.ReplaceAll(e.Category, "_", " ")
	}
	if e.Reference != "" {
		s += " " + e.Reference
	}
	if w := e.When(); w != nil {
		s += " " + w.T.UTC().Format("2006-01-02 15:04")
	}
	if e.Summary != "" {
		s += ": " + Truncate(e.Summary, 60)
	}
	return s
}

// Stored returns the event without the location shorthand.
func (e *Event) Stored() *Event {
	c := *e
	c.Location = ""
	return &c
}

// Truncate shortens s to at most n runes, marking the cut with an ellipsis.
func Truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
