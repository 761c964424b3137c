package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/hazard"
	"github.com/peel-rms/peel/pole"
	"github.com/peel-rms/peel/ukref"
)

// hazardView is one hazard as shown: a type badge, what it is, the record it is about, why it
// applies to the place (the chain of link roles) and since when.
type hazardView struct {
	Type, TypeText, CodeText string
	RecordID, RecordLabel    string
	RecordKind               pole.Kind
	Via, Since, Note         string
}

var hazardTypeText = map[string]string{
	hazard.Firearm:          "Firearm",
	hazard.Marker:           "Warning marker",
	hazard.VulnerablePerson: "Vulnerable person",
	hazard.ViolentHistory:   "Violent history",
	hazard.MissingPerson:    "Missing before",
}

// hazardViews describes hazards; with named, each names its record (read without a further
// audit entry: the hazard query recorded the consultation).
func (s *Server) hazardViews(ctx context.Context, p *auth.Principal, hs []hazard.Hazard, vocab *ukref.Vocabulary, named bool) ([]hazardView, error) {
	labels := map[string]string{}
	var out []hazardView
	for _, h := range hs {
		v := hazardView{Type: h.Type, TypeText: hazardTypeText[h.Type], CodeText: humanize(h.Code), RecordID: h.Record.ID, RecordKind: h.Record.Kind, Note: h.Note}
		if v.TypeText == "" {
			v.TypeText = upperFirst(humanize(h.Type))
		}
		switch {
		case h.Type == hazard.Marker:
			v.CodeText = h.Code
			if t := ukref.Find(vocab.MarkerCodes, h.Code); t != nil && t.Description != "" {
				v.CodeText += " — " + t.Description
			}
			v.Note = humanize(h.Note)
		case h.Code == "stored_at":
			v.CodeText = "stored here"
		case h.Code == "certificate_holder_of":
			v.CodeText = "held on certificate by a resident"
		}
		var via []string
		for _, role := range h.Via {
			via = append(via, humanize(role))
		}
		v.Via = strings.Join(via, " → ")
		if h.Since != nil {
			v.Since = h.Since.UTC().Format("2006-01-02")
		}
		if named && h.Record.ID != "" {
			label, ok := labels[h.Record.ID]
			if !ok {
				rec, err := s.store.Get(ctx, p, h.Record.ID, peel.GetOptions{NoAudit: true})
				switch {
				case err == nil:
					label = rec.Label()
				case !pole.IsNotFound(err):
					return nil, err
				}
				labels[h.Record.ID] = label
			}
			v.RecordLabel = label
		}
		out = append(out, v)
	}
	return out, nil
}

// hazardsData is what hazards.html shows.
type hazardsData struct {
	subject
	Hazards []hazardView
	AsOf    string
}

// hazardsPage answers GET /records/{id}/hazards: the hazards at a location, as a page, or as
// the panel the location's record page loads into itself (htmx).
func (s *Server) hazardsPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	sub, err := s.loadSubject(r, p, "hazards", false, pole.KindLocation)
	if err != nil {
		return err
	}
	ctx := r.Context()
	now := s.store.Now()
	hs, err := s.store.Hazards(ctx, p, sub.Rec.ID, now)
	if err != nil {
		return err
	}
	vocab, err := s.store.Vocabulary(ctx)
	if err != nil {
		return err
	}
	views, err := s.hazardViews(ctx, p, hs, vocab, true)
	if err != nil {
		return err
	}
	v := view{Title: "Hazards: " + sub.Rec.Label(), Data: hazardsData{subject: sub, Hazards: views, AsOf: now.Format("2006-01-02 15:04")}}
	if isHTMX(r) {
		s.renderPartial(w, r, "hazards.html", "hazards-panel", v)
		return nil
	}
	s.show(w, r, http.StatusOK, "hazards.html", v)
	return nil
}
