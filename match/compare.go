package match

// This file computes the comparison level of each field for a pair of
// prepared people. Levels do not depend on the model, so the same comparison
// vectors serve training and scoring.

// impliedPostcode marks a postcode that agrees as part of an agreeing
// address: it contributes nothing, like a missing value, but is reported.
const impliedPostcode int8 = -2

// householdSurname reports a vector whose family names agree exactly at an
// agreeing address, where the surname is weighed against the household rate.
func householdSurname(famLevel, addrLevel int8) bool {
	return famLevel == famExact && sameAddress(addrLevel)
}

// householdDOB reports a vector with the same date of birth, the same family
// name and the same address: twins, whose shared birthday is far less
// surprising than a stranger's.
func householdDOB(dobLevel, famLevel, addrLevel int8) bool {
	return dobLevel == dobExact && famLevel == famExact && sameAddress(addrLevel)
}

func sameAddress(addrLevel int8) bool { return addrLevel == addrExact || addrLevel == addrNumberStreet }

// vector is the level of every comparison for one pair (missing = -1).
type vector [nComp]int8

// nameMatch records which names were compared, for reasons and TF.
type nameMatch struct {
	ga, gb  *tok // given-name tokens that were compared (TF on exact)
	fa, fb  *tok // family names that were compared
	swapped bool
	alias   bool
	given   int8
	family  int8
	quality int
}

// Fixed ordinal quality of each level, used to pick which of a pair's name
// readings (primary, aliases, swapped) to compare. Fixed rather than taken
// from the model so that comparison vectors do not depend on the model.
var (
	famQuality = [...]int{famExact: 10, famPart: 8, famJW92: 7, famTranslit: 6, famPhonetic: 6, famJW80: 4, famDifferent: 0}
	givQuality = [...]int{givExact: 10, givNickname: 8, givJW92: 7, givTranslit: 6, givPhonetic: 6, givJW80: 4, givInitial: 4, givOther: 5, givDifferent: 0}
)

const missingQuality = 2

// compareVector fills v with the comparison levels of a and b and returns the
// name readings chosen.
func compareVector(a, b *prepared, v *vector) nameMatch {
	nm := compareNames(a, b)
	v[cFamily] = nm.family
	v[cGiven] = nm.given
	v[cDOB] = compareDOB(&a.dob, &b.dob)
	v[cGender] = compareGender(a.gender, b.gender)
	v[cAddress] = compareAddresses(a.addrs, b.addrs)
	v[cPostcode] = comparePostcodes(a.posts, b.posts)
	// A postcode agreeing with an address that already agrees is no further
	// evidence: two people at one address always share its postcode. Counting
	// both would double the weight of an address, the classic cause of
	// linking members of one household. The postcode then counts as missing.
	if (v[cAddress] == addrExact || v[cAddress] == addrNumberStreet) && (v[cPostcode] == pcExact || v[cPostcode] == pcSector) {
		v[cPostcode] = impliedPostcode
	}
	v[cPhone] = comparePhones(a.phones, b.phones)
	v[cEmail] = compareEmails(a.emails, b.emails)
	for k := 0; k < nID; k++ {
		v[cIDPNC+k] = compareIDs(a.ids[k], b.ids[k])
	}
	return nm
}

// compareNames tries each reading of a's names against each of b's, straight
// and with given and family names swapped, and keeps the best.
func compareNames(a, b *prepared) nameMatch {
	best := nameMatch{given: missing, family: missing, quality: -1}
	for i := range a.names {
		na := &a.names[i]
		for j := range b.names {
			nb := &b.names[j]
			m := compareName(na, nb, false)
			m.alias = na.alias || nb.alias
			if m.alias {
				m.quality-- // prefer the primary names on a tie
			}
			if m.quality > best.quality {
				best = m
			}
			if best.quality >= 20 && !best.alias {
				return best
			}
			// Swapped given and family names, when a swap could do better:
			// it needs a cross agreement, which shows in first letters
			// or phonetic codes.
			if best.quality < 18 && mayBeSwapped(na, nb) {
				m = compareName(na, nb, true)
				m.alias = na.alias || nb.alias
				m.quality -= 2
				if m.alias {
					m.quality--
				}
				if m.quality > best.quality {
					best = m
				}
			}
		}
	}
	return best
}

