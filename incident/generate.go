package incident

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// This file generates a synthetic stream of reports for measuring matching. Its parameters were
// fixed from how incidents are reported, not tuned to make the matcher look good; the awkward
// cases the matcher must get right are built in on purpose (see GenerateStream).

// genPlace is where an incident of a category happens, which decides what location callers give.
type genPlace int

const (
	placeStreet   genPlace = iota // a public place: callers give a point, sometimes a landmark
	placeRoad                     // on a main road
	placeHome                     // a household address: callers usually give the address
	placePremises                 // a business: callers usually name it
)

// genCat describes how incidents of one category happen and are reported.
type genCat struct {
	cat    string
	weight float64  // relative frequency among incidents
	place  genPlace //
	flats  float64  // for placeHome: chance the home is a flat in an estate block
	more   float64  // chance of each further report after the first (geometric, at most 8)
	ring   time.Duration
	follow time.Duration // mean gap between successive callers
	bias   time.Duration // s.d. of the error all callers share in estimating when it happened
	noise  time.Duration // s.d. of each caller's own error in that estimate
	guess  float64       // chance a caller gives no estimate, so OccurredAt is the call time
	night  bool          // happens overnight (burglary, car crime)
	high   float64       // chance of being on the high street (evenings, or shop hours)
	alts   []string      // categories a caller may choose by mistake for it
}

