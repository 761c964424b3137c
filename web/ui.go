package web

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
	"time"

	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
)

//go:embed templates/*.html
var templateFS embed.FS

// pages holds the parsed HTML templates: one per page, each with the shared layout.
type pages struct {
	byName map[string]*template.Template
}

var funcs = template.FuncMap{
	"date": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04") },
}

func loadPages() (*pages, error) {
	p := &pages{byName: map[string]*template.Template{}}
	names, err := templateFS.ReadDir("templates")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		if n.Name() == "layout.html" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+n.Name())
		if err != nil {
			return nil, err
		}
		p.byName[n.Name()] = t
	}
	return p, nil
}

// view is what every page template receives.
type view struct {
	Title   string
	User    *auth.Principal
	Purpose string
	Flash   string
	Data    any
	Errors  map[string]string
	Version string
}

// render writes a page; a template error is answered 500 before anything is sent.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page string, v view) {
	t := s.pages.byName[page]
	if t == nil {
		s.log.Error("no such page template", "page", page)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	v.Version = s.cfg.Version
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", v); err != nil {
		s.log.Error("render page", "page", page, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// uiRoutes are the officer web UI's pages.
func (s *Server) uiRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		s.render(w, r, http.StatusOK, "home.html", view{Title: "Peel"})
	})
}

var _ = pole.ENotFound
