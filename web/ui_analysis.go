package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
	"github.com/peel-rms/peel/ukref"
)

// Analysis pages: the seed questions of a telephone, a person and a vehicle, each over a time
// window the user chooses.

// Bounds of the telephone page's lists.
const (
	topContactsShown = 10
	chainDepth       = 3
	chainGap         = 24 * time.Hour
	chainsShown      = 20
	commonMax        = 20
)

// callView is one call of a chain.
type callView struct {
	From, To, Start, Type string
	Duration              string
}

// commonForm is the common-contacts question and its answer.
type commonForm struct {
	Numbers string
	Error   string
	Asked   []peel.Brief
	Rows    []commonRow
	Ran     bool
}

// commonRow is a number in contact with several of the telephones asked about; Counts follows
// the order of Asked.
type commonRow struct {
	peel.CommonContact
	Counts []int
}

// contactsData is what contacts.html shows.
type contactsData struct {
	subject
	Number   string
	Form     windowForm
	Ran      bool
	Contacts []peel.Contact
	Top      []peel.Contact
	Chains   [][]callView
	Common   commonForm
}

// contactsPage answers GET /records/{id}/contacts: a telephone's contacts in a window (P7D by
// default), its top contacts either way, call chains from it, and the numbers it has in common
// with other numbers typed in.
func (s *Server) contactsPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	sub, err := s.loadSubject(r, p, "contacts", true, pole.KindTelephone)
	if err != nil {
		return err
	}
	ctx := r.Context()
	q, form, err := s.windowQuery(r, "P7D", false)
	if err != nil {
		return err
	}
	d := contactsData{subject: sub, Form: form, Number: sub.Rec.Label()}
	d.Common.Numbers = r.URL.Query().Get("numbers")
	status := http.StatusOK
	if len(form.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	} else {
		d.Ran = true
		if d.Contacts, err = s.store.Contacts(ctx, p, sub.Rec.ID, q); err != nil {
			return err
		}
		if d.Top, err = s.store.TopContacts(ctx, p, sub.Rec.ID, q, topContactsShown); err != nil {
			return err
		}
		chains, err := s.store.CallChains(ctx, p, sub.Rec.ID, q, chainDepth, chainGap, chainsShown)
		if err != nil {
			return err
		}
		for _, c := range chains {
			var calls []callView
			for _, call := range c.Calls {
				calls = append(calls, callView{From: call.From, To: call.To, Start: call.Start.UTC().Format("2006-01-02 15:04"), Type: call.Type, Duration: durationText(call.DurationS)})
			}
			d.Chains = append(d.Chains, calls)
		}
		if strings.TrimSpace(d.Common.Numbers) != "" {
			if err := s.compareNumbers(ctx, p, sub.Rec, q, &d.Common); err != nil {
				return err
			}
			if d.Common.Error != "" {
				status = http.StatusUnprocessableEntity
			}
		}
	}
	s.show(w, r, status, "contacts.html", view{Title: "Contacts of " + sub.Rec.Label(), Data: d})
	return nil
}

// compareNumbers answers the common-contacts form: the typed numbers, with this telephone, each
// resolved to its telephone record.
func (s *Server) compareNumbers(ctx context.Context, p *auth.Principal, self *pole.Record, q peel.Query, f *commonForm) error {
	ids := []string{self.ID}
	f.Asked = []peel.Brief{{ID: self.ID, Number: self.Label()}}
	var problems []string
	for _, tok := range strings.FieldsFunc(f.Numbers, func(r rune) bool { return r == '\n' || r == ',' || r == ';' || r == '\r' }) {
		tok = strings.TrimSpace(tok)
		if tok == "" {
			continue
		}
		e164, _, ok := ukref.NormalisePhone(tok)
		if !ok {
			problems = append(problems, fmt.Sprintf("%q is not a telephone number", tok))
			continue
		}
		found, err := s.store.Search(ctx, p, e164, pole.KindTelephone, 10)
		if err != nil {
			return err
		}
		id := ""
		for _, res := range found {
			if res.Kind == pole.KindTelephone && res.Label == e164 {
				id = res.ID
				break
			}
		}
		switch {
		case id == "":
			problems = append(problems, "no telephone record has the number "+e164)
		case !slices.Contains(ids, id):
			ids = append(ids, id)
			f.Asked = append(f.Asked, peel.Brief{ID: id, Number: e164})
		}
	}
	switch {
	case len(problems) > 0:
		f.Error = upperFirst(strings.Join(problems, "; ")) + "."
		return nil
	case len(ids) < 2:
		f.Error = "Enter at least one other number than this one."
		return nil
	case len(ids) > commonMax:
		f.Error = fmt.Sprintf("Compare at most %d numbers at a time.", commonMax)
		return nil
	}
	cs, err := s.store.CommonContacts(ctx, p, ids, q, 2)
	if err != nil {
		return err
	}
	f.Ran = true
	for _, c := range cs {
		row := commonRow{CommonContact: c}
		for _, a := range f.Asked {
			row.Counts = append(row.Counts, c.With[a.ID])
		}
		f.Rows = append(f.Rows, row)
	}
	return nil
}

