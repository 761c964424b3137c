// Package webtest starts a real Peel HTTP server over a real store for tests, and checks every
// JSON response against the OpenAPI document the server publishes.
package webtest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/postgres"
	"github.com/peel-rms/peel/postgres/pgtest"
	"github.com/peel-rms/peel/sqlite"
	"github.com/peel-rms/peel/sqlstore"
	"github.com/peel-rms/peel/web"
)

// Server is a running test server.
type Server struct {
	T      *testing.T
	URL    string
	Store  *sqlstore.Store
	Web    *web.Server
	Admin  string // an admin API token
	schema *docSchemas
	stop   func()
}

// Start starts a server over a fresh embedded store (or PostgreSQL when pg is true).
func Start(t *testing.T, pg bool) *Server {
	t.Helper()
	ctx := context.Background()
	var st *sqlstore.Store
	var err error
	if pg {
		st, err = postgres.Open(ctx, pgtest.NewDatabase(t), sqlstore.Options{})
	} else {
		st, err = sqlite.Open(ctx, t.TempDir(), sqlstore.Options{})
	}
	if err != nil {
		t.Fatal(err)
	}
	s := serve(t, st)
	s.Admin = s.UserToken("admin", "admin")
	return s
}

// StartDir starts a server over the embedded store in dir, creating the admin token on first use.
func StartDir(t *testing.T, dir string) *Server {
	t.Helper()
	st, err := sqlite.Open(context.Background(), dir, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := serve(t, st)
	if n, _ := st.UserCount(context.Background()); n == 0 {
		s.Admin = s.UserToken("admin", "admin")
	}
	return s
}

// Stop stops the server and closes its store, as a restart would.
func (s *Server) Stop() {
	s.stop()
}

// StartPair starts two servers, each with its own store and connections, on one PostgreSQL
// database: two instances of a force's deployment.
func StartPair(t *testing.T) (*Server, *Server) {
	t.Helper()
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	var out [2]*Server
	for i := range out {
		st, err := postgres.Open(ctx, url, sqlstore.Options{})
		if err != nil {
			t.Fatal(err)
		}
		out[i] = serve(t, st)
	}
	out[0].Admin = out[0].UserToken("admin", "admin")
	tok, err := out[1].Store.CreateToken(ctx, auth.System("test"), "admin", "second")
	if err != nil {
		t.Fatal(err)
	}
	out[1].Admin = tok
	return out[0], out[1]
}

func serve(t *testing.T, st *sqlstore.Store) *Server {
	ws, err := web.New(st, web.Config{Version: "test"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(ws.Handler())
	var once sync.Once
	stop := func() {
		once.Do(func() {
			hs.CloseClientConnections()
			ws.Close()
			hs.Close()
			st.Close()
		})
	}
	t.Cleanup(stop)
	return &Server{T: t, URL: hs.URL, Store: st, Web: ws, stop: stop}
}

// UserToken adds a user with the roles and returns an API token for them.
func (s *Server) UserToken(name string, roles ...string) string {
	s.T.Helper()
	ctx := context.Background()
	if _, err := s.Store.CreateUser(ctx, auth.System("test"), name, roles, "correct horse battery", false); err != nil {
		s.T.Fatal(err)
	}
	tok, err := s.Store.CreateToken(ctx, auth.System("test"), name, "test")
	if err != nil {
		s.T.Fatal(err)
	}
	return tok
}

// Response is an API answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into a map (or fails the test).
func (r *Response) JSON(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("response is not a JSON object: %v\n%s", err, r.Body)
	}
	return m
}

// Do sends a request with the token and checks the answer against the OpenAPI document.
func (s *Server) Do(token, method, path string, body any, headers ...string) *Response {
	s.T.Helper()
	var rd io.Reader
	ct := "application/json"
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		js, err := json.Marshal(b)
		if err != nil {
			s.T.Fatal(err)
		}
		rd = bytes.NewReader(js)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		s.T.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", ct)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.T.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	out := &Response{Status: res.StatusCode, Header: res.Header, Body: b}
	s.check(method, path, out)
	return out
}

// check validates a JSON response against the schema the document gives its operation and status.
func (s *Server) check(method, path string, r *Response) {
	s.T.Helper()
	ct := r.Header.Get("Content-Type")
	if !strings.Contains(ct, "json") || len(r.Body) == 0 || !strings.HasPrefix(path, "/api/v1/") {
		return
	}
	if s.schema == nil {
		s.schema = loadDoc(s.T, s.URL)
	}
	if err := s.schema.validate(method, path, r.Status, r.Body); err != nil {
		s.T.Errorf("%s %s answered %d with a body the OpenAPI document does not describe: %v\n%s", method, path, r.Status, err, truncate(r.Body))
	}
}

func truncate(b []byte) string {
	if len(b) > 2000 {
		return string(b[:2000]) + "..."
	}
	return string(b)
}

type docSchemas struct {
	mu       sync.Mutex
	doc      map[string]any
	compiler *jsonschema.Compiler
	cache    map[string]*jsonschema.Schema
}

func loadDoc(t *testing.T, base string) *docSchemas {
	res, err := http.Get(base + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	doc, err := jsonschema.UnmarshalJSON(res.Body)
	if err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource("https://peel.invalid/openapi.json", doc); err != nil {
		t.Fatal(err)
	}
	return &docSchemas{doc: doc.(map[string]any), compiler: c, cache: map[string]*jsonschema.Schema{}}
}

// validate finds the operation for method and path and checks body.
func (d *docSchemas) validate(method, path string, status int, body []byte) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	path, _, _ = strings.Cut(path, "?")
	paths := d.doc["paths"].(map[string]any)
	tmpl := ""
	best := -1
	for p := range paths {
		if n, ok := matchTemplate(p, path); ok && n > best {
			tmpl, best = p, n
		}
	}
	if tmpl == "" {
		if status < 400 {
			return errString("no path in the document matches " + path)
		}
		return d.validatePointer("/components/schemas/Problem", body)
	}
	opDoc, ok := paths[tmpl].(map[string]any)[strings.ToLower(method)]
	if !ok {
		return errString("the document has no " + method + " for " + tmpl)
	}
	resps := opDoc.(map[string]any)["responses"].(map[string]any)
	code := itoa(status)
	resp, ok := resps[code]
	if !ok {
		code = "default"
		resp = resps["default"]
	}
	content, _ := resp.(map[string]any)["content"].(map[string]any)
	var ptr string
	for ct := range content {
		ptr = "/paths/" + escape(tmpl) + "/" + strings.ToLower(method) + "/responses/" + code + "/content/" + escape(ct) + "/schema"
	}
	if ptr == "" {
		return errString("the document describes no body for " + method + " " + tmpl + " " + code)
	}
	return d.validatePointer(ptr, body)
}

func (d *docSchemas) validatePointer(ptr string, body []byte) error {
	sch, ok := d.cache[ptr]
	if !ok {
		var err error
		sch, err = d.compiler.Compile("https://peel.invalid/openapi.json#" + ptr)
		if err != nil {
			return err
		}
		d.cache[ptr] = sch
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return err
	}
	return sch.Validate(inst)
}

// matchTemplate reports whether path fits the template, and how many literal segments matched.
func matchTemplate(tmpl, path string) (int, bool) {
	ts := strings.Split(strings.Trim(tmpl, "/"), "/")
	ps := strings.Split(strings.Trim(path, "/"), "/")
	if len(ts) != len(ps) {
		return 0, false
	}
	n := 0
	for i := range ts {
		if strings.HasPrefix(ts[i], "{") {
			continue
		}
		if ts[i] != ps[i] {
			return 0, false
		}
		n++
	}
	return n, true
}

func escape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

type errString string

func (e errString) Error() string { return string(e) }

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
