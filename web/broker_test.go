package web

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/hazard"
	"github.com/peel-rms/peel/pole"
	"github.com/peel-rms/peel/sqlite"
	"github.com/peel-rms/peel/sqlstore"
	"github.com/peel-rms/peel/storetest"
)

// TestSlowSubscriberIsDropped: a subscriber that stops reading is dropped when its buffer is full,
// and the others keep receiving every alert without waiting for it.
func TestSlowSubscriberIsDropped(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir(), sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sys := auth.System("test")
	if _, err := st.Import(ctx, sys, "h", strings.NewReader(storetest.HazardsNDJSON), peel.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	b := newBroker(st, func(string, ...any) {})
	defer b.close()
	slow := &subscriber{p: sys, ch: make(chan *delivery, subscriberBuffer), gone: make(chan struct{})}
	fast := &subscriber{p: sys, ch: make(chan *delivery, subscriberBuffer), gone: make(chan struct{})}
	if err := b.subscribe(ctx, slow); err != nil {
		t.Fatal(err)
	}
	if err := b.subscribe(ctx, fast); err != nil {
		t.Fatal(err)
	}
	got := make(chan int, 1)
	go func() {
		n := 0
		for range fast.ch {
			n++
			if n == subscriberBuffer+20 {
				got <- n
				return
			}
		}
	}()
	// Each incident raised at the address (categories far apart in time so none repeats another)
	// raises one alert.
	l1, err := st.Lookup(ctx, sys, "h", "L1")
	if err != nil {
		t.Fatal(err)
	}
	for i := range subscriberBuffer + 20 {
		at := storetest.Start.Add(time.Duration(-i) * 24 * time.Hour)
		if _, err := st.Intake(ctx, sys, &peel.IntakeReport{Category: "assault", OccurredAt: &pole.Moment{T: at}, Location: peel.IntakeLocation{ID: l1.ID}, Summary: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case <-slow.gone:
	case <-time.After(10 * time.Second):
		t.Fatal("the slow subscriber was not dropped")
	}
	select {
	case n := <-got:
		if n != subscriberBuffer+20 {
			t.Errorf("the fast subscriber got %d alerts", n)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the fast subscriber did not receive every alert")
	}
}

// An alert none of whose hazards is restricted is encoded once for every subscriber, and the
// shared event is what each would have been sent on its own.
func TestDeliveryEncodesOpenAlertsOnce(t *testing.T) {
	lat, lon := 53.8, -1.55
	perms := []auth.Permission{auth.PermRead}
	pc := &subscriber{p: &auth.Principal{Username: "pc", Roles: []string{"officer"}, Perms: perms}}
	dc := &subscriber{p: &auth.Principal{Username: "dc", Roles: []string{"investigator"}, Perms: perms}}
	open := peel.Alert{Seq: 9, Reason: "raised", Incident: peel.AlertIncident{ID: "i1", Category: "assault", Location: peel.AlertLocation{Lat: &lat, Lon: &lon}},
		Hazards: []peel.AlertHazard{{Access: &pole.Access{}}, {}}}
	d := &delivery{a: open}
	f1, f2 := d.frameFor(pc), d.frameFor(dc)
	if f1 == nil || &f1[0] != &f2[0] {
		t.Fatal("an open alert was not encoded once for both")
	}
	own, ok := forSubscriber(open, pc)
	if !ok || string(sseFrame(open.Seq, own)) != string(f1) {
		t.Errorf("shared event %q differs from the subscriber's own %q", f1, sseFrame(open.Seq, own))
	}
}

// With a restricted hazard, subscribers who may see the same hazards share one event, and each
// sees only what they may.
func TestDeliverySharesEventsByView(t *testing.T) {
	lat, lon := 53.8, -1.55
	perms := []auth.Permission{auth.PermRead}
	pc1 := &subscriber{p: &auth.Principal{Username: "pc1", Roles: []string{"officer"}, Perms: perms}}
	pc2 := &subscriber{p: &auth.Principal{Username: "pc2", Roles: []string{"officer"}, Perms: perms}}
	dc := &subscriber{p: &auth.Principal{Username: "dc", Roles: []string{"investigator"}, Perms: perms}}
	far := &subscriber{p: pc1.p, area: &area{box: [4]float64{51.5, -0.1, 500}, circle: true}}
	open := hazard.Hazard{Type: "firearm", Code: "stored_at", Record: hazard.Ref{ID: "o1"}}
	secret := hazard.Hazard{Type: "marker", Code: "OS", Record: hazard.Ref{ID: "p6"}}
	d := &delivery{a: peel.Alert{Seq: 3, Reason: "raised", Incident: peel.AlertIncident{ID: "i1", Location: peel.AlertLocation{Lat: &lat, Lon: &lon}},
		Hazards: []peel.AlertHazard{{Hazard: open}, {Hazard: secret, Access: &pole.Access{Roles: []string{"investigator"}}}}}}
	f1, f2, f3 := d.frameFor(pc1), d.frameFor(pc2), d.frameFor(dc)
	if f1 == nil || &f1[0] != &f2[0] {
		t.Error("two officers did not share one event")
	}
	if strings.Contains(string(f1), `"p6"`) || !strings.Contains(string(f1), `"o1"`) {
		t.Errorf("officer's event: %s", f1)
	}
	if !strings.Contains(string(f3), `"p6"`) || strings.Contains(string(f3), `"access"`) {
		t.Errorf("investigator's event: %s", f3)
	}
	if d.frameFor(far) != nil {
		t.Error("a subscriber elsewhere was sent the alert")
	}
}
