package incident

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestIndexNearMatchesBruteForce compares Near with a scan of every report, around awkward
// places (the antimeridian, the poles, the equator) and at several cell sizes and radii.
func TestIndexNearMatchesBruteForce(t *testing.T) {
	for _, tc := range []struct {
		name             string
		lat, lon, spread float64 // centre and spread of the points, degrees
	}{
		{"town", 52.95, -1.15, 0.05},
		{"antimeridian", -17.8, 179.99, 0.05},
		{"north pole", 89.99, 0, 0.02},
		{"south pole", -89.995, 120, 0.01},
		{"equator and meridian", 0, 0, 0.03},
	} {
		for _, cell := range []float64{25, DefaultCellSize, 2000} {
			t.Run(fmt.Sprintf("%s/cell %v", tc.name, cell), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(uint64(cell), 99))
				ix := NewIndexCell(cell)
				var all []Report
				for i := range 1000 {
					lat := math.Max(-90, math.Min(90, tc.lat+(rng.Float64()*2-1)*tc.spread))
					lon := tc.lon + (rng.Float64()*2-1)*tc.spread*4
					if lon > 180 {
						lon -= 360
					} else if lon < -180 {
						lon += 360
					}
					r := Report{ID: fmt.Sprint(i), Lat: lat, Lon: lon, HasPoint: true, OccurredAt: t0().Add(time.Duration(rng.IntN(240)) * time.Minute)}
					ix.Add(r)
					all = append(all, r)
				}
				for q := range 120 {
					lat := math.Max(-90, math.Min(90, tc.lat+(rng.Float64()*2-1)*tc.spread))
					lon := tc.lon + (rng.Float64()*2-1)*tc.spread*4
					if lon > 180 {
						lon -= 360
					}
					radius := []float64{0, 10, 150, 1000, 5000, 50000}[q%6]
					from, to := t0().Add(60*time.Minute), t0().Add(150*time.Minute)
					if q%4 == 0 {
						from, to = time.Time{}, time.Time{}
					}
					var want []string
					for _, r := range all {
						if Distance(lat, lon, r.Lat, r.Lon) <= radius && inTime(r.OccurredAt, from, to) {
							want = append(want, r.ID)
						}
					}
					var got []string
					prev := -1.0
					for _, r := range ix.Near(lat, lon, radius, from, to) {
						got = append(got, r.ID)
						d := Distance(lat, lon, r.Lat, r.Lon)
						if d < prev {
							t.Fatalf("Near not sorted by distance")
						}
						prev = d
					}
					slices.Sort(want)
					slices.Sort(got)
					if !slices.Equal(got, want) {
						t.Fatalf("query %d at (%v, %v) r=%v: Near found %d, brute force %d", q, lat, lon, radius, len(got), len(want))
					}
				}
			})
		}
	}
}

func TestIndexAddRemoveReplace(t *testing.T) {
	ix := NewIndex()
	a := rep("a", Assault, 0, 0, 0)
	a.LocationID = "pub"
	a.Summary = "car AB12CDE"
	ix.Add(a)
	ix.Add(rep("b", Assault, 50, 0, 0))
	if ix.Len() != 2 {
		t.Fatalf("Len = %d", ix.Len())
	}
	// Adding the same ID replaces: the old point, location and identifiers are gone.
	moved := rep("a", Assault, 3000, 0, 0)
	ix.Add(moved)
	if ix.Len() != 2 {
		t.Fatalf("Len after replace = %d", ix.Len())
	}
	if got := ix.Near(baseLat, baseLon, 100, time.Time{}, time.Time{}); len(got) != 1 || got[0].ID != "b" {
		t.Fatalf("Near after replace = %v", ids(got))
	}
	if got := ix.AtLocation("pub"); len(got) != 0 {
		t.Fatalf("AtLocation after replace = %v", ids(got))
	}
	if len(ix.byIdent) != 0 {
		t.Fatalf("identifier postings left behind: %v", ix.byIdent)
	}
	if r, ok := ix.Get("a"); !ok || r.Lon != moved.Lon {
		t.Fatalf("Get = %v %v", r, ok)
	}
	ix.Remove("nobody")
	ix.Remove("a")
	ix.Remove("a")
	ix.Remove("b")
	if ix.Len() != 0 || len(ix.cells) != 0 || len(ix.byLoc) != 0 || ix.located != 0 {
		t.Fatalf("index not empty: len %d cells %d locs %d located %d", ix.Len(), len(ix.cells), len(ix.byLoc), ix.located)
	}
}

