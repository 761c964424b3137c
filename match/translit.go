package match

import "strings"

// TransliterationKey returns a rule-based consonant skeleton of a name token
// that is the same for the usual romanisations of one name: Mohammed, Muhammad,
// Mohamed and Mohammad all give "mhmd"; Aleksandr and Alexander give
// "alksndr"; Dmitri and Dmitry give "dmtr". Vowels after the first letter are
// dropped because romanisations disagree mostly on vowels; letters and digraphs
// that different systems spell differently are first mapped to one spelling
// (x→ks, ph→f, kh→h, w→v, q→k, c→k or s, y→i, j/dzh→j, zh→j) and doubled
// letters are collapsed.
func TransliterationKey(name string) string {
	return translitKey(strings.ReplaceAll(foldString(name), " ", ""))
}

// translitKey is TransliterationKey for a token that is already folded.
func translitKey(t string) string {
	if t == "" {
		return ""
	}
	var out [64]byte
	n := 0
	emit := func(c byte) {
		if n > 0 && out[n-1] == c {
			return // collapse doubled letters
		}
		if n < len(out) {
			out[n] = c
			n++
		}
	}
	isV := func(c byte) bool {
		return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y'
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		var next byte
		if i+1 < len(t) {
			next = t[i+1]
		}
		first := n == 0
		switch {
		case c >= '0' && c <= '9':
			emit(c)
		case isV(c):
			if first {
				if c == 'y' {
					c = 'i'
				}
				emit(c)
			}
		case c == 'p' && next == 'h':
			emit('f')
			i++
		case c == 'k' && next == 'h':
			emit('h')
			i++
		case c == 'z' && next == 'h', c == 'd' && next == 'z' && i+2 < len(t) && t[i+2] == 'h':
			if c == 'd' {
				i++
			}
			emit('j')
			i++
		case c == 't' && next == 'c' && i+2 < len(t) && t[i+2] == 'h':
			emit('c') // "tch" is "ch"
			emit('h')
			i += 2
		case c == 'c' && next == 'h':
			emit('c')
			emit('h')
			i++
		case c == 'c' && next == 'k':
			emit('k')
			i++
		case c == 'c':
			if next == 'e' || next == 'i' || next == 'y' {
				emit('s')
			} else {
				emit('k')
			}
		case c == 'x':
			emit('k')
			emit('s')
		case c == 'q':
			emit('k')
		case c == 'w':
			emit('v')
		case c == 'h':
			// An h after a consonant only marks how that consonant sounds
			// ("th", "dh", "gh"), and final h is silent in most
			// romanisations; keep it after a vowel ("Mohammed").
			if i > 0 && !isV(t[i-1]) && !first {
				continue
			}
			if next == 0 && !first {
				continue
			}
			emit('h')
		default:
			if c >= 'a' && c <= 'z' {
				emit(c)
			}
		}
	}
	return string(out[:n])
}
