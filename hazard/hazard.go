// Package hazard decides what a responding officer must know about a place before arriving:
// firearms stored there or held on certificate by a resident, warning markers of residents,
// frequent visitors and the place itself, vulnerable people, and recent violence. The store
// gathers the facts about a location (only those the caller may see); Evaluate applies the rules.
package hazard

import (
	"slices"
	"sort"
	"time"

	"github.com/peel-rms/peel/pole"
	"github.com/peel-rms/peel/ukref"
)

// Hazard types.
const (
	Firearm          = "firearm"
	Marker           = "marker"
	VulnerablePerson = "vulnerable_person"
	ViolentHistory   = "violent_history"
	MissingPerson    = "missing_person"
)

// Ref names the record a hazard is about.
type Ref struct {
	ID   string     `json:"id"`
	Kind pole.Kind  `json:"kind"`
	Refs []pole.Ref `json:"refs"`
}

// Hazard is one thing to know, with why (the chain of link roles from the place to the record)
// and since when.
type Hazard struct {
	Type     string     `json:"type"`
	Code     string     `json:"code"`
	Record   Ref        `json:"record"`
	Via      []string   `json:"via"`
	Since    *time.Time `json:"since"`
	Location string     `json:"location,omitempty"` // the location id, when hazards of several places are merged
	Note     string     `json:"note,omitempty"`
}

// Tie is a record linked to the place, and the link.
type Tie struct {
	Record *pole.Record
	Link   *pole.Link
}

// Involvement is an event a person took part in, with the role.
type Involvement struct {
	Person *pole.Record
	Event  *pole.Record
	Role   string
}

// Facts are what the store knows about one location, already filtered to what the caller may see.
type Facts struct {
	Location *pole.Record
	// People linked to the place (resides_at, frequents, associated_with...).
	People []Tie
	// Objects linked to the place (stored_at, found_at).
	Objects []Tie
	// Certificates: firearms held by people of the place (certificate_holder_of), Tie.Link from the person.
	Certificates []struct {
		Holder *pole.Record
		Tie
	}
	// Events that occurred at the place.
	Events []*pole.Record
	// Involvements of the people of the place in events (victim_in, missing_in...).
	Involvements []Involvement
}

// Rules are the windows and categories the hazard rules use; DefaultRules holds the contract's.
type Rules struct {
	VulnerableWindow  time.Duration // domestic abuse victims in the last 12 months
	ViolenceWindow    time.Duration // violent events at the place in the last 12 months
	ViolentCategories []string
	AbuseCategories   []string
}

// DefaultRules are the contract's hazard rules.
func DefaultRules() Rules {
	year := 365 * 24 * time.Hour
	return Rules{
		VulnerableWindow:  year,
		ViolenceWindow:    year,
		ViolentCategories: []string{"assault", "assault_with_injury", "robbery", "possession_of_weapons", "domestic_abuse"},
		AbuseCategories:   []string{"domestic_abuse"},
	}
}

// PlaceEvent says whether an event of this category at a place can make a hazard there (violence
// and domestic abuse do; a collision or a noise complaint does not).
func (r Rules) PlaceEvent(category string) bool {
	return slices.Contains(r.ViolentCategories, category) || slices.Contains(r.AbuseCategories, category)
}

func ref(r *pole.Record) Ref {
	refs := r.Refs
	if refs == nil {
		refs = []pole.Ref{}
	}
	return Ref{ID: r.ID, Kind: r.Kind, Refs: refs}
}

func since(m *pole.Moment) *time.Time {
	if m == nil {
		return nil
	}
	t := m.T
	return &t
}

func validAt(l *pole.Link, t time.Time) bool { return l == nil || l.Valid(t) }

