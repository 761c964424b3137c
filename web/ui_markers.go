package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
)

// markersPageData is what markers.html shows.
type markersPageData struct {
	Rec     *pole.Record
	Path    string
	Markers []markerView
	Codes   []option
	Values  map[string]string
	Message string
	Summary []summaryItem
}

// markerFields are the inputs of the add-marker form, named as in a marker's JSON.
var markerFields = []fieldDef{
	{Name: "code", Label: "Marker", Type: ftSelect, Options: "marker_codes", Required: true},
	{Name: "valid_from", Label: "Valid from", Type: ftDate},
	{Name: "valid_to", Label: "Valid to", Type: ftDate},
	{Name: "review_date", Label: "Review date", Type: ftDate},
	{Name: "note", Label: "Note", Type: ftTextarea},
}

func (s *Server) markerRecord(r *http.Request, p *auth.Principal, audited bool) (*pole.Record, error) {
	rec, err := s.store.Get(r.Context(), p, r.PathValue("id"), peel.GetOptions{NoAudit: !audited})
	if err != nil {
		return nil, err
	}
	if rec.Kind != pole.KindPerson && rec.Kind != pole.KindLocation {
		return nil, pole.Errorf(pole.ENotFound, "only people and locations carry warning markers")
	}
	return rec, nil
}

// markersPage answers GET /records/{id}/markers: the record's markers and a form to add one.
func (s *Server) markersPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := p.Require(auth.PermWrite); err != nil {
		return err
	}
	rec, err := s.markerRecord(r, p, true)
	if err != nil {
		return err
	}
	return s.renderMarkers(w, r, http.StatusOK, rec, map[string]string{"valid_from": s.store.Now().Format(time.DateOnly)}, nil, "")
}

func (s *Server) renderMarkers(w http.ResponseWriter, r *http.Request, status int, rec *pole.Record, values, errs map[string]string, msg string) error {
	vocab, err := s.store.Vocabulary(r.Context())
	if err != nil {
		return err
	}
	d := markersPageData{Rec: rec, Path: recordPath(rec.ID), Markers: markerViews(pole.MarkersOf(rec.Body), vocab, s.store.Now()),
		Codes: optionsFor("marker_codes", vocab), Values: values, Message: msg}
	for _, f := range markerFields {
		if m, ok := errs[f.Name]; ok {
			d.Summary = append(d.Summary, summaryItem{Href: "#" + inputID(f.Name), Text: f.Label + ": " + m})
		}
	}
	for k, m := range errs {
		if !isMarkerField(k) {
			d.Summary = append(d.Summary, summaryItem{Href: "#form-top", Text: humanize(k) + ": " + m})
		}
	}
	for i := range d.Codes {
		d.Codes[i].Selected = d.Codes[i].Value == values["code"]
	}
	s.render(w, r, status, "markers.html", view{Title: "Warning markers: " + rec.Label(), Data: d, Errors: errs})
	return nil
}

func isMarkerField(name string) bool {
	for _, f := range markerFields {
		if f.Name == name {
			return true
		}
	}
	return false
}

// markerList is the record's markers as JSON values, to patch.
func markerList(rec *pole.Record) []any {
	list, _ := bodyDoc(rec.Body)["markers"].([]any)
	return list
}

// markerAdd answers POST /records/{id}/markers: add a marker with a merge patch of the list.
func (s *Server) markerAdd(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	rec, err := s.markerRecord(r, p, false)
	if err != nil {
		return err
	}
	values, errs := map[string]string{}, map[string]string{}
	m := map[string]any{}
	for _, f := range markerFields {
		raw := r.PostForm.Get(f.Name)
		values[f.Name] = raw
		v, ok, problem := formValue(f, raw)
		switch {
		case problem != "":
			errs[f.Name] = problem
		case ok:
			m[f.Name] = v
		case f.Required:
			errs[f.Name] = "Choose a marker."
		}
	}
	if len(errs) > 0 {
		return s.renderMarkers(w, r, http.StatusUnprocessableEntity, rec, values, errs, "")
	}
	list := append(markerList(rec), m)
	return s.patchMarkers(w, r, p, rec, list, len(list)-1, values, "marker-added")
}

// markerExpire answers POST /records/{id}/markers/expire: end one marker now.
func (s *Server) markerExpire(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	rec, err := s.markerRecord(r, p, false)
	if err != nil {
		return err
	}
	list := markerList(rec)
	i, err := strconv.Atoi(r.PostForm.Get("index"))
	if err != nil || i < 0 || i >= len(list) {
		return pole.Errorf(pole.ENotFound, "that marker is not on the record any more")
	}
	m, _ := list[i].(map[string]any)
	// The marker is named by code and start too, so a stale index cannot end another one.
	if fmt.Sprint(m["code"]) != r.PostForm.Get("code") {
		return s.renderMarkers(w, r, http.StatusConflict, rec, map[string]string{}, nil, "The markers changed while you were looking at them; check the list and try again.")
	}
	m["valid_to"] = s.store.Now().Format(time.RFC3339)
	return s.patchMarkers(w, r, p, rec, list, -1, map[string]string{}, "marker-ended")
}

// patchMarkers writes the new marker list at the version the form was based on.
func (s *Server) patchMarkers(w http.ResponseWriter, r *http.Request, p *auth.Principal, rec *pole.Record, list []any, added int, values map[string]string, done string) error {
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	body, err := json.Marshal(map[string]any{"markers": list})
	if err != nil {
		return err
	}
	if _, err := s.store.Update(r.Context(), p, rec.ID, version, body); err != nil {
		var pe *pole.Error
		if !errors.As(err, &pe) || statusOf(err) >= 500 {
			return err
		}
		if cur, gerr := s.markerRecord(r, p, false); gerr == nil {
			rec = cur
		}
		errs := map[string]string{}
		prefix := fmt.Sprintf("markers[%d].", added)
		for _, fe := range pe.Fields {
			name := fe.Field
			if added >= 0 && len(name) > len(prefix) && name[:len(prefix)] == prefix {
				name = name[len(prefix):]
			}
			errs[name] = fe.Message
		}
		msg := ""
		if pe.Code == pole.EPreconditionFailed {
			msg = "Someone changed this record while you were looking at it. Check the markers below and try again."
		} else if len(pe.Fields) == 0 {
			msg = upperFirst(pe.Message) + "."
		}
		return s.renderMarkers(w, r, statusOf(err), rec, values, errs, msg)
	}
	http.Redirect(w, r, recordPath(rec.ID)+"?done="+url.QueryEscape(done), http.StatusSeeOther)
	return nil
}
