package web

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
)

//go:embed templates/*.html
var templateFS embed.FS

// pages holds the parsed HTML templates: one per page, each with the shared layout and the
// shared partials (files named _*.html).
type pages struct {
	byName map[string]*template.Template
}

func loadPages() (*pages, error) {
	p := &pages{byName: map[string]*template.Template{}}
	names, err := templateFS.ReadDir("templates")
	if err != nil {
		return nil, err
	}
	shared := []string{"templates/layout.html"}
	for _, n := range names {
		if strings.HasPrefix(n.Name(), "_") {
			shared = append(shared, "templates/"+n.Name())
		}
	}
	for _, n := range names {
		if n.Name() == "layout.html" || strings.HasPrefix(n.Name(), "_") {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, append(shared, "templates/"+n.Name())...)
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
	// PurposeRequired says the force requires a stated purpose for record reads.
	PurposeRequired bool
	// Here is the page's own path and query, for "next" after signing in or stating a purpose.
	Here    string
	Flash   string
	Data    any
	Errors  map[string]string
	Version string
	// Bare hides the navigation (sign-in and password pages).
	Bare bool
}

// Can reports whether the signed-in user holds the permission, for showing only allowed actions.
func (v view) Can(perm string) bool { return v.User.Can(auth.Permission(perm)) }

// CanAdmin reports whether the user may see any administration page.
func (v view) CanAdmin() bool {
	return v.User.Can(auth.PermUsers) || v.User.Can(auth.PermVocab)
}

// render writes a page; a template error is answered 500 before anything is sent.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page string, v view) {
	s.renderTemplate(w, r, status, page, "layout.html", v)
}

// renderPartial writes one named template of a page without the layout, for htmx swaps.
func (s *Server) renderPartial(w http.ResponseWriter, r *http.Request, page, name string, v view) {
	s.renderTemplate(w, r, http.StatusOK, page, name, v)
}

