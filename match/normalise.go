package match

import (
	"strconv"
	"strings"
	"time"
)

// nameNoise holds titles and generational suffixes. They say little about
// identity and are often present on one record only, so they are dropped.
var nameNoise = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "miss": true, "mx": true, "dr": true, "prof": true,
	"sir": true, "dame": true, "rev": true, "revd": true, "lord": true, "lady": true,
	"jr": true, "jnr": true, "junior": true, "sr": true, "snr": true, "senior": true,
	"esq": true,
}

// NormaliseName returns the comparable form of a name: lower-case, accents
// folded (Siobhán = siobhan), Cyrillic and Greek romanised, apostrophes removed
// (O'Brien = obrien), hyphens and other punctuation turned into single spaces
// (Smith-Jones = "smith jones"), titles and suffixes such as "Mr" and "Jr"
// dropped.
func NormaliseName(s string) string {
	return strings.Join(nameTokens(s), " ")
}

// nameTokens splits a normalised name into tokens, dropping noise words unless
// nothing else is left.
func nameTokens(s string) []string {
	f := foldString(s)
	if f == "" {
		return nil
	}
	toks := strings.Fields(f)
	kept := toks[:0:0]
	for _, t := range toks {
		if !nameNoise[t] {
			kept = append(kept, t)
		}
	}
	if len(kept) == 0 {
		return toks
	}
	return kept
}

// NormalisePostcode returns a postcode in upper case without spaces or
// punctuation ("sw1a 1aa" -> "SW1A1AA").
func NormalisePostcode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9', c >= 'A' && c <= 'Z':
			b.WriteByte(c)
		case c >= 'a' && c <= 'z':
			b.WriteByte(c - 'a' + 'A')
		}
	}
	return b.String()
}

// isUKPostcode reports whether a normalised postcode has the UK shape: an
// outward code of 2-4 characters starting with a letter, then digit letter letter.
func isUKPostcode(p string) bool {
	n := len(p)
	if n < 5 || n > 7 {
		return false
	}
	if !isUpper(p[0]) || !isDigit(p[n-3]) || !isUpper(p[n-2]) || !isUpper(p[n-1]) {
		return false
	}
	return true
}

// postcodeParts returns the sector and district of a normalised postcode. For
// UK postcodes these are "SW1A1" and "SW1A"; for other countries the postcode
// less its last character and its first half, which for numeric systems such
// as Australia's are neighbouring areas.
func postcodeParts(p string) (sector, district string) {
	if isUKPostcode(p) {
		return p[:len(p)-2], p[:len(p)-3]
	}
	if len(p) < 3 {
		return "", ""
	}
	return p[:len(p)-1], p[:(len(p)+1)/2]
}

// NormalisePhone returns the digits of a phone number with an international
// "00" prefix turned into the plain country code.
func NormalisePhone(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			b.WriteByte(s[i])
		}
	}
	d := b.String()
	if strings.HasPrefix(d, "00") {
		d = d[2:]
	}
	return d
}

// phoneKey returns the last 9 digits of a phone number. That is the national
// number without trunk prefix or country code for the UK and most of Europe,
// so +44 7700 900123 and 07700 900123 agree. Numbers too short to be whole
// return "".
func phoneKey(d string) string {
	if len(d) < 9 {
		return ""
	}
	return d[len(d)-9:]
}

// NormaliseEmail returns the address part of an e-mail in lower case, taking
// the part inside angle brackets of forms such as "Jay Jones <jj@x.com>".
func NormaliseEmail(s string) string {
	if i := strings.LastIndexByte(s, '<'); i >= 0 {
		if j := strings.IndexByte(s[i:], '>'); j > 0 {
			s = s[i+1 : i+j]
		}
	}
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.Trim(s, "\"'<>,; ")
	if !strings.Contains(s, "@") {
		return ""
	}
	return s
}

// NormaliseIdentifier returns an identifier value in upper case with spaces
// and punctuation removed ("ab 12 34 56 c" -> "AB123456C", "2001/12345A" ->
// "200112345A").
func NormaliseIdentifier(s string) string {
	return NormalisePostcode(foldString(s))
}

// IdentifierType maps the many spellings of identifier types to the types the
// model knows: IDPNC, IDCRO, IDNINumber, IDPassport, IDDrivingLicence or IDOther.
func IdentifierType(t string) string {
	switch strings.ReplaceAll(foldString(t), " ", "_") {
	case "pnc_id", "pnc", "pncid", "pnc_number", "pnc_no":
		return IDPNC
	case "cro_number", "cro", "cro_no", "crono":
		return IDCRO
	case "ni_number", "ni", "nino", "nino_number", "national_insurance", "national_insurance_number":
		return IDNINumber
	case "passport", "passport_number", "passport_no":
		return IDPassport
	case "driving_licence", "driving_license", "drivers_license", "drivers_licence", "driver_license",
		"driving_licence_number", "dl", "drivers_license_number":
		return IDDrivingLicence
	}
	return IDOther
}

// NormaliseGender maps the usual spellings to "M", "F", "X" or "" (unknown).
func NormaliseGender(s string) string {
	switch foldString(s) {
	case "m", "male", "man", "boy":
		return "M"
	case "f", "female", "woman", "girl":
		return "F"
	case "x", "other", "non binary", "nonbinary", "indeterminate":
		return "X"
	}
	return ""
}

// DOB precision of a parsed date of birth.
const (
	dobNone  = iota // missing
	dobText         // present but not a date: compared as text
	dobYear         // "1980"
	dobMonth        // "1980-02"
	dobFull         // "1980-02-03"
)

