package match

import "strings"

// This file implements the two phonetic codes used by the name comparisons,
// written from the published descriptions of the algorithms:
//
//   - Double Metaphone, Lawrence Philips, "The Double Metaphone Search
//     Algorithm", C/C++ Users Journal, June 2000;
//   - NYSIIS, the New York State Identification and Intelligence System code
//     (Taft, 1970), in the commonly published form with rules 1-9.

// dmMaxLen is the standard length of a Double Metaphone code.
const dmMaxLen = 4

// DoubleMetaphone returns the primary and alternate Double Metaphone codes of
// a word or name ("Smith" -> "SM0", "XMT"). Codes are at most four characters.
// Accents are folded first; characters other than letters are ignored.
func DoubleMetaphone(s string) (primary, alternate string) {
	return doubleMetaphoneFolded(foldString(s))
}

// doubleMetaphoneFolded is DoubleMetaphone for text already folded to
// lower-case ASCII by foldString (non-ASCII letters are skipped).
func doubleMetaphoneFolded(f string) (primary, alternate string) {
	if f == "" {
		return "", ""
	}
	var buf [48]byte
	up := buf[:0]
	if len(f) > len(buf) {
		up = make([]byte, 0, len(f))
	}
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		up = append(up, c)
	}
	e := dmEncoder{w: string(up), n: len(up)}
	return e.encode()
}

type dmEncoder struct {
	w        string
	n        int
	pri, alt [dmMaxLen + 4]byte // codes are built here and copied once
	np, na   int
	slavo    bool
}

// at returns the byte at i, or 0 outside the word, so that look-ahead and
// look-behind need no bounds checks (the published algorithm pads with spaces;
// 0 behaves like padding for every test below except explicit ' ' tests,
// which handle the end of the word separately).
func (e *dmEncoder) at(i int) byte {
	if i < 0 || i >= e.n {
		return 0
	}
	return e.w[i]
}

// is reports whether the substring at start equals one of the options.
func (e *dmEncoder) is(start int, opts ...string) bool {
	if start < 0 {
		return false
	}
	for _, o := range opts {
		if start+len(o) <= e.n {
			if e.w[start:start+len(o)] == o {
				return true
			}
		} else if strings.HasSuffix(o, " ") && start+len(o)-1 == e.n && e.w[start:] == o[:len(o)-1] {
			// A trailing space in an option matches the end of the word.
			return true
		}
	}
	return false
}

func (e *dmEncoder) vowel(i int) bool {
	switch e.at(i) {
	case 'A', 'E', 'I', 'O', 'U', 'Y':
		return true
	}
	return false
}

func (e *dmEncoder) add(p, a string) {
	for i := 0; i < len(p) && e.np < dmMaxLen; i++ {
		e.pri[e.np] = p[i]
		e.np++
	}
	for i := 0; i < len(a) && e.na < dmMaxLen; i++ {
		e.alt[e.na] = a[i]
		e.na++
	}
}

func (e *dmEncoder) add1(s string) { e.add(s, s) }