// genCats is the category mix of a town's command and control demand. It is a function rather
// than a package variable so that nothing mutable is shared.
func genCats() []genCat {
	m, h := time.Minute, time.Hour
	return []genCat{
		{cat: AntiSocialBehaviour, weight: 12, place: placeStreet, more: 0.5, ring: 5 * m, follow: 8 * m, bias: 5 * m, noise: 5 * m, guess: 0.3, high: 0.15, alts: []string{PublicOrder, CriminalDamage, SuspiciousCircumstances, Other}},
		{cat: ConcernForSafety, weight: 9, place: placeStreet, more: 0.4, ring: 5 * m, follow: 8 * m, bias: 5 * m, noise: 5 * m, guess: 0.3, alts: []string{MissingPerson, SuspiciousCircumstances}},
		{cat: SuspiciousCircumstances, weight: 7, place: placeStreet, more: 0.35, ring: 5 * m, follow: 10 * m, bias: 5 * m, noise: 5 * m, guess: 0.3, alts: []string{AntiSocialBehaviour, BurglaryDwelling, ConcernForSafety}},
		{cat: DomesticAbuse, weight: 9, place: placeHome, flats: 0.35, more: 0.35, ring: 5 * m, follow: 10 * m, bias: 5 * m, noise: 5 * m, guess: 0.3, alts: []string{Assault, Harassment, ConcernForSafety}},
		{cat: RoadTrafficCollision, weight: 7, place: placeRoad, more: 0.75, ring: 3 * m, follow: 3 * m, bias: 2 * m, noise: 3 * m, guess: 0.3, alts: []string{HighwayDisruption, HighwayDisruption, ConcernForSafety}},
		{cat: Assault, weight: 5, place: placeStreet, more: 0.5, ring: 4 * m, follow: 5 * m, bias: 3 * m, noise: 4 * m, guess: 0.3, high: 0.3, alts: []string{AssaultWithInjury, PublicOrder, Robbery}},
		{cat: AssaultWithInjury, weight: 3, place: placeStreet, more: 0.55, ring: 4 * m, follow: 5 * m, bias: 3 * m, noise: 4 * m, guess: 0.3, high: 0.3, alts: []string{Assault, PublicOrder}},
		{cat: AlarmActivation, weight: 5, place: placePremises, more: 0.45, ring: 3 * m, follow: 6 * m, bias: 2 * m, noise: 3 * m, guess: 0.5, alts: []string{Burglary, SuspiciousCircumstances}},
		{cat: Burglary, weight: 2, place: placePremises, more: 0.35, ring: 3 * h, follow: 40 * m, bias: 45 * m, noise: 20 * m, night: true, alts: []string{AlarmActivation, CriminalDamage, Theft}},
		{cat: BurglaryDwelling, weight: 3, place: placeHome, more: 0.35, ring: 3 * h, follow: 40 * m, bias: 45 * m, noise: 20 * m, night: true, alts: []string{Burglary, SuspiciousCircumstances, Theft}},
		{cat: Theft, weight: 5, place: placeStreet, more: 0.25, ring: 20 * m, follow: 15 * m, bias: 10 * m, noise: 8 * m, high: 0.25, alts: []string{Shoplifting, Robbery}},
		{cat: TheftFromVehicle, weight: 3, place: placeStreet, more: 0.2, ring: 4 * h, follow: 40 * m, bias: 45 * m, noise: 20 * m, night: true, alts: []string{CriminalDamage, Theft}},
		{cat: TheftOfVehicle, weight: 1.5, place: placeStreet, more: 0.2, ring: 4 * h, follow: 40 * m, bias: 60 * m, noise: 20 * m, night: true, alts: []string{TheftFromVehicle, Theft}},
		{cat: Shoplifting, weight: 4, place: placePremises, more: 0.3, ring: 10 * m, follow: 10 * m, bias: 5 * m, noise: 5 * m, guess: 0.3, high: 0.6, alts: []string{Theft}},
		{cat: Robbery, weight: 1, place: placeStreet, more: 0.4, ring: 5 * m, follow: 6 * m, bias: 3 * m, noise: 4 * m, guess: 0.2, high: 0.2, alts: []string{Assault, Theft}},
		{cat: CriminalDamage, weight: 4, place: placeStreet, more: 0.3, ring: 30 * m, follow: 20 * m, bias: 20 * m, noise: 10 * m, high: 0.1, alts: []string{AntiSocialBehaviour}},
		{cat: HighwayDisruption, weight: 3, place: placeRoad, more: 0.6, ring: 5 * m, follow: 6 * m, bias: 5 * m, noise: 5 * m, guess: 0.4, alts: []string{RoadTrafficCollision, Other}},
		{cat: SuddenDeath, weight: 1, place: placeHome, more: 0.15, ring: 30 * m, follow: 20 * m, bias: 60 * m, noise: 20 * m, alts: []string{ConcernForSafety}},
		{cat: PublicOrder, weight: 4, place: placeStreet, more: 0.65, ring: 3 * m, follow: 4 * m, bias: 3 * m, noise: 4 * m, guess: 0.3, high: 0.35, alts: []string{Assault, AntiSocialBehaviour, AssaultWithInjury}},
		{cat: DrugsPossession, weight: 1.5, place: placeStreet, more: 0.3, ring: 10 * m, follow: 10 * m, bias: 5 * m, noise: 5 * m, guess: 0.3, high: 0.2, alts: []string{AntiSocialBehaviour, SuspiciousCircumstances}},
		{cat: PossessionOfWeapons, weight: 1.5, place: placeStreet, more: 0.5, ring: 3 * m, follow: 4 * m, bias: 3 * m, noise: 4 * m, guess: 0.3, high: 0.2, alts: []string{PublicOrder, Assault}},
		{cat: Fraud, weight: 2, place: placeHome, more: 0.1, ring: 6 * h, follow: 2 * h, bias: 3 * h, noise: 30 * m, alts: []string{Theft}},
		{cat: MissingPerson, weight: 2.5, place: placeHome, more: 0.3, ring: 2 * h, follow: 30 * m, bias: 30 * m, noise: 30 * m, alts: []string{ConcernForSafety}},
		{cat: SexualOffence, weight: 1.5, place: placeHome, more: 0.15, ring: 2 * h, follow: 30 * m, bias: 30 * m, noise: 20 * m, alts: []string{Assault}},
		{cat: Harassment, weight: 2.5, place: placeHome, flats: 0.35, more: 0.2, ring: 1 * h, follow: 30 * m, bias: 30 * m, noise: 20 * m, alts: []string{DomesticAbuse, AntiSocialBehaviour}},
		{cat: Other, weight: 3, place: placeStreet, more: 0.3, ring: 10 * m, follow: 10 * m, bias: 5 * m, noise: 5 * m, guess: 0.3, alts: []string{AntiSocialBehaviour}},
	}
}

// Fixed geometry of the synthetic town.
const (
	genRatePerHour   = 5.0  // incidents per hour on average, more in the evening
	genTownRadius    = 4000 // metres: points fall within this of the centre
	genHighStreetLen = 700  // metres
	genMaxReports    = 8
	genMaxJitter     = 150 // metres
	genBlocks        = 40  // blocks of flats per estate
)

