package match

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// foldTable maps accented Latin letters and other scripts that have a common
// romanisation to lower-case ASCII. The standard library has no Unicode
// normalisation, and the app must not depend on more modules, so the letters
// seen in names are listed here. Letters not listed are kept (lower-cased), so
// a name in e.g. Chinese script still compares equal to itself.
var foldTable = map[rune]string{
	// Latin-1 supplement and Latin Extended-A.
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'ā': "a", 'ă': "a", 'ą': "a",
	'æ': "ae", 'ç': "c", 'ć': "c", 'ĉ': "c", 'ċ': "c", 'č': "c",
	'ď': "d", 'đ': "d", 'ð': "d",
	'è': "e", 'é': "e", 'ê': "e", 'ë': "e", 'ē': "e", 'ĕ': "e", 'ė': "e", 'ę': "e", 'ě': "e",
	'ĝ': "g", 'ğ': "g", 'ġ': "g", 'ģ': "g", 'ĥ': "h", 'ħ': "h",
	'ì': "i", 'í': "i", 'î': "i", 'ï': "i", 'ĩ': "i", 'ī': "i", 'ĭ': "i", 'į': "i", 'ı': "i",
	'ĳ': "ij", 'ĵ': "j", 'ķ': "k", 'ĺ': "l", 'ļ': "l", 'ľ': "l", 'ŀ': "l", 'ł': "l",
	'ñ': "n", 'ń': "n", 'ņ': "n", 'ň': "n", 'ŋ': "n",
	'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "o", 'ø': "o", 'ō': "o", 'ŏ': "o", 'ő': "o",
	'œ': "oe", 'ŕ': "r", 'ŗ': "r", 'ř': "r",
	'ś': "s", 'ŝ': "s", 'ş': "s", 'š': "s", 'ș': "s", 'ß': "ss",
	'ţ': "t", 'ť': "t", 'ŧ': "t", 'ț': "t", 'þ': "th",
	'ù': "u", 'ú': "u", 'û': "u", 'ü': "u", 'ũ': "u", 'ū': "u", 'ŭ': "u", 'ů': "u", 'ű': "u", 'ų': "u",
	'ŵ': "w", 'ý': "y", 'ÿ': "y", 'ŷ': "y", 'ź': "z", 'ż': "z", 'ž': "z",
	// Cyrillic (Russian, Ukrainian, Belarusian), a simple BGN/PCGN-like romanisation.
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'ґ': "g", 'д': "d", 'е': "e", 'ё': "e", 'є': "ye",
	'ж': "zh", 'з': "z", 'и': "i", 'і': "i", 'ї': "yi", 'й': "y", 'к': "k", 'л': "l", 'м': "m",
	'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ў': "u", 'ф': "f",
	'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': "", 'ы': "y", 'ь': "", 'э': "e",
	'ю': "yu", 'я': "ya",
	// Greek.
	'α': "a", 'ά': "a", 'β': "v", 'γ': "g", 'δ': "d", 'ε': "e", 'έ': "e", 'ζ': "z", 'η': "i", 'ή': "i",
	'θ': "th", 'ι': "i", 'ί': "i", 'ϊ': "i", 'κ': "k", 'λ': "l", 'μ': "m", 'ν': "n", 'ξ': "x",
	'ο': "o", 'ό': "o", 'π': "p", 'ρ': "r", 'σ': "s", 'ς': "s", 'τ': "t", 'υ': "y", 'ύ': "y",
	'φ': "f", 'χ': "ch", 'ψ': "ps", 'ω': "o", 'ώ': "o",
}

// isApostrophe reports the characters that join the parts of names such as
// O'Brien: they are dropped rather than split on, so O'Brien = OBrien.
func isApostrophe(r rune) bool {
	switch r {
	case '\'', '’', '‘', '`', '´', 'ʼ':
		return true
	}
	return false
}

// foldString lower-cases s, folds accents and romanises Cyrillic and Greek,
// drops apostrophes and turns every other non-alphanumeric rune into a single
// space. The result has no leading or trailing space.
func foldString(s string) string {
	// Fast path: plain ASCII is the common case and needs no table lookups.
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	var b strings.Builder
	b.Grow(len(s))
	space := true // suppress leading spaces
	if ascii {
		for i := 0; i < len(s); i++ {
			c := s[i]
			switch {
			case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
				b.WriteByte(c)
				space = false
			case c >= 'A' && c <= 'Z':
				b.WriteByte(c + 'a' - 'A')
				space = false
			case c == '\'' || c == '`':
			default:
				if !space {
					b.WriteByte(' ')
					space = true
				}
			}
		}
	} else {
		for _, r := range s {
			if isApostrophe(r) {
				continue
			}
			lr := unicode.ToLower(r)
			if f, ok := foldTable[lr]; ok {
				b.WriteString(f)
				space = false
				continue
			}
			if unicode.IsLetter(lr) || unicode.IsDigit(lr) {
				if lr < utf8.RuneSelf {
					b.WriteByte(byte(lr))
				} else if unicode.Is(unicode.Mn, lr) {
					continue // combining accent left over from decomposed input
				} else {
					b.WriteRune(lr)
				}
				space = false
				continue
			}
			if unicode.Is(unicode.Mn, lr) {
				continue
			}
			if !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	out := b.String()
	if n := len(out); n > 0 && out[n-1] == ' ' {
		out = out[:n-1]
	}
	return out
}

// isASCII reports whether s is plain ASCII.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
