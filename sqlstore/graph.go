package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/peel-rms/peel/audit"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/graph"
	"github.com/peel-rms/peel/pole"
)

// graphSource is the store seen as a graph by one principal: only live records it may see, and
// only links whose both ends it may see.
type graphSource struct {
	s *Store
	q querier
	p *auth.Principal
	// visible caches the visibility of records met so far in one traversal.
	visible map[string]bool
}

func (s *Store) graphFor(p *auth.Principal) *graphSource {
	return &graphSource{s: s, q: &reader{s: s, db: s.r}, p: p, visible: map[string]bool{}}
}

// Edges returns the live links touching ids whose other end is visible.
func (g *graphSource) Edges(ctx context.Context, ids []string) (map[string][]graph.Edge, error) {
	out := map[string][]graph.Edge{}
	var others []string
	var all []graph.Edge
	ids = uniq(ids)
	for len(ids) > 0 {
		n := min(len(ids), 400)
		args := make([]any, 0, 2*n)
		for _, id := range ids[:n] {
			args = append(args, id)
		}
		for _, id := range ids[:n] {
			args = append(args, id)
		}
		ids = ids[n:]
		rows, err := g.q.query(ctx, `SELECT id, from_id, to_id, role, valid_from, valid_to FROM links WHERE from_id IN (`+inList(n)+`) AND deleted = 0
			UNION ALL SELECT id, from_id, to_id, role, valid_from, valid_to FROM links WHERE to_id IN (`+inList(n)+`) AND deleted = 0`, args...)
		if err != nil {
			return nil, fmt.Errorf("graph edges: %w", err)
		}
		for rows.Next() {
			var e graph.Edge
			var vf, vt sql.NullInt64
			if err := rows.Scan(&e.ID, &e.From, &e.To, &e.Role, &vf, &vt); err != nil {
				rows.Close()
				return nil, err
			}
			if vf.Valid {
				t := fromMicros(vf.Int64)
				e.ValidFrom = &t
			}
			if vt.Valid {
				t := fromMicros(vt.Int64)
				e.ValidTo = &t
			}
			all = append(all, e)
			others = append(others, e.From, e.To)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	if err := g.check(ctx, others); err != nil {
		return nil, err
	}
	for _, e := range all {
		if !g.visible[e.From] || !g.visible[e.To] {
			continue
		}
		out[e.From] = append(out[e.From], e)
		if e.To != e.From {
			out[e.To] = append(out[e.To], e)
		}
	}
	return out, nil
}

// check learns the visibility of ids not met before, reading only the access columns.
func (g *graphSource) check(ctx context.Context, ids []string) error {
	var ask []string
	for _, id := range uniq(ids) {
		if _, ok := g.visible[id]; !ok {
			ask = append(ask, id)
		}
	}
	for len(ask) > 0 {
		n := min(len(ask), 500)
		args := make([]any, n)
		for i, id := range ask[:n] {
			args[i] = id
			g.visible[id] = false
		}
		ask = ask[n:]
		rows, err := g.q.query(ctx, `SELECT id, access, deleted, merged_into FROM records WHERE id IN (`+inList(n)+`)`, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id string
			var access, merged sql.NullString
			var deleted int
			if err := rows.Scan(&id, &access, &deleted, &merged); err != nil {
				rows.Close()
				return err
			}
			g.visible[id] = deleted == 0 && merged.String == "" && canSeeRaw(g.p, access.String)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// Nodes returns the visible records among ids.
func (g *graphSource) Nodes(ctx context.Context, ids []string) (map[string]graph.Node, error) {
	if err := g.check(ctx, ids); err != nil {
		return nil, err
	}
	var want []string
	for _, id := range uniq(ids) {
		if g.visible[id] {
			want = append(want, id)
		}
	}
	recs, err := loadRecords(ctx, g.q, g.s.dialect.MaxParams, want)
	if err != nil {
		return nil, err
	}
	out := make(map[string]graph.Node, len(recs))
	for id, r := range recs {
		out[id] = node(r)
	}
	return out, nil
}

func node(r *pole.Record) graph.Node {
	n := graph.Node{ID: r.ID, Kind: r.Kind, Label: r.Label(), Refs: r.Refs}
	if n.Refs == nil {
		n.Refs = []pole.Ref{}
	}
	if ev, ok := r.Body.(*pole.Event); ok {
		n.EventType = ev.Type
		if w := ev.When(); w != nil {
			t := w.T
			n.When = &t
		}
	}
	return n
}

// Traverse follows steps from a record the principal may see; every record reached is audited as
// consulted.
func (s *Store) Traverse(ctx context.Context, p *auth.Principal, start string, steps []graph.Step, opts graph.Options) (*graph.Node, *graph.Result, error) {
	if err := p.Require(auth.PermRead); err != nil {
		return nil, nil, err
	}
	if errs := graph.Validate(steps); len(errs) > 0 {
		return nil, nil, pole.Invalid("bad traversal", errs...)
	}
	g := s.graphFor(p)
	r, err := s.visible(ctx, g.q, p, start)
	if err != nil {
		return nil, nil, err
	}
	res, err := graph.Traverse(ctx, g, start, steps, opts)
	if err != nil {
		return nil, nil, err
	}
	ids := []string{start}
	for _, h := range res.Hits {
		ids = append(ids, h.Node.ID)
	}
	if err := s.Consult(ctx, p, audit.ActionQuery, ids, fmt.Sprintf("traverse from %s, %d steps", start, len(steps))); err != nil {
		return nil, nil, err
	}
	n := node(r)
	return &n, res, nil
}

// Paths finds the shortest chains of links between two records the principal may see, through
// records it may see.
func (s *Store) Paths(ctx context.Context, p *auth.Principal, from, to string, opts graph.PathOptions) ([]graph.Path, map[string]graph.Node, []string, error) {
	if err := p.Require(auth.PermRead); err != nil {
		return nil, nil, nil, err
	}
	g := s.graphFor(p)
	for _, id := range []string{from, to} {
		if _, err := s.visible(ctx, g.q, p, id); err != nil {
			return nil, nil, nil, err
		}
	}
	paths, hubs, err := graph.ShortestPaths(ctx, g, from, to, opts)
	if err != nil {
		return nil, nil, nil, err
	}
	var ids []string
	for _, pa := range paths {
		ids = append(ids, pa.Nodes...)
	}
	ids = append(ids, from, to)
	nodes, err := g.Nodes(ctx, ids)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := s.Consult(ctx, p, audit.ActionQuery, uniq(ids), "paths "+from+" to "+to); err != nil {
		return nil, nil, nil, err
	}
	return paths, nodes, hubs, nil
}
