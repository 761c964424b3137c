package match

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"

	edlib "github.com/hbollon/go-edlib"
)

func reasonOf(r Result, field string) Reason {
	for _, x := range r.Reasons {
		if x.Field == field {
			return x
		}
	}
	return Reason{Field: field, Comparison: "absent"}
}

func TestNormaliseName(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Siobhán", "siobhan"},
		{"O'Brien", "obrien"},
		{"O’Brien", "obrien"},
		{"Smith-Jones", "smith jones"},
		{"  Mr  John   SMITH Jr. ", "john smith"},
		{"Müller", "muller"},
		{"Łukasz Øster", "lukasz oster"},
		{"Александр", "aleksandr"},
		{"王杰", "王杰"},
		{"", ""},
		{"Mr", "mr"},
	}
	for _, c := range cases {
		if got := NormaliseName(c.in); got != c.want {
			t.Errorf("NormaliseName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestParseDOB(t *testing.T) {
	cases := []struct {
		in      string
		y, m, d int
		ok      bool
	}{
		{"1980-02-03", 1980, 2, 3, true},
		{"1980-02", 1980, 2, 0, true},
		{"1980", 1980, 0, 0, true},
		{"19800203", 1980, 2, 3, true},
		{"1980/2/3", 1980, 2, 3, true},
		{"19801332", 0, 0, 0, false},
		{"1980-13-45", 0, 0, 0, false},
		{"1981-02-29", 0, 0, 0, false},
		{"1980-02-29", 1980, 2, 29, true},
		{"unknown", 0, 0, 0, false},
		{"", 0, 0, 0, false},
	}
	for _, c := range cases {
		y, m, d, ok := ParseDOB(c.in)
		if y != c.y || m != c.m || d != c.d || ok != c.ok {
			t.Errorf("ParseDOB(%q) = %d,%d,%d,%v want %d,%d,%d,%v", c.in, y, m, d, ok, c.y, c.m, c.d, c.ok)
		}
	}
}

func TestNormalisers(t *testing.T) {
	if g := NormalisePostcode("sw1a 1aa"); g != "SW1A1AA" {
		t.Errorf("postcode %q", g)
	}
	if g := NormalisePhone("+44 (0)7700-900123"); g != "4407700900123" {
		t.Errorf("phone %q", g)
	}
	if phoneKey(NormalisePhone("+44 7700 900123")) != phoneKey(NormalisePhone("07700 900123")) {
		t.Error("UK mobile in international and national form should agree")
	}
	if g := NormaliseEmail(`"Jay Jones" <JJones@Fmail.com>`); g != "jjones@fmail.com" {
		t.Errorf("email %q", g)
	}
	if g := NormaliseIdentifier("ab 12 34 56 c"); g != "AB123456C" {
		t.Errorf("identifier %q", g)
	}
	for in, want := range map[string]string{"PNC": IDPNC, "NI Number": IDNINumber, "Driving License": IDDrivingLicence, "ssn": IDOther, "passport": IDPassport} {
		if got := IdentifierType(in); got != want {
			t.Errorf("IdentifierType(%q) = %q want %q", in, got, want)
		}
	}
}

func TestTransliterationKey(t *testing.T) {
	groups := [][]string{
		{"Mohammed", "Muhammad", "Mohamed", "Mohammad", "Muhammed"},
		{"Aleksandr", "Alexander", "Alexandr"},
		{"Dmitri", "Dmitry"},
		{"Catherine", "Katherine", "Kathryn"},
		{"Sergei", "Sergey"},
	}
	for _, g := range groups {
		k := TransliterationKey(g[0])
		for _, n := range g[1:] {
			if got := TransliterationKey(n); got != k {
				t.Errorf("TransliterationKey(%q) = %q, (%q) = %q", g[0], k, n, got)
			}
		}
	}
}

func TestNickname(t *testing.T) {
	yes := [][2]string{{"Bob", "Robert"}, {"Bill", "William"}, {"Kate", "Catherine"}, {"Peggy", "Margaret"},
		{"Jack", "John"}, {"Mohd", "Mohammed"}, {"Sasha", "Alexander"}, {"Liz", "Elizabeth"}}
	no := [][2]string{{"Bob", "William"}, {"Kate", "Margaret"}, {"", "Robert"}}
	for _, p := range yes {
		if !Nickname(p[0], p[1]) {
			t.Errorf("Nickname(%q, %q) = false", p[0], p[1])
		}
	}
	for _, p := range no {
		if Nickname(p[0], p[1]) {
			t.Errorf("Nickname(%q, %q) = true", p[0], p[1])
		}
	}
	if len(nicknameGroups) < 200 {
		t.Errorf("only %d nickname groups", len(nicknameGroups))
	}
}

func TestNameLevels(t *testing.T) {
	s := NewScorer(DefaultModel(), nil)
	cases := []struct {
		name         string
		a, b         Person
		field, level string
	}{
		{"exact", Person{GivenNames: "John", FamilyName: "Smith"}, Person{GivenNames: "JOHN", FamilyName: "smith"}, "family_name", "exact"},
		{"nickname", Person{GivenNames: "Bob", FamilyName: "Smith"}, Person{GivenNames: "Robert", FamilyName: "Smith"}, "given_names", "nickname"},
		{"initial", Person{GivenNames: "J", FamilyName: "Smith"}, Person{GivenNames: "John", FamilyName: "Smith"}, "given_names", "initial"},
		{"typo", Person{GivenNames: "Jonathon", FamilyName: "Smith"}, Person{GivenNames: "Jonathan", FamilyName: "Smith"}, "given_names", "jaro_winkler>=0.92"},
		{"transliteration", Person{GivenNames: "Mohammed", FamilyName: "Khan"}, Person{GivenNames: "Muhammad", FamilyName: "Khan"}, "given_names", "nickname"},
		{"transliteration rule", Person{GivenNames: "Dmitri", FamilyName: "Ivanov"}, Person{GivenNames: "Dmitry", FamilyName: "Ivanov"}, "given_names", "nickname"},
		{"phonetic", Person{GivenNames: "Anne", FamilyName: "Knight"}, Person{GivenNames: "Anne", FamilyName: "Nite"}, "family_name", "phonetic"},
		{"swapped", Person{GivenNames: "Shaw", FamilyName: "Daniella"}, Person{GivenNames: "Daniella", FamilyName: "Shaw"}, "family_name", "exact (swapped)"},
		{"hyphenated", Person{GivenNames: "Ann", FamilyName: "Smith-Jones"}, Person{GivenNames: "Ann", FamilyName: "Smith"}, "family_name", "hyphenated_or_part"},
		{"maiden via alias", Person{GivenNames: "Ann", FamilyName: "Jones", Aliases: []Name{{"Ann", "Smith"}}}, Person{GivenNames: "Ann", FamilyName: "Smith"}, "family_name", "exact (alias)"},
		{"accents", Person{GivenNames: "Siobhán", FamilyName: "Ní Bhriain"}, Person{GivenNames: "Siobhan", FamilyName: "Ni Bhriain"}, "given_names", "exact"},
		{"apostrophe", Person{GivenNames: "Sean", FamilyName: "O'Brien"}, Person{GivenNames: "Sean", FamilyName: "OBrien"}, "family_name", "exact"},
		{"single word", Person{GivenNames: "Beau"}, Person{GivenNames: "Beau", FamilyName: "Smith"}, "family_name", "missing"},
		{"full name in one field", Person{GivenNames: "John Smith"}, Person{GivenNames: "John", FamilyName: "Smith"}, "family_name", "exact (alias)"},
		{"middle name", Person{GivenNames: "John Paul", FamilyName: "Smith"}, Person{GivenNames: "Paul", FamilyName: "Smith"}, "given_names", "other_given_name"},
		{"different", Person{GivenNames: "Mary", FamilyName: "Smith"}, Person{GivenNames: "Peter", FamilyName: "Smith"}, "given_names", "different"},
		{"cyrillic", Person{GivenNames: "Александр", FamilyName: "Васильев"}, Person{GivenNames: "Aleksandr", FamilyName: "Vasilev"}, "family_name", "exact"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := reasonOf(s.Compare(&c.a, &c.b), c.field)
			if r.Comparison != c.level {
				t.Errorf("%s: got %q (%v), want %q", c.field, r.Comparison, r.Weight, c.level)
			}
		})
	}
}

func TestOtherLevels(t *testing.T) {
	s := NewScorer(DefaultModel(), nil)
	addr := func(line, town, pc string) []Address {
		return []Address{{Lines: []string{line}, Town: town, Postcode: pc}}
	}
	cases := []struct {
		name         string
		a, b         Person
		field, level string
	}{
		{"dob exact", Person{DOB: "1980-02-03"}, Person{DOB: "1980-02-03"}, "dob", "exact"},
		{"dob typo", Person{DOB: "1980-02-03"}, Person{DOB: "1980-02-08"}, "dob", "dob_one_edit"},
		{"dob transposed", Person{DOB: "1980-02-13"}, Person{DOB: "1980-02-31"}, "dob", "dob_one_edit"},
		{"dob swapped", Person{DOB: "1980-02-03"}, Person{DOB: "1980-03-02"}, "dob", "dob_day_month_swapped"},
		{"dob year only", Person{DOB: "1980"}, Person{DOB: "1980-02-03"}, "dob", "dob_partial_match"},
		{"dob year month", Person{DOB: "1980-02"}, Person{DOB: "1980-02-03"}, "dob", "dob_partial_match"},
		{"dob invalid text", Person{DOB: "19801332"}, Person{DOB: "1980-13-32"}, "dob", "exact"},
		{"dob invalid typo", Person{DOB: "19801332"}, Person{DOB: "1980-12-32"}, "dob", "dob_one_edit"},
		{"dob missing", Person{DOB: ""}, Person{DOB: "1980-02-03"}, "dob", "missing"},
		{"dob different", Person{DOB: "1950-06-07"}, Person{DOB: "1980-02-03"}, "dob", "different"},
		{"dob near", Person{DOB: "1978-06-07"}, Person{DOB: "1980-02-03"}, "dob", "dob_within_5_years"},
		{"postcode exact", Person{Addresses: addr("", "", "LS1 4AB")}, Person{Addresses: addr("", "", "ls14ab")}, "postcode", "exact"},
		{"postcode sector", Person{Addresses: addr("", "", "LS1 4AB")}, Person{Addresses: addr("", "", "LS1 4XY")}, "postcode", "sector"},
		{"postcode district", Person{Addresses: addr("", "", "LS1 4AB")}, Person{Addresses: addr("", "", "LS1 7XY")}, "postcode", "district"},
		{"address exact", Person{Addresses: addr("12 High St", "Leeds", "")}, Person{Addresses: addr("12 High Street", "Leeds", "")}, "address", "exact"},
		{"address number and street", Person{Addresses: addr("12 High Street, Headingley", "Leeds", "")}, Person{Addresses: addr("12 High Street", "Leeds", "")}, "address", "street_number_and_tokens"},
		{"town only", Person{Addresses: []Address{{Town: "Leeds"}}}, Person{Addresses: addr("12 High Street", "Leeds", "")}, "address", "same_town"},
		{"phone", Person{Phones: []string{"+44 7700 900123"}}, Person{Phones: []string{"07700900123"}}, "phone", "exact"},
		{"phone partial", Person{Phones: []string{"321-3212"}}, Person{Phones: []string{"202-321-3212"}}, "phone", "last_7_digits"},
		{"email", Person{Emails: []string{"A@B.com"}}, Person{Emails: []string{"a@b.com"}}, "email", "exact"},
		{"id exact", Person{Identifiers: []Identifier{{"pnc", "2001/0012345A"}}}, Person{Identifiers: []Identifier{{"pnc_id", "20010012345A"}}}, "identifier:pnc_id", "exact"},
		{"id typo", Person{Identifiers: []Identifier{{"passport", "123456789"}}}, Person{Identifiers: []Identifier{{"passport", "123456780"}}}, "identifier:passport", "one_edit"},
		{"id different", Person{Identifiers: []Identifier{{"ni_number", "AB123456C"}}}, Person{Identifiers: []Identifier{{"ni_number", "ZZ999999D"}}}, "identifier:ni_number", "different"},
		{"gender", Person{Gender: "male"}, Person{Gender: "F"}, "gender", "different"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := reasonOf(s.Compare(&c.a, &c.b), c.field)
			if r.Comparison != c.level {
				t.Errorf("%s: got %q, want %q", c.field, r.Comparison, c.level)
			}
			if c.level == "missing" && r.Weight != 0 {
				t.Errorf("missing value weighs %v", r.Weight)
			}
			if strings.HasPrefix(c.level, "exact") && c.field != "gender" && r.Weight <= 0 {
				t.Errorf("exact %s weighs %v", c.field, r.Weight)
			}
			if c.level == "different" && r.Weight >= 0 {
				t.Errorf("different %s weighs %v", c.field, r.Weight)
			}
		})
	}
}

