package match

import (
	"cmp"
	"slices"
)

// Index is an in-memory blocking index (key -> people) for "match on
// create": it does what the app does with its database table of keys, and
// serves tests, benchmarks and small stores. Add is not safe for concurrent
// use; Search is, once adding has finished.
type Index struct {
	people []prepared
	byKey  map[uint64][]int32
	// MaxPerKey is the most people taken from one key. A key shared by more
	// people (a hub such as a very common name born in a common year) is
	// skipped when the person has more selective keys, and otherwise cut
	// to this many (default 200).
	MaxPerKey int
	// MaxCandidates bounds the people compared per search, those sharing the
	// most keys first (default 1,000).
	MaxCandidates int
}

// NewIndex returns an empty Index.
func NewIndex() *Index {
	return &Index{byKey: make(map[uint64][]int32), MaxPerKey: 200, MaxCandidates: 1000}
}

// Add adds a person to the index.
func (ix *Index) Add(p *Person) {
	r := prepare(p)
	id := int32(len(ix.people))
	hs := keyHashes(&r, make([]uint64, 0, 32), "")
	slices.Sort(hs)
	for _, h := range slices.Compact(hs) {
		ix.byKey[h] = append(ix.byKey[h], id)
	}
	ix.people = append(ix.people, r)
}

// Len returns the number of people in the index.
func (ix *Index) Len() int { return len(ix.people) }

// Match is one search result.
type Match struct {
	ID     string
	Result Result
}

// Search returns the people most likely to be p, best first, at most limit
// of them, each with the reasons for its score. People scoring below
// minProbability are left out.
func (ix *Index) Search(p *Person, s *Scorer, limit int, minProbability float64) []Match {
	q := prepare(p)
	s = s.WithPopulation(len(ix.people) + 1)
	cands := ix.candidates(&q)
	type scored struct {
		i     int32
		score float64
	}
	res := make([]scored, 0, len(cands))
	for _, c := range cands {
		sc := s.score(&q, &ix.people[c])
		if Probability(sc) >= minProbability {
			res = append(res, scored{c, sc})
		}
	}
	slices.SortFunc(res, func(a, b scored) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(a.i, b.i)
	})
	if limit > 0 && len(res) > limit {
		res = res[:limit]
	}
	out := make([]Match, len(res))
	for k, r := range res {
		out[k] = Match{ID: ix.people[r.i].id, Result: s.compare(&q, &ix.people[r.i], true)}
	}
	return out
}

// candidates returns the indices of people sharing keys with q: selective
// keys first, hub keys only while nothing better is found, and the people
// sharing most keys first when there are too many.
func (ix *Index) candidates(q *prepared) []int32 {
	maxPer, maxAll := ix.MaxPerKey, ix.MaxCandidates
	if maxPer <= 0 {
		maxPer = 200
	}
	if maxAll <= 0 {
		maxAll = 1000
	}
	var lists [][]int32
	hs := keyHashes(q, make([]uint64, 0, 32), "")
	slices.Sort(hs)
	for _, h := range slices.Compact(hs) {
		if l := ix.byKey[h]; len(l) > 0 {
			lists = append(lists, l)
		}
	}
	slices.SortFunc(lists, func(a, b []int32) int { return cmp.Compare(len(a), len(b)) })
	counts := make(map[int32]int, 64)
	for n, l := range lists {
		if len(l) > maxPer {
			if n > 0 && len(counts) > 0 {
				break // only hub keys left, and selective keys found people
			}
			l = l[:maxPer]
		}
		for _, i := range l {
			counts[i]++
		}
	}
	out := make([]int32, 0, len(counts))
	for i := range counts {
		out = append(out, i)
	}
	slices.SortFunc(out, func(a, b int32) int {
		if c := cmp.Compare(counts[b], counts[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	if len(out) > maxAll {
		out = out[:maxAll]
	}
	return out
}
