package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/sqlite"
	"github.com/peel-rms/peel/sqlstore"
)

// run runs a peel command in process and returns its exit code, stdout and stderr.
func run(t *testing.T, env map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	m := &Main{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }}
	code := m.Run(context.Background(), args)
	return code, out.String(), errb.String()
}

func TestCommandLine(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"PEEL_DATA": dir}
	if code, _, errs := run(t, env, "", "frobnicate"); code != 2 || !strings.Contains(errs, "unknown command") {
		t.Errorf("unknown command: %d %q", code, errs)
	}
	if code, _, _ := run(t, env, "", "user", "add", "--username", "x"); code != 2 {
		t.Errorf("user add without role: %d", code)
	}
	if code, _, _ := run(t, env, "", "import", "--bogus", "f"); code != 2 {
		t.Errorf("bad flag: %d", code)
	}
	code, out, errs := run(t, env, "a strong password\n", "user", "add", "--username", "pc.cli", "--role", "officer,analyst", "--password-stdin")
	if code != 0 || !strings.Contains(out, "pc.cli") {
		t.Fatalf("user add: %d %q %q", code, out, errs)
	}
	code, out, _ = run(t, env, "", "user", "add", "--username", "pc.gen", "--role", "officer")
	if code != 0 || !strings.Contains(out, "one-time password") {
		t.Errorf("user add with a generated password: %d %q", code, out)
	}
	if code, _, errs := run(t, env, "short\n", "user", "add", "--username", "pc.weak", "--role", "officer", "--password-stdin"); code != 1 || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
		t.Errorf("weak password: %d %q", code, errs)
	}
	code, out, _ = run(t, env, "", "token", "create", "--username", "pc.cli", "--name", "laptop")
	if code != 0 || !strings.HasPrefix(out, "peel_") || strings.Count(out, "\n") != 1 {
		t.Errorf("token create must print one token and nothing else: %q", out)
	}
	// Import, all or nothing, with the API's summary.
	file := filepath.Join(dir, "in.ndjson")
	os.WriteFile(file, []byte(`{"kind":"person","ref":"P1","family_name":"Smith"}
{"kind":"vehicle","ref":"V1","vrm":"AB12 CDE"}
{"kind":"link","from":"P1","to":"V1","role":"keeper_of"}
`), 0o600)
	code, out, errs = run(t, env, "", "import", "--source", "cad", file)
	var sum map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &sum) != nil || sum["links"].(float64) != 1 {
		t.Fatalf("import: %d %q %q", code, out, errs)
	}
	code, out, errs = run(t, env, "{\"kind\":\"person\",\"ref\":\"P2\",\"dob\":7}\n", "import", "-")
	if code != 1 || !strings.Contains(out, `"line":1`) || errs == "" {
		t.Errorf("bad import: %d %q %q", code, out, errs)
	}
	code, out, errs = run(t, env, "caller,called,start\n07700900001,07700900002,2026-11-25T09:00:00Z\n", "import", "--format", "calls-csv", "-")
	if code != 0 || !strings.Contains(out, `"calls":1`) {
		t.Errorf("calls import: %d %q %q", code, out, errs)
	}
	code, out, _ = run(t, env, "", "export")
	if code != 0 || strings.Count(out, "\n") != 6 || !strings.Contains(out, `"vrm":"AB12CDE"`) || !strings.Contains(out, `"kind":"call"`) {
		t.Errorf("export: %d %q", code, out)
	}
	code, out, _ = run(t, env, "", "audit", "verify")
	if code != 0 || !strings.HasPrefix(out, "ok ") || !strings.HasSuffix(out, " entries\n") {
		t.Errorf("audit verify: %d %q", code, out)
	}
	var entries int
	fmt.Sscanf(out, "ok %d entries", &entries)

	// A backup taken while a server holds the store open, with a write of its still in the
	// write-ahead log: the copy is a complete store holding that write and the backup's own entry.
	s, err := sqlite.Open(context.Background(), dir, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Import(context.Background(), auth.System("test"), "late", strings.NewReader(`{"kind":"person","ref":"P9","family_name":"Late"}`+"\n"), peel.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	entries++ // the import's
	copyFile := filepath.Join(t.TempDir(), "copy.db")
	code, out, errs = run(t, env, "", "backup", "--out", copyFile)
	if code != 0 || !strings.Contains(out, copyFile) {
		t.Fatalf("backup: %d %q %q", code, out, errs)
	}
	if code, _, errs := run(t, env, "", "backup", "--out", copyFile); code != 1 || !strings.Contains(errs, "already exists") {
		t.Errorf("backup over an existing file: %d %q", code, errs)
	}
	if code, _, errs := run(t, map[string]string{"PEEL_DB": "postgres://nowhere.invalid/peel"}, "", "backup", "--out", filepath.Join(t.TempDir(), "x")); code != 1 || !strings.Contains(errs, "pg_dump") {
		t.Errorf("backup of PostgreSQL: %d %q", code, errs)
	}
	restored := t.TempDir()
	if err := os.Rename(copyFile, filepath.Join(restored, sqlite.File)); err != nil {
		t.Fatal(err)
	}
	renv := map[string]string{"PEEL_DATA": restored}
	code, out, _ = run(t, renv, "", "audit", "verify")
	if want := fmt.Sprintf("ok %d entries\n", entries+1); code != 0 || out != want {
		t.Errorf("audit verify of the copy: %d %q, want %q (the backup's own entry last)", code, out, want)
	}
	code, out, _ = run(t, renv, "", "export")
	if code != 0 || strings.Count(out, "\n") != 7 || !strings.Contains(out, `"family_name":"Late"`) || !strings.Contains(out, `"vrm":"AB12CDE"`) {
		t.Errorf("export of the copy: %d %q", code, out)
	}
}

// TestServe starts the server in process on a random port, beside the CLI on the same store: the
// server's next request sees what the CLI wrote.
func TestServe(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"PEEL_DATA": dir, "PEEL_ADMIN_PASSWORD": "first admin password"}
	ready := make(chan string, 1)
	m := &Main{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard, Getenv: func(k string) string { return env[k] }, Ready: func(a string) { ready <- a }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- m.Run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}) }()
	var addr string
	select {
	case addr = <-ready:
	case code := <-done:
		t.Fatalf("serve exited %d", code)
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not start")
	}
	// A token made by the CLI beside the running server works at once.
	code, out, errs := run(t, map[string]string{"PEEL_DATA": dir}, "", "token", "create", "--username", "admin")
	if code != 0 {
		t.Fatalf("token create beside the server: %q", errs)
	}
	req, _ := http.NewRequest("GET", "http://"+addr+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(out))
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("server did not accept the CLI's token: %v %v", err, res)
	}
	res.Body.Close()
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("serve exited %d", code)
	}
}
