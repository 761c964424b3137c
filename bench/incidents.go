package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/incident"
	"github.com/peel-rms/peel/pole"
	"github.com/peel-rms/peel/sqlite"
	"github.com/peel-rms/peel/storetest"
)

// The incidents measurement: how long a hazard alert takes to reach a thousand dispatchers'
// streams, and how many reports a second intake takes with matching, hazards and audit, each
// beside a baseline through the same server.

// IncidentsConfig is one run of the incidents measurement.
type IncidentsConfig struct {
	// Stores to measure: "sqlite", "postgres".
	Stores []string
	// Subscribers connect to the alert stream; Alerts incidents are raised, Gap apart.
	Subscribers int
	Alerts      int
	Gap         time.Duration
	// Reports is the length of the generated stream taken through intake by Clients at once.
	Reports int
	Clients int
	Seed    uint64
	// Hazards is how many marked places the intake store holds in the stream's town.
	Hazards int
	// IntakeSQLite and IntakePostgres, when set, name a store holding a force (an embedded
	// store's directory, a PostgreSQL database) that intake runs on a copy of, instead of an
	// empty store: hazard lookups then search a force's places.
	IntakeSQLite, IntakePostgres string
	PostgresURL                  string
	TempDir                      string
	// ProfileDir, when set, receives CPU profiles of each store's alerts and intake runs.
	ProfileDir string
	Log        *slog.Logger
}

// DefaultIncidentsConfig is the run the incidents issue asks for.
func DefaultIncidentsConfig() IncidentsConfig {
	return IncidentsConfig{Stores: []string{"sqlite", "postgres"}, Subscribers: 1000, Alerts: 50, Gap: 500 * time.Millisecond,
		Reports: 5000, Clients: 8, Seed: 7, Hazards: 2000, PostgresURL: PostgresURL(), Log: slog.Default()}
}

// AlertResult is the alert latency on one store.
type AlertResult struct {
	Store       string
	Subscribers int
	// Raised counts the incidents raised as new (each should alert every subscriber); Repeats
	// those the store matched to an earlier one instead (no alert).
	Raised, Repeats int
	// Delivery is the time from sending the POST to a subscriber reading the event, over every
	// (subscriber, incident) delivery; Missed counts deliveries that never came.
	Delivery Dist
	Missed   int
	// Post is the POST's own response time (the baseline).
	Post    Dist
	Connect time.Duration // to connect every subscriber
	// FrameBytes is the mean size of an alert's data line.
	FrameBytes int
}

// FanoutResult is the floor under alert delivery on this machine: the same subscribers reading a
// plain net/http server that writes a ready-made event of the same size to every stream, with
// nothing of Peel in it.
type FanoutResult struct {
	Subscribers, Alerts, FrameBytes int
	Delivery                        Dist
	Missed                          int
}

// IntakeResult is intake throughput on one store.
type IntakeResult struct {
	Store   string
	Reports int
	Clients int
	// Intake is POST /api/v1/incidents; Events the baseline, plain POST /api/v1/events of the
	// same shape; both with Clients at once.
	Intake Dist
	Events Dist
	// Sequential is intake one report at a time in ReportedAt order, on a fresh store; its
	// grouping is scored against the stream's truth (Grouping) and compared with the matching
	// package's Replay (Differ counts reports grouped otherwise). Concurrent scores the grouping
	// the concurrent run produced.
	Sequential Dist
	Grouping   incident.PairStats
	Concurrent incident.PairStats
	Differ     int
	Examples   []string // the first few reports grouped otherwise than Replay
	Hazarded   int      // reports answered with at least one hazard (sequential run)
	// Base names the force the intake stores were copied from ("" for empty stores).
	Base string
}

// IncidentsResults are what an incidents run measured.
type IncidentsResults struct {
	Config  IncidentsConfig
	Alerts  []AlertResult
	Fanout  *FanoutResult
	Intakes []IntakeResult
	Started time.Time
	Took    time.Duration
	Load    [2]string
}

