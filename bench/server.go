package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/sqlstore"
	"github.com/peel-rms/peel/web"
)

// Server is Peel's real HTTP server over a target's store, on a loopback listener, with a client
// that keeps enough connections open for the measurements.
type Server struct {
	URL    string
	Web    *web.Server
	HTTP   *httptest.Server
	Client *http.Client
}

// Serve starts web.New(store).Handler() on a loopback listener.
func Serve(st *sqlstore.Store) (*Server, error) {
	ws, err := web.New(st, web.Config{Version: "bench"}, quietLogger())
	if err != nil {
		return nil, err
	}
	hs := httptest.NewServer(ws.Handler())
	tr := &http.Transport{MaxIdleConns: 4096, MaxIdleConnsPerHost: 4096, IdleConnTimeout: time.Minute, DisableCompression: true}
	return &Server{URL: hs.URL, Web: ws, HTTP: hs, Client: &http.Client{Transport: tr}}, nil
}

// Close stops the server (not the store).
func (s *Server) Close() {
	if s == nil {
		return
	}
	s.HTTP.CloseClientConnections()
	s.Web.Close()
	s.HTTP.Close()
	s.Client.CloseIdleConnections()
}

// Do sends one request with a bearer token and a stated purpose, reads the whole answer and
// returns its status and body.
func (s *Server) Do(ctx context.Context, token, method, path, contentType string, body io.Reader) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, s.URL+path, body)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set(web.PurposeHeader, "benchmark")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := s.Client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}

// UserToken returns a new API token for the user, creating the user with the roles when the store
// does not have it yet (cached stores keep the users of earlier runs).
func UserToken(ctx context.Context, st *sqlstore.Store, name string, roles ...string) (string, error) {
	if _, err := st.User(ctx, name); err != nil {
		if _, err := st.CreateUser(ctx, auth.System("bench"), name, roles, "correct horse battery staple", false); err != nil {
			return "", fmt.Errorf("user %s: %w", name, err)
		}
	}
	tok, err := st.CreateToken(ctx, auth.System("bench"), name, "bench")
	if err != nil {
		return "", fmt.Errorf("token for %s: %w", name, err)
	}
	return tok, nil
}

// Memory is the process's memory after a run.
type Memory struct {
	HeapInuse uint64 // runtime.MemStats.HeapInuse after a GC
	Sys       uint64 // runtime.MemStats.Sys
	RSS       uint64 // VmRSS from /proc/self/status, bytes
	HWM       uint64 // VmHWM (peak RSS), bytes
}

// ReadMemory collects garbage and reads the heap and the process's resident set.
func ReadMemory() Memory {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m := Memory{HeapInuse: ms.HeapInuse, Sys: ms.Sys}
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			k, v, ok := strings.Cut(line, ":")
			if !ok {
				continue
			}
			f := strings.Fields(v)
			if len(f) == 0 {
				continue
			}
			n, _ := strconv.ParseUint(f[0], 10, 64)
			switch k {
			case "VmRSS":
				m.RSS = n << 10
			case "VmHWM":
				m.HWM = n << 10
			}
		}
	}
	return m
}

// StoreSize is the size on disk of the target's database: the embedded store's files, or
// pg_database_size.
func StoreSize(ctx context.Context, t *Target) (int64, error) {
	if t.Store.Dialect().Dollar {
		var n int64
		err := t.Store.ReadDB().QueryRowContext(ctx, "SELECT pg_database_size(current_database())").Scan(&n)
		return n, err
	}
	var n int64
	err := filepath.Walk(t.Dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			n += fi.Size()
		}
		return err
	})
	return n, err
}

func mib(n uint64) string { return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20)) }

// profile starts a CPU profile of the process into dir/name.pprof and returns its stop; with no
// dir it does nothing. The server runs in the process, so the profile shows Peel's share.
func profile(dir, name string) func() {
	if dir == "" {
		return func() {}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return func() {}
	}
	f, err := os.Create(filepath.Join(dir, name+".pprof"))
	if err != nil {
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
