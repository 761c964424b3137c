package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/peel-rms/peel/pole"
)

// eventsPerPerson sets the force's workload: about one event for each person record.
const eventsPerPerson = 1.0

// historyDays is how far back events go: 30 months.
const historyDays = 913

// events writes the force's events: repeated domestic abuse at the same addresses, children who
// go missing again and again, a few restricted investigations, then a mix of every event type.
func (g *gen) events() {
	r := g.rng("events")
	target := int(math.Round(float64(g.cfg.People) * eventsPerPerson))
	g.chooseHeavyUsers()
	g.domesticAbuse(r)
	g.repeatMissing(r)
	g.sensitive(r)
	types := []string{"incident", "crime", "intelligence", "investigation", "stop_search", "custody", "missing_person", "contact"}
	weights := []float64{40, 24, 13, 3, 8, 6, 1, 5}
	for g.st.Kinds["event"] < target && g.err == nil {
		switch types[choice(r, weights...)] {
		case "incident":
			g.incident(r, "incident", g.category(r, false), g.eventTime(r))
		case "crime":
			g.incident(r, "crime", g.category(r, true), g.eventTime(r))
		case "intelligence":
			g.intelligence(r, g.eventTime(r), nil)
		case "investigation":
			g.investigation(r, g.eventTime(r), nil)
		case "stop_search":
			g.stopSearch(r, g.eventTime(r))
		case "custody":
			g.custodyEpisode(r, g.eventTime(r))
		case "missing_person":
			p := g.pick(r, g.victimCum, 10, 95)
			g.missing(r, p, g.eventTime(r), -1)
		case "contact":
			g.publicContact(r, g.eventTime(r))
		}
	}
}

// eventTime draws when an event happened: three in four spread evenly over 30 months, one in
// four in the last few weeks; more in the afternoon and evening than at night.
func (g *gen) eventTime(r *rand.Rand) time.Time {
	d := r.Float64() * historyDays
	if chance(r, 0.25) {
		d = math.Min(r.ExpFloat64()*18, historyDays)
	}
	return g.atHour(r, int(d))
}

var hourWeights = []float64{3, 2, 1.5, 1, 1, 1, 1.5, 2.5, 3.5, 4, 4, 4.5, 5, 5, 5.5, 6, 6.5, 6.5, 6.5, 6, 5.5, 5, 4.5, 3.5}

// atHour is a time on the day daysAgo days before now, at a likely hour, never in the future.
func (g *gen) atHour(r *rand.Rand, daysAgo int) time.Time {
	d := g.now.AddDate(0, 0, -daysAgo)
	t := time.Date(d.Year(), d.Month(), d.Day(), choice(r, hourWeights...), r.IntN(60), 0, 0, time.UTC)
	for t.After(g.now.Add(-5 * time.Minute)) {
		t = t.Add(-24 * time.Hour)
	}
	return t
}

// pick draws a person record by the weights in cum, within an age range.
func (g *gen) pick(r *rand.Rand, cum []float64, minAge, maxAge int) int32 {
	var i int
	for try := 0; try < 50; try++ {
		i = pickCum(r, cum)
		if a := g.people[i].age(g.now); a >= minAge && a <= maxAge {
			break
		}
	}
	return int32(i)
}

func (g *gen) suspect(r *rand.Rand) int32 { return g.pick(r, g.offendCum, 12, 75) }
func (g *gen) victim(r *rand.Rand) int32  { return g.pick(r, g.victimCum, 0, 100) }
func (g *gen) adult(r *rand.Rand) int32 {
	i := int32(r.IntN(len(g.people)))
	for try := 0; try < 100 && g.people[i].age(g.now) < 18; try++ {
		i = int32(r.IntN(len(g.people)))
	}
	return i
}

func (g *gen) pref(i int32) string { return g.people[i].refStr() }

// reference numbers events by type, as a force's systems do: incidents by day, the rest by year.
func (g *gen) reference(typ string, t time.Time) string {
	yy := t.Year() % 100
	key := func(k string) int {
		g.refSeq[k]++
		return g.refSeq[k]
	}
	switch typ {
	case "incident":
		d := t.Format("060102")
		return fmt.Sprintf("INC-%s-%04d", d, key("incident"+d))
	case "crime":
		return fmt.Sprintf("13/%06d/%02d", key(fmt.Sprint("crime", yy)), yy)
	case "intelligence":
		return fmt.Sprintf("IR/%06d/%02d", key(fmt.Sprint("intel", yy)), yy)
	case "investigation":
		return fmt.Sprintf("INV/%05d/%02d", key(fmt.Sprint("inv", yy)), yy)
	case "stop_search":
		return fmt.Sprintf("SS/%06d/%02d", key(fmt.Sprint("ss", yy)), yy)
	case "custody":
		return fmt.Sprintf("CU/%06d/%02d", key(fmt.Sprint("cu", yy)), yy)
	case "missing_person":
		return fmt.Sprintf("MP/%05d/%02d", key(fmt.Sprint("mp", yy)), yy)
	}
	return fmt.Sprintf("CT/%06d/%02d", key(fmt.Sprint("ct", yy)), yy)
}

// newEvent starts an event of type typ at t with its force reference and reporting time.
func (g *gen) newEvent(r *rand.Rand, typ string, t time.Time) (string, *pole.Event) {
	eref := ref('E', g.eventSeq)
	g.eventSeq++
	e := &pole.Event{Type: typ, Reference: g.reference(typ, t), OccurredAt: at(t)}
	rep := t.Add(time.Duration(r.IntN(40)) * time.Minute)
	if typ == "crime" {
		rep = t.Add(time.Duration(r.ExpFloat64() * float64(30*time.Hour)))
	}
	if rep.After(g.now) {
		rep = g.now.Add(-time.Minute)
	}
	if typ != "intelligence" {
		e.ReportedAt = at(rep)
	}
	return eref, e
}

