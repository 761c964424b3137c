package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
	"github.com/peel-rms/peel/ukref"
)

// adminPage answers GET /admin: the administration pages the user may open.
func (s *Server) adminPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	s.render(w, r, http.StatusOK, "admin.html", view{Title: "Administration"})
	return nil
}

// usersData is what users.html shows.
type usersData struct {
	Users []*auth.User
	Roles []auth.Role
	// New is the form to add a user, with what was typed.
	NewName  string
	NewRoles []string
	// Created and Password show a new user's one-time password, once.
	Created  string
	Password string
	Message  string
}

// Picked reports whether a role was ticked on the add-user form.
func (d usersData) Picked(role string) bool { return slices.Contains(d.NewRoles, role) }

// usersPage answers GET /admin/users.
func (s *Server) usersPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return s.renderUsers(w, r, p, http.StatusOK, usersData{}, nil)
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, p *auth.Principal, status int, d usersData, errs map[string]string) error {
	if err := p.Require(auth.PermUsers); err != nil {
		return err
	}
	us, err := s.store.Users(r.Context(), p)
	if err != nil {
		return err
	}
	roles, err := s.store.Roles(r.Context())
	if err != nil {
		return err
	}
	d.Users, d.Roles = us, roles
	s.render(w, r, status, "users.html", view{Title: "Users", Data: d, Errors: errs})
	return nil
}

// userAdd answers POST /admin/users: a new user with a generated one-time password, shown once.
func (s *Server) userAdd(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	d := usersData{NewName: strings.TrimSpace(r.PostForm.Get("username")), NewRoles: r.PostForm["roles"]}
	errs := map[string]string{}
	if d.NewName == "" {
		errs["username"] = "Enter a username."
	}
	if len(d.NewRoles) == 0 {
		errs["roles"] = "Choose at least one role."
	}
	if len(errs) == 0 {
		pw := auth.GeneratePassword()
		_, err := s.store.CreateUser(r.Context(), p, d.NewName, d.NewRoles, pw, true)
		if err == nil {
			return s.renderUsers(w, r, p, http.StatusCreated, usersData{Created: d.NewName, Password: pw}, nil)
		}
		if err := formErrors(err, errs, &d.Message); err != nil {
			return err
		}
		for k, v := range errs {
			if strings.HasPrefix(k, "roles[") {
				errs["roles"] = v
			}
		}
	}
	return s.renderUsers(w, r, p, http.StatusUnprocessableEntity, d, errs)
}

// formErrors copies a refusal's field errors into errs (or its message into msg); an unexpected
// error is returned for the error page.
func formErrors(err error, errs map[string]string, msg *string) error {
	var pe *pole.Error
	if !errors.As(err, &pe) || statusOf(err) >= 500 || pe.Code == pole.EForbidden || pe.Code == pole.EUnauthorized {
		return err
	}
	for _, fe := range pe.Fields {
		if _, dup := errs[fe.Field]; !dup {
			errs[fe.Field] = upperFirst(fe.Message) + "."
		}
	}
	if len(pe.Fields) == 0 {
		*msg = upperFirst(pe.Message) + "."
	}
	return nil
}

// userData is what user.html shows.
type userData struct {
	U        *auth.User
	Roles    []auth.Role
	Password string
	Message  string
}

// Has reports whether the user holds a role, for the checkboxes.
func (d userData) Has(role string) bool { return slices.Contains(d.U.Roles, role) }

// userPage answers GET /admin/users/{username}.
func (s *Server) userPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return s.renderUser(w, r, p, http.StatusOK, userData{})
}

func (s *Server) renderUser(w http.ResponseWriter, r *http.Request, p *auth.Principal, status int, d userData) error {
	if err := p.Require(auth.PermUsers); err != nil {
		return err
	}
	u, err := s.store.User(r.Context(), r.PathValue("username"))
	if err != nil {
		return err
	}
	roles, err := s.store.Roles(r.Context())
	if err != nil {
		return err
	}
	d.U, d.Roles = u, roles
	s.render(w, r, status, "user.html", view{Title: "User " + u.Username, Data: d})
	return nil
}