func (e *dmEncoder) encode() (string, string) {
	w := e.w
	e.slavo = strings.Contains(w, "W") || strings.Contains(w, "K") || strings.Contains(w, "CZ") || strings.Contains(w, "WITZ")
	last := e.n - 1
	cur := 0
	// Skip silent letters at the start of a word.
	if e.is(0, "GN", "KN", "PN", "WR", "PS") {
		cur++
	}
	// Initial 'X' is pronounced 'Z', as in Xavier.
	if e.at(0) == 'X' {
		e.add1("S")
		cur++
	}
	for (e.np < dmMaxLen || e.na < dmMaxLen) && cur < e.n {
		c := w[cur]
		switch c {
		case 'A', 'E', 'I', 'O', 'U', 'Y':
			if cur == 0 {
				e.add1("A") // every initial vowel maps to 'A'
			}
			cur++
		case 'B':
			e.add1("P")
			if e.at(cur+1) == 'B' {
				cur += 2
			} else {
				cur++
			}
		case 'C':
			cur = e.doC(cur)
		case 'D':
			if e.is(cur, "DG") {
				if e.is(cur+2, "I", "E", "Y") { // "edge"
					e.add1("J")
					cur += 3
				} else { // "edgar"
					e.add1("TK")
					cur += 2
				}
				break
			}
			e.add1("T")
			if e.is(cur, "DT", "DD") {
				cur += 2
			} else {
				cur++
			}
		case 'F':
			e.add1("F")
			if e.at(cur+1) == 'F' {
				cur += 2
			} else {
				cur++
			}
		case 'G':
			cur = e.doG(cur)
		case 'H':
			// Keep only if first and before a vowel, or between two vowels.
			if (cur == 0 || e.vowel(cur-1)) && e.vowel(cur+1) {
				e.add1("H")
				cur += 2
			} else {
				cur++
			}
		case 'J':
			cur = e.doJ(cur, last)
		case 'K':
			e.add1("K")
			if e.at(cur+1) == 'K' {
				cur += 2
			} else {
				cur++
			}
		case 'L':
			if e.at(cur+1) == 'L' {
				// Spanish, e.g. "cabrillo", "gallegos".
				if (cur == e.n-3 && e.is(cur-1, "ILLO", "ILLA", "ALLE")) ||
					((e.is(last-1, "AS", "OS") || e.is(last, "A", "O")) && e.is(cur-1, "ALLE")) {
					e.add("L", "")
					cur += 2
					break
				}
				cur += 2
			} else {
				cur++
			}
			e.add1("L")
		case 'M':
			if (e.is(cur-1, "UMB") && (cur+1 == last || e.is(cur+2, "ER"))) || e.at(cur+1) == 'M' {
				cur += 2
			} else {
				cur++
			}
			e.add1("M")
		case 'N':
			if e.at(cur+1) == 'N' {
				cur += 2
			} else {
				cur++
			}
			e.add1("N")
		case 'P':
			if e.at(cur+1) == 'H' {
				e.add1("F")
				cur += 2
				break
			}
			// Also "campbell", "raspberry".
			if e.is(cur+1, "P", "B") {
				cur += 2
			} else {
				cur++
			}
			e.add1("P")
		case 'Q':
			if e.at(cur+1) == 'Q' {
				cur += 2
			} else {
				cur++
			}
			e.add1("K")
		case 'R':
			// French, e.g. "rogier", but not "hochmeier".
			if cur == last && !e.slavo && e.is(cur-2, "IE") && !e.is(cur-4, "ME", "MA") {
				e.add("", "R")
			} else {
				e.add1("R")
			}
			if e.at(cur+1) == 'R' {
				cur += 2
			} else {
				cur++
			}
		case 'S':
			cur = e.doS(cur, last)
		case 'T':
			if e.is(cur, "TION") {
				e.add1("X")
				cur += 3
				break
			}
			if e.is(cur, "TIA", "TCH") {
				e.add1("X")
				cur += 3
				break
			}
			if e.is(cur, "TH") || e.is(cur, "TTH") {
				// "thomas", "thames" or Germanic.
				if e.is(cur+2, "OM", "AM") || e.is(0, "VAN ", "VON ") || e.is(0, "SCH") {
					e.add1("T")
				} else {
					e.add("0", "T")
				}
				cur += 2
				break
			}
			if e.is(cur+1, "T", "D") {
				cur += 2
			} else {
				cur++
			}
			e.add1("T")
		case 'V':
			if e.at(cur+1) == 'V' {
				cur += 2
			} else {
				cur++
			}
			e.add1("F")
		case 'W':
			cur = e.doW(cur, last)
		case 'X':
			// French, e.g. "breaux".
			if !(cur == last && (e.is(cur-3, "IAU", "EAU") || e.is(cur-2, "AU", "OU"))) {
				e.add1("KS")
			}
			if e.is(cur+1, "C", "X") {
				cur += 2
			} else {
				cur++
			}
		case 'Z':
			// Chinese pinyin, e.g. "zhao".
			if e.at(cur+1) == 'H' {
				e.add1("J")
				cur += 2
				break
			} else if e.is(cur+1, "ZO", "ZI", "ZA") || (e.slavo && cur > 0 && e.at(cur-1) != 'T') {
				e.add("S", "TS")
			} else {
				e.add1("S")
			}
			if e.at(cur+1) == 'Z' {
				cur += 2
			} else {
				cur++
			}
		default:
			cur++
		}
	}
	p, a := string(e.pri[:e.np]), string(e.alt[:e.na])
	if a == p {
		a = p // share the string: most names have one code
	}
	return p, a
}