// settle sets an event's status: events older than after are closed (with probability p).
func (g *gen) settle(r *rand.Rand, e *pole.Event, after time.Duration, p float64) {
	t := e.OccurredAt.T
	if g.now.Sub(t) < after || !chance(r, p) {
		e.Status = pole.StatusOpen
		return
	}
	e.Status = pole.StatusClosed
	c := t.Add(after/4 + time.Duration(r.Float64()*float64(after)))
	if c.After(g.now) {
		c = g.now.Add(-time.Minute)
	}
	e.ClosedAt = at(c)
}

// write emits an event at a location (or at a point, or nowhere when li < 0 and no lat/lon).
// Most events name their location with the shorthand; the rest with an occurred_at link line.
func (g *gen) write(r *rand.Rand, eref string, e *pole.Event, li int32, access *pole.Access) {
	explicit := false
	if li >= 0 {
		l := g.locs[li]
		if chance(r, 0.4) {
			e.Lat, e.Lon = round6(l.lat+(r.Float64()-0.5)*10/metresLat), round6(l.lon+(r.Float64()-0.5)*10/metresLon)
		}
		if chance(r, 0.6) {
			e.Location = ref('L', int(li))
			g.st.ShorthandLinks++
		} else {
			explicit = true
		}
	}
	g.emit("event", eventLine{envelope{Kind: "event", Ref: eref, Access: access}, e})
	g.st.EventTypes[e.Type]++
	if explicit {
		g.link(eref, ref('L', int(li)), "occurred_at", e.When(), nil, "")
	}
	if access != nil && g.truth != nil {
		g.truth.Restricted = append(g.truth.Restricted, eref)
	}
}

// object writes an object line and returns its ref.
func (g *gen) object(o *pole.Object) string {
	oi := g.objectSeq
	g.objectSeq++
	oref := ref('O', oi)
	g.emit("object", objectLine{envelope{Kind: "object", Ref: oref}, o})
	return oref
}

// property makes an item of property of the kind typ, with a serial where such things have one.
func (g *gen) property(r *rand.Rand, typ string) *pole.Object {
	seq := g.objectSeq
	switch typ {
	case "phone_handset":
		hs := strings.Split(handsets, "|")
		k := 2 * r.IntN(len(hs)/2)
		return &pole.Object{Type: typ, Make: hs[k], Model: hs[k+1], Serial: imei(r, seq), Description: "mobile phone"}
	case "bicycle":
		bs := strings.Split(bicycles, "|")
		k := 2 * r.IntN(len(bs)/2)
		return &pole.Object{Type: typ, Make: bs[k], Model: bs[k+1], Serial: fmt.Sprintf("WTU%07dC", seq), Description: oneOf(r, "black", "red", "blue", "white", "grey") + " bicycle"}
	case "laptop":
		ls := strings.Split(laptops, "|")
		k := 2 * r.IntN(len(ls)/2)
		return &pole.Object{Type: typ, Make: ls[k], Model: ls[k+1], Serial: fmt.Sprintf("5CD%07dX", seq)}
	case "jewellery":
		return &pole.Object{Type: typ, Description: oneOf(r, strings.Split(jewellery, "|")...)}
	case "cash":
		return &pole.Object{Type: typ, Description: fmt.Sprintf("cash, £%d in mixed notes", 20*(1+r.IntN(200)))}
	case "weapon":
		return &pole.Object{Type: typ, Description: oneOf(r, strings.Split(weapons, "|")...)}
	case "drugs":
		return &pole.Object{Type: typ, Description: oneOf(r, strings.Split(drugs, "|")...)}
	case "document":
		return &pole.Object{Type: typ, Description: oneOf(r, "counterfeit UK passport", "forged driving licence", "stolen bank card", "false utility bill"), Serial: fmt.Sprintf("99%07d", seq)}
	}
	return &pole.Object{Type: "other", Description: oneOf(r, "power tools", "garden machinery", "games console", "designer handbag", "television")}
}

// category draws an incident or crime category, weighted as a force's demand is.
func (g *gen) category(r *rand.Rand, crime bool) string {
	if crime {
		cats := []string{"assault", "assault_with_injury", "burglary", "burglary_dwelling", "theft", "theft_from_vehicle", "theft_of_vehicle",
			"shoplifting", "robbery", "criminal_damage", "public_order", "drugs_possession", "possession_of_weapons", "fraud", "sexual_offence", "harassment", "domestic_abuse"}
		return cats[choice(r, 12, 8, 4, 6, 10, 6, 3, 9, 2, 9, 5, 4, 2, 6, 2, 7, 3)]
	}
	cats := []string{"anti_social_behaviour", "concern_for_safety", "suspicious_circumstances", "domestic_abuse", "road_traffic_collision", "assault",
		"assault_with_injury", "alarm_activation", "burglary", "burglary_dwelling", "theft", "theft_from_vehicle", "theft_of_vehicle", "shoplifting", "robbery",
		"criminal_damage", "highway_disruption", "sudden_death", "public_order", "drugs_possession", "possession_of_weapons", "fraud", "missing_person",
		"sexual_offence", "harassment", "other"}
	return cats[choice(r, 14, 10, 8, 3, 6, 5, 2, 5, 2, 3, 5, 3, 2, 5, 1, 5, 3, 1, 4, 2, 1, 2, 1, 1, 3, 3)]
}