// durationText is a call's length: "42 s", "3 min 5 s".
func durationText(secs int) string {
	if secs < 60 {
		return strconv.Itoa(secs) + " s"
	}
	return fmt.Sprintf("%d min %d s", secs/60, secs%60)
}

// eventRow is one event of an activity or intelligence list.
type eventRow struct {
	ID, Type, Category, Summary, When, Grading string
	LocationID, LocationLabel, Via             string
}

// eventsData is what events.html shows: the events of a seed question about a person or vehicle.
type eventsData struct {
	subject
	Heading string
	Intro   string
	Form    windowForm
	Ran     bool
	Rows    []eventRow
	// Places says the rows name the place each event happened at.
	Places bool
}

// activityPage answers GET /records/{id}/activity: investigations and intelligence (by default)
// at places the person was associated with when they happened, in the last 28 days (by default).
func (s *Server) activityPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	sub, err := s.loadSubject(r, p, "activity", false, pole.KindPerson)
	if err != nil {
		return err
	}
	ctx := r.Context()
	q, form, err := s.windowQuery(r, "P28D", true, "investigation", "intelligence")
	if err != nil {
		return err
	}
	d := eventsData{subject: sub, Form: form, Places: true, Heading: "Activity at linked places",
		Intro: "Events of the chosen types at places this person lived, worked, visited or was associated with when they happened."}
	if len(form.Errors) > 0 {
		s.show(w, r, http.StatusUnprocessableEntity, "events.html", view{Title: d.Heading + ": " + sub.Rec.Label(), Data: d})
		return nil
	}
	evs, err := s.store.LocationEvents(ctx, p, sub.Rec.ID, q)
	if err != nil {
		return err
	}
	// The places' names, from the person's own links (the places are among them).
	links, err := s.store.LinksOf(ctx, p, sub.Rec.ID, nil)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, l := range links {
		names[l.Other.ID] = l.Other.Label
	}
	d.Ran = true
	for _, le := range evs {
		row := rowOf(le.Event)
		row.LocationID, row.Via = le.Location.ID, humanize(le.Via)
		row.LocationLabel = names[le.Location.ID]
		if row.LocationLabel == "" {
			row.LocationLabel = "a linked place"
		}
		d.Rows = append(d.Rows, row)
	}
	s.show(w, r, http.StatusOK, "events.html", view{Title: d.Heading + ": " + sub.Rec.Label(), Data: d})
	return nil
}

// intelligencePage answers GET /records/{id}/intelligence: intelligence (by default) involving
// the vehicle in the last 24 months (by default).
func (s *Server) intelligencePage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	sub, err := s.loadSubject(r, p, "intelligence", true, pole.KindVehicle)
	if err != nil {
		return err
	}
	q, form, err := s.windowQuery(r, "P24M", true, "intelligence")
	if err != nil {
		return err
	}
	d := eventsData{subject: sub, Form: form, Heading: "Intelligence", Intro: "Events of the chosen types that involve this vehicle."}
	if len(form.Errors) > 0 {
		s.show(w, r, http.StatusUnprocessableEntity, "events.html", view{Title: d.Heading + ": " + sub.Rec.Label(), Data: d})
		return nil
	}
	evs, err := s.store.VehicleEvents(r.Context(), p, sub.Rec.ID, q)
	if err != nil {
		return err
	}
	d.Ran = true
	for _, e := range evs {
		d.Rows = append(d.Rows, rowOf(e))
	}
	s.show(w, r, http.StatusOK, "events.html", view{Title: d.Heading + ": " + sub.Rec.Label(), Data: d})
	return nil
}

func rowOf(rec *pole.Record) eventRow {
	row := eventRow{ID: rec.ID}
	ev, ok := rec.Body.(*pole.Event)
	if !ok {
		return row
	}
	row.Type, row.Category, row.Summary = ev.Type, ev.Category, ev.Summary
	if row.Summary == "" {
		row.Summary = ev.SanitisedSummary
	}
	if w := ev.When(); w != nil {
		row.When = momentText(w)
	}
	if g := ev.Grading; g != nil {
		row.Grading = g.Source + g.Information + g.Handling
	}
	return row
}
