package match

import (
	"strings"
	"testing"
)

func TestKeysShared(t *testing.T) {
	pairs := [][2]Person{
		{{GivenNames: "John", FamilyName: "Smith", DOB: "1980-02-03"}, {GivenNames: "Jon", FamilyName: "Smyth", DOB: "1980-02-03"}},
		{{GivenNames: "Bob", FamilyName: "Smith", DOB: "1980"}, {GivenNames: "Robert", FamilyName: "Smith"}},
		{{GivenNames: "Daniella", FamilyName: "Shaw"}, {GivenNames: "Shaw", FamilyName: "Daniella"}},
		{{GivenNames: "Ann", FamilyName: "Jones", DOB: "1970-01-01"}, {GivenNames: "Ann", FamilyName: "Smith", DOB: "1970-01-01"}},
		{{Identifiers: []Identifier{{"pnc", "2001/12345A"}}}, {Identifiers: []Identifier{{IDPNC, "200112345A"}}}},
		{{Phones: []string{"+447700900123"}}, {Phones: []string{"07700 900123"}}},
	}
	for _, p := range pairs {
		if !shareKey(Keys(&p[0]), Keys(&p[1])) {
			t.Errorf("no shared key: %v / %v\n%v\n%v", p[0], p[1], Keys(&p[0]), Keys(&p[1]))
		}
	}
	long := Person{GivenNames: "John", FamilyName: "Smith", Emails: []string{strings.Repeat("x", 100) + "@example.com"},
		Identifiers: []Identifier{{IDOther, strings.Repeat("9", 80)}}}
	for _, p := range append([]Person{long}, pairs[0][0]) {
		for _, k := range Keys(&p) {
			if len(k) > maxKeyLen {
				t.Errorf("key %q too long for an index", k)
			}
		}
	}
	if !shareKey(Keys(&long), Keys(&long)) || shortenKey(strings.Repeat("a", 60)) == shortenKey(strings.Repeat("a", 59)+"b") {
		t.Error("shortened keys must stay distinct and stable")
	}
}

func TestKeyHashesMatchKeys(t *testing.T) {
	people, _ := GeneratePeople(300, 9)
	people = append(people, Person{GivenNames: "Al", FamilyName: "Long", Emails: []string{strings.Repeat("e", 90) + "@x.org"}})
	for i := range people {
		r := prepare(&people[i])
		want := map[uint64]bool{}
		for _, k := range keysOf(&r) {
			want[hashKey(k)] = true
		}
		got := map[uint64]bool{}
		for _, h := range keyHashes(&r, nil, "") {
			got[h] = true
		}
		if len(got) != len(want) {
			t.Fatalf("person %d: %d hashes, %d keys", i, len(got), len(want))
		}
		for h := range want {
			if !got[h] {
				t.Fatalf("person %d: key hash missing", i)
			}
		}
	}
}