// victimless categories have no person harmed; outdoor ones happen in the street.
var (
	victimless = map[string]bool{"anti_social_behaviour": true, "suspicious_circumstances": true, "alarm_activation": true, "highway_disruption": true,
		"drugs_possession": true, "possession_of_weapons": true, "public_order": true, "other": true, "road_traffic_collision": true}
	atHome  = map[string]bool{"domestic_abuse": true, "burglary_dwelling": true, "concern_for_safety": true, "harassment": true, "sudden_death": true, "fraud": true, "missing_person": true}
	outdoor = map[string]bool{"road_traffic_collision": true, "highway_disruption": true, "anti_social_behaviour": true, "criminal_damage": true,
		"theft_from_vehicle": true, "suspicious_circumstances": true, "possession_of_weapons": true}
	atPlace = map[string][]string{"shoplifting": {"shop", "supermarket", "retail", "pharmacy", "market"}, "public_order": {"public house", "night", "club", "square"},
		"robbery": {"underpass", "park", "towpath", "bus", "cemetery"}, "assault": {"public house", "night", "takeaway", "bus", "square"},
		"assault_with_injury": {"public house", "night", "takeaway", "square"}, "alarm_activation": {"shop", "school", "pharmacy", "garage", "library", "betting"},
		"burglary": {"shop", "garage", "school", "club", "barbers", "car wash"}, "theft": {"retail", "market", "bus", "railway", "hospital", "leisure", "supermarket"},
		"drugs_possession": {"park", "underpass", "car park", "towpath", "night"}}
)

// incident writes an incident or a crime of the category at t, with the people, vehicles and
// property involved. Some incidents are reported by several callers: each report is its own
// incident, linked to the first by report_of.
func (g *gen) incident(r *rand.Rand, typ, cat string, t time.Time) {
	if cat == "missing_person" {
		g.missing(r, g.pick(r, g.victimCum, 10, 95), t, -1)
		return
	}
	eref, e := g.newEvent(r, typ, t)
	e.Category = cat
	var vic, sus []int32
	if !victimless[cat] {
		vic = append(vic, g.victim(r))
		if chance(r, 0.08) {
			vic = append(vic, g.victim(r))
		}
	}
	pSuspect := 0.35
	if typ == "crime" {
		pSuspect = 0.55
	}
	switch cat {
	case "drugs_possession", "possession_of_weapons", "shoplifting", "public_order", "harassment", "domestic_abuse":
		pSuspect = 0.9
	case "road_traffic_collision", "alarm_activation", "highway_disruption", "sudden_death", "concern_for_safety":
		pSuspect = 0
	}
	if chance(r, pSuspect) {
		sus = append(sus, g.suspect(r))
		for chance(r, 0.25) && len(sus) < 4 {
			sus = append(sus, g.suspect(r))
		}
	}
	sus = distinct(sus, vic)
	// Where it happened.
	li := int32(-1)
	switch {
	case atHome[cat] && len(vic) > 0 && g.people[vic[0]].home >= 0:
		li = g.people[vic[0]].home
	case cat == "theft_of_vehicle" && len(vic) > 0 && g.people[vic[0]].home >= 0 && chance(r, 0.6):
		li = g.people[vic[0]].home
	case atPlace[cat] != nil && chance(r, 0.8):
		li = g.place(r, atPlace[cat]...)
	case outdoor[cat] || chance(r, 0.3):
		lat, lon := g.streetPoint(r)
		e.Lat, e.Lon = round6(lat), round6(lon)
	default:
		li = g.place(r)
	}
	// Vehicles and property.
	var vehs []int
	var objs []string
	var objOwner []int32
	switch cat {
	case "road_traffic_collision":
		if len(g.vehicles) == 0 {
			break
		}
		vehs = append(vehs, r.IntN(len(g.vehicles)))
		if chance(r, 0.75) {
			vehs = append(vehs, r.IntN(len(g.vehicles)))
		}
	case "theft_of_vehicle", "theft_from_vehicle":
		if len(vic) > 0 && g.people[vic[0]].nVeh > 0 {
			vehs = append(vehs, int(g.people[vic[0]].firstVeh))
		} else if len(g.vehicles) > 0 {
			vehs = append(vehs, r.IntN(len(g.vehicles)))
		}
		if cat == "theft_from_vehicle" && chance(r, 0.5) {
			objs = append(objs, g.object(g.property(r, oneOf(r, "laptop", "phone_handset", "other", "cash"))))
		}
	case "burglary_dwelling", "burglary":
		for range 1 + r.IntN(3) {
			objs = append(objs, g.object(g.property(r, oneOf(r, "laptop", "jewellery", "jewellery", "cash", "phone_handset", "bicycle", "other"))))
		}
	case "theft":
		objs = append(objs, g.object(g.property(r, oneOf(r, "bicycle", "bicycle", "phone_handset", "laptop", "cash", "other"))))
	case "robbery":
		objs = append(objs, g.object(g.property(r, oneOf(r, "phone_handset", "phone_handset", "cash", "jewellery"))))
	case "possession_of_weapons":
		objs = append(objs, g.object(g.property(r, "weapon")))
	case "drugs_possession":
		objs = append(objs, g.object(g.property(r, "drugs")))
	case "fraud":
		if chance(r, 0.3) {
			objs = append(objs, g.object(g.property(r, "document")))
		}
	}
	for range objs {
		switch {
		case len(vic) > 0 && cat != "possession_of_weapons" && cat != "drugs_possession":
			objOwner = append(objOwner, vic[0])
		default:
			objOwner = append(objOwner, -1)
		}
	}
	e.Summary = g.summary(r, cat, vic, sus, vehs, li, e)
	switch typ {
	case "crime":
		g.settle(r, e, 120*24*time.Hour, 0.8)
	default:
		g.settle(r, e, 2*24*time.Hour, 0.95)
	}
	g.write(r, eref, e, li, nil)
	// Who reported it: the victim, a witness or a passer-by.
	reporter := int32(-1)
	switch {
	case len(vic) > 0 && chance(r, 0.6):
		reporter = vic[0]
	case chance(r, 0.85):
		reporter = g.adult(r)
	}
	if reporter >= 0 {
		g.link(g.pref(reporter), eref, "reporter_of", nil, nil, "")
	}
	for _, v := range vic {
		g.link(g.pref(v), eref, "victim_in", nil, nil, "")
	}
	for i, s := range sus {
		g.link(g.pref(s), eref, "suspect_in", nil, nil, "")
		if typ == "crime" && e.Status == pole.StatusClosed && chance(r, 0.3) {
			g.link(g.pref(s), eref, "offender_in", nil, nil, "")
		}
		for _, s2 := range sus[i+1:] {
			g.link(g.pref(s), g.pref(s2), "co_offender_with", at(t), nil, eref)
		}
	}
	if typ == "crime" && chance(r, 0.3) {
		w := g.adult(r)
		if !contains(vic, w) && !contains(sus, w) && w != reporter {
			g.link(g.pref(w), eref, "witness_in", nil, nil, "")
		}
	}
	for k, vi := range vehs {
		if k > 0 && vi == vehs[0] {
			continue
		}
		g.link(eref, ref('V', vi), "involves", nil, nil, "")
		if cat == "road_traffic_collision" {
			// The driver at the time, evidenced by the collision report.
			g.link(g.pref(g.vehicles[vi].keeper), ref('V', vi), "driver_of", at(t), at(t.Add(time.Hour)), eref)
		}
	}
	for k, o := range objs {
		g.link(eref, o, "involves", nil, nil, "")
		if objOwner[k] >= 0 {
			g.link(g.pref(objOwner[k]), o, "owner_of", day(t.AddDate(0, -1-r.IntN(36), 0)), nil, "")
		} else if len(sus) > 0 {
			g.link(g.pref(sus[0]), o, "possesses", at(t), nil, eref)
		}
	}
	// Further reports of the same incident from other callers.
	if typ == "incident" {
		p := map[string]float64{"road_traffic_collision": 0.35, "highway_disruption": 0.25, "public_order": 0.2, "assault": 0.1, "alarm_activation": 0.1,
			"suspicious_circumstances": 0.1, "criminal_damage": 0.05, "anti_social_behaviour": 0.05}[cat]
		if chance(r, p) {
			g.repeatReports(r, eref, e, li, 1+choice(r, 40, 25, 15, 10, 10))
		}
	}
}

