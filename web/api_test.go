package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/peel-rms/peel/web/webtest"
)

func TestAPISQLite(t *testing.T)   { testAPI(t, webtest.Start(t, false)) }
func TestAPIPostgres(t *testing.T) { testAPI(t, webtest.Start(t, true)) }

func testAPI(t *testing.T, s *webtest.Server) {
	admin := s.Admin
	officer := s.UserToken("pc.api", "officer")

	// Credentials.
	if r := s.Do("", "GET", "/api/v1/search?q=x", nil); r.Status != 401 || r.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("no token: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	if r := s.Do("peel_wrong", "GET", "/api/v1/search?q=x", nil); r.Status != 401 {
		t.Errorf("bad token: %d", r.Status)
	}

	// Create, with every kind of bad input answered by a clear 4xx and nothing written.
	bad := []struct {
		body   string
		ct     string
		status int
		field  string
	}{
		{`{"family_name":"X","addresses":[{"lines":["1 A St"],"postcode":"ZZ99"}]}`, "", 422, "addresses[0].postcode"},
		{`{"family_name":`, "", 400, ""},
		{`{"family_name":"X","shoe":1}`, "", 422, "shoe"},
		{`{"family_name":7}`, "", 422, "family_name"},
		{`[]`, "", 422, ""},
		{``, "", 400, ""},
		{`{"family_name":"X"}`, "text/html", 400, ""},
		{`{"family_name":"` + strings.Repeat("x", 2<<20) + `"}`, "", 413, ""},
	}
	for i, b := range bad {
		h := []string{}
		if b.ct != "" {
			h = []string{"Content-Type", b.ct}
		}
		r := s.Do(admin, "POST", "/api/v1/persons", b.body, h...)
		if r.Status != b.status {
			t.Errorf("bad input %d: status %d, want %d: %s", i, r.Status, b.status, r.Body)
			continue
		}
		if b.field != "" && !strings.Contains(string(r.Body), `"field":"`+b.field+`"`) {
			t.Errorf("bad input %d: error does not name %s: %s", i, b.field, r.Body)
		}
	}
	if r := s.Do(admin, "GET", "/api/v1/persons", nil); len(r.JSON(t)["items"].([]any)) != 0 {
		t.Fatalf("bad input wrote records: %s", r.Body)
	}

	r := s.Do(officer, "POST", "/api/v1/persons?source=cad", `{"family_name":"Smith","given_names":"John","dob":"1980-02-31","ref":"N1",
		"addresses":[{"lines":["12 High Street"],"town":"Leeds","postcode":"LS1 1AA"}]}`)
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	person := r.JSON(t)
	id := person["id"].(string)
	if person["kind"] != "person" || person["version"].(float64) != 1 || len(person["flags"].([]any)) != 1 {
		t.Errorf("created person: %s", r.Body)
	}
	if r.Header.Get("ETag") != `"1"` {
		t.Errorf("ETag %q", r.Header.Get("ETag"))
	}

	// Read it every way.
	if r := s.Do(officer, "GET", "/api/v1/persons/"+id, nil); r.Status != 200 {
		t.Errorf("get: %d", r.Status)
	}
	if r := s.Do(officer, "GET", "/api/v1/vehicles/"+id, nil); r.Status != 404 {
		t.Errorf("a person read as a vehicle: %d", r.Status)
	}
	r = s.Do(officer, "GET", "/api/v1/records/"+id, nil)
	links := r.JSON(t)["links"].([]any)
	if len(links) != 1 || links[0].(map[string]any)["role"] != "resides_at" {
		t.Fatalf("record with links: %s", r.Body)
	}
	loc := links[0].(map[string]any)["other"].(map[string]any)["id"].(string)
	if r := s.Do(officer, "GET", "/api/v1/lookup?source=api&ref=N1", nil); r.Status != 200 || r.JSON(t)["id"] != id {
		t.Errorf("lookup: %d %s", r.Status, r.Body)
	}
	if r := s.Do(officer, "GET", "/api/v1/lookup?source=api&ref=N2", nil); r.Status != 404 {
		t.Errorf("lookup of nothing: %d", r.Status)
	}
	if r := s.Do(officer, "GET", "/api/v1/lookup", nil); r.Status != 422 {
		t.Errorf("lookup without params: %d", r.Status)
	}
	if r := s.Do(officer, "GET", "/api/v1/search?q=smyth", nil); !strings.Contains(string(r.Body), id) {
		t.Errorf("search: %s", r.Body)
	}

	// Change it.
	if r := s.Do(officer, "PATCH", "/api/v1/persons/"+id, `{"given_names":"Jon"}`, "If-Match", `"7"`); r.Status != 412 {
		t.Errorf("stale If-Match: %d", r.Status)
	}
	if r := s.Do(officer, "PATCH", "/api/v1/persons/"+id, `{"given_names":"Jon"}`, "If-Match", `"1"`); r.Status != 200 || r.JSON(t)["version"].(float64) != 2 {
		t.Errorf("patch: %d %s", r.Status, r.Body)
	}
	if r := s.Do(officer, "PATCH", "/api/v1/persons/"+id, `{"gender":"Q"}`); r.Status != 422 {
		t.Errorf("bad patch: %d", r.Status)
	}
	r = s.Do(officer, "GET", "/api/v1/records/"+id+"/history", nil)
	if vs := r.JSON(t)["versions"].([]any); len(vs) != 2 {
		t.Errorf("history: %s", r.Body)
	}
	if r := s.Do(officer, "GET", "/api/v1/persons/"+id+"?version=1", nil); r.JSON(t)["given_names"] != "John" {
		t.Errorf("version 1: %s", r.Body)
	}

	// Links.
	r = s.Do(officer, "POST", "/api/v1/vehicles", `{"vrm":"ab12 cde"}`)
	veh := r.JSON(t)["id"].(string)
	r = s.Do(officer, "POST", "/api/v1/links", fmt.Sprintf(`{"from":%q,"to":%q,"role":"keeper_of","valid_from":"2025-01-01","valid_to":null}`, id, veh))
	if r.Status != 201 {
		t.Fatalf("link: %d %s", r.Status, r.Body)
	}
	lid := r.JSON(t)["id"].(string)
	if r := s.Do(officer, "POST", "/api/v1/links", fmt.Sprintf(`{"from":%q,"to":%q,"role":"keeper_of"}`, id, loc)); r.Status != 422 {
		t.Errorf("wrong role for kinds: %d", r.Status)
	}
	if r := s.Do(officer, "GET", "/api/v1/links/"+lid, nil); r.Status != 200 {
		t.Errorf("get link: %d", r.Status)
	}
	if r := s.Do(officer, "PATCH", "/api/v1/links/"+lid, `{"valid_to":"2026-01-01"}`); r.Status != 200 {
		t.Errorf("patch link: %d %s", r.Status, r.Body)
	}
	if r := s.Do(officer, "DELETE", "/api/v1/links/"+lid, nil); r.Status != 204 {
		t.Errorf("delete link: %d", r.Status)
	}
	if r := s.Do(officer, "GET", "/api/v1/links/"+lid, nil); r.Status != 404 {
		t.Errorf("deleted link: %d", r.Status)
	}

	// Permissions.
	if r := s.Do(officer, "DELETE", "/api/v1/persons/"+id, nil); r.Status != 403 {
		t.Errorf("officer delete: %d", r.Status)
	}
	if r := s.Do(officer, "POST", "/api/v1/import", "", "Content-Type", "application/x-ndjson"); r.Status != 403 {
		t.Errorf("officer import: %d", r.Status)
	}
	if r := s.Do(officer, "GET", "/api/v1/users", nil); r.Status != 403 {
		t.Errorf("officer lists users: %d", r.Status)
	}
	if r := s.Do(officer, "GET", "/api/v1/records/"+id+"/audit", nil); r.Status != 403 {
		t.Errorf("officer reads audit: %d", r.Status)
	}

	// Import and export.
	nd := `{"kind":"person","ref":"P1","family_name":"Restricted","access":{"roles":["investigator"]}}
{"kind":"telephone","ref":"T1","number":"07700 900123"}
{"kind":"link","from":"P1","to":"T1","role":"user_of"}
`
	r = s.Do(admin, "POST", "/api/v1/import?source=intel", nd, "Content-Type", "application/x-ndjson")
	if r.Status != 200 || !strings.Contains(string(r.Body), `"links":1`) {
		t.Fatalf("import: %d %s", r.Status, r.Body)
	}
	r = s.Do(admin, "POST", "/api/v1/import", "{\"kind\":\"person\",\"ref\":\"Q\"}\n{oops\n", "Content-Type", "text/plain")
	if r.Status != 422 || !strings.Contains(string(r.Body), `"line":2`) {
		t.Errorf("bad import: %d %s", r.Status, r.Body)
	}
	if r := s.Do(admin, "POST", "/api/v1/import", "{}", "Content-Type", "application/json"); r.Status != 400 {
		t.Errorf("import as JSON: %d", r.Status)
	}
	// The restricted person does not exist for the officer: not by id, ref, search, or link.
	rid := s.Do(admin, "GET", "/api/v1/lookup?source=intel&ref=P1", nil).JSON(t)["id"].(string)
	tid := s.Do(admin, "GET", "/api/v1/lookup?source=intel&ref=T1", nil).JSON(t)["id"].(string)
	for _, path := range []string{"/api/v1/records/" + rid, "/api/v1/persons/" + rid, "/api/v1/lookup?source=intel&ref=P1", "/api/v1/records/" + rid + "/history"} {
		if r := s.Do(officer, "GET", path, nil); r.Status != 404 {
			t.Errorf("officer %s: %d", path, r.Status)
		}
	}
	if r := s.Do(officer, "GET", "/api/v1/search?q=restricted", nil); strings.Contains(string(r.Body), rid) {
		t.Error("restricted record in search")
	}
	if r := s.Do(officer, "GET", "/api/v1/records/"+tid, nil); strings.Contains(string(r.Body), rid) {
		t.Error("restricted record through a link")
	}
	req, _ := http.NewRequest("GET", s.URL+"/api/v1/export", nil)
	req.Header.Set("Authorization", "Bearer "+admin)
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/x-ndjson" {
		t.Fatalf("export: %v %v", err, res)
	}
	res.Body.Close()

	// Purpose: when the force requires it, record reads without one are answered 428.
	if r := s.Do(admin, "PUT", "/api/v1/settings", `{"require_purpose":true}`); r.Status != 200 {
		t.Fatalf("settings: %d %s", r.Status, r.Body)
	}
	if r := s.Do(officer, "GET", "/api/v1/persons/"+id, nil); r.Status != 428 {
		t.Errorf("read without purpose: %d", r.Status)
	}
	if r := s.Do(officer, "GET", "/api/v1/persons/"+id, nil, "X-Peel-Purpose", "incident 42 of 27/11"); r.Status != 200 {
		t.Errorf("read with purpose: %d", r.Status)
	}
	r = s.Do(admin, "GET", "/api/v1/records/"+id+"/audit", nil, "X-Peel-Purpose", "supervision")
	if !strings.Contains(string(r.Body), `"purpose":"incident 42 of 27/11"`) || !strings.Contains(string(r.Body), `"user":"pc.api"`) {
		t.Errorf("who viewed: %s", r.Body)
	}
	if r := s.Do(admin, "POST", "/api/v1/audit/verify", nil); !strings.Contains(string(r.Body), `"ok":true`) {
		t.Errorf("verify: %s", r.Body)
	}

	// Delete.
	if r := s.Do(admin, "DELETE", "/api/v1/persons/"+id, nil, "X-Peel-Purpose", "x"); r.Status != 204 {
		t.Errorf("delete: %d", r.Status)
	}
	if r := s.Do(admin, "GET", "/api/v1/persons/"+id, nil, "X-Peel-Purpose", "x"); r.Status != 404 {
		t.Errorf("deleted: %d", r.Status)
	}
	if r := s.Do(admin, "GET", "/api/v1/nothing-here", nil); r.Status != 404 {
		t.Errorf("unknown endpoint: %d", r.Status)
	}
}