// mayBeSwapped reports whether a's given name could agree with b's family
// name or a's family name with b's given name. A typo, nickname or initial
// that keeps neither the first letter nor the phonetic code is rare enough
// that skipping the swapped reading then loses nothing measurable.
func mayBeSwapped(a, b *pname) bool {
	if len(a.given) == 0 && len(a.family) == 0 {
		return false
	}
	cross := func(x *tok, y *tok) bool {
		return x.s != "" && y.s != "" && (x.s[0] == y.s[0] || (x.dm1 != "" && x.dm1 == y.dm1))
	}
	if len(b.family) > 0 && cross(&a.gtok, &b.fam) {
		return true
	}
	if len(b.given) > 0 && cross(&a.fam, &b.given[0]) {
		return true
	}
	return false
}

// compareName compares one reading of each name; with swap, a's given names
// are compared with b's family name and the other way round.
func compareName(a, b *pname, swap bool) nameMatch {
	m := nameMatch{swapped: swap}
	if !swap {
		m.family, m.fa, m.fb = familyLevel(a.family, &a.fam, b.family, &b.fam)
		m.given, m.ga, m.gb = givenLevel(a.given, a.giv, b.given, b.giv)
	} else {
		// a's given names read as a family name, a's family name as given names.
		m.family, m.fa, m.fb = familyLevel(a.given, &a.gtok, b.family, &b.fam)
		m.given, m.ga, m.gb = givenLevel(a.family, a.fam.s, b.given, b.giv)
	}
	m.quality = levelQuality(m.family, famQuality[:]) + levelQuality(m.given, givQuality[:])
	return m
}

func levelQuality(l int8, q []int) int {
	if l < 0 {
		return missingQuality
	}
	return q[l]
}

// tokLevel compares two name tokens. The result uses the given-name level
// numbering; familyLevel maps it.
func tokLevel(x, y *tok) int8 {
	if x.s == y.s {
		return givExact
	}
	if len(x.nick) > 0 && len(y.nick) > 0 && shareGroup(x.nick, y.nick) {
		return givNickname
	}
	_, jw := tokJWAtLeast(x, y, 0.80)
	if jw >= 0.92 {
		return givJW92
	}
	if len(x.skel) >= 3 && x.skel == y.skel {
		return givTranslit
	}
	if phoneticMatch(x, y) {
		return givPhonetic
	}
	if jw >= 0.80 {
		return givJW80
	}
	return givDifferent
}

func phoneticMatch(x, y *tok) bool {
	if x.dm1 != "" && (x.dm1 == y.dm1 || x.dm1 == y.dm2 || (x.dm2 != "" && (x.dm2 == y.dm1 || x.dm2 == y.dm2))) {
		return true
	}
	return x.nys != "" && len(x.nys) >= 2 && x.nys == y.nys
}

// givenLevel compares given names: the first names, then initials and the
// other given names ("John Paul" and "Paul").
func givenLevel(a []tok, ajoined string, b []tok, bjoined string) (int8, *tok, *tok) {
	if len(a) == 0 || len(b) == 0 {
		return missing, nil, nil
	}
	a0, b0 := &a[0], &b[0]
	if ajoined == bjoined {
		return givExact, a0, b0
	}
	// One written as an initial: "J" and "John" (or "J" and "J").
	if len(a0.s) == 1 || len(b0.s) == 1 {
		if a0.s[0] == b0.s[0] {
			return givInitial, nil, nil
		}
		return givDifferent, nil, nil
	}
	l := tokLevel(a0, b0)
	if l == givExact || l == givNickname {
		return l, a0, b0
	}
	// Names run together or split: "Annmarie" and "Ann Marie".
	if len(a) > 1 || len(b) > 1 {
		if ok, _ := jaroWinklerAtLeast(ajoined, bjoined, 0.92); ok {
			return givJW92, nil, nil
		}
		// Known by a middle name: "John Paul" and "Paul".
		for i := range a {
			for j := range b {
				if i == 0 && j == 0 {
					continue
				}
				if len(a[i].s) > 1 && len(b[j].s) > 1 {
					if tl := tokLevel(&a[i], &b[j]); tl == givExact || tl == givNickname {
						if givOther < l {
							return givOther, nil, nil
						}
					}
				}
			}
		}
	}
	return l, nil, nil
}

