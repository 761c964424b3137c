package web

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
)

// Alert stream settings.
const (
	subscriberBuffer = 64                     // alerts a subscriber may fall behind by before it is dropped
	alertPoll        = 500 * time.Millisecond // how often to look for alerts written by other processes
	heartbeat        = 15 * time.Second
	replayLimit      = 1000
)

// broker fans alerts out to subscribers. It tails the store's alerts (woken by the store's signal,
// and polling for other processes' writes), and never waits for a slow subscriber: one whose
// buffer is full is dropped and reconnects with Last-Event-ID.
type broker struct {
	store peel.Store
	mu    sync.Mutex
	subs  map[*subscriber]struct{}
	last  int64
	start sync.Once
	stop  context.CancelFunc
	log   func(msg string, args ...any)
}

type subscriber struct {
	p    *auth.Principal
	area *area
	ch   chan *delivery
	gone chan struct{}
}

// delivery is an alert on its way to subscribers. Its event is encoded once for each set of
// hazards that subscribers may see (once in all when none is restricted), not once per
// subscriber: with a thousand dispatchers connected, that was most of the work of an alert.
type delivery struct {
	a      peel.Alert
	mu     sync.Mutex
	byView map[string][]byte // visible hazards ("1" or "0" for each) -> event
}

// frameFor is the event for a subscriber, or nil when the subscriber is to see nothing of it.
func (d *delivery) frameFor(s *subscriber) []byte {
	if !s.area.contains(d.a.Incident.Location.Lat, d.a.Incident.Location.Lon) {
		return nil
	}
	view := make([]byte, len(d.a.Hazards))
	visible := false
	for i, h := range d.a.Hazards {
		view[i] = '0'
		if s.p.CanSee(h.Access) {
			view[i], visible = '1', true
		}
	}
	if !visible {
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if f, ok := d.byView[string(view)]; ok {
		return f
	}
	out, _ := forSubscriber(d.a, s)
	f := sseFrame(d.a.Seq, out)
	if d.byView == nil {
		d.byView = map[string][]byte{}
	}
	d.byView[string(view)] = f
	return f
}

// sseFrame is one alert as a Server-Sent Event.
func sseFrame(seq int64, a peel.Alert) []byte {
	data, _ := json.Marshal(a)
	b := make([]byte, 0, len(data)+40)
	b = fmt.Appendf(b, "id: %d\nevent: hazard\ndata: ", seq)
	b = append(b, data...)
	return append(b, "\n\n"...)
}

func newBroker(s peel.Store, log func(string, ...any)) *broker {
	return &broker{store: s, subs: map[*subscriber]struct{}{}, log: log}
}

func (b *broker) run(ctx context.Context) {
	t := time.NewTicker(alertPoll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-b.store.AlertSignal():
		case <-t.C:
		}
		b.deliver(ctx)
	}
}

// deliver reads alerts after the last one delivered and hands them to every subscriber.
func (b *broker) deliver(ctx context.Context) {
	for {
		b.mu.Lock()
		last := b.last
		b.mu.Unlock()
		as, err := b.store.AlertsAfter(ctx, last, 500)
		if err != nil {
			if ctx.Err() == nil {
				b.log("read alerts", "err", err)
			}
			return
		}
		if len(as) == 0 {
			return
		}
		b.mu.Lock()
		for _, a := range as {
			d := &delivery{a: a}
			for s := range b.subs {
				select {
				case s.ch <- d:
				default:
					// Too slow: drop it rather than delay the others.
					delete(b.subs, s)
					close(s.gone)
				}
			}
			b.last = a.Seq
		}
		b.mu.Unlock()
	}
}

// subscribe registers a subscriber; the broker starts with the first one.
func (b *broker) subscribe(ctx context.Context, s *subscriber) error {
	var err error
	b.start.Do(func() {
		var last int64
		last, err = b.store.LastAlert(ctx)
		b.last = last
		bctx, cancel := context.WithCancel(context.Background())
		b.stop = cancel
		go b.run(bctx)
	})
	if err != nil {
		return err
	}
	b.mu.Lock()
	b.subs[s] = struct{}{}
	b.mu.Unlock()
	return nil
}

func (b *broker) unsubscribe(s *subscriber) {
	b.mu.Lock()
	if _, ok := b.subs[s]; ok {
		delete(b.subs, s)
		close(s.gone)
	}
	b.mu.Unlock()
}

func (b *broker) close() {
	if b.stop != nil {
		b.stop()
	}
	b.mu.Lock()
	for s := range b.subs {
		delete(b.subs, s)
		close(s.gone)
	}
	b.mu.Unlock()
}

