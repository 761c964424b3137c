package match

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// TestThresholdSweep prints F1 at several thresholds (PEEL_SWEEP=1). It is a
// tool for choosing the one default threshold, not a test of behaviour.
func TestThresholdSweep(t *testing.T) {
	if os.Getenv("PEEL_SWEEP") == "" {
		t.Skip("set PEEL_SWEEP=1 to print F1 by threshold")
	}
	dir := dataDir(t)
	type set struct {
		name   string
		people []Person
		truth  map[string]string
	}
	var sets []set
	p, tr := loadFEBRL(t, filepath.Join(dir, "febrl", "dataset1.csv"))
	sets = append(sets, set{"febrl1", p, tr})
	p, tr = loadFEBRL(t, filepath.Join(dir, "febrl", "dataset2.csv"))
	sets = append(sets, set{"febrl2", p, tr})
	p, tr = loadSplink(t, filepath.Join(dir, "splink", "fake_1000.csv"))
	sets = append(sets, set{"splink", p, tr})
	p, tr = loadSenzing(t, filepath.Join(dir, "senzing"))
	sets = append(sets, set{"senzing", p, tr})
	gp, ent := GeneratePeople(20000, 42)
	gt := map[string]string{}
	for i, q := range gp {
		gt[q.ID] = strconv.Itoa(ent[i])
	}
	sets = append(sets, set{"gen20k", gp, gt})
	for _, s := range sets {
		model, err := Train(s.people, TrainOptions{})
		if err != nil {
			t.Fatal(err)
		}
		sc := NewScorer(model, CountFrequencies(s.people))
		line := s.name
		for _, th := range []float64{0.5, 0.7, 0.8, 0.9, 0.95, 0.99} {
			cl, _ := Dedupe(s.people, sc, DedupeOptions{Threshold: th})
			m := measure(s.people, s.truth, cl)
			line += fmt.Sprintf("  %.2f:F1=%.4f(P%.3f R%.3f)", th, m.f1, m.precision, m.recall)
		}
		fmt.Println(line)
	}
}
