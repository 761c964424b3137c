package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
	"github.com/peel-rms/peel/ukref"
)

// linkPageData is what link.html shows.
type linkPageData struct {
	Rec         *pole.Record
	Path        string
	Roles       []option
	Values      map[string]string
	Query       string
	Searched    bool
	Suggestions []peel.SearchResult
	Summary     []summaryItem
	Message     string
}

// linkFields are the link form's inputs with their labels, in order, for the error summary.
var linkFields = []struct{ Name, Label string }{
	{"role", "Role"}, {"other", "Other record"}, {"direction", "Direction"}, {"valid_from", "Valid from"}, {"valid_to", "Valid to"}, {"evidence", "Evidence"},
}

// roleOptions lists the link roles that can join a record of this kind to anything, in either
// direction, labelled with the kinds they join.
func roleOptions(vocab *ukref.Vocabulary, kind pole.Kind) []option {
	var out []option
	for i := range vocab.LinkRoles {
		t := &vocab.LinkRoles[i]
		fits := false
		for _, k := range pole.Kinds {
			if t.RoleAllows(string(kind), string(k)) || t.RoleAllows(string(k), string(kind)) {
				fits = true
				break
			}
		}
		if !fits {
			continue
		}
		from, to := "any", "any"
		if len(t.From) > 0 {
			from = strings.Join(t.From, "/")
		}
		if len(t.To) > 0 {
			to = strings.Join(t.To, "/")
		}
		label := humanize(t.Code) + " (" + from + " → " + to + ")"
		if t.Description != "" {
			label += " — " + t.Description
		}
		out = append(out, option{Value: t.Code, Label: label})
	}
	return out
}

// linkPage answers GET /records/{id}/link: the form to link this record to another, with search
// suggestions (?q=) for finding the other record without JavaScript.
func (s *Server) linkPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := p.Require(auth.PermWrite); err != nil {
		return err
	}
	rec, err := s.store.Get(r.Context(), p, r.PathValue("id"), peel.GetOptions{})
	if err != nil {
		return err
	}
	q := r.URL.Query()
	values := map[string]string{"direction": "auto"}
	for _, f := range linkFields {
		if v := q.Get(f.Name); v != "" {
			values[f.Name] = v
		}
	}
	if v := q.Get("pick"); v != "" && values["other"] == "" {
		values["other"] = v
	}
	d := linkPageData{Query: strings.TrimSpace(q.Get("q"))}
	if d.Query != "" {
		d.Searched = true
		if d.Suggestions, err = s.suggest(r, p, rec.ID, d.Query); err != nil {
			return err
		}
	}
	return s.renderLink(w, r, http.StatusOK, rec, d, values, nil)
}

func (s *Server) suggest(r *http.Request, p *auth.Principal, self, q string) ([]peel.SearchResult, error) {
	res, err := s.store.Search(r.Context(), p, q, "", 10)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(res, func(x peel.SearchResult) bool { return x.ID == self }), nil
}

func (s *Server) renderLink(w http.ResponseWriter, r *http.Request, status int, rec *pole.Record, d linkPageData, values, errs map[string]string) error {
	vocab, err := s.store.Vocabulary(r.Context())
	if err != nil {
		return err
	}
	d.Rec, d.Path, d.Values = rec, recordPath(rec.ID), values
	d.Roles = roleOptions(vocab, rec.Kind)
	for i := range d.Roles {
		d.Roles[i].Selected = d.Roles[i].Value == values["role"]
	}
	for _, f := range linkFields {
		if m, ok := errs[f.Name]; ok {
			d.Summary = append(d.Summary, summaryItem{Href: "#" + inputID(f.Name), Text: f.Label + ": " + m})
		}
	}
	s.render(w, r, status, "link.html", view{Title: "Link " + rec.Label(), Data: d, Errors: errs})
	return nil
}

// linkSuggest answers GET /records/{id}/link/suggest?q=: the suggestions region alone, for htmx.
func (s *Server) linkSuggest(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id := r.PathValue("id")
	d := linkPageData{Query: strings.TrimSpace(r.URL.Query().Get("q")), Path: recordPath(id), Values: map[string]string{}}
	if d.Query != "" {
		d.Searched = true
		var err error
		if d.Suggestions, err = s.suggest(r, p, id, d.Query); err != nil {
			return err
		}
	}
	s.renderPartial(w, r, "link.html", "suggestions", view{Data: d})
	return nil
}

