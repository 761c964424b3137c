package match

import (
	"slices"
	"testing"
)

// TestPopulationBlockingMatchesDirect checks that blockings built from a population's cached key
// hashes are the blockings built by hashing every person's keys again, for every training group
// of rules and for all rules at once, and that the all-rules one is built only once.
func TestPopulationBlockingMatchesDirect(t *testing.T) {
	people, _ := GeneratePeople(3000, 5)
	pop := NewPopulation(people, 2)
	ruleSets := []string{""}
	for _, g := range trainGroups {
		ruleSets = append(ruleSets, g.rules)
	}
	for _, rules := range ruleSets {
		for _, lim := range [][2]int{{DefaultMaxBlock, DefaultWindow}, {8, 0}} {
			want := buildBlocking(pop.ps, 2, lim[0], lim[1], rules)
			got := pop.blocking(2, lim[0], lim[1], rules)
			if !slices.Equal(got.members, want.members) || !slices.Equal(got.start, want.start) ||
				!slices.Equal(got.windowed, want.windowed) || !slices.Equal(got.refs, want.refs) || !slices.Equal(got.refStart, want.refStart) {
				t.Errorf("rules %q, limits %v: the blocking from cached keys differs (%d blocks, want %d)", rules, lim, len(got.start), len(want.start))
			}
			if len(want.start) < 2 {
				t.Errorf("rules %q, limits %v: no blocks at all", rules, lim)
			}
		}
	}
	if a, b := pop.blocking(2, DefaultMaxBlock, DefaultWindow, ""), pop.blocking(2, DefaultMaxBlock, DefaultWindow, ""); a != b {
		t.Error("the all-rules blocking was built twice")
	}
	// The cache holds exactly the keys keyHashes gives.
	for i := range pop.ps {
		want := keyHashes(&pop.ps[i], nil, "")
		got := pop.keys.h[pop.keys.start[i]:pop.keys.start[i+1]]
		if !slices.Equal(got, want) {
			t.Fatalf("person %d: cached keys %v, want %v", i, got, want)
		}
	}
}
