package web

import (
	"net/http"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/audit"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
	"github.com/peel-rms/peel/ukref"
)

// me answers GET /api/v1/me: who the caller is and what they may do.
func (s *Server) me(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	perms := p.Perms
	if p.IsAdmin() {
		perms = append([]auth.Permission{auth.PermAdmin}, auth.AllPermissions...)
	}
	writeJSON(w, http.StatusOK, map[string]any{"username": p.Username, "roles": p.Roles, "permissions": perms})
	return nil
}

// listUsers answers GET /api/v1/users.
func (s *Server) listUsers(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	us, err := s.store.Users(r.Context(), p)
	if err != nil {
		return err
	}
	if us == nil {
		us = []*auth.User{}
	}
	writeJSON(w, http.StatusOK, newList(us, ""))
	return nil
}

type newUser struct {
	Username string   `json:"username"`
	Roles    []string `json:"roles"`
	Password string   `json:"password,omitempty"`
}

// createUser answers POST /api/v1/users. Without a password one is generated and returned once;
// the user must change it at first sign-in.
func (s *Server) createUser(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in newUser
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	generated := in.Password == ""
	if generated {
		in.Password = auth.GeneratePassword()
	} else if msg := auth.CheckPasswordStrength(in.Password); msg != "" {
		return pole.Invalid("weak password", pole.FieldError{Field: "password", Message: msg})
	}
	u, err := s.store.CreateUser(r.Context(), p, in.Username, in.Roles, in.Password, generated)
	if err != nil {
		return err
	}
	out := map[string]any{"user": u}
	if generated {
		out["password"] = in.Password
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

type userPatch struct {
	Roles    []string `json:"roles,omitempty"`
	Disabled *bool    `json:"disabled,omitempty"`
	Password string   `json:"password,omitempty"`
}

// patchUser answers PATCH /api/v1/users/{username}: roles, disabled, a new password.
func (s *Server) patchUser(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in userPatch
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	name := r.PathValue("username")
	if in.Roles != nil || in.Disabled != nil {
		if err := s.store.UpdateUser(r.Context(), p, name, in.Roles, in.Disabled); err != nil {
			return err
		}
	}
	if in.Password != "" {
		if err := s.store.SetPassword(r.Context(), p, name, in.Password); err != nil {
			return err
		}
	}
	u, err := s.store.User(r.Context(), name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

type newToken struct {
	Username string `json:"username,omitempty"`
	Name     string `json:"name"`
}

// createToken answers POST /api/v1/tokens: a new API token, shown once.
func (s *Server) createToken(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in newToken
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	if in.Username == "" {
		in.Username = p.Username
	}
	secret, err := s.store.CreateToken(r.Context(), p, in.Username, in.Name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]string{"token": secret, "username": in.Username, "name": in.Name})
	return nil
}

// listTokens answers GET /api/v1/tokens?username=U.
func (s *Server) listTokens(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	name := r.URL.Query().Get("username")
	if name == "" {
		name = p.Username
	}
	ts, err := s.store.Tokens(r.Context(), p, name)
	if err != nil {
		return err
	}
	if ts == nil {
		ts = []auth.Token{}
	}
	writeJSON(w, http.StatusOK, newList(ts, ""))
	return nil
}

// deleteToken answers DELETE /api/v1/tokens/{id}.
func (s *Server) deleteToken(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := s.store.RevokeToken(r.Context(), p, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// listRoles answers GET /api/v1/roles.
func (s *Server) listRoles(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	roles, err := s.store.Roles(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(roles, ""))
	return nil
}

// putRole answers PUT /api/v1/roles/{name}.
func (s *Server) putRole(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var role auth.Role
	if err := s.decode(w, r, &role); err != nil {
		return err
	}
	if role.Name == "" {
		role.Name = r.PathValue("name")
	}
	if role.Name != r.PathValue("name") {
		return pole.Invalid("name mismatch", pole.FieldError{Field: "name", Message: "must match the URL"})
	}
	if err := s.store.PutRole(r.Context(), p, role); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, role)
	return nil
}

// getVocabularies answers GET /api/v1/vocabularies.
func (s *Server) getVocabularies(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	v, err := s.store.Vocabulary(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// putVocabulary answers PUT /api/v1/vocabularies/{name} with the whole new list.
func (s *Server) putVocabulary(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var terms []ukref.Term
	if err := s.decode(w, r, &terms); err != nil {
		return err
	}
	if err := s.store.PutVocabulary(r.Context(), p, r.PathValue("name"), terms); err != nil {
		return err
	}
	v, err := s.store.Vocabulary(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"name": r.PathValue("name"), "terms": *v.List(r.PathValue("name"))})
	return nil
}

// settingsDoc is the force's settings.
type settingsDoc struct {
	RequirePurpose bool `json:"require_purpose"`
}

// getSettings answers GET /api/v1/settings.
func (s *Server) getSettings(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	v, err := s.store.Setting(r.Context(), "require_purpose", "false")
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, settingsDoc{RequirePurpose: v == "true"})
	return nil
}

// putSettings answers PUT /api/v1/settings.
func (s *Server) putSettings(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in settingsDoc
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	v := "false"
	if in.RequirePurpose {
		v = "true"
	}
	if err := s.store.PutSetting(r.Context(), p, "require_purpose", v); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, in)
	return nil
}

// auditAnswer is a page of audit entries.
type auditAnswer struct {
	Entries []audit.Entry `json:"entries"`
	Before  *int64        `json:"before"`
}

func auditPage(es []audit.Entry) auditAnswer {
	if es == nil {
		es = []audit.Entry{}
	}
	a := auditAnswer{Entries: es}
	if len(es) > 0 {
		b := es[len(es)-1].Seq
		a.Before = &b
	}
	return a
}

// listAudit answers GET /api/v1/audit?record=&user=&action=&before=.
func (s *Server) listAudit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	q := r.URL.Query()
	before, err := queryInt(r, "before", 0)
	if err != nil {
		return err
	}
	limit, err := queryInt(r, "limit", 100)
	if err != nil {
		return err
	}
	es, err := s.store.Audit(r.Context(), p, peel.AuditFilter{Record: q.Get("record"), User: q.Get("user"), Action: q.Get("action"), Before: int64(before), Limit: limit})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, auditPage(es))
	return nil
}

// verifyAudit answers POST /api/v1/audit/verify.
func (s *Server) verifyAudit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := p.Require(auth.PermAudit); err != nil {
		return err
	}
	n, err := s.store.VerifyAudit(r.Context())
	out := map[string]any{"ok": err == nil, "entries": n}
	if err != nil {
		out["error"] = err.Error()
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
