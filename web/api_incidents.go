package web

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/hazard"
	"github.com/peel-rms/peel/incident"
	"github.com/peel-rms/peel/pole"
)

// intakeRequest is the body of POST /api/v1/incidents.
type intakeRequest struct {
	Category   string          `json:"category"`
	OccurredAt *pole.Moment    `json:"occurred_at,omitempty"`
	ReportedAt *pole.Moment    `json:"reported_at,omitempty"`
	Location   *intakeLocation `json:"location,omitempty"`
	Summary    string          `json:"summary,omitempty"`
	Reporter   json.RawMessage `json:"reporter,omitempty"`
}

// intakeLocation is {"id"}, {"lat","lon"}, or an address in the interchange shape.
type intakeLocation struct {
	ID       string   `json:"id,omitempty"`
	Lat      *float64 `json:"lat,omitempty"`
	Lon      *float64 `json:"lon,omitempty"`
	Accuracy float64  `json:"accuracy_m,omitempty"`
	Lines    []string `json:"lines,omitempty"`
	Town     string   `json:"town,omitempty"`
	Postcode string   `json:"postcode,omitempty"`
	Country  string   `json:"country,omitempty"`
	UPRN     string   `json:"uprn,omitempty"`
}

// intakeAnswer is the report as a record plus what matching decided.
type intakeAnswer struct {
	Record      *pole.Record
	DuplicateOf *string
	ReportCount int
	Hazards     []hazard.Hazard
	Reasons     []string
}

func (a intakeAnswer) MarshalJSON() ([]byte, error) {
	rec, err := json.Marshal(a.Record)
	if err != nil {
		return nil, err
	}
	hs := a.Hazards
	if hs == nil {
		hs = []hazard.Hazard{}
	}
	rs := a.Reasons
	if rs == nil {
		rs = []string{}
	}
	extra, err := json.Marshal(struct {
		DuplicateOf *string         `json:"duplicate_of"`
		ReportCount int             `json:"report_count"`
		Hazards     []hazard.Hazard `json:"hazards"`
		Reasons     []string        `json:"match_reasons"`
	}{a.DuplicateOf, a.ReportCount, hs, rs})
	if err != nil {
		return nil, err
	}
	out := append(rec[:len(rec)-1:len(rec)-1], ',')
	return append(out, extra[1:]...), nil
}

// intake answers POST /api/v1/incidents.
func (s *Server) intake(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in intakeRequest
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	rep := &peel.IntakeReport{Category: in.Category, OccurredAt: in.OccurredAt, ReportedAt: in.ReportedAt, Summary: in.Summary}
	if l := in.Location; l != nil {
		if l.Accuracy < 0 {
			return pole.Invalid("bad accuracy", pole.FieldError{Field: "location.accuracy_m", Message: "must not be negative"})
		}
		switch {
		case l.ID != "":
			// A premises or landmark record, and where the caller's handset put them when known:
			// a record without coordinates then takes the caller's point.
			rep.Location.ID = l.ID
			if l.Lat != nil && l.Lon != nil {
				rep.Location.Lat, rep.Location.Lon, rep.Location.Accuracy = l.Lat, l.Lon, l.Accuracy
			}
		case len(l.Lines) > 0 || l.Postcode != "" || l.UPRN != "":
			rep.Location.Address = &pole.Location{Lines: l.Lines, Town: l.Town, Postcode: l.Postcode, Country: l.Country, UPRN: l.UPRN, Lat: l.Lat, Lon: l.Lon}
		case l.Lat != nil && l.Lon != nil:
			rep.Location.Lat, rep.Location.Lon = l.Lat, l.Lon
			rep.Location.Accuracy = l.Accuracy
		default:
			return pole.Invalid("bad location", pole.FieldError{Field: "location", Message: "give {\"id\"}, {\"lat\",\"lon\"} or an address"})
		}
	}
	if len(in.Reporter) > 0 && string(in.Reporter) != "null" {
		var ref struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(in.Reporter, &ref) == nil && ref.ID != "" && bytes.Count(in.Reporter, []byte(":")) == 1 {
			rep.ReporterID = ref.ID
		} else {
			var kind struct {
				Kind string `json:"kind"`
			}
			_ = json.Unmarshal(in.Reporter, &kind)
			if kind.Kind != "" && kind.Kind != "person" {
				return pole.Invalid("bad reporter", pole.FieldError{Field: "reporter.kind", Message: "a reporter is a person"})
			}
			body := in.Reporter
			if kind.Kind != "" {
				var m map[string]json.RawMessage
				_ = json.Unmarshal(body, &m)
				delete(m, "kind")
				body, _ = json.Marshal(m)
			}
			pin, perr := pole.DecodeInput(body, pole.KindPerson)
			if perr != nil {
				perr.Fields = prefixFieldErrors("reporter", perr.Fields)
				return perr
			}
			rep.Reporter = pin
		}
	}
	res, err := s.store.Intake(r.Context(), p, rep)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/incidents/"+res.Record.ID)
	writeJSON(w, http.StatusCreated, intakeAnswer{res.Record, res.DuplicateOf, res.ReportCount, res.Hazards, res.Reasons})
	return nil
}

func prefixFieldErrors(prefix string, fs []pole.FieldError) []pole.FieldError {
	for i := range fs {
		if fs[i].Field == "" {
			fs[i].Field = prefix
		} else {
			fs[i].Field = prefix + "." + fs[i].Field
		}
	}
	return fs
}

// incidentAnswer is an incident with all its reports.
type incidentAnswer struct {
	Incident    *pole.Record   `json:"incident"`
	Reports     []*pole.Record `json:"reports"`
	ReportCount int            `json:"report_count"`
	Open        bool           `json:"open"`
	Location    *peel.Brief    `json:"location"`
}

