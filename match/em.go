package match

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
)

// TrainOptions tunes [Train]. Zero values mean defaults.
type TrainOptions struct {
	// RandomPairs is the number of random pairs sampled to estimate u
	// (default 500,000; every pair when the population has fewer).
	RandomPairs int
	// MaxCandidatePairs bounds the blocked candidate pairs used by each
	// expectation maximisation run (default 1,000,000, sampled evenly beyond).
	MaxCandidatePairs int
	// MaxIterations of each expectation maximisation run (default 200).
	MaxIterations int
	// Seed makes the random sampling repeatable (default 1).
	Seed uint64
	// Workers is the number of goroutines (default GOMAXPROCS).
	Workers int
	// PseudoCount is the weight, in pairs, of the default model's m and u
	// when smoothing the estimates, so that a level never observed does
	// not get a probability of zero and a small store's estimates stay near
	// the defaults (default 20).
	PseudoCount float64
}

// TrainInfo records how a model was trained.
type TrainInfo struct {
	People            int        `json:"people"`
	RandomPairs       int        `json:"random_pairs"`
	CandidatePairs    int        `json:"candidate_pairs"`
	BlockedMatchShare float64    `json:"blocked_match_share"` // share of candidate pairs estimated to be matches
	Rules             []RuleInfo `json:"rules"`
	Reset             []string   `json:"reset,omitempty"`
	// HouseholdPairs is the expected number of non-matching candidate pairs
	// at one address that HouseholdSurnameU was estimated from.
	HouseholdPairs float64 `json:"household_pairs"`
}

// RuleInfo reports one expectation maximisation run over the candidate
// pairs of a group of blocking rules.
type RuleInfo struct {
	Rules      string   `json:"rules"`   // rule letters, see Keys
	Pairs      int      `json:"pairs"`   // candidate pairs of these rules
	Sampled    int      `json:"sampled"` // pairs used
	MatchShare float64  `json:"match_share"`
	Iterations int      `json:"iterations"`
	Converged  bool     `json:"converged"`
	Estimated  []string `json:"estimated"` // fields whose m this run estimated
}

// trainGroup is a group of blocking rules and the comparisons its keys are
// built from. Candidate pairs found by the group agree on those fields far
// more than random pairs do, so the group says nothing about their m and
// estimates m only for the other fields (as Splink does per blocking rule).
type trainGroup struct {
	rules    string
	excluded []int
	// maxBlock, if set, drops keys shared by more people: an identifier,
	// phone number or e-mail address on many records (an office switchboard,
	// "info@") belongs to no one person and would teach EM that people
	// sharing it match whatever their names.
	maxBlock int
}

// householdRules is the group of address rules, whose candidate pairs
// include the other people at an address.
const householdRules = "ahs"

var trainGroups = []trainGroup{
	{"n", []int{cFamily, cGiven}, 0},
	{"y", []int{cFamily, cGiven, cDOB}, 0},
	{"gdb", []int{cFamily, cGiven, cDOB, cAddress, cPostcode}, 0},
	{householdRules, []int{cFamily, cAddress, cPostcode}, 0},
	{"ite", []int{cIDPNC, cIDCRO, cIDNI, cIDPassport, cIDDriving, cIDOther, cPhone, cEmail}, 8},
}

// patternCounts counts comparison vectors, packed 4 bits per comparison.
type patternCounts map[uint64]float64

func packVector(v *vector) uint64 {
	var k uint64
	for c := 0; c < nComp; c++ {
		l := uint64(15) // missing, and postcodes implied by the address
		if v[c] >= 0 {
			l = uint64(v[c])
		}
		k |= l << (4 * c)
	}
	return k
}

func unpackLevel(k uint64, c int) int8 {
	l := int8((k >> (4 * c)) & 15)
	if l == 15 {
		return missing
	}
	return l
}