func TestEvidenceDirection(t *testing.T) {
	s := NewScorer(DefaultModel(), nil)
	base := Person{GivenNames: "John", FamilyName: "Smith", DOB: "1980-02-03", Identifiers: []Identifier{{IDPassport, "123456789"}}}
	same := base
	diffID := base
	diffID.Identifiers = []Identifier{{IDPassport, "987654321"}}
	if s.Compare(&base, &same).Score <= s.Compare(&base, &diffID).Score {
		t.Error("a different passport number should count against a match")
	}
	r := s.Compare(&base, &same)
	if r.Probability < 0.99 {
		t.Errorf("identical records: probability %v", r.Probability)
	}
	// Reasons add up to the score.
	sum := 0.0
	for _, x := range r.Reasons {
		sum += x.Weight
	}
	if math.Abs(sum-r.Score) > 0.01 {
		t.Errorf("reasons sum %v, score %v", sum, r.Score)
	}
	// A household member: same surname and address, different given name and DOB.
	a := Person{GivenNames: "Mary", FamilyName: "Okonkwo", DOB: "1975-04-02", Addresses: []Address{{Lines: []string{"4 Mill Lane"}, Town: "York", Postcode: "YO1 7HH"}}}
	b := Person{GivenNames: "Peter", FamilyName: "Okonkwo", DOB: "2001-09-30", Addresses: a.Addresses}
	if p := s.Compare(&a, &b).Probability; p >= DefaultThreshold {
		t.Errorf("household members linked with probability %v", p)
	}
}

