package match

import (
	"slices"
	"strings"
)

// maxNames bounds the names (primary, aliases and derived orders) compared per
// person, and maxValues the values of each multi-valued field, so that one
// record with hundreds of aliases cannot make a comparison slow.
const (
	maxNames  = 6
	maxValues = 8
)

// tok is one normalised name token with its precomputed codes.
type tok struct {
	s        string   // normalised token
	dm1, dm2 string   // Double Metaphone codes
	nys      string   // NYSIIS code
	skel     string   // transliteration skeleton
	nick     []uint16 // nickname groups
	mask     uint64   // set of characters (c&63), for the Jaro-Winkler bound
	hist     *[64]uint8
}

func makeTok(s string) tok {
	t := tok{s: s}
	t.dm1, t.dm2 = doubleMetaphoneFolded(s)
	t.nys = nysiisFolded(s)
	t.skel = translitKey(s)
	t.nick = nicknameGroupsOf(s)
	t.mask, t.hist = charHist(s)
	return t
}

// charHist returns the character set and counts of an ASCII string (nil
// counts for other strings, which disables the bound).
func charHist(s string) (uint64, *[64]uint8) {
	if !isASCII(s) {
		return 0, nil
	}
	h := new([64]uint8)
	var m uint64
	for i := 0; i < len(s); i++ {
		c := s[i] & 63
		m |= 1 << c
		if h[c] < 255 {
			h[c]++
		}
	}
	return m, h
}

// pname is one name of a person, prepared for comparison.
type pname struct {
	given  []tok // given-name tokens, first name first
	family []tok // family-name tokens
	fam    tok   // family name joined without spaces ("smithjones")
	gtok   tok   // given names joined, for comparison with a swapped family name
	giv    string
	alias  bool // an alias or a derived reading rather than the primary name
}

// paddr is one prepared address.
type paddr struct {
	tokens  []string // significant tokens of lines and town, sorted, unique
	numbers []string // house and flat numbers
	all     string   // all tokens joined, for exact comparison
	allHash uint64   // hash of all: most compared addresses differ
	street  string   // phonetic code of the first word of the street, for blocking
	town    string   // first word of the town, for blocking
	townAll string   // the whole folded town
	lines   bool     // has street lines, not only a town
}

// ppost is one prepared postcode.
type ppost struct{ code, sector, district string }

// prepared is a person in the form the comparisons need, computed once per
// person so that comparing pairs does no normalisation.
type prepared struct {
	id      string
	names   []pname
	dob     dob
	gender  byte
	addrs   []paddr
	posts   []ppost
	phones  []string // digits
	emails  []string
	ids     [nID][]string
	sortKey string // for sorted-neighbourhood windows in big blocks
}

// Prepared is a person normalised for comparison. Preparing once and
// comparing many times is faster than [Scorer.Compare] on raw people.
type Prepared struct{ p prepared }

// Prepare normalises a person for [Scorer.ComparePrepared].
func Prepare(p *Person) *Prepared { return &Prepared{p: prepare(p)} }

// ID returns the person's ID.
func (p *Prepared) ID() string { return p.p.id }

// particles are family-name parts too common to count as a shared surname part.
var particles = map[string]bool{
	"de": true, "da": true, "das": true, "dos": true, "do": true, "van": true, "von": true, "der": true, "den": true,
	"del": true, "della": true, "la": true, "le": true, "mc": true, "mac": true, "di": true, "du": true, "st": true,
	"saint": true, "el": true, "al": true, "bin": true, "ibn": true, "bint": true, "ap": true, "o": true, "y": true,
	"ter": true, "ten": true, "abu": true,
}

func makeName(given, family string, alias bool) (pname, bool) {
	g := nameTokens(given)
	f := nameTokens(family)
	if len(g) == 0 && len(f) == 0 {
		return pname{}, false
	}
	n := pname{alias: alias}
	for _, t := range g {
		n.given = append(n.given, makeTok(t))
	}
	for _, t := range f {
		n.family = append(n.family, makeTok(t))
	}
	if len(f) > 0 {
		if len(f) == 1 {
			n.fam = n.family[0]
		} else {
			n.fam = makeTok(strings.Join(f, ""))
		}
	}
	n.giv = strings.Join(g, "")
	if len(g) == 1 {
		n.gtok = n.given[0]
	} else if len(g) > 1 {
		n.gtok = tok{s: n.giv}
		n.gtok.dm1, n.gtok.dm2 = doubleMetaphoneFolded(n.giv)
		n.gtok.mask, n.gtok.hist = charHist(n.giv)
	}
	return n, true
}

