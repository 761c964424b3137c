package match

import (
	"slices"
	"strconv"
	"strings"
)

// Keys returns the blocking keys of p: the union of several blocking rules, so
// that two records of one person share at least one key even when any single
// field is wrong or missing. Keys are short strings (at most 40 bytes, most
// under 20) to be stored in a database index; candidates for a new record are the
// records sharing any of its keys.
//
// The rules, each key prefixed by its rule letter:
//
//	n  phonetic family name + phonetic first given name (in sorted order, so
//	   swapped names share it), for every name and alias; a nickname also
//	   gives the key of its formal name (Bob -> Robert)
//	y  phonetic family name + initial of the given name + year of birth
//	g  phonetic first given name or family name + full date of birth (survives
//	   a change of surname and swapped names)
//	d  full date of birth + initial of the first given name or family name
//	b  full date of birth + postcode, and full date of birth + town
//	a  postcode + house number (same household, whatever the names)
//	h  phonetic family name + house number + phonetic street name
//	s  phonetic family name + postcode district
//	i  identifier type + value
//	t  phone number (last 9 digits)
//	e  e-mail address
func Keys(p *Person) []string {
	r := prepare(p)
	return keysOf(&r)
}

// keysOf returns the sorted, unique blocking keys of a prepared person.
func keysOf(r *prepared) []string {
	keys := make([]string, 0, 24)
	var b strings.Builder
	visitKeys(r, func(rule byte, parts ...string) {
		b.Reset()
		b.WriteByte(rule)
		for i, s := range parts {
			if i > 0 {
				b.WriteByte(':')
			}
			b.WriteString(s)
		}
		keys = append(keys, shortenKey(b.String()))
	})
	slices.Sort(keys)
	return slices.Compact(keys)
}

// maxKeyLen bounds the length of a key; longer keys (long e-mail addresses
// or identifiers) keep their start and end with a hash of the whole.
const maxKeyLen = 40

func shortenKey(k string) string {
	if len(k) <= maxKeyLen {
		return k
	}
	const hexdigits = "0123456789abcdef"
	h := hashKey(k)
	var tail [13]byte
	tail[0] = '~'
	for i := 1; i < len(tail); i++ {
		tail[i] = hexdigits[h&15]
		h >>= 4
	}
	return k[:maxKeyLen-len(tail)] + string(tail[:])
}

// keyHashes appends to dst the hashKey of every blocking key of r, without
// building the key strings (the hash of a key is computed from its parts).
// Duplicates are possible; callers tolerate them.
func keyHashes(r *prepared, dst []uint64, rules string) []uint64 {
	forKeyHashes(r, rules, func(_ byte, h uint64) { dst = append(dst, h) })
	return dst
}

// forKeyHashes calls f with the rule letter and hash of each of r's keys whose rule is in rules
// ("" for all).
func forKeyHashes(r *prepared, rules string, f func(rule byte, h uint64)) {
	visitKeys(r, func(rule byte, parts ...string) {
		if rules != "" && strings.IndexByte(rules, rule) < 0 {
			return
		}
		n := len(parts)
		for _, p := range parts {
			n += len(p)
		}
		if n > maxKeyLen {
			// Rare: hash the shortened key exactly as Keys shows it.
			var b strings.Builder
			b.WriteByte(rule)
			for i, p := range parts {
				if i > 0 {
					b.WriteByte(':')
				}
				b.WriteString(p)
			}
			f(rule, hashKey(shortenKey(b.String())))
			return
		}
		h := fnvOffset
		h = fnvByte(h, rule)
		for i, s := range parts {
			if i > 0 {
				h = fnvByte(h, ':')
			}
			for k := 0; k < len(s); k++ {
				h = fnvByte(h, s[k])
			}
		}
		f(rule, fnvFinish(h))
	})
}

// visitKeys calls emit with the rule letter and parts of every blocking key.
func visitKeys(r *prepared, emit func(rule byte, parts ...string)) {
	var yearBuf [8]byte
	year := ""
	if r.dob.prec >= dobYear {
		year = string(strconv.AppendInt(yearBuf[:0], int64(r.dob.y), 10))
	}
	full := ""
	if r.dob.prec == dobFull || (r.dob.prec == dobText && len(r.dob.text) >= 6) {
		full = r.dob.text
	}
	for i := range r.names {
		n := &r.names[i]
		f := phoneticKey(&n.fam)
		g := ""
		var gt *tok
		if len(n.given) > 0 {
			gt = &n.given[0]
			if len(gt.s) > 1 {
				g = phoneticKey(gt)
			}
		}
		if f != "" && g != "" {
			emitSorted(emit, 'n', f, g)
			for _, grp := range gt.nick {
				if formal := nickGroupCodes[grp]; formal != g && !isFormal(gt.s) {
					emitSorted(emit, 'n', f, formal)
				}
			}
		}
		if f != "" && year != "" && gt != nil {
			emit('y', f, gt.s[:1], year)
		}
		if full != "" {
			if g != "" {
				emit('g', g, full)
			}
			if f != "" {
				emit('g', f, full)
			}
			if gt != nil {
				emit('d', full, gt.s[:1])
			}
			if len(n.fam.s) > 0 {
				emit('d', full, n.fam.s[:1])
			}
		}
		if f != "" {
			for k := range r.posts {
				if r.posts[k].district != "" {
					emit('s', f, r.posts[k].district)
				}
			}
			for k := range r.addrs {
				a := &r.addrs[k]
				if a.street != "" && len(a.numbers) > 0 {
					emit('h', f, a.numbers[0], a.street)
				}
			}
		}
	}
	if full != "" {
		for k := range r.posts {
			emit('b', full, r.posts[k].code)
		}
		for k := range r.addrs {
			if r.addrs[k].town != "" {
				emit('b', full, r.addrs[k].town)
			}
		}
	}
	for k := range r.posts {
		for a := range r.addrs {
			if len(r.addrs[a].numbers) > 0 {
				emit('a', r.posts[k].code, r.addrs[a].numbers[0])
			}
		}
	}
	for k, vals := range r.ids {
		for _, v := range vals {
			emit('i', idDigits[k], v)
		}
	}
	for _, ph := range r.phones {
		if k := phoneKey(ph); k != "" {
			emit('t', k)
		}
	}
	for _, e := range r.emails {
		emit('e', e)
	}
}

func emitSorted(emit func(rule byte, parts ...string), rule byte, x, y string) {
	if x > y {
		x, y = y, x
	}
	emit(rule, x, y)
}

// idDigits names identifier types in keys.
var idDigits = [nID]string{"0", "1", "2", "3", "4", "5"}

// phoneticKey is the blocking code of a name token: its primary Double
// Metaphone code, or the token itself for scripts the code ignores.
func phoneticKey(t *tok) string {
	if t.dm1 != "" {
		return t.dm1
	}
	if len(t.s) > 12 {
		return t.s[:12]
	}
	return t.s
}