// getIncident answers GET /api/v1/incidents/{id} (a report's id answers its master incident).
func (s *Server) getIncident(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	inc, err := s.store.Incident(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, incidentAnswer{inc.Record, inc.Reports, inc.ReportCount, inc.Open, inc.Location})
	return nil
}

type incidentsAnswer struct {
	Incidents []incidentSummary `json:"incidents"`
}

type incidentSummary struct {
	Incident    *pole.Record    `json:"incident"`
	ReportCount int             `json:"report_count"`
	Location    *peel.Brief     `json:"location"`
	Hazards     []hazard.Hazard `json:"hazards"`
}

// openIncidents answers GET /api/v1/incidents: the open incidents, newest first, with report
// counts and hazards, for the dispatch board.
func (s *Server) openIncidents(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	limit, err := queryInt(r, "limit", 100)
	if err != nil {
		return err
	}
	incs, err := s.store.OpenIncidents(r.Context(), p, limit)
	if err != nil {
		return err
	}
	out := incidentsAnswer{Incidents: []incidentSummary{}}
	for _, i := range incs {
		out.Incidents = append(out.Incidents, incidentSummary{i.Incident.Record, i.Incident.ReportCount, i.Incident.Location, i.Hazards})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type splitRequest struct {
	Report string `json:"report"`
}

// splitIncident answers POST /api/v1/incidents/{id}/split: a wrongly grouped report becomes an
// incident of its own.
func (s *Server) splitIncident(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in splitRequest
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	if in.Report == "" {
		return pole.Invalid("report is required", pole.FieldError{Field: "report", Message: "is required"})
	}
	inc, err := s.store.SplitIncident(r.Context(), p, r.PathValue("id"), in.Report)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, incidentAnswer{inc.Record, inc.Reports, inc.ReportCount, inc.Open, inc.Location})
	return nil
}

type joinRequest struct {
	Incident string `json:"incident"`
}

// joinIncidents answers POST /api/v1/incidents/{id}/join: another incident and its reports become
// reports of this one.
func (s *Server) joinIncidents(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in joinRequest
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	if in.Incident == "" {
		return pole.Invalid("incident is required", pole.FieldError{Field: "incident", Message: "is required"})
	}
	inc, err := s.store.JoinIncidents(r.Context(), p, r.PathValue("id"), in.Incident)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, incidentAnswer{inc.Record, inc.Reports, inc.ReportCount, inc.Open, inc.Location})
	return nil
}

// getIncidentRules answers GET /api/v1/incident-rules.
func (s *Server) getIncidentRules(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	rules, err := s.store.IncidentRules(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rules)
	return nil
}

// putIncidentRules answers PUT /api/v1/incident-rules.
func (s *Server) putIncidentRules(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var rules incident.Rules
	if err := s.decode(w, r, &rules); err != nil {
		return err
	}
	if err := s.store.PutIncidentRules(r.Context(), p, rules); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rules)
	return nil
}

// incidentOperations are intake, the dispatch board and the matching rules.
func (s *Server) incidentOperations() []op {
	return []op{
		{Method: "POST", Path: "/api/v1/incidents", Handler: s.intake, Access: writes, Tag: "incidents",
			Summary: "Raise an incident report: matched against open incidents, answered with the master's report count and hazards",
			In:      typeSchema[intakeRequest](), Out: schemaRef("IntakeAnswer"), Status: 201},
		{Method: "GET", Path: "/api/v1/incidents", Handler: s.openIncidents, Access: reads, Tag: "incidents",
			Summary: "Open incidents with report counts and hazards (the dispatch board)", Out: typeSchema[incidentsAnswer](), Params: []param{limitParam}},
		{Method: "GET", Path: "/api/v1/incidents/{id}", Handler: s.getIncident, Access: reads, Tag: "incidents",
			Summary: "An incident with every report (a report's id answers its incident)", Out: typeSchema[incidentAnswer](), Params: []param{pathID}},
		{Method: "POST", Path: "/api/v1/incidents/{id}/split", Handler: s.splitIncident, Access: writes, Tag: "incidents",
			Summary: "Split a wrongly grouped report out into an incident of its own", In: typeSchema[splitRequest](), Out: typeSchema[incidentAnswer](), Params: []param{pathID}},
		{Method: "POST", Path: "/api/v1/incidents/{id}/join", Handler: s.joinIncidents, Access: writes, Tag: "incidents",
			Summary: "Join another incident (and its reports) into this one", In: typeSchema[joinRequest](), Out: typeSchema[incidentAnswer](), Params: []param{pathID}},
		{Method: "GET", Path: "/api/v1/alerts/stream", Raw: s.alertStream, Tag: "incidents", ContentType: "text/event-stream", Out: sseBody,
			Summary: "Server-Sent Events: one \"hazard\" event when an incident is raised where hazards are known, or a hazard is added where an incident is open. Each event's id resumes the stream with Last-Event-ID.",
			Params:  []param{{"area", "query", "string", "minLat,minLon,maxLat,maxLon or lat,lon,radius_m (required without dispatch permission)"}, {"Last-Event-ID", "header", "string", "resume after this alert"}}},
		{Method: "GET", Path: "/api/v1/incident-rules", Handler: s.getIncidentRules, Access: noPurpose, Tag: "incidents",
			Summary: "The repeat-report matching rules: radius, window and compatible categories per category", Out: typeSchema[incident.Rules]()},
		{Method: "PUT", Path: "/api/v1/incident-rules", Handler: s.putIncidentRules, Access: noPurpose, Tag: "incidents",
			Summary: "Replace the repeat-report matching rules", In: typeSchema[incident.Rules](), Out: typeSchema[incident.Rules]()},
	}
}