// repeatReports writes n more reports of the master incident by other callers, each linked to it.
func (g *gen) repeatReports(r *rand.Rand, master string, m *pole.Event, li int32, n int) {
	cluster := []string{master}
	for range n {
		t := m.OccurredAt.T.Add(time.Duration(r.IntN(600)-300) * time.Second)
		if t.After(g.now) {
			t = m.OccurredAt.T
		}
		eref, e := g.newEvent(r, "incident", t)
		e.Category = m.Category
		e.Summary = "Further call: " + oneOf(r, "caller driving past reports", "member of the public reports", "second caller describes", "resident reports") + " " + strings.ToLower(pole.Truncate(m.Summary, 80))
		e.Status, e.ClosedAt = m.Status, m.ClosedAt
		if m.Lat != nil {
			e.Lat, e.Lon = round6(*m.Lat+(r.Float64()-0.5)*40/metresLat), round6(*m.Lon+(r.Float64()-0.5)*40/metresLon)
		}
		g.write(r, eref, e, li, nil)
		g.link(g.pref(g.adult(r)), eref, "reporter_of", nil, nil, "")
		g.link(eref, master, "report_of", nil, nil, "")
		cluster = append(cluster, eref)
	}
	if g.truth != nil {
		g.truth.ReportClusters = append(g.truth.ReportClusters, cluster)
	}
}

func contains(xs []int32, x int32) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// distinct drops duplicates from xs, and anything in not.
func distinct(xs, not []int32) []int32 {
	out := xs[:0]
	for _, x := range xs {
		if !contains(out, x) && !contains(not, x) {
			out = append(out, x)
		}
	}
	return out
}

// where names a location in a sentence: a home by its street line, a place by its name.
func (g *gen) where(li int32) string {
	if li < 0 {
		return "the street"
	}
	l := g.locs[li]
	if len(l.lines) > 0 {
		if l.home {
			return l.lines[len(l.lines)-1]
		}
		return l.lines[0]
	}
	return l.desc
}

