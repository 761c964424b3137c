// Package web serves Peel over HTTP: the JSON API under /api/v1, the officer web UI, and the
// static assets. Handlers are thin: they parse the request, call the store through peel.Store with
// the request's principal, and write the answer. Every route is listed in routes.go.
package web

import (
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/peel-rms/peel"
)

//go:embed static
var staticFS embed.FS

// Config is the web layer's configuration.
type Config struct {
	// SecureCookies marks the session cookie Secure (default true; browsers treat localhost as
	// secure, so only plain-HTTP deployments on other hosts need it off).
	SecureCookies bool
	// MaxImportBytes bounds an import body (default 1 GiB).
	MaxImportBytes int64
	// MaxBodyBytes bounds other request bodies (default 1 MiB).
	MaxBodyBytes int64
	// TileURL is the map tile URL template; empty means maps draw without tiles.
	TileURL string
	// Version is shown in the footer and the OpenAPI document.
	Version string
}

// Server is Peel's HTTP server.
type Server struct {
	store peel.Store
	cfg   Config
	log   *slog.Logger
	pages *pages

	docOnce sync.Once
	docJSON []byte

	alerts *broker
}

// New builds a server over a store.
func New(store peel.Store, cfg Config, log *slog.Logger) (*Server, error) {
	if cfg.MaxImportBytes == 0 {
		cfg.MaxImportBytes = 1 << 30
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if cfg.Version == "" {
		cfg.Version = "dev"
	}
	if log == nil {
		log = slog.Default()
	}
	s := &Server{store: store, cfg: cfg, log: log}
	s.alerts = newBroker(store, log.Error)
	p, err := loadPages()
	if err != nil {
		return nil, err
	}
	s.pages = p
	return s, nil
}

// Close stops the server's background work (the alert broker).
func (s *Server) Close() { s.alerts.close() }

// Handler returns the server's handler with its middleware: panic recovery, security headers,
// cross-origin protection and request logging.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	s.routes(mux)
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", cacheStatic(http.FileServerFS(static))))
	cop := http.NewCrossOriginProtection()
	return s.recoverer(securityHeaders(cop.Handler(s.logRequests(mux))))
}

func cacheStatic(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}

// securityHeaders sets a strict Content-Security-Policy and friends on every response.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob: https:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("X-Frame-Options", "DENY")
		h.ServeHTTP(w, r)
	})
}

func (s *Server) recoverer(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic serving request", "method", r.Method, "path", r.URL.Path, "panic", v)
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		h.ServeHTTP(w, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *Server) logRequests(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: 200}
		h.ServeHTTP(sw, r)
		// Never log query strings or headers: they can hold names, numbers and secrets.
		s.log.Debug("request", "method", r.Method, "path", r.URL.Path, "status", sw.status, "ms", time.Since(start).Milliseconds())
	})
}

type ctxKey int

const (
	principalKey ctxKey = iota
	userKey
	sessionKey
)
