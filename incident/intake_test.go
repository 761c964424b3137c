package incident

import (
	"math"
	"reflect"
	"slices"
	"testing"
	"time"
)

func TestMerge(t *testing.T) {
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	m := with(rep("m", Theft, 0, 0, 0), func(r *Report) { r.Summary = "caller AB12CDE" })
	for _, tc := range []struct {
		name    string
		master  Report
		members int
		rep     Report
		check   func(t *testing.T, got Report)
	}{
		{"running mean without accuracies", m, 3, rep("r", Theft, 40, 0, 0), func(t *testing.T, got Report) {
			if want := rep("", Theft, 10, 0, 0).Lon; !near(got.Lon, want) || got.Accuracy != 0 {
				t.Errorf("lon %v accuracy %v, want %v and unknown", got.Lon, got.Accuracy, want)
			}
		}},
		{"inverse-variance mean", with(m, func(r *Report) { r.Accuracy = 10 }), 1, with(rep("r", Theft, 50, 0, 0), func(r *Report) { r.Accuracy = 20 }), func(t *testing.T, got Report) {
			if want := rep("", Theft, 10, 0, 0).Lon; !near(got.Lon, want) {
				t.Errorf("lon %v, want %v (a fifth of the way)", got.Lon, want)
			}
			if want := 1 / math.Sqrt(1/100.0+1/400.0); math.Abs(got.Accuracy-want) > 1e-9 {
				t.Errorf("accuracy %v, want %v", got.Accuracy, want)
			}
		}},
		{"a far point is not averaged in", m, 1, rep("r", Theft, 3000, 0, 0), func(t *testing.T, got Report) {
			if got.Lat != m.Lat || got.Lon != m.Lon {
				t.Errorf("point moved to %v,%v", got.Lat, got.Lon)
			}
		}},
		{"point filled in", with(m, func(r *Report) { r.HasPoint = false; r.Lat = math.NaN() }), 1, with(rep("r", Theft, 5, 0, 0), func(r *Report) { r.Accuracy = 30 }), func(t *testing.T, got Report) {
			if !got.HasPoint || got.Accuracy != 30 || math.IsNaN(got.Lat) {
				t.Errorf("point %v %v %v", got.HasPoint, got.Lat, got.Accuracy)
			}
		}},
		{"categories, location and identifiers accumulate", m, 1, with(rep("r", Shoplifting, 0, 0, 0), func(r *Report) { r.LocationID = "shop"; r.Summary = "van XY34 ZZZ and AB12CDE" }), func(t *testing.T, got Report) {
			if got.Category != Theft || !slices.Equal(got.Also, []string{Shoplifting}) || got.LocationID != "shop" {
				t.Errorf("category %q also %q location %q", got.Category, got.Also, got.LocationID)
			}
			if ids := identifiers(got.Summary); !slices.Equal(ids, []string{"AB12CDE", "XY34ZZZ"}) {
				t.Errorf("identifiers %q from summary %q", ids, got.Summary)
			}
		}},
		{"a fallback time gives way to an estimate", with(m, func(r *Report) { r.ReportedAt = r.OccurredAt }), 1, rep("r", Theft, 0, 0, -10), func(t *testing.T, got Report) {
			if !got.OccurredAt.Equal(t0().Add(-10 * time.Minute)) {
				t.Errorf("OccurredAt %v", got.OccurredAt)
			}
		}},
		{"an estimate stays", m, 1, rep("r", Theft, 0, 0, -10), func(t *testing.T, got Report) {
			if !got.OccurredAt.Equal(t0()) {
				t.Errorf("OccurredAt %v", got.OccurredAt)
			}
		}},
		{"across the antimeridian", with(m, func(r *Report) { r.Lon = 179.9999 }), 1, with(m, func(r *Report) { r.Lon = -179.9997 }), func(t *testing.T, got Report) {
			if !near(got.Lon, -179.9999) {
				t.Errorf("lon %v, want -179.9999, midway across the antimeridian", got.Lon)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := slices.Clone(tc.master.Also)
			got := Merge(tc.master, tc.members, tc.rep)
			if got.ID != tc.master.ID {
				t.Errorf("ID changed to %q", got.ID)
			}
			if !slices.Equal(tc.master.Also, before) {
				t.Errorf("master's Also modified in place")
			}
			tc.check(t, got)
		})
	}
	// Merge must not append into a backing array the caller's master shares.
	base := with(m, func(r *Report) { r.Also = make([]string, 1, 4); r.Also[0] = Robbery })
	a := Merge(base, 1, rep("a", Shoplifting, 0, 0, 0))
	b := Merge(base, 1, rep("b", Assault, 0, 0, 0))
	if a.Also[1] != Shoplifting || b.Also[1] != Assault {
		t.Errorf("Also shared between merges: %q %q", a.Also, b.Also)
	}
}

func TestReplay(t *testing.T) {
	rules := DefaultRules()
	at := func(r Report, reported float64) Report {
		r.ReportedAt = t0().Add(time.Duration(reported * float64(time.Minute)))
		return r
	}
	reports := []Report{
		at(rep("r1", RoadTrafficCollision, 0, 0, 0), 2),
		at(rep("r2", RoadTrafficCollision, 40, 10, 1), 4),
		at(rep("r3", HighwayDisruption, -30, 0, 3), 6),
		at(rep("r4", RoadTrafficCollision, 300, 0, 10), 11), // a second collision up the road
		at(rep("r5", RoadTrafficCollision, 310, 20, 10), 12),
		at(rep("r6", Assault, 0, 0, 5), 7),                  // different category, same place
		at(rep("r7", RoadTrafficCollision, 0, 0, 300), 302), // long after the first closed
	}
	// Replay orders by ReportedAt, whatever the input order.
	slices.Reverse(reports)
	got := Replay(rules, reports, time.Hour)
	want := map[string]string{"r1": "r1", "r2": "r1", "r3": "r1", "r4": "r4", "r5": "r4", "r6": "r6", "r7": "r7"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Replay = %v, want %v", got, want)
	}
	if s := Pairwise(want, got); s.Precision != 1 || s.Recall != 1 {
		t.Errorf("Pairwise of identical groupings = %+v", s)
	}
}

func TestPairwise(t *testing.T) {
	truth := map[string]string{"a": "1", "b": "1", "c": "1", "d": "2", "e": "2", "f": "3"}
	for _, tc := range []struct {
		name              string
		got               map[string]string
		found, correct    int64
		precision, recall float64
	}{
		{"perfect", map[string]string{"a": "x", "b": "x", "c": "x", "d": "y", "e": "y", "f": "z"}, 4, 4, 1, 1},
		{"all apart", map[string]string{"a": "a", "b": "b", "c": "c", "d": "d", "e": "e", "f": "f"}, 0, 0, 1, 0},
		{"missing reports stand alone", map[string]string{}, 0, 0, 1, 0},
		{"all together", map[string]string{"a": "x", "b": "x", "c": "x", "d": "x", "e": "x", "f": "x"}, 15, 4, 4.0 / 15, 1},
		{"one split, one wrong merge", map[string]string{"a": "x", "b": "x", "c": "y", "d": "y", "e": "y", "f": "z"}, 4, 2, 0.5, 0.5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Pairwise(truth, tc.got)
			if s.TruePairs != 4 || s.FoundPairs != tc.found || s.CorrectPairs != tc.correct || s.Precision != tc.precision || s.Recall != tc.recall || s.Reports != 6 {
				t.Errorf("Pairwise = %+v", s)
			}
		})
	}
	if s := Pairwise(nil, nil); s.Precision != 1 || s.Recall != 1 {
		t.Errorf("empty Pairwise = %+v", s)
	}
}

