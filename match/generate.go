package match

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// GeneratePeople returns n synthetic UK-style person records with realistic
// duplicates, and for each record the index of the real person (entity) it
// describes: records with equal entity are duplicates. The same n and seed
// always give the same data.
//
// About a fifth of people have one to three duplicate records, each with one
// to three of the errors seen in police records: typing errors in names,
// nicknames (Bob for Robert), initials, swapped given and family names, a
// changed surname (with the old one as an alias half of the time), a
// double-barrelled surname, errors in the date of birth (a digit, day and
// month swapped, year only, missing), a move of house, a mistyped or missing
// postcode, phone numbers in another format, missing or mistyped identifiers,
// and accents or apostrophes dropped. The population also has what makes
// matching hard: common surnames (Zipf-distributed, "Smith" about 1%),
// households of people sharing a surname and an address, and twins.
func GeneratePeople(n int, seed uint64) ([]Person, []int) {
	g := newGenerator(seed)
	people := make([]Person, 0, n)
	truth := make([]int, 0, n)
	entity := 0
	for len(people) < n {
		e := g.entity()
		people = append(people, g.record(&e, false))
		truth = append(truth, entity)
		if g.rng.Float64() < 0.2 {
			dups := 1 + g.rng.IntN(3)
			for d := 0; d < dups && len(people) < n; d++ {
				people = append(people, g.record(&e, true))
				truth = append(truth, entity)
			}
		}
		entity++
		// Twins: same surname, birthday and address, different given names.
		if g.rng.Float64() < 0.002 && len(people) < n {
			t := g.entity()
			t.family, t.dob, t.addr, t.prevAddr = e.family, e.dob, e.addr, e.prevAddr
			people = append(people, g.record(&t, false))
			truth = append(truth, entity)
			entity++
		}
	}
	// Shuffle so that duplicates are not neighbours, then number the records.
	g.rng.Shuffle(len(people), func(i, j int) {
		people[i], people[j] = people[j], people[i]
		truth[i], truth[j] = truth[j], truth[i]
	})
	for i := range people {
		people[i].ID = "P" + pad7(i+1)
	}
	return people, truth
}

func pad7(i int) string {
	s := strconv.Itoa(i)
	if len(s) < 7 {
		s = strings.Repeat("0", 7-len(s)) + s
	}
	return s
}

type genEntity struct {
	gender      string
	given       string
	middle      string
	family      string
	dob         string
	addr        Address
	prevAddr    *Address
	phone       string
	email       string
	identifiers []Identifier
}

type generator struct {
	rng        *rand.Rand
	surnameCum []float64
	maleCum    []float64
	femaleCum  []float64
	households []genEntity // recent entities whose address others may share
}

func newGenerator(seed uint64) *generator {
	g := &generator{rng: rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))}
	g.surnameCum = zipfCum(len(genSurnames), 8)
	g.maleCum = zipfCum(len(genMaleNames), 4)
	g.femaleCum = zipfCum(len(genFemaleNames), 4)
	return g
}

// zipfCum returns cumulative weights 1/(k+offset), normalised to 1.
func zipfCum(n int, offset float64) []float64 {
	c := make([]float64, n)
	s := 0.0
	for k := 0; k < n; k++ {
		s += 1 / (float64(k) + offset)
		c[k] = s
	}
	for k := range c {
		c[k] /= s
	}
	return c
}

func (g *generator) pickZipf(words []string, cum []float64) string {
	x := g.rng.Float64()
	i, _ := slices.BinarySearch(cum, x)
	return words[min(i, len(words)-1)]
}

func (g *generator) pick(words []string) string { return words[g.rng.IntN(len(words))] }

func (g *generator) surname() string {
	// About half the population has one of the common surnames; the rest
	// have rarer ones.
	if g.rng.Float64() < 0.55 {
		return g.pickZipf(genSurnames, g.surnameCum)
	}
	return g.pick(genSurnameHead) + g.pick(genSurnameTail)
}

