package web

import (
	"net/http"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
)

// createLink answers POST /api/v1/links.
func (s *Server) createLink(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in pole.LinkInput
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	if in.Kind != "" && in.Kind != "link" {
		return pole.Invalid("bad kind", pole.FieldError{Field: "kind", Message: "must be \"link\" or absent"})
	}
	l, created, err := s.store.CreateLink(r.Context(), p, &in)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if !created {
		status = http.StatusOK
	}
	w.Header().Set("Location", "/api/v1/links/"+l.ID)
	writeJSON(w, status, l)
	return nil
}

// getLink answers GET /api/v1/links/{id}.
func (s *Server) getLink(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	l, err := s.store.GetLink(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

// patchLink answers PATCH /api/v1/links/{id}.
func (s *Server) patchLink(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	body, err := s.readBody(w, r)
	if err != nil {
		return err
	}
	l, err := s.store.UpdateLink(r.Context(), p, r.PathValue("id"), version, body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

// deleteLink answers DELETE /api/v1/links/{id}.
func (s *Server) deleteLink(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	if err := s.store.DeleteLink(r.Context(), p, r.PathValue("id"), version); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// lookup answers GET /api/v1/lookup?source=S&ref=R.
func (s *Server) lookup(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	q := r.URL.Query()
	var errs []pole.FieldError
	if q.Get("source") == "" {
		errs = append(errs, pole.FieldError{Field: "source", Message: "is required"})
	}
	if q.Get("ref") == "" {
		errs = append(errs, pole.FieldError{Field: "ref", Message: "is required"})
	}
	if len(errs) > 0 {
		return pole.Invalid("source and ref are required", errs...)
	}
	rec, err := s.store.Lookup(r.Context(), p, q.Get("source"), q.Get("ref"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"id": rec.ID, "kind": string(rec.Kind)})
	return nil
}

// search answers GET /api/v1/search?q=TEXT[&kind=person][&limit=N].
func (s *Server) search(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	q := r.URL.Query().Get("q")
	if len(q) > 200 {
		return pole.Invalid("query too long", pole.FieldError{Field: "q", Message: "at most 200 characters"})
	}
	var kind pole.Kind
	if k := r.URL.Query().Get("kind"); k != "" {
		kind = pole.Kind(k)
		if !kind.Valid() {
			return pole.Invalid("bad kind", pole.FieldError{Field: "kind", Message: "is not a record kind"})
		}
	}
	limit, err := queryInt(r, "limit", 20)
	if err != nil {
		return err
	}
	res, err := s.store.Search(r.Context(), p, q, kind, limit)
	if err != nil {
		return err
	}
	if res == nil {
		res = []peel.SearchResult{}
	}
	writeJSON(w, http.StatusOK, searchAnswer{Results: res})
	return nil
}

// searchAnswer is the answer of a search.
type searchAnswer struct {
	Results []peel.SearchResult `json:"results"`
}
