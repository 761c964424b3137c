package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"sort"
	"strings"

	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/incident"
	"github.com/peel-rms/peel/pole"
)

// ruleRow is one repeat-report matching rule as the table shows it.
type ruleRow struct {
	Category, Radius, Window, Compatible  string
	LocationBound, VehicleBound, Wildcard bool
}

// rulesData is what rules.html shows: the rules, and for administrators the JSON to edit.
type rulesData struct {
	Rows    []ruleRow
	Default ruleRow
	JSON    string
	Errors  []string
}

// rulesPage answers GET /incidents/rules: the matching rules that decide when a report repeats
// an open incident.
func (s *Server) rulesPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := p.Require(auth.PermRead); err != nil {
		return err
	}
	rules, err := s.store.IncidentRules(r.Context())
	if err != nil {
		return err
	}
	js, err := json.MarshalIndent(rules, "", "  ")
	if err != nil {
		return err
	}
	return s.renderRules(w, r, http.StatusOK, rules, string(js), nil)
}

func (s *Server) renderRules(w http.ResponseWriter, r *http.Request, status int, rules incident.Rules, js string, errs []string) error {
	d := rulesData{JSON: js, Errors: errs, Default: rowOfRule(rules.Default)}
	d.Default.Category = "any other category"
	for _, x := range rules.ByCategory {
		d.Rows = append(d.Rows, rowOfRule(x))
	}
	sort.Slice(d.Rows, func(i, j int) bool { return d.Rows[i].Category < d.Rows[j].Category })
	s.show(w, r, status, "rules.html", view{Title: "Incident matching rules", Data: d})
	return nil
}

func rowOfRule(x incident.Rule) ruleRow {
	row := ruleRow{Category: humanize(x.Category), Radius: formatFloat(x.Radius, -1) + " m", LocationBound: x.LocationBound, VehicleBound: x.VehicleBound, Wildcard: x.Wildcard}
	// The rule writes its window as an ISO 8601 duration; show it as written in the JSON.
	if b, err := json.Marshal(x); err == nil {
		var w struct {
			Window string `json:"window"`
		}
		_ = json.Unmarshal(b, &w)
		row.Window = w.Window
	}
	var compat []string
	for _, c := range x.Compatible {
		compat = append(compat, humanize(c))
	}
	row.Compatible = strings.Join(compat, ", ")
	return row
}

// rulesSubmit answers POST /incidents/rules: an administrator replaces the rules with the JSON
// typed; invalid JSON or rules are shown with every problem and nothing is saved.
func (s *Server) rulesSubmit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := p.Require(auth.PermVocab); err != nil {
		return err
	}
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	js := r.PostForm.Get("rules")
	current, err := s.store.IncidentRules(r.Context())
	if err != nil {
		return err
	}
	var rules incident.Rules
	dec := json.NewDecoder(bytes.NewReader([]byte(js)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rules); err != nil {
		return s.renderRules(w, r, http.StatusUnprocessableEntity, current, js, []string{"The rules are not valid JSON: " + err.Error() + "."})
	}
	if dec.More() {
		return s.renderRules(w, r, http.StatusUnprocessableEntity, current, js, []string{"The rules are not valid JSON: there is more after the closing brace."})
	}
	if err := s.store.PutIncidentRules(r.Context(), p, rules); err != nil {
		var pe *pole.Error
		if !errors.As(err, &pe) || statusOf(err) >= 500 || statusOf(err) == http.StatusForbidden {
			return err
		}
		var errs []string
		for _, f := range pe.Fields {
			for _, line := range strings.Split(f.Message, "\n") {
				errs = append(errs, strings.TrimPrefix(line, "incident: "))
			}
		}
		if len(errs) == 0 {
			errs = append(errs, upperFirst(pe.Message)+".")
		}
		return s.renderRules(w, r, statusOf(err), current, js, errs)
	}
	http.Redirect(w, r, "/incidents/rules?done=rules-saved", http.StatusSeeOther)
	return nil
}
