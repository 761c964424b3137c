package web

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/hazard"
	"github.com/peel-rms/peel/incident"
	"github.com/peel-rms/peel/pole"
)

// op is one API operation: its route, its handler and what the OpenAPI document says of it.
type op struct {
	Method, Path string
	Handler      apiHandler
	Access       access
	Tag          string
	Summary      string
	Params       []param
	In           spec // request body, nil when none
	Out          spec // success body, nil when none
	Status       int  // success status (default 200)
	// ContentType of the success body when not JSON (the alert stream).
	ContentType string
	// Raw handles the request itself (authentication included) instead of Handler.
	Raw http.HandlerFunc
}

type param struct {
	Name, In, Type, Description string
}

var (
	pathID       = param{"id", "path", "string", "the id"}
	cursorParam  = param{"cursor", "query", "string", "the next_cursor of the previous page"}
	limitParam   = param{"limit", "query", "integer", "page size (default 50, at most 1000)"}
	ifMatchParam = param{"If-Match", "header", "string", "the version the change is based on"}
)

// spec is a schema description resolved when the document is built.
type spec interface{}

type typeSpec struct{ t reflect.Type }
type refSpec struct{ name string }
type listSpec struct{ item spec }
type ndjsonSpec struct{}
type csvSpec struct{}
type sseSpec struct{}

func typeSchema[T any]() spec    { return typeSpec{reflect.TypeFor[T]()} }
func schemaRef(name string) spec { return refSpec{name} }
func listOf(s spec) spec         { return listSpec{s} }

var (
	ndjsonBody = ndjsonSpec{}
	csvBody    = csvSpec{}
	sseBody    = sseSpec{}
)

// schemaGen turns Go types into JSON Schema (2020-12, as OpenAPI 3.1 uses).
type schemaGen struct{}

var (
	timeType   = reflect.TypeFor[time.Time]()
	momentT    = reflect.TypeFor[pole.Moment]()
	recordType = reflect.TypeFor[pole.Record]()
	rawType    = reflect.TypeFor[json.RawMessage]()
	ruleType   = reflect.TypeFor[incident.Rule]()
)

func (g schemaGen) of(t reflect.Type) map[string]any {
	switch t {
	case ruleType:
		// incident.Rule writes its window as an ISO 8601 duration.
		return map[string]any{"type": "object", "additionalProperties": false, "required": []string{"category", "radius_m", "window", "compatible"},
			"properties": map[string]any{"category": map[string]any{"type": "string"}, "radius_m": map[string]any{"type": "number"},
				"window": map[string]any{"type": "string", "description": "an ISO 8601 duration such as PT30M"}, "compatible": map[string]any{"type": []string{"array", "null"}, "items": map[string]any{"type": "string"}},
				"location_bound": map[string]any{"type": "boolean"}, "vehicle_bound": map[string]any{"type": "boolean"}, "wildcard": map[string]any{"type": "boolean"}}}
	case timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case momentT:
		return map[string]any{"type": "string", "description": "an RFC 3339 time, or a date YYYY-MM-DD (YYYY-MM, YYYY) meaning 00:00 UTC"}
	case recordType:
		return map[string]any{"$ref": "#/components/schemas/Record"}
	case rawType:
		return map[string]any{}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return g.of(t.Elem())
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int32, reflect.Int64, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": g.of(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.of(t.Elem())}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Struct:
		props := map[string]any{}
		var required []string
		g.fields(t, props, &required)
		s := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
		if len(required) > 0 {
			s["required"] = required
		}
		return s
	}
	return map[string]any{}
}

// fields adds a struct's JSON fields; a field without omitempty is always written, so required,
// and a pointer or slice without omitempty may be null.
func (g schemaGen) fields(t reflect.Type, props map[string]any, required *[]string) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				g.fields(ft, props, required)
				continue
			}
		}
		if name == "" {
			name = f.Name
		}
		s := g.of(f.Type)
		omit := strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero")
		if !omit {
			*required = append(*required, name)
			if k := f.Type.Kind(); k == reflect.Pointer || k == reflect.Slice || k == reflect.Map || k == reflect.Interface {
				s = nullable(s)
			}
		}
		props[name] = s
	}
}

func nullable(s map[string]any) map[string]any {
	if typ, ok := s["type"].(string); ok {
		c := map[string]any{}
		for k, v := range s {
			c[k] = v
		}
		c["type"] = []string{typ, "null"}
		return c
	}
	return map[string]any{"anyOf": []any{s, map[string]any{"type": "null"}}}
}