// userSubmit answers POST /admin/users/{username}: change roles, disable or enable, or reset the
// password (a new one-time password, shown once).
func (s *Server) userSubmit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	name := r.PathValue("username")
	var err error
	d := userData{}
	switch r.PostForm.Get("action") {
	case "roles":
		roles := r.PostForm["roles"]
		if len(roles) == 0 {
			d.Message = "Choose at least one role."
			return s.renderUser(w, r, p, http.StatusUnprocessableEntity, d)
		}
		err = s.store.UpdateUser(r.Context(), p, name, roles, nil)
	case "disable", "enable":
		off := r.PostForm.Get("action") == "disable"
		if off && name == p.Username {
			d.Message = "You cannot disable your own account."
			return s.renderUser(w, r, p, http.StatusUnprocessableEntity, d)
		}
		err = s.store.UpdateUser(r.Context(), p, name, nil, &off)
	case "reset":
		pw := auth.GeneratePassword()
		if err = s.store.SetPassword(r.Context(), p, name, pw); err == nil {
			d.Password = pw
			return s.renderUser(w, r, p, http.StatusOK, d)
		}
	default:
		return pole.Errorf(pole.EMalformed, "unknown action")
	}
	if err != nil {
		errs := map[string]string{}
		if err := formErrors(err, errs, &d.Message); err != nil {
			return err
		}
		for _, v := range errs {
			d.Message = strings.TrimSpace(d.Message + " " + v)
		}
		return s.renderUser(w, r, p, http.StatusUnprocessableEntity, d)
	}
	http.Redirect(w, r, "/admin/users/"+url.PathEscape(name)+"?done=user-saved", http.StatusSeeOther)
	return nil
}

// tokensData is what tokens.html shows.
type tokensData struct {
	Username string
	Tokens   []auth.Token
	Users    []*auth.User
	// New shows a new token's secret, once.
	New     string
	NewName string
	Message string
}

// tokensPage answers GET /admin/tokens?user=U: a user's API tokens (default: your own).
func (s *Server) tokensPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	user := strings.TrimSpace(r.URL.Query().Get("user"))
	if user == "" {
		user = p.Username
	}
	return s.renderTokens(w, r, p, http.StatusOK, tokensData{Username: user})
}

func (s *Server) renderTokens(w http.ResponseWriter, r *http.Request, p *auth.Principal, status int, d tokensData) error {
	ts, err := s.store.Tokens(r.Context(), p, d.Username)
	if err != nil {
		return err
	}
	d.Tokens = ts
	if p.Can(auth.PermUsers) {
		if d.Users, err = s.store.Users(r.Context(), p); err != nil {
			return err
		}
	}
	s.render(w, r, status, "tokens.html", view{Title: "API tokens", Data: d})
	return nil
}

// tokenCreate answers POST /admin/tokens: a new token for yourself, or (administrators) for
// another user; the secret is shown once.
func (s *Server) tokenCreate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	user := strings.TrimSpace(r.PostForm.Get("username"))
	if user == "" {
		user = p.Username
	}
	name := strings.TrimSpace(r.PostForm.Get("name"))
	d := tokensData{Username: user}
	if name == "" {
		d.Message = "Give the token a name, for example the system that will use it."
		return s.renderTokens(w, r, p, http.StatusUnprocessableEntity, d)
	}
	secret, err := s.store.CreateToken(r.Context(), p, user, name)
	if err != nil {
		return err
	}
	d.New, d.NewName = secret, name
	return s.renderTokens(w, r, p, http.StatusCreated, d)
}

// tokenRevoke answers POST /admin/tokens/{id}/revoke.
func (s *Server) tokenRevoke(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	if err := s.store.RevokeToken(r.Context(), p, r.PathValue("id")); err != nil {
		return err
	}
	user := strings.TrimSpace(r.PostForm.Get("username"))
	http.Redirect(w, r, "/admin/tokens?user="+url.QueryEscape(user)+"&done=token-gone", http.StatusSeeOther)
	return nil
}

// vocabsData is what vocabularies.html shows.
type vocabsData struct {
	Lists []vocabSummary
}

type vocabSummary struct {
	Name  string
	Title string
	Count int
}

// vocabsPage answers GET /admin/vocabularies.
func (s *Server) vocabsPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := p.Require(auth.PermVocab); err != nil {
		return err
	}
	v, err := s.store.Vocabulary(r.Context())
	if err != nil {
		return err
	}
	d := vocabsData{}
	for _, n := range ukref.VocabularyNames {
		d.Lists = append(d.Lists, vocabSummary{Name: n, Title: humanize(n), Count: len(*v.List(n))})
	}
	s.render(w, r, http.StatusOK, "vocabularies.html", view{Title: "Vocabularies", Data: d})
	return nil
}

// vocabData is what vocabulary.html shows.
type vocabData struct {
	Name   string
	Title  string
	Format string
	Text   string
	Errors []string
}

// vocabFormat describes the one-term-per-line format of a list.
func vocabFormat(name string) string {
	if name == "link_roles" {
		return "code|description|from kinds|to kinds (kinds separated by commas; empty means any kind)"
	}
	return "code|description|category"
}

// vocabText writes a list one term per line.
func vocabText(name string, terms []ukref.Term) string {
	var b strings.Builder
	for _, t := range terms {
		cols := []string{t.Code, t.Description, t.Category}
		if name == "link_roles" {
			cols = []string{t.Code, t.Description, strings.Join(t.From, ","), strings.Join(t.To, ",")}
		}
		for len(cols) > 1 && cols[len(cols)-1] == "" {
			cols = cols[:len(cols)-1]
		}
		b.WriteString(strings.Join(cols, "|"))
		b.WriteByte('\n')
	}
	return b.String()
}

