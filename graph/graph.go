// Package graph answers generic questions over Peel's links: multi-step traversals with per-step
// roles, directions, kinds, event types and time windows, and shortest paths between two records.
// It runs over a Source the stores satisfy; the Source only ever returns records the caller may
// see, so nothing restricted can leak through a traversal or a path. Hub records (a postcode
// shared by thousands, a call-centre number) are capped, not expanded.
package graph

import (
	"context"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/peel-rms/peel/pole"
)

// Edge is a live link.
type Edge struct {
	ID        string     `json:"id"`
	From      string     `json:"from"`
	To        string     `json:"to"`
	Role      string     `json:"role"`
	ValidFrom *time.Time `json:"valid_from"`
	ValidTo   *time.Time `json:"valid_to"`
}

// Other is the end of e that is not id.
func (e Edge) Other(id string) string {
	if e.From == id {
		return e.To
	}
	return e.From
}

// ValidAt reports whether the link holds at t (from inclusive, to exclusive).
func (e Edge) ValidAt(t time.Time) bool {
	return (e.ValidFrom == nil || !e.ValidFrom.After(t)) && (e.ValidTo == nil || e.ValidTo.After(t))
}

// Overlaps reports whether the link held at some time in the window.
func (e Edge) Overlaps(w pole.Window) bool {
	return (e.ValidFrom == nil || !e.ValidFrom.After(w.To)) && (e.ValidTo == nil || e.ValidTo.After(w.From))
}

// Node is a record as traversal sees it.
type Node struct {
	ID        string     `json:"id"`
	Kind      pole.Kind  `json:"kind"`
	EventType string     `json:"event_type,omitempty"`
	When      *time.Time `json:"when,omitempty"`
	Label     string     `json:"label"`
	Refs      []pole.Ref `json:"refs"`
}

// Source gives the graph: the live edges touching some records, and the records themselves. Both
// return only what the caller may see (an edge whose other end is hidden is not returned).
type Source interface {
	Edges(ctx context.Context, ids []string) (map[string][]Edge, error)
	Nodes(ctx context.Context, ids []string) (map[string]Node, error)
}

// Step is one hop of a traversal.
type Step struct {
	Roles      []string    `json:"roles,omitempty"`       // link roles to follow (any when empty)
	Direction  string      `json:"direction,omitempty"`   // out (from -> to), in, or both (default)
	Kinds      []pole.Kind `json:"kinds,omitempty"`       // kinds of record to reach (any when empty)
	EventTypes []string    `json:"event_types,omitempty"` // event types to reach (any when empty)
	// Within keeps links valid at some time in [as_of - within, as_of] and events that occurred in it.
	Within string `json:"within,omitempty"`
	// ValidAt keeps only links valid at as_of.
	ValidAt bool `json:"valid_at,omitempty"`
}

// Options bound a traversal.
type Options struct {
	AsOf time.Time
	// MaxDegree: a record with more matching links than this is reported as a hub and not expanded.
	MaxDegree int
	// Limit bounds the records returned.
	Limit int
}

// Hit is a record reached at a step, with the edge that reached it.
type Hit struct {
	Node Node   `json:"node"`
	Step int    `json:"step"`
	Via  Edge   `json:"via"`
	From string `json:"from"`
}

// Result is what a traversal reached.
type Result struct {
	Hits      []Hit    `json:"hits"`
	Hubs      []string `json:"hubs"`      // records not expanded because they have too many links
	Truncated bool     `json:"truncated"` // the limit cut the answer
}

// Validate checks a traversal's steps, naming the bad field.
func Validate(steps []Step) []pole.FieldError {
	var errs []pole.FieldError
	if len(steps) == 0 || len(steps) > 6 {
		errs = append(errs, pole.FieldError{Field: "steps", Message: "give 1 to 6 steps"})
	}
	for i, s := range steps {
		f := func(name string) string { return "steps[" + itoa(i) + "]." + name }
		switch s.Direction {
		case "", "out", "in", "both":
		default:
			errs = append(errs, pole.FieldError{Field: f("direction"), Message: "must be out, in or both"})
		}
		for _, k := range s.Kinds {
			if !k.Valid() {
				errs = append(errs, pole.FieldError{Field: f("kinds"), Message: string(k) + " is not a record kind"})
			}
		}
		if s.Within != "" {
			if _, err := pole.ParsePeriod(s.Within); err != nil {
				errs = append(errs, pole.FieldError{Field: f("within"), Message: err.Error()})
			}
		}
	}
	return errs
}

