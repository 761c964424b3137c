package web

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
)

// This file holds what the analysis, dispatch and review pages share: the heading and tabs of a
// page about one record, the time-window form, and their own flash messages.

// subject is the record an analysis page is about, with the tabs to its other analysis pages.
type subject struct {
	Rec  *pole.Record
	Path string
	Tabs []tab
}

// tab is one link of a record's analysis navigation.
type tab struct {
	Href    string
	Label   string
	Current bool
}

// analysisTabs are the pages about a record, by its kind; current is the href of this page.
func analysisTabs(rec *pole.Record, current string) []tab {
	base := recordPath(rec.ID)
	tabs := []tab{{Href: base, Label: "Record"}, {Href: base + "/chart", Label: "Link chart"}, {Href: base + "/timeline", Label: "Timeline"}, {Href: base + "/map", Label: "Map"}}
	switch rec.Kind {
	case pole.KindTelephone:
		tabs = append(tabs, tab{Href: base + "/contacts", Label: "Contacts"})
	case pole.KindPerson:
		tabs = append(tabs, tab{Href: base + "/activity", Label: "Activity at linked places"})
	case pole.KindVehicle:
		tabs = append(tabs, tab{Href: base + "/intelligence", Label: "Intelligence"})
	case pole.KindLocation:
		tabs = append(tabs, tab{Href: base + "/hazards", Label: "Hazards"})
	case pole.KindEvent:
		if ev, ok := rec.Body.(*pole.Event); ok && ev.Type == "incident" {
			tabs = append(tabs, tab{Href: incidentPath(rec.ID), Label: "Incident and reports"})
		}
	}
	for i := range tabs {
		tabs[i].Current = tabs[i].Href == current
	}
	return tabs
}

// loadSubject reads the record a page is about; kinds, when given, are the kinds the page is
// for. audited=false when the page's own query records the consultation.
func (s *Server) loadSubject(r *http.Request, p *auth.Principal, page string, audited bool, kinds ...pole.Kind) (subject, error) {
	rec, err := s.store.Get(r.Context(), p, r.PathValue("id"), peel.GetOptions{NoAudit: !audited})
	if err != nil {
		return subject{}, err
	}
	if len(kinds) > 0 && !slices.Contains(kinds, rec.Kind) {
		var names []string
		for _, k := range kinds {
			names = append(names, k.Plural())
		}
		return subject{}, pole.Errorf(pole.ENotFound, "this page is about %s, and this record is a %s", strings.Join(names, " or "), rec.Kind)
	}
	path := recordPath(rec.ID)
	if page != "" {
		path += "/" + page
	}
	return subject{Rec: rec, Path: recordPath(rec.ID), Tabs: analysisTabs(rec, path)}, nil
}

// windowForm is the time-window selector of an analysis page, as typed.
type windowForm struct {
	Within  string
	AsOf    string
	Periods []option
	Types   []option // event types to choose from (pages that filter by type)
	// From and To show the window the answer covers.
	From, To string
	Errors   map[string]string
}

// periodChoices are the windows offered in the selector.
var periodChoices = []option{
	{Value: "PT24H", Label: "24 hours"}, {Value: "P7D", Label: "7 days"}, {Value: "P14D", Label: "14 days"},
	{Value: "P28D", Label: "28 days"}, {Value: "P3M", Label: "3 months"}, {Value: "P6M", Label: "6 months"},
	{Value: "P12M", Label: "12 months"}, {Value: "P24M", Label: "24 months"}, {Value: "P5Y", Label: "5 years"},
}

// windowQuery reads within (default def), as_of (default now) and, when typeChoice, the event
// types (default defTypes) from the page's query string. Problems are in the form's Errors, by
// field.
func (s *Server) windowQuery(r *http.Request, def string, typeChoice bool, defTypes ...string) (peel.Query, windowForm, error) {
	q := r.URL.Query()
	errs := map[string]string{}
	f := windowForm{Within: strings.TrimSpace(q.Get("within")), AsOf: strings.TrimSpace(q.Get("as_of")), Errors: errs}
	if f.Within == "" {
		f.Within = def
	}
	query := peel.Query{AsOf: s.store.Now()}
	per, err := pole.ParsePeriod(strings.ToUpper(f.Within))
	if err != nil {
		errs["within"] = "Choose a window such as 7 days, or type an ISO 8601 duration such as P7D."
	} else {
		query.Within = per
	}
	if f.AsOf != "" {
		t, ok := parseDateTime(f.AsOf)
		if !ok {
			errs["as_of"] = "Enter a date and time, for example 2026-11-20 14:30."
		} else {
			query.AsOf = t
		}
	}
	found := false
	for _, o := range periodChoices {
		o.Selected = o.Value == strings.ToUpper(f.Within)
		found = found || o.Selected
		f.Periods = append(f.Periods, o)
	}
	if !found {
		f.Periods = append(f.Periods, option{Value: f.Within, Label: f.Within, Selected: true})
	}
	if typeChoice {
		vocab, err := s.store.Vocabulary(r.Context())
		if err != nil {
			return query, f, err
		}
		chosen := q["types"]
		if len(chosen) == 0 && q.Get("go") == "" {
			chosen = defTypes
		}
		for _, t := range vocab.EventTypes {
			f.Types = append(f.Types, option{Value: t.Code, Label: humanize(t.Code), Selected: slices.Contains(chosen, t.Code)})
		}
		for _, c := range chosen {
			if !slices.ContainsFunc(f.Types, func(o option) bool { return o.Value == c }) {
				errs["types"] = c + " is not an event type."
			}
		}
		if len(chosen) == 0 {
			errs["types"] = "Choose at least one type of event."
		}
		query.Types = chosen
	}
	if len(errs) == 0 {
		w := query.Window()
		f.From, f.To = w.From.UTC().Format("2006-01-02 15:04"), w.To.UTC().Format("2006-01-02 15:04")
	}
	return query, f, nil
}

// moreFlashes are the messages these pages' redirects may ask for (?done=code), beside the
// shared ones in ui.go.
var moreFlashes = map[string]string{
	"incident-raised": "Incident raised.",
	"incident-repeat": "This report was matched to an open incident and added to it as a further report.",
	"incident-split":  "The report is now an incident of its own.",
	"incident-joined": "The other incident and its reports were joined into this one.",
	"incident-closed": "Incident closed.",
	"rules-saved":     "Matching rules saved.",
	"marker-extended": "Review date moved.",
	"marker-expired":  "Warning marker expired.",
	"marker-changed":  "The record's markers changed while you were looking; check the list and try again.",
}

// show renders a page with this file's flash messages available.
func (s *Server) show(w http.ResponseWriter, r *http.Request, status int, page string, v view) {
	if v.Flash == "" {
		v.Flash = moreFlashes[r.URL.Query().Get("done")]
	}
	s.render(w, r, status, page, v)
}

// dayOf is the date heading of a time in a timeline.
func dayOf(t time.Time) string { return t.UTC().Format("Monday 2 January 2006") }