// parseVocab reads the one-term-per-line text back; lines maps each term to its line number.
func parseVocab(name, text string) (terms []ukref.Term, lines []int, problems []string) {
	for i, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "|")
		for j := range cols {
			cols[j] = strings.TrimSpace(cols[j])
		}
		for len(cols) < 4 {
			cols = append(cols, "")
		}
		t := ukref.Term{Code: cols[0], Description: cols[1]}
		if name == "link_roles" {
			t.From, t.To = kindList(cols[2]), kindList(cols[3])
			for _, k := range append(slices.Clone(t.From), t.To...) {
				if !pole.Kind(k).Valid() {
					problems = append(problems, fmt.Sprintf("Line %d: %q is not a record kind.", i+1, k))
				}
			}
		} else {
			t.Category = cols[2]
			if cols[3] != "" {
				problems = append(problems, fmt.Sprintf("Line %d: too many columns.", i+1))
			}
		}
		if t.Code == "" {
			problems = append(problems, fmt.Sprintf("Line %d: a term needs a code.", i+1))
		}
		terms = append(terms, t)
		lines = append(lines, i+1)
	}
	return terms, lines, problems
}

func kindList(s string) []string {
	var out []string
	for _, k := range strings.Split(s, ",") {
		if k = strings.TrimSpace(k); k != "" {
			out = append(out, k)
		}
	}
	return out
}

func vocabName(r *http.Request) (string, error) {
	name := r.PathValue("name")
	if !slices.Contains(ukref.VocabularyNames, name) {
		return "", pole.Errorf(pole.ENotFound, "there is no vocabulary %q", name)
	}
	return name, nil
}

// vocabPage answers GET /admin/vocabularies/{name}.
func (s *Server) vocabPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := p.Require(auth.PermVocab); err != nil {
		return err
	}
	name, err := vocabName(r)
	if err != nil {
		return err
	}
	v, err := s.store.Vocabulary(r.Context())
	if err != nil {
		return err
	}
	d := vocabData{Name: name, Title: humanize(name), Format: vocabFormat(name), Text: vocabText(name, *v.List(name))}
	s.render(w, r, http.StatusOK, "vocabulary.html", view{Title: "Vocabulary: " + d.Title, Data: d})
	return nil
}

var termIndex = regexp.MustCompile(`^\[(\d+)\]\.?(.*)$`)

// vocabSubmit answers POST /admin/vocabularies/{name}: replace the list.
func (s *Server) vocabSubmit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := p.Require(auth.PermVocab); err != nil {
		return err
	}
	name, err := vocabName(r)
	if err != nil {
		return err
	}
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	d := vocabData{Name: name, Title: humanize(name), Format: vocabFormat(name), Text: r.PostForm.Get("terms")}
	terms, lines, problems := parseVocab(name, d.Text)
	if len(terms) == 0 && len(problems) == 0 {
		problems = append(problems, "The list is empty: give at least one term.")
	}
	if len(problems) == 0 {
		err := s.store.PutVocabulary(r.Context(), p, name, terms)
		if err == nil {
			http.Redirect(w, r, "/admin/vocabularies/"+name+"?done=vocab-saved", http.StatusSeeOther)
			return nil
		}
		var pe *pole.Error
		if !errors.As(err, &pe) || pe.Code != pole.EInvalid {
			return err
		}
		for _, fe := range pe.Fields {
			if m := termIndex.FindStringSubmatch(fe.Field); m != nil {
				if i, _ := strconv.Atoi(m[1]); i < len(lines) {
					problems = append(problems, fmt.Sprintf("Line %d: %s %s.", lines[i], m[2], fe.Message))
					continue
				}
			}
			problems = append(problems, upperFirst(fe.Field+" "+fe.Message)+".")
		}
		if len(pe.Fields) == 0 {
			problems = append(problems, upperFirst(pe.Message)+".")
		}
	}
	d.Errors = problems
	s.render(w, r, http.StatusUnprocessableEntity, "vocabulary.html", view{Title: "Vocabulary: " + d.Title, Data: d, Errors: map[string]string{"terms": "see above"}})
	return nil
}

// settingsData is what settings.html shows.
type settingsData struct {
	RequirePurpose bool
}

// settingsPage answers GET /admin/settings.
func (s *Server) settingsPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := p.Require(auth.PermVocab); err != nil {
		return err
	}
	v, err := s.store.Setting(r.Context(), "require_purpose", "false")
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "settings.html", view{Title: "Settings", Data: settingsData{RequirePurpose: v == "true"}})
	return nil
}

// settingsSubmit answers POST /admin/settings.
func (s *Server) settingsSubmit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	v := "false"
	if r.PostForm.Get("require_purpose") == "true" {
		v = "true"
	}
	if err := s.store.PutSetting(r.Context(), p, "require_purpose", v); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/settings?done=settings", http.StatusSeeOther)
	return nil
}