func (s *Server) renderTemplate(w http.ResponseWriter, r *http.Request, status int, page, name string, v view) {
	t := s.pages.byName[page]
	if t == nil {
		s.log.Error("no such page template", "page", page)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	v.Version = s.cfg.Version
	if v.User == nil {
		if p, ok := r.Context().Value(principalKey).(*auth.Principal); ok {
			v.User = p
		}
	}
	if v.User != nil && v.Purpose == "" {
		v.Purpose = v.User.Purpose
	}
	if v.Here == "" {
		// After a POST, the page the form was on: a form's own URL may answer only POST.
		v.Here = nextOf(r)
	}
	if v.Flash == "" {
		v.Flash = flashes[r.URL.Query().Get("done")]
	}
	if v.User != nil && !v.Bare {
		req, err := s.store.Setting(r.Context(), "require_purpose", "false")
		v.PurposeRequired = err == nil && req == "true"
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, v); err != nil {
		s.log.Error("render page", "page", page, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Vary", "HX-Request")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// flashes are the messages a redirect may ask the next page to show (?done=code); only these
// fixed texts are ever shown, so a link cannot put words in Peel's mouth.
var flashes = map[string]string{
	"created":      "Record created.",
	"matched":      "A record with the same identity key already existed: your reference was added to it.",
	"saved":        "Changes saved.",
	"unchanged":    "Nothing was changed.",
	"linked":       "Link added.",
	"relinked":     "Those records were already linked with that role and start; nothing was added.",
	"link-ended":   "Link ended.",
	"link-deleted": "Link deleted.",
	"marker-added": "Warning marker added.",
	"marker-ended": "Warning marker expired.",
	"deleted":      "Record deleted.",
	"password":     "Your password has been changed.",
	"purpose":      "Purpose of access recorded.",
	"user-saved":   "User saved.",
	"token-gone":   "Token revoked.",
	"vocab-saved":  "Vocabulary saved.",
	"settings":     "Settings saved.",
	"signed-out":   "You have signed out.",
}

// uiRoutes are the officer web UI's pages.
func (s *Server) uiRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.loginSubmit)
	mux.HandleFunc("POST /logout", s.logout)
	mux.HandleFunc("GET /password", s.page(noPurpose, s.passwordPage))
	mux.HandleFunc("POST /password", s.page(noPurpose, s.passwordSubmit))
	mux.HandleFunc("GET /purpose", s.page(noPurpose, s.purposePage))
	mux.HandleFunc("POST /purpose", s.page(noPurpose, s.purposeSubmit))

	mux.HandleFunc("GET /{$}", s.page(noPurpose, s.homePage))
	mux.HandleFunc("GET /search", s.page(reads, s.searchPage))

	mux.HandleFunc("GET /records/{id}", s.page(reads, s.recordPage))
	mux.HandleFunc("GET /records/{id}/delete", s.page(reads, s.deletePage))
	mux.HandleFunc("POST /records/{id}/delete", s.page(writes, s.deleteSubmit))
	mux.HandleFunc("GET /new/{kind}", s.page(noPurpose, s.newPage))
	mux.HandleFunc("POST /new/{kind}", s.page(writes, s.newSubmit))
	mux.HandleFunc("GET /records/{id}/edit", s.page(reads, s.editPage))
	mux.HandleFunc("POST /records/{id}/edit", s.page(writes, s.editSubmit))
	mux.HandleFunc("GET /records/{id}/markers", s.page(reads, s.markersPage))
	mux.HandleFunc("POST /records/{id}/markers", s.page(writes, s.markerAdd))
	mux.HandleFunc("POST /records/{id}/markers/expire", s.page(writes, s.markerExpire))
	mux.HandleFunc("GET /records/{id}/link", s.page(reads, s.linkPage))
	mux.HandleFunc("POST /records/{id}/link", s.page(writes, s.linkSubmit))
	mux.HandleFunc("GET /records/{id}/link/suggest", s.page(reads, s.linkSuggest))
	mux.HandleFunc("POST /records/{id}/links/{link}/end", s.page(writes, s.linkEnd))
	mux.HandleFunc("GET /records/{id}/links/{link}/delete", s.page(reads, s.linkDeletePage))
	mux.HandleFunc("POST /records/{id}/links/{link}/delete", s.page(writes, s.linkDeleteSubmit))
	mux.HandleFunc("GET /records/{id}/history", s.page(reads, s.historyPage))
	mux.HandleFunc("GET /records/{id}/audit", s.page(reads, s.recordAuditPage))

	mux.HandleFunc("GET /audit", s.page(noPurpose, s.auditPage))
	mux.HandleFunc("POST /audit/verify", s.page(noPurpose, s.auditVerify))

	mux.HandleFunc("GET /admin", s.page(noPurpose, s.adminPage))
	mux.HandleFunc("GET /admin/users", s.page(noPurpose, s.usersPage))
	mux.HandleFunc("POST /admin/users", s.page(noPurpose, s.userAdd))
	mux.HandleFunc("GET /admin/users/{username}", s.page(noPurpose, s.userPage))
	mux.HandleFunc("POST /admin/users/{username}", s.page(noPurpose, s.userSubmit))
	mux.HandleFunc("GET /admin/tokens", s.page(noPurpose, s.tokensPage))
	mux.HandleFunc("POST /admin/tokens", s.page(noPurpose, s.tokenCreate))
	mux.HandleFunc("POST /admin/tokens/{id}/revoke", s.page(noPurpose, s.tokenRevoke))
	mux.HandleFunc("GET /admin/vocabularies", s.page(noPurpose, s.vocabsPage))
	mux.HandleFunc("GET /admin/vocabularies/{name}", s.page(noPurpose, s.vocabPage))
	mux.HandleFunc("POST /admin/vocabularies/{name}", s.page(noPurpose, s.vocabSubmit))
	mux.HandleFunc("GET /admin/settings", s.page(noPurpose, s.settingsPage))
	mux.HandleFunc("POST /admin/settings", s.page(noPurpose, s.settingsSubmit))

	mux.HandleFunc("GET /records/{id}/chart", s.page(reads, s.chartPage))
	mux.HandleFunc("GET /records/{id}/timeline", s.page(reads, s.timelinePage))
	mux.HandleFunc("GET /records/{id}/map", s.page(reads, s.mapPage))
	mux.HandleFunc("GET /records/{id}/contacts", s.page(reads, s.contactsPage))
	mux.HandleFunc("GET /records/{id}/activity", s.page(reads, s.activityPage))
	mux.HandleFunc("GET /records/{id}/intelligence", s.page(reads, s.intelligencePage))
	mux.HandleFunc("GET /records/{id}/hazards", s.page(reads, s.hazardsPage))
	mux.HandleFunc("GET /dispatch", s.page(reads, s.dispatchPage))
	mux.HandleFunc("GET /dispatch/board", s.page(reads, s.dispatchBoard))
	mux.HandleFunc("POST /dispatch/incidents", s.page(writes, s.raiseIncident))
	mux.HandleFunc("GET /incidents/rules", s.page(noPurpose, s.rulesPage))
	mux.HandleFunc("POST /incidents/rules", s.page(noPurpose, s.rulesSubmit))
	mux.HandleFunc("GET /incidents/{id}", s.page(reads, s.incidentPage))
	mux.HandleFunc("POST /incidents/{id}/split", s.page(writes, s.incidentSplit))
	mux.HandleFunc("POST /incidents/{id}/join", s.page(writes, s.incidentJoin))
	mux.HandleFunc("POST /incidents/{id}/close", s.page(writes, s.incidentClose))
	mux.HandleFunc("GET /alerts", s.page(noPurpose, s.alertsPage))
	mux.HandleFunc("GET /markers", s.page(reads, s.markersReviewPage))
	mux.HandleFunc("POST /markers/review", s.page(writes, s.markersReviewSubmit))

	mux.HandleFunc("GET /import", s.page(noPurpose, s.importPage))
	mux.HandleFunc("POST /import", s.page(writes, s.importSubmit))

	s.duplicateRoutes(mux)

	// Everything else that is not the API or a static file is a page that does not exist.
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.pageError(w, r, pole.Errorf(pole.ENotFound, "there is no page at %s", r.URL.Path))
	})
}