// RunIncidents measures every store the config names.
func RunIncidents(ctx context.Context, cfg IncidentsConfig) (*IncidentsResults, error) {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	res := &IncidentsResults{Config: cfg, Started: time.Now()}
	res.Load[0] = loadAverage()
	defer func() { res.Load[1] = loadAverage(); res.Took = time.Since(res.Started) }()
	tmp, err := os.MkdirTemp(cfg.TempDir, "peel-bench-incidents-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	for _, name := range cfg.Stores {
		if cfg.Subscribers > 0 && cfg.Alerts > 0 {
			stop := profile(cfg.ProfileDir, name+"-alerts")
			a, err := AlertLatency(ctx, name, cfg, filepath.Join(tmp, name+"-alerts"))
			stop()
			if err != nil {
				return res, fmt.Errorf("%s alerts: %w", name, err)
			}
			cfg.Log.Info("alerts", "store", name, "p50", a.Delivery.Median, "p99", a.Delivery.P99, "missed", a.Missed, "post_p50", a.Post.Median)
			res.Alerts = append(res.Alerts, a)
			if res.Fanout == nil {
				f, err := BareFanout(ctx, cfg, a.FrameBytes)
				if err != nil {
					return res, fmt.Errorf("bare fan-out: %w", err)
				}
				cfg.Log.Info("bare fan-out", "p50", f.Delivery.Median, "p99", f.Delivery.P99, "missed", f.Missed)
				res.Fanout = &f
			}
		}
		if cfg.Reports > 0 {
			stop := profile(cfg.ProfileDir, name+"-intake")
			in, err := IntakeThroughput(ctx, name, cfg, filepath.Join(tmp, name+"-intake"))
			stop()
			if err != nil {
				return res, fmt.Errorf("%s intake: %w", name, err)
			}
			cfg.Log.Info("intake", "store", name, "per_sec", int(in.Intake.PerSec), "events_per_sec", int(in.Events.PerSec), "precision", in.Grouping.Precision, "recall", in.Grouping.Recall)
			res.Intakes = append(res.Intakes, in)
		}
	}
	return res, nil
}

// subscriber reads one alert stream, noting when each incident's alert arrived.
type streamReader struct {
	mu     sync.Mutex
	got    map[string]time.Time
	done   chan struct{}
	frames int // data lines read, and their bytes
	bytes  int
}

// connect opens the alert stream and returns once the server has subscribed it (its first
// comment has arrived); the stream is then read in the background until ctx ends.
func connect(ctx context.Context, client *http.Client, srvURL, token string) (*streamReader, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", srvURL+"/api/v1/alerts/stream", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != 200 {
		res.Body.Close()
		return nil, fmt.Errorf("alert stream: %s", res.Status)
	}
	br := bufio.NewReader(res.Body)
	if _, err := br.ReadString('\n'); err != nil { // ": peel alerts"
		res.Body.Close()
		return nil, err
	}
	s := &streamReader{got: map[string]time.Time{}, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		defer res.Body.Close()
		for {
			line, err := br.ReadSlice('\n')
			if err != nil {
				return
			}
			if !bytes.HasPrefix(line, []byte("data: ")) {
				continue
			}
			at := time.Now()
			s.mu.Lock()
			s.frames++
			s.bytes += len(line)
			s.mu.Unlock()
			// Real subscribers are other devices; here a thousand share the server's two cores, so
			// each finds only the incident id and the reason rather than decoding the whole alert.
			// Only the alert that the incident was raised counts: later intake at the same place
			// adds hazards to open incidents there, which alerts again ("hazard_added").
			if id, ok := raisedIncident(line[6:]); ok {
				s.mu.Lock()
				if _, seen := s.got[id]; !seen {
					s.got[id] = at
				}
				s.mu.Unlock()
			}
		}
	}()
	return s, nil
}