// dob is a parsed date of birth.
type dob struct {
	prec    uint8
	y, m, d int
	text    string // digits "19800203" for dates, folded text for invalid values
}

// ParseDOB parses a date of birth given as "YYYY-MM-DD", "YYYY-MM" or "YYYY"
// (also "YYYYMMDD" and "/" or "." separators). It returns the parts present,
// zero for parts absent, and ok=false when the text is not a real date, such
// as "19801332" or "1980-13-45": the caller keeps such text and compares it as
// text.
func ParseDOB(s string) (year, month, day int, ok bool) {
	d := parseDOB(s)
	return d.y, d.m, d.d, d.prec >= dobYear
}

func parseDOB(s string) dob {
	s = strings.TrimSpace(s)
	if s == "" {
		return dob{}
	}
	var parts []string
	if len(s) == 8 && allDigits(s) {
		parts = []string{s[:4], s[4:6], s[6:]}
	} else {
		parts = strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '/' || r == '.' || r == ' ' })
	}
	if len(parts) >= 1 && len(parts) <= 3 && len(parts[0]) == 4 && allDigits(parts[0]) {
		y, _ := strconv.Atoi(parts[0])
		ok := y >= 1800 && y <= 2200
		m, d := 0, 0
		for i, p := range parts[1:] {
			if len(p) == 0 || len(p) > 2 || !allDigits(p) {
				ok = false
				break
			}
			v, _ := strconv.Atoi(p)
			if i == 0 {
				m = v
			} else {
				d = v
			}
		}
		if ok && len(parts) >= 2 && (m < 1 || m > 12) {
			ok = false
		}
		if ok && len(parts) == 3 {
			t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
			if d < 1 || t.Day() != d {
				ok = false
			}
		}
		if ok {
			r := dob{y: y, m: m, d: d}
			switch len(parts) {
			case 1:
				r.prec, r.text = dobYear, parts[0]
			case 2:
				r.prec, r.text = dobMonth, parts[0]+pad2(m)
			default:
				r.prec, r.text = dobFull, parts[0]+pad2(m)+pad2(d)
			}
			return r
		}
	}
	// Not a date: keep as text so that two records carrying the same wrong
	// value (or a typo of it) still agree. Digits only when there are digits,
	// so "1980-13-45" and "19801345" are the same text.
	t := digitsOf(s)
	if len(t) < 4 {
		t = strings.ReplaceAll(foldString(s), " ", "")
	}
	if t == "" {
		return dob{}
	}
	return dob{prec: dobText, text: t}
}

func pad2(v int) string {
	if v < 10 {
		return "0" + strconv.Itoa(v)
	}
	return strconv.Itoa(v)
}

func digitsOf(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

// streetAbbrev expands the abbreviations used in street addresses so that
// "12 High St" and "12 High Street" share their tokens.
var streetAbbrev = map[string]string{
	"rd": "road", "ave": "avenue", "av": "avenue", "avn": "avenue", "ln": "lane", "dr": "drive", "drv": "drive",
	"ct": "court", "crt": "court", "cl": "close", "cres": "crescent", "cresc": "crescent", "cr": "crescent",
	"pl": "place", "plc": "place", "sq": "square", "gdns": "gardens", "gdn": "garden", "gr": "grove", "grv": "grove",
	"tce": "terrace", "terr": "terrace", "ter": "terrace", "hwy": "highway", "pde": "parade", "cir": "circuit",
	"cct": "circuit", "crct": "circuit", "blvd": "boulevard", "bvd": "boulevard", "pk": "park", "mt": "mount",
	"wy": "way", "cresent": "crescent", "pkwy": "parkway", "sth": "south", "nth": "north", "est": "estate",
	"apt": "flat", "appt": "flat", "apartment": "flat", "unit": "flat", "ste": "suite", "bldg": "building",
	"hse": "house", "ho": "house", "cott": "cottage", "ctr": "centre", "center": "centre", "hts": "heights",
	"mws": "mews", "rw": "row", "wk": "walk", "cswy": "causeway", "esp": "esplanade", "st.": "street",
}

// addressNoise are tokens that say nothing about where someone lives.
var addressNoise = map[string]bool{"the": true, "of": true, "and": true, "po": true, "box": false}

// addressTokens returns the normalised tokens of an address's lines and town
// (lines first; nLine of them), and the numeric tokens of its lines (house
// and flat numbers).
func addressTokens(a *Address) (tokens, numbers []string, nLine int) {
	for _, line := range a.Lines {
		toks := strings.Fields(foldString(line))
		for i, t := range toks {
			if e, ok := streetAbbrev[t]; ok {
				t = e
			} else if t == "st" {
				// "st" ends a street name ("High St") but starts a saint's
				// name ("St Albans").
				if i == len(toks)-1 || isDigit(toks[i+1][0]) {
					t = "street"
				} else {
					t = "saint"
				}
			}
			if addressNoise[t] {
				continue
			}
			if isDigit(t[0]) {
				n := strings.TrimLeft(t, "0")
				if n == "" {
					n = "0"
				}
				numbers = append(numbers, n)
			}
			tokens = append(tokens, t)
		}
	}
	nLine = len(tokens)
	for _, t := range strings.Fields(foldString(a.Town)) {
		if t == "st" {
			t = "saint"
		}
		tokens = append(tokens, t)
	}
	return tokens, numbers, nLine
}
