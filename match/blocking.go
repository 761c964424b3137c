package match

import (
	"cmp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// Default limits for blocks: blocks up to DefaultMaxBlock records are
// compared all-pairs; bigger blocks (a hub key such as a very common name
// born in a common year) are sorted by name and date of birth and each record
// is compared with the DefaultWindow records either side of it.
const (
	DefaultMaxBlock = 50
	DefaultWindow   = 10
)

// blockRef places a person in one block.
type blockRef struct{ block, pos int32 }

// blocking is the inverted index key -> people of a population, in memory.
type blocking struct {
	members  []int32 // block members, block by block
	start    []int32 // block b is members[start[b]:start[b+1]]
	windowed []bool  // block is larger than maxBlock and sorted by sortKey
	refStart []int32 // person i's refs are refs[refStart[i]:refStart[i+1]]
	refs     []blockRef
	window   int
}

type keyEntry struct {
	h   uint64
	idx int32
}

// buildBlocking computes every person's keys and groups people by key. With
// rules non-nil only keys whose rule letter (first byte) is in rules count.
func buildBlocking(ps []prepared, workers, maxBlock, window int, rules string) *blocking {
	return buildBlockingKeys(ps, nil, workers, maxBlock, window, rules)
}

// buildBlockingKeys is buildBlocking taking people's keys from kc when it is not nil.
func buildBlockingKeys(ps []prepared, kc *keyCache, workers, maxBlock, window int, rules string) *blocking {
	n := len(ps)
	// 1. Hash every key of every person (or take the hashes already made), in parallel.
	parts := make([][]keyEntry, workers)
	parallelChunks(n, workers, func(w, lo, hi int) {
		buf := parts[w]
		if buf == nil {
			buf = make([]keyEntry, 0, (hi-lo)*16)
		}
		var hs []uint64
		for i := lo; i < hi; i++ {
			if kc != nil {
				for k := kc.start[i]; k < kc.start[i+1]; k++ {
					if rules == "" || strings.IndexByte(rules, kc.rule[k]) >= 0 {
						buf = append(buf, keyEntry{kc.h[k], int32(i)})
					}
				}
				continue
			}
			hs = keyHashes(&ps[i], hs[:0], rules)
			for _, h := range hs {
				buf = append(buf, keyEntry{h, int32(i)})
			}
		}
		parts[w] = buf
	})
	// 2. Partition by the top bits of the hash, then sort partitions in
	// parallel: one global sort of ~10 entries per person is the slowest
	// step of blocking otherwise.
	const nb = 256
	var counts [nb]int
	for _, p := range parts {
		for _, e := range p {
			counts[e.h>>56]++
		}
	}
	var offs [nb + 1]int
	for i := 0; i < nb; i++ {
		offs[i+1] = offs[i] + counts[i]
	}
	all := make([]keyEntry, offs[nb])
	pos := offs
	for _, p := range parts {
		for _, e := range p {
			b := e.h >> 56
			all[pos[b]] = e
			pos[b]++
		}
	}
	parts = nil
	parallelChunks(nb, workers, func(_, lo, hi int) {
		for b := lo; b < hi; b++ {
			slices.SortFunc(all[offs[b]:offs[b+1]], func(x, y keyEntry) int {
				if c := cmp.Compare(x.h, y.h); c != 0 {
					return c
				}
				return cmp.Compare(x.idx, y.idx)
			})
		}
	})
	// 3. Runs of equal hash with two or more people are blocks.
	bl := &blocking{window: window, start: []int32{0}}
	refCount := make([]int32, n+1)
	for i := 0; i < len(all); {
		j := i + 1
		for j < len(all) && all[j].h == all[i].h {
			j++
		}
		// A person can carry the same key twice only on a hash collision
		// of two of its keys; drop repeated members.
		if j-i >= 2 {
			before := len(bl.members)
			for k := i; k < j; k++ {
				if k > i && all[k].idx == all[k-1].idx {
					continue
				}
				bl.members = append(bl.members, all[k].idx)
			}
			if len(bl.members)-before < 2 {
				bl.members = bl.members[:before]
			} else {
				for _, m := range bl.members[before:] {
					refCount[m]++
				}
				bl.start = append(bl.start, int32(len(bl.members)))
				bl.windowed = append(bl.windowed, len(bl.members)-before > maxBlock)
			}
		}
		i = j
	}
	all = nil
	// 4. Sort oversized blocks by name and date of birth.
	nBlocks := len(bl.start) - 1
	parallelChunks(nBlocks, workers, func(_, lo, hi int) {
		for b := lo; b < hi; b++ {
			if bl.windowed[b] {
				m := bl.members[bl.start[b]:bl.start[b+1]]
				slices.SortFunc(m, func(x, y int32) int {
					if c := cmp.Compare(ps[x].sortKey, ps[y].sortKey); c != 0 {
						return c
					}
					return cmp.Compare(x, y)
				})
			}
		}
	})
	// 5. Per-person references into blocks.
	bl.refStart = make([]int32, n+1)
	for i := 0; i < n; i++ {
		bl.refStart[i+1] = bl.refStart[i] + refCount[i]
	}
	bl.refs = make([]blockRef, bl.refStart[n])
	fill := slices.Clone(bl.refStart[:n])
	for b := 0; b < nBlocks; b++ {
		for p := bl.start[b]; p < bl.start[b+1]; p++ {
			m := bl.members[p]
			bl.refs[fill[m]] = blockRef{int32(b), p - bl.start[b]}
			fill[m]++
		}
	}
	return bl
}

// hashKey is 64-bit FNV-1a with a final mix: deterministic, so runs are
// repeatable, and collisions between distinct keys are negligible.
func hashKey(s string) uint64 {
	h := fnvOffset
	for i := 0; i < len(s); i++ {
		h = fnvByte(h, s[i])
	}
	return fnvFinish(h)
}

const fnvOffset = uint64(14695981039346656037)

func fnvByte(h uint64, c byte) uint64 { return (h ^ uint64(c)) * 1099511628211 }

func fnvFinish(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	return h
}

// pairVisitor is called by worker w for a candidate pair i < j.
type pairVisitor func(w int, i, j int32)

// forEachPair calls visit once for every distinct candidate pair (i < j) and
// returns the number of block pairs visited including repeats (candidate
// pairs before de-duplication). Each worker owns a stamp array so that a pair
// sharing several keys is visited once.
func (bl *blocking) forEachPair(n, workers int, visit pairVisitor) (candidates int64) {
	var total atomic.Int64
	stamps := make([][]int32, workers)
	parallelDynamic(n, workers, 256, func(w, lo, hi int) {
		if stamps[w] == nil {
			stamps[w] = make([]int32, n)
			for k := range stamps[w] {
				stamps[w][k] = -1
			}
		}
		st := stamps[w]
		var cands int64
		for i := lo; i < hi; i++ {
			i32 := int32(i)
			for _, r := range bl.refs[bl.refStart[i]:bl.refStart[i+1]] {
				m := bl.members[bl.start[r.block]:bl.start[r.block+1]]
				from, to := int(r.pos)+1, len(m)
				if bl.windowed[r.block] {
					if bl.window <= 0 {
						continue
					}
					from, to = max(0, int(r.pos)-bl.window), min(len(m), int(r.pos)+bl.window+1)
				}
				for _, j := range m[from:to] {
					if j <= i32 {
						continue
					}
					cands++
					if st[j] == i32 {
						continue
					}
					st[j] = i32
					visit(w, i32, j)
				}
			}
		}
		total.Add(cands)
	})
	return total.Load()
}

// parallelChunks splits [0,n) into one contiguous chunk per worker.
func parallelChunks(n, workers int, fn func(w, lo, hi int)) {
	if workers < 1 {
		workers = 1
	}
	if n < 1024 || workers == 1 {
		fn(0, 0, n)
		return
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		lo, hi := n*w/workers, n*(w+1)/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(w, lo, hi)
		}()
	}
	wg.Wait()
}