var (
	incidentPrefix = []byte(`{"incident":{"id":"`)
	raisedSuffix   = []byte(`"reason":"raised"}`)
)

// raisedIncident is the incident id of a "raised" alert's data line.
func raisedIncident(data []byte) (string, bool) {
	data = bytes.TrimSpace(data)
	if !bytes.HasPrefix(data, incidentPrefix) || !bytes.HasSuffix(data, raisedSuffix) {
		return "", false
	}
	rest := data[len(incidentPrefix):]
	end := bytes.IndexByte(rest, '"')
	if end <= 0 {
		return "", false
	}
	return string(rest[:end]), true
}

// connectAll connects n subscribers, 32 at a time.
func connectAll(ctx context.Context, client *http.Client, srvURL, token string, n int) ([]*streamReader, error) {
	subs := make([]*streamReader, n)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	var next atomic.Int64
	for range min(32, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(subs) {
					return
				}
				s, err := connect(ctx, client, srvURL, token)
				if err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					return
				}
				subs[i] = s
			}
		}()
	}
	wg.Wait()
	return subs, firstErr
}

// collect waits up to wait for every subscriber to have read every event of ids, then returns
// each delivery's time from its sending, and how many never came.
func collect(subs []*streamReader, ids []string, sent map[string]time.Time, wait time.Duration) ([]time.Duration, int) {
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		all := true
		for _, s := range subs {
			if s.count(ids) < len(ids) {
				all = false
				break
			}
		}
		if all {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	var lat []time.Duration
	missed := 0
	for _, s := range subs {
		s.mu.Lock()
		for _, id := range ids {
			if at, ok := s.got[id]; ok {
				lat = append(lat, at.Sub(sent[id]))
			} else {
				missed++
			}
		}
		s.mu.Unlock()
	}
	return lat, missed
}

func (s *streamReader) count(ids []string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, id := range ids {
		if _, ok := s.got[id]; ok {
			n++
		}
	}
	return n
}

// AlertLatency serves a store holding the hazards street, connects cfg.Subscribers dispatchers to
// the alert stream, raises cfg.Alerts new incidents at its addresses cfg.Gap apart, and times each
// delivery from the moment the POST was sent.
func AlertLatency(ctx context.Context, kind string, cfg IncidentsConfig, dir string) (AlertResult, error) {
	res := AlertResult{Store: kind, Subscribers: cfg.Subscribers}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return res, err
	}
	t, err := open(ctx, kind, dir, Config{PostgresURL: cfg.PostgresURL})
	if err != nil {
		return res, err
	}
	defer t.Close()
	sys := auth.System("bench")
	if _, err := t.Store.Import(ctx, sys, "h", strings.NewReader(storetest.HazardsNDJSON), peel.ImportOptions{TempDir: dir}); err != nil {
		return res, fmt.Errorf("hazards: %w", err)
	}
	var locs []string
	for _, ref := range []string{"L1", "L2", "L3"} {
		r, err := t.Store.Lookup(ctx, sys, "h", ref)
		if err != nil {
			return res, err
		}
		locs = append(locs, r.ID)
	}
	token, err := UserToken(ctx, t.Store, "bench.dispatcher", "dispatcher")
	if err != nil {
		return res, err
	}
	srv, err := Serve(t.Store)
	if err != nil {
		return res, err
	}
	defer srv.Close()

	// The streams have a transport of their own, so the POSTs never queue behind them.
	streamClient := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: -1, DisableCompression: true}}
	defer streamClient.CloseIdleConnections()
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	start := time.Now()
	subs, err := connectAll(sctx, streamClient, srv.URL, token, cfg.Subscribers)
	if err != nil {
		return res, fmt.Errorf("subscribe: %w", err)
	}
	res.Connect = time.Since(start)

	// One incident first, unmeasured and far from the others in time, so that the measured ones
	// do not pay for the first write's cold caches.
	now := t.Store.Now()
	warm, _ := json.Marshal(map[string]any{"category": "other", "occurred_at": pole.Moment{T: now.AddDate(-1, 0, 0).Truncate(time.Second)},
		"location": map[string]string{"id": locs[0]}, "summary": "benchmark warm-up"})
	if status, ans, err := srv.Do(ctx, token, "POST", "/api/v1/incidents", "application/json", bytes.NewReader(warm)); err != nil || status != 201 {
		return res, fmt.Errorf("warm-up intake: %d %s %v", status, truncate(ans), err)
	}
	time.Sleep(cfg.Gap)
	cats := incident.Categories()
	sent := map[string]time.Time{}
	var ids []string
	var post []time.Duration
	for i := range cfg.Alerts {
		body, _ := json.Marshal(map[string]any{
			"category":    cats[i%len(cats)],
			"occurred_at": pole.Moment{T: now.Add(-time.Duration(i+1) * 73 * time.Hour).Truncate(time.Second)},
			"location":    map[string]string{"id": locs[i%len(locs)]},
			"summary":     fmt.Sprintf("benchmark alert %d", i),
		})
		t0 := time.Now()
		status, ans, err := srv.Do(ctx, token, "POST", "/api/v1/incidents", "application/json", bytes.NewReader(body))
		d := time.Since(t0)
		if err == nil && status != 201 {
			err = fmt.Errorf("intake: %d %s", status, truncate(ans))
		}
		if err != nil {
			return res, err
		}
		post = append(post, d)
		var a struct {
			ID          string  `json:"id"`
			DuplicateOf *string `json:"duplicate_of"`
			Hazards     []any   `json:"hazards"`
		}
		if err := json.Unmarshal(ans, &a); err != nil {
			return res, err
		}
		if a.DuplicateOf != nil || len(a.Hazards) == 0 {
			res.Repeats++
		} else {
			res.Raised++
			sent[a.ID] = t0
			ids = append(ids, a.ID)
		}
		if i < cfg.Alerts-1 {
			// The dispatcher closes each incident once dealt with, as a control room does:
			// otherwise dozens stay open at the same three addresses and each violent one alerts
			// every other there (hazard_added), which is not what this measures.
			time.Sleep(cfg.Gap / 2)
			if status, ans, err := srv.Do(ctx, token, "PATCH", "/api/v1/events/"+a.ID, "application/json", strings.NewReader(`{"status":"closed"}`)); err != nil || status != 200 {
				return res, fmt.Errorf("close: %d %s %v", status, truncate(ans), err)
			}
			time.Sleep(cfg.Gap / 2)
		}
	}
	lat, missed := collect(subs, ids, sent, 10*time.Second+cfg.Gap)
	res.Missed = missed
	res.Delivery = summarise(lat, 0)
	res.Post = summarise(post, 0)
	var frames, size int
	for _, s := range subs {
		s.mu.Lock()
		frames, size = frames+s.frames, size+s.bytes
		s.mu.Unlock()
	}
	if frames > 0 {
		res.FrameBytes = size / frames
	}
	cancel()
	srv.Close()
	for _, s := range subs {
		<-s.done
	}
	return res, nil
}