// streamParams are the rates of caller error and of awkward incidents. defaultStream has the
// kinds of error the matcher is specified against; harderStream adds errors no rule can recover
// from and doubles the density of the awkward cases, so the tests can show how accuracy
// degrades. Neither is adjusted to the matcher.
type streamParams struct {
	wrongCategory float64 // caller picks a plausible (compatible) wrong category
	oddCategory   float64 // caller picks any category at all
	wrongPoint    float64 // caller's point is somewhere else in town entirely
	noLocation    float64 // caller cannot say where
	noGeocode     float64 // the location record given has no coordinates
	givesAddress  float64 // caller gives the household address (else an approximate point)
	namesPremises float64 // caller names the premises
	neighbourID   float64 // caller (a neighbour) gives their own address instead of the household's
	landmark      float64 // street caller names the nearest landmark
	hot           float64 // multiplies every category's chance of being on the high street
	// Nearby-but-different incidents: the cases that separate a matcher from a radius search.
	rtcTwin     float64 // a second collision 250-400 m away, on the same road name, 5-15 min later
	spree       float64 // more burglaries on the same street the same night
	carSpree    float64 // more cars broken into on the same street the same night
	powerCut    float64 // neighbouring premises' alarms go off together
	secondFight float64 // another fight on the high street soon after
	flatsNext   float64 // another domestic in the same block of flats that evening
}

func defaultStream() streamParams {
	return streamParams{
		wrongCategory: 0.10, wrongPoint: 0.005, noGeocode: 0.02,
		givesAddress: 0.95, namesPremises: 0.9, landmark: 0.25,
		hot:     1,
		rtcTwin: 0.15, spree: 0.35, carSpree: 0.40, powerCut: 0.15, secondFight: 0.25, flatsNext: 0.10,
	}
}

// harderStream adds callers who pick an arbitrary category, cannot say where, or give a
// neighbour's address; doubles wrong points and missing geocodes; and doubles the density of the
// high street, of second collisions and of second fights.
func harderStream() streamParams {
	p := defaultStream()
	p.oddCategory = 0.005
	p.noLocation = 0.003
	p.neighbourID = 0.04
	p.wrongPoint *= 2
	p.noGeocode *= 2
	p.hot *= 2
	p.rtcTwin *= 2
	p.secondFight *= 2
	return p
}

// gen is the generator's state for one stream.
type gen struct {
	p       streamParams
	rng     *rand.Rand
	cats    []genCat
	byCat   map[string]*genCat
	weights float64
	lat0    float64
	lon0    float64
	roads   [][2][2]float64 // main roads as segments in local metres
	blocks  [][][2]float64  // estates of flats: block geocodes per estate
	serial  int             // for location record ids
	incs    []*genIncident
}

type genIncident struct {
	id      string
	cat     *genCat
	at      time.Time
	x, y    float64 // true place in local metres
	loc     string  // its location record (address or premises), if it has one
	next    string  // a neighbouring record, for callers who give their own address
	nx, ny  float64 // the neighbour's place
	vrms    []string
	road    string
	reports []Report
}

// GenerateStream returns a deterministic, realistic stream of n reports in intake (ReportedAt)
// order, and the truth: report ID -> true incident ID. The same n and seed always give the same
// stream.
//
// True incidents happen over a town about 8 km across at about 120 a day (more in the evening),
// with hot spots: a 700 m high street busy with fights, thefts and shoplifting on weekend nights,
// main roads where collisions happen, and estates of flats. Each is reported 1 to 8 times,
// depending on category. Callers:
//
//   - give a point up to about 150 m off (mostly within 30 m), with an accuracy that is
//     itself only an estimate; 0.5% give a point somewhere else in town entirely; a quarter
//     of those at a street incident also name the nearest landmark;
//   - give the address or premises when there is one (95% and 90%), the point then being its
//     geocode, missing 2% of the time;
//   - ring minutes (hours, for crimes discovered in the morning) after the event and estimate
//     when it happened with shared and personal errors; about a third of those ringing about
//     events in progress give no estimate, so OccurredAt is the time of the call;
//   - pick a plausible wrong category 10% of the time;
//   - quote vehicle registrations, sometimes of different vehicles in one collision.
//
// Nearby-but-different incidents are built in: a second collision 250-400 m away, on the same road
// name, 5-15 minutes after the first; burglary sprees on one street in one night; cars broken into along
// one street; neighbouring alarms going off together; a second fight on the high street; two
// domestic incidents in one block of flats. Their location records differ where a real one would.
func GenerateStream(n int, seed uint64) (reports []Report, truth map[string]string) {
	return generateStream(n, seed, defaultStream())
}

