package web

import (
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
)

// loginForm is what login.html shows.
type loginForm struct {
	Username string
	Next     string
	Error    string
}

// loginPage answers GET /login. A user who is already signed in goes on to where they were going.
func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	if _, _, err := s.authenticate(r); err == nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login.html", view{Title: "Sign in", Bare: true, Data: loginForm{Next: next}})
}

// loginSubmit answers POST /login: check the password (lockout applies), start a session, and
// send a user who must change their password to do so first.
func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.pageError(w, r, pole.Errorf(pole.EMalformed, "the form could not be read"))
		return
	}
	f := loginForm{Username: strings.TrimSpace(r.PostForm.Get("username")), Next: safeNext(r.PostForm.Get("next"))}
	password := r.PostForm.Get("password")
	if f.Username == "" || password == "" {
		f.Error = "Enter your username and password."
		s.render(w, r, http.StatusUnprocessableEntity, "login.html", view{Title: "Sign in", Bare: true, Data: f})
		return
	}
	u, err := s.store.SignIn(r.Context(), f.Username, password, clientIP(r))
	if err != nil {
		if pole.ErrorCode(err) != pole.EUnauthorized {
			s.pageError(w, r, err)
			return
		}
		f.Error = "Unknown username or wrong password."
		var pe *pole.Error
		if errors.As(err, &pe) {
			f.Error = upperFirst(pe.Message) + "."
		}
		s.render(w, r, http.StatusUnauthorized, "login.html", view{Title: "Sign in", Bare: true, Data: f})
		return
	}
	secret, err := s.store.CreateSession(r.Context(), u)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.setCookie(w, SessionCookie, secret, 0)
	if u.MustChange {
		http.Redirect(w, r, "/password?next="+url.QueryEscape(f.Next), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, f.Next, http.StatusSeeOther)
}

// clientIP is the address a sign-in came from, for the audit log.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// logout answers POST /logout: end the session and forget the cookies.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
		if err := s.store.EndSession(r.Context(), c.Value); err != nil {
			s.log.Error("end session", "err", err)
		}
	}
	s.clearCookie(w, SessionCookie)
	s.clearCookie(w, purposeCookie)
	http.Redirect(w, r, "/login?done=signed-out", http.StatusSeeOther)
}

// passwordForm is what password.html shows.
type passwordForm struct {
	Forced bool
	Next   string
	Errors map[string]string
}

// passwordPage answers GET /password: choose a new password (forced at first sign-in).
func (s *Server) passwordPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	u := userOf(r)
	if u == nil {
		return pole.Errorf(pole.EForbidden, "an API token cannot change a password; sign in")
	}
	f := passwordForm{Forced: u.MustChange, Next: safeNext(r.URL.Query().Get("next"))}
	s.render(w, r, http.StatusOK, "password.html", view{Title: "Change your password", Bare: u.MustChange, Data: f})
	return nil
}

// passwordSubmit answers POST /password: the current password, then the new one twice.
func (s *Server) passwordSubmit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	u := userOf(r)
	if u == nil {
		return pole.Errorf(pole.EForbidden, "an API token cannot change a password; sign in")
	}
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	f := passwordForm{Forced: u.MustChange, Next: safeNext(r.PostForm.Get("next")), Errors: map[string]string{}}
	cur, nw, again := r.PostForm.Get("current"), r.PostForm.Get("new"), r.PostForm.Get("again")
	switch {
	case !auth.CheckPassword(cur, u.PasswordHash):
		f.Errors["current"] = "This is not your current password."
	case auth.CheckPasswordStrength(nw) != "":
		f.Errors["new"] = "The new password " + auth.CheckPasswordStrength(nw) + "."
	case nw == cur:
		f.Errors["new"] = "Choose a password different from the current one."
	case nw != again:
		f.Errors["again"] = "The two new passwords are not the same."
	}
	if len(f.Errors) == 0 {
		err := s.store.SetPassword(r.Context(), p, u.Username, nw)
		if err == nil {
			next := f.Next
			sep := "?"
			if strings.Contains(next, "?") {
				sep = "&"
			}
			http.Redirect(w, r, next+sep+"done=password", http.StatusSeeOther)
			return nil
		}
		fe, ok := fieldErrors(err)
		if !ok {
			return err
		}
		for k, v := range fe {
			if k == "password" {
				k = "new"
			}
			f.Errors[k] = v
		}
	}
	s.render(w, r, http.StatusUnprocessableEntity, "password.html", view{Title: "Change your password", Bare: u.MustChange, Data: f, Errors: f.Errors})
	return nil
}

// purposeForm is what purpose.html shows.
type purposeForm struct {
	Next  string
	Error string
}

// purposePage answers GET /purpose: state why you are accessing records.
func (s *Server) purposePage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	s.render(w, r, http.StatusOK, "purpose.html", view{Title: "Purpose of access", Data: purposeForm{Next: safeNext(r.URL.Query().Get("next"))}})
	return nil
}

// purposeSubmit answers POST /purpose: keep the stated purpose in a cookie; every audited action
// records it.
func (s *Server) purposeSubmit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	purpose := pole.Truncate(strings.Join(strings.Fields(r.PostForm.Get("purpose")), " "), 500)
	next := safeNext(r.PostForm.Get("next"))
	if purpose == "" {
		req, err := s.store.Setting(r.Context(), "require_purpose", "false")
		if err != nil {
			return err
		}
		if req == "true" {
			msg := "Your force requires a purpose, for example an incident reference."
			p.Purpose = ""
			s.render(w, r, http.StatusUnprocessableEntity, "purpose.html", view{Title: "Purpose of access", User: p,
				Data: purposeForm{Next: next, Error: msg}, Errors: map[string]string{"purpose": msg}})
			return nil
		}
		s.clearCookie(w, purposeCookie)
	} else {
		s.setCookie(w, purposeCookie, url.QueryEscape(purpose), 12*3600)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// parseForm reads an url-encoded form body within the body limit.
func (s *Server) parseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
	if err := r.ParseForm(); err != nil {
		if statusOf(err) == http.StatusRequestEntityTooLarge {
			return &pole.Error{Code: pole.ETooLarge, Message: "the form is larger than the server accepts"}
		}
		return pole.Errorf(pole.EMalformed, "the form could not be read")
	}
	return nil
}

// fieldErrors returns the field messages of an invalid-input error, keyed by field path.
func fieldErrors(err error) (map[string]string, bool) {
	var pe *pole.Error
	if !errors.As(err, &pe) || len(pe.Fields) == 0 {
		return nil, false
	}
	out := map[string]string{}
	for _, f := range pe.Fields {
		if _, dup := out[f.Field]; !dup {
			out[f.Field] = f.Message
		}
	}
	return out, true
}