func (g schemaGen) resolve(s spec) map[string]any {
	switch x := s.(type) {
	case typeSpec:
		return g.of(x.t)
	case refSpec:
		return map[string]any{"$ref": "#/components/schemas/" + x.name}
	case listSpec:
		return map[string]any{"type": "object", "additionalProperties": false, "required": []string{"items", "next_cursor"},
			"properties": map[string]any{"items": map[string]any{"type": "array", "items": g.resolve(x.item)}, "next_cursor": map[string]any{"type": []string{"string", "null"}}}}
	case ndjsonSpec:
		return map[string]any{"type": "string", "description": "interchange NDJSON: one JSON object per line"}
	case sseSpec:
		return map[string]any{"type": "string", "description": "event: hazard, data: {\"incident\":{\"id\",\"category\",\"location\":{\"id\",\"lat\",\"lon\",\"refs\"}},\"hazards\":[...],\"at\":T,\"reason\"}"}
	case csvSpec:
		return map[string]any{"type": "string", "description": "CSV with a header row naming from/caller, to/called, start, duration, type (voice/sms) and cell columns"}
	}
	return map[string]any{}
}

// recordComponents describes records: one schema per kind, with the shared envelope.
func (g schemaGen) recordComponents(comps map[string]any) {
	env := map[string]any{
		"id": map[string]any{"type": "string"}, "kind": map[string]any{"type": "string"}, "version": map[string]any{"type": "integer"},
		"created_at": map[string]any{"type": "string", "format": "date-time"}, "updated_at": map[string]any{"type": "string", "format": "date-time"},
		"refs":        map[string]any{"type": "array", "items": g.of(reflect.TypeFor[pole.Ref]())},
		"flags":       map[string]any{"type": "array", "items": g.of(reflect.TypeFor[pole.Flag]())},
		"access":      g.of(reflect.TypeFor[pole.Access]()),
		"merged_into": map[string]any{"type": "string"}, "deleted": map[string]any{"type": "boolean"}, "label": map[string]any{"type": "string"},
		"updated_by": map[string]any{"type": "string"},
	}
	envRequired := []string{"id", "kind", "version", "created_at", "updated_at", "refs", "flags", "label"}
	var kinds, kindsLinks, inputs []any
	for _, k := range pole.Kinds {
		body, _ := pole.NewBody(k)
		bt := reflect.TypeOf(body).Elem()
		name := strings.ToUpper(string(k[:1])) + string(k[1:])
		build := func(extra map[string]any) map[string]any {
			props := map[string]any{}
			var req []string
			g.fields(bt, props, &req)
			for n, v := range env {
				props[n] = v
			}
			props["kind"] = map[string]any{"const": string(k)}
			r := append([]string{}, envRequired...)
			for n, v := range extra {
				props[n] = v
				r = append(r, n)
			}
			return map[string]any{"type": "object", "properties": props, "required": r, "additionalProperties": false}
		}
		comps[name+"Record"] = build(nil)
		comps[name+"RecordWithLinks"] = build(map[string]any{"links": map[string]any{"type": "array", "items": g.of(reflect.TypeFor[linkViewDoc]())}})
		if k == pole.KindEvent {
			comps["IntakeAnswer"] = build(map[string]any{"duplicate_of": map[string]any{"type": []string{"string", "null"}}, "report_count": map[string]any{"type": "integer"},
				"hazards": map[string]any{"type": "array", "items": g.of(reflect.TypeFor[hazard.Hazard]())}, "match_reasons": map[string]any{"type": "array", "items": map[string]any{"type": "string"}}})
			comps["LocationEvent"] = build(map[string]any{"location": g.of(reflect.TypeFor[peel.Brief]()), "via": map[string]any{"type": "string"}})
		}
		kinds = append(kinds, map[string]any{"$ref": "#/components/schemas/" + name + "Record"})
		kindsLinks = append(kindsLinks, map[string]any{"$ref": "#/components/schemas/" + name + "RecordWithLinks"})
		in := map[string]any{}
		var req []string
		g.fields(bt, in, &req)
		in["ref"] = map[string]any{"type": "string", "description": "the sender's identifier, unique within the source"}
		in["source"] = map[string]any{"type": "string", "description": "the source the ref belongs to (default api)"}
		in["access"] = g.of(reflect.TypeFor[pole.Access]())
		comps[name+"Input"] = map[string]any{"type": "object", "properties": in, "additionalProperties": false}
		inputs = append(inputs, map[string]any{"$ref": "#/components/schemas/" + name + "Input"})
	}
	comps["Record"] = map[string]any{"oneOf": kinds, "description": "a record: the shared envelope and its kind's own fields"}
	comps["RecordWithLinks"] = map[string]any{"oneOf": kindsLinks}
	comps["RecordInput"] = map[string]any{"anyOf": inputs, "description": "the interchange shape of the collection's kind, without kind"}
	comps["LocationEvents"] = map[string]any{"type": "object", "required": []string{"events"}, "additionalProperties": false,
		"properties": map[string]any{"events": map[string]any{"type": "array", "items": map[string]any{"$ref": "#/components/schemas/LocationEvent"}}}}
	comps["MergePatch"] = map[string]any{"type": "object", "description": "an RFC 7396 JSON merge patch"}
	comps["Problem"] = g.of(reflect.TypeFor[Problem]())
}