func TestIndexBadInput(t *testing.T) {
	ix := NewIndexCell(math.NaN())
	nan, inf := math.NaN(), math.Inf(1)
	for i, r := range []Report{
		{ID: "nan", Lat: nan, Lon: 0, HasPoint: true, LocationID: "L"},
		{ID: "inf", Lat: 0, Lon: inf, HasPoint: true, LocationID: "L"},
		{ID: "off", Lat: 91, Lon: 0, HasPoint: true},
		{ID: "nopoint", Lat: baseLat, Lon: baseLon, LocationID: "L"},
		{ID: "", Lat: baseLat, Lon: baseLon, HasPoint: true},
	} {
		ix.Add(r)
		if ix.Len() != i+1 {
			t.Fatalf("Len = %d after %d adds", ix.Len(), i+1)
		}
	}
	if got := ix.AtLocation("L"); !slices.Equal(ids(got), []string{"inf", "nan", "nopoint"}) {
		t.Errorf("AtLocation = %v", ids(got))
	}
	if got := ix.Near(baseLat, baseLon, 1e7, time.Time{}, time.Time{}); !slices.Equal(ids(got), []string{""}) {
		t.Errorf("Near = %v, want only the located report", ids(got))
	}
	for _, q := range [][3]float64{{nan, 0, 10}, {0, inf, 10}, {0, 0, -1}, {0, 0, nan}, {95, 0, 10}} {
		if got := ix.Near(q[0], q[1], q[2], time.Time{}, time.Time{}); got != nil {
			t.Errorf("Near(%v) = %v, want nil", q, ids(got))
		}
	}
	if got := ix.Near(0, 0, inf, time.Time{}, time.Time{}); len(got) != 1 {
		t.Errorf("Near with infinite radius = %v", ids(got))
	}
}

func TestIndexTimeRange(t *testing.T) {
	ix := NewIndex()
	ix.Add(rep("early", Assault, 0, 0, -60))
	ix.Add(rep("now", Assault, 0, 0, 0))
	ix.Add(rep("late", Assault, 0, 0, 60))
	ix.Add(with(rep("unknown", Assault, 0, 0, 0), func(r *Report) { r.OccurredAt = time.Time{} }))
	for _, tc := range []struct {
		from, to time.Time
		want     []string
	}{
		{time.Time{}, time.Time{}, []string{"early", "late", "now", "unknown"}},
		{t0().Add(-time.Minute), t0().Add(time.Minute), []string{"now"}},
		{t0(), time.Time{}, []string{"late", "now"}},
		{time.Time{}, t0(), []string{"early", "now"}},
	} {
		got := ids(ix.Near(baseLat, baseLon, 10, tc.from, tc.to))
		slices.Sort(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("Near(%v..%v) = %v, want %v", tc.from, tc.to, got, tc.want)
		}
	}
}

// TestIndexConcurrent exercises the locking; run with -race.
func TestIndexConcurrent(t *testing.T) {
	ix := NewIndex()
	rules := DefaultRules()
	reports, _ := GenerateStream(2000, 3)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(reports); i += 4 {
				r := reports[i]
				ix.Add(r)
				rules.MatchIndex(ix, r)
				ix.Near(r.Lat, r.Lon, 300, time.Time{}, time.Time{})
				ix.AtLocation(r.LocationID)
				if i%3 == 0 {
					ix.Remove(r.ID)
				}
				ix.Len()
			}
		}()
	}
	wg.Wait()
	want := 0
	for i := range reports {
		if i%3 != 0 {
			want++
		}
	}
	if ix.Len() != want {
		t.Fatalf("Len = %d, want %d", ix.Len(), want)
	}
}

func ids(rs []Report) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}
