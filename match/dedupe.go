package match

import (
	"cmp"
	"slices"
	"strconv"
	"time"
)

// DefaultThreshold is the match probability at or above which Dedupe links a
// pair when DedupeOptions.Threshold is zero. It was chosen once for all the
// evaluation data sets (FEBRL, Splink, Senzing, generated UK-style data),
// where F1 is flat between about 0.7 and 0.9.
const DefaultThreshold = 0.8

// Dedupe finds groups of duplicates in a population: it blocks by Keys,
// scores every candidate pair once, links pairs whose match probability is
// at least the threshold and clusters the links (see the clustering notes in
// cluster.go: connected components, split by constrained average linkage so
// one bad link cannot chain unrelated people together).
//
// Clusters are a partition: each person is in at most one cluster, each
// cluster has two or more members, members are sorted by ID and clusters by
// their first member. IDs should be unique; people with an empty ID are
// reported as "#index" (their position in people). Nobody is dropped: a
// person in no cluster is simply unique. The model's prior is scaled to the
// size of people (Scorer.WithPopulation).
func Dedupe(people []Person, s *Scorer, opts DedupeOptions) ([]Cluster, DedupeStats) {
	start := time.Now()
	cl, st := DedupePopulation(NewPopulation(people, opts.Workers), s, opts)
	st.Elapsed = time.Since(start)
	return cl, st
}

// DedupePopulation is Dedupe over people already prepared, as by Train: a
// force's detection run prepares its people once for both.
func DedupePopulation(pop *Population, s *Scorer, opts DedupeOptions) ([]Cluster, DedupeStats) {
	start := time.Now()
	ps, ids := pop.ps, pop.ids
	if s == nil {
		s = NewScorer(nil, nil)
	}
	s = s.WithPopulation(len(ps))
	workers := defaultWorkers(opts.Workers)
	threshold := opts.Threshold
	if threshold <= 0 {
		threshold = DefaultThreshold
	}
	maxBlock, window := opts.MaxBlock, opts.Window
	if maxBlock <= 0 {
		maxBlock = DefaultMaxBlock
	}
	if window <= 0 {
		window = DefaultWindow
	}
	excluded := func(i, j int32) bool {
		return opts.Exclude != nil && opts.Exclude(ids[i], ids[j])
	}
	bl := pop.blocking(workers, maxBlock, window, "")

	// Score candidate pairs; keep links.
	linkBufs := make([][]link, workers)
	scored := make([]int, workers)
	cands := bl.forEachPair(len(ps), workers, func(w int, i, j int32) {
		scored[w]++
		p := Probability(s.score(&ps[i], &ps[j]))
		if p >= threshold && !excluded(i, j) {
			linkBufs[w] = append(linkBufs[w], link{i, j, float32(p)})
		}
	})
	var links []link
	st := DedupeStats{People: len(ps), CandidatePairs: int(cands)}
	for w := range linkBufs {
		links = append(links, linkBufs[w]...)
		st.ScoredPairs += scored[w]
	}
	slices.SortFunc(links, func(a, b link) int {
		if c := cmp.Compare(a.i, b.i); c != 0 {
			return c
		}
		return cmp.Compare(a.j, b.j)
	})
	st.Links = len(links)

	// Cluster. Probabilities of linked pairs are kept; average linkage
	// scores the other pairs inside a component when it asks for them.
	known := make(map[[2]int32]float64, len(links))
	for _, l := range links {
		known[[2]int32{l.i, l.j}] = float64(l.p)
	}
	cl := clusterer{
		threshold: threshold,
		excluded:  excluded,
		prob: func(i, j int32) float64 {
			if i > j {
				i, j = j, i
			}
			if p, ok := known[[2]int32{i, j}]; ok {
				return p
			}
			return Probability(s.score(&ps[i], &ps[j]))
		},
	}
	groups := cl.cluster(len(ps), links)
	out := make([]Cluster, 0, len(groups))
	for _, g := range groups {
		c := Cluster{Score: g.score, Members: make([]string, len(g.members))}
		for k, m := range g.members {
			c.Members[k] = ids[m]
		}
		slices.Sort(c.Members)
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b Cluster) int { return cmp.Compare(a.Members[0], b.Members[0]) })
	st.Elapsed = time.Since(start)
	return out, st
}

// Population is people prepared once for comparison, for training and
// detection alike. They are held in an order grouped by surname: most blocks
// are made of people with similar names, so the records compared with one
// another then lie near each other in memory, which matters once a
// population no longer fits in the processor's caches.
type Population struct {
	ps  []prepared
	ids []string // people's IDs, "#index" for those without

	keys *keyCache // every person's blocking keys, made at the first blocking
	// blockings built with every rule, by limits: training's last step and detection use the
	// same one.
	blockings map[[2]int]*blocking
}

// blocking groups the population by the keys of rules ("" for all), hashing their keys only once
// for all the blockings asked of it.
func (pop *Population) blocking(workers, maxBlock, window int, rules string) *blocking {
	if pop.keys == nil {
		pop.keys = newKeyCache(pop.ps, workers)
	}
	if rules != "" {
		return buildBlockingKeys(pop.ps, pop.keys, workers, maxBlock, window, rules)
	}
	k := [2]int{maxBlock, window}
	if bl := pop.blockings[k]; bl != nil {
		return bl
	}
	bl := buildBlockingKeys(pop.ps, pop.keys, workers, maxBlock, window, "")
	if pop.blockings == nil {
		pop.blockings = map[[2]int]*blocking{}
	}
	pop.blockings[k] = bl
	return bl
}

// NewPopulation prepares people on workers goroutines (0: one per core).
func NewPopulation(people []Person, workers int) *Population {
	workers = defaultWorkers(workers)
	order := localityOrder(people)
	pop := &Population{ps: make([]prepared, len(people)), ids: make([]string, len(people))}
	parallelChunks(len(people), workers, func(_, lo, hi int) {
		for k := lo; k < hi; k++ {
			i := order[k]
			pop.ps[k] = prepare(&people[i])
			pop.ids[k] = people[i].ID
			if pop.ids[k] == "" {
				pop.ids[k] = "#" + strconv.Itoa(int(i))
			}
		}
	})
	return pop
}

// Len is the number of people.
func (pop *Population) Len() int { return len(pop.ps) }

// localityOrder returns the indices of people sorted by the first letters of
// their family and given names (a cheap approximation of blocking order).
func localityOrder(people []Person) []int32 {
	type ent struct {
		key uint64
		i   int32
	}
	es := make([]ent, len(people))
	for i := range people {
		var k uint64
		n := 0
		add := func(s string, max int) {
			for j := 0; j < len(s) && max > 0; j++ {
				c := s[j] | 0x20 // ASCII lower case
				if c >= 'a' && c <= 'z' {
					k = k<<8 | uint64(c)
					n++
					max--
				}
			}
		}
		add(people[i].FamilyName, 6)
		add(people[i].GivenNames, 8-n)
		es[i] = ent{k << (8 * (8 - n)), int32(i)}
	}
	slices.SortFunc(es, func(a, b ent) int {
		if c := cmp.Compare(a.key, b.key); c != 0 {
			return c
		}
		return cmp.Compare(a.i, b.i)
	})
	out := make([]int32, len(es))
	for k, e := range es {
		out[k] = e.i
	}
	return out
}