// familyLevel compares family names as a whole ("smithjones") and by parts
// for double-barrelled and hyphenated names ("Smith-Jones" and "Smith").
func familyLevel(a []tok, af *tok, b []tok, bf *tok) (int8, *tok, *tok) {
	if len(a) == 0 || len(b) == 0 {
		return missing, nil, nil
	}
	if af.s == bf.s {
		return famExact, af, bf
	}
	if len(a) > 1 || len(b) > 1 {
		for i := range a {
			if particles[a[i].s] || len(a[i].s) < 2 {
				continue
			}
			for j := range b {
				if a[i].s == b[j].s {
					return famPart, nil, nil
				}
			}
		}
	}
	if af.s == "" || bf.s == "" {
		return famDifferent, nil, nil
	}
	switch tokLevel(af, bf) {
	case givExact:
		return famExact, af, bf
	case givNickname, givJW92:
		return famJW92, nil, nil
	case givTranslit:
		return famTranslit, nil, nil
	case givPhonetic:
		return famPhonetic, nil, nil
	case givJW80:
		return famJW80, nil, nil
	}
	return famDifferent, nil, nil
}

// compareDOB compares dates of birth, allowing the usual errors: a typo in
// one digit or two transposed, day and month swapped, and partial dates.
// Values that are not dates are compared as text.
func compareDOB(a, b *dob) int8 {
	if a.prec == dobNone || b.prec == dobNone {
		return missing
	}
	if a.text == b.text && a.prec == b.prec {
		return dobExact
	}
	if a.prec == dobFull && b.prec == dobFull {
		if a.y == b.y && a.m == b.d && a.d == b.m {
			return dobSwapped
		}
		if withinOneEdit(a.text, b.text) {
			return dobOneEdit
		}
		return dobByYears(a.y, b.y)
	}
	if a.prec == dobText || b.prec == dobText {
		if a.text == b.text {
			return dobExact
		}
		if withinOneEdit(a.text, b.text) {
			return dobOneEdit
		}
		return dobDifferent
	}
	// At least one partial date: agree on every part both have.
	if a.y != b.y {
		if a.prec == b.prec && withinOneEdit(a.text, b.text) {
			return dobOneEdit
		}
		return dobByYears(a.y, b.y)
	}
	if a.prec >= dobMonth && b.prec >= dobMonth && a.m != b.m {
		return dobNear
	}
	return dobPartial
}

// dobByYears separates dates of birth a few years apart (a wrong year, an
// age given instead of a date) from those of another generation, which a
// parent and child sharing a name and an address have.
func dobByYears(ya, yb int) int8 {
	if d := ya - yb; d <= 5 && d >= -5 {
		return dobNear
	}
	return dobDifferent
}

func compareGender(a, b byte) int8 {
	if a == 0 || b == 0 {
		return missing
	}
	if a == b {
		return genExact
	}
	return genDifferent
}

// compareAddresses returns the best level over all pairs of addresses, since
// people move and records carry previous addresses.
func compareAddresses(as, bs []paddr) int8 {
	if len(as) == 0 || len(bs) == 0 {
		return missing
	}
	best := int8(addrDifferent)
	for i := range as {
		for j := range bs {
			if l := addressLevel(&as[i], &bs[j]); l < best {
				best = l
				if best == addrExact {
					return best
				}
			}
		}
	}
	return best
}

func addressLevel(a, b *paddr) int8 {
	if a.allHash == b.allHash && a.all == b.all && a.lines && b.lines {
		return addrExact
	}
	// Without street lines on both sides only the towns can agree, which
	// says far less than a shared address.
	if !a.lines || !b.lines {
		if a.townAll != "" && a.townAll == b.townAll {
			return addrTown
		}
		if a.townAll != "" && b.townAll != "" && len(a.townAll) >= 4 {
			if ok, _ := jaroWinklerAtLeast(a.townAll, b.townAll, 0.9); ok {
				return addrTown
			}
		}
		return addrDifferent
	}
	d := softDice(a.tokens, b.tokens)
	numMatch := false
	for _, x := range a.numbers {
		for _, y := range b.numbers {
			if x == y {
				numMatch = true
			}
		}
	}
	switch {
	case numMatch && d >= 0.5:
		return addrNumberStreet
	case d >= 0.6:
		return addrDice60
	case d >= 0.3:
		return addrDice30
	case a.townAll != "" && a.townAll == b.townAll:
		return addrTown
	}
	return addrDifferent
}

