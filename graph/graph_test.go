package graph

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/peel-rms/peel/pole"
)

// memSource is an in-memory graph for tests; hidden records are not returned, like a store does
// for a caller who may not see them.
type memSource struct {
	nodes  map[string]Node
	edges  []Edge
	hidden map[string]bool
}

func (m *memSource) Edges(_ context.Context, ids []string) (map[string][]Edge, error) {
	out := map[string][]Edge{}
	for _, id := range ids {
		for _, e := range m.edges {
			if (e.From == id || e.To == id) && !m.hidden[e.Other(id)] {
				out[id] = append(out[id], e)
			}
		}
	}
	return out, nil
}

func (m *memSource) Nodes(_ context.Context, ids []string) (map[string]Node, error) {
	out := map[string]Node{}
	for _, id := range ids {
		if n, ok := m.nodes[id]; ok && !m.hidden[id] {
			out[id] = n
		}
	}
	return out, nil
}

func day(s string) *time.Time {
	t, _ := time.Parse(time.DateOnly, s)
	return &t
}

func testGraph() *memSource {
	m := &memSource{nodes: map[string]Node{}, hidden: map[string]bool{}}
	add := func(id string, k pole.Kind, et string, when *time.Time) {
		m.nodes[id] = Node{ID: id, Kind: k, EventType: et, When: when}
	}
	add("P", pole.KindPerson, "", nil)
	add("Q", pole.KindPerson, "", nil)
	add("L1", pole.KindLocation, "", nil)
	add("L2", pole.KindLocation, "", nil)
	add("E1", pole.KindEvent, "intelligence", day("2026-11-20"))
	add("E2", pole.KindEvent, "incident", day("2026-11-21"))
	add("E3", pole.KindEvent, "intelligence", day("2025-01-01"))
	add("V", pole.KindVehicle, "", nil)
	link := func(id, from, to, role string, vf, vt *time.Time) {
		m.edges = append(m.edges, Edge{ID: id, From: from, To: to, Role: role, ValidFrom: vf, ValidTo: vt})
	}
	link("k1", "P", "L1", "resides_at", day("2026-01-01"), nil)
	link("k2", "P", "L2", "previously_resided_at", day("2020-01-01"), day("2025-06-01"))
	link("k3", "E1", "L1", "occurred_at", nil, nil)
	link("k4", "E2", "L1", "occurred_at", nil, nil)
	link("k5", "E3", "L2", "occurred_at", nil, nil)
	link("k6", "Q", "V", "keeper_of", nil, nil)
	link("k7", "E1", "V", "involves", nil, nil)
	return m
}

func TestTraverse(t *testing.T) {
	m := testGraph()
	asOf := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	steps := []Step{
		{Roles: []string{"resides_at", "previously_resided_at"}, Direction: "out", ValidAt: true},
		{Roles: []string{"occurred_at"}, Direction: "in", EventTypes: []string{"intelligence"}, Within: "P28D"},
		{Roles: []string{"involves"}, Kinds: []pole.Kind{pole.KindVehicle}},
		{Roles: []string{"keeper_of"}, Direction: "in"},
	}
	res, err := Traverse(context.Background(), m, "P", steps, Options{AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range res.Hits {
		got = append(got, fmt.Sprintf("%d:%s", h.Step, h.Node.ID))
	}
	if !slices.Equal(got, []string{"1:L1", "2:E1", "3:V", "4:Q"}) {
		t.Fatalf("hits %v", got)
	}
	// A hidden record stops the walk and is never returned.
	m.hidden["V"] = true
	res, _ = Traverse(context.Background(), m, "P", steps, Options{AsOf: asOf})
	for _, h := range res.Hits {
		if h.Node.ID == "V" || h.Node.ID == "Q" {
			t.Fatalf("reached %s through a hidden record", h.Node.ID)
		}
	}
	// A hub is not expanded.
	m.hidden = map[string]bool{}
	res, _ = Traverse(context.Background(), m, "L1", []Step{{Direction: "in"}}, Options{AsOf: asOf, MaxDegree: 2})
	if len(res.Hits) != 0 || !slices.Equal(res.Hubs, []string{"L1"}) {
		t.Errorf("hub not capped: %+v", res)
	}
	if errs := Validate([]Step{{Direction: "sideways", Kinds: []pole.Kind{"ghost"}, Within: "soon"}}); len(errs) != 3 {
		t.Errorf("validation: %+v", errs)
	}
}

func TestShortestPaths(t *testing.T) {
	m := testGraph()
	ctx := context.Background()
	paths, _, err := ShortestPaths(ctx, m, "P", "Q", PathOptions{MaxHops: 6})
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 1 || !slices.Equal(paths[0].Nodes, []string{"P", "L1", "E1", "V", "Q"}) {
		t.Fatalf("paths %+v", paths)
	}
	if paths, _, _ := ShortestPaths(ctx, m, "P", "Q", PathOptions{MaxHops: 3}); len(paths) != 0 {
		t.Errorf("found a path longer than max hops: %+v", paths)
	}
	w := pole.Window{From: *day("2026-12-01"), To: *day("2026-12-31")}
	if paths, _, _ := ShortestPaths(ctx, m, "P", "Q", PathOptions{MaxHops: 6, Window: &w}); len(paths) != 0 {
		t.Errorf("the window excludes E1: %+v", paths)
	}
	m.hidden["E1"] = true
	if paths, _, _ := ShortestPaths(ctx, m, "P", "Q", PathOptions{MaxHops: 6}); len(paths) != 0 {
		t.Errorf("a path through a hidden record: %+v", paths)
	}
	// Two equally short paths are both found.
	m.hidden = map[string]bool{}
	m.edges = append(m.edges, Edge{ID: "k8", From: "E2", To: "V", Role: "involves"})
	paths, _, _ = ShortestPaths(ctx, m, "P", "Q", PathOptions{MaxHops: 6})
	if len(paths) != 2 {
		t.Errorf("want both shortest paths, got %+v", paths)
	}
}
