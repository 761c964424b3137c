package match

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"testing"
	"time"
)

// Benchmarks run at 100,000 people by default; PEEL_BENCH_LARGE=1 runs the
// 1,000,000-person versions too (slow: minutes, and several GB of memory);
// PEEL_BENCH_N=n runs at n people only.
//
//	go test -run '^$' -bench . -benchtime 1x ./match
//	PEEL_BENCH_LARGE=1 go test -run '^$' -bench 'Dedupe|MatchOnCreate' -benchtime 1x -timeout 60m ./match

func benchSizes() []int {
	if n, err := strconv.Atoi(os.Getenv("PEEL_BENCH_N")); err == nil && n > 0 {
		return []int{n}
	}
	if os.Getenv("PEEL_BENCH_LARGE") != "" {
		return []int{100_000, 1_000_000}
	}
	return []int{100_000}
}

// benchData caches generated people and a model trained on them, per size.
var benchData = map[int]struct {
	people []Person
	truth  []int
	scorer *Scorer
	train  time.Duration
}{}

func loadBench(b *testing.B, n int) ([]Person, []int, *Scorer, time.Duration) {
	b.Helper()
	if d, ok := benchData[n]; ok {
		return d.people, d.truth, d.scorer, d.train
	}
	people, truth := GeneratePeople(n, 1)
	start := time.Now()
	// Train on at most 200,000 people: the estimates are stable by then.
	sample := people
	if len(sample) > 200_000 {
		sample = sample[:200_000]
	}
	m, err := Train(sample, TrainOptions{})
	if err != nil {
		b.Fatal(err)
	}
	s := NewScorer(m, CountFrequencies(people))
	train := time.Since(start)
	benchData[n] = struct {
		people []Person
		truth  []int
		scorer *Scorer
		train  time.Duration
	}{people, truth, s, train}
	return people, truth, s, train
}

func BenchmarkCompare(b *testing.B) {
	people, truth := GeneratePeople(2000, 3)
	s := NewScorer(DefaultModel(), CountFrequencies(people))
	// A duplicate pair and a non-matching pair, alternately.
	var dupA, dupB int
	for i := range people {
		for j := i + 1; j < len(people); j++ {
			if truth[i] == truth[j] {
				dupA, dupB = i, j
				break
			}
		}
		if dupB != 0 {
			break
		}
	}
	pairs := [][2]*Person{{&people[dupA], &people[dupB]}, {&people[0], &people[1]}}
	b.Run("Person", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			p := pairs[i&1]
			_ = s.Compare(p[0], p[1])
		}
	})
	pa := [][2]*Prepared{{Prepare(pairs[0][0]), Prepare(pairs[0][1])}, {Prepare(pairs[1][0]), Prepare(pairs[1][1])}}
	b.Run("Prepared", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			p := pa[i&1]
			_ = s.ComparePrepared(p[0], p[1])
		}
	})
	b.Run("ScoreOnly", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			p := pa[i&1]
			_ = s.Score(p[0], p[1])
		}
	})
	b.Run("Prepare", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			_ = Prepare(&people[i%len(people)])
		}
	})
	b.Run("Keys", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			_ = Keys(&people[i%len(people)])
		}
	})
}

// BenchmarkMatchOnCreate simulates "match on create": the store is indexed
// by Keys (as the app's database table would be), then each new record is
// matched by Keys -> candidates -> Compare each -> top 10. The new records
// are the last 1,000 generated records, held out of the store: about a third
// are duplicates of stored people. Each benchmark iteration matches all of
// them; p50/p99 are per record.
func BenchmarkMatchOnCreate(b *testing.B) {
	for _, n := range benchSizes() {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			people, _, s, _ := loadBench(b, n)
			// Hold out the last 1,000 records as the new ones.
			store, queries := people[:len(people)-1000], people[len(people)-1000:]
			start := time.Now()
			ix := NewIndex()
			for i := range store {
				ix.Add(&store[i])
			}
			build := time.Since(start)
			// Each iteration matches all held-out records once, so that
			// -benchtime 1x still gives a latency distribution.
			var lat []time.Duration
			var cands, found int
			b.ResetTimer()
			for b.Loop() {
				for i := range queries {
					q := &queries[i]
					t0 := time.Now()
					res := ix.Search(q, s, 10, 0.5)
					lat = append(lat, time.Since(t0))
					if len(res) > 0 {
						found++
					}
				}
			}
			b.StopTimer()
			for i := range queries {
				cands += len(ix.candidates(ptr(prepare(&queries[i]))))
			}
			slices.Sort(lat)
			pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
			b.ReportMetric(pct(0.5), "p50-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
			b.ReportMetric(float64(cands)/float64(len(queries)), "candidates/query")
			b.ReportMetric(float64(found)/float64(len(lat)), "found-share")
			b.ReportMetric(build.Seconds(), "index-build-s")
		})
	}
}

func ptr[T any](v T) *T { return &v }

// BenchmarkDedupe deduplicates a generated population and reports beside
// the time the candidate pairs, links and the pair completeness of the
// blocking, and as a baseline in the same run the time of computing every
// person's keys and grouping them into blocks (what any blocking dedupe must
// do before comparing a single pair).
func BenchmarkDedupe(b *testing.B) {
	for _, n := range benchSizes() {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			people, truth, s, train := loadBench(b, n)
			workers := runtime.GOMAXPROCS(0)
			// Baseline: prepare + keys + blocks only.
			t0 := time.Now()
			ps := prepareAll(people, workers)
			_ = buildBlocking(ps, workers, DefaultMaxBlock, DefaultWindow, "")
			baseline := time.Since(t0)
			ps = nil
			completeness := PairCompleteness(people, truth)
			runtime.GC()
			var st DedupeStats
			var clusters []Cluster
			b.ResetTimer()
			for b.Loop() {
				clusters, st = Dedupe(people, s, DedupeOptions{})
			}
			b.StopTimer()
			b.ReportMetric(st.Elapsed.Seconds(), "dedupe-s")
			b.ReportMetric(baseline.Seconds(), "keys+blocks-s")
			b.ReportMetric(st.Elapsed.Seconds()/baseline.Seconds(), "x-baseline")
			b.ReportMetric(float64(st.CandidatePairs), "candidate-pairs")
			b.ReportMetric(float64(st.ScoredPairs), "scored-pairs")
			b.ReportMetric(float64(st.Links), "links")
			b.ReportMetric(completeness, "pair-completeness")
			b.ReportMetric(float64(len(clusters)), "clusters")
			b.ReportMetric(train.Seconds(), "train-s")
			p, r := pairPR(truth, people, clusters)
			b.ReportMetric(p, "precision")
			b.ReportMetric(r, "recall")
		})
	}
}

// pairPR is pairwise precision and recall of clusters against truth.
func pairPR(truth []int, people []Person, clusters []Cluster) (float64, float64) {
	idx := make(map[string]int, len(people))
	for i, p := range people {
		idx[p.ID] = i
	}
	pred, hit := 0, 0
	for _, c := range clusters {
		for i := range c.Members {
			for j := i + 1; j < len(c.Members); j++ {
				pred++
				if truth[idx[c.Members[i]]] == truth[idx[c.Members[j]]] {
					hit++
				}
			}
		}
	}
	sizes := map[int]int{}
	for _, e := range truth {
		sizes[e]++
	}
	total := 0
	for _, s := range sizes {
		total += s * (s - 1) / 2
	}
	p := 1.0
	if pred > 0 {
		p = float64(hit) / float64(pred)
	}
	_ = sort.Ints
	return p, float64(hit) / float64(max(total, 1))
}
