package incident

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// t0 is a fixed evening; reports in the tests are placed relative to it and to a point in town.
func t0() time.Time { return time.Date(2025, 3, 14, 21, 0, 0, 0, time.UTC) }

const baseLat, baseLon = 52.95, -1.15

// rep builds a report dx metres east and dy north of the base point, occurring mins after t0 and
// reported two minutes later (so its time is an estimate, not a fallback).
func rep(id, cat string, dx, dy float64, mins float64) Report {
	at := t0().Add(time.Duration(mins * float64(time.Minute)))
	return Report{
		ID: id, Category: cat, OccurredAt: at, ReportedAt: at.Add(2 * time.Minute),
		Lat: baseLat + dy/metresPerDegree, Lon: baseLon + dx/(metresPerDegree*math.Cos(baseLat*math.Pi/180)),
		HasPoint: true,
	}
}

func with(r Report, f func(*Report)) Report { f(&r); return r }

func TestMatch(t *testing.T) {
	rules := DefaultRules()
	for _, tc := range []struct {
		name   string
		rep    Report
		open   []Report
		wantID string // "" for no match
		reason string // a substring of one of the reasons, if set
	}{
		{
			name:   "best, not first",
			rep:    rep("r", RoadTrafficCollision, 0, 0, 0),
			open:   []Report{rep("far", RoadTrafficCollision, 200, 0, 0), rep("near", RoadTrafficCollision, 20, 0, 0)},
			wantID: "near", reason: "same category",
		},
		{
			name:   "closer in time wins at equal distance",
			rep:    rep("r", Assault, 0, 0, 20),
			open:   []Report{rep("early", Assault, 30, 0, 0), rep("late", Assault, -30, 0, 18)},
			wantID: "late",
		},
		{
			name:   "compatible category matches",
			rep:    rep("r", HighwayDisruption, 0, 0, 5),
			open:   []Report{rep("rtc", RoadTrafficCollision, 50, 0, 0)},
			wantID: "rtc", reason: "compatible category road_traffic_collision",
		},
		{
			name:   "exact category preferred over compatible at similar distance",
			rep:    rep("r", Assault, 0, 0, 0),
			open:   []Report{rep("po", PublicOrder, 30, 0, 0), rep("as", Assault, 35, 0, 0)},
			wantID: "as",
		},
		{
			name: "incompatible category never matches",
			rep:  rep("r", Fraud, 0, 0, 0),
			open: []Report{rep("rtc", RoadTrafficCollision, 0, 0, 0)},
		},
		{
			name: "beyond the radius",
			rep:  rep("r", AlarmActivation, 0, 0, 0),
			open: []Report{rep("a", AlarmActivation, 60, 0, 0)},
		},
		{
			name: "beyond the window",
			rep:  rep("r", RoadTrafficCollision, 0, 0, 31),
			open: []Report{rep("a", RoadTrafficCollision, 0, 0, 0)},
		},
		{
			name: "two collisions 300 m and 10 minutes apart stay apart",
			rep:  rep("r", RoadTrafficCollision, 0, 0, 10),
			open: []Report{rep("a", RoadTrafficCollision, 300, 0, 0)},
		},
		{
			name: "neighbouring flats: same geocode, different address",
			rep:  with(rep("r", DomesticAbuse, 0, 0, 0), func(r *Report) { r.LocationID = "flat-12" }),
			open: []Report{with(rep("a", DomesticAbuse, 0, 0, 0), func(r *Report) { r.LocationID = "flat-14" })},
		},
		{
			name: "burglaries next door to each other",
			rep:  with(rep("r", BurglaryDwelling, 0, 0, 30), func(r *Report) { r.LocationID = "12 Elm St" }),
			open: []Report{with(rep("a", BurglaryDwelling, 12, 0, 0), func(r *Report) { r.LocationID = "14 Elm St" })},
		},
		{
			name: "domestic without an address must be very close",
			rep:  rep("r", DomesticAbuse, 0, 0, 0),
			open: []Report{with(rep("a", DomesticAbuse, 40, 0, 0), func(r *Report) { r.LocationID = "flat-14" })},
		},
		{
			name:   "same location record without coordinates",
			rep:    with(rep("r", DomesticAbuse, 0, 0, 10), func(r *Report) { r.LocationID = "flat-12"; r.HasPoint = false }),
			open:   []Report{with(rep("a", DomesticAbuse, 0, 0, 0), func(r *Report) { r.LocationID = "flat-12" })},
			wantID: "a", reason: "same location flat-12",
		},
		{
			name:   "same location record with a wrong geocode",
			rep:    with(rep("r", AlarmActivation, 0, 0, 5), func(r *Report) { r.LocationID = "prem-9" }),
			open:   []Report{with(rep("a", AlarmActivation, 900, 0, 0), func(r *Report) { r.LocationID = "prem-9" })},
			wantID: "a",
		},
		{
			name:   "other defers to the specific category's rule",
			rep:    rep("r", Other, 0, 0, 5),
			open:   []Report{rep("rtc", RoadTrafficCollision, 180, 0, 0)},
			wantID: "rtc",
		},
		{
			name:   "a shared registration reaches a misplaced caller",
			rep:    with(rep("r", RoadTrafficCollision, 0, 0, 5), func(r *Report) { r.Summary = "blue Ford AB12 CDE on its roof" }),
			open:   []Report{with(rep("a", RoadTrafficCollision, 2000, 0, 0), func(r *Report) { r.Summary = "two cars, ab12cde and XY34ZZZ" })},
			wantID: "a", reason: "shared identifier AB12CDE",
		},
		{
			name: "different registrations: different cars broken into",
			rep:  with(rep("r", TheftFromVehicle, 0, 0, 30), func(r *Report) { r.Summary = "window smashed, my car AB12CDE" }),
			open: []Report{with(rep("a", TheftFromVehicle, 15, 0, 0), func(r *Report) { r.Summary = "car broken into, XY34ZZZ" })},
		},
		{
			name:   "different registrations at one collision are only a penalty",
			rep:    with(rep("r", RoadTrafficCollision, 0, 0, 2), func(r *Report) { r.Summary = "van AB12CDE" }),
			open:   []Report{with(rep("a", RoadTrafficCollision, 15, 0, 0), func(r *Report) { r.Summary = "car XY34ZZZ" })},
			wantID: "a", reason: "identifiers quoted do not agree",
		},
		{
			name:   "a caller with no estimate rings 40 minutes in",
			rep:    with(rep("r", RoadTrafficCollision, 20, 0, 40), func(r *Report) { r.ReportedAt = r.OccurredAt }),
			open:   []Report{rep("a", RoadTrafficCollision, 0, 0, 0)},
			wantID: "a",
		},
		{
			name: "unknown time needs the same location record",
			rep:  with(rep("r", Assault, 0, 0, 0), func(r *Report) { r.OccurredAt = time.Time{} }),
			open: []Report{rep("a", Assault, 0, 0, 0)},
		},
		{
			name:   "unknown time with the same location record",
			rep:    with(rep("r", Assault, 0, 0, 0), func(r *Report) { r.OccurredAt = time.Time{}; r.LocationID = "pub" }),
			open:   []Report{with(rep("a", Assault, 0, 0, 0), func(r *Report) { r.LocationID = "pub" })},
			wantID: "a", reason: "occurrence time unknown",
		},
		{
			name: "NaN coordinates are no point",
			rep:  with(rep("r", Assault, 0, 0, 0), func(r *Report) { r.Lat = math.NaN() }),
			open: []Report{rep("a", Assault, 0, 0, 0)},
		},
		{
			name: "the report itself is not a candidate",
			rep:  rep("a", Assault, 0, 0, 0),
			open: []Report{rep("a", Assault, 0, 0, 0)},
		},
		{
			name:   "a category an earlier caller gave",
			rep:    rep("r", BurglaryDwelling, 0, 0, 20),
			open:   []Report{with(rep("a", Theft, 10, 0, 0), func(r *Report) { r.Also = []string{BurglaryDwelling} })},
			wantID: "a", reason: "as an earlier caller gave it",
		},
		{
			name:   "a compatible category through an earlier caller's",
			rep:    rep("r", SuspiciousCircumstances, 0, 0, 20),
			open:   []Report{with(rep("a", Theft, 10, 0, 0), func(r *Report) { r.Also = []string{BurglaryDwelling} })},
			wantID: "a", reason: "compatible category burglary_dwelling",
		},
		{
			name: "no category in common",
			rep:  rep("r", SuspiciousCircumstances, 0, 0, 20),
			open: []Report{with(rep("a", Theft, 10, 0, 0), func(r *Report) { r.Also = []string{Shoplifting} })},
		},
		{
			name: "precise reports far apart for their accuracy",
			rep:  with(rep("r", Assault, 0, 0, 0), func(r *Report) { r.Accuracy = 10 }),
			open: []Report{with(rep("a", Assault, 120, 0, 0), func(r *Report) { r.Accuracy = 10 })},
		},
		{
			name:   "vague reports the same distance apart",
			rep:    with(rep("r", Assault, 0, 0, 0), func(r *Report) { r.Accuracy = 80 }),
			open:   []Report{with(rep("a", Assault, 120, 0, 0), func(r *Report) { r.Accuracy = 60 })},
			wantID: "a",
		},
		{
			name:   "unknown category gets the narrow default",
			rep:    rep("r", "parking", 0, 0, 0),
			open:   []Report{rep("far", "parking", 80, 0, 0), rep("near", "parking", 10, 0, 0)},
			wantID: "near",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := rules.Match(tc.rep, tc.open)
			if tc.wantID == "" {
				if ok {
					t.Fatalf("matched %s (score %.3f, %v), want a new incident", got.Incident.ID, got.Score, got.Reasons)
				}
				return
			}
			if !ok || got.Incident.ID != tc.wantID {
				t.Fatalf("Match = %q ok=%v, want %q", got.Incident.ID, ok, tc.wantID)
			}
			if tc.reason != "" && !slices.ContainsFunc(got.Reasons, func(s string) bool { return strings.Contains(s, tc.reason) }) {
				t.Errorf("reasons %q lack %q", got.Reasons, tc.reason)
			}
			if len(got.Reasons) < 3 {
				t.Errorf("reasons %q: want category, place and time at least", got.Reasons)
			}
			// The same answer through the index.
			ix := NewIndex()
			for _, o := range tc.open {
				ix.Add(o)
			}
			if viaIx, ok := rules.MatchIndex(ix, tc.rep); !ok || viaIx.Incident.ID != got.Incident.ID || viaIx.Score != got.Score {
				t.Errorf("MatchIndex = %q (%v) ok=%v, Match = %q (%v)", viaIx.Incident.ID, viaIx.Score, ok, got.Incident.ID, got.Score)
			}
		})
	}
}

