package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/hazard"
	"github.com/peel-rms/peel/pole"
)

// reportView is one report of an incident, with who called it in.
type reportView struct {
	ID, Category, When, Reported, Summary string
	Master                                bool
	Callers                               []peel.OtherRecord
}

// incidentData is what incident.html shows.
type incidentData struct {
	Rec         *pole.Record
	Path        string
	Category    string
	When        string
	Summary     string
	Open        bool
	Location    *peel.Brief
	ReportCount int
	Reports     []reportView
	Hazards     []hazardView
	// Message is a problem with the last action; JoinValue and JoinError are the join form's.
	Message   string
	JoinValue string
	JoinError string
}

// incidentPage answers GET /incidents/{id}: an incident and every report of it, each with its
// callers, the hazards where it is, and (for those who may change records) split, join and close.
// A report's id shows its incident.
func (s *Server) incidentPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	inc, err := s.store.Incident(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	if inc.Record.ID != r.PathValue("id") {
		to := incidentPath(inc.Record.ID)
		if q := r.URL.RawQuery; q != "" {
			to += "?" + q
		}
		http.Redirect(w, r, to, http.StatusSeeOther)
		return nil
	}
	return s.renderIncident(w, r, p, inc, http.StatusOK, incidentData{})
}

func (s *Server) renderIncident(w http.ResponseWriter, r *http.Request, p *auth.Principal, inc *peel.Incident, status int, d incidentData) error {
	ctx := r.Context()
	d.Rec, d.Path, d.Open, d.Location, d.ReportCount = inc.Record, incidentPath(inc.Record.ID), inc.Open, inc.Location, inc.ReportCount
	ev, _ := inc.Record.Body.(*pole.Event)
	if ev == nil {
		return pole.Errorf(pole.ENotFound, "that record is not an incident")
	}
	d.Category, d.Summary = ev.Category, ev.Summary
	if w := ev.When(); w != nil {
		d.When = momentText(w)
	}
	for i, rep := range inc.Reports {
		rv := reportView{ID: rep.ID, Master: i == 0}
		if re, ok := rep.Body.(*pole.Event); ok {
			rv.Category, rv.Summary = re.Category, re.Summary
			if re.OccurredAt != nil {
				rv.When = momentText(re.OccurredAt)
			}
			if re.ReportedAt != nil {
				rv.Reported = momentText(re.ReportedAt)
			}
		}
		links, err := s.store.LinksOf(ctx, p, rep.ID, nil)
		if err != nil {
			return err
		}
		for _, l := range links {
			if l.Role == "reporter_of" && l.Direction == "in" {
				rv.Callers = append(rv.Callers, l.Other)
			}
		}
		d.Reports = append(d.Reports, rv)
	}
	now := s.store.Now()
	var hs []hazard.Hazard
	var err error
	switch {
	case inc.Location != nil:
		hs, err = s.store.Hazards(ctx, p, inc.Location.ID, now)
	case ev.Lat != nil && ev.Lon != nil:
		hs, _, err = s.store.HazardsAt(ctx, p, *ev.Lat, *ev.Lon, now)
	}
	if err != nil {
		return err
	}
	vocab, err := s.store.Vocabulary(ctx)
	if err != nil {
		return err
	}
	if d.Hazards, err = s.hazardViews(ctx, p, hs, vocab, true); err != nil {
		return err
	}
	title := "Incident: " + humanize(d.Category)
	s.show(w, r, status, "incident.html", view{Title: title, Data: d})
	return nil
}

// incidentAction runs a change to an incident and goes back to its page, or shows the page with
// what went wrong (beside the join form, with the id typed, for a join).
func (s *Server) incidentAction(w http.ResponseWriter, r *http.Request, p *auth.Principal, done string, act func() (string, error), join string) error {
	to, err := act()
	if err == nil {
		http.Redirect(w, r, incidentPath(to)+"?done="+done, http.StatusSeeOther)
		return nil
	}
	var pe *pole.Error
	if !errors.As(err, &pe) || statusOf(err) >= 500 || statusOf(err) == http.StatusForbidden || statusOf(err) == http.StatusUnauthorized {
		return err
	}
	inc, ierr := s.store.Incident(r.Context(), p, r.PathValue("id"))
	if ierr != nil {
		return err
	}
	msg := upperFirst(pe.Message) + "."
	for _, f := range pe.Fields {
		msg = upperFirst(f.Message) + "."
	}
	if pe.Code == pole.EPreconditionFailed {
		msg = "Someone changed this incident while you were looking at it. Check it and try again."
	}
	d := incidentData{Message: msg}
	if done == "incident-joined" {
		d = incidentData{JoinValue: join, JoinError: msg}
	}
	return s.renderIncident(w, r, p, inc, statusOf(err), d)
}

// incidentSplit answers POST /incidents/{id}/split: a wrongly grouped report becomes an incident
// of its own.
func (s *Server) incidentSplit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	id, report := r.PathValue("id"), r.PostForm.Get("report")
	return s.incidentAction(w, r, p, "incident-split", func() (string, error) {
		if report == "" {
			return "", pole.Invalid("choose a report", pole.FieldError{Field: "report", Message: "choose the report to split out"})
		}
		_, err := s.store.SplitIncident(r.Context(), p, id, report)
		return id, err
	}, "")
}

// incidentJoin answers POST /incidents/{id}/join: another incident, by id, and its reports become
// reports of this one.
func (s *Server) incidentJoin(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	id, other := r.PathValue("id"), strings.TrimSpace(r.PostForm.Get("incident"))
	return s.incidentAction(w, r, p, "incident-joined", func() (string, error) {
		if other == "" {
			return "", pole.Invalid("give an incident", pole.FieldError{Field: "incident", Message: "enter the id of the incident to join into this one"})
		}
		inc, err := s.store.JoinIncidents(r.Context(), p, id, other)
		if err != nil {
			return "", err
		}
		return inc.Record.ID, nil
	}, other)
}

// incidentClose answers POST /incidents/{id}/close: a merge patch of the incident's status at the
// version the page showed.
func (s *Server) incidentClose(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	id := r.PathValue("id")
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	return s.incidentAction(w, r, p, "incident-closed", func() (string, error) {
		patch, err := json.Marshal(map[string]any{"status": pole.StatusClosed, "closed_at": s.store.Now().Format(time.RFC3339)})
		if err != nil {
			return "", err
		}
		_, err = s.store.Update(r.Context(), p, id, version, patch)
		return id, err
	}, "")
}