// HazardPlaces writes n marked places (weapons found at the door) scattered over the town of the
// generated report stream, so that intake finds hazards at some reports' points.
func HazardPlaces(n int, seed uint64) string {
	const lat0, lon0 = 52.95, -1.15 // the stream's town centre
	r := rand.New(rand.NewPCG(seed, 3))
	var b strings.Builder
	for i := range n {
		rad, ang := 4000*math.Sqrt(r.Float64()), r.Float64()*2*math.Pi
		lat := lat0 + rad*math.Cos(ang)/111320
		lon := lon0 + rad*math.Sin(ang)/(111320*math.Cos(lat0*math.Pi/180))
		fmt.Fprintf(&b, `{"kind":"location","ref":"HZ%d","lines":["%d Bench Street"],"postcode":"NG1 1AA","lat":%.6f,"lon":%.6f,"markers":[{"code":"WE","valid_from":"2020-01-01","valid_to":null,"note":"weapon seen"}]}`+"\n",
			i, i+1, lat, lon)
	}
	return b.String()
}

// streamBodies returns the JSON bodies of the stream's reports, as intake and as a plain event.
// A report naming a place (an address or a landmark) names it as the location record places
// holds for it.
func streamBodies(reports []incident.Report, places map[string]string) (intake, events [][]byte) {
	for _, r := range reports {
		in := map[string]any{"category": r.Category, "summary": r.Summary, "reported_at": pole.Moment{T: r.ReportedAt}}
		loc := map[string]any{}
		if id := places[r.LocationID]; id != "" {
			loc["id"] = id
		}
		ev := map[string]any{"type": "incident", "category": r.Category, "summary": r.Summary, "reported_at": pole.Moment{T: r.ReportedAt}, "status": "open"}
		if !r.OccurredAt.IsZero() {
			in["occurred_at"] = pole.Moment{T: r.OccurredAt}
			ev["occurred_at"] = pole.Moment{T: r.OccurredAt}
		}
		if r.HasPoint {
			loc["lat"], loc["lon"] = r.Lat, r.Lon
			if r.Accuracy > 0 {
				loc["accuracy_m"] = r.Accuracy
			}
			ev["lat"], ev["lon"] = r.Lat, r.Lon
		}
		if len(loc) > 0 {
			in["location"] = loc
		}
		b, _ := json.Marshal(in)
		intake = append(intake, b)
		b, _ = json.Marshal(ev)
		events = append(events, b)
	}
	return intake, events
}