func TestMatchIgnoresOrder(t *testing.T) {
	rules := DefaultRules()
	r := rep("r", PublicOrder, 0, 0, 10)
	var open []Report
	for i, c := range []string{PublicOrder, Assault, AssaultWithInjury, AntiSocialBehaviour, PublicOrder, PublicOrder} {
		// Two exact ties (same distance and time) so that only the ID can decide.
		open = append(open, rep(string(rune('a'+i)), c, float64(40*(i%3)), 30, float64(5*(i%2))))
	}
	want, ok := rules.Match(r, open)
	if !ok {
		t.Fatal("no match")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 50 {
		rng.Shuffle(len(open), func(i, j int) { open[i], open[j] = open[j], open[i] })
		if got, _ := rules.Match(r, open); got.Incident.ID != want.Incident.ID {
			t.Fatalf("order changed the match: %s, want %s", got.Incident.ID, want.Incident.ID)
		}
	}
}

// TestMatchIndexAgreesWithMatch checks the index finds everything a full scan would, on a busy
// generated stream: same incident, same score, for every report.
func TestMatchIndexAgreesWithMatch(t *testing.T) {
	rules := DefaultRules()
	reports, _ := GenerateStream(3000, 7)
	ix := NewIndex()
	var open []Report
	for i, r := range reports {
		want, wok := rules.Match(r, open)
		got, gok := rules.MatchIndex(ix, r)
		if wok != gok || want.Incident.ID != got.Incident.ID || want.Score != got.Score {
			t.Fatalf("report %d %s: MatchIndex %q %.4f %v, Match %q %.4f %v", i, r.ID, got.Incident.ID, got.Score, gok, want.Incident.ID, want.Score, wok)
		}
		// Keep the last few hundred reports open as incidents in both, never merging, so
		// that candidates pile up.
		ix.Add(r)
		open = append(open, r)
		if len(open) > 400 {
			ix.Remove(open[0].ID)
			open = open[1:]
		}
	}
}

func TestIdentifiers(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"silver Ford AB12 CDE and ab12cde again", []string{"AB12CDE"}},
		{"vans XY34ZZZ, CD56 EFG", []string{"XY34ZZZ", "CD56EFG"}},
		{"ref CAD1234 at NG7 2RD", []string{"CAD1234"}},
		{"group of youths on London Road", nil},
		{"call 07700900123", nil},
	} {
		if got := identifiers(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("identifiers(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := identifiers(strings.Repeat("AB12CDE XY34ZZZ ", 1000) + strings.Repeat("A1234 ", 100)); len(got) > 16 {
		t.Errorf("%d identifiers from a pathological summary", len(got))
	}
}

// TestReachHoldsEveryMatch checks that Match over only the open incidents within Reach (and those
// at the same location record or quoting the same identifiers, which match from anywhere) picks
// what Match over all of them picks: a store may select its candidates by Reach.
func TestReachHoldsEveryMatch(t *testing.T) {
	rules := DefaultRules()
	reports, _ := GenerateStream(3000, 11)
	var open []Report
	bounded := 0
	for i, r := range reports {
		want, wok := rules.Match(r, open)
		radius, from, to, ok := rules.Reach(r)
		cands := open
		if ok {
			bounded++
			ids := Identifiers(r.Summary)
			cands = nil
			for _, c := range open {
				near := c.HasPoint && !c.OccurredAt.IsZero() && !c.OccurredAt.Before(from) && !c.OccurredAt.After(to) &&
					Distance(r.Lat, r.Lon, c.Lat, c.Lon) <= radius
				shared := r.LocationID != "" && c.LocationID == r.LocationID
				for _, id := range Identifiers(c.Summary) {
					shared = shared || slices.Contains(ids, id)
				}
				if near || shared {
					cands = append(cands, c)
				}
			}
		}
		got, gok := rules.Match(r, cands)
		if wok != gok || want.Incident.ID != got.Incident.ID || want.Score != got.Score {
			t.Fatalf("report %d %s: within Reach %q %.4f %v, over all %q %.4f %v", i, r.ID, got.Incident.ID, got.Score, gok, want.Incident.ID, want.Score, wok)
		}
		open = append(open, r)
		if len(open) > 400 {
			open = open[1:]
		}
	}
	if bounded < len(reports)/2 {
		t.Errorf("only %d of %d reports had a reach", bounded, len(reports))
	}
	if _, _, _, ok := rules.Reach(Report{Category: "road_traffic_collision"}); ok {
		t.Error("a report with no point or time has a reach")
	}
}