// Train estimates a model from the data itself, without labels.
//
//  1. u: the level frequencies among random pairs, almost all non-matches.
//  2. m: for each group of blocking rules, expectation maximisation over the
//     candidate pairs the group finds, with u fixed, estimating m only for
//     the fields the group's keys are not built from; each field's m is the
//     average of the runs that estimated it, weighted by their expected
//     matches.
//  3. The share of matches among all candidate pairs, by expectation
//     maximisation with m and u fixed; the prior is that share times the
//     share of all pairs that are candidates.
//  4. u again, from the random pairs weighted by their posterior probability
//     of being non-matches, which removes the few true matches among them.
//
// Estimates are smoothed towards DefaultModel with TrainOptions.PseudoCount
// pairs, and a field whose m contradicts its levels (agreement counting
// against, or disagreement for, a match) keeps the default m.
//
// Training time grows with the population; for a large store, train on a
// random sample of a few hundred thousand people (the estimates are stable
// by then) and use the model on the whole store: the prior is rescaled to
// the population compared (Model.PriorFor).
func Train(people []Person, opts TrainOptions) (*Model, error) {
	if len(people) < 2 {
		return nil, errors.New("match: need at least two people to train")
	}
	return TrainPopulation(NewPopulation(people, opts.Workers), opts)
}

