package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
	"github.com/peel-rms/peel/ukref"
)

// boardSize bounds the open incidents the dispatch board shows.
const boardSize = 100

// boardRow is one open incident on the dispatch board.
type boardRow struct {
	ID, Category, When, Summary string
	LocationID, LocationLabel   string
	Reports                     int
	Hazards                     []hazardView
}

// dispatchData is what dispatch.html shows: the board and the form to raise an incident.
type dispatchData struct {
	Board   []boardRow
	Updated string
	Fields  map[string]fieldView
	Summary []summaryItem
}

// raiseFields are the inputs of the raise-an-incident form, in order.
var raiseFields = []struct{ Name, Label, Type, Hint string }{
	{"category", "Category", ftSelect, ""},
	{"occurred_at", "Occurred at", ftDateTime, "UTC. Empty: when the call came in."},
	{"location_id", "Location record id", "text", "The id shown on the location's record page."},
	{"lat", "Latitude", "number", ""},
	{"lon", "Longitude", "number", ""},
	{"lines", "Address lines", ftLines, "One line each."},
	{"town", "Town", "text", ""},
	{"postcode", "Postcode", "text", ""},
	{"summary", "Summary", ftTextarea, ""},
	{"caller_family_name", "Family name", "text", ""},
	{"caller_given_names", "Given names", "text", ""},
	{"caller_phone", "Telephone", ftTel, ""},
}

