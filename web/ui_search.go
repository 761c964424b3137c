package web

import (
	"net/http"
	"strings"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
)

// searchData is what home.html shows.
type searchData struct {
	Q        string
	Kind     pole.Kind
	Searched bool
	Results  []peel.SearchResult
}

// homePage answers GET /: the search box.
func (s *Server) homePage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	s.render(w, r, http.StatusOK, "home.html", view{Title: "Search", Data: searchData{}})
	return nil
}

// searchPage answers GET /search?q=&kind=: one search across every kind. htmx asks for the
// results region alone as the user types; without JavaScript the form submits to the full page.
func (s *Server) searchPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	q := r.URL.Query()
	d := searchData{Q: strings.TrimSpace(q.Get("q")), Kind: pole.Kind(q.Get("kind"))}
	if d.Kind != "" && !d.Kind.Valid() {
		d.Kind = ""
	}
	if d.Q != "" {
		d.Searched = true
		res, err := s.store.Search(r.Context(), p, d.Q, d.Kind, 50)
		if err != nil {
			return err
		}
		d.Results = res
	}
	title := "Search"
	if d.Q != "" {
		title = "Search: " + d.Q
	}
	v := view{Title: title, Data: d}
	if isHTMX(r) && r.Header.Get("HX-Target") == "results" {
		s.renderPartial(w, r, "home.html", "results", v)
		return nil
	}
	s.render(w, r, http.StatusOK, "home.html", v)
	return nil
}