func (g *generator) givenName(gender string) string {
	if gender == "F" {
		return g.pickZipf(genFemaleNames, g.femaleCum)
	}
	return g.pickZipf(genMaleNames, g.maleCum)
}

const postcodeLetters = "ABDEFGHJLNPQRSTUWXYZ"

func (g *generator) address() Address {
	t := genTowns[g.rng.IntN(len(genTowns))]
	street := g.pick(genStreetNames) + " " + g.pick(genStreetTypes)
	num := strconv.Itoa(1 + g.rng.IntN(g.rng.IntN(250)+1))
	lines := []string{num + " " + street}
	if g.rng.Float64() < 0.1 {
		lines = []string{"Flat " + strconv.Itoa(1+g.rng.IntN(20)), lines[0]}
	}
	pc := t[1] + strconv.Itoa(1+g.rng.IntN(30)) + " " + strconv.Itoa(g.rng.IntN(10)) +
		string(postcodeLetters[g.rng.IntN(len(postcodeLetters))]) + string(postcodeLetters[g.rng.IntN(len(postcodeLetters))])
	return Address{Lines: lines, Town: t[0], Postcode: pc, Country: "GB"}
}

func (g *generator) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + g.rng.IntN(10))
	}
	return string(b)
}

func (g *generator) letter() byte { return byte('A' + g.rng.IntN(26)) }

func (g *generator) entity() genEntity {
	var e genEntity
	switch x := g.rng.Float64(); {
	case x < 0.49:
		e.gender = "M"
	case x < 0.99:
		e.gender = "F"
	default:
		e.gender = "X"
	}
	e.given = g.givenName(e.gender)
	if g.rng.Float64() < 0.3 {
		e.middle = g.givenName(e.gender)
	}
	year := 1940 + g.rng.IntN(68)
	month := 1 + g.rng.IntN(12)
	day := 1 + g.rng.IntN(28)
	e.dob = strconv.Itoa(year) + "-" + pad2(month) + "-" + pad2(day)
	// A share of people live with someone already generated, often family.
	if len(g.households) > 0 && g.rng.Float64() < 0.3 {
		h := g.households[g.rng.IntN(len(g.households))]
		e.addr = h.addr
		if g.rng.Float64() < 0.7 {
			e.family = h.family
		} else {
			e.family = g.surname()
		}
	} else {
		e.addr = g.address()
		e.family = g.surname()
	}
	if len(g.households) < 2000 {
		g.households = append(g.households, e)
	} else {
		g.households[g.rng.IntN(len(g.households))] = e
	}
	if g.rng.Float64() < 0.3 {
		a := g.address()
		e.prevAddr = &a
	}
	if g.rng.Float64() < 0.7 {
		e.phone = "+447" + g.digits(9)
	}
	if g.rng.Float64() < 0.4 {
		e.email = strings.ToLower(foldString(e.given)) + "." + strings.ToLower(strings.ReplaceAll(foldString(e.family), " ", "")) +
			g.digits(2) + "@" + g.pick([]string{"gmail.com", "hotmail.co.uk", "yahoo.co.uk", "outlook.com", "btinternet.com"})
	}
	yy := pad2(year % 100)
	if g.rng.Float64() < 0.5 {
		e.identifiers = append(e.identifiers, Identifier{IDPNC, strconv.Itoa(1990+g.rng.IntN(35)) + "/" + g.digits(7) + string(g.letter())})
	}
	if g.rng.Float64() < 0.1 {
		e.identifiers = append(e.identifiers, Identifier{IDCRO, g.digits(6) + "/" + yy + string(g.letter())})
	}
	if g.rng.Float64() < 0.4 {
		e.identifiers = append(e.identifiers, Identifier{IDNINumber, string(g.letter()) + string(g.letter()) + g.digits(6) + string("ABCD"[g.rng.IntN(4)])})
	}
	if g.rng.Float64() < 0.15 {
		e.identifiers = append(e.identifiers, Identifier{IDPassport, g.digits(9)})
	}
	if g.rng.Float64() < 0.2 {
		f := strings.ToUpper(strings.ReplaceAll(foldString(e.family), " ", "")) + "99999"
		e.identifiers = append(e.identifiers, Identifier{IDDrivingLicence, f[:5] + yy[:1] + pad2(1+g.rng.IntN(12)) + g.digits(3) + yy[1:] + string(g.letter()) + string(g.letter()) + g.digits(1) + string(g.letter()) + string(g.letter())})
	}
	return e
}