type intakeAnswer struct {
	ID          string  `json:"id"`
	DuplicateOf *string `json:"duplicate_of"`
	Hazards     []any   `json:"hazards"`
}

// post sends bodies[from:to] to path from clients goroutines at once, each taking the next body in
// order, and returns the latencies, the wall time and the answers.
func post(ctx context.Context, srv *Server, token, path string, bodies [][]byte, clients int) ([]time.Duration, time.Duration, [][]byte, error) {
	lat := make([]time.Duration, len(bodies))
	answers := make([][]byte, len(bodies))
	var next atomic.Int64
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(bodies) || ctx.Err() != nil {
					return
				}
				t0 := time.Now()
				status, ans, err := srv.Do(ctx, token, "POST", path, "application/json", bytes.NewReader(bodies[i]))
				lat[i] = time.Since(t0)
				if err == nil && status != 201 {
					err = fmt.Errorf("POST %s: %d %s", path, status, truncate(ans))
				}
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					return
				}
				answers[i] = ans
			}
		}()
	}
	wg.Wait()
	return lat, time.Since(start), answers, firstErr
}

// grouping reads intake answers as stream id -> stream id of its incident.
func grouping(reports []incident.Report, answers [][]byte) (map[string]string, int, error) {
	idOf := map[string]string{} // store id -> stream id
	got := map[string]string{}
	hazarded := 0
	for i, b := range answers {
		var a intakeAnswer
		if err := json.Unmarshal(b, &a); err != nil {
			return nil, 0, err
		}
		idOf[a.ID] = reports[i].ID
		got[reports[i].ID] = reports[i].ID
		if len(a.Hazards) > 0 {
			hazarded++
		}
	}
	for i, b := range answers {
		var a intakeAnswer
		json.Unmarshal(b, &a)
		if a.DuplicateOf != nil {
			if m, ok := idOf[*a.DuplicateOf]; ok {
				got[reports[i].ID] = m
			}
		}
	}
	return got, hazarded, nil
}