// summary writes the free text of an incident or crime.
func (g *gen) summary(r *rand.Rand, cat string, vic, sus []int32, vehs []int, li int32, e *pole.Event) string {
	name := func(xs []int32, def string) string {
		if len(xs) == 0 {
			return def
		}
		return g.people[xs[0]].name()
	}
	v, s, w := name(vic, "the caller"), name(sus, "an unknown male"), g.where(li)
	vrm := func(k int) string {
		if k < len(vehs) {
			return g.vehicles[vehs[k]].vrm
		}
		return "an unknown vehicle"
	}
	switch cat {
	case "anti_social_behaviour":
		return oneOf(r, "Group of youths causing a nuisance near "+w+", shouting and throwing stones at passing cars.",
			"Off-road motorbikes being ridden dangerously near "+w+".", "Neighbour dispute over noise at "+w+"; advice given.")
	case "concern_for_safety":
		return fmt.Sprintf("Caller concerned for the welfare of %s, not seen for several days; officers to attend %s.", v, w)
	case "suspicious_circumstances":
		return oneOf(r, "Male seen trying car door handles near "+w+".", "Vehicle "+vrm(0)+" parked up for hours with two occupants near "+w+".", "Caller reports persons looking into rear gardens near "+w+".")
	case "domestic_abuse":
		return fmt.Sprintf("Caller reports shouting and banging at %s; %s states that %s assaulted them. DASH completed.", w, v, s)
	case "road_traffic_collision":
		return fmt.Sprintf("Collision between %s and %s at %s; %s.", vrm(0), vrm(1), w, oneOf(r, "minor injuries, ambulance requested", "damage only, road partially blocked", "one casualty trapped, fire service attending", "vehicles recovered, no injuries"))
	case "assault":
		return fmt.Sprintf("%s punched in the face outside %s by %s; no injury requiring treatment.", v, w, s)
	case "assault_with_injury":
		return fmt.Sprintf("%s assaulted at %s by %s; sustained a broken nose and taken to Kelbeck General Hospital.", v, w, s)
	case "alarm_activation":
		return "Intruder alarm activation at " + w + "; keyholder attending, " + oneOf(r, "premises found secure.", "rear door found insecure.", "no trace of entry.")
	case "burglary":
		return "Break-in at commercial premises " + w + "; rear door forced and cash and stock taken."
	case "burglary_dwelling":
		return fmt.Sprintf("%s returned home to %s to find the rear window forced; property stolen.", v, w)
	case "theft":
		return fmt.Sprintf("Property belonging to %s stolen at %s.", v, w)
	case "theft_from_vehicle":
		return fmt.Sprintf("Nearside window of %s smashed and property taken near %s.", vrm(0), w)
	case "theft_of_vehicle":
		return fmt.Sprintf("%s taken from outside the owner's address overnight; keys not taken, relay attack suspected.", vrm(0))
	case "shoplifting":
		return fmt.Sprintf("%s seen leaving %s with unpaid goods (meat and alcohol, approx £%d).", s, w, 20+r.IntN(200))
	case "robbery":
		return fmt.Sprintf("%s threatened with a knife at %s and mobile phone taken by %s.", v, w, s)
	case "criminal_damage":
		return oneOf(r, "Windows smashed at "+w+".", "Graffiti sprayed on walls at "+w+".", "Tyres slashed on vehicles parked near "+w+".")
	case "highway_disruption":
		return oneOf(r, "Broken-down HGV blocking the carriageway near "+w+".", "Debris in the road near "+w+".", "Traffic lights out of order at "+w+".")
	case "sudden_death":
		return fmt.Sprintf("Sudden death of %s at %s; not suspicious, GP informed.", v, w)
	case "public_order":
		return "Disturbance outside " + w + "; group fighting, " + oneOf(r, "one male detained.", "dispersed on police arrival.", "door staff holding one male.")
	case "drugs_possession":
		return fmt.Sprintf("%s found in possession of suspected controlled drugs at %s.", s, w)
	case "possession_of_weapons":
		return fmt.Sprintf("%s found in possession of a bladed article near %s.", s, w)
	case "fraud":
		return fmt.Sprintf("%s received a call from a person claiming to be from the bank and transferred £%d.", v, 100*(1+r.IntN(80)))
	case "sexual_offence":
		return "Report of a sexual offence; victim supported by a specially trained officer. Details restricted to the investigation team."
	case "harassment":
		return fmt.Sprintf("%s reports repeated unwanted messages and visits from %s.", v, s)
	}
	return oneOf(r, "Lost property handed in at the front counter.", "Dog straying near "+w+".", "Caller requests advice about a civil matter.")
}

// domesticAbuse writes repeated domestic abuse: in some homes with a couple, one partner abuses the
// other again and again; in some one-parent homes, an ex-partner from elsewhere does.
func (g *gen) domesticAbuse(r *rand.Rand) {
	for hi := range g.homes {
		hh := &g.homes[hi]
		var victim, suspect int32 = -1, -1
		switch {
		case hh.couple && len(hh.members) >= 2 && chance(r, 0.045):
			a, b := hh.members[0], hh.members[1]
			victim, suspect = a, b
			if g.people[b].sex == 'F' || (g.people[a].sex == g.people[b].sex && chance(r, 0.5)) {
				victim, suspect = b, a
			}
		case !hh.couple && hh.adults == 1 && len(hh.members) > 1 && g.people[hh.members[0]].sex == 'F' && chance(r, 0.06):
			victim = hh.members[0]
			for try := 0; try < 50; try++ {
				s := g.suspect(r)
				if g.people[s].sex == 'M' && g.people[s].age(g.now) >= 18 && g.people[s].home != hh.loc {
					suspect = s
					break
				}
			}
			if suspect < 0 {
				continue
			}
			sep := g.daysAgo(float64(200 + r.IntN(1500)))
			g.link(g.pref(suspect), g.pref(victim), "ex_partner_of", day(sep.AddDate(-2-r.IntN(6), 0, 0)), day(sep), "")
		default:
			continue
		}
		if g.people[victim].age(g.now) < 18 || g.people[suspect].age(g.now) < 18 {
			continue
		}
		n := 1 + choice(r, 22, 25, 20, 15, 10, 8)
		// The abuse escalates: reports come closer together and the last is often recent.
		span := 60 + r.Float64()*640
		end := r.ExpFloat64() * 40
		for k := 0; k < n; k++ {
			frac := 1 - math.Pow(float64(k)/float64(n), 0.7)
			d := end + span*frac*(0.85+0.3*r.Float64())
			if k == n-1 {
				d = end
			}
			t := g.atHour(r, int(math.Min(d, historyDays)))
			g.daIncident(r, victim, suspect, hh.loc, t, k)
		}
		if g.truth != nil && n > 1 {
			g.truth.DomesticAbuseVictims = append(g.truth.DomesticAbuseVictims, g.pref(victim))
			g.truth.DomesticAbuseAddresses = append(g.truth.DomesticAbuseAddresses, ref('L', int(hh.loc)))
		}
	}
}

