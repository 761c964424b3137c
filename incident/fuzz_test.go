package incident

import (
	"math"
	"testing"
	"time"
)

// Flag bits of FuzzMatch's flags argument.
const (
	fuzzPoint1   = 1 << iota // the new report has a point
	fuzzPoint2               // the open incident has a point
	fuzzZero1                // the new report's OccurredAt is unknown
	fuzzZero2                // the open incident's OccurredAt is unknown
	fuzzGuessed1             // the new report's OccurredAt is a fallback (equals ReportedAt)
	fuzzGuessed2             // the open incident's OccurredAt is a fallback
)

// FuzzMatch feeds Match, MatchIndex, the Index, Merge and Replay with arbitrary reports: NaN,
// infinite and off-globe coordinates, zero and extreme times, unknown categories, odd
// summaries. None may panic, MatchIndex must agree with Match, and Near must only return what
// lies within the radius. The seed corpus is in testdata/fuzz/FuzzMatch.
func FuzzMatch(f *testing.F) {
	f.Add(52.95, -1.15, 52.9501, -1.1502, 250.0, 20.0, int64(1741986000e9), int64(1741986300e9),
		"road_traffic_collision", "highway_disruption", "", "", "car AB12 CDE", "AB12CDE", uint8(fuzzPoint1|fuzzPoint2))
	f.Fuzz(func(t *testing.T, lat1, lon1, lat2, lon2, radius, acc float64, t1, t2 int64,
		cat1, cat2, loc1, loc2, sum1, sum2 string, flags uint8) {
		mk := func(id, cat string, lat, lon float64, ns int64, loc, sum string, point, zero, guessed bool) Report {
			r := Report{ID: id, Category: cat, Lat: lat, Lon: lon, HasPoint: point, LocationID: loc, Summary: sum, Accuracy: acc}
			if !zero {
				r.OccurredAt = time.Unix(0, ns).UTC()
				r.ReportedAt = r.OccurredAt.Add(2 * time.Minute)
				if guessed {
					r.ReportedAt = r.OccurredAt
				}
			}
			return r
		}
		rep := mk("new", cat1, lat1, lon1, t1, loc1, sum1, flags&fuzzPoint1 != 0, flags&fuzzZero1 != 0, flags&fuzzGuessed1 != 0)
		inc := mk("open", cat2, lat2, lon2, t2, loc2, sum2, flags&fuzzPoint2 != 0, flags&fuzzZero2 != 0, flags&fuzzGuessed2 != 0)
		rules := DefaultRules()

		ix := NewIndexCell(radius)
		ix.Add(inc)
		if ix.Len() != 1 {
			t.Fatalf("Len = %d after one Add", ix.Len())
		}
		want, wok := rules.Match(rep, []Report{inc})
		got, gok := rules.MatchIndex(ix, rep)
		if wok != gok || want.Incident.ID != got.Incident.ID || want.Score != got.Score {
			t.Fatalf("MatchIndex %v %q %v, Match %v %q %v", gok, got.Incident.ID, got.Score, wok, want.Incident.ID, want.Score)
		}
		if gok {
			if math.IsNaN(got.Score) || math.IsInf(got.Score, 0) {
				t.Fatalf("score %v", got.Score)
			}
			if got.Distance != -1 && !(got.Distance >= 0) {
				t.Fatalf("distance %v", got.Distance)
			}
			if got.TimeGap < -1 || len(got.Reasons) == 0 {
				t.Fatalf("time gap %v, reasons %q", got.TimeGap, got.Reasons)
			}
		}
		for _, r := range ix.Near(lat1, lon1, radius, rep.OccurredAt, time.Time{}) {
			if d := Distance(lat1, lon1, r.Lat, r.Lon); !(d <= radius) {
				t.Fatalf("Near returned a report %v m away, radius %v", d, radius)
			}
		}
		ix.AtLocation(loc1)
		m := Merge(inc, 1, rep)
		if m.ID != inc.ID {
			t.Fatalf("Merge changed the ID")
		}
		if _, _, ok := inc.point(); ok {
			if _, _, ok := m.point(); !ok {
				t.Fatalf("Merge made an unusable point %v,%v from %v,%v and %v,%v", m.Lat, m.Lon, inc.Lat, inc.Lon, rep.Lat, rep.Lon)
			}
		}
		ix.Add(m)
		ix.Remove(inc.ID)
		if ix.Len() != 0 {
			t.Fatalf("Len = %d after Remove", ix.Len())
		}
		Replay(rules, []Report{inc, rep}, time.Duration(t2%int64(24*time.Hour)))
	})
}