func (e *dmEncoder) doC(cur int) int {
	// Various Germanic.
	if cur > 1 && !e.vowel(cur-2) && e.is(cur-1, "ACH") && e.at(cur+2) != 'I' &&
		(e.at(cur+2) != 'E' || e.is(cur-2, "BACHER", "MACHER")) {
		e.add1("K")
		return cur + 2
	}
	// Special case "caesar".
	if cur == 0 && e.is(cur, "CAESAR") {
		e.add1("S")
		return cur + 2
	}
	// Italian "chianti".
	if e.is(cur, "CHIA") {
		e.add1("K")
		return cur + 2
	}
	if e.is(cur, "CH") {
		// "michael"
		if cur > 0 && e.is(cur, "CHAE") {
			e.add("K", "X")
			return cur + 2
		}
		// Greek roots, e.g. "chemistry", "chorus".
		if cur == 0 && (e.is(cur+1, "HARAC", "HARIS") || e.is(cur+1, "HOR", "HYM", "HIA", "HEM")) && !e.is(0, "CHORE") {
			e.add1("K")
			return cur + 2
		}
		// Germanic, Greek, or otherwise "ch" for the "kh" sound.
		if e.is(0, "VAN ", "VON ") || e.is(0, "SCH") ||
			// "architect" but not "arch", "orchestra", "orchid".
			e.is(cur-2, "ORCHES", "ARCHIT", "ORCHID") ||
			e.is(cur+2, "T", "S") ||
			((e.is(cur-1, "A", "O", "U", "E") || cur == 0) &&
				// "wachtler", "wechsler", but not "tichner".
				(e.is(cur+2, "L", "R", "N", "M", "B", "H", "F", "V", "W", " ") || cur+2 >= e.n)) {
			e.add1("K")
		} else if cur > 0 {
			if e.is(0, "MC") { // "McHugh"
				e.add1("K")
			} else {
				e.add("X", "K")
			}
		} else {
			e.add1("X")
		}
		return cur + 2
	}
	// "czerny"
	if e.is(cur, "CZ") && !e.is(cur-2, "WICZ") {
		e.add("S", "X")
		return cur + 2
	}
	// "focaccia"
	if e.is(cur+1, "CIA") {
		e.add1("X")
		return cur + 3
	}
	// Double 'C', but not as in "McClellan".
	if e.is(cur, "CC") && !(cur == 1 && e.at(0) == 'M') {
		// "bellocchio" but not "bacchus".
		if e.is(cur+2, "I", "E", "H") && !e.is(cur+2, "HU") {
			if (cur == 1 && e.at(cur-1) == 'A') || e.is(cur-1, "UCCEE", "UCCES") {
				e.add1("KS") // "accident", "accede", "succeed"
			} else {
				e.add1("X") // "bacci", "bertucci"
			}
			return cur + 3
		}
		// Pierce's rule.
		e.add1("K")
		return cur + 2
	}
	if e.is(cur, "CK", "CG", "CQ") {
		e.add1("K")
		return cur + 2
	}
	if e.is(cur, "CI", "CE", "CY") {
		// Italian against English.
		if e.is(cur, "CIO", "CIE", "CIA") {
			e.add("S", "X")
		} else {
			e.add1("S")
		}
		return cur + 2
	}
	e.add1("K")
	// Names such as "mac caffrey", "mac gregor".
	if e.is(cur+1, " C", " Q", " G") {
		return cur + 3
	}
	if e.is(cur+1, "C", "K", "Q") && !e.is(cur+1, "CE", "CI") {
		return cur + 2
	}
	return cur + 1
}

func (e *dmEncoder) doG(cur int) int {
	if e.at(cur+1) == 'H' {
		if cur > 0 && !e.vowel(cur-1) {
			e.add1("K")
			return cur + 2
		}
		// "ghislane", "ghiradelli"
		if cur == 0 {
			if e.at(cur+2) == 'I' {
				e.add1("J")
			} else {
				e.add1("K")
			}
			return cur + 2
		}
		// Parker's rule (with refinements), e.g. "hugh", "bough", "broughton".
		if (cur > 1 && e.is(cur-2, "B", "H", "D")) ||
			(cur > 2 && e.is(cur-3, "B", "H", "D")) ||
			(cur > 3 && e.is(cur-4, "B", "H")) {
			return cur + 2
		}
		// "laugh", "McLaughlin", "cough", "gough", "rough", "tough".
		if cur > 2 && e.at(cur-1) == 'U' && e.is(cur-3, "C", "G", "L", "R", "T") {
			e.add1("F")
		} else if cur > 0 && e.at(cur-1) != 'I' {
			e.add1("K")
		}
		return cur + 2
	}
	if e.at(cur+1) == 'N' {
		if cur == 1 && e.vowel(0) && !e.slavo {
			e.add("KN", "N")
		} else if !e.is(cur+2, "EY") && e.at(cur+1) != 'Y' && !e.slavo {
			// Not e.g. "cagney".
			e.add("N", "KN")
		} else {
			e.add1("KN")
		}
		return cur + 2
	}
	// "tagliaro"
	if e.is(cur+1, "LI") && !e.slavo {
		e.add("KL", "L")
		return cur + 2
	}
	// -ges-, -gep-, -gel-, -gie- at the beginning.
	if cur == 0 && (e.at(cur+1) == 'Y' || e.is(cur+1, "ES", "EP", "EB", "EL", "EY", "IB", "IL", "IN", "IE", "EI", "ER")) {
		e.add("K", "J")
		return cur + 2
	}
	// -ger-, -gy-
	if (e.is(cur+1, "ER") || e.at(cur+1) == 'Y') && !e.is(0, "DANGER", "RANGER", "MANGER") &&
		!e.is(cur-1, "E", "I") && !e.is(cur-1, "RGY", "OGY") {
		e.add("K", "J")
		return cur + 2
	}
	// Italian, e.g. "biaggi".
	if e.is(cur+1, "E", "I", "Y") || e.is(cur-1, "AGGI", "OGGI") {
		if e.is(0, "VAN ", "VON ") || e.is(0, "SCH") || e.is(cur+1, "ET") {
			e.add1("K") // obviously Germanic
		} else if e.is(cur+1, "IER ") {
			e.add1("J") // always soft with a French ending
		} else {
			e.add("J", "K")
		}
		return cur + 2
	}
	e.add1("K")
	if e.at(cur+1) == 'G' {
		return cur + 2
	}
	return cur + 1
}

