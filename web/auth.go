package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
)

// SessionCookie is the name of the browser session cookie.
const SessionCookie = "peel_session"

// PurposeHeader carries the stated justification of a request, recorded in the audit log.
const PurposeHeader = "X-Peel-Purpose"

// authenticate resolves the request's principal from a bearer token or the session cookie.
func (s *Server) authenticate(r *http.Request) (*auth.Principal, *auth.User, error) {
	ctx := r.Context()
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, token, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
			return nil, nil, pole.Errorf(pole.EUnauthorized, "the Authorization header must be \"Bearer TOKEN\"")
		}
		p, err := s.store.TokenPrincipal(ctx, strings.TrimSpace(token))
		return p, nil, err
	}
	if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
		return s.store.SessionPrincipal(ctx, c.Value)
	}
	return nil, nil, pole.Errorf(pole.EUnauthorized, "sign in, or send an API token as \"Authorization: Bearer TOKEN\"")
}

// purposeOf returns the stated purpose of a request: the header, else (browsers) the purpose
// cookie the UI sets.
func purposeOf(r *http.Request) string {
	if v := strings.TrimSpace(r.Header.Get(PurposeHeader)); v != "" {
		return pole.Truncate(v, 500)
	}
	if c, err := r.Cookie(purposeCookie); err == nil {
		// The UI writes the cookie query-escaped, so any text survives the cookie syntax.
		v := c.Value
		if u, err := url.QueryUnescape(v); err == nil {
			v = u
		}
		return pole.Truncate(strings.TrimSpace(v), 500)
	}
	return ""
}

const purposeCookie = "peel_purpose"

// requirePurpose answers 428 when the force requires a stated purpose for record reads and the
// request has none.
func (s *Server) requirePurpose(r *http.Request, p *auth.Principal) error {
	if p.Purpose != "" {
		return nil
	}
	v, err := s.store.Setting(r.Context(), "require_purpose", "false")
	if err != nil {
		return err
	}
	if v == "true" {
		return pole.Errorf(pole.EPreconditionRequired, "this force requires a purpose for record reads: send it in the %s header", PurposeHeader)
	}
	return nil
}

// apiHandler is an API handler that runs with an authenticated principal and returns its error.
type apiHandler func(w http.ResponseWriter, r *http.Request, p *auth.Principal) error

// access says whether a route reads records (and so may need a stated purpose).
type access int

const (
	writes access = iota
	reads
	noPurpose // never requires a purpose (the alert stream, the caller's own account)
)

// api wraps an API handler: authentication, purpose, errors as problem documents.
func (s *Server) api(a access, h apiHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, _, err := s.authenticate(r)
		if err != nil {
			s.problem(w, r, err)
			return
		}
		p.Purpose = purposeOf(r)
		if a == reads {
			if err := s.requirePurpose(r, p); err != nil {
				s.problem(w, r, err)
				return
			}
		}
		r = r.WithContext(context.WithValue(r.Context(), principalKey, p))
		if err := h(w, r, p); err != nil {
			s.problem(w, r, err)
		}
	}
}
