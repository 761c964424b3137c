package match

import (
	"cmp"
	"slices"
)

// Clustering
//
// Links (pairs at or above the threshold) are grouped into connected
// components. A component of two is a cluster. A bigger component can hold
// people chained together by one wrong link (A-B is right, B-C is right, but
// A and C are different people), so it is split by average-linkage
// agglomeration over all its pairs: start with singletons and repeatedly merge
// the two groups whose average pairwise match probability is highest, while
// that average is at or above the threshold and no pair across the two groups
// is excluded by a reviewer. Every pair inside a component is scored for this,
// not only the links. Components larger than maxAgglomerate fall back to the
// CENTER rule over the links alone (links in decreasing probability; an
// unassigned person becomes a centre or joins the centre it links to), which
// cannot chain either, since each member links directly to its centre.

// maxAgglomerate bounds the size of a component clustered by average linkage
// (which scores all its pairs and is cubic in the size).
const maxAgglomerate = 300

type link struct {
	i, j int32
	p    float32
}

// clusterer holds what clustering needs from the caller.
type clusterer struct {
	threshold float64
	prob      func(i, j int32) float64 // match probability of a pair
	excluded  func(i, j int32) bool    // reviewer said "not the same person"
}

type groupOut struct {
	members []int32
	score   float64
}

// cluster returns the clusters (2+ members) of the people joined by links.
func (c *clusterer) cluster(n int, links []link) []groupOut {
	uf := newUnionFind(n)
	for _, l := range links {
		uf.union(l.i, l.j)
	}
	comps := make(map[int32][]int32)
	for _, l := range links {
		for _, x := range [2]int32{l.i, l.j} {
			r := uf.find(x)
			comps[r] = append(comps[r], x)
		}
	}
	compLinks := make(map[int32][]link)
	for _, l := range links {
		r := uf.find(l.i)
		compLinks[r] = append(compLinks[r], l)
	}
	roots := make([]int32, 0, len(comps))
	for r := range comps {
		roots = append(roots, r)
	}
	slices.Sort(roots)
	var out []groupOut
	for _, r := range roots {
		m := comps[r]
		slices.Sort(m)
		m = slices.Compact(m)
		switch {
		case len(m) == 2:
			l := compLinks[r][0]
			if !c.excluded(m[0], m[1]) {
				out = append(out, groupOut{members: m, score: float64(l.p)})
			}
		case len(m) <= maxAgglomerate:
			out = append(out, c.agglomerate(m)...)
		default:
			out = append(out, c.center(compLinks[r])...)
		}
	}
	return out
}

// agglomerate splits one component by constrained average linkage.
func (c *clusterer) agglomerate(m []int32) []groupOut {
	n := len(m)
	p := make([]float64, n*n)
	for a := 0; a < n; a++ {
		for b := a + 1; b < n; b++ {
			v := c.prob(m[a], m[b])
			if c.excluded(m[a], m[b]) {
				v = -1 // marks an excluded pair
			}
			p[a*n+b], p[b*n+a] = v, v
		}
	}
	// Group state: sum of cross-pair probabilities and exclusion between
	// groups, group sizes, and the members of each group.
	sum := make([]float64, n*n)
	ex := make([]bool, n*n)
	for i := range p {
		if p[i] < 0 {
			ex[i] = true
		} else {
			sum[i] = p[i]
		}
	}
	size := make([]int, n)
	groups := make([][]int, n)
	alive := make([]bool, n)
	for i := range size {
		size[i] = 1
		groups[i] = []int{i}
		alive[i] = true
	}
	for {
		ba, bb, best := -1, -1, -1.0
		for a := 0; a < n; a++ {
			if !alive[a] {
				continue
			}
			for b := a + 1; b < n; b++ {
				if !alive[b] || ex[a*n+b] {
					continue
				}
				avg := sum[a*n+b] / float64(size[a]*size[b])
				if avg > best {
					ba, bb, best = a, b, avg
				}
			}
		}
		if ba < 0 || best < c.threshold {
			break
		}
		// Merge bb into ba.
		alive[bb] = false
		size[ba] += size[bb]
		groups[ba] = append(groups[ba], groups[bb]...)
		for k := 0; k < n; k++ {
			if !alive[k] || k == ba {
				continue
			}
			sum[ba*n+k] += sum[bb*n+k]
			sum[k*n+ba] = sum[ba*n+k]
			ex[ba*n+k] = ex[ba*n+k] || ex[bb*n+k]
			ex[k*n+ba] = ex[ba*n+k]
		}
	}
	var out []groupOut
	for a := 0; a < n; a++ {
		if !alive[a] || size[a] < 2 {
			continue
		}
		g := groups[a]
		mem := make([]int32, len(g))
		total, pairs := 0.0, 0
		for x, i := range g {
			mem[x] = m[i]
			for _, j := range g[x+1:] {
				total += p[i*n+j]
				pairs++
			}
		}
		slices.Sort(mem)
		out = append(out, groupOut{members: mem, score: total / float64(pairs)})
	}
	return out
}

// center clusters a very large component with the CENTER rule over its links.
func (c *clusterer) center(links []link) []groupOut {
	slices.SortFunc(links, func(x, y link) int {
		if r := cmp.Compare(y.p, x.p); r != 0 {
			return r
		}
		if r := cmp.Compare(x.i, y.i); r != 0 {
			return r
		}
		return cmp.Compare(x.j, y.j)
	})
	centre := map[int32]int32{} // person -> centre of its cluster
	members := map[int32][]int32{}
	scores := map[int32][]float64{}
	join := func(x, ctr int32, p float32) {
		for _, o := range members[ctr] {
			if c.excluded(x, o) {
				return
			}
		}
		centre[x] = ctr
		members[ctr] = append(members[ctr], x)
		scores[ctr] = append(scores[ctr], float64(p))
	}
	for _, l := range links {
		ci, iok := centre[l.i]
		cj, jok := centre[l.j]
		switch {
		case !iok && !jok:
			if c.excluded(l.i, l.j) {
				continue
			}
			centre[l.i] = l.i
			members[l.i] = []int32{l.i}
			join(l.j, l.i, l.p)
		case iok && !jok && ci == l.i:
			join(l.j, l.i, l.p)
		case jok && !iok && cj == l.j:
			join(l.i, l.j, l.p)
		}
	}
	var out []groupOut
	for ctr, mem := range members {
		if len(mem) < 2 {
			continue
		}
		s := 0.0
		for _, v := range scores[ctr] {
			s += v
		}
		mem = slices.Clone(mem)
		slices.Sort(mem)
		out = append(out, groupOut{members: mem, score: s / float64(len(scores[ctr]))})
	}
	slices.SortFunc(out, func(a, b groupOut) int { return cmp.Compare(a.members[0], b.members[0]) })
	return out
}

type unionFind struct{ parent []int32 }

func newUnionFind(n int) *unionFind {
	p := make([]int32, n)
	for i := range p {
		p[i] = int32(i)
	}
	return &unionFind{p}
}

func (u *unionFind) find(x int32) int32 {
	for u.parent[x] != x {
		u.parent[x] = u.parent[u.parent[x]]
		x = u.parent[x]
	}
	return x
}

func (u *unionFind) union(a, b int32) {
	ra, rb := u.find(a), u.find(b)
	if ra == rb {
		return
	}
	if ra < rb {
		u.parent[rb] = ra
	} else {
		u.parent[ra] = rb
	}
}
