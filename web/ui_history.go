package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
)

// historyData is what history.html shows.
type historyData struct {
	ID       string
	Label    string
	Path     string
	Versions []versionView
}

// versionView is one version with what changed from the one before.
type versionView struct {
	Version int
	At      time.Time
	By      string
	First   bool
	Changes []fieldChange
}

// fieldChange is one field's value before and after a version.
type fieldChange struct {
	Field, Before, After string
}

// historyPage answers GET /records/{id}/history: every version, newest first, each with who made
// it, when, and a field-by-field comparison with the version before.
func (s *Server) historyPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	vs, err := s.store.History(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	d := historyData{ID: r.PathValue("id"), Path: recordPath(r.PathValue("id"))}
	var prev map[string]string
	for i, v := range vs {
		cur := flattenRecord(v.Record)
		vv := versionView{Version: v.Version, At: v.At, By: v.By, First: i == 0, Changes: diffFlat(prev, cur)}
		d.Versions = append(d.Versions, vv)
		prev = cur
		d.Label = v.Record.Label()
	}
	slices.Reverse(d.Versions)
	s.render(w, r, http.StatusOK, "history.html", view{Title: "History of " + d.Label, Data: d})
	return nil
}

// historyHidden are envelope fields every version changes or that say nothing new.
var historyHidden = map[string]bool{"id": true, "kind": true, "version": true, "created_at": true, "updated_at": true, "label": true}

// flattenRecord turns a record's JSON into "path = value" pairs: "addresses[0].postcode".
func flattenRecord(rec *pole.Record) map[string]string {
	out := map[string]string{}
	if rec == nil {
		return out
	}
	data, err := json.Marshal(rec)
	if err != nil {
		return out
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		return out
	}
	for k, v := range doc {
		if !historyHidden[k] {
			flatten(k, v, out)
		}
	}
	return out
}

func flatten(path string, v any, out map[string]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, vv := range x {
			flatten(path+"."+k, vv, out)
		}
	case []any:
		for i, vv := range x {
			flatten(fmt.Sprintf("%s[%d]", path, i), vv, out)
		}
	case nil:
	case string:
		if x != "" {
			out[path] = x
		}
	case float64:
		out[path] = formatFloat(x, -1)
	default:
		out[path] = fmt.Sprint(x)
	}
}

// diffFlat lists the fields whose values differ, in order.
func diffFlat(before, after map[string]string) []fieldChange {
	var keys []string
	for k := range after {
		keys = append(keys, k)
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var out []fieldChange
	for _, k := range keys {
		if before[k] != after[k] {
			out = append(out, fieldChange{Field: k, Before: before[k], After: after[k]})
		}
	}
	return out
}
