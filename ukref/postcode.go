package ukref

import (
	"regexp"
	"strings"
)

// postcodeRE is the shape of a UK postcode once normalised: outward code, one space, inward code.
var postcodeRE = regexp.MustCompile(`^[A-Z]{1,2}[0-9R][0-9A-Z]? [0-9][ABD-HJLNP-UW-Z]{2}$`)

// ParsePostcode normalises s to the canonical UK form ("ls11aa" -> "LS1 1AA"). ok is false when s is
// not a UK postcode; the caller keeps the input as given (foreign postcodes are stored, not rejected).
func ParsePostcode(s string) (postcode string, ok bool) {
	compact := strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '\t' || r == '-':
			return -1
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, s)
	if len(compact) < 5 || len(compact) > 7 {
		return strings.TrimSpace(s), false
	}
	p := compact[:len(compact)-3] + " " + compact[len(compact)-3:]
	if !postcodeRE.MatchString(p) {
		return strings.TrimSpace(s), false
	}
	return p, true
}

// OutwardCode returns the outward part ("LS1") of a normalised UK postcode, or "" when there is none.
func OutwardCode(postcode string) string {
	if i := strings.IndexByte(postcode, ' '); i > 0 {
		return postcode[:i]
	}
	return ""
}