// softDice is the Dice coefficient of two sorted, unique token sets where
// tokens of four or more letters also match with a Jaro-Winkler similarity
// of 0.9 or more, to absorb typing errors in street and town names. Exact
// matches are found by merging the sorted lists; only the tokens left over
// are compared fuzzily.
func softDice(a, b []string) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	var usedA, usedB uint64 // bit sets of matched tokens (first 64)
	matched := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			if i < 64 && j < 64 {
				usedA |= 1 << i
				usedB |= 1 << j
			}
			matched++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	for i, x := range a {
		if i >= 64 || usedA&(1<<i) != 0 || len(x) < 4 || isDigit(x[0]) {
			continue
		}
		for j, y := range b {
			if j >= 64 || usedB&(1<<j) != 0 || len(y) < 4 || isDigit(y[0]) {
				continue
			}
			if d := len(x) - len(y); d > 2 || d < -2 {
				continue
			}
			if ok, _ := jaroWinklerAtLeast(x, y, 0.9); ok {
				usedB |= 1 << j
				matched++
				break
			}
		}
	}
	return 2 * float64(matched) / float64(len(a)+len(b))
}

func comparePostcodes(as, bs []ppost) int8 {
	if len(as) == 0 || len(bs) == 0 {
		return missing
	}
	best := int8(pcDifferent)
	for i := range as {
		for j := range bs {
			a, b := &as[i], &bs[j]
			var l int8 = pcDifferent
			switch {
			case a.code == b.code:
				l = pcExact
			case a.sector != "" && a.sector == b.sector:
				l = pcSector
			case withinOneEdit(a.code, b.code):
				l = pcOneEdit
			case a.district != "" && a.district == b.district:
				l = pcDistrict
			}
			best = min(best, l)
		}
	}
	return best
}

func comparePhones(as, bs []string) int8 {
	if len(as) == 0 || len(bs) == 0 {
		return missing
	}
	best := int8(phDifferent)
	for _, a := range as {
		for _, b := range bs {
			ka, kb := phoneKey(a), phoneKey(b)
			switch {
			case a == b || (ka != "" && ka == kb):
				return phExact
			case a[len(a)-7:] == b[len(b)-7:]:
				best = phPartial
			}
		}
	}
	return best
}

func compareEmails(as, bs []string) int8 {
	if len(as) == 0 || len(bs) == 0 {
		return missing
	}
	best := int8(emDifferent)
	for _, a := range as {
		for _, b := range bs {
			if a == b {
				return emExact
			}
			if ok, _ := jaroWinklerAtLeast(a, b, 0.9); ok && !digitsOnlyDiffer(a, b) {
				best = emFuzzy
			}
		}
	}
	return best
}

func compareIDs(as, bs []string) int8 {
	if len(as) == 0 || len(bs) == 0 {
		return missing
	}
	best := int8(idDifferent)
	for _, a := range as {
		for _, b := range bs {
			if a == b {
				return idExact
			}
			if len(a) >= 5 && len(b) >= 5 && withinOneEdit(a, b) {
				best = idOneEdit
			}
		}
	}
	return best
}

// digitsOnlyDiffer reports whether two strings are equal once digits are
// removed: e-mail addresses made of a name and a number
// (dean.smith80@, dean.smith44@) belong to different people far more often
// than they are typing errors of one address.
func digitsOnlyDiffer(a, b string) bool {
	i, j := 0, 0
	for {
		for i < len(a) && isDigit(a[i]) {
			i++
		}
		for j < len(b) && isDigit(b[j]) {
			j++
		}
		if i == len(a) || j == len(b) {
			return i == len(a) && j == len(b)
		}
		if a[i] != b[j] {
			return false
		}
		i++
		j++
	}
}
