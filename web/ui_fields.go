package web

import (
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/peel-rms/peel/pole"
	"github.com/peel-rms/peel/ukref"
)

// Record forms are built from these definitions, one list of groups per kind, rather than a
// template per kind: the same definitions convert form values to the interchange JSON shape and
// back, show a record's details, and place each validation error next to its input.

// Field types.
const (
	ftText        = "text"
	ftTextarea    = "textarea"
	ftLines       = "lines"       // a textarea, one list item per line
	ftDate        = "date"        // YYYY-MM-DD
	ftPartialDate = "partialdate" // YYYY-MM-DD, YYYY-MM or YYYY, kept as typed (date of birth)
	ftDateTime    = "datetime"    // datetime-local, read as UTC
	ftNumber      = "number"
	ftSelect      = "select"
	ftTel         = "tel"
)

// fieldDef is one input.
type fieldDef struct {
	Name  string // the JSON name within its group
	Label string
	Type  string
	// Options names where a select's options come from: a vocabulary ("object_types"), or one of
	// the fixed lists in fixedOptions, or "roles:FROM:TO" for the link roles joining two kinds.
	Options  string
	Hint     string
	Required bool
	// Weak fields (a select with a default) do not by themselves make a row worth sending.
	Weak    bool
	Default string
	Auto    string // the autocomplete attribute
	Class   string // a width class: short, medium
}

// groupDef is a fieldset: top-level fields (Path ""), an object ("grading"), or a list of rows
// ("identifiers").
type groupDef struct {
	Legend string
	Hint   string
	Path   string
	List   bool
	// Repeat shows every existing row and one blank one; otherwise a list group has one row.
	Repeat bool
	// Create marks input shorthand (addresses, phones) and lists edited on their own page
	// (markers): on the create form only.
	Create bool
	Fields []fieldDef
}

var markerGroup = groupDef{Legend: "Warning marker", Hint: "Optional. Add more on the record's markers page.", Path: "markers", List: true, Create: true, Fields: []fieldDef{
	{Name: "code", Label: "Marker", Type: ftSelect, Options: "marker_codes"},
	{Name: "valid_from", Label: "Valid from", Type: ftDate},
	{Name: "valid_to", Label: "Valid to", Type: ftDate, Hint: "Leave empty while it applies."},
	{Name: "note", Label: "Note", Type: ftTextarea},
}}

