package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// callMonths is how far back call records go: communications data is kept about a year.
const callMonths = 13

// chooseHeavyUsers picks the telephones of a few prolific offenders to be deal lines: they call
// and text far more numbers than anyone else.
func (g *gen) chooseHeavyUsers() {
	r := g.rng("heavy")
	want := max(3, len(g.phones)/250)
	seen := map[int32]bool{}
	for try := 0; len(g.heavy) < want && try < 100*want && len(g.phones) > 0; try++ {
		p := g.pick(r, g.offendCum, 16, 50)
		pp := g.people[p]
		if pp.nPhones == 0 || pp.dup {
			continue
		}
		ph := pp.firstPhone + int32(pp.nPhones) - 1
		if !seen[ph] {
			seen[ph] = true
			g.heavy = append(g.heavy, ph)
			if g.truth != nil {
				g.truth.HeavyUsers = append(g.truth.HeavyUsers, e164(g.phones[ph].national))
			}
		}
	}
}

// splitmix is a fixed mixing function: the same input gives the same "random" output, so a
// phone's circle of friends is stable without storing it.
func splitmix(x uint64) uint64 {
	x += 0x9E3779B97F4A7C15
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9
	x = (x ^ (x >> 27)) * 0x94D049BB133111EB
	return x ^ (x >> 31)
}

// calls writes the communications data between the force's telephones, in time order over the
// last 13 months with more recently: mostly calls between family and friends, a few deal lines
// texting many customers, relay chains (A calls B, who calls C within minutes), and calls to
// numbers outside the town. Start times strictly increase, so no two calls share a natural key.
func (g *gen) calls() {
	if g.err != nil || len(g.phones) < 2 {
		g.st.ImpliedTelephones = len(g.implied)
		return
	}
	r := g.rng("calls")
	n := g.cfg.Calls
	start := g.now.AddDate(0, -callMonths, 0)
	end := g.now.Add(-2 * time.Hour)
	span := float64(end.Sub(start))
	// Some people are on the phone much more than others.
	act := make([]float64, len(g.phones))
	sum := 0.0
	for i := range act {
		sum += math.Exp(r.NormFloat64())
		act[i] = sum
	}
	customers := make([][]int32, len(g.heavy))
	for i := range customers {
		for range 20 + r.IntN(60) {
			customers[i] = append(customers[i], int32(r.IntN(len(g.phones))))
		}
	}
	clock := start
	next := func(t time.Time) time.Time {
		if !t.After(clock) {
			t = clock.Add(time.Duration(1+r.IntN(20)) * time.Second)
		}
		clock = t
		return t
	}
	written := 0
	for written < n && g.err == nil {
		x := (float64(written) + r.Float64()) / float64(n)
		t := next(start.Add(time.Duration(math.Pow(x, 0.6) * span)))
		switch {
		case len(g.heavy) > 0 && chance(r, 0.04+0.2*math.Pow(x, 4)):
			d := r.IntN(len(g.heavy))
			dealer := g.heavy[d]
			c := customers[d][r.IntN(len(customers[d]))]
			if c == dealer {
				continue
			}
			from, to := g.phones[c].national, g.phones[dealer].national
			if chance(r, 0.4) {
				from, to = to, from
			}
			typ := "sms"
			if chance(r, 0.3) {
				typ = "voice"
			}
			g.call(r, from, to, t, typ)
			written++
		case chance(r, 0.03):
			p := int32(pickCum(r, act))
			ext := externalNumber(r.IntN(300))
			g.implied[e164(ext)] = true
			from, to := g.phones[p].national, ext
			if chance(r, 0.4) {
				from, to = to, from
			}
			g.call(r, from, to, t, oneOf(r, "voice", "voice", "sms"))
			written++
		case chance(r, 0.04):
			// A relay: each hears something and passes it on within minutes.
			a := int32(pickCum(r, act))
			for leg := 0; leg < 2+r.IntN(3) && written < n; leg++ {
				b := g.contact(r, a)
				if b == a {
					break
				}
				g.call(r, g.phones[a].national, g.phones[b].national, t, "voice")
				written++
				t = next(t.Add(time.Duration(60+r.IntN(840)) * time.Second))
				a = b
			}
		default:
			a := int32(pickCum(r, act))
			b := g.contact(r, a)
			if b == a {
				continue
			}
			g.call(r, g.phones[a].national, g.phones[b].national, t, oneOf(r, "voice", "voice", "voice", "sms", "sms"))
			written++
		}
	}
	g.st.ImpliedTelephones = len(g.implied)
}

// contact picks whom phone a calls: someone at home, one of a stable circle of friends (people
// written near them, so mostly neighbours), or anyone.
func (g *gen) contact(r *rand.Rand, a int32) int32 {
	owner := g.people[g.phones[a].owner]
	switch x := r.IntN(10); {
	case x < 3 && owner.hh >= 0:
		ms := g.homes[owner.hh].members
		m := g.people[ms[r.IntN(len(ms))]]
		if m.nPhones > 0 {
			return m.firstPhone
		}
	case x < 8:
		// Friend j of a, favouring the first few.
		j := uint64(choice(r, 30, 20, 14, 10, 8, 7, 6, 5))
		h := splitmix(g.cfg.Seed ^ uint64(a)<<8 ^ j)
		off := int64(h%121) - 60
		if off == 0 {
			off = 61
		}
		b := int64(a) + off
		if b >= 0 && b < int64(len(g.phones)) {
			return int32(b)
		}
	}
	return int32(r.IntN(len(g.phones)))
}

// call writes one call record; voice calls last from seconds to an hour, texts take no time.
func (g *gen) call(r *rand.Rand, from, to string, t time.Time, typ string) {
	c := callLine{Kind: "call", From: writtenNumber(r, from), To: writtenNumber(r, to), Start: t.UTC().Format(time.RFC3339), Type: typ}
	if typ == "voice" {
		c.DurationS = min(3600, 3+int(math.Exp(3.5+r.NormFloat64()*1.2)))
	}
	if chance(r, 0.6) {
		c.Cell = fmt.Sprintf("234-%d-%04d-%05d", oneOf(r, 10, 15, 20, 30), 2000+r.IntN(400), r.IntN(100000))
	}
	g.emit("call", c)
}
