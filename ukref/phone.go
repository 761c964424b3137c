package ukref

import (
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// DefaultRegion is the region numbers without a country code are read in.
const DefaultRegion = "GB"

// NormalisePhone reads a telephone number written any common way and returns it in E.164.
// ok is false when no reading exists (the caller keeps the number as given and flags it); valid is
// false when a reading exists but the numbering plan does not allocate it (for example Ofcom's
// drama range 07700 900xxx), which is flagged but never rejected.
func NormalisePhone(s string) (e164 string, valid, ok bool) {
	key := memoKey(s)
	if r, hit := phoneMemo.get(key); hit {
		if !r.ok {
			return normalisePhone(s) // unreadable: kept as given, which differs by spacing
		}
		return r.e164, r.valid, r.ok
	}
	e164, valid, ok = normalisePhone(s)
	phoneMemo.put(key, phoneResult{e164, valid, ok})
	return e164, valid, ok
}

// memoKey files numbers that read alike under one memo entry: groups of digits separated by
// single spaces or hyphens, perhaps after a + (or 00, read as +), are filed by their digits.
// Anything else (letters, an extension, brackets, dots) is filed as written, since there
// separators can change the reading.
func memoKey(s string) string {
	t := strings.TrimSpace(s)
	plus := ""
	if rest, ok := strings.CutPrefix(t, "00"); ok {
		plus, t = "+", rest
	} else if rest, ok := strings.CutPrefix(t, "+"); ok {
		plus, t = "+", rest
	}
	digits := make([]byte, 0, len(t))
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case c >= '0' && c <= '9':
			digits = append(digits, c)
		case (c == ' ' || c == '-') && i > 0 && i+1 < len(t) && isDigit(t[i-1]) && isDigit(t[i+1]):
		default:
			return s
		}
	}
	if len(digits) == 0 {
		return s
	}
	// A UK number of the usual ten digits after +44 or 0, starting with a digit the national
	// plan uses (not 0, 4 or 6), reads the same both ways: one entry for both. Shorter or odder
	// numbers keep their own entries (a short national number keeps its 0).
	if plus == "+" && len(digits) == 12 && digits[0] == '4' && digits[1] == '4' && strings.IndexByte("1235789", digits[2]) >= 0 {
		return "0" + string(digits[2:])
	}
	return plus + string(digits)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func normalisePhone(s string) (e164 string, valid, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", false, false
	}
	if strings.HasPrefix(s, "00") {
		s = "+" + s[2:]
	}
	n, err := phonenumbers.Parse(s, DefaultRegion)
	if err != nil || !phonenumbers.IsPossibleNumber(n) {
		return s, false, false
	}
	return phonenumbers.Format(n, phonenumbers.E164), phonenumbers.IsValidNumber(n), true
}

// PhoneDigits returns the digits of s, for matching partial numbers typed into search.
func PhoneDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// NationalPhone returns the UK national form of an E.164 number (+447700900123 -> 07700900123),
// or "" for numbers outside the UK.
func NationalPhone(e164 string) string {
	if strings.HasPrefix(e164, "+44") {
		return "0" + e164[3:]
	}
	return ""
}

type phoneResult struct {
	e164      string
	valid, ok bool
}

// phoneMemo remembers recent readings: libphonenumber's validity check runs dozens of regular
// expressions, and call records name the same numbers over and over. Reading a number is a pure
// function, so a bounded memo changes nothing but the time.
var phoneMemo = &memo{m: map[string]phoneResult{}}

type memo struct {
	mu sync.RWMutex
	m  map[string]phoneResult
}

const memoSize = 500000

func (c *memo) get(k string) (phoneResult, bool) {
	c.mu.RLock()
	r, ok := c.m[k]
	c.mu.RUnlock()
	return r, ok
}

func (c *memo) put(k string, r phoneResult) {
	c.mu.Lock()
	if len(c.m) >= memoSize {
		c.m = make(map[string]phoneResult, memoSize/4) // start afresh rather than grow without bound
	}
	c.m[k] = r
	c.mu.Unlock()
}
