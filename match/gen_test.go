package match

import (
	"slices"
	"strconv"
	"testing"
)

func TestGeneratePeopleDeterministic(t *testing.T) {
	a, ta := GeneratePeople(2000, 7)
	b, tb := GeneratePeople(2000, 7)
	if len(a) != 2000 || len(ta) != 2000 {
		t.Fatalf("got %d people, %d truth", len(a), len(ta))
	}
	if !slices.Equal(ta, tb) {
		t.Fatal("truth differs between runs with one seed")
	}
	for i := range a {
		if a[i].ID != b[i].ID || a[i].GivenNames != b[i].GivenNames || a[i].DOB != b[i].DOB {
			t.Fatalf("record %d differs between runs with one seed", i)
		}
	}
	ids := map[string]bool{}
	for _, p := range a {
		if ids[p.ID] {
			t.Fatalf("duplicate ID %s", p.ID)
		}
		ids[p.ID] = true
	}
}

func TestAccuracyGenerated(t *testing.T) {
	people, ent := GeneratePeople(20000, 42)
	truth := map[string]string{}
	for i, p := range people {
		truth[p.ID] = strconv.Itoa(ent[i])
	}
	m := runDataset(t, "generated/uk-20k", people, truth)
	checkFloor(t, m, 0.985, 0.99) // measured 0.9950, completeness 0.9967
}