// daIncident writes one report of domestic abuse, sometimes with the crime recorded from it.
func (g *gen) daIncident(r *rand.Rand, victim, suspect int32, home int32, t time.Time, k int) {
	eref, e := g.newEvent(r, "incident", t)
	e.Category = "domestic_abuse"
	score := 4 + r.IntN(8) + 2*k
	level := "standard"
	switch {
	case score >= 14:
		level = "high risk; MARAC and IDVA referrals made"
	case score >= 10:
		level = "medium"
	}
	v, s := g.people[victim], g.people[suspect]
	e.Summary = fmt.Sprintf("%s reports that %s %s at the home address. DASH: %d yes answers, %s.", v.name(), s.name(),
		oneOf(r, "pushed them against a wall", "smashed their phone and threatened them", "grabbed them by the throat", "refused to leave and damaged the front door", "sent threatening messages and turned up drunk"),
		min(score, 27), level)
	g.settle(r, e, 2*24*time.Hour, 0.95)
	g.write(r, eref, e, home, nil)
	reporter := victim
	if chance(r, 0.3) {
		reporter = g.adult(r)
	}
	g.link(g.pref(reporter), eref, "reporter_of", nil, nil, "")
	g.link(g.pref(victim), eref, "victim_in", nil, nil, "")
	g.link(g.pref(suspect), eref, "suspect_in", nil, nil, "")
	if chance(r, 0.35) {
		cref, c := g.newEvent(r, "crime", t)
		c.Category = oneOf(r, "domestic_abuse", "domestic_abuse", "assault", "assault_with_injury", "criminal_damage")
		c.Summary = "Crime recorded from incident " + e.Reference + ": " + strings.ToLower(c.Category[:1]) + strings.ReplaceAll(c.Category[1:], "_", " ") + " by partner or ex-partner."
		g.settle(r, c, 90*24*time.Hour, 0.8)
		g.write(r, cref, c, home, nil)
		g.link(g.pref(victim), cref, "victim_in", nil, nil, "")
		g.link(g.pref(suspect), cref, "suspect_in", nil, nil, "")
		if c.Status == pole.StatusClosed && chance(r, 0.4) {
			g.link(g.pref(suspect), cref, "offender_in", nil, nil, "")
		}
	}
}

// repeatMissing writes children who go missing from home again and again.
func (g *gen) repeatMissing(r *rand.Rand) {
	for hi := range g.homes {
		hh := &g.homes[hi]
		for _, m := range hh.members {
			a := g.people[m].age(g.now)
			if a < 12 || a > 17 || !chance(r, 0.04) {
				continue
			}
			n := 2 + choice(r, 35, 25, 20, 12, 8)
			for k := 0; k < n; k++ {
				d := r.Float64() * 540
				if k == 0 {
					d = r.ExpFloat64() * 30
				}
				g.missing(r, m, g.atHour(r, int(d)), hh.members[0])
			}
			if g.truth != nil {
				g.truth.RepeatMissing = append(g.truth.RepeatMissing, g.pref(m))
			}
		}
	}
}

// missing writes one missing person episode: the report, and the episode record.
func (g *gen) missing(r *rand.Rand, p int32, t time.Time, reporter int32) {
	if reporter < 0 || reporter == p {
		reporter = g.adult(r)
	}
	home := g.people[p].home
	risk := []string{"no apparent risk", "low", "medium", "high"}[choice(r, 15, 45, 30, 10)]
	eref, e := g.newEvent(r, "missing_person", t)
	found := g.now.Sub(t) > 3*24*time.Hour || chance(r, 0.5)
	e.Summary = fmt.Sprintf("%s reported missing from %s; risk assessed as %s.", g.people[p].name(), g.where(home), risk)
	if found {
		back := t.Add(time.Duration(2+r.IntN(70)) * time.Hour)
		if back.After(g.now) {
			back = g.now.Add(-time.Minute)
		}
		e.Status, e.ClosedAt = pole.StatusClosed, at(back)
		e.Summary += " " + oneOf(r, "Found safe at a friend's address.", "Returned home of own accord.", "Located by officers in the town centre.", "Found at a relative's address.") + " Return interview arranged."
	} else {
		e.Status = pole.StatusOpen
	}
	g.write(r, eref, e, home, nil)
	g.link(g.pref(p), eref, "missing_in", nil, nil, "")
	g.link(g.pref(reporter), eref, "reporter_of", nil, nil, "")
	if chance(r, 0.5) {
		iref, inc := g.newEvent(r, "incident", t.Add(time.Duration(r.IntN(30))*time.Minute))
		inc.Category = "missing_person"
		inc.Summary = "Call reporting " + g.people[p].name() + " missing; see " + e.Reference + "."
		g.settle(r, inc, 2*24*time.Hour, 0.95)
		g.write(r, iref, inc, home, nil)
		g.link(g.pref(reporter), iref, "reporter_of", nil, nil, "")
		g.link(g.pref(p), iref, "subject_of", nil, nil, "")
	}
}