// pageHandler is a UI handler that runs with a signed-in principal and returns its error, which
// is answered as an HTML error page.
type pageHandler func(w http.ResponseWriter, r *http.Request, p *auth.Principal) error

// page wraps a UI handler: the session, the forced password change, the stated purpose, and
// errors as HTML pages.
func (s *Server) page(a access, h pageHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, u, err := s.authenticate(r)
		if err != nil {
			s.pageError(w, r, err)
			return
		}
		if u != nil && u.MustChange && r.URL.Path != "/password" {
			s.redirect(w, r, "/password?next="+url.QueryEscape(nextOf(r)))
			return
		}
		p.Purpose = purposeOf(r)
		if a == reads {
			if err := s.requirePurpose(r, p); err != nil {
				s.pageError(w, r, err)
				return
			}
		}
		ctx := context.WithValue(r.Context(), principalKey, p)
		if u != nil {
			ctx = context.WithValue(ctx, userKey, u)
		}
		r = r.WithContext(ctx)
		if err := h(w, r, p); err != nil {
			s.pageError(w, r, err)
		}
	}
}

// nextOf is where to come back to after signing in or stating a purpose: the page itself for a
// GET, else the page the form was on.
func nextOf(r *http.Request) string {
	if r.Method == http.MethodGet {
		return r.URL.RequestURI()
	}
	if ref := r.Header.Get("Referer"); ref != "" {
		if u, err := url.Parse(ref); err == nil && u.Host == r.Host {
			return safeNext(u.RequestURI())
		}
	}
	return "/"
}

// safeNext keeps a "next" location only when it is a path on this site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n\t") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return "/"
	}
	return next
}

