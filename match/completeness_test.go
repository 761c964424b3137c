package match

import "testing"

func TestPairCompleteness(t *testing.T) {
	people := []Person{
		{ID: "a1", GivenNames: "Robert", FamilyName: "Hartley", DOB: "1980-02-03"},
		{ID: "a2", GivenNames: "Robert", FamilyName: "Hartley", DOB: "1980-02-03"},
		{ID: "b1", GivenNames: "Siobhan", FamilyName: "Okonkwo", DOB: "1975-11-30"},
		{ID: "b2", GivenNames: "Xavier", FamilyName: "Lindqvist", DOB: "2001-06-14"},
		{ID: "c1", GivenNames: "Amira", FamilyName: "Patel", DOB: "1990-01-01"},
	}
	// a1~a2 share every key; b1~b2 share nothing (the same person under two unrelated
	// records); c1 is alone and adds no pair.
	if got := PairCompleteness(people, []int{1, 1, 2, 2, 3}); got != 0.5 {
		t.Errorf("completeness %v, want 0.5", got)
	}
	if got := PairCompleteness(people, []int{1, 2, 3, 4, 5}); got != 1 {
		t.Errorf("with no true pairs: %v, want 1", got)
	}
}