func TestGenerateStream(t *testing.T) {
	a, ta := GenerateStream(3000, 42)
	b, tb := GenerateStream(3000, 42)
	if !reflect.DeepEqual(a, b) || !reflect.DeepEqual(ta, tb) {
		t.Fatal("same seed, different streams")
	}
	c, _ := GenerateStream(3000, 43)
	if reflect.DeepEqual(a, c) {
		t.Fatal("different seeds, same stream")
	}
	if len(a) != 3000 || len(ta) != 3000 {
		t.Fatalf("%d reports, %d truths", len(a), len(ta))
	}
	if r, tr := GenerateStream(0, 1); len(r) != 0 || tr == nil {
		t.Fatal("GenerateStream(0) should be empty with a usable truth map")
	}
	seen := map[string]bool{}
	sizes := map[string]int{}
	for i, r := range a {
		if seen[r.ID] || ta[r.ID] == "" {
			t.Fatalf("report %d: duplicate id or no truth", i)
		}
		seen[r.ID] = true
		sizes[ta[r.ID]]++
		if i > 0 && r.ReportedAt.Before(a[i-1].ReportedAt) {
			t.Fatalf("report %d out of intake order", i)
		}
		if r.OccurredAt.After(r.ReportedAt) {
			t.Fatalf("report %d occurred after it was reported", i)
		}
	}
	maxSize := 0
	for _, n := range sizes {
		maxSize = max(maxSize, n)
	}
	if maxSize < 6 || maxSize > genMaxReports {
		t.Errorf("largest incident has %d reports, want 6..%d", maxSize, genMaxReports)
	}

	// The awkward cases must be there: different incidents of one category close in space and
	// time, with and without different location records.
	firsts := map[string]Report{}
	for _, r := range a {
		if _, ok := firsts[ta[r.ID]]; !ok {
			firsts[ta[r.ID]] = r
		}
	}
	var list []Report
	for _, r := range firsts {
		list = append(list, r)
	}
	violent := func(c string) bool { return c == Assault || c == AssaultWithInjury || c == PublicOrder }
	count := map[string]int{}
	for i, x := range list {
		for _, y := range list[i+1:] {
			if !(x.Category == y.Category || violent(x.Category) && violent(y.Category)) || !x.HasPoint || !y.HasPoint {
				continue
			}
			d := Distance(x.Lat, x.Lon, y.Lat, y.Lon)
			dt := absDuration(x.OccurredAt.Sub(y.OccurredAt))
			switch {
			case x.Category == RoadTrafficCollision && d < 500 && dt < 20*time.Minute:
				count["collisions"]++
			case x.Category == BurglaryDwelling && d < 200 && dt < 4*time.Hour && x.LocationID != y.LocationID && x.LocationID != "" && y.LocationID != "":
				count["burglaries"]++
			case violent(x.Category) && d < 250 && dt < 45*time.Minute:
				count["fights"]++
			case x.Category == AlarmActivation && d < 100 && dt < 15*time.Minute:
				count["alarms"]++
			}
		}
	}
	for _, k := range []string{"collisions", "burglaries", "fights", "alarms"} {
		if count[k] < 3 {
			t.Errorf("only %d nearby-but-different %s in 3000 reports", count[k], k)
		}
	}
	t.Logf("nearby-but-different pairs in 3000 reports: %v", count)
}