// redirect sends the browser to a page: a 303 for ordinary requests, HX-Redirect for htmx ones
// (so a swap never puts a whole page inside a region).
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, to string) {
	if isHTMX(r) {
		w.Header().Set("HX-Redirect", to)
		w.WriteHeader(http.StatusOK)
		return
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// isHTMX reports whether htmx made the request to swap part of a page.
func isHTMX(r *http.Request) bool {
	return r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-History-Restore-Request") != "true"
}

// errorPage is what error.html shows.
type errorPage struct {
	Status  int
	Heading string
	Message string
	Fields  []string
}

// pageError answers an error as an HTML page, with the status statusOf decides: 401 sends the
// browser to sign in, 428 to state a purpose, anything else shows a page with a safe message.
func (s *Server) pageError(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	switch status {
	case http.StatusUnauthorized:
		if c, cerr := r.Cookie(SessionCookie); cerr == nil && c.Value != "" {
			s.clearCookie(w, SessionCookie)
		}
		s.redirect(w, r, "/login?next="+url.QueryEscape(nextOf(r)))
		return
	case http.StatusPreconditionRequired:
		s.redirect(w, r, "/purpose?next="+url.QueryEscape(nextOf(r)))
		return
	}
	ep := errorPage{Status: status, Heading: http.StatusText(status)}
	var pe *pole.Error
	switch {
	case errors.As(err, &pe):
		ep.Message = upperFirst(pe.Message) + "."
		for _, f := range pe.Fields {
			ep.Fields = append(ep.Fields, strings.TrimPrefix(humanize(f.Field)+": ", ": ")+f.Message)
		}
	case status == http.StatusRequestEntityTooLarge:
		ep.Message = "The upload is larger than the server accepts."
	default:
		s.log.Error("page failed", "method", r.Method, "path", r.URL.Path, "err", err)
		ep.Message = "Something went wrong on our side. It has been logged; try again, and tell your IT team if it keeps happening."
	}
	switch status {
	case http.StatusNotFound:
		ep.Heading = "Page not found"
	case http.StatusForbidden:
		ep.Heading = "You do not have permission to do this"
	case http.StatusInternalServerError:
		ep.Heading = "Sorry, there is a problem with Peel"
	}
	v := view{Title: ep.Heading, Data: ep}
	if p, _, aerr := s.authenticate(r); aerr == nil {
		p.Purpose = purposeOf(r)
		v.User = p
	} else {
		v.Bare = true
	}
	if isHTMX(r) {
		// Swap the message into the region rather than a whole page.
		s.renderTemplate(w, r, status, "error.html", "error-message", v)
		return
	}
	s.render(w, r, status, "error.html", v)
}

// setCookie sets one of Peel's browser cookies: HttpOnly, SameSite=Lax, Secure as configured.
func (s *Server) setCookie(w http.ResponseWriter, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookies})
}

func (s *Server) clearCookie(w http.ResponseWriter, name string) {
	s.setCookie(w, name, "", -1)
}

// userOf returns the signed-in user of a page request (nil for API tokens).
func userOf(r *http.Request) *auth.User {
	u, _ := r.Context().Value(userKey).(*auth.User)
	return u
}

var funcs = template.FuncMap{
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04")
	},
	"moment": momentText,
	"isodate": func(m *pole.Moment) string {
		if m == nil {
			return ""
		}
		return m.T.UTC().Format(time.DateOnly)
	},
	"words": humanize,
	"join":  strings.Join,
	"query": url.QueryEscape,
	"pct": func(f float64) string {
		return strings.TrimRight(strings.TrimRight(formatFloat(f*100, 0), "0"), ".") + "%"
	},
	"score": func(f float64) string { return formatFloat(f, 2) },
	"add":   func(a, b int) int { return a + b },
	"kinds": func() []pole.Kind { return pole.Kinds },
	// input makes a field for the "field" partial: name, label, type, value, error and an
	// optional hint.
	"input": func(name, label, typ, value, errMsg string, hint ...string) fieldView {
		f := fieldView{ID: inputID(name), Name: name, Label: label, Type: typ, Value: value, Error: errMsg}
		if len(hint) > 0 {
			f.Hint = hint[0]
		}
		return f
	},
	// auto sets a field's autocomplete attribute.
	"auto": func(auto string, f fieldView) fieldView { f.Auto = auto; return f },
	"inputType": func(t string) string {
		switch t {
		case ftDate, ftTel, "password", "search":
			return t
		case ftDateTime:
			return "datetime-local"
		}
		return "text"
	},
}

// Described is the field's aria-describedby: its hint and its error.
func (f fieldView) Described() string {
	var ids []string
	if f.Hint != "" {
		ids = append(ids, f.ID+"-hint")
	}
	if f.Error != "" {
		ids = append(ids, f.ID+"-error")
	}
	return strings.Join(ids, " ")
}

// humanize turns a code into words: "resides_at" is "resides at".
func humanize(s string) string { return strings.ReplaceAll(s, "_", " ") }

// momentText shows a moment: a date as written, a time to the minute in UTC.
func momentText(m *pole.Moment) string {
	if m == nil {
		return ""
	}
	if m.DateOnly {
		return m.String()
	}
	return m.T.UTC().Format("2006-01-02 15:04")
}
