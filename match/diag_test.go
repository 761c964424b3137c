package match

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// Diagnostics for tuning, off unless asked for:
//
//	PEEL_DIAG=febrl2|splink|senzing|gen  the data set
//	PEEL_DIAG_KEYS=1   true pairs sharing no blocking key
//	PEEL_DIAG_MISS=1   true pairs not clustered, with their reasons
//	PEEL_DIAG_FP=1     wrongly clustered pairs, with their reasons
//	PEEL_DIAG_MODEL=1  the trained model as JSON
//
//	PEEL_DIAG=febrl2 PEEL_DIAG_MISS=1 go test -run Diagnose -v ./match
func TestDiagnose(t *testing.T) {
	which := os.Getenv("PEEL_DIAG")
	if which == "" {
		t.Skip("set PEEL_DIAG to a data set to print diagnostics")
	}
	var people []Person
	var truth map[string]string
	switch which {
	case "splink":
		people, truth = loadSplink(t, filepath.Join(dataDir(t), "splink", "fake_1000.csv"))
	case "senzing":
		people, truth = loadSenzing(t, filepath.Join(dataDir(t), "senzing"))
	case "gen":
		var ent []int
		n := 20000
		if v, err := strconv.Atoi(os.Getenv("PEEL_DIAG_N")); err == nil {
			n = v
		}
		people, ent = GeneratePeople(n, 42)
		truth = map[string]string{}
		for i, p := range people {
			truth[p.ID] = strconv.Itoa(ent[i])
		}
	case "febrl2":
		people, truth = loadFEBRL(t, filepath.Join(dataDir(t), "febrl", "dataset2.csv"))
	}
	byID := map[string]*Person{}
	keys := map[string][]string{}
	for i := range people {
		byID[people[i].ID] = &people[i]
		keys[people[i].ID] = Keys(&people[i])
	}
	model, _ := Train(people, TrainOptions{})
	js, _ := model.MarshalIndent()
	if os.Getenv("PEEL_DIAG_MODEL") != "" {
		fmt.Println(string(js))
	}
	s := NewScorer(model, CountFrequencies(people))
	clusters, _ := Dedupe(people, s, DedupeOptions{})
	pred := map[string]int{}
	for i, c := range clusters {
		for _, m := range c.Members {
			pred[m] = i + 1
		}
	}
	groups := map[string][]string{}
	for _, p := range people {
		groups[truth[p.ID]] = append(groups[truth[p.ID]], p.ID)
	}
	show := func(p *Person) string {
		return fmt.Sprintf("%s|%s|%s|%s|%v|%v|%v|%v", p.ID, p.GivenNames, p.FamilyName, p.DOB, p.Addresses, p.Phones, p.Emails, p.Identifiers)
	}
	nk, nmiss := 0, 0
	for _, g := range groups {
		for i := range g {
			for j := i + 1; j < len(g); j++ {
				a, b := byID[g[i]], byID[g[j]]
				share := shareKey(keys[a.ID], keys[b.ID])
				same := pred[a.ID] != 0 && pred[a.ID] == pred[b.ID]
				if !share && nk < 40 && os.Getenv("PEEL_DIAG_KEYS") != "" {
					nk++
					fmt.Println("NOKEY", show(a), "\n      ", show(b))
				}
				if !same && nmiss < 40 && os.Getenv("PEEL_DIAG_MISS") != "" {
					nmiss++
					r := s.Compare(a, b)
					fmt.Printf("MISS p=%.3f score=%.1f share=%v\n  %s\n  %s\n  %v\n", r.Probability, r.Score, share, show(a), show(b), r.Reasons)
				}
			}
		}
	}
	if os.Getenv("PEEL_DIAG_FP") != "" {
		n := 0
		for _, c := range clusters {
			for i := range c.Members {
				for j := i + 1; j < len(c.Members); j++ {
					a, b := byID[c.Members[i]], byID[c.Members[j]]
					if truth[a.ID] != truth[b.ID] && n < 40 {
						n++
						r := s.Compare(a, b)
						fmt.Printf("FP p=%.3f score=%.1f\n  %s\n  %s\n  %v\n", r.Probability, r.Score, show(a), show(b), r.Reasons)
					}
				}
			}
		}
	}
}

// TestDiagnoseDefaultModel prints accuracy with the untrained DefaultModel
// (PEEL_DIAG_DEFAULT=1).
func TestDiagnoseDefaultModel(t *testing.T) {
	if os.Getenv("PEEL_DIAG_DEFAULT") == "" {
		t.Skip("set PEEL_DIAG_DEFAULT=1 to print accuracy of the default model")
	}
	for _, set := range []string{"senzing", "splink", "febrl1", "febrl2"} {
		var people []Person
		var truth map[string]string
		switch set {
		case "splink":
			people, truth = loadSplink(t, filepath.Join(dataDir(t), "splink", "fake_1000.csv"))
		case "senzing":
			people, truth = loadSenzing(t, filepath.Join(dataDir(t), "senzing"))
		case "febrl1":
			people, truth = loadFEBRL(t, filepath.Join(dataDir(t), "febrl", "dataset1.csv"))
		case "gen":
			var ent []int
			n := 20000
			if v, err := strconv.Atoi(os.Getenv("PEEL_DIAG_N")); err == nil {
				n = v
			}
			people, ent = GeneratePeople(n, 42)
			truth = map[string]string{}
			for i, p := range people {
				truth[p.ID] = strconv.Itoa(ent[i])
			}
		case "febrl2":
			people, truth = loadFEBRL(t, filepath.Join(dataDir(t), "febrl", "dataset2.csv"))
		}
		s := NewScorer(DefaultModel(), CountFrequencies(people))
		clusters, _ := Dedupe(people, s, DedupeOptions{})
		r := measure(people, truth, clusters)
		fmt.Printf("%s default: P=%.4f R=%.4f F1=%.4f B3=%.4f\n", set, r.precision, r.recall, r.f1, r.bcubedF1)
	}
}