// parallelDynamic hands out [0,n) in chunks of size chunk to workers as they
// become free, which balances uneven work such as people in big blocks.
func parallelDynamic(n, workers, chunk int, fn func(w, lo, hi int)) {
	if workers < 1 {
		workers = 1
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				lo := int(next.Add(int64(chunk))) - chunk
				if lo >= n {
					return
				}
				fn(w, lo, min(n, lo+chunk))
			}
		}()
	}
	wg.Wait()
}

func defaultWorkers(w int) int {
	if w > 0 {
		return w
	}
	return runtime.GOMAXPROCS(0)
}

// keyCache holds every blocking key hash of a population with its rule letter, person by person:
// training builds a blocking per group of rules and detection one more, and hashing every key of
// a million people each time was a fifth of a detection run.
type keyCache struct {
	start []int32 // person i's keys are [start[i], start[i+1])
	h     []uint64
	rule  []byte
}

func newKeyCache(ps []prepared, workers int) *keyCache {
	n := len(ps)
	type part struct {
		counts []int32
		h      []uint64
		rule   []byte
	}
	parts := make([]part, workers)
	parallelChunks(n, workers, func(w, lo, hi int) {
		p := part{counts: make([]int32, 0, hi-lo), h: make([]uint64, 0, (hi-lo)*16), rule: make([]byte, 0, (hi-lo)*16)}
		for i := lo; i < hi; i++ {
			before := len(p.h)
			forKeyHashes(&ps[i], "", func(rule byte, h uint64) {
				p.h = append(p.h, h)
				p.rule = append(p.rule, rule)
			})
			p.counts = append(p.counts, int32(len(p.h)-before))
		}
		parts[w] = p
	})
	kc := &keyCache{start: make([]int32, n+1)}
	// parallelChunks gives worker w the w-th contiguous range, so the parts are already in order.
	total := 0
	for _, p := range parts {
		total += len(p.h)
	}
	kc.h, kc.rule = make([]uint64, 0, total), make([]byte, 0, total)
	i := 0
	for _, p := range parts {
		for _, c := range p.counts {
			kc.start[i+1] = kc.start[i] + c
			i++
		}
		kc.h = append(kc.h, p.h...)
		kc.rule = append(kc.rule, p.rule...)
	}
	return kc
}

// prepareAll prepares a population in parallel.
func prepareAll(people []Person, workers int) []prepared {
	ps := make([]prepared, len(people))
	parallelChunks(len(people), workers, func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			ps[i] = prepare(&people[i])
		}
	})
	return ps
}