func (e *dmEncoder) doJ(cur, last int) int {
	// Obviously Spanish: "jose", "san jacinto".
	if e.is(cur, "JOSE") || e.is(0, "SAN ") {
		if (cur == 0 && (e.at(cur+4) == ' ' || cur+4 >= e.n)) || e.is(0, "SAN ") {
			e.add1("H")
		} else {
			e.add("J", "H")
		}
		return cur + 1
	}
	if cur == 0 && !e.is(cur, "JOSE") {
		e.add("J", "A") // "Yankelovich" / "Jankelowicz"
	} else if e.vowel(cur-1) && !e.slavo && (e.at(cur+1) == 'A' || e.at(cur+1) == 'O') {
		e.add("J", "H") // Spanish, e.g. "bajador"
	} else if cur == last {
		e.add("J", "")
	} else if !e.is(cur+1, "L", "T", "K", "S", "N", "M", "B", "Z") && !e.is(cur-1, "S", "K", "L") {
		e.add1("J")
	}
	if e.at(cur+1) == 'J' {
		return cur + 2
	}
	return cur + 1
}

func (e *dmEncoder) doS(cur, last int) int {
	// "island", "isle", "carlisle", "carlysle"
	if e.is(cur-1, "ISL", "YSL") {
		return cur + 1
	}
	// "sugar-"
	if cur == 0 && e.is(cur, "SUGAR") {
		e.add("X", "S")
		return cur + 1
	}
	if e.is(cur, "SH") {
		if e.is(cur+1, "HEIM", "HOEK", "HOLM", "HOLZ") {
			e.add1("S") // Germanic
		} else {
			e.add1("X")
		}
		return cur + 2
	}
	// Italian and Armenian.
	if e.is(cur, "SIO", "SIA") || e.is(cur, "SIAN") {
		if !e.slavo {
			e.add("S", "X")
		} else {
			e.add1("S")
		}
		return cur + 3
	}
	// German and anglicisations, e.g. "smith" matches "schmidt", "snider"
	// matches "schneider"; also -sz- in Slavic languages.
	if (cur == 0 && e.is(cur+1, "M", "N", "L", "W")) || e.is(cur+1, "Z") {
		e.add("S", "X")
		if e.is(cur+1, "Z") {
			return cur + 2
		}
		return cur + 1
	}
	if e.is(cur, "SC") {
		// Schlesinger's rule.
		if e.at(cur+2) == 'H' {
			// Dutch origin, e.g. "school", "schooner".
			if e.is(cur+3, "OO", "ER", "EN", "UY", "ED", "EM") {
				if e.is(cur+3, "ER", "EN") { // "schermerhorn", "schenker"
					e.add("X", "SK")
				} else {
					e.add1("SK")
				}
				return cur + 3
			}
			if cur == 0 && !e.vowel(3) && e.at(3) != 'W' {
				e.add("X", "S")
			} else {
				e.add1("X")
			}
			return cur + 3
		}
		if e.is(cur+2, "I", "E", "Y") {
			e.add1("S")
			return cur + 3
		}
		e.add1("SK")
		return cur + 3
	}
	// French, e.g. "resnais", "artois".
	if cur == last && e.is(cur-2, "AI", "OI") {
		e.add("", "S")
	} else {
		e.add1("S")
	}
	if e.is(cur+1, "S", "Z") {
		return cur + 2
	}
	return cur + 1
}