func generateStream(n int, seed uint64, p streamParams) (reports []Report, truth map[string]string) {
	truth = map[string]string{}
	if n <= 0 {
		return nil, truth
	}
	g := &gen{
		p:     p,
		rng:   rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		cats:  genCats(),
		byCat: map[string]*genCat{},
		lat0:  52.95,
		lon0:  -1.15,
	}
	for i := range g.cats {
		g.byCat[g.cats[i].cat] = &g.cats[i]
		g.weights += g.cats[i].weight
	}
	for k := range 6 { // radial main roads
		a := (15 + 60*float64(k)) * math.Pi / 180
		g.roads = append(g.roads, [2][2]float64{{200 * math.Cos(a), 200 * math.Sin(a)}, {4000 * math.Cos(a), 4000 * math.Sin(a)}})
	}
	for k := range 24 { // ring road as a polygon
		a0, a1 := float64(k)*math.Pi/12, float64(k+1)*math.Pi/12
		g.roads = append(g.roads, [2][2]float64{{2200 * math.Cos(a0), 2200 * math.Sin(a0)}, {2200 * math.Cos(a1), 2200 * math.Sin(a1)}})
	}
	for range 5 { // estates of flats, each with blocks scattered around its centre
		r, a := 800+g.rng.Float64()*2200, g.rng.Float64()*2*math.Pi
		ex, ey := r*math.Cos(a), r*math.Sin(a)
		var blocks [][2]float64
		for range genBlocks {
			blocks = append(blocks, [2]float64{ex + g.rng.NormFloat64()*150, ey + g.rng.NormFloat64()*150})
		}
		g.blocks = append(g.blocks, blocks)
	}

	// Hour-of-day demand, relative: quiet before dawn, busiest in the evening.
	profile := [24]float64{0.7, 0.6, 0.5, 0.4, 0.3, 0.3, 0.4, 0.6, 0.8, 0.9, 1, 1, 1.1, 1.1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.5, 1.5, 1.4, 1.2, 0.9}
	var mean float64
	for _, p := range profile {
		mean += p / 24
	}
	start := time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC) // a Monday
	var all []Report
	for day := 0; ; day++ {
		dayStart := start.AddDate(0, 0, day)
		for hr := range 24 {
			k := g.poisson(genRatePerHour * profile[hr] / mean)
			for range k {
				at := dayStart.Add(time.Duration(hr)*time.Hour + time.Duration(g.rng.Float64()*float64(time.Hour)))
				g.incident(g.pickCat(), at, dayStart)
			}
		}
		// Stop once n reports are certainly before anything a later day could produce: every
		// later incident, and so every report of it, comes after dayEnd.
		dayEnd := dayStart.AddDate(0, 0, 1)
		before := 0
		for _, in := range g.incs {
			for _, r := range in.reports {
				if r.ReportedAt.Before(dayEnd) {
					before++
				}
			}
		}
		if before >= n {
			break
		}
	}
	for _, in := range g.incs {
		all = append(all, in.reports...)
	}
	slices.SortStableFunc(all, func(a, b Report) int { return a.ReportedAt.Compare(b.ReportedAt) })
	all = all[:n]
	for i := range all {
		inc := all[i].ID // holds the true incident id until renamed here
		all[i].ID = fmt.Sprintf("R%06d", i+1)
		truth[all[i].ID] = inc
	}
	return all, truth
}

