package match

import (
	"math"
	"strings"
	"testing"
)

// personFromFuzz builds a person from fuzz strings; fields are separated by
// '|' so that one input exercises many fields, including empty ones.
func personFromFuzz(id, names, dob, rest string) Person {
	n := strings.Split(names, "|")
	r := strings.Split(rest, "|")
	get := func(s []string, i int) string {
		if i < len(s) {
			return s[i]
		}
		return ""
	}
	p := Person{ID: id, GivenNames: get(n, 0), FamilyName: get(n, 1), DOB: dob, Gender: get(r, 0)}
	if a := get(n, 2); a != "" {
		p.Aliases = []Name{{GivenNames: a, FamilyName: get(n, 3)}}
	}
	if len(r) > 1 {
		p.Addresses = []Address{{Lines: []string{get(r, 1), get(r, 2)}, Town: get(r, 3), Postcode: get(r, 4)}}
	}
	if v := get(r, 5); v != "" {
		p.Phones = []string{v}
	}
	if v := get(r, 6); v != "" {
		p.Emails = []string{v}
	}
	if v := get(r, 7); v != "" {
		p.Identifiers = []Identifier{{Type: get(r, 8), Value: v}}
	}
	return p
}

var fuzzSeeds = [][6]string{
	{"John|Smith", "1980-02-03", "M|12 High St||Leeds|LS1 4AB|07700 900123|j@x.com|AB123456C|ni_number", "Jon|Smyth", "1980-03-02", "M|12 High Street||Leeds|LS14AB|+447700900123|j@x.com|AB123456C|ni"},
	{"", "", "", "", "", ""},
	{"Siobhán|O'Brien", "19801332", "F", "Siobhan|OBrien", "1980-13-45", "F"},
	{"王杰|", "1993-09-14", "", "Wang|Jie", "1993", ""},
	{"ВАСИЛЬЕВ|Александр", "1980-02", "X", "Aleksandr|Vasiliev", "1980-02-01", ""},
	{strings.Repeat("a", 300) + "|" + strings.Repeat("b", 300), strings.Repeat("9", 100), strings.Repeat("|x", 50), "a|b", "x", "|||||||"},
	{"\xff\xfe|\x00", "\x00", "\xff|\xff|\xff|\xff|\xff|\xff|\xff|\xff|\xff", "J|", "1980-02-30", "|1|2|3|4"},
	{"Mohammed|Khan|Muhammad|Khan", "1970", "M", "Mohd|Khan", "1970-01-01", "M"},
}

func FuzzCompare(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s[0], s[1], s[2], s[3], s[4], s[5])
	}
	sc := NewScorer(DefaultModel(), nil)
	f.Fuzz(func(t *testing.T, n1, d1, r1, n2, d2, r2 string) {
		a := personFromFuzz("a", n1, d1, r1)
		b := personFromFuzz("b", n2, d2, r2)
		res := sc.Compare(&a, &b)
		if math.IsNaN(res.Score) || math.IsInf(res.Score, 0) || res.Probability < 0 || res.Probability > 1 || math.IsNaN(res.Probability) {
			t.Fatalf("bad result %+v", res)
		}
		sum := 0.0
		for _, r := range res.Reasons {
			sum += r.Weight
		}
		if math.Abs(sum-res.Score) > 0.01 {
			t.Fatalf("reasons add up to %v, score %v", sum, res.Score)
		}
		self := sc.Compare(&a, &a)
		if math.IsNaN(self.Score) {
			t.Fatal("NaN comparing a person with itself")
		}
	})
}

func FuzzKeys(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s[0], s[1], s[2])
		f.Add(s[3], s[4], s[5])
	}
	f.Fuzz(func(t *testing.T, names, dob, rest string) {
		p := personFromFuzz("p", names, dob, rest)
		keys := Keys(&p)
		for i, k := range keys {
			if k == "" {
				t.Fatal("empty key")
			}
			if i > 0 && keys[i-1] >= k {
				t.Fatalf("keys not sorted and unique: %q", keys)
			}
		}
		// The same person always shares its keys with itself.
		again := Keys(&p)
		if len(again) != len(keys) {
			t.Fatal("keys not deterministic")
		}
		// Dedupe never drops or duplicates a record.
		people := []Person{p, p, personFromFuzz("q", names, dob, "")}
		people[1].ID = "p2"
		cl, st := Dedupe(people, nil, DedupeOptions{Workers: 1})
		if st.People != 3 {
			t.Fatalf("stats say %d people", st.People)
		}
		seen := map[string]bool{}
		for _, c := range cl {
			if len(c.Members) < 2 {
				t.Fatalf("cluster with %d members", len(c.Members))
			}
			for _, m := range c.Members {
				if seen[m] {
					t.Fatalf("%s in two clusters", m)
				}
				seen[m] = true
			}
		}
	})
}