func TestTermFrequency(t *testing.T) {
	var people []Person
	for i := 0; i < 200; i++ {
		people = append(people, Person{FamilyName: "Smith"})
	}
	people = append(people, Person{FamilyName: "Zebedee"}, Person{FamilyName: "Zebedee"})
	s := NewScorer(DefaultModel(), CountFrequencies(people))
	common := s.Compare(&Person{GivenNames: "A", FamilyName: "Smith"}, &Person{GivenNames: "A", FamilyName: "Smith"})
	rare := s.Compare(&Person{GivenNames: "A", FamilyName: "Zebedee"}, &Person{GivenNames: "A", FamilyName: "Zebedee"})
	if reasonOf(rare, "family_name").Weight <= reasonOf(common, "family_name").Weight {
		t.Errorf("rare surname %v should weigh more than common %v", reasonOf(rare, "family_name").Weight, reasonOf(common, "family_name").Weight)
	}
}

func TestJaroWinklerMatchesEdlib(t *testing.T) {
	words := []string{"", "a", "ab", "martha", "marhta", "dwayne", "duane", "dixon", "dicksonx", "jonathan", "jonathon",
		"smith", "smyth", "mohammed", "muhammad", "x", "abcdefghijklmnopqrstuvwxyz", "zyxwvutsrqponmlkjihgfedcba", "aaaa", "aaab"}
	for _, a := range words {
		for _, b := range words {
			want := float64(edlib.JaroWinklerSimilarity(a, b))
			if a == b && a != "" {
				want = 1
			}
			if got := jaroWinkler(a, b); math.Abs(got-want) > 1e-6 {
				t.Errorf("jaroWinkler(%q,%q) = %v, edlib %v", a, b, got, want)
			}
		}
	}
}