// area narrows a subscription: a box "minLat,minLon,maxLat,maxLon" or a circle "lat,lon,radius_m".
type area struct {
	box    [4]float64
	circle bool
}

func parseArea(s string) (*area, error) {
	parts := strings.Split(s, ",")
	var v []float64
	for _, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("%q is not a number", p)
		}
		v = append(v, f)
	}
	switch len(v) {
	case 3:
		if v[2] <= 0 {
			return nil, fmt.Errorf("the radius must be positive")
		}
		return &area{box: [4]float64{v[0], v[1], v[2], 0}, circle: true}, nil
	case 4:
		if v[0] > v[2] || v[1] > v[3] {
			return nil, fmt.Errorf("give minLat,minLon,maxLat,maxLon")
		}
		return &area{box: [4]float64{v[0], v[1], v[2], v[3]}}, nil
	}
	return nil, fmt.Errorf("give minLat,minLon,maxLat,maxLon or lat,lon,radius_m")
}

func (a *area) contains(lat, lon *float64) bool {
	if a == nil {
		return true
	}
	if lat == nil || lon == nil {
		return false
	}
	if a.circle {
		return haversine(a.box[0], a.box[1], *lat, *lon) <= a.box[2]
	}
	return *lat >= a.box[0] && *lat <= a.box[2] && *lon >= a.box[1] && *lon <= a.box[3]
}

func haversine(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371008.8
	rad := math.Pi / 180
	dLat, dLon := (lat2-lat1)*rad, (lon2-lon1)*rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(h)))
}

// forSubscriber is the alert as this subscriber may see it, or false when nothing is left.
func forSubscriber(a peel.Alert, s *subscriber) (peel.Alert, bool) {
	if !s.area.contains(a.Incident.Location.Lat, a.Incident.Location.Lon) {
		return a, false
	}
	out := a
	out.Hazards = nil
	for _, h := range a.Hazards {
		if s.p.CanSee(h.Access) {
			h.Access = nil
			out.Hazards = append(out.Hazards, h)
		}
	}
	if len(out.Hazards) == 0 {
		return out, false
	}
	return out, true
}

// alertStream answers GET /api/v1/alerts/stream with Server-Sent Events.
func (s *Server) alertStream(w http.ResponseWriter, r *http.Request) {
	p, _, err := s.authenticate(r)
	if err != nil {
		s.problem(w, r, err)
		return
	}
	if err := p.Require(auth.PermRead); err != nil {
		s.problem(w, r, err)
		return
	}
	var ar *area
	if v := r.URL.Query().Get("area"); v != "" {
		if ar, err = parseArea(v); err != nil {
			s.problem(w, r, pole.Invalid("bad area", pole.FieldError{Field: "area", Message: err.Error()}))
			return
		}
	} else if !p.Can(auth.PermDispatch) {
		s.problem(w, r, pole.Errorf(pole.EForbidden, "only dispatchers receive every alert: give ?area=lat,lon,radius_m"))
		return
	}
	var from int64 = -1
	if v := r.Header.Get("Last-Event-ID"); v != "" {
		from, err = strconv.ParseInt(v, 10, 64)
		if err != nil || from < 0 {
			s.problem(w, r, pole.Invalid("bad Last-Event-ID", pole.FieldError{Field: "Last-Event-ID", Message: "must be an alert id"}))
			return
		}
	}
	sub := &subscriber{p: p, area: ar, ch: make(chan *delivery, subscriberBuffer), gone: make(chan struct{})}
	if err := s.alerts.subscribe(r.Context(), sub); err != nil {
		s.problem(w, r, err)
		return
	}
	defer s.alerts.unsubscribe(sub)
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, ": peel alerts\n\n")
	if err := rc.Flush(); err != nil {
		return
	}
	sent := from
	send := func(d *delivery) bool {
		a := d.a
		if a.Seq <= sent {
			return true
		}
		sent = a.Seq
		frame := d.frameFor(sub)
		if frame == nil {
			return true
		}
		if _, err := w.Write(frame); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	// Replay what the subscriber missed, from the store (the subscription is already live, so
	// nothing falls between the replay and the stream).
	if from >= 0 {
		for {
			as, err := s.store.AlertsAfter(r.Context(), sent, replayLimit)
			if err != nil || len(as) == 0 {
				break
			}
			for _, a := range as {
				if !send(&delivery{a: a}) {
					return
				}
			}
			if len(as) < replayLimit {
				break
			}
		}
	}
	beat := time.NewTicker(heartbeat)
	defer beat.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-sub.gone:
			return
		case d := <-sub.ch:
			if !send(d) {
				return
			}
		case <-beat.C:
			if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil || rc.Flush() != nil {
				return
			}
		}
	}
}