// IntakeThroughput takes a generated report stream through intake with cfg.Clients at once, beside
// the same number of plain event creations, on a store with marked places in the stream's town;
// then takes it again one report at a time on a fresh store and scores the grouping.
func IntakeThroughput(ctx context.Context, kind string, cfg IncidentsConfig, dir string) (IntakeResult, error) {
	res := IntakeResult{Store: kind, Reports: cfg.Reports, Clients: cfg.Clients}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return res, err
	}
	reports, truth := incident.GenerateStream(cfg.Reports, cfg.Seed)
	slices.SortStableFunc(reports, func(a, b incident.Report) int { return a.ReportedAt.Compare(b.ReportedAt) })
	hazards := HazardPlaces(cfg.Hazards, cfg.Seed)
	// The addresses and landmarks callers name are location records, as command and control
	// would resolve them: without coordinates, so a report's point is its own, as in Replay.
	var placeLines strings.Builder
	seenPlace := map[string]bool{}
	for _, r := range reports {
		if r.LocationID != "" && !seenPlace[r.LocationID] {
			seenPlace[r.LocationID] = true
			line, _ := json.Marshal(map[string]any{"kind": "location", "ref": r.LocationID, "lines": []string{"Place " + r.LocationID}, "town": "Generated"})
			placeLines.Write(line)
			placeLines.WriteByte('\n')
		}
	}
	var intake, events [][]byte

	fresh := func(name string) (*Target, *Server, string, error) {
		var t *Target
		var err error
		switch {
		case kind == "sqlite" && cfg.IntakeSQLite != "":
			res.Base = cfg.IntakeSQLite
			t, err = copySQLite(ctx, cfg.IntakeSQLite, filepath.Join(dir, name))
		case kind == "postgres" && cfg.IntakePostgres != "":
			res.Base = cfg.IntakePostgres
			t, err = newPostgres(ctx, cfg.PostgresURL, cfg.IntakePostgres)
		default:
			t, err = open(ctx, kind, filepath.Join(dir, name), Config{PostgresURL: cfg.PostgresURL})
		}
		if err != nil {
			return nil, nil, "", err
		}
		if cfg.Hazards > 0 {
			if _, err := t.Store.Import(ctx, auth.System("bench"), "hz", strings.NewReader(hazards), peel.ImportOptions{TempDir: dir}); err != nil {
				t.Close()
				return nil, nil, "", fmt.Errorf("hazard places: %w", err)
			}
		}
		if _, err := t.Store.Import(ctx, auth.System("bench"), "places", strings.NewReader(placeLines.String()), peel.ImportOptions{TempDir: dir}); err != nil {
			t.Close()
			return nil, nil, "", fmt.Errorf("places: %w", err)
		}
		places := map[string]string{}
		rows, err := t.Store.DB().QueryContext(ctx, `SELECT ref, record_id FROM refs WHERE source = 'places'`)
		if err != nil {
			t.Close()
			return nil, nil, "", err
		}
		for rows.Next() {
			var ref, id string
			if err := rows.Scan(&ref, &id); err != nil {
				rows.Close()
				t.Close()
				return nil, nil, "", err
			}
			places[ref] = id
		}
		rows.Close()
		if len(places) != len(seenPlace) {
			t.Close()
			return nil, nil, "", fmt.Errorf("places: %d location records for %d places", len(places), len(seenPlace))
		}
		intake, events = streamBodies(reports, places)
		token, err := UserToken(ctx, t.Store, "bench.dispatcher", "dispatcher")
		if err != nil {
			t.Close()
			return nil, nil, "", err
		}
		srv, err := Serve(t.Store)
		if err != nil {
			t.Close()
			return nil, nil, "", err
		}
		return t, srv, token, nil
	}

	// Concurrent: intake and the baseline in two halves each, in turn, so drift falls on both;
	// intake's halves keep the stream's order.
	t, srv, token, err := fresh("concurrent")
	if err != nil {
		return res, err
	}
	half := len(reports) / 2
	var inLat, evLat []time.Duration
	var inWall, evWall time.Duration
	var answers [][]byte
	for _, part := range [][2]int{{0, half}, {half, len(reports)}} {
		lat, wall, ans, err := post(ctx, srv, token, "/api/v1/incidents", intake[part[0]:part[1]], cfg.Clients)
		if err != nil {
			srv.Close()
			t.Close()
			return res, err
		}
		inLat, inWall, answers = append(inLat, lat...), inWall+wall, append(answers, ans...)
		lat, wall, _, err = post(ctx, srv, token, "/api/v1/events", events[part[0]:part[1]], cfg.Clients)
		if err != nil {
			srv.Close()
			t.Close()
			return res, err
		}
		evLat, evWall = append(evLat, lat...), evWall+wall
	}
	res.Intake, res.Events = summarise(inLat, inWall), summarise(evLat, evWall)
	got, _, err := grouping(reports, answers)
	if err != nil {
		srv.Close()
		t.Close()
		return res, err
	}
	res.Concurrent = incident.Pairwise(truth, got)
	srv.Close()
	if err := t.Close(); err != nil {
		return res, err
	}

	// Sequential, in ReportedAt order, on a fresh store: the grouping to score.
	t, srv, token, err = fresh("sequential")
	if err != nil {
		return res, err
	}
	defer t.Close()
	defer srv.Close()
	lat, wall, answers, err := post(ctx, srv, token, "/api/v1/incidents", intake, 1)
	if err != nil {
		return res, err
	}
	res.Sequential = summarise(lat, wall)
	got, res.Hazarded, err = grouping(reports, answers)
	if err != nil {
		return res, err
	}
	res.Grouping = incident.Pairwise(truth, got)
	// The store never closes an incident by itself; Replay with a long hold does the same.
	want := incident.Replay(incident.DefaultRules(), reports, 1000*time.Hour)
	var ids []string
	for id, w := range want {
		if got[id] != w {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	res.Differ = len(ids)
	byID := map[string]incident.Report{}
	for _, r := range reports {
		byID[r.ID] = r
	}
	for _, id := range first(ids, 5) {
		r := byID[id]
		res.Examples = append(res.Examples, fmt.Sprintf("%s (%s, reported %s): store put it in %s, Replay in %s, truth %s", id, r.Category,
			r.ReportedAt.Format(time.RFC3339), got[id], want[id], truth[id]))
	}
	return res, nil
}

// Targets the incidents issue sets.
const (
	TargetAlertP99       = 50 * time.Millisecond
	TargetIntakePerSec   = 1000
	incidentsReportTitle = "Peel incidents benchmarks"
)

// Report writes the results as tables: each Peel figure beside its baseline and their ratio.
func (r *IncidentsResults) Report(w io.Writer) {
	fmt.Fprintf(w, "%s, %s, %s/%s, %d CPUs, %s\n", incidentsReportTitle, r.Started.UTC().Format(time.RFC3339), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
	if r.Load[0] != "" {
		fmt.Fprintf(w, "load average at start %s, at end %s\n", r.Load[0], r.Load[1])
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "store\tmeasure\tpeel\tbaseline\tpeel/baseline\ttarget\t")
	for _, a := range r.Alerts {
		fmt.Fprintf(tw, "%s\talert delivery p50, %d subscribers x %d incidents (vs the POST's response)\t%s\t%s\t%s\t\t\n", a.Store, a.Subscribers, a.Raised,
			ms(a.Delivery.Median), ms(a.Post.Median), ratio(float64(a.Delivery.Median), float64(a.Post.Median)))
		fmt.Fprintf(tw, "%s\talert delivery p99\t%s\t%s\t%s\t<= %s %s\t\n", a.Store, ms(a.Delivery.P99), ms(a.Post.P99), ratio(float64(a.Delivery.P99), float64(a.Post.P99)),
			ms(TargetAlertP99), verdict(a.Delivery.P99 <= TargetAlertP99 && a.Missed == 0))
		fmt.Fprintf(tw, "%s\talert delivery max\t%s\t%s\t\t\t\n", a.Store, ms(a.Delivery.Max), ms(a.Post.Max))
		fmt.Fprintf(tw, "%s\talert deliveries\t%d delivered, %d missed; %d repeats raised no alert; subscribers connected in %s\t\t\t\t\n", a.Store,
			a.Delivery.N, a.Missed, a.Repeats, a.Connect.Round(time.Millisecond))
	}
	if f := r.Fanout; f != nil {
		fmt.Fprintf(tw, "-\tbare fan-out p50, p99: %d subscribers x %d events of %d bytes, no Peel (the floor)\t%s, %s\t\t\t\t\n", f.Subscribers, f.Alerts, f.FrameBytes,
			ms(f.Delivery.Median), ms(f.Delivery.P99))
	}
	for _, in := range r.Intakes {
		fmt.Fprintf(tw, "%s\tintake reports/s, %d clients, %d reports (vs POST /api/v1/events)\t%.0f\t%.0f\t%s\t>= %d/s %s\t\n", in.Store, in.Clients, in.Reports,
			in.Intake.PerSec, in.Events.PerSec, ratio(in.Intake.PerSec, in.Events.PerSec), TargetIntakePerSec, verdict(in.Intake.PerSec >= TargetIntakePerSec))
		fmt.Fprintf(tw, "%s\tintake latency p50, %d clients\t%s\t%s\t%s\t\t\n", in.Store, in.Clients, ms(in.Intake.Median), ms(in.Events.Median), ratio(float64(in.Intake.Median), float64(in.Events.Median)))
		fmt.Fprintf(tw, "%s\tintake latency p99, %d clients\t%s\t%s\t%s\t\t\n", in.Store, in.Clients, ms(in.Intake.P99), ms(in.Events.P99), ratio(float64(in.Intake.P99), float64(in.Events.P99)))
		fmt.Fprintf(tw, "%s\tintake one at a time, reports/s (p50, p99)\t%.0f (%s, %s)\t\t\t\t\n", in.Store, in.Sequential.PerSec, ms(in.Sequential.Median), ms(in.Sequential.P99))
		fmt.Fprintf(tw, "%s\tgrouping, one at a time: pairwise precision, recall\t%.3f, %.3f\t\t\t\t\n", in.Store, in.Grouping.Precision, in.Grouping.Recall)
		fmt.Fprintf(tw, "%s\tgrouping, %d clients: pairwise precision, recall\t%.3f, %.3f\t\t\t\t\n", in.Store, in.Clients, in.Concurrent.Precision, in.Concurrent.Recall)
		fmt.Fprintf(tw, "%s\tgrouping vs incident.Replay\t%d of %d reports grouped differently; %d answered with hazards\t\t\t\t\n", in.Store, in.Differ, in.Reports, in.Hazarded)
	}
	tw.Flush()
	for _, in := range r.Intakes {
		if in.Base != "" {
			fmt.Fprintf(w, "%s intake ran on copies of %s\n", in.Store, in.Base)
		}
		for _, e := range in.Examples {
			fmt.Fprintf(w, "%s grouped otherwise than incident.Replay: %s\n", in.Store, e)
		}
	}
	fmt.Fprintf(w, "\nran in %s\n", r.Took.Round(time.Second))
}

// copySQLite copies an embedded store's directory and opens the copy.
func copySQLite(ctx context.Context, from, to string) (*Target, error) {
	if err := os.MkdirAll(to, 0o700); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(from)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasPrefix(e.Name(), sqlite.File) {
			continue
		}
		src, err := os.Open(filepath.Join(from, e.Name()))
		if err != nil {
			return nil, err
		}
		dst, err := os.Create(filepath.Join(to, e.Name()))
		if err == nil {
			_, err = io.Copy(dst, src)
			err = errors.Join(err, dst.Close())
		}
		src.Close()
		if err != nil {
			return nil, err
		}
	}
	return OpenSQLite(ctx, to)
}