func TestWithinOneEdit(t *testing.T) {
	words := []string{"", "1", "12", "21", "123", "132", "1234", "1243", "2134", "12345", "1235", "19800203", "19800302", "19800208", "1980023"}
	for _, a := range words {
		for _, b := range words {
			want := osaDistance(a, b) <= 1
			if got := withinOneEdit(a, b); got != want {
				t.Errorf("withinOneEdit(%q,%q) = %v, OSA distance %d", a, b, got, osaDistance(a, b))
			}
		}
	}
}

func TestModelJSONRoundTrip(t *testing.T) {
	m := DefaultModel()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var back Model
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if err := back.Validate(); err != nil {
		t.Fatal(err)
	}
	a := Person{GivenNames: "Jo", FamilyName: "Bloggs", DOB: "1990-01-02"}
	if NewScorer(m, nil).Compare(&a, &a).Score != NewScorer(&back, nil).Compare(&a, &a).Score {
		t.Error("scores differ after a JSON round trip")
	}
	back.Comparisons[0].Levels[0].Label = "renamed"
	if back.Validate() == nil {
		t.Error("a model with changed levels should not validate")
	}
}

func TestDedupePartitionAndExclude(t *testing.T) {
	mk := func(id, g, f, dob string) Person {
		return Person{ID: id, GivenNames: g, FamilyName: f, DOB: dob, Addresses: []Address{{Lines: []string{"1 Elm Road"}, Town: "Hull", Postcode: "HU1 1AA"}}}
	}
	people := []Person{
		mk("a1", "Johnathan", "Pemberton", "1970-05-06"),
		mk("a2", "Jonathan", "Pemberton", "1970-05-06"),
		mk("a3", "John", "Pemberton", "1970-05-06"),
		mk("b1", "Alice", "Quartermaine", "1985-11-12"),
		mk("b2", "Alice", "Quartermaine", "1985-11-12"),
		{ID: "c1", GivenNames: "Zed"},
	}
	s := NewScorer(DefaultModel(), nil)
	cl, st := Dedupe(people, s, DedupeOptions{Workers: 2})
	if st.People != len(people) {
		t.Fatalf("stats people %d", st.People)
	}
	var got [][]string
	for _, c := range cl {
		got = append(got, c.Members)
	}
	want := [][]string{{"a1", "a2", "a3"}, {"b1", "b2"}}
	if len(got) != len(want) || !slices.Equal(got[0], want[0]) || !slices.Equal(got[1], want[1]) {
		t.Fatalf("clusters %v, want %v", got, want)
	}
	// A reviewer said a1 and a3 are different people: never together.
	ex := func(x, y string) bool { return (x == "a1" && y == "a3") || (x == "a3" && y == "a1") }
	cl, _ = Dedupe(people, s, DedupeOptions{Exclude: ex})
	for _, c := range cl {
		if slices.Contains(c.Members, "a1") && slices.Contains(c.Members, "a3") {
			t.Fatalf("excluded pair clustered: %v", c.Members)
		}
	}
}