func prepare(p *Person) prepared {
	var r prepared
	r.id = p.ID
	addName := func(given, family string, alias bool) {
		if len(r.names) >= maxNames {
			return
		}
		if n, ok := makeName(given, family, alias); ok {
			r.names = append(r.names, n)
		}
	}
	addName(p.GivenNames, p.FamilyName, false)
	for i := range p.Aliases {
		addName(p.Aliases[i].GivenNames, p.Aliases[i].FamilyName, true)
	}
	given := len(r.names)
	// A whole name typed into one field ("John Smith" as given names, no
	// family name) also gets the reading with its last word as family name.
	for i := 0; i < given && len(r.names) < maxNames; i++ {
		n := r.names[i]
		switch {
		case len(n.family) == 0 && len(n.given) >= 2:
			k := len(n.given) - 1
			addName(joinToks(n.given[:k]), n.given[k].s, true)
		case len(n.given) == 0 && len(n.family) >= 2:
			addName(n.family[0].s, joinToks(n.family[1:]), true)
		}
	}
	r.dob = parseDOB(p.DOB)
	switch NormaliseGender(p.Gender) {
	case "M":
		r.gender = 'M'
	case "F":
		r.gender = 'F'
	case "X":
		r.gender = 'X'
	}
	for i := range p.Addresses {
		if i >= maxValues {
			break
		}
		a := &p.Addresses[i]
		toks, nums, nLine := addressTokens(a)
		if len(toks) > 0 {
			sig := toks[:0:0]
			for _, t := range toks {
				if !streetTypes[t] {
					sig = append(sig, t)
				}
			}
			slices.Sort(sig)
			sig = slices.Compact(sig)
			all := slices.Clone(toks)
			slices.Sort(all)
			pa := paddr{tokens: sig, numbers: nums, all: strings.Join(all, " ")}
			pa.allHash = hashKey(pa.all)
			pa.townAll = foldString(a.Town)
			pa.street, pa.town = streetAndTown(toks[:nLine], pa.townAll)
			pa.lines = nLine > 0
			r.addrs = append(r.addrs, pa)
		}
		if pc := NormalisePostcode(a.Postcode); len(pc) >= 3 {
			s, d := postcodeParts(pc)
			r.posts = appendUniquePost(r.posts, ppost{code: pc, sector: s, district: d})
		}
	}
	for i, ph := range p.Phones {
		if i >= maxValues {
			break
		}
		if d := NormalisePhone(ph); len(d) >= 7 && !slices.Contains(r.phones, d) {
			r.phones = append(r.phones, d)
		}
	}
	for i, e := range p.Emails {
		if i >= maxValues {
			break
		}
		if n := NormaliseEmail(e); n != "" && !slices.Contains(r.emails, n) {
			r.emails = append(r.emails, n)
		}
	}
	for _, id := range p.Identifiers {
		v := NormaliseIdentifier(id.Value)
		if len(v) < 2 {
			continue
		}
		k := idIndex(IdentifierType(id.Type))
		if len(r.ids[k]) < maxValues && !slices.Contains(r.ids[k], v) {
			r.ids[k] = append(r.ids[k], v)
		}
	}
	r.sortKey = sortKeyOf(&r)
	return r
}

func appendUniquePost(ps []ppost, p ppost) []ppost {
	if len(ps) >= maxValues {
		return ps
	}
	for _, q := range ps {
		if q.code == p.code {
			return ps
		}
	}
	return append(ps, p)
}

func joinToks(ts []tok) string {
	var b strings.Builder
	for i, t := range ts {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t.s)
	}
	return b.String()
}

func idIndex(t string) int {
	for i, x := range idTypes {
		if x == t {
			return i
		}
	}
	return nID - 1
}

// sortKeyOf orders people inside an oversized block so that a sliding window
// compares records with similar names and dates of birth.
func sortKeyOf(r *prepared) string {
	var b strings.Builder
	if len(r.names) > 0 {
		n := &r.names[0]
		b.WriteString(n.fam.s)
		b.WriteByte('|')
		if len(n.given) > 0 {
			b.WriteString(n.given[0].s)
		}
	}
	b.WriteByte('|')
	b.WriteString(r.dob.text)
	return b.String()
}

// streetTypes are the words that name the kind of street. Nearly every
// address has one, so sharing one says nothing and they are left out of
// the token overlap.
var streetTypes = map[string]bool{
	"street": true, "road": true, "avenue": true, "lane": true, "drive": true, "court": true, "close": true,
	"crescent": true, "place": true, "square": true, "gardens": true, "grove": true, "terrace": true,
	"highway": true, "parade": true, "circuit": true, "boulevard": true, "way": true, "walk": true, "row": true,
	"mews": true, "flat": true, "house": true, "view": true, "rise": true, "hill": true, "park": true,
}

// streetAndTown returns the phonetic code of the street name (the first
// word of the address lines that is neither a number nor a flat, house or
// street-type word) and the first word of the town, for blocking keys. It
// works on the tokens of addressTokens.
func streetAndTown(lineToks []string, townAll string) (street, town string) {
	for _, t := range lineToks {
		if isDigit(t[0]) || streetTypes[t] || len(t) < 3 || t == "saint" {
			continue
		}
		street, _ = doubleMetaphoneFolded(t)
		break
	}
	if i := strings.IndexByte(townAll, ' '); i >= 0 {
		town = townAll[:i]
		if town == "st" || town == "saint" {
			town = townAll[i+1:]
			if j := strings.IndexByte(town, ' '); j >= 0 {
				town = town[:j]
			}
		}
	} else {
		town = townAll
	}
	if len(town) > 10 {
		town = town[:10]
	}
	return street, town
}