// linkSubmit answers POST /records/{id}/link.
func (s *Server) linkSubmit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	rec, err := s.store.Get(r.Context(), p, r.PathValue("id"), peel.GetOptions{NoAudit: true})
	if err != nil {
		return err
	}
	values := map[string]string{}
	for _, f := range linkFields {
		values[f.Name] = strings.TrimSpace(r.PostForm.Get(f.Name))
	}
	if values["other"] == "" {
		values["other"] = strings.TrimSpace(r.PostForm.Get("pick"))
	}
	d := linkPageData{Query: strings.TrimSpace(r.PostForm.Get("q"))}
	errs := map[string]string{}
	in := &pole.LinkInput{Role: values["role"], Evidence: values["evidence"]}
	for _, name := range []string{"valid_from", "valid_to"} {
		v, ok, problem := formValue(fieldDef{Type: ftDate}, values[name])
		if problem != "" {
			errs[name] = problem
		} else if ok {
			m, _ := pole.ParseMoment(v.(string))
			if name == "valid_from" {
				in.ValidFrom = &m
			} else {
				in.ValidTo = &m
			}
		}
	}
	if in.Role == "" {
		errs["role"] = "Choose the role of the link."
	}
	if values["other"] == "" {
		errs["other"] = "Find the other record and choose it, or paste its id."
	}
	if len(errs) > 0 {
		return s.renderLink(w, r, http.StatusUnprocessableEntity, rec, d, values, errs)
	}
	out := true
	switch values["direction"] {
	case "in":
		out = false
	case "out":
	default:
		// Automatic: the direction the role allows between the two kinds.
		other, err := s.store.Get(r.Context(), p, values["other"], peel.GetOptions{NoAudit: true})
		if err == nil {
			if vocab, err := s.store.Vocabulary(r.Context()); err == nil {
				if t := ukref.Find(vocab.LinkRoles, in.Role); t != nil && !t.RoleAllows(string(rec.Kind), string(other.Kind)) && t.RoleAllows(string(other.Kind), string(rec.Kind)) {
					out = false
				}
			}
		}
	}
	in.From, in.To = rec.ID, values["other"]
	if !out {
		in.From, in.To = values["other"], rec.ID
	}
	_, created, err := s.store.CreateLink(r.Context(), p, in)
	if err != nil {
		var pe *pole.Error
		if !errors.As(err, &pe) || statusOf(err) >= 500 {
			return err
		}
		for _, fe := range pe.Fields {
			name := fe.Field
			switch name {
			case "from", "to":
				name = "other"
			}
			if _, dup := errs[name]; !dup {
				errs[name] = fe.Message
			}
		}
		if len(pe.Fields) == 0 {
			d.Message = upperFirst(pe.Message) + "."
		}
		return s.renderLink(w, r, statusOf(err), rec, d, values, errs)
	}
	done := "linked"
	if !created {
		done = "relinked"
	}
	http.Redirect(w, r, recordPath(rec.ID)+"?done="+done, http.StatusSeeOther)
	return nil
}

// ownLink reads a link of the record in the path, so one record's page cannot act on another's
// links.
func (s *Server) ownLink(r *http.Request, p *auth.Principal) (*pole.Link, error) {
	l, err := s.store.GetLink(r.Context(), p, r.PathValue("link"))
	if err != nil {
		return nil, err
	}
	if id := r.PathValue("id"); l.From != id && l.To != id {
		return nil, pole.NotFound("link", r.PathValue("link"))
	}
	return l, nil
}

// linkEnd answers POST /records/{id}/links/{link}/end: the link stops being valid on a date.
func (s *Server) linkEnd(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	if _, err := s.ownLink(r, p); err != nil {
		return err
	}
	end := strings.TrimSpace(r.PostForm.Get("valid_to"))
	if end == "" {
		end = s.store.Now().Format(time.RFC3339)
	} else if _, ok, problem := formValue(fieldDef{Type: ftDate}, end); !ok || problem != "" {
		return pole.Invalid("bad end date", pole.FieldError{Field: "valid_to", Message: "enter the end date as YYYY-MM-DD"})
	}
	body, _ := json.Marshal(map[string]string{"valid_to": end})
	if _, err := s.store.UpdateLink(r.Context(), p, r.PathValue("link"), 0, body); err != nil {
		return err
	}
	http.Redirect(w, r, recordPath(r.PathValue("id"))+"?done=link-ended", http.StatusSeeOther)
	return nil
}

// linkDeleteData is what link_delete.html shows.
type linkDeleteData struct {
	Link  *pole.Link
	Path  string
	Other string
}

// linkDeletePage answers GET /records/{id}/links/{link}/delete: confirm first.
func (s *Server) linkDeletePage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := p.Require(auth.PermWrite); err != nil {
		return err
	}
	l, err := s.ownLink(r, p)
	if err != nil {
		return err
	}
	d := linkDeleteData{Link: l, Path: recordPath(r.PathValue("id"))}
	if o, err := s.store.Get(r.Context(), p, l.Other(r.PathValue("id")), peel.GetOptions{NoAudit: true}); err == nil {
		d.Other = o.Label()
	}
	s.render(w, r, http.StatusOK, "link_delete.html", view{Title: "Delete link", Data: d})
	return nil
}

// linkDeleteSubmit answers POST /records/{id}/links/{link}/delete.
func (s *Server) linkDeleteSubmit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if _, err := s.ownLink(r, p); err != nil {
		return err
	}
	if err := s.store.DeleteLink(r.Context(), p, r.PathValue("link"), 0); err != nil {
		return err
	}
	http.Redirect(w, r, recordPath(r.PathValue("id"))+"?done=link-deleted", http.StatusSeeOther)
	return nil
}