// record writes one record of an entity; a duplicate gets errors.
func (g *generator) record(e *genEntity, dup bool) Person {
	p := Person{GivenNames: e.given, FamilyName: e.family, DOB: e.dob, Gender: e.gender}
	if e.middle != "" && g.rng.Float64() < 0.7 {
		p.GivenNames += " " + e.middle
	}
	if g.rng.Float64() < 0.05 {
		p.Gender = ""
	}
	p.Addresses = []Address{cloneAddress(e.addr)}
	if e.prevAddr != nil && g.rng.Float64() < 0.5 {
		p.Addresses = append(p.Addresses, cloneAddress(*e.prevAddr))
	}
	if e.phone != "" && g.rng.Float64() < 0.8 {
		p.Phones = []string{e.phone}
	}
	if e.email != "" && g.rng.Float64() < 0.8 {
		p.Emails = []string{e.email}
	}
	for _, id := range e.identifiers {
		if g.rng.Float64() < 0.8 {
			p.Identifiers = append(p.Identifiers, id)
		}
	}
	if !dup {
		return p
	}
	errs := 1 + g.rng.IntN(3)
	for k := 0; k < errs; k++ {
		g.corrupt(&p, e)
	}
	return p
}

func cloneAddress(a Address) Address {
	a.Lines = slices.Clone(a.Lines)
	return a
}

// corrupt applies one random error of the kinds found in duplicate records.
func (g *generator) corrupt(p *Person, e *genEntity) {
	switch g.rng.IntN(20) {
	case 0, 1:
		p.GivenNames = g.typo(p.GivenNames)
	case 2, 3:
		p.FamilyName = g.typo(p.FamilyName)
	case 4:
		if nick := g.nickname(e.given); nick != "" {
			p.GivenNames = nick
		}
	case 5:
		if r, _ := utf8.DecodeRuneInString(p.GivenNames); r != utf8.RuneError {
			p.GivenNames = string(r)
		}
	case 6:
		p.GivenNames, p.FamilyName = p.FamilyName, p.GivenNames
	case 7:
		old := Name{GivenNames: p.GivenNames, FamilyName: p.FamilyName}
		p.FamilyName = g.surname()
		if g.rng.Float64() < 0.5 {
			p.Aliases = append(p.Aliases, old)
		}
	case 8:
		if strings.Contains(p.FamilyName, "-") {
			p.FamilyName = p.FamilyName[:strings.IndexByte(p.FamilyName, '-')]
		} else {
			p.FamilyName += "-" + g.pickZipf(genSurnames, g.surnameCum)
		}
	case 9, 10:
		p.DOB = g.typoDigit(p.DOB)
	case 11:
		if len(p.DOB) == 10 && p.DOB[8:] <= "12" {
			p.DOB = p.DOB[:5] + p.DOB[8:] + "-" + p.DOB[5:7]
		} else {
			p.DOB = g.typoDigit(p.DOB)
		}
	case 12:
		if len(p.DOB) >= 4 {
			if g.rng.Float64() < 0.5 {
				p.DOB = p.DOB[:4]
			} else if len(p.DOB) >= 7 {
				p.DOB = p.DOB[:7]
			}
		}
	case 13:
		p.DOB = ""
	case 14:
		a := g.address()
		if g.rng.Float64() < 0.5 {
			p.Addresses = []Address{a, p.Addresses[0]}
		} else {
			p.Addresses = []Address{a}
		}
	case 15:
		if len(p.Addresses) > 0 {
			pc := p.Addresses[0].Postcode
			switch g.rng.IntN(3) {
			case 0:
				p.Addresses[0].Postcode = ""
			case 1:
				p.Addresses[0].Postcode = strings.ToLower(strings.ReplaceAll(pc, " ", ""))
			default:
				p.Addresses[0].Postcode = g.typo(pc)
			}
		}
	case 16:
		for i, ph := range p.Phones {
			if strings.HasPrefix(ph, "+44") {
				p.Phones[i] = "0" + ph[3:7] + " " + ph[7:]
			}
		}
		if g.rng.Float64() < 0.3 {
			p.Phones = nil
		}
	case 17:
		if len(p.Identifiers) > 0 {
			k := g.rng.IntN(len(p.Identifiers))
			if g.rng.Float64() < 0.5 {
				p.Identifiers = slices.Delete(slices.Clone(p.Identifiers), k, k+1)
			} else {
				ids := slices.Clone(p.Identifiers)
				ids[k].Value = g.typo(ids[k].Value)
				p.Identifiers = ids
			}
		}
	case 18:
		p.GivenNames = asciiFold(p.GivenNames)
		p.FamilyName = asciiFold(p.FamilyName)
		if g.rng.Float64() < 0.5 {
			p.FamilyName = strings.ToUpper(p.FamilyName)
		}
	default:
		p.Emails = nil
		if e.middle != "" && !strings.Contains(p.GivenNames, " ") {
			p.GivenNames += " " + e.middle
		}
	}
}