func TestClusterNoChaining(t *testing.T) {
	// A-B and B-C are strong links, A-C is not: average linkage must not
	// put A and C together through B.
	probs := map[[2]int32]float64{{0, 1}: 0.99, {1, 2}: 0.99, {0, 2}: 0.01}
	c := clusterer{
		threshold: 0.9,
		prob:      func(i, j int32) float64 { return probs[[2]int32{min(i, j), max(i, j)}] },
		excluded:  func(i, j int32) bool { return false },
	}
	out := c.cluster(3, []link{{0, 1, 0.99}, {1, 2, 0.99}})
	if len(out) != 1 || len(out[0].members) != 2 {
		t.Fatalf("got %v, want one cluster of two", out)
	}
	// The CENTER fallback cannot chain either.
	out = c.center([]link{{0, 1, 0.99}, {1, 2, 0.98}})
	for _, g := range out {
		if slices.Contains(g.members, 0) && slices.Contains(g.members, 2) {
			t.Fatalf("center chained: %v", out)
		}
	}
}

func TestJaroWinklerUpperBound(t *testing.T) {
	people, _ := GeneratePeople(400, 5)
	var words []string
	for _, p := range people {
		words = append(words, nameTokens(p.GivenNames)...)
		words = append(words, nameTokens(p.FamilyName)...)
	}
	for i, a := range words {
		for _, b := range words[i:] {
			if jw, ub := jaroWinkler(a, b), jaroWinklerUpper(a, b); jw > ub {
				t.Fatalf("jaroWinkler(%q,%q) = %v above bound %v", a, b, jw, ub)
			}
		}
	}
}

// osaDistance is go-edlib's optimal string alignment distance, the reference
// for withinOneEdit.
func osaDistance(a, b string) int { return edlib.OSADamerauLevenshteinDistance(a, b) }

func TestTrainDegenerate(t *testing.T) {
	if _, err := Train([]Person{{ID: "a"}}, TrainOptions{}); err == nil {
		t.Error("training on one person should fail")
	}
	for _, people := range [][]Person{
		{{ID: "a"}, {ID: "b"}, {ID: "c"}},
		{{ID: "a", GivenNames: "Jo", FamilyName: "Bloggs"}, {ID: "b", GivenNames: "Jo", FamilyName: "Bloggs"}},
	} {
		m, err := Train(people, TrainOptions{})
		if err != nil {
			t.Fatalf("Train(%v): %v", people, err)
		}
		if err := m.Validate(); err != nil {
			t.Fatal(err)
		}
	}
	// A trained model is deterministic.
	people, _ := GeneratePeople(3000, 11)
	var m1 *Model
	m2, _ := Train(people, TrainOptions{Workers: 1, RandomPairs: 100_000})
	m1, _ = Train(people, TrainOptions{Workers: 2, RandomPairs: 100_000})
	j1, _ := json.Marshal(m1)
	j2, _ := json.Marshal(m2)
	if string(j1) != string(j2) {
		t.Error("Train is not deterministic")
	}
}