func (g *gen) poisson(lambda float64) int {
	l, k, p := math.Exp(-lambda), 0, 1.0
	for {
		p *= g.rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

func (g *gen) pickCat() *genCat {
	x := g.rng.Float64() * g.weights
	for i := range g.cats {
		if x -= g.cats[i].weight; x < 0 {
			return &g.cats[i]
		}
	}
	return &g.cats[len(g.cats)-1]
}

// exp draws an exponential duration with the given mean, capped at six means so that one
// pathological caller cannot stretch an incident over days.
func (g *gen) exp(mean time.Duration) time.Duration {
	return time.Duration(math.Min(g.rng.ExpFloat64(), 6) * float64(mean))
}

func (g *gen) normal(sd time.Duration) time.Duration {
	return time.Duration(g.rng.NormFloat64() * float64(sd))
}

func (g *gen) id(prefix string) string {
	g.serial++
	return fmt.Sprintf("%s%d", prefix, g.serial)
}

// townPoint is a point in town, denser towards the centre.
func (g *gen) townPoint() (x, y float64) {
	for {
		x, y = g.rng.NormFloat64()*1600, g.rng.NormFloat64()*1600
		if math.Hypot(x, y) < genTownRadius {
			return x, y
		}
	}
}

func (g *gen) eveningOrWeekend(at time.Time) (evening, weekend bool) {
	h := at.Hour()
	wd := at.Weekday()
	evening = h >= 19 || h < 3
	weekend = wd == time.Friday || wd == time.Saturday || (wd == time.Sunday && h < 4)
	return
}

// incident creates a true incident of category c at about time at, with its reports, and any
// nearby-but-different incidents it brings with it.
func (g *gen) incident(c *genCat, at, dayStart time.Time) *genIncident {
	if c.night {
		// Overnight: between 22:00 and 05:00 within this day's 24 hours.
		off := g.rng.Float64() * 7
		if off < 2 {
			at = dayStart.Add(time.Duration((22 + off) * float64(time.Hour)))
		} else {
			at = dayStart.Add(time.Duration((off - 2) * float64(time.Hour)))
		}
	}
	in := &genIncident{id: fmt.Sprintf("T%06d", len(g.incs)+1), cat: c, at: at}
	evening, weekend := g.eveningOrWeekend(at)
	// The high street is busiest on weekend evenings; shops are open all day.
	p := c.high * g.p.hot
	if !evening && c.cat != Shoplifting {
		p *= 0.3
	}
	if weekend {
		p *= 1.5
	}
	highStreet := g.rng.Float64() < p
	switch c.place {
	case placeRoad:
		k := g.rng.IntN(len(g.roads))
		s, t := g.roads[k], g.rng.Float64()
		in.x, in.y = s[0][0]+t*(s[1][0]-s[0][0]), s[0][1]+t*(s[1][1]-s[0][1])
		in.road = roadName(k)
	case placeHome:
		if c.flats > 0 && g.rng.Float64() < c.flats {
			// Every flat in a block has the block's geocode, so only the location record
			// tells flats apart.
			e, b := g.rng.IntN(len(g.blocks)), g.rng.IntN(genBlocks)
			in.x, in.y = g.blocks[e][b][0], g.blocks[e][b][1]
			in.loc = fmt.Sprintf("flat:%d:%d:%d", e, b, g.rng.IntN(24)+1)
			in.next = in.loc + "n"
			in.nx, in.ny = in.x, in.y
		} else {
			in.x, in.y = g.townPoint()
			in.loc = g.id("addr:")
			in.next = in.loc + "n"
			a := g.rng.Float64() * 2 * math.Pi
			in.nx, in.ny = in.x+15*math.Cos(a), in.y+15*math.Sin(a)
		}
	case placePremises:
		if highStreet {
			k := g.rng.IntN(70)
			in.x, in.y = -genHighStreetLen/2+float64(k/2)*20, float64(k%2*24-12)
			in.loc = fmt.Sprintf("hs:%d", k)
		} else {
			in.x, in.y = g.townPoint()
			in.loc = g.id("prem:")
		}
		in.next = in.loc + "n"
		in.nx, in.ny = in.x+20, in.y
	default:
		if highStreet {
			in.x, in.y = -genHighStreetLen/2+g.rng.Float64()*genHighStreetLen, g.rng.NormFloat64()*8
		} else {
			in.x, in.y = g.townPoint()
		}
	}
	switch c.cat {
	case RoadTrafficCollision:
		for range 1 + g.rng.IntN(3) {
			in.vrms = append(in.vrms, g.vrm())
		}
	case TheftFromVehicle, TheftOfVehicle:
		in.vrms = []string{g.vrm()}
	}
	g.incs = append(g.incs, in)
	g.report(in)

	// Nearby-but-different incidents, placed relative to this one.
	switch {
	case c.cat == RoadTrafficCollision && g.rng.Float64() < g.p.rtcTwin:
		tw := g.child(in, in.at.Add(5*time.Minute+time.Duration(g.rng.Float64()*float64(10*time.Minute))))
		d, a := 250+g.rng.Float64()*150, g.rng.Float64()*2*math.Pi
		tw.x, tw.y = in.x+d*math.Cos(a), in.y+d*math.Sin(a)
		tw.road = in.road
		for range 1 + g.rng.IntN(3) {
			tw.vrms = append(tw.vrms, g.vrm())
		}
		g.report(tw)
	case (c.cat == BurglaryDwelling && g.rng.Float64() < g.p.spree) || (c.cat == TheftFromVehicle && g.rng.Float64() < g.p.carSpree):
		a := g.rng.Float64() * 2 * math.Pi
		street := g.id("st")
		for k := range 1 + g.rng.IntN(3) {
			s := g.child(in, in.at.Add(time.Duration(g.rng.Float64()*float64(3*time.Hour))))
			d := 15 + g.rng.Float64()*135
			if k%2 == 1 {
				d = -d
			}
			s.x, s.y = in.x+d*math.Cos(a), in.y+d*math.Sin(a)
			if c.cat == BurglaryDwelling {
				s.loc = fmt.Sprintf("%s:%d", street, k)
				s.next = s.loc + "n"
				s.nx, s.ny = s.x+12*math.Cos(a), s.y+12*math.Sin(a)
			} else {
				s.vrms = []string{g.vrm()}
			}
			g.report(s)
		}
	case c.cat == AlarmActivation && g.rng.Float64() < g.p.powerCut:
		for range 1 + g.rng.IntN(3) {
			s := g.child(in, in.at.Add(time.Duration(g.rng.Float64()*float64(10*time.Minute))))
			d, a := 20+g.rng.Float64()*60, g.rng.Float64()*2*math.Pi
			s.x, s.y = in.x+d*math.Cos(a), in.y+d*math.Sin(a)
			s.loc = g.id("prem:")
			s.next = s.loc + "n"
			s.nx, s.ny = s.x+20, s.y
			g.report(s)
		}
	case highStreet && (c.cat == Assault || c.cat == AssaultWithInjury || c.cat == PublicOrder) && g.rng.Float64() < g.p.secondFight:
		cats := []string{Assault, AssaultWithInjury, PublicOrder}
		s := g.child(in, in.at.Add(5*time.Minute+time.Duration(g.rng.Float64()*float64(35*time.Minute))))
		s.cat = g.byCat[cats[g.rng.IntN(len(cats))]]
		d := 40 + g.rng.Float64()*160
		if g.rng.IntN(2) == 0 {
			d = -d
		}
		s.x, s.y = math.Max(-genHighStreetLen/2, math.Min(genHighStreetLen/2, in.x+d)), g.rng.NormFloat64()*8
		g.report(s)
	case c.cat == DomesticAbuse && strings.HasPrefix(in.loc, "flat:") && g.rng.Float64() < g.p.flatsNext:
		s := g.child(in, in.at.Add(time.Duration(g.rng.Float64()*float64(2*time.Hour))))
		s.loc = in.loc + "b" // another flat in the same block: same geocode, different record
		s.next = s.loc + "n"
		g.report(s)
	}
	return in
}

// child starts a different incident of the same category as in, at time at, to be placed by the
// caller.
func (g *gen) child(in *genIncident, at time.Time) *genIncident {
	c := &genIncident{id: fmt.Sprintf("T%06d", len(g.incs)+1), cat: in.cat, at: at, x: in.x, y: in.y, road: in.road}
	g.incs = append(g.incs, c)
	return c
}

// report generates the incident's reports.
func (g *gen) report(in *genIncident) {
	c := in.cat
	k := 1
	for k < genMaxReports && g.rng.Float64() < c.more {
		k++
	}
	bias := g.normal(c.bias)
	var called time.Time
	for i := range k {
		if i == 0 {
			called = in.at.Add(g.exp(c.ring))
		} else {
			called = called.Add(g.exp(c.follow))
		}
		r := Report{ID: in.id, Category: c.cat, ReportedAt: called}
		if g.rng.Float64() < c.guess {
			r.OccurredAt = called
		} else {
			r.OccurredAt = in.at.Add(bias + g.normal(c.noise))
			if r.OccurredAt.After(called) {
				r.OccurredAt = called // nobody reports the future
			}
		}
		switch x := g.rng.Float64(); {
		case x < g.p.wrongCategory:
			r.Category = c.alts[g.rng.IntN(len(c.alts))]
		case x < g.p.wrongCategory+g.p.oddCategory:
			r.Category = g.cats[g.rng.IntN(len(g.cats))].cat
		}
		g.place(in, &r)
		r.Summary = g.summary(in, r.Category)
		in.reports = append(in.reports, r)
	}
}

// place sets the report's location as a caller would give it.
func (g *gen) place(in *genIncident, r *Report) {
	switch x := g.rng.Float64(); {
	case x < g.p.wrongPoint:
		// The caller, or the handset, is confidently wrong: the accuracy claimed is ordinary.
		r.Lat, r.Lon = g.latLon(g.townPoint())
		r.HasPoint = true
		r.Accuracy = g.accuracy(20)
		return
	case x < g.p.wrongPoint+g.p.noLocation:
		return
	}
	if in.loc != "" {
		give := g.p.givesAddress
		if in.cat.place == placePremises {
			give = g.p.namesPremises
		}
		if g.rng.Float64() < give {
			r.LocationID = in.loc
			x, y := in.x, in.y
			if in.cat.place == placeHome && g.rng.Float64() < g.p.neighbourID {
				r.LocationID, x, y = in.next, in.nx, in.ny
			}
			if g.rng.Float64() >= g.p.noGeocode {
				r.Lat, r.Lon = g.latLon(x, y)
				r.HasPoint = true
				r.Accuracy = 10 // a building's geocode
			}
			return
		}
	}
	// A point from the caller's description or handset: error from a mixture of precise,
	// ordinary and poor fixes, capped at genMaxJitter.
	sd := 10.0
	switch x := g.rng.Float64(); {
	case x > 0.88:
		sd = 60
	case x > 0.55:
		sd = 30
	}
	r.Accuracy = g.accuracy(sd)
	dx, dy := g.rng.NormFloat64()*sd, g.rng.NormFloat64()*sd
	if d := math.Hypot(dx, dy); d > genMaxJitter {
		dx, dy = dx*genMaxJitter/d, dy*genMaxJitter/d
	}
	x, y := in.x+dx, in.y+dy
	r.Lat, r.Lon = g.latLon(x, y)
	r.HasPoint = true
	if in.loc == "" && g.rng.Float64() < g.p.landmark {
		// The nearest landmark to where the caller thinks they are: neighbouring callers
		// often name the same one, and different incidents near it share it too.
		r.LocationID = fmt.Sprintf("lm:%.0f:%.0f", math.Round(x/100), math.Round(y/100))
	}
}

// accuracy is the accuracy a caller's point would be given when its true error has standard
// deviation sd: the radius holding it two times in three (1.48 sd), itself only an estimate
// (off by a factor of 1.5 either way about two times in three).
func (g *gen) accuracy(sd float64) float64 {
	return math.Round(1.48 * sd * math.Exp(0.4*g.rng.NormFloat64()))
}

func (g *gen) latLon(x, y float64) (lat, lon float64) {
	return g.lat0 + y/metresPerDegree, g.lon0 + x/(metresPerDegree*math.Cos(g.lat0*math.Pi/180))
}

// vrm makes a current-format UK registration.
func (g *gen) vrm() string {
	l := func() byte { return "ABCDEFGHJKLMNOPRSTUVWXY"[g.rng.IntN(23)] }
	return fmt.Sprintf("%c%c%02d%c%c%c", l(), l(), g.rng.IntN(100), l(), l(), l())
}

// roadName names road segment k: the six radial roads, then the ring road's segments.
func roadName(k int) string {
	names := []string{"London Road", "Derby Road", "Mansfield Road", "Carlton Road", "Trent Road", "Hucknall Road"}
	if k < len(names) {
		return names[k]
	}
	return "Ring Road"
}

// summary writes what the call taker might type: mostly generic words shared by every incident
// of the kind, plus registrations when the caller gives them.
func (g *gen) summary(in *genIncident, cat string) string {
	s := map[string]string{
		RoadTrafficCollision: "vehicles in collision",
		HighwayDisruption:    "road blocked",
		TheftFromVehicle:     "car broken into",
		TheftOfVehicle:       "car stolen",
	}[cat]
	if s == "" {
		s = "caller reports " + cat
	}
	if in.road != "" {
		s += " on " + in.road
	}
	for _, v := range in.vrms {
		p := 0.3
		if len(in.vrms) == 1 && in.cat.cat != RoadTrafficCollision {
			p = 0.7 // the victim knows their own registration
		}
		if g.rng.Float64() < p {
			if g.rng.IntN(2) == 0 {
				v = v[:4] + " " + v[4:]
			}
			s += ", vehicle " + v
		}
	}
	return s
}