// asciiFold drops accents and apostrophes the way a keyboard without them
// would: "Siobhán" -> "Siobhan", "O'Brien" -> "OBrien".
func asciiFold(s string) string {
	var b strings.Builder
	for _, r := range s {
		if isApostrophe(r) {
			continue
		}
		if r < utf8.RuneSelf {
			b.WriteRune(r)
			continue
		}
		f, ok := foldTable[unicode.ToLower(r)]
		if !ok {
			b.WriteRune(r)
			continue
		}
		if unicode.IsUpper(r) && f != "" {
			f = strings.ToUpper(f[:1]) + f[1:]
		}
		b.WriteString(f)
	}
	return b.String()
}

// typo makes one typing error: a substitution, deletion, insertion or
// transposition of adjacent characters.
func (g *generator) typo(s string) string {
	r := []rune(s)
	if len(r) < 2 {
		return s
	}
	i := 1 + g.rng.IntN(len(r)-1) // keep the first letter: errors there are rarer
	c := rune('a' + g.rng.IntN(26))
	if unicode.IsUpper(r[i]) || unicode.IsDigit(r[i]) {
		if unicode.IsDigit(r[i]) {
			c = rune('0' + g.rng.IntN(10))
		} else {
			c = unicode.ToUpper(c)
		}
	}
	switch g.rng.IntN(4) {
	case 0:
		r[i] = c
	case 1:
		r = slices.Delete(r, i, i+1)
	case 2:
		r = slices.Insert(r, i, c)
	default:
		if i+1 < len(r) {
			r[i], r[i+1] = r[i+1], r[i]
		} else {
			r[i-1], r[i] = r[i], r[i-1]
		}
	}
	return string(r)
}

// typoDigit changes one digit of a date.
func (g *generator) typoDigit(s string) string {
	b := []byte(s)
	var pos []int
	for i, c := range b {
		if isDigit(c) && i != 0 {
			pos = append(pos, i)
		}
	}
	if len(pos) == 0 {
		return s
	}
	i := pos[g.rng.IntN(len(pos))]
	b[i] = byte('0' + g.rng.IntN(10))
	return string(b)
}

// nickname returns another name from the nickname table for the given name.
func (g *generator) nickname(given string) string {
	groups := nicknameGroupsOf(strings.ToLower(foldString(given)))
	if len(groups) == 0 {
		return ""
	}
	words := strings.Fields(nicknameGroups[groups[g.rng.IntN(len(groups))]])
	w := words[g.rng.IntN(len(words))]
	if strings.EqualFold(w, given) {
		return ""
	}
	return strings.ToUpper(w[:1]) + w[1:]
}