// TrainPopulation is Train over people already prepared, as by
// DedupePopulation: a force's detection run prepares its people once for both.
func TrainPopulation(pop *Population, opts TrainOptions) (*Model, error) {
	ps := pop.ps
	n := len(ps)
	if n < 2 {
		return nil, errors.New("match: need at least two people to train")
	}
	if opts.RandomPairs <= 0 {
		opts.RandomPairs = 500_000
	}
	if opts.MaxCandidatePairs <= 0 {
		opts.MaxCandidatePairs = 1_000_000
	}
	if opts.MaxIterations <= 0 {
		opts.MaxIterations = 200
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	if opts.PseudoCount <= 0 {
		opts.PseudoCount = 20
	}
	workers := defaultWorkers(opts.Workers)
	totalPairs := float64(n) * float64(n-1) / 2
	def := DefaultModel()
	m := def.clone()
	info := &TrainInfo{People: n}

	// 1. u from random pairs.
	random := randomPatterns(ps, opts.RandomPairs, opts.Seed, workers)
	info.RandomPairs = int(sumCounts(random))
	estimateU(m, def, random, nil, opts.PseudoCount)

	// 2. m per group of blocking rules.
	var mSum [nComp][16]float64
	var mWeight [nComp]float64
	for _, g := range trainGroups {
		pairs, total := candidatePatterns(pop, workers, g.rules, opts.MaxCandidatePairs, g.maxBlock)
		ri := RuleInfo{Rules: g.rules, Pairs: int(total), Sampled: int(sumCounts(pairs))}
		if ri.Sampled == 0 {
			info.Rules = append(info.Rules, ri)
			continue
		}
		gm := m.clone()
		estimate := make([]bool, nComp)
		for c := range estimate {
			estimate[c] = true
		}
		for _, c := range g.excluded {
			estimate[c] = false
		}
		p, it, conv := emM(gm, def, pairs, 0.5, opts.MaxIterations, opts.PseudoCount, estimate)
		ri.MatchShare, ri.Iterations, ri.Converged = p, it, conv
		if g.rules == householdRules {
			m.HouseholdSurnameU, m.HouseholdDOBU, info.HouseholdPairs = householdU(gm, pairs, p, g.excluded)
		}
		for c := 0; c < nComp; c++ {
			if !estimate[c] {
				continue
			}
			// Weight by the matches that had a value for this field.
			seen := fieldMass(gm, pairs, p, c)
			if seen <= 0 {
				continue
			}
			ri.Estimated = append(ri.Estimated, compDefs[c].field)
			for l, lv := range gm.Comparisons[c].Levels {
				mSum[c][l] += seen * lv.M
			}
			mWeight[c] += seen
		}
		info.Rules = append(info.Rules, ri)
	}
	for c := 0; c < nComp; c++ {
		if mWeight[c] <= 0 {
			continue
		}
		for l := range m.Comparisons[c].Levels {
			m.Comparisons[c].Levels[l].M = mSum[c][l] / mWeight[c]
		}
	}
	info.Reset = sanitise(m, def)

	// 3. Share of matches among all candidate pairs, m and u fixed.
	all, nCand := candidatePatterns(pop, workers, "", opts.MaxCandidatePairs, 0)
	info.CandidatePairs = int(nCand)
	none := make([]bool, nComp)
	p, _, _ := emM(m, def, all, 0.5, opts.MaxIterations, opts.PseudoCount, none)
	info.BlockedMatchShare = p
	lambda := def.Prior
	if nCand > 0 {
		lambda = math.Min(math.Max(p*float64(nCand)/totalPairs, 1e-12), 0.5)
	}
	m.Prior = lambda
	m.PopulationSize = n

	// 4. u without the matches among the random pairs.
	estimateU(m, def, random, m, opts.PseudoCount)
	m.Trained = info
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return m, nil
}

// candidatePatterns counts the comparison vectors of the candidate pairs of
// the given rules ("" for all), sampling evenly down to at most max pairs,
// and with maxBlock > 0 ignoring keys shared by more people than that. It
// returns the counts and the number of candidate pairs before sampling.
func candidatePatterns(pop *Population, workers int, rules string, max, maxBlock int) (patternCounts, int64) {
	ps := pop.ps
	n := len(ps)
	window := DefaultWindow
	if maxBlock > 0 {
		window = 0 // blocks over maxBlock yield no pairs
	} else {
		maxBlock = DefaultMaxBlock
	}
	bl := pop.blocking(workers, maxBlock, window, rules)
	counted := make([]int64, workers)
	bl.forEachPair(n, workers, func(w int, i, j int32) { counted[w]++ })
	var total int64
	for _, c := range counted {
		total += c
	}
	rate := 1.0
	if total > int64(max) {
		rate = float64(max) / float64(total)
	}
	limit := uint64(rate * float64(math.MaxUint64))
	local := make([]patternCounts, workers)
	bl.forEachPair(n, workers, func(w int, i, j int32) {
		if rate < 1 && mix64(uint64(i)<<32|uint64(j)) > limit {
			return
		}
		if local[w] == nil {
			local[w] = patternCounts{}
		}
		var v vector
		compareVector(&ps[i], &ps[j], &v)
		local[w][packVector(&v)]++
	})
	out := patternCounts{}
	for w := range local {
		for k, c := range local[w] {
			out[k] += c
		}
	}
	return out, total
}

// fieldMass is the expected number of matches with a value for field c.
func fieldMass(m *Model, pairs patternCounts, p float64, c int) float64 {
	s := 0.0
	for _, k := range sortedPatterns(pairs) {
		n := pairs[k]
		if unpackLevel(k, c) != missing {
			s += n * posterior(m, k, p)
		}
	}
	return s
}

// sortedPatterns returns the patterns in increasing order, so that sums of
// floating-point numbers over them, and so the model, do not depend on map
// iteration order.
func sortedPatterns(pc patternCounts) []uint64 {
	keys := make([]uint64, 0, len(pc))
	for k := range pc {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func sumCounts(pc patternCounts) float64 {
	s := 0.0
	for _, c := range pc {
		s += c
	}
	return s
}

// mix64 is a 64-bit finaliser used to sample pairs deterministically.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// randomPatterns compares random pairs of distinct people, or every pair
// when there are fewer pairs than asked for.
func randomPatterns(ps []prepared, want int, seed uint64, workers int) patternCounts {
	n := len(ps)
	total := n * (n - 1) / 2
	out := patternCounts{}
	var mu sync.Mutex
	merge := func(local patternCounts) {
		mu.Lock()
		for k, c := range local {
			out[k] += c
		}
		mu.Unlock()
	}
	if total <= want {
		parallelDynamic(n, workers, 16, func(_, lo, hi int) {
			local := patternCounts{}
			var v vector
			for i := lo; i < hi; i++ {
				for j := i + 1; j < n; j++ {
					compareVector(&ps[i], &ps[j], &v)
					local[packVector(&v)]++
				}
			}
			merge(local)
		})
		return out
	}
	// A fixed number of chunks, each with its own seeded stream, so that
	// the sample does not depend on the number of workers.
	const chunks = 64
	per := (want + chunks - 1) / chunks
	parallelDynamic(chunks, workers, 1, func(_, lo, hi int) {
		local := patternCounts{}
		var v vector
		for c := lo; c < hi; c++ {
			rng := rand.New(rand.NewPCG(seed, uint64(c)+1))
			for k := 0; k < per; k++ {
				i := rng.IntN(n)
				j := rng.IntN(n - 1)
				if j >= i {
					j++
				}
				compareVector(&ps[i], &ps[j], &v)
				local[packVector(&v)]++
			}
		}
		merge(local)
	})
	return out
}

// posterior returns P(match | pattern) under model m with prior p.
func posterior(m *Model, k uint64, p float64) float64 {
	lm, lu := math.Log(p), math.Log(1-p)
	for c := 0; c < nComp; c++ {
		l := unpackLevel(k, c)
		if l == missing {
			continue
		}
		lv := m.Comparisons[c].Levels[l]
		lm += math.Log(lv.M)
		if c == cFamily && m.HouseholdSurnameU > 0 && householdSurname(l, unpackLevel(k, cAddress)) {
			lu += math.Log(m.HouseholdSurnameU)
		} else if c == cDOB && m.HouseholdDOBU > 0 && householdDOB(l, unpackLevel(k, cFamily), unpackLevel(k, cAddress)) {
			lu += math.Log(m.HouseholdDOBU)
		} else {
			lu += math.Log(lv.U)
		}
	}
	d := lu - lm
	if d > 700 {
		return 0
	}
	return 1 / (1 + math.Exp(d))
}

// estimateU sets u from random pairs. With post non-nil each pair counts as
// a non-match with its posterior non-match probability under post.
func estimateU(m, def *Model, random patternCounts, post *Model, alpha float64) {
	var cnt [nComp][16]float64
	for _, k := range sortedPatterns(random) {
		c := random[k]
		w := c
		if post != nil {
			w *= 1 - posterior(post, k, post.Prior)
		}
		for ci := 0; ci < nComp; ci++ {
			if l := unpackLevel(k, ci); l != missing {
				cnt[ci][l] += w
			}
		}
	}
	for ci := 0; ci < nComp; ci++ {
		lv := m.Comparisons[ci].Levels
		tot := 0.0
		for l := range lv {
			tot += cnt[ci][l]
		}
		for l := range lv {
			lv[l].U = (cnt[ci][l] + alpha*def.Comparisons[ci].Levels[l].U) / (tot + alpha)
		}
	}
}

// emM runs expectation maximisation over the patterns for the match share p
// and the m of the comparisons marked in estimate, holding u (and the other
// m) fixed. Comparisons not estimated are left out of the likelihood, since
// the candidate pairs were chosen for agreeing on them. It returns p, the
// iterations run and whether it converged.
func emM(m, def *Model, pairs patternCounts, p float64, maxIter int, alpha float64, estimate []bool) (float64, int, bool) {
	if len(pairs) == 0 {
		return p, 0, true
	}
	keys := make([]uint64, 0, len(pairs))
	counts := make([]float64, 0, len(pairs))
	any := false
	for _, e := range estimate {
		any = any || e
	}
	// With some comparisons estimated, the others are masked out of the
	// likelihood; with none (the prior run) every comparison counts.
	mask := uint64(0)
	for c := 0; c < nComp; c++ {
		if any && !estimate[c] {
			mask |= 15 << (4 * c)
		}
	}
	merged := map[uint64]float64{}
	for k, c := range pairs {
		merged[k|mask] += c
	}
	for _, k := range sortedPatterns(merged) {
		keys = append(keys, k)
		counts = append(counts, merged[k])
	}
	for it := 1; it <= maxIter; it++ {
		var cnt [nComp][16]float64
		sumW, sumN := 0.0, 0.0
		for x, k := range keys {
			w := posterior(m, k, p) * counts[x]
			sumW += w
			sumN += counts[x]
			for c := 0; c < nComp; c++ {
				if l := unpackLevel(k, c); l != missing {
					cnt[c][l] += w
				}
			}
		}
		delta := 0.0
		for c := 0; c < nComp; c++ {
			if !estimate[c] {
				continue
			}
			lv := m.Comparisons[c].Levels
			tot := 0.0
			for l := range lv {
				tot += cnt[c][l]
			}
			for l := range lv {
				nm := (cnt[c][l] + alpha*def.Comparisons[c].Levels[l].M) / (tot + alpha)
				delta = math.Max(delta, math.Abs(nm-lv[l].M))
				lv[l].M = nm
			}
		}
		np := math.Min(math.Max(sumW/sumN, 1e-9), 0.999)
		delta = math.Max(delta, math.Abs(np-p))
		p = np
		if delta < 1e-7 {
			return p, it, true
		}
	}
	return p, maxIter, false
}

// sanitise resets the m probabilities of a comparison to the defaults when
// the estimate contradicts what the levels mean: exact agreement must be
// evidence for a match and the "different" level evidence against. For names
// and dates of birth, which identify a person, both must be clear (at least
// minIdentityBits either way): true duplicates disagree on them far less
// often than strangers do. EM on data with few duplicates can latch on to
// another structure (members of one household, people sharing an office
// e-mail address) and produce such estimates.
func sanitise(m, def *Model) []string {
	var reset []string
	for c := range m.Comparisons {
		if c == cGender {
			continue
		}
		lv := m.Comparisons[c].Levels
		first, last := lv[0], lv[len(lv)-1]
		if first.M < first.U || last.M > last.U {
			for l := range lv {
				lv[l].M = def.Comparisons[c].Levels[l].M
			}
			reset = append(reset, m.Comparisons[c].Field)
			continue
		}
		if c != cFamily && c != cGiven && c != cDOB {
			continue
		}
		// Clamp the two ends to minIdentityBits, moving the probability
		// mass to (from) the other levels in proportion.
		k := len(lv) - 1
		bits := minIdentityBits
		if c == cDOB {
			// Dates of birth more than five years apart: typing slips do not move a year that
			// far, so this level must stay strong evidence against, whatever EM made of
			// households and generations sharing a name.
			bits = minDifferentDOBBits
		}
		if maxM := lv[k].U * math.Exp2(-bits); lv[k].M > maxM {
			scale := (1 - maxM) / (1 - lv[k].M)
			for l := 0; l < k; l++ {
				lv[l].M *= scale
			}
			lv[k].M = maxM
			reset = append(reset, m.Comparisons[c].Field+" (different clamped)")
		}
		if minM := lv[0].U * math.Exp2(minIdentityBits); lv[0].M < minM && minM < 1 {
			scale := (1 - minM) / (1 - lv[0].M)
			for l := 1; l <= k; l++ {
				lv[l].M *= scale
			}
			lv[0].M = minM
			reset = append(reset, m.Comparisons[c].Field+" (exact clamped)")
		}
	}
	return reset
}

// minIdentityBits is the least evidence an exact or a different name or date
// of birth must carry in a trained model.
const minIdentityBits = 1.5

// minDifferentDOBBits is the least evidence against that dates of birth more than five years
// apart carry in a trained model.
const minDifferentDOBBits = 4.0

// householdU estimates P(family names agree exactly | addresses agree,
// non-match) and P(dates of birth agree | family names and addresses agree,
// non-match) from the candidate pairs of the address rules, each counted
// with its posterior probability of being a non-match (computed without the
// fields the rules are built from, and without the date of birth for the
// second). It also returns the expected number of non-matching pairs at one
// address.
//
// With fewer than minHouseholdPairs such pairs the data has too few
// households to estimate from, and too few for the adjustment to matter:
// it is then turned off (zero), so that records of one person at one address
// keep the full weight of their surname and date of birth.
func householdU(m *Model, pairs patternCounts, p float64, excluded []int) (surname, dob, total float64) {
	const alpha = 5
	mask := uint64(0)
	for _, c := range excluded {
		mask |= 15 << (4 * c)
	}
	agree := 0.0
	twins, households := 0.0, 0.0
	dobMask := mask | 15<<(4*cDOB)
	for _, k := range sortedPatterns(pairs) {
		n := pairs[k]
		a, f, d := unpackLevel(k, cAddress), unpackLevel(k, cFamily), unpackLevel(k, cDOB)
		if f == missing || !sameAddress(a) {
			continue
		}
		w := n * (1 - posterior(m, k|mask, p))
		total += w
		if f == famExact {
			agree += w
			if d != missing {
				wd := n * (1 - posterior(m, k|dobMask, p))
				households += wd
				if d == dobExact {
					twins += wd
				}
			}
		}
	}
	if total >= minHouseholdPairs {
		surname = (agree + alpha*defaultHouseholdSurnameU) / (total + alpha)
	}
	if households >= minHouseholdPairs {
		dob = (twins + alpha*defaultHouseholdDOBU) / (households + alpha)
	}
	return surname, dob, total
}

// minHouseholdPairs is the least evidence (expected non-matching pairs at one
// address) from which HouseholdSurnameU is estimated rather than defaulted:
// with fewer, the "non-matches" are mostly matches that EM could not tell
// apart without the surname and address it had to leave out.
const minHouseholdPairs = 100