// recordForms are the form definitions of each kind.
var recordForms = map[pole.Kind][]groupDef{
	pole.KindPerson: {
		{Legend: "Person", Fields: []fieldDef{
			{Name: "family_name", Label: "Family name", Type: ftText, Auto: "off"},
			{Name: "given_names", Label: "Given names", Type: ftText, Auto: "off"},
			{Name: "dob", Label: "Date of birth", Type: ftPartialDate, Hint: "YYYY-MM-DD, or YYYY-MM or YYYY when only part is known.", Class: "medium"},
			{Name: "gender", Label: "Gender", Type: ftSelect, Options: "genders"},
			{Name: "nationality", Label: "Nationality", Type: ftText, Class: "medium"},
			{Name: "description", Label: "Description", Type: ftTextarea, Hint: "Appearance, distinguishing marks."},
		}},
		{Legend: "Other names", Path: "aliases", List: true, Repeat: true, Fields: []fieldDef{
			{Name: "family_name", Label: "Family name", Type: ftText, Auto: "off"},
			{Name: "given_names", Label: "Given names", Type: ftText, Auto: "off"},
		}},
		{Legend: "Identifiers", Hint: "PNC ID, CRO number, NI number, passport.", Path: "identifiers", List: true, Repeat: true, Fields: []fieldDef{
			{Name: "type", Label: "Type", Type: ftSelect, Options: "identifier_types"},
			{Name: "value", Label: "Number", Type: ftText, Auto: "off", Class: "medium"},
		}},
		markerGroup,
		{Legend: "Address", Hint: "Optional. Creates (or reuses) a location record and links the person to it.", Path: "addresses", List: true, Create: true, Fields: []fieldDef{
			{Name: "lines", Label: "Address lines", Type: ftLines, Hint: "One line per row.", Auto: "off"},
			{Name: "town", Label: "Town", Type: ftText, Class: "medium", Auto: "off"},
			{Name: "postcode", Label: "Postcode", Type: ftText, Class: "short", Auto: "off"},
			{Name: "country", Label: "Country", Type: ftText, Class: "short", Hint: "Two-letter code; empty means GB."},
			{Name: "role", Label: "Role", Type: ftSelect, Options: "roles:person:location", Default: "resides_at", Weak: true},
			{Name: "valid_from", Label: "Since", Type: ftDate},
		}},
		{Legend: "Telephone", Hint: "Optional. Creates (or reuses) a telephone record and links the person to it.", Path: "phones", List: true, Create: true, Fields: []fieldDef{
			{Name: "number", Label: "Number", Type: ftTel, Class: "medium", Auto: "off"},
			{Name: "role", Label: "Role", Type: ftSelect, Options: "roles:person:telephone", Default: "user_of", Weak: true},
		}},
	},
	pole.KindObject: {
		{Legend: "Object", Fields: []fieldDef{
			{Name: "type", Label: "Type", Type: ftSelect, Options: "object_types", Required: true},
			{Name: "description", Label: "Description", Type: ftTextarea},
			{Name: "serial", Label: "Serial number or IMEI", Type: ftText, Class: "medium", Auto: "off"},
			{Name: "make", Label: "Make", Type: ftText, Class: "medium"},
			{Name: "model", Label: "Model", Type: ftText, Class: "medium"},
			{Name: "certificate", Label: "Firearm or shotgun certificate", Type: ftText, Class: "medium", Auto: "off"},
		}},
	},
	pole.KindVehicle: {
		{Legend: "Vehicle", Fields: []fieldDef{
			{Name: "vrm", Label: "Registration mark (VRM)", Type: ftText, Class: "short", Auto: "off"},
			{Name: "vin", Label: "VIN", Type: ftText, Class: "medium", Auto: "off"},
			{Name: "make", Label: "Make", Type: ftText, Class: "medium"},
			{Name: "model", Label: "Model", Type: ftText, Class: "medium"},
			{Name: "colour", Label: "Colour", Type: ftText, Class: "medium"},
		}},
	},
	pole.KindTelephone: {
		{Legend: "Telephone", Fields: []fieldDef{
			{Name: "number", Label: "Number", Type: ftTel, Required: true, Class: "medium", Auto: "off", Hint: "UK numbers as dialled; others with +country code."},
		}},
	},
	pole.KindLocation: {
		{Legend: "Location", Fields: []fieldDef{
			{Name: "lines", Label: "Address lines", Type: ftLines, Hint: "One line per row.", Auto: "off"},
			{Name: "town", Label: "Town", Type: ftText, Class: "medium"},
			{Name: "postcode", Label: "Postcode", Type: ftText, Class: "short", Auto: "off"},
			{Name: "country", Label: "Country", Type: ftText, Class: "short", Hint: "Two-letter code; empty means GB."},
			{Name: "uprn", Label: "UPRN", Type: ftText, Class: "medium", Auto: "off"},
			{Name: "lat", Label: "Latitude", Type: ftNumber, Class: "medium"},
			{Name: "lon", Label: "Longitude", Type: ftNumber, Class: "medium"},
			{Name: "description", Label: "Description", Type: ftTextarea, Hint: "A place without an address, or directions."},
		}},
		markerGroup,
	},
	pole.KindEvent: {
		{Legend: "Event", Fields: []fieldDef{
			{Name: "type", Label: "Type", Type: ftSelect, Options: "event_types", Required: true},
			{Name: "category", Label: "Category", Type: ftSelect, Options: "categories", Hint: "For incidents and crimes."},
			{Name: "reference", Label: "Force reference", Type: ftText, Class: "medium", Auto: "off"},
			{Name: "occurred_at", Label: "Occurred at (UTC)", Type: ftDateTime},
			{Name: "reported_at", Label: "Reported at (UTC)", Type: ftDateTime},
			{Name: "summary", Label: "Summary", Type: ftTextarea},
			{Name: "location", Label: "Location record id", Type: ftText, Class: "medium", Auto: "off", Hint: "Optional: links the event to a location (occurred at)."},
			{Name: "status", Label: "Status", Type: ftSelect, Options: "statuses"},
		}},
		{Legend: "Intelligence grading (3x5x2)", Hint: "For intelligence reports.", Path: "grading", Fields: []fieldDef{
			{Name: "source", Label: "Source", Type: ftSelect, Options: "grading.source"},
			{Name: "information", Label: "Information", Type: ftSelect, Options: "grading.information"},
			{Name: "handling", Label: "Handling", Type: ftSelect, Options: "grading.handling"},
			{Name: "conditions", Label: "Conditions of sharing", Type: ftTextarea, Hint: "Required with handling code C."},
		}},
		{Legend: "Sanitised text", Hint: "The intelligence text fit for dissemination; the summary keeps the original.", Fields: []fieldDef{
			{Name: "sanitised_summary", Label: "Sanitised summary", Type: ftTextarea},
		}},
	},
}

