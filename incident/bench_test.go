package incident

import (
	"reflect"
	"slices"
	"testing"
	"time"
)

// forceScale spreads a generated town stream over a force area four times as wide and folds its
// weeks into one busy three-hour stretch, so that every report is open at once: the case the
// index exists for. Differences between OccurredAt and ReportedAt are kept, so fallback times
// stay fallbacks.
func forceScale(rs []Report) []Report {
	const lat0, lon0, spread, fold = 52.95, -1.15, 4, 3 * time.Hour
	out := slices.Clone(rs)
	base := rs[0].ReportedAt
	for i := range out {
		r := &out[i]
		r.Lat = lat0 + (r.Lat-lat0)*spread
		r.Lon = lon0 + (r.Lon-lon0)*spread
		shift := r.ReportedAt.Sub(base) - r.ReportedAt.Sub(base)%fold
		r.ReportedAt = r.ReportedAt.Add(-shift)
		r.OccurredAt = r.OccurredAt.Add(-shift)
	}
	return out
}

// openIncidents returns 10,000 open incidents at force scale in an index and in a slice, and
// 1,000 new reports to match against them.
func openIncidents(b *testing.B) (*Index, []Report, []Report) {
	b.Helper()
	inc, _ := GenerateStream(10000, 11)
	inc = forceScale(inc)
	queries, _ := GenerateStream(1000, 12)
	queries = forceScale(queries)
	for i := range queries {
		queries[i].ID = "Q" + queries[i].ID // not to be mistaken for an open incident
	}
	ix := NewIndex()
	for _, r := range inc {
		ix.Add(r)
	}
	return ix, inc, queries
}

// BenchmarkMatchIndex10k is the per-report cost of intake's lookup and match with 10,000 open
// incidents.
func BenchmarkMatchIndex10k(b *testing.B) {
	ix, _, queries := openIncidents(b)
	rules := DefaultRules()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rules.MatchIndex(ix, queries[i%len(queries)])
	}
}

// BenchmarkMatchLinear10k is the baseline: Match over all 10,000 open incidents, as a caller with
// no spatial index would have to.
func BenchmarkMatchLinear10k(b *testing.B) {
	_, open, queries := openIncidents(b)
	rules := DefaultRules()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rules.Match(queries[i%len(queries)], open)
	}
}

// BenchmarkNear10k is the index lookup alone: everything within 250 m and an hour.
func BenchmarkNear10k(b *testing.B) {
	ix, _, queries := openIncidents(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q := queries[i%len(queries)]
		ix.Near(q.Lat, q.Lon, 250, q.OccurredAt.Add(-time.Hour), q.OccurredAt.Add(time.Hour))
	}
}

func benchmarkReplay(b *testing.B, replayer func(Rules, []Report, time.Duration) map[string]string, force bool) {
	reports, _ := GenerateStream(20000, 13)
	if force {
		reports = forceScale(reports)
	}
	rules := DefaultRules()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		replayer(rules, reports, DefaultHold)
	}
	b.ReportMetric(float64(len(reports))*float64(b.N)/b.Elapsed().Seconds(), "reports/s")
}

// BenchmarkReplayTown is intake throughput on a town's stream (about 120 incidents a day, a
// few dozen open at a time), with the index.
func BenchmarkReplayTown(b *testing.B) { benchmarkReplay(b, Replay, false) }

// BenchmarkReplayTownLinear is the same with a linear scan of the open incidents.
func BenchmarkReplayTownLinear(b *testing.B) { benchmarkReplay(b, replayLinear, false) }

// BenchmarkReplayForce is intake throughput on the same stream folded into three hours over a
// force area, so that thousands of incidents are open at once.
func BenchmarkReplayForce(b *testing.B) { benchmarkReplay(b, Replay, true) }

// BenchmarkReplayForceLinear is the same with a linear scan of the open incidents.
func BenchmarkReplayForceLinear(b *testing.B) { benchmarkReplay(b, replayLinear, true) }

// replayLinear is Replay without the index: the open incidents are a slice, scanned in full for
// every report and for closing. It is the benchmarks' baseline, and a check on Replay.
func replayLinear(rules Rules, reports []Report, hold time.Duration) map[string]string {
	at := func(r Report) time.Time {
		if r.ReportedAt.IsZero() {
			return r.OccurredAt
		}
		return r.ReportedAt
	}
	rs := slices.Clone(reports)
	slices.SortStableFunc(rs, func(a, b Report) int { return at(a).Compare(at(b)) })
	var open []Report
	var members []int
	var last []time.Time
	out := make(map[string]string, len(rs))
	for _, rep := range rs {
		now := at(rep)
		for i := 0; i < len(open); {
			if last[i].Add(hold).Before(now) {
				open = slices.Delete(open, i, i+1)
				members = slices.Delete(members, i, i+1)
				last = slices.Delete(last, i, i+1)
				continue
			}
			i++
		}
		if c, ok := rules.Match(rep, open); ok {
			i := slices.IndexFunc(open, func(r Report) bool { return r.ID == c.Incident.ID })
			open[i] = Merge(open[i], members[i], rep)
			members[i]++
			if now.After(last[i]) {
				last[i] = now
			}
			out[rep.ID] = c.Incident.ID
			continue
		}
		out[rep.ID] = rep.ID
		open = append(open, rep)
		members = append(members, 1)
		last = append(last, now)
	}
	return out
}

// TestReplayLinearAgrees checks the baseline and Replay group identically, so the benchmarks
// compare like with like (and the index changes nothing but speed).
func TestReplayLinearAgrees(t *testing.T) {
	for _, force := range []bool{false, true} {
		reports, _ := GenerateStream(2500, 21)
		if force {
			reports = forceScale(reports)
		}
		a := Replay(DefaultRules(), reports, DefaultHold)
		b := replayLinear(DefaultRules(), reports, DefaultHold)
		if !reflect.DeepEqual(a, b) {
			n := 0
			for k, v := range a {
				if b[k] != v {
					n++
				}
			}
			t.Fatalf("force=%v: Replay and the linear baseline differ on %d of %d reports", force, n, len(a))
		}
	}
}