// board reads the open incidents, newest first, with their report counts and hazards.
func (s *Server) board(ctx context.Context, p *auth.Principal) ([]boardRow, error) {
	incs, err := s.store.OpenIncidents(ctx, p, boardSize)
	if err != nil {
		return nil, err
	}
	vocab, err := s.store.Vocabulary(ctx)
	if err != nil {
		return nil, err
	}
	var rows []boardRow
	for _, oi := range incs {
		inc := oi.Incident
		row := boardRow{ID: inc.Record.ID, Reports: inc.ReportCount}
		if ev, ok := inc.Record.Body.(*pole.Event); ok {
			row.Category, row.Summary = ev.Category, ev.Summary
			if w := ev.When(); w != nil {
				row.When = momentText(w)
			}
		}
		if inc.Location != nil {
			row.LocationID, row.LocationLabel = inc.Location.ID, inc.Location.Label
		}
		if row.Hazards, err = s.hazardViews(ctx, p, oi.Hazards, vocab, false); err != nil {
			return nil, err
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// dispatchPage answers GET /dispatch: the dispatch board of open incidents, kept up to date by
// static/dispatch.js from the alert stream, and the form to raise an incident.
func (s *Server) dispatchPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := p.Require(auth.PermDispatch); err != nil {
		return err
	}
	values := map[string]string{"occurred_at": s.store.Now().Format("2006-01-02T15:04")}
	return s.renderDispatch(w, r, p, http.StatusOK, values, nil)
}

func (s *Server) renderDispatch(w http.ResponseWriter, r *http.Request, p *auth.Principal, status int, values, errs map[string]string) error {
	rows, err := s.board(r.Context(), p)
	if err != nil {
		return err
	}
	vocab, err := s.store.Vocabulary(r.Context())
	if err != nil {
		return err
	}
	d := dispatchData{Board: rows, Updated: s.store.Now().Format("15:04:05"), Fields: map[string]fieldView{}}
	for _, f := range raiseFields {
		fv := fieldView{ID: inputID(f.Name), Name: f.Name, Label: f.Label, Type: f.Type, Value: values[f.Name], Hint: f.Hint, Error: errs[f.Name], Required: f.Name == "category"}
		if f.Type == ftSelect {
			fv.Options = optionsFor("categories", vocab)
			for i := range fv.Options {
				fv.Options[i].Selected = fv.Options[i].Value == values[f.Name]
			}
		}
		d.Fields[f.Name] = fv
		if m, ok := errs[f.Name]; ok {
			d.Summary = append(d.Summary, summaryItem{Href: "#" + fv.ID, Text: f.Label + ": " + m})
		}
	}
	if m, ok := errs[""]; ok {
		d.Summary = append(d.Summary, summaryItem{Href: "#raise-title", Text: m})
	}
	s.show(w, r, status, "dispatch.html", view{Title: "Dispatch board", Data: d, Errors: errs})
	return nil
}

// dispatchBoard answers GET /dispatch/board: the board alone, for the page to swap in when an
// alert arrives.
func (s *Server) dispatchBoard(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := p.Require(auth.PermDispatch); err != nil {
		return err
	}
	rows, err := s.board(r.Context(), p)
	if err != nil {
		return err
	}
	s.renderPartial(w, r, "dispatch.html", "board", view{Data: dispatchData{Board: rows, Updated: s.store.Now().Format("15:04:05")}})
	return nil
}

// raiseIncident answers POST /dispatch/incidents: intake of a report typed by a dispatcher. It
// goes to the incident's page, which says whether it repeated an open incident.
func (s *Server) raiseIncident(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := p.Require(auth.PermDispatch); err != nil {
		return err
	}
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	values := map[string]string{}
	for _, f := range raiseFields {
		values[f.Name] = r.PostForm.Get(f.Name)
	}
	rep, errs := s.readReport(r.Context(), values)
	if len(errs) > 0 {
		return s.renderDispatch(w, r, p, http.StatusUnprocessableEntity, values, errs)
	}
	res, err := s.store.Intake(r.Context(), p, rep)
	if err != nil {
		var pe *pole.Error
		if !errors.As(err, &pe) || statusOf(err) >= 500 || statusOf(err) == http.StatusForbidden {
			return err
		}
		errs = map[string]string{}
		for _, fe := range pe.Fields {
			errs[formFieldOf(fe.Field)] = upperFirst(fe.Message) + "."
		}
		if len(errs) == 0 {
			errs[""] = upperFirst(pe.Message) + "."
		}
		return s.renderDispatch(w, r, p, statusOf(err), values, errs)
	}
	to, done := res.Record.ID, "incident-raised"
	if res.DuplicateOf != nil {
		to, done = *res.DuplicateOf, "incident-repeat"
	}
	http.Redirect(w, r, incidentPath(to)+"?done="+done, http.StatusSeeOther)
	return nil
}

// formFieldOf maps an intake error's field to the form input that holds it.
func formFieldOf(field string) string {
	switch {
	case field == "location.id":
		return "location_id"
	case strings.HasPrefix(field, "location.lines"):
		return "lines"
	case strings.HasPrefix(field, "location."):
		return strings.TrimPrefix(field, "location.")
	case field == "lat" || field == "lon":
		return field
	case strings.HasPrefix(field, "reporter.phones"):
		return "caller_phone"
	case strings.HasPrefix(field, "reporter."):
		return "caller_" + strings.TrimPrefix(field, "reporter.")
	}
	return field
}

// readReport turns the form into an intake report: the location is a record id, else a point,
// else an address; the caller, when named, is recorded as the reporter.
func (s *Server) readReport(ctx context.Context, v map[string]string) (*peel.IntakeReport, map[string]string) {
	errs := map[string]string{}
	rep := &peel.IntakeReport{Category: strings.TrimSpace(v["category"]), Summary: strings.TrimSpace(v["summary"])}
	if rep.Category == "" {
		errs["category"] = "Choose a category."
	} else if vocab, err := s.store.Vocabulary(ctx); err == nil && !ukref.Has(vocab.Categories, rep.Category) {
		errs["category"] = "Choose a category from the list."
	}
	if t := strings.TrimSpace(v["occurred_at"]); t != "" {
		at, ok := parseDateTime(t)
		if !ok {
			errs["occurred_at"] = "Enter a date and time, for example 2026-11-20 14:30."
		} else {
			rep.OccurredAt = pole.At(at)
		}
	}
	lat, lon := strings.TrimSpace(v["lat"]), strings.TrimSpace(v["lon"])
	lines := strings.TrimSpace(v["lines"])
	switch {
	case strings.TrimSpace(v["location_id"]) != "":
		rep.Location.ID = strings.TrimSpace(v["location_id"])
	case lat != "" || lon != "":
		la, err1 := strconv.ParseFloat(lat, 64)
		lo, err2 := strconv.ParseFloat(lon, 64)
		if err1 != nil || la < -90 || la > 90 {
			errs["lat"] = "Enter a latitude between -90 and 90, for example 53.8008."
		}
		if err2 != nil || lo < -180 || lo > 180 {
			errs["lon"] = "Enter a longitude between -180 and 180, for example -1.5491."
		}
		rep.Location.Lat, rep.Location.Lon = &la, &lo
	case lines != "" || strings.TrimSpace(v["postcode"]) != "":
		addr := &pole.Location{Town: strings.TrimSpace(v["town"]), Postcode: strings.TrimSpace(v["postcode"]), Country: "GB"}
		for _, l := range strings.Split(lines, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				addr.Lines = append(addr.Lines, l)
			}
		}
		rep.Location.Address = addr
	default:
		errs["location_id"] = "Give where it happened: a location record, a point, or an address."
	}
	family, given, phone := strings.TrimSpace(v["caller_family_name"]), strings.TrimSpace(v["caller_given_names"]), strings.TrimSpace(v["caller_phone"])
	if family != "" || given != "" || phone != "" {
		doc := map[string]any{}
		if family != "" {
			doc["family_name"] = family
		}
		if given != "" {
			doc["given_names"] = given
		}
		if phone != "" {
			doc["phones"] = []map[string]string{{"number": phone}}
		}
		body, _ := json.Marshal(doc)
		in, perr := pole.DecodeInput(body, pole.KindPerson)
		if perr != nil {
			for _, fe := range perr.Fields {
				errs[formFieldOf("reporter."+fe.Field)] = upperFirst(fe.Message) + "."
			}
		} else {
			rep.Reporter = in
		}
	}
	return rep, errs
}

// incidentPath is an incident's page.
func incidentPath(id string) string { return "/incidents/" + url.PathEscape(id) }