// intelligence writes an intelligence report on a subject, often naming a vehicle, a phone and
// an address; access restricts it when given.
func (g *gen) intelligence(r *rand.Rand, t time.Time, access *pole.Access) {
	eref, e := g.newEvent(r, "intelligence", t)
	subj := g.suspect(r)
	s := g.people[subj]
	people := []int32{subj}
	if chance(r, 0.35) {
		people = distinct(append(people, g.suspect(r)), nil)
	}
	veh := -1
	if chance(r, 0.45) && len(g.vehicles) > 0 {
		veh = r.IntN(len(g.vehicles))
		for _, p := range people {
			if g.people[p].nVeh > 0 {
				veh = int(g.people[p].firstVeh)
				break
			}
		}
	}
	tel := int32(-1)
	if chance(r, 0.2) {
		if len(g.heavy) > 0 && chance(r, 0.5) {
			tel = g.heavy[r.IntN(len(g.heavy))]
		} else if s.nPhones > 0 {
			tel = s.firstPhone
		}
		if tel >= 0 && !g.phones[tel].hasRef {
			tel = -1
		}
	}
	li := int32(-1)
	switch x := r.IntN(100); {
	case x < 50 && s.home >= 0:
		li = s.home
	case x < 75:
		li = g.place(r)
	}
	topic := choice(r, 40, 15, 15, 10, 10, 10)
	where := g.where(li)
	district := "the town"
	if li >= 0 && g.locs[li].postcode != "" {
		district = "the " + strings.Fields(g.locs[li].postcode)[0] + " area"
	}
	var veh1, tel1 string
	if veh >= 0 {
		veh1 = " using vehicle " + g.vehicles[veh].vrm
	}
	if tel >= 0 {
		tel1 = " and the phone " + g.phones[tel].national + " as a deal line"
	}
	switch topic {
	case 0:
		e.Summary = fmt.Sprintf("%s is supplying crack cocaine and heroin from %s%s%s; runners attend between 18:00 and 22:00.", s.name(), where, veh1, tel1)
		e.SanitisedSummary = "Subject believed to be supplying class A drugs in " + district + "."
	case 1:
		e.Summary = fmt.Sprintf("%s is storing a handgun at %s on behalf of an organised crime group%s.", s.name(), where, veh1)
		e.SanitisedSummary = "Subject believed to have access to a firearm in " + district + "."
	case 2:
		e.Summary = fmt.Sprintf("%s is handling stolen power tools and catalytic converters%s; goods kept at %s.", s.name(), veh1, where)
		e.SanitisedSummary = "Subject believed to be handling stolen goods in " + district + "."
	case 3:
		e.Summary = fmt.Sprintf("%s carries a large knife when out at night and has threatened others near %s.", s.name(), where)
		e.SanitisedSummary = "Subject believed to carry a bladed article in " + district + "."
	case 4:
		e.Summary = fmt.Sprintf("%s is exploiting local children to run drugs to other towns%s%s.", s.name(), veh1, tel1)
		e.SanitisedSummary = "Subject believed to be involved in child criminal exploitation."
	default:
		e.Summary = fmt.Sprintf("%s is involved in a series of burglaries across %s%s.", s.name(), district, veh1)
		e.SanitisedSummary = "Subject believed to be involved in burglary in " + district + "."
	}
	e.Grading = &pole.Grading{Source: []string{"1", "2", "3"}[choice(r, 20, 60, 20)], Information: []string{"A", "B", "C", "D", "E"}[choice(r, 10, 45, 30, 10, 5)], Handling: "P"}
	if chance(r, 0.15) {
		e.Grading.Handling = "C"
		e.Grading.Conditions = oneOf(r, "Not to be disseminated outside Kelbeck Police without reference to the source handler.",
			"Not to be used as grounds for a search warrant without further corroboration.", "Share with partner agencies only through the intelligence unit.")
	}
	if t.Before(g.now.AddDate(-2, -6, 0)) && chance(r, 0.3) {
		// Older reports were graded under the 5x5x5 scheme, which stays readable.
		e.Grading = &pole.Grading{Scheme: "5x5x5", Source: oneOf(r, "A", "B", "C", "D"), Information: oneOf(r, "1", "2", "3", "4"), Handling: oneOf(r, "1", "2", "3", "4", "5")}
	}
	g.write(r, eref, e, li, access)
	for _, p := range people {
		g.link(eref, g.pref(p), "involves", nil, nil, "")
	}
	if veh >= 0 {
		g.link(eref, ref('V', veh), "involves", nil, nil, "")
		// ANPR reads of the vehicle around the time of the report.
		for range r.IntN(3) {
			seen := t.Add(time.Duration(r.IntN(14*24*3600)-7*24*3600) * time.Second)
			if seen.Before(g.now) {
				g.link(ref('V', veh), ref('L', int(g.place(r))), "seen_at", at(seen), nil, "")
			}
		}
	}
	if tel >= 0 {
		g.link(eref, ref('T', int(g.phones[tel].ref)), "involves", nil, nil, "")
	}
}

// investigation writes an investigation of one to three subjects.
func (g *gen) investigation(r *rand.Rand, t time.Time, access *pole.Access) {
	eref, e := g.newEvent(r, "investigation", t)
	subjects := []int32{g.suspect(r)}
	for chance(r, 0.4) && len(subjects) < 4 {
		subjects = append(subjects, g.suspect(r))
	}
	subjects = distinct(subjects, nil)
	li := g.people[subjects[0]].home
	if li < 0 || chance(r, 0.3) {
		li = g.place(r)
	}
	e.Summary = fmt.Sprintf("Investigation into %s involving %s.", oneOf(r, "a series of dwelling burglaries", "supply of class A drugs", "a serious assault", "fraud against elderly residents", "theft of catalytic converters", "county lines activity"), g.people[subjects[0]].name())
	if access != nil {
		e.Summary = fmt.Sprintf("Operation %s: covert investigation into %s. Restricted to the investigation team.", oneOf(r, "Kestrel", "Falcon", "Harrier", "Merlin", "Osprey", "Buzzard", "Peregrine", "Goshawk"), oneOf(r, "supply of firearms", "corruption allegations", "an organised crime group", "modern slavery"))
	}
	g.settle(r, e, 180*24*time.Hour, 0.6)
	g.write(r, eref, e, li, access)
	for _, s := range subjects {
		g.link(g.pref(s), eref, "subject_of", nil, nil, "")
	}
	if chance(r, 0.5) {
		g.link(g.pref(g.victim(r)), eref, "victim_in", nil, nil, "")
	}
}