func (e *dmEncoder) doW(cur, last int) int {
	if e.is(cur, "WR") {
		e.add1("R")
		return cur + 2
	}
	if cur == 0 && (e.vowel(cur+1) || e.is(cur, "WH")) {
		if e.vowel(cur + 1) {
			e.add("A", "F") // Wasserman should match Vasserman
		} else {
			e.add1("A") // Uomo should match Womo
		}
	}
	// Arnow should match Arnoff.
	if (cur == last && e.vowel(cur-1)) || e.is(cur-1, "EWSKI", "EWSKY", "OWSKI", "OWSKY") || e.is(0, "SCH") {
		e.add("", "F")
		return cur + 1
	}
	// Polish, e.g. "filipowicz".
	if e.is(cur, "WICZ", "WITZ") {
		e.add("TS", "FX")
		return cur + 4
	}
	return cur + 1
}

// NYSIIS returns the New York State Identification and Intelligence System
// phonetic code of a name ("Macintosh" -> "MCANT"), not truncated.
func NYSIIS(s string) string { return nysiisFolded(foldString(s)) }

// nysiisFolded is NYSIIS for text already folded by foldString.
func nysiisFolded(f string) string {
	// Letters only, upper case.
	b := make([]byte, 0, len(f)+2)
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c >= 'a' && c <= 'z' {
			b = append(b, c-'a'+'A')
		}
	}
	if len(b) == 0 {
		return ""
	}
	c := b
	// 1. Translate first characters.
	switch {
	case hasPrefix(c, "MAC"):
		c[1] = 'C'
	case hasPrefix(c, "KN"):
		c[0] = 'N'
	case hasPrefix(c, "K"):
		c[0] = 'C'
	case hasPrefix(c, "PH"), hasPrefix(c, "PF"):
		c[0], c[1] = 'F', 'F'
	case hasPrefix(c, "SCH"):
		c[1], c[2] = 'S', 'S'
	}
	// 2. Translate last characters.
	switch {
	case hasSuffix(c, "EE"), hasSuffix(c, "IE"):
		c = append(c[:len(c)-2], 'Y')
	case hasSuffix(c, "DT"), hasSuffix(c, "RT"), hasSuffix(c, "RD"), hasSuffix(c, "NT"), hasSuffix(c, "ND"):
		c = append(c[:len(c)-2], 'D')
	}
	n := len(c)
	// 3. The first character of the key is the first character of the name.
	key := make([]byte, 1, n)
	key[0] = c[0]
	isV := func(x byte) bool { return x == 'A' || x == 'E' || x == 'I' || x == 'O' || x == 'U' }
	at := func(i int) byte {
		if i < n {
			return c[i]
		}
		return ' '
	}
	// 4. Translate the remaining characters, writing the translation back so
	// that later rules see it, and add each to the key unless it repeats the
	// character before it.
	for i := 1; i < n; i++ {
		prev, cur, next, next2 := c[i-1], c[i], at(i+1), at(i+2)
		var tr string
		var one [1]byte
		switch {
		case cur == 'E' && next == 'V':
			tr = "AF"
		case isV(cur):
			tr = "A"
		case cur == 'Q':
			tr = "G"
		case cur == 'Z':
			tr = "S"
		case cur == 'M':
			tr = "N"
		case cur == 'K':
			if next == 'N' {
				tr = "NN"
			} else {
				tr = "C"
			}
		case cur == 'S' && next == 'C' && next2 == 'H':
			tr = "SSS"
		case cur == 'P' && next == 'H':
			tr = "FF"
		case cur == 'H' && (!isV(prev) || !isV(next)):
			one[0] = prev
		case cur == 'W' && isV(prev):
			one[0] = prev
		default:
			one[0] = cur
		}
		if tr != "" {
			copy(c[i:], tr)
		} else {
			c[i] = one[0]
		}
		if c[i] != c[i-1] {
			key = append(key, c[i])
		}
	}
	// 5-7. Clean up the end of the key.
	if len(key) > 1 {
		last := key[len(key)-1]
		if last == 'S' {
			key = key[:len(key)-1]
			last = key[len(key)-1]
		}
		if len(key) > 2 && key[len(key)-2] == 'A' && last == 'Y' {
			key = append(key[:len(key)-2], 'Y')
		}
		if last == 'A' {
			key = key[:len(key)-1]
		}
	}
	return string(key)
}

func hasPrefix(b []byte, p string) bool { return len(b) >= len(p) && string(b[:len(p)]) == p }
func hasSuffix(b []byte, p string) bool { return len(b) >= len(p) && string(b[len(b)-len(p):]) == p }
