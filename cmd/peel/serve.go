package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/demo"
	"github.com/peel-rms/peel/pole"

	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/sqlstore"
	"github.com/peel-rms/peel/web"
)

func (m *Main) serve(ctx context.Context, args []string) error {
	var sf storeFlags
	fs := m.flags("serve", &sf)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	demoFlag := fs.Bool("demo", false, "fill an empty store with the synthetic demo force")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{"serve takes no arguments"}
	}
	log := m.logger()
	s, err := m.open(ctx, sf)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := m.firstAdmin(ctx, s); err != nil {
		return err
	}
	if *demoFlag {
		if err := m.loadDemo(ctx, s); err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
	}
	every := 6 * time.Hour
	if v := m.Getenv("PEEL_DEDUPE_EVERY"); v != "" {
		if every, err = time.ParseDuration(v); err != nil {
			return usageError{"PEEL_DEDUPE_EVERY must be a duration such as 6h"}
		}
	}
	jobs, stopJobs := context.WithCancel(ctx)
	defer stopJobs()
	go dedupeJob(jobs, s, every, log)
	srv, err := web.New(s, web.Config{SecureCookies: m.Getenv("PEEL_INSECURE_COOKIES") != "true", TileURL: m.Getenv("PEEL_TILE_URL")}, log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	defer srv.Close()
	// Requests live in a context that ends when shutdown begins, so long-lived alert streams close
	// and let the server stop.
	reqs, endReqs := context.WithCancel(context.Background())
	defer endReqs()
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second,
		BaseContext: func(net.Listener) context.Context { return reqs }}
	hs.RegisterOnShutdown(endReqs)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	fmt.Fprintf(m.Stderr, "peel: serving on http://%s\n", ln.Addr())
	if m.Ready != nil {
		m.Ready(ln.Addr().String())
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(shut); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// firstAdmin creates the admin user on a store with no users: with PEEL_ADMIN_PASSWORD, or a
// one-time password printed to stderr that must be changed at first sign-in.
func (m *Main) firstAdmin(ctx context.Context, s *sqlstore.Store) error {
	n, err := s.UserCount(ctx)
	if err != nil || n > 0 {
		return err
	}
	pw := m.Getenv("PEEL_ADMIN_PASSWORD")
	oneTime := pw == ""
	if oneTime {
		pw = auth.GeneratePassword()
	} else if msg := auth.CheckPasswordStrength(pw); msg != "" {
		return fmt.Errorf("PEEL_ADMIN_PASSWORD %s", msg)
	}
	if _, err := s.CreateUser(ctx, auth.System("cli"), "admin", []string{auth.RoleAdmin}, pw, oneTime); err != nil {
		return err
	}
	if oneTime {
		fmt.Fprintf(m.Stderr, "peel: created user admin with one-time password %s (you will choose a new one at first sign-in)\n", pw)
	} else {
		fmt.Fprintln(m.Stderr, "peel: created user admin with the password in PEEL_ADMIN_PASSWORD")
	}
	return nil
}

// loadDemo fills an empty store with the demo force: a few thousand synthetic people, places,
// vehicles, numbers, events, links and calls, with duplicates and warning markers, then finds
// the duplicates for review and raises a few live incidents for the dispatch board.
func (m *Main) loadDemo(ctx context.Context, s *sqlstore.Store) error {
	recs, _, err := s.List(ctx, auth.System("demo"), pole.KindPerson, peel.ListFilter{Limit: 1})
	if err != nil || len(recs) > 0 {
		return err // the store already holds people: leave it as it is
	}
	fmt.Fprintln(m.Stderr, "peel: loading the demo force (a minute or so)...")
	pr, pw := io.Pipe()
	cfg := demo.ServeConfig(time.Now())
	go func() {
		_, err := demo.Generate(pw, cfg)
		pw.CloseWithError(err)
	}()
	sys := auth.System("demo")
	sum, err := s.Import(ctx, sys, "demo", pr, peel.ImportOptions{})
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "peel: demo force loaded: %v records, %d links, %d calls\n", total(sum.Created), sum.Links, sum.Calls)
	if _, err := s.Dedupe(ctx, sys); err != nil {
		return err
	}
	return raiseDemoIncidents(ctx, s, sys)
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// raiseDemoIncidents raises a few open incidents through intake, some at addresses with hazards
// and some reported more than once, so the dispatch board has something live on it.
func raiseDemoIncidents(ctx context.Context, s *sqlstore.Store, p *auth.Principal) error {
	locs, _, err := s.List(ctx, p, pole.KindLocation, peel.ListFilter{Limit: 200})
	if err != nil {
		return err
	}
	now := s.Now()
	raised := 0
	cats := []string{"assault", "concern_for_safety", "domestic_abuse", "road_traffic_collision", "suspicious_circumstances"}
	for i, l := range locs {
		loc := l.Body.(*pole.Location)
		if loc.Lat == nil {
			continue
		}
		hs, err := s.Hazards(ctx, p, l.ID, now)
		if err != nil {
			return err
		}
		if len(hs) == 0 && i%3 != 0 {
			continue
		}
		cat := cats[raised%len(cats)]
		at := now.Add(-time.Duration(5+raised*7) * time.Minute)
		for k := range 1 + raised%3 {
			in := &peel.IntakeReport{Category: cat, OccurredAt: &pole.Moment{T: at.Add(time.Duration(k) * time.Minute)}, Summary: "demo: reported by a member of the public"}
			if k == 0 {
				in.Location.ID = l.ID
			} else {
				lat, lon := *loc.Lat+0.0001*float64(k), *loc.Lon
				in.Location.Lat, in.Location.Lon = &lat, &lon
			}
			if _, err := s.Intake(ctx, p, in); err != nil {
				return err
			}
		}
		if raised++; raised == 8 {
			break
		}
	}
	return nil
}