// sensitive writes the restricted records: covert investigations only investigators may see, and
// intelligence only analysts and investigators may see.
func (g *gen) sensitive(r *rand.Rand) {
	for range max(2, g.cfg.People/1500) {
		g.investigation(r, g.eventTime(r), &pole.Access{Roles: []string{"investigator"}})
	}
	for range max(2, g.cfg.People/1000) {
		g.intelligence(r, g.eventTime(r), &pole.Access{Roles: []string{"analyst", "investigator"}})
	}
}

// stopSearch writes a stop and search: its subject, grounds, outcome and anything found.
func (g *gen) stopSearch(r *rand.Rand, t time.Time) {
	eref, e := g.newEvent(r, "stop_search", t)
	var subj int32
	for try := 0; try < 20; try++ {
		subj = g.pick(r, g.offendCum, 14, 45)
		if g.people[subj].sex == 'M' || try > 3 {
			break
		}
	}
	grounds := oneOf(r, "smell of cannabis", "seen passing a package in a known drug-dealing area", "matching the description of a robbery suspect", "intelligence of carrying a knife", "acting suspiciously near parked cars")
	found := ""
	if chance(r, 0.25) {
		found = oneOf(r, "drugs", "drugs", "weapon")
	}
	outcome := "No further action."
	if found != "" {
		outcome = oneOf(r, "Arrested.", "Community resolution.", "Cannabis warning.", "Reported for summons.")
	}
	e.Summary = fmt.Sprintf("%s stopped and searched (s.%s) on grounds of %s. %s", g.people[subj].name(), oneOf(r, "23 MDA", "1 PACE", "60 CJPOA"), grounds, outcome)
	li := int32(-1)
	if chance(r, 0.35) {
		li = g.place(r, "park", "underpass", "bus", "car park", "takeaway", "square")
	} else {
		lat, lon := g.streetPoint(r)
		e.Lat, e.Lon = round6(lat), round6(lon)
	}
	e.Status = pole.StatusClosed
	e.ClosedAt = at(t.Add(20 * time.Minute))
	g.write(r, eref, e, li, nil)
	g.link(g.pref(subj), eref, "subject_of", nil, nil, "")
	if found != "" {
		o := g.object(g.property(r, found))
		g.link(eref, o, "involves", nil, nil, "")
		g.link(g.pref(subj), o, "possesses", at(t), nil, eref)
	}
}

// custodyEpisode writes a detention at the custody suite, often with the crime it is for and
// property seized.
func (g *gen) custodyEpisode(r *rand.Rand, t time.Time) {
	det := g.pick(r, g.offendCum, 12, 80)
	offence := oneOf(r, "assault", "burglary_dwelling", "theft", "drugs_possession", "possession_of_weapons", "criminal_damage", "public_order", "robbery", "shoplifting")
	if chance(r, 0.5) {
		cref, c := g.newEvent(r, "crime", t.Add(-time.Duration(1+r.IntN(5))*time.Hour))
		c.Category = offence
		c.Summary = fmt.Sprintf("%s arrested for %s.", g.people[det].name(), strings.ReplaceAll(offence, "_", " "))
		g.settle(r, c, 120*24*time.Hour, 0.8)
		li := g.people[det].home
		if li < 0 || chance(r, 0.5) {
			li = g.place(r)
		}
		g.write(r, cref, c, li, nil)
		g.link(g.pref(det), cref, "suspect_in", nil, nil, "")
		if c.Status == pole.StatusClosed && chance(r, 0.5) {
			g.link(g.pref(det), cref, "offender_in", nil, nil, "")
		}
		if chance(r, 0.6) {
			g.link(g.pref(g.victim(r)), cref, "victim_in", nil, nil, "")
		}
	}
	eref, e := g.newEvent(r, "custody", t)
	hours := 4 + r.IntN(20)
	e.Summary = fmt.Sprintf("%s arrested on suspicion of %s; detention authorised. Reviews at 6 h and 15 h. %s", g.people[det].name(), strings.ReplaceAll(offence, "_", " "),
		oneOf(r, "Released under investigation.", "Charged and bailed to court.", "Released on bail.", "No further action.", "Charged and remanded in custody."))
	e.Status = pole.StatusClosed
	out := t.Add(time.Duration(hours) * time.Hour)
	if out.After(g.now) {
		e.Status = pole.StatusOpen
	} else {
		e.ClosedAt = at(out)
	}
	g.write(r, eref, e, g.custody, nil)
	g.link(g.pref(det), eref, "detained_in", nil, nil, "")
	if chance(r, 0.3) {
		o := g.object(g.property(r, oneOf(r, "phone_handset", "phone_handset", "cash")))
		g.link(eref, o, "involves", nil, nil, "")
		g.link(g.pref(det), o, "possesses", at(t), nil, eref)
	}
}

// publicContact writes a contact with the public: front counter visits, online reports, advice.
func (g *gen) publicContact(r *rand.Rand, t time.Time) {
	eref, e := g.newEvent(r, "contact", t)
	p := g.adult(r)
	li := g.custody
	if chance(r, 0.5) && g.people[p].home >= 0 {
		li = g.people[p].home
	}
	e.Summary = g.people[p].name() + " " + oneOf(r, "attended the front counter to hand in lost property.", "made an online report of a lost wallet.",
		"asked for advice about a neighbour dispute.", "reported a scam telephone call; no loss.", "requested a copy of a collision report.", "signed on as a bail condition.")
	e.Status = pole.StatusClosed
	e.ClosedAt = at(t.Add(30 * time.Minute))
	if e.ClosedAt.T.After(g.now) {
		e.Status, e.ClosedAt = pole.StatusOpen, nil
	}
	g.write(r, eref, e, li, nil)
	g.link(g.pref(p), eref, "reporter_of", nil, nil, "")
}
