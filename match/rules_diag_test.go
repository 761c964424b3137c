package match

import (
	"fmt"
	"os"
	"strconv"
	"testing"
)

// TestDiagnoseRules prints, per blocking rule, the candidate pairs it makes
// and the true pairs only it finds (PEEL_DIAG_RULES=n, n people generated).
func TestDiagnoseRules(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("PEEL_DIAG_RULES"))
	if n == 0 {
		t.Skip("set PEEL_DIAG_RULES to a population size")
	}
	people, truth := GeneratePeople(n, 1)
	ps := prepareAll(people, 2)
	byEnt := map[int][]int32{}
	for i, e := range truth {
		byEnt[e] = append(byEnt[e], int32(i))
	}
	type pair [2]int32
	truePairs := map[pair]bool{}
	for _, g := range byEnt {
		for a := range g {
			for b := a + 1; b < len(g); b++ {
				truePairs[pair{g[a], g[b]}] = true
			}
		}
	}
	found := map[pair]string{}
	for _, rule := range "nygdbahsite" {
		bl := buildBlocking(ps, 2, DefaultMaxBlock, DefaultWindow, string(rule))
		cnt := make([]int, 2)
		hits := map[pair]bool{}
		var mu = make(chan struct{}, 1)
		bl.forEachPair(len(ps), 2, func(w int, i, j int32) {
			cnt[w]++
			if truePairs[pair{i, j}] {
				mu <- struct{}{}
				hits[pair{i, j}] = true
				<-mu
			}
		})
		for p := range hits {
			found[p] += string(rule)
		}
		fmt.Printf("rule %c: pairs=%d per-person=%.2f truehits=%d\n", rule, cnt[0]+cnt[1], float64(cnt[0]+cnt[1])/float64(n), len(hits))
	}
	only := map[rune]int{}
	for p := range truePairs {
		r := found[p]
		if len(r) == 1 {
			only[rune(r[0])]++
		}
	}
	miss := 0
	for p := range truePairs {
		if found[p] == "" {
			miss++
		}
	}
	fmt.Printf("true pairs %d, missed %d, found only by: %v\n", len(truePairs), miss, only)
}