// createOnlyFields are top-level fields a patch may not carry (input shorthand).
var createOnlyFields = map[string]bool{"location": true}

type option struct {
	Value    string
	Label    string
	Selected bool
}

var fixedOptions = map[string][]option{
	"genders":             {{Value: "M", Label: "M — male"}, {Value: "F", Label: "F — female"}, {Value: "X", Label: "X — other"}, {Value: "U", Label: "U — not known"}},
	"statuses":            {{Value: "open", Label: "open"}, {Value: "closed", Label: "closed"}},
	"grading.source":      {{Value: "1", Label: "1 — reliable"}, {Value: "2", Label: "2 — untested"}, {Value: "3", Label: "3 — not reliable"}},
	"grading.information": {{Value: "A", Label: "A — known directly to the source"}, {Value: "B", Label: "B — known indirectly, corroborated"}, {Value: "C", Label: "C — known indirectly"}, {Value: "D", Label: "D — not known"}, {Value: "E", Label: "E — suspected to be false"}},
	"grading.handling":    {{Value: "P", Label: "P — lawful sharing permitted"}, {Value: "C", Label: "C — sharing permitted with conditions"}},
}

// optionsFor lists a select's options from the force's vocabulary.
func optionsFor(src string, vocab *ukref.Vocabulary) []option {
	if o, ok := fixedOptions[src]; ok {
		return slices.Clone(o)
	}
	if strings.HasPrefix(src, "roles:") {
		parts := strings.Split(src, ":")
		var out []option
		for i := range vocab.LinkRoles {
			t := &vocab.LinkRoles[i]
			if len(parts) == 3 && t.RoleAllows(parts[1], parts[2]) {
				out = append(out, option{Value: t.Code, Label: termLabel(*t)})
			}
		}
		return out
	}
	list := vocab.List(src)
	if list == nil {
		return nil
	}
	out := make([]option, 0, len(*list))
	for _, t := range *list {
		out = append(out, option{Value: t.Code, Label: termLabel(t)})
	}
	return out
}

// termLabel is "FI — firearms" for a term with a description, else the code in words.
func termLabel(t ukref.Term) string {
	if t.Description != "" {
		return t.Code + " — " + t.Description
	}
	return humanize(t.Code)
}

// inputName is a field's form name and error path: "postcode", "grading.source",
// "addresses[0].postcode".
func inputName(g groupDef, row int, f fieldDef) string {
	switch {
	case g.Path == "":
		return f.Name
	case g.List:
		return fmt.Sprintf("%s[%d].%s", g.Path, row, f.Name)
	default:
		return g.Path + "." + f.Name
	}
}

var idUnsafe = regexp.MustCompile(`[^a-zA-Z0-9_-]+`)

// inputID is the element id of an input ("f-addresses-0-postcode").
func inputID(name string) string {
	return "f-" + strings.Trim(idUnsafe.ReplaceAllString(name, "-"), "-")
}

// formatFloat writes f with at most prec decimals (-1: as many as needed).
func formatFloat(f float64, prec int) string { return strconv.FormatFloat(f, 'f', prec, 64) }

// dateTimeLayouts are the forms a typed date and time may take: the browser's datetime-local,
// RFC 3339, or a date.
var dateTimeLayouts = []string{"2006-01-02T15:04", "2006-01-02T15:04:05", time.RFC3339Nano, "2006-01-02 15:04", "2006-01-02 15:04:05", time.DateOnly}