func itoa(i int) string { return strconv.Itoa(i) }

// Traverse follows the steps from start.
func Traverse(ctx context.Context, src Source, start string, steps []Step, opts Options) (*Result, error) {
	if opts.MaxDegree <= 0 {
		opts.MaxDegree = 200
	}
	if opts.Limit <= 0 {
		opts.Limit = 1000
	}
	res := &Result{Hits: []Hit{}, Hubs: []string{}}
	frontier := []string{start}
	seen := map[string]bool{start: true}
	hubs := map[string]bool{}
	for si, st := range steps {
		if len(frontier) == 0 {
			break
		}
		var win *pole.Window
		if st.Within != "" {
			p, _ := pole.ParsePeriod(st.Within)
			w := pole.WindowOf(p, opts.AsOf)
			win = &w
		}
		edges, err := src.Edges(ctx, frontier)
		if err != nil {
			return nil, err
		}
		type cand struct {
			from string
			e    Edge
		}
		var cands []cand
		var others []string
		for _, id := range frontier {
			var matched []Edge
			for _, e := range edges[id] {
				if !edgeMatches(e, id, st, opts.AsOf, win) {
					continue
				}
				matched = append(matched, e)
			}
			if len(matched) > opts.MaxDegree {
				hubs[id] = true
				continue
			}
			for _, e := range matched {
				cands = append(cands, cand{id, e})
				others = append(others, e.Other(id))
			}
		}
		nodes, err := src.Nodes(ctx, others)
		if err != nil {
			return nil, err
		}
		var next []string
		for _, c := range cands {
			o := c.e.Other(c.from)
			n, ok := nodes[o]
			if !ok || seen[o] || !nodeMatches(n, st, win) {
				continue
			}
			seen[o] = true
			if len(res.Hits) >= opts.Limit {
				res.Truncated = true
				break
			}
			res.Hits = append(res.Hits, Hit{Node: n, Step: si + 1, Via: c.e, From: c.from})
			next = append(next, o)
		}
		frontier = next
	}
	for h := range hubs {
		res.Hubs = append(res.Hubs, h)
	}
	sort.Strings(res.Hubs)
	return res, nil
}

func edgeMatches(e Edge, from string, st Step, asOf time.Time, win *pole.Window) bool {
	if len(st.Roles) > 0 && !slices.Contains(st.Roles, e.Role) {
		return false
	}
	switch st.Direction {
	case "out":
		if e.From != from {
			return false
		}
	case "in":
		if e.To != from {
			return false
		}
	}
	if st.ValidAt && !e.ValidAt(asOf) {
		return false
	}
	if win != nil && !e.Overlaps(*win) {
		return false
	}
	return true
}

func nodeMatches(n Node, st Step, win *pole.Window) bool {
	if len(st.Kinds) > 0 && !slices.Contains(st.Kinds, n.Kind) {
		return false
	}
	if len(st.EventTypes) > 0 && (n.Kind != pole.KindEvent || !slices.Contains(st.EventTypes, n.EventType)) {
		return false
	}
	if win != nil && n.Kind == pole.KindEvent && (n.When == nil || !win.Contains(*n.When)) {
		return false
	}
	return true
}

// PathOptions bound a shortest-path search.
type PathOptions struct {
	AsOf      time.Time
	Window    *pole.Window // keep links that held at some time in it, and events that occurred in it
	MaxHops   int
	MaxDegree int
	MaxPaths  int
}

// Path is a chain of edges from one record to another.
type Path struct {
	Nodes []string `json:"nodes"`
	Edges []Edge   `json:"edges"`
}