// linkViewDoc documents peel.LinkView (same JSON).
type linkViewDoc struct {
	ID        string       `json:"id"`
	Role      string       `json:"role"`
	Direction string       `json:"direction"`
	Other     otherDoc     `json:"other"`
	ValidFrom *pole.Moment `json:"valid_from"`
	ValidTo   *pole.Moment `json:"valid_to"`
	Evidence  string       `json:"evidence,omitempty"`
}

type otherDoc struct {
	ID    string     `json:"id"`
	Kind  string     `json:"kind"`
	Refs  []pole.Ref `json:"refs"`
	Label string     `json:"label"`
}

// Document builds the OpenAPI 3.1 document of every operation.
func (s *Server) Document() map[string]any {
	g := schemaGen{}
	comps := map[string]any{}
	g.recordComponents(comps)
	paths := map[string]any{}
	for _, o := range s.allOperations() {
		item, _ := paths[o.Path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[o.Path] = item
		}
		status := o.Status
		if status == 0 {
			status = 200
		}
		opDoc := map[string]any{
			"operationId": strings.ToLower(o.Method) + strings.NewReplacer("/api/v1", "", "/", "_", "{", "", "}", "").Replace(o.Path),
			"summary":     o.Summary,
			"tags":        []string{o.Tag},
		}
		var params []any
		for _, p := range o.Params {
			params = append(params, map[string]any{"name": p.Name, "in": p.In, "required": p.In == "path", "description": p.Description, "schema": map[string]any{"type": p.Type}})
		}
		params = append(params, map[string]any{"name": PurposeHeader, "in": "header", "required": false, "description": "the justification for the access, recorded in the audit log", "schema": map[string]any{"type": "string"}})
		opDoc["parameters"] = params
		if o.In != nil {
			ct := "application/json"
			switch o.In.(type) {
			case ndjsonSpec:
				ct = "application/x-ndjson"
			case csvSpec:
				ct = "text/csv"
			}
			opDoc["requestBody"] = map[string]any{"required": true, "content": map[string]any{ct: map[string]any{"schema": g.resolve(o.In)}}}
		}
		resp := map[string]any{"description": http.StatusText(status)}
		if o.Out != nil {
			ct := "application/json"
			if _, ok := o.Out.(ndjsonSpec); ok {
				ct = "application/x-ndjson"
			}
			if o.ContentType != "" {
				ct = o.ContentType
			}
			resp["content"] = map[string]any{ct: map[string]any{"schema": g.resolve(o.Out)}}
		}
		opDoc["responses"] = map[string]any{
			strconv.Itoa(status): resp,
			"default":            map[string]any{"description": "an error", "content": map[string]any{"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}},
		}
		item[strings.ToLower(o.Method)] = opDoc
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "Peel API", "version": s.cfg.Version,
			"description": "Peel, a police record management system: POLE records, links, search, interchange, audit."},
		"servers": []any{map[string]any{"url": "/"}},
		"paths":   paths,
		"components": map[string]any{
			"schemas": comps,
			"securitySchemes": map[string]any{
				"bearer":  map[string]any{"type": "http", "scheme": "bearer", "description": "an API token from peel token create"},
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": SessionCookie},
			},
		},
		"security": []any{map[string]any{"bearer": []string{}}, map[string]any{"session": []string{}}},
	}
}

// openAPI answers GET /api/v1/openapi.json (no sign-in needed: it describes, it holds no data).
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	s.docOnce.Do(func() { s.docJSON, _ = json.MarshalIndent(s.Document(), "", "  ") })
	w.Header().Set("Content-Type", "application/json")
	w.Write(s.docJSON)
}
