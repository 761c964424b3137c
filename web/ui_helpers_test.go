package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
	"github.com/peel-rms/peel/sqlite"
	"github.com/peel-rms/peel/sqlstore"
	"github.com/peel-rms/peel/web"
)

// uiEnv is a Peel server over a real embedded store, for page tests.
type uiEnv struct {
	t     *testing.T
	srv   *httptest.Server
	store *sqlstore.Store
}

const testPassword = "correct horse battery"

// newUIEnv starts Peel on a random port over a fresh embedded store, with an administrator
// "admin" (password testPassword, no forced change).
func newUIEnv(t *testing.T) *uiEnv {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir(), sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	s, err := web.New(st, web.Config{SecureCookies: false, Version: "test"}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	e := &uiEnv{t: t, srv: srv, store: st}
	e.addUser("admin", []string{auth.RoleAdmin}, false)
	return e
}

// addUser adds a user with testPassword.
func (e *uiEnv) addUser(name string, roles []string, mustChange bool) {
	e.t.Helper()
	if _, err := e.store.CreateUser(context.Background(), auth.System("test"), name, roles, testPassword, mustChange); err != nil {
		e.t.Fatal(err)
	}
}

// uiClient is an HTTP client with its own cookies that does not follow redirects, so tests see
// them.
type uiClient struct {
	e *uiEnv
	c *http.Client
}

func (e *uiEnv) client() *uiClient {
	jar, _ := cookiejar.New(nil)
	return &uiClient{e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// signedIn is a client signed in as the user.
func (e *uiEnv) signedIn(name string) *uiClient {
	e.t.Helper()
	b := e.client()
	res := b.post("/login", url.Values{"username": {name}, "password": {testPassword}})
	if res.status != http.StatusSeeOther {
		e.t.Fatalf("sign in as %s: status %d\n%s", name, res.status, res.body)
	}
	return b
}

type uiPage struct {
	status   int
	body     string
	location string
	header   http.Header
}

func (b *uiClient) do(req *http.Request) uiPage {
	b.e.t.Helper()
	res, err := b.c.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return uiPage{status: res.StatusCode, body: string(data), location: res.Header.Get("Location"), header: res.Header}
}

func (b *uiClient) get(path string, header ...string) uiPage {
	b.e.t.Helper()
	req, _ := http.NewRequest("GET", b.e.srv.URL+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return b.do(req)
}

func (b *uiClient) post(path string, form url.Values) uiPage {
	b.e.t.Helper()
	req, _ := http.NewRequest("POST", b.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// expect fails unless the page has the status and every snippet.
func (p uiPage) expect(t *testing.T, status int, snippets ...string) {
	t.Helper()
	if p.status != status {
		t.Fatalf("status %d, want %d (location %q)\n%s", p.status, status, p.location, p.body)
	}
	for _, s := range snippets {
		if !strings.Contains(p.body, s) {
			t.Fatalf("page lacks %q\n%s", s, p.body)
		}
	}
}

// redirectsTo fails unless the page is a redirect whose location starts with prefix.
func (p uiPage) redirectsTo(t *testing.T, prefix string) {
	t.Helper()
	if p.status != http.StatusSeeOther && p.status != http.StatusFound {
		t.Fatalf("status %d, want a redirect to %s\n%s", p.status, prefix, p.body)
	}
	if !strings.HasPrefix(p.location, prefix) {
		t.Fatalf("redirect to %q, want %q…", p.location, prefix)
	}
}

var inlineScript = regexp.MustCompile(`(?i)<script(?:\s[^>]*)?>\s*[^<\s]|\sstyle=|\son[a-z]+=|javascript:`)

// checkCSP fails if the page has anything a strict Content-Security-Policy would block: inline
// scripts, style attributes, event handler attributes.
func (p uiPage) checkCSP(t *testing.T) {
	t.Helper()
	for _, tag := range regexp.MustCompile(`<[^>]+>`).FindAllString(p.body, -1) {
		if inlineScript.MatchString(tag) {
			t.Fatalf("inline script or style in %s", tag)
		}
	}
	if regexp.MustCompile(`(?is)<script[^>]*>[^<]+</script>`).MatchString(p.body) {
		t.Fatalf("inline script body in page")
	}
}

// recordID reads the id of the record a create redirected to.
func recordID(t *testing.T, p uiPage) string {
	t.Helper()
	m := regexp.MustCompile(`^/records/([^/?]+)`).FindStringSubmatch(p.location)
	if m == nil {
		t.Fatalf("not a redirect to a record: status %d location %q\n%s", p.status, p.location, p.body)
	}
	id, _ := url.PathUnescape(m[1])
	return id
}

// mustCreate stores a record through the store, as the admin.
func (e *uiEnv) mustCreate(kind pole.Kind, body string) *pole.Record {
	e.t.Helper()
	in, perr := pole.DecodeInput([]byte(body), kind)
	if perr != nil {
		e.t.Fatal(perr)
	}
	rec, _, err := e.store.Create(context.Background(), auth.System("test"), in, peel.CreateOptions{})
	if err != nil {
		e.t.Fatal(err)
	}
	return rec
}