func TestAPIAdmin(t *testing.T) {
	s := webtest.Start(t, false)
	r := s.Do(s.Admin, "POST", "/api/v1/users", `{"username":"pc.new","roles":["officer"]}`)
	if r.Status != 201 || len(r.JSON(t)["password"].(string)) < 10 {
		t.Fatalf("add user: %d %s", r.Status, r.Body)
	}
	if r := s.Do(s.Admin, "POST", "/api/v1/users", `{"username":"pc.new","roles":["officer"]}`); r.Status != 409 {
		t.Errorf("duplicate user: %d", r.Status)
	}
	if r := s.Do(s.Admin, "POST", "/api/v1/users", `{"username":"pc.x","roles":["officer"],"password":"short"}`); r.Status != 422 {
		t.Errorf("weak password: %d", r.Status)
	}
	r = s.Do(s.Admin, "POST", "/api/v1/tokens", `{"username":"pc.new","name":"mdt"}`)
	tok := r.JSON(t)["token"].(string)
	if r := s.Do(tok, "GET", "/api/v1/me", nil); r.JSON(t)["username"] != "pc.new" {
		t.Errorf("me: %s", r.Body)
	}
	if r := s.Do(s.Admin, "PATCH", "/api/v1/users/pc.new", `{"disabled":true}`); r.Status != 200 {
		t.Errorf("disable: %d %s", r.Status, r.Body)
	}
	if r := s.Do(tok, "GET", "/api/v1/me", nil); r.Status != 401 {
		t.Errorf("disabled user's token: %d", r.Status)
	}
	if r := s.Do(s.Admin, "GET", "/api/v1/roles", nil); r.Status != 200 {
		t.Errorf("roles: %d", r.Status)
	}
	if r := s.Do(s.Admin, "PUT", "/api/v1/roles/traffic", `{"name":"traffic","permissions":["records:read","nonsense"]}`); r.Status != 422 {
		t.Errorf("bad permission: %d", r.Status)
	}
	if r := s.Do(s.Admin, "GET", "/api/v1/vocabularies", nil); r.Status != 200 {
		t.Errorf("vocabularies: %d", r.Status)
	}
	if r := s.Do(s.Admin, "PUT", "/api/v1/vocabularies/marker_codes", `[{"code":"FI","category":"officer_safety"},{"code":"XX","category":"nope"}]`); r.Status != 422 {
		t.Errorf("bad marker category: %d", r.Status)
	}
	if r := s.Do(s.Admin, "GET", "/api/v1/audit?limit=5", nil); r.Status != 200 {
		t.Errorf("audit: %d", r.Status)
	}
}

// TestOpenAPIDescribesEveryRoute checks each API route the server answers is in the document.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	s := webtest.Start(t, false)
	res, err := http.Get(s.URL + "/api/v1/openapi.json")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("openapi.json: %v %v", err, res)
	}
	res.Body.Close()
	doc := s.Web.Document()
	paths := doc["paths"].(map[string]any)
	for _, want := range []string{"/api/v1/persons", "/api/v1/events/{id}", "/api/v1/records/{id}", "/api/v1/records/{id}/history", "/api/v1/links",
		"/api/v1/links/{id}", "/api/v1/lookup", "/api/v1/search", "/api/v1/import", "/api/v1/export"} {
		if _, ok := paths[want]; !ok {
			t.Errorf("the document lacks %s", want)
		}
	}
}