// ShortestPaths finds the shortest chains of links between from and to (up to MaxPaths of the
// same, shortest, length), searching breadth first from both ends at once.
func ShortestPaths(ctx context.Context, src Source, from, to string, opts PathOptions) ([]Path, []string, error) {
	if opts.MaxHops <= 0 || opts.MaxHops > 8 {
		opts.MaxHops = 4
	}
	if opts.MaxDegree <= 0 {
		opts.MaxDegree = 200
	}
	if opts.MaxPaths <= 0 {
		opts.MaxPaths = 10
	}
	if from == to {
		return []Path{{Nodes: []string{from}, Edges: []Edge{}}}, nil, nil
	}
	// parents[side][node] = edges by which node was first reached from that side's start.
	parents := [2]map[string][]Edge{{from: nil}, {to: nil}}
	depth := [2]map[string]int{{from: 0}, {to: 0}}
	frontier := [2][]string{{from}, {to}}
	hubs := map[string]bool{}
	var meets []string
	for hops := 0; hops < opts.MaxHops && len(meets) == 0; hops++ {
		// Expand the smaller frontier.
		side := 0
		if len(frontier[1]) < len(frontier[0]) {
			side = 1
		}
		if len(frontier[side]) == 0 {
			break
		}
		edges, err := src.Edges(ctx, frontier[side])
		if err != nil {
			return nil, nil, err
		}
		var others []string
		for _, id := range frontier[side] {
			for _, e := range edges[id] {
				others = append(others, e.Other(id))
			}
		}
		nodes, err := src.Nodes(ctx, others)
		if err != nil {
			return nil, nil, err
		}
		var next []string
		d := depth[side][frontier[side][0]] + 1
		for _, id := range frontier[side] {
			var matched []Edge
			for _, e := range edges[id] {
				if opts.Window != nil && !e.Overlaps(*opts.Window) {
					continue
				}
				n, ok := nodes[e.Other(id)]
				if !ok {
					continue
				}
				if opts.Window != nil && n.Kind == pole.KindEvent && (n.When == nil || !opts.Window.Contains(*n.When)) {
					continue
				}
				matched = append(matched, e)
			}
			if len(matched) > opts.MaxDegree && id != from && id != to {
				hubs[id] = true
				continue
			}
			for _, e := range matched {
				o := e.Other(id)
				if dd, ok := depth[side][o]; ok && dd < d {
					continue
				}
				if _, ok := depth[side][o]; !ok {
					depth[side][o] = d
					next = append(next, o)
				}
				parents[side][o] = append(parents[side][o], e)
				if _, ok := depth[1-side][o]; ok {
					meets = append(meets, o)
				}
			}
		}
		frontier[side] = uniqStrings(next)
	}
	var out []Path
	for _, m := range uniqStrings(meets) {
		for _, left := range chains(parents[0], m, from, opts.MaxPaths) {
			for _, right := range chains(parents[1], m, to, opts.MaxPaths) {
				if len(out) >= opts.MaxPaths {
					break
				}
				p := Path{Nodes: []string{from}}
				cur := from
				for i := len(left) - 1; i >= 0; i-- {
					cur = left[i].Other(cur)
					p.Nodes = append(p.Nodes, cur)
					p.Edges = append(p.Edges, left[i])
				}
				for _, e := range right {
					cur = e.Other(cur)
					p.Nodes = append(p.Nodes, cur)
					p.Edges = append(p.Edges, e)
				}
				out = append(out, p)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].Edges) < len(out[j].Edges) })
	if len(out) > 0 {
		shortest := len(out[0].Edges)
		k := 0
		for _, p := range out {
			if len(p.Edges) == shortest {
				out[k] = p
				k++
			}
		}
		out = out[:k]
	}
	var hubList []string
	for h := range hubs {
		hubList = append(hubList, h)
	}
	sort.Strings(hubList)
	return out, hubList, nil
}

// chains lists the edge chains from node back to root along parents (node first).
func chains(parents map[string][]Edge, node, root string, limit int) [][]Edge {
	if node == root {
		return [][]Edge{nil}
	}
	var out [][]Edge
	for _, e := range parents[node] {
		for _, rest := range chains(parents, e.Other(node), root, limit) {
			if len(out) >= limit {
				return out
			}
			out = append(out, append([]Edge{e}, rest...))
		}
	}
	return out
}

func uniqStrings(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}