// parseDateTime reads a date and time typed in a form, as UTC unless it names its offset.
func parseDateTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, l := range dateTimeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// formValue converts one typed value to its JSON value; absent when empty.
func formValue(f fieldDef, raw string) (v any, present bool, problem string) {
	if f.Type != ftLines && f.Type != ftTextarea {
		raw = strings.TrimSpace(raw)
	}
	switch f.Type {
	case ftLines:
		var lines []any
		for _, l := range strings.Split(raw, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				lines = append(lines, l)
			}
		}
		if len(lines) == 0 {
			return nil, false, ""
		}
		return lines, true, ""
	case ftTextarea:
		raw = strings.TrimSpace(strings.ReplaceAll(raw, "\r\n", "\n"))
	}
	if raw == "" {
		return nil, false, ""
	}
	switch f.Type {
	case ftNumber:
		n, err := strconv.ParseFloat(strings.ReplaceAll(raw, ",", "."), 64)
		if err != nil {
			return nil, true, "Enter a number, for example 53.7997."
		}
		return n, true, ""
	case ftDate:
		if _, err := pole.ParseMoment(raw); err != nil {
			return nil, true, "Enter a date as YYYY-MM-DD."
		}
		return raw, true, ""
	case ftDateTime:
		t, ok := parseDateTime(raw)
		if !ok {
			return nil, true, "Enter a date and time, for example 2026-11-20 14:30."
		}
		return t.Format(time.RFC3339), true, ""
	}
	return raw, true, ""
}

// inputText converts a JSON value back into what the input shows.
func inputText(f fieldDef, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		switch f.Type {
		case ftDateTime:
			if t, ok := parseDateTime(x); ok {
				if t.Second() != 0 {
					return t.Format("2006-01-02T15:04:05")
				}
				return t.Format("2006-01-02T15:04")
			}
		case ftDate:
			if m, err := pole.ParseMoment(x); err == nil && !m.DateOnly {
				return m.T.UTC().Format(time.DateOnly)
			}
		}
		return x
	case float64:
		return formatFloat(x, -1)
	case []any:
		var lines []string
		for _, l := range x {
			lines = append(lines, fmt.Sprint(l))
		}
		return strings.Join(lines, "\n")
	}
	return fmt.Sprint(v)
}

// formDoc is a record's content as the form sees it: JSON values by name, and for list groups,
// which form row each JSON element came from (so errors land on the right row).
type formDoc struct {
	Doc    map[string]any
	Rows   map[string][]int
	Errors map[string]string
}

// decodeForm reads the submitted form of a kind into the interchange JSON shape. Values that
// cannot be converted (a number, a date) become field errors here; the rest is left to the
// domain's validation.
func decodeForm(groups []groupDef, form url.Values, create bool) formDoc {
	fd := formDoc{Doc: map[string]any{}, Rows: map[string][]int{}, Errors: map[string]string{}}
	for _, g := range groups {
		if g.Create && !create {
			continue
		}
		switch {
		case g.Path == "":
			for _, f := range g.Fields {
				if createOnlyFields[f.Name] && !create {
					continue
				}
				name := inputName(g, 0, f)
				v, ok, problem := formValue(f, form.Get(name))
				if problem != "" {
					fd.Errors[name] = problem
				} else if ok {
					fd.Doc[f.Name] = v
				}
			}
		case g.List:
			var rows []any
			for _, i := range formRows(form, g.Path) {
				row, keep := decodeRow(g, i, form, fd.Errors)
				if keep {
					rows = append(rows, row)
					fd.Rows[g.Path] = append(fd.Rows[g.Path], i)
				}
			}
			if len(rows) > 0 {
				fd.Doc[g.Path] = rows
			}
		default:
			if row, keep := decodeRow(g, 0, form, fd.Errors); keep {
				fd.Doc[g.Path] = row
			}
		}
	}
	return fd
}

// decodeRow reads one row of a group; keep is false when nothing significant was typed in it.
func decodeRow(g groupDef, i int, form url.Values, errs map[string]string) (map[string]any, bool) {
	row := map[string]any{}
	keep := false
	for _, f := range g.Fields {
		name := inputName(g, i, f)
		v, ok, problem := formValue(f, form.Get(name))
		if problem != "" {
			errs[name] = problem
			keep = true
			continue
		}
		if ok {
			row[f.Name] = v
			if !f.Weak {
				keep = true
			}
		}
	}
	return row, keep
}

var rowKey = regexp.MustCompile(`^([a-z_]+)\[(\d{1,3})\]\.`)

