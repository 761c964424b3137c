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
	// Spaces, hyphens and dots do not change a reading, so "07700 900123" and "07700-900123"
	// share one memo entry.
	key := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '.' || r == '\t' {
			return -1
		}
		return r
	}, s)
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