// Evaluate applies the rules at asOf.
func Evaluate(f Facts, asOf time.Time, r Rules) []Hazard {
	var out []Hazard
	seen := map[string]bool{}
	add := func(h Hazard) {
		key := h.Type + "|" + h.Code + "|" + h.Record.ID
		if seen[key] {
			return
		}
		seen[key] = true
		if h.Via == nil {
			h.Via = []string{}
		}
		out = append(out, h)
	}
	current := map[string]string{} // person id -> role tying them to the place now
	for _, t := range f.People {
		if t.Record.Kind != pole.KindPerson || !validAt(t.Link, asOf) {
			continue
		}
		if prev, ok := current[t.Record.ID]; !ok || prev != "resides_at" {
			current[t.Record.ID] = t.Link.Role
		}
	}
	// Firearms stored at the place.
	for _, o := range f.Objects {
		obj, ok := o.Record.Body.(*pole.Object)
		if ok && obj.Type == "firearm" && o.Link.Role == "stored_at" && validAt(o.Link, asOf) {
			add(Hazard{Type: Firearm, Code: "stored_at", Record: ref(o.Record), Via: []string{"stored_at"}, Since: since(o.Link.ValidFrom), Note: obj.Label()})
		}
	}
	// Firearms on certificate to a current resident.
	for _, c := range f.Certificates {
		obj, ok := c.Record.Body.(*pole.Object)
		if ok && obj.Type == "firearm" && current[c.Holder.ID] == "resides_at" && validAt(c.Link, asOf) {
			add(Hazard{Type: Firearm, Code: "certificate_holder_of", Record: ref(c.Record), Via: []string{"resides_at", "certificate_holder_of"}, Since: since(c.Link.ValidFrom), Note: obj.Label()})
		}
	}
	// Markers of current residents and frequent visitors, one per person and code.
	for id, role := range current {
		var person *pole.Record
		for _, t := range f.People {
			if t.Record.ID == id {
				person = t.Record
			}
		}
		for _, m := range pole.ActiveMarkers(person.Body, asOf) {
			add(Hazard{Type: Marker, Code: m.Code, Record: ref(person), Via: []string{role}, Since: since(m.ValidFrom), Note: m.Category})
		}
	}
	// The place's own markers.
	if f.Location != nil {
		for _, m := range pole.ActiveMarkers(f.Location.Body, asOf) {
			add(Hazard{Type: Marker, Code: m.Code, Record: ref(f.Location), Via: []string{}, Since: since(m.ValidFrom), Note: m.Category})
		}
	}
	// Vulnerable people: current residents who were victims of domestic abuse in the window; and,
	// as extra reasons, residents missing in the past and older abuse.
	for _, inv := range f.Involvements {
		if current[inv.Person.ID] != "resides_at" {
			continue
		}
		ev := inv.Event.Body.(*pole.Event)
		when := ev.When()
		if when == nil || when.T.After(asOf) {
			continue
		}
		switch {
		case inv.Role == "victim_in" && (ev.Type == "incident" || ev.Type == "crime") && slices.Contains(r.AbuseCategories, ev.Category):
			if asOf.Sub(when.T) <= r.VulnerableWindow {
				add(Hazard{Type: VulnerablePerson, Code: ev.Category, Record: ref(inv.Person), Via: []string{"resides_at", "victim_in"}, Since: since(when)})
			} else {
				add(Hazard{Type: VulnerablePerson, Code: ev.Category + "_history", Record: ref(inv.Person), Via: []string{"resides_at", "victim_in"}, Since: since(when), Note: "domestic abuse victim more than 12 months ago"})
			}
		case inv.Role == "missing_in":
			add(Hazard{Type: MissingPerson, Code: "missing_before", Record: ref(inv.Person), Via: []string{"resides_at", "missing_in"}, Since: since(when)})
		}
	}
	// Children at risk: current residents under 18 where domestic abuse happened in the window,
	// at the place or to a resident.
	abuseHere := false
	for _, e := range f.Events {
		ev := e.Body.(*pole.Event)
		if w := ev.When(); w != nil && !w.T.After(asOf) && asOf.Sub(w.T) <= r.VulnerableWindow && slices.Contains(r.AbuseCategories, ev.Category) {
			abuseHere = true
		}
	}
	for _, h := range out {
		abuseHere = abuseHere || (h.Type == VulnerablePerson && slices.Contains(r.AbuseCategories, h.Code))
	}
	if abuseHere {
		for _, t := range f.People {
			if current[t.Record.ID] != "resides_at" {
				continue
			}
			p, ok := t.Record.Body.(*pole.Person)
			if !ok {
				continue
			}
			if d, err := ukref.ParsePartialDate(p.DOB); err == nil && d.Start().AddDate(18, 0, 0).After(asOf) && !d.Start().After(asOf) {
				add(Hazard{Type: VulnerablePerson, Code: "child_at_risk", Record: ref(t.Record), Via: []string{"resides_at"}, Since: since(t.Link.ValidFrom), Note: "a child living where domestic abuse was reported in the last 12 months"})
			}
		}
	}
	// Violence at the place in the window.
	for _, e := range f.Events {
		ev := e.Body.(*pole.Event)
		when := ev.When()
		if when == nil || when.T.After(asOf) || asOf.Sub(when.T) > r.ViolenceWindow || !slices.Contains(r.ViolentCategories, ev.Category) {
			continue
		}
		add(Hazard{Type: ViolentHistory, Code: ev.Category, Record: ref(e), Via: []string{"occurred_at"}, Since: since(when)})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Type != out[j].Type {
			return typeRank(out[i].Type) < typeRank(out[j].Type)
		}
		if out[i].Code != out[j].Code {
			return out[i].Code < out[j].Code
		}
		return out[i].Record.ID < out[j].Record.ID
	})
	return out
}

// typeRank orders hazards by urgency for an officer on the way.
func typeRank(t string) int {
	switch t {
	case Firearm:
		return 0
	case Marker:
		return 1
	case ViolentHistory:
		return 2
	case VulnerablePerson:
		return 3
	}
	return 4
}
