package match

// Frequencies gives term-frequency adjustment: a shared rare surname counts
// more than a shared "Smith". It counts normalised family names, first given
// names and dates of birth in a population. A Frequencies is read-only after
// CountFrequencies and safe for concurrent use.
type Frequencies struct {
	family, given, dob map[string]uint32
	nFamily, nGiven    uint32
	nDOB               uint32
}

// CountFrequencies counts the values of a population for term-frequency
// adjustment.
func CountFrequencies(people []Person) *Frequencies {
	f := &Frequencies{
		family: make(map[string]uint32, len(people)/4+1),
		given:  make(map[string]uint32, len(people)/8+1),
		dob:    make(map[string]uint32, len(people)/4+1),
	}
	for i := range people {
		f.add(&people[i])
	}
	return f
}

// add counts the primary name and date of birth of one person. Only the
// primary name counts so that a person with many aliases is not counted
// many times.
func (f *Frequencies) add(p *Person) {
	g := nameTokens(p.GivenNames)
	fam := nameTokens(p.FamilyName)
	if len(fam) > 0 {
		key := fam[0]
		for _, t := range fam[1:] {
			key += t
		}
		f.family[key]++
		f.nFamily++
	}
	if len(g) > 0 {
		f.given[g[0]]++
		f.nGiven++
	}
	if d := parseDOB(p.DOB); d.prec != dobNone {
		f.dob[d.text]++
		f.nDOB++
	}
}

// FamilyName returns the share of people with the given (normalised) family
// name, 0 if unknown.
func (f *Frequencies) FamilyName(name string) float64 {
	return share(f.family[normalisedJoined(name)], f.nFamily)
}

// GivenName returns the share of people whose first given name is name.
func (f *Frequencies) GivenName(name string) float64 {
	t := nameTokens(name)
	if len(t) == 0 {
		return 0
	}
	return share(f.given[t[0]], f.nGiven)
}

func normalisedJoined(s string) string {
	var out string
	for _, t := range nameTokens(s) {
		out += t
	}
	return out
}

func share(c, n uint32) float64 {
	if n == 0 {
		return 0
	}
	return float64(c) / float64(n)
}

// tf returns the term frequency used for adjustment: at least two records
// carry a value that a pair agrees on, so the count is never taken below 2.
func tf(m map[string]uint32, n uint32, v string) float64 {
	if n == 0 {
		return 0
	}
	c := m[v]
	if c < 2 {
		c = 2
	}
	if c > n {
		c = n
	}
	return float64(c) / float64(n)
}