// formRows lists the row numbers of a list group present in the form, in order.
func formRows(form url.Values, path string) []int {
	seen := map[int]bool{}
	for k := range form {
		if m := rowKey.FindStringSubmatch(k); m != nil && m[1] == path {
			n, _ := strconv.Atoi(m[2])
			seen[n] = true
		}
	}
	var out []int
	for n := range seen {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// formField maps an error path from the domain ("identifiers[0].value") to the input it is
// about, through the rows that were sent.
func (fd formDoc) formField(path string) string {
	p := path + "."
	if m := rowKey.FindStringSubmatch(p); m != nil {
		n, _ := strconv.Atoi(m[2])
		if rows, ok := fd.Rows[m[1]]; ok && n < len(rows) {
			out := fmt.Sprintf("%s[%d]", m[1], rows[n])
			if rest := strings.TrimSuffix(p[len(m[0]):], "."); rest != "" {
				out += "." + rest
			}
			return out
		}
	}
	return path
}

// encodeForm turns a record's JSON content into form values, for the edit form.
func encodeForm(groups []groupDef, doc map[string]any, create bool) url.Values {
	form := url.Values{}
	for _, g := range groups {
		if g.Create && !create {
			continue
		}
		switch {
		case g.Path == "":
			for _, f := range g.Fields {
				if v, ok := doc[f.Name]; ok {
					form.Set(f.Name, inputText(f, v))
				}
			}
		case g.List:
			rows, _ := doc[g.Path].([]any)
			for i, r := range rows {
				m, _ := r.(map[string]any)
				for _, f := range g.Fields {
					form.Set(inputName(g, i, f), inputText(f, m[f.Name]))
				}
			}
		default:
			m, _ := doc[g.Path].(map[string]any)
			for _, f := range g.Fields {
				if v, ok := m[f.Name]; ok {
					form.Set(inputName(g, 0, f), inputText(f, v))
				}
			}
		}
	}
	return form
}

// editableKeys are the top-level JSON names the edit form of a kind covers.
func editableKeys(groups []groupDef) []string {
	var keys []string
	for _, g := range groups {
		if g.Create {
			continue
		}
		if g.Path != "" {
			keys = append(keys, g.Path)
			continue
		}
		for _, f := range g.Fields {
			if !createOnlyFields[f.Name] {
				keys = append(keys, f.Name)
			}
		}
	}
	return keys
}

// mergePatch is the RFC 7396 patch that turns old into new over the given keys: changed values,
// nulls for removed ones, objects patched key by key, lists replaced whole.
func mergePatch(old, new map[string]any, keys []string) map[string]any {
	patch := map[string]any{}
	for _, k := range keys {
		ov, inOld := old[k]
		nv, inNew := new[k]
		switch {
		case !inNew && inOld:
			patch[k] = nil
		case inNew && !inOld:
			patch[k] = nv
		case inNew && !reflect.DeepEqual(ov, nv):
			om, ok1 := ov.(map[string]any)
			nm, ok2 := nv.(map[string]any)
			if ok1 && ok2 {
				var sub []string
				for kk := range om {
					sub = append(sub, kk)
				}
				for kk := range nm {
					if _, ok := om[kk]; !ok {
						sub = append(sub, kk)
					}
				}
				patch[k] = mergePatch(om, nm, sub)
			} else {
				patch[k] = nv
			}
		}
	}
	return patch
}

// bodyDoc is a record's body as generic JSON.
func bodyDoc(b pole.Body) map[string]any {
	doc := map[string]any{}
	if b == nil {
		return doc
	}
	data, err := json.Marshal(b)
	if err == nil {
		_ = json.Unmarshal(data, &doc)
	}
	return doc
}

// fieldView is one input as the form template draws it.
type fieldView struct {
	ID, Name, Label, Type, Value, Hint, Error, Auto, Class string
	Required                                               bool
	Options                                                []option
}

// rowView is one row of a group.
type rowView struct {
	Legend string
	Fields []fieldView
}

// groupView is one fieldset.
type groupView struct {
	Legend, Hint string
	Rows         []rowView
}

// summaryItem is one entry of a form's error summary.
type summaryItem struct {
	Href, Text string
}

// buildGroups lays out the form of a kind with the values and errors to show.
func buildGroups(groups []groupDef, form url.Values, errs map[string]string, vocab *ukref.Vocabulary, create bool) ([]groupView, []summaryItem) {
	var out []groupView
	var summary []summaryItem
	used := map[string]bool{}
	for _, g := range groups {
		if g.Create && !create {
			continue
		}
		gv := groupView{Legend: g.Legend, Hint: g.Hint}
		rows := []int{0}
		if g.List {
			if sent := formRows(form, g.Path); len(sent) > 0 {
				rows = sent
				if !g.Repeat {
					rows = rows[:1]
				} else if last := rows[len(rows)-1]; rowFilled(g, last, form) {
					// A blank row to add one more.
					rows = append(rows, last+1)
				}
			}
		}
		for n, i := range rows {
			rv := rowView{}
			if g.List && g.Repeat {
				rv.Legend = fmt.Sprintf("%s %d", strings.TrimSuffix(g.Legend, "s"), n+1)
			}
			for _, f := range g.Fields {
				if g.Path == "" && createOnlyFields[f.Name] && !create {
					continue
				}
				name := inputName(g, i, f)
				fv := fieldView{ID: inputID(name), Name: name, Label: f.Label, Type: f.Type, Hint: f.Hint, Auto: f.Auto, Class: f.Class, Required: f.Required}
				if val, sent := form[name]; sent {
					fv.Value = val[0]
				} else {
					fv.Value = f.Default
				}
				if f.Type == ftSelect {
					fv.Options = optionsFor(f.Options, vocab)
					found := fv.Value == ""
					for k := range fv.Options {
						if fv.Options[k].Value == fv.Value {
							fv.Options[k].Selected, found = true, true
						}
					}
					if !found {
						// Keep a value the vocabulary no longer lists, so an edit does not drop it.
						fv.Options = append(fv.Options, option{Value: fv.Value, Label: fv.Value + " (not in the current list)", Selected: true})
					}
				}
				if msg, ok := errs[name]; ok {
					fv.Error = msg
					used[name] = true
					summary = append(summary, summaryItem{Href: "#" + fv.ID, Text: fieldTitle(g, n, f) + ": " + msg})
				}
				rv.Fields = append(rv.Fields, fv)
			}
			gv.Rows = append(gv.Rows, rv)
		}
		out = append(out, gv)
	}
	// Errors about no input on the form still belong in the summary.
	var rest []string
	for k := range errs {
		if !used[k] {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	for _, k := range rest {
		summary = append(summary, summaryItem{Href: "#form-top", Text: humanize(k) + ": " + errs[k]})
	}
	return out, summary
}

func rowFilled(g groupDef, i int, form url.Values) bool {
	for _, f := range g.Fields {
		if !f.Weak && strings.TrimSpace(form.Get(inputName(g, i, f))) != "" {
			return true
		}
	}
	return false
}

// fieldTitle names a field for the error summary: "Postcode (Address)".
func fieldTitle(g groupDef, row int, f fieldDef) string {
	switch {
	case g.Path == "":
		return f.Label
	case g.List && g.Repeat:
		return fmt.Sprintf("%s (%s %d)", f.Label, strings.ToLower(strings.TrimSuffix(g.Legend, "s")), row+1)
	default:
		return f.Label + " (" + strings.ToLower(g.Legend) + ")"
	}
}

// detail is one labelled value of a record's details.
type detail struct {
	Label, Value string
	Long         bool
}

// detailGroup is one group of a record's details; list groups have a row per element.
type detailGroup struct {
	Legend  string
	Details []detail
	Rows    [][]detail
}

// recordDetails shows a record's content through its kind's form definitions.
func recordDetails(kind pole.Kind, doc map[string]any, vocab *ukref.Vocabulary) []detailGroup {
	var out []detailGroup
	for _, g := range recordForms[kind] {
		if g.Create {
			continue
		}
		dg := detailGroup{Legend: g.Legend}
		switch {
		case g.Path == "":
			dg.Details = detailsOf(g, doc, vocab)
		case g.List:
			rows, _ := doc[g.Path].([]any)
			for _, r := range rows {
				m, _ := r.(map[string]any)
				if ds := detailsOf(g, m, vocab); len(ds) > 0 {
					dg.Rows = append(dg.Rows, ds)
				}
			}
		default:
			m, _ := doc[g.Path].(map[string]any)
			dg.Details = detailsOf(g, m, vocab)
		}
		if len(dg.Details) > 0 || len(dg.Rows) > 0 {
			out = append(out, dg)
		}
	}
	return out
}

func detailsOf(g groupDef, m map[string]any, vocab *ukref.Vocabulary) []detail {
	var out []detail
	for _, f := range g.Fields {
		v, ok := m[f.Name]
		if !ok || v == nil {
			continue
		}
		text := inputText(f, v)
		switch f.Type {
		case ftSelect:
			for _, o := range optionsFor(f.Options, vocab) {
				if o.Value == text {
					text = o.Label
				}
			}
		case ftLines:
			text = strings.ReplaceAll(text, "\n", ", ")
		case ftDateTime:
			if t, ok := parseDateTime(text); ok {
				text = t.Format("2006-01-02 15:04") + " UTC"
			}
		}
		if text != "" {
			out = append(out, detail{Label: f.Label, Value: text, Long: f.Type == ftTextarea})
		}
	}
	return out
}
