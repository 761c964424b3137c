package match

import (
	"math/bits"

	edlib "github.com/hbollon/go-edlib"
)

// jaroWinkler returns the Jaro-Winkler similarity of two strings, exactly as
// go-edlib's JaroWinklerSimilarity computes it. Names are short ASCII strings
// after normalisation, so those are handled here without allocation (the
// comparison runs millions of times in a dedupe); anything else is passed to
// go-edlib. TestJaroWinklerMatchesEdlib checks that both agree.
func jaroWinkler(a, b string) float64 {
	if a == b {
		if a == "" {
			return 0
		}
		return 1
	}
	if len(a) > 64 || len(b) > 64 || !isASCII(a) || !isASCII(b) {
		return float64(edlib.JaroWinklerSimilarity(a, b))
	}
	return float64(jaroWinklerASCII(a, b))
}

func jaroWinklerASCII(a, b string) float32 {
	la, lb := len(a), len(b)
	if la == 0 || lb == 0 {
		return 0
	}
	maxDist := max(la, lb)/2 - 1
	var ma, mb [64]bool
	match := 0
	for i := 0; i < la; i++ {
		lo, hi := max(0, i-maxDist), min(lb, i+maxDist+1)
		for j := lo; j < hi; j++ {
			if !mb[j] && a[i] == b[j] {
				ma[i], mb[j] = true, true
				match++
				break
			}
		}
	}
	if match == 0 {
		return 0
	}
	var t float32
	p := 0
	for i := 0; i < la; i++ {
		if ma[i] {
			for !mb[p] {
				p++
			}
			if a[i] != b[p] {
				t++
			}
			p++
		}
	}
	t /= 2
	m := float32(match)
	sim := (m/float32(la) + m/float32(lb) + (m-t)/m) / 3.0
	if sim == 0 || sim == 1 {
		return sim
	}
	prefix := 0
	for i := 0; i < min(la, lb, 4); i++ {
		if a[i] != b[i] {
			break
		}
		prefix++
	}
	return sim + 0.1*float32(prefix)*(1-sim)
}

// withinOneEdit reports whether a and b differ by at most one insertion,
// deletion, substitution or transposition of adjacent characters (optimal
// string alignment distance <= 1), the typical keying error.
func withinOneEdit(a, b string) bool {
	la, lb := len(a), len(b)
	if la > lb {
		a, b, la, lb = b, a, lb, la
	}
	if lb-la > 1 {
		return false
	}
	i := 0
	for i < la && a[i] == b[i] {
		i++
	}
	if i == la {
		return true // equal, or b has one extra trailing character
	}
	if la == lb {
		// substitution: rest equal; transposition: swapped pair then rest equal
		if a[i+1:] == b[i+1:] {
			return true
		}
		return i+1 < la && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
	}
	// insertion into a
	return a[i:] == b[i+1:]
}

// jaroWinklerAtLeast reports whether jaroWinkler(a, b) >= th, without
// computing it when a cheap upper bound already falls short: the Jaro
// matches cannot outnumber the characters of each string that occur in the
// other at all, and transpositions only lower the score. Most candidate
// pairs have clearly different names, so this skips most of the work.
func jaroWinklerAtLeast(a, b string, th float64) (bool, float64) {
	if a == b {
		return a != "" && th <= 1, 1
	}
	if ub := jaroWinklerUpper(a, b); ub < th {
		return false, ub
	}
	jw := jaroWinkler(a, b)
	return jw >= th, jw
}

// jaroWinklerUpper is an upper bound of jaroWinkler(a, b) for ASCII strings
// (1 for anything else).
func jaroWinklerUpper(a, b string) float64 {
	la, lb := len(a), len(b)
	if la == 0 || lb == 0 {
		return 0
	}
	var ma, mb uint64
	for i := 0; i < la; i++ {
		if a[i] >= 0x80 {
			return 1
		}
		ma |= 1 << (a[i] & 63)
	}
	for i := 0; i < lb; i++ {
		if b[i] >= 0x80 {
			return 1
		}
		mb |= 1 << (b[i] & 63)
	}
	ca, cb := 0, 0
	for i := 0; i < la; i++ {
		if mb&(1<<(a[i]&63)) != 0 {
			ca++
		}
	}
	for i := 0; i < lb; i++ {
		if ma&(1<<(b[i]&63)) != 0 {
			cb++
		}
	}
	m := float64(min(ca, cb))
	if m == 0 {
		return 0
	}
	j := (m/float64(la) + m/float64(lb) + 1) / 3
	prefix := 0
	for prefix < min(la, lb, 4) && a[prefix] == b[prefix] {
		prefix++
	}
	// float32 rounding in the exact computation can exceed the float64
	// bound by a hair, so leave a margin.
	return j + 0.1*float64(prefix)*(1-j) + 1e-6
}

// tokJWAtLeast is jaroWinklerAtLeast for prepared tokens, whose character
// counts make the upper bound a few operations.
func tokJWAtLeast(x, y *tok, th float64) (bool, float64) {
	if x.s == y.s {
		return x.s != "", 1
	}
	if x.hist != nil && y.hist != nil {
		common := x.mask & y.mask
		ca, cb := 0, 0
		for c := common; c != 0; c &= c - 1 {
			b := bits.TrailingZeros64(c)
			ca += int(x.hist[b])
			cb += int(y.hist[b])
		}
		m := float64(min(ca, cb))
		if m == 0 {
			return false, 0
		}
		la, lb := len(x.s), len(y.s)
		j := (m/float64(la) + m/float64(lb) + 1) / 3
		prefix := 0
		for prefix < min(la, lb, 4) && x.s[prefix] == y.s[prefix] {
			prefix++
		}
		if ub := j + 0.1*float64(prefix)*(1-j) + 1e-6; ub < th {
			return false, ub
		}
	}
	jw := jaroWinkler(x.s, y.s)
	return jw >= th, jw
}
