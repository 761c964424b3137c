package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/peel-rms/peel/pole"
)

// The town centre, and how far the town reaches.
const (
	centreLat = 53.80
	centreLon = -1.55
	metresLat = 111320.0
	townName  = "Kelbeck"
)

var metresLon = metresLat * math.Cos(centreLat*math.Pi/180)

// street is one street of the town.
type street struct {
	name     string
	district int
	sector   int
	lat, lon float64
	bearing  float64
}

// loc is what later phases need to know of a location.
type loc struct {
	lines    []string
	postcode string
	uprn     string
	lat, lon float64
	street   int32  // -1 for places without a street
	desc     string // what a non-residential place is ("public house")
	home     bool
	marker   bool
}

// district geometry: KB1 is the centre, KB2-KB5 the inner quadrants, KB6-KB12 the outer ring.
func districtPoint(r *rand.Rand, d int) (lat, lon float64) {
	var rmin, rmax, a0, a1 float64
	switch {
	case d == 1:
		rmin, rmax, a0, a1 = 0, 1200, 0, 2*math.Pi
	case d <= 5:
		rmin, rmax = 1200, 3500
		a0 = float64(d-2) * math.Pi / 2
		a1 = a0 + math.Pi/2
	default:
		rmin, rmax = 3500, 7800
		a0 = float64(d-6) * 2 * math.Pi / 7
		a1 = a0 + 2*math.Pi/7
	}
	// Uniform over the annulus sector's area.
	rad := math.Sqrt(rmin*rmin + r.Float64()*(rmax*rmax-rmin*rmin))
	ang := a0 + r.Float64()*(a1-a0)
	return centreLat + rad*math.Cos(ang)/metresLat, centreLon + rad*math.Sin(ang)/metresLon
}

// places writes the town's addresses: homes on streets, then shops, pubs, schools, parks and the
// police station. There are about 1 home for every 2 people; a few stay empty.
func (g *gen) places() {
	r := g.rng("places")
	homesWanted := g.cfg.People/2 + 20
	firsts := zipf(streetFirst)
	kinds := zipf(streetKind)
	used := map[string]bool{}
	units := map[[2]int]int{} // (district, sector) -> units allocated
	districtW := []float64{0, 8, 11, 11, 11, 11, 7, 7, 7, 7, 7, 7, 7}
	uprn := 990000100000
	buildings := splitList(buildingNames, "|")
	houseNames := []string{"Rose Cottage", "The Laurels", "Holly House", "Moor View", "The Old Forge", "Ivy Cottage", "Beck House", "The Barn"}
	for len(g.locs) < homesWanted {
		d := choice(r, districtW...)
		var name string
		for try := 0; ; try++ {
			name = firsts.pick(r) + " " + kinds.pick(r)
			if try > 20 {
				name = oneOf(r, "Upper", "Lower", "New", "Old", "Little") + " " + name
			}
			if !used[fmt.Sprint(d, name)] {
				break
			}
		}
		used[fmt.Sprint(d, name)] = true
		lat, lon := districtPoint(r, d)
		st := street{name: name, district: d, sector: r.IntN(10), lat: lat, lon: lon, bearing: r.Float64() * math.Pi}
		si := int32(len(g.streets))
		g.streets = append(g.streets, st)
		// Street lengths vary from a short close to a long road.
		n := 6 + int(80*r.Float64()*r.Float64())
		flatsAt := -1
		if chance(r, 0.12) {
			flatsAt = 1 + r.IntN(n)
		}
		unitLeft := 0
		var pc string
		newUnit := func() {
			key := [2]int{d, st.sector}
			u := units[key]
			units[key]++
			// A sector holds 400 units; past that the street borrows the next sector.
			sector := (st.sector + u/400) % 10
			pc = postcode(d, sector, u%400)
			unitLeft = 10 + r.IntN(16)
		}
		named := 0
		for num := 1; num <= n && len(g.locs) < homesWanted; num++ {
			if unitLeft == 0 {
				newUnit()
			}
			pos := float64(num-n/2) * 9
			side := float64(num%2*2-1) * 8
			la := st.lat + (pos*math.Cos(st.bearing)+side*math.Sin(st.bearing))/metresLat
			lo := st.lon + (pos*math.Sin(st.bearing)-side*math.Cos(st.bearing))/metresLon
			if num == flatsAt {
				b := oneOf(r, buildings...) + " " + oneOf(r, "House", "Court", "Heights", "Mews")
				for f := 1; f <= 6+r.IntN(19) && len(g.locs) < homesWanted; f++ {
					if unitLeft == 0 {
						newUnit()
					}
					g.addHome(r, []string{fmt.Sprintf("Flat %d", f), b, fmt.Sprintf("%d %s", num, name)}, pc, &uprn, la, lo, si)
					unitLeft--
				}
				continue
			}
			line := fmt.Sprintf("%d %s", num, name)
			if d >= 6 && named < len(houseNames) && chance(r, 0.03) {
				line = houseNames[named] + ", " + line
				named++
			}
			g.addHome(r, []string{line}, pc, &uprn, la, lo, si)
			unitLeft--
		}
	}
	// Non-residential places: the fixed list, then local shops and pubs in proportion to the town.
	type placeDef struct{ name, desc string }
	var defs []placeDef
	for _, l := range strings.Split(places, "\n") {
		name, desc, _ := strings.Cut(l, "|")
		defs = append(defs, placeDef{name, desc})
	}
	extra := g.cfg.People / 400
	for i := 0; i < extra; i++ {
		st := g.streets[r.IntN(len(g.streets))]
		first, _, _ := strings.Cut(st.name, " ")
		kind := choice(r, 4, 2, 2, 1, 1, 1)
		name := []string{first + " Stores", "The " + first + " Arms", first + " Fish Bar", first + " Car Wash", first + " Barbers", first + " Garage"}[kind]
		desc := []string{"shop", "public house", "takeaway", "car wash", "barbers", "garage"}[kind]
		defs = append(defs, placeDef{name, desc})
	}
	seen := map[string]bool{}
	outdoor := map[string]bool{"park": true, "towpath": true, "underpass": true, "bridge": true, "public square": true, "cemetery": true}
	for i, d := range defs {
		li := int32(len(g.locs))
		si := int32(r.IntN(len(g.streets)))
		st := g.streets[si]
		lat, lon := st.lat+(r.Float64()-0.5)*200/metresLat, st.lon+(r.Float64()-0.5)*200/metresLon
		if i == 0 || d.desc == "bus station" || d.desc == "railway station" || d.desc == "market" || d.desc == "public square" {
			// The centre's landmarks are in the centre.
			lat, lon = centreLat+(r.Float64()-0.5)*1200/metresLat, centreLon+(r.Float64()-0.5)*1200/metresLon
		}
		l := &pole.Location{Town: townName, Country: "GB", Lat: round6(lat), Lon: round6(lon), Description: d.desc}
		lc := loc{street: si, lat: *l.Lat, lon: *l.Lon, desc: d.desc}
		if outdoor[d.desc] {
			l.Description = d.name + " (" + d.desc + ")"
			lc.street = -1
		} else {
			key := [2]int{st.district, st.sector}
			u := units[key]
			units[key]++
			l.Lines = []string{d.name, fmt.Sprintf("%d %s", 100+r.IntN(300), st.name)}
			for seen[strings.Join(l.Lines, "|")] {
				l.Lines[1] = fmt.Sprintf("%d %s", 100+r.IntN(300), st.name)
			}
			seen[strings.Join(l.Lines, "|")] = true
			l.Postcode = postcode(st.district, (st.sector+u/400)%10, u%400)
			uprn += 1 + r.IntN(4)
			l.UPRN = fmt.Sprint(uprn)
			lc.lines, lc.postcode, lc.uprn = l.Lines, l.Postcode, l.UPRN
		}
		if i == 0 {
			g.custody = li
		}
		// A few places carry warnings: a pub with a history of violence, a drugs den.
		if d.desc == "public house" && chance(r, 0.15) || d.desc == "night-time economy venue" {
			l.Markers = []pole.Marker{{Code: "VI", ValidFrom: day(g.daysAgo(float64(200 + r.IntN(1500)))), Note: "repeated violence on licensed premises; attend with two officers"}}
		}
		g.locs = append(g.locs, lc)
		g.placeIdx = append(g.placeIdx, li)
		g.emit("location", locationLine{envelope{Kind: "location", Ref: ref('L', int(li))}, l})
	}
}

