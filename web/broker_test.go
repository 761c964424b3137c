package web

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/auth"
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
	slow := &subscriber{p: sys, ch: make(chan peel.Alert, subscriberBuffer), gone: make(chan struct{})}
	fast := &subscriber{p: sys, ch: make(chan peel.Alert, subscriberBuffer), gone: make(chan struct{})}
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