// addHome writes one residential address. Most have a UPRN; about one in 12 does not, as in a
// force's own gazetteer. A few homes carry location warnings.
func (g *gen) addHome(r *rand.Rand, lines []string, pc string, uprn *int, lat, lon float64, si int32) {
	li := len(g.locs)
	l := &pole.Location{Lines: lines, Town: townName, Postcode: pc, Country: "GB", Lat: round6(lat), Lon: round6(lon)}
	*uprn += 1 + r.IntN(4)
	if !chance(r, 0.08) {
		l.UPRN = fmt.Sprint(*uprn)
	}
	lc := loc{lines: lines, postcode: pc, uprn: l.UPRN, lat: *l.Lat, lon: *l.Lon, street: si, home: true}
	if chance(r, 0.007) {
		code := []string{"DR", "VI", "WE", "FI", "CO"}[choice(r, 30, 25, 15, 8, 4)]
		note := map[string]string{
			"DR": "premises used for the supply of controlled drugs",
			"VI": "occupants violent towards police; attend with two officers",
			"WE": "weapons believed kept at the address",
			"FI": "intelligence of an unlicensed firearm at the address",
			"CO": "occupant with a contagious condition; use PPE",
		}[code]
		m := pole.Marker{Code: code, ValidFrom: day(g.daysAgo(float64(30 + r.IntN(2000)))), Note: note}
		if chance(r, 0.2) {
			m.ValidTo = day(m.ValidFrom.T.AddDate(0, 6+r.IntN(18), 0))
			if m.ValidTo.T.After(g.now) {
				m.ValidTo = nil
			}
		}
		l.Markers = []pole.Marker{m}
		lc.marker = true
	}
	g.locs = append(g.locs, lc)
	g.emit("location", locationLine{envelope{Kind: "location", Ref: ref('L', li)}, l})
}

// streetPoint is a spot on or near a random street, for events that happen outdoors.
func (g *gen) streetPoint(r *rand.Rand) (float64, float64) {
	st := g.streets[r.IntN(len(g.streets))]
	return st.lat + (r.Float64()-0.5)*300/metresLat, st.lon + (r.Float64()-0.5)*300/metresLon
}

// place returns a random non-residential location whose description contains one of the words.
func (g *gen) place(r *rand.Rand, words ...string) int32 {
	for try := 0; try < 40; try++ {
		li := g.placeIdx[r.IntN(len(g.placeIdx))]
		if len(words) == 0 {
			return li
		}
		desc := g.placeDesc(li)
		for _, w := range words {
			if strings.Contains(desc, w) {
				return li
			}
		}
	}
	return g.placeIdx[r.IntN(len(g.placeIdx))]
}

// placeDesc is what kind of place a location is, with its name.
func (g *gen) placeDesc(li int32) string {
	l := g.locs[li]
	if len(l.lines) > 0 {
		return l.desc + " " + strings.ToLower(l.lines[0])
	}
	return l.desc + " outdoor"
}
