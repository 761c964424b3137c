package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/peel-rms/peel/pole"
)

// nameTables are the parsed name lists.
type nameTables struct {
	heritages []heritage
	hw        []float64
	surnames  []*weighted[string]
	male      []*weighted[string]
	female    []*weighted[string]
	// British given names by birth cohort: before 1960, 1960-79, 1980-99, 2000 on.
	britMale, britFemale [4]*weighted[string]
	nick                 map[string][]string
	muhammad             []string
}

func newNameTables() *nameTables {
	t := &nameTables{heritages: heritages(), nick: map[string][]string{}, muhammad: splitList(muhammadSpellings, "|")}
	for _, h := range t.heritages {
		t.hw = append(t.hw, h.share)
		t.surnames = append(t.surnames, zipf(h.surnames))
		if h.male != "" {
			t.male = append(t.male, zipf(h.male))
			t.female = append(t.female, zipf(h.female))
		} else {
			t.male = append(t.male, nil)
			t.female = append(t.female, nil)
		}
	}
	for i, l := range []string{britMaleOld, britMaleMid, britMaleYoung, britMaleKid} {
		t.britMale[i] = zipf(l)
	}
	for i, l := range []string{britFemaleOld, britFemaleMid, britFemaleYoung, britFemaleKid} {
		t.britFemale[i] = zipf(l)
	}
	for _, e := range strings.Split(nicknames, "|") {
		name, nicks, _ := strings.Cut(e, ":")
		t.nick[name] = strings.Split(nicks, ",")
	}
	return t
}

func cohort(born time.Time) int {
	switch y := born.Year(); {
	case y < 1960:
		return 0
	case y < 1980:
		return 1
	case y < 2000:
		return 2
	}
	return 3
}

// given draws a first name for the heritage, sex and birth year.
func (t *nameTables) given(r *rand.Rand, h int, female bool, born time.Time) string {
	var w *weighted[string]
	switch {
	case female && t.female[h] != nil && (t.heritages[h].name != "caribbean" || chance(r, 0.6)):
		w = t.female[h]
	case !female && t.male[h] != nil && (t.heritages[h].name != "caribbean" || chance(r, 0.6)):
		w = t.male[h]
	case female:
		w = t.britFemale[cohort(born)]
	default:
		w = t.britMale[cohort(born)]
	}
	return w.pick(r)
}

// surname draws a family name, in its feminine form where the language has one.
func (t *nameTables) surname(r *rand.Rand, h int, female bool) string {
	s := t.surnames[h].pick(r)
	if female && t.heritages[h].polish {
		s = feminine(s)
	}
	return s
}

// feminine gives the feminine form of a Polish surname: Kowalski -> Kowalska.
func feminine(s string) string {
	for _, suf := range []string{"ski", "cki", "dzki"} {
		if strings.HasSuffix(s, suf) {
			return strings.TrimSuffix(s, "i") + "a"
		}
	}
	return s
}

// person is what later phases need to know of a person record.
type person struct {
	idx        int32 // index of this record (its ref is P + idx+1)
	orig       int32 // index of the original record of the same individual
	home       int32 // location, -1 when none
	hh         int32 // household, -1 for duplicate records
	born       time.Time
	sex        byte
	heritage   int8
	dup        bool
	given      string
	family     string
	offend     float32 // how likely to be a suspect
	victim     float32 // how likely to be a victim
	firstPhone int32   // phones of this person are firstPhone .. firstPhone+nPhones-1
	nPhones    int8
	firstVeh   int32
	nVeh       int8
	maiden     string
}

func (p *person) age(now time.Time) int {
	a := now.Year() - p.born.Year()
	if now.YearDay() < p.born.YearDay() {
		a--
	}
	return a
}

func (p *person) name() string { return p.given + " " + p.family }

// household is the people living at one home.
type household struct {
	loc     int32
	members []int32
	couple  bool // the first two members are partners
	adults  int
}

// phone is one telephone of the force.
type phone struct {
	national string
	owner    int32
	hasRef   bool // written as a telephone line (else only in person shorthand)
	ref      int32
}

// vehicle is one vehicle of the force.
type vehicle struct {
	keeper int32
	vrm    string
}

// Household compositions.
const (
	compVacant = iota
	compSingle
	compCouple
	compFamily
	compSingleParent
	compShared
	compElderly
)

// plannedHome is one home's composition before the people are drawn.
type plannedHome struct {
	loc     int32
	comp    int
	kids    int
	adults  int // for shared houses and lodgers
	lodgers int
}

func (h plannedHome) size() int {
	switch h.comp {
	case compVacant:
		return h.lodgers
	case compSingle:
		return 1 + h.lodgers
	case compCouple:
		return 2 + h.lodgers
	case compFamily:
		return 2 + h.kids + h.lodgers
	case compSingleParent:
		return 1 + h.kids + h.lodgers
	case compShared:
		return h.adults + h.lodgers
	case compElderly:
		return h.adults + h.lodgers
	}
	return 0
}

// population writes the people of the town household by household, with their phones, vehicles
// and firearms, and their links; possible duplicates follow their originals a little later.
func (g *gen) population() {
	r := g.rng("population")
	dups := int(math.Round(float64(g.cfg.People) * 0.03))
	originals := g.cfg.People - dups
	if originals < 1 {
		originals, dups = g.cfg.People, 0
	}
	plan := g.planHomes(r, originals)
	// Which originals are written again: about one in ten of those get a third record.
	dupOf := map[int32]int{}
	var twice []int32
	for i := 0; i < dups; i++ {
		var o int32
		if len(twice) > 0 && chance(r, 0.1) {
			o = twice[r.IntN(len(twice))]
		} else {
			o = int32(r.IntN(originals))
			for dupOf[o] > 0 {
				o = int32(r.IntN(originals))
			}
		}
		if dupOf[o] == 0 {
			twice = append(twice, o)
		}
		dupOf[o]++
	}
	pop := &popState{r: r, dupOf: dupOf}
	for _, h := range plan {
		if h.size() == 0 {
			continue
		}
		g.household(pop, h)
	}
	for len(pop.pending) > 0 {
		g.writeDuplicate(pop, 0)
	}
	if g.truth != nil {
		groups := map[int32][]string{}
		var order []int32
		for i := range g.people {
			p := &g.people[i]
			if _, ok := groups[p.orig]; !ok && p.dup {
				order = append(order, p.orig)
				groups[p.orig] = []string{g.people[p.orig].refStr()}
			}
			if p.dup {
				groups[p.orig] = append(groups[p.orig], p.refStr())
			}
		}
		for _, o := range order {
			g.truth.Duplicates = append(g.truth.Duplicates, groups[o])
		}
	}
	// Suspects and victims are drawn in proportion to these weights later.
	g.offendCum = make([]float64, len(g.people))
	g.victimCum = make([]float64, len(g.people))
	so, sv := 0.0, 0.0
	for i := range g.people {
		so += float64(g.people[i].offend)
		sv += float64(g.people[i].victim)
		g.offendCum[i], g.victimCum[i] = so, sv
	}
}

// planHomes decides each home's composition so the homes hold exactly n people.
func (g *gen) planHomes(r *rand.Rand, n int) []plannedHome {
	var plan []plannedHome
	total := 0
	for i := range g.locs {
		if !g.locs[i].home {
			continue
		}
		h := plannedHome{loc: int32(i)}
		h.comp = choice(r, 6, 28, 21, 24, 11, 6, 8)
		switch h.comp {
		case compFamily, compSingleParent:
			h.kids = 1 + choice(r, 40, 35, 17, 8)
		case compShared:
			h.adults = 2 + r.IntN(4)
		case compElderly:
			h.adults = 1 + r.IntN(2)
		}
		total += h.size()
		plan = append(plan, h)
	}
	// Too many: leave homes empty. Too few: take in lodgers.
	for tries := 0; total > n; tries++ {
		i := r.IntN(len(plan))
		// Empty small homes first; after many tries, any home, and lodgers make up the difference.
		if s := plan[i].size(); s > 0 && (s <= total-n+3 || tries > 10000) {
			total -= s
			plan[i] = plannedHome{loc: plan[i].loc}
		} else if s > 0 && plan[i].lodgers > 0 {
			plan[i].lodgers--
			total--
		} else if s > 1 && plan[i].comp == compShared && plan[i].adults > 2 {
			plan[i].adults--
			total--
		}
	}
	for total < n {
		i := r.IntN(len(plan))
		if plan[i].size() > 0 || total == 0 {
			plan[i].lodgers++
			total++
		}
	}
	return plan
}

// popState is the population phase's running state.
type popState struct {
	r       *rand.Rand
	dupOf   map[int32]int
	orig    int32 // originals written so far
	pending []pendingDup
	pncSeq  int
}

type pendingDup struct {
	orig int32
	body pole.Person
	due  int // write once this many person records exist
}

// member is one person of a household before it is written.
type member struct {
	female bool
	age    int
	role   string // head, partner, child, adult, lodger
	h      int    // heritage
	family string
	maiden string
}

// adultAge draws the age of an adult on a force's records: mostly young.
func adultAge(r *rand.Rand) int {
	bands := [][2]int{{18, 24}, {25, 34}, {35, 44}, {45, 54}, {55, 64}, {65, 74}, {75, 92}}
	b := bands[choice(r, 18, 24, 20, 16, 10, 7, 5)]
	return b[0] + r.IntN(b[1]-b[0]+1)
}

func (g *gen) household(pop *popState, h plannedHome) {
	r := pop.r
	her := choice(r, g.names.hw...)
	var ms []member
	adult := func(role string, age int, female bool, hh int) member {
		return member{female: female, age: age, role: role, h: hh}
	}
	switch h.comp {
	case compSingle:
		ms = append(ms, adult("head", adultAge(r), chance(r, 0.45), her))
	case compCouple, compFamily:
		age := adultAge(r)
		if h.comp == compFamily {
			age = 22 + r.IntN(30)
		}
		headFemale := chance(r, 0.1)
		partnerFemale := !headFemale
		if chance(r, 0.06) {
			partnerFemale = headFemale
		}
		pa := max(18, age+int(r.NormFloat64()*4))
		ms = append(ms, adult("head", age, headFemale, her), adult("partner", pa, partnerFemale, her))
		for range h.kids {
			ms = append(ms, member{female: chance(r, 0.49), age: r.IntN(min(18, min(age, pa)-17)), role: "child", h: her})
		}
	case compSingleParent:
		age := 20 + r.IntN(30)
		ms = append(ms, adult("head", age, chance(r, 0.85), her))
		for range h.kids {
			ms = append(ms, member{female: chance(r, 0.49), age: r.IntN(min(18, age-17)), role: "child", h: her})
		}
	case compShared:
		for range h.adults {
			ms = append(ms, adult("adult", 18+r.IntN(20), chance(r, 0.4), choice(r, g.names.hw...)))
		}
	case compElderly:
		age := 65 + r.IntN(28)
		ms = append(ms, adult("head", age, chance(r, 0.55), her))
		if h.adults > 1 {
			ms = append(ms, adult("partner", max(60, age+int(r.NormFloat64()*3)), !ms[0].female, her))
		}
	}
	for range h.lodgers {
		ms = append(ms, adult("lodger", 18+r.IntN(50), chance(r, 0.35), choice(r, g.names.hw...)))
	}
	// Family names: partners of the opposite sex mostly share one; children take the head's.
	head := ""
	for i := range ms {
		m := &ms[i]
		switch m.role {
		case "partner":
			own := g.names.surname(r, m.h, m.female)
			if ms[0].female != m.female && chance(r, 0.7) {
				m.family, m.maiden = ms[0].family, own
				if m.female && g.names.heritages[m.h].polish {
					m.family = feminine(strings.TrimSuffix(ms[0].family, "a") + "i")
				}
			} else {
				m.family = own
			}
		case "child":
			m.family = head
			if h.comp == compSingleParent && chance(r, 0.3) {
				m.family = g.names.surname(r, m.h, m.female)
			}
			if m.female && g.names.heritages[m.h].polish {
				m.family = feminine(strings.TrimSuffix(head, "a") + "i")
			}
		default:
			m.family = g.names.surname(r, m.h, m.female)
		}
		if i == 0 {
			head = m.family
			if m.female && g.names.heritages[m.h].polish {
				head = strings.TrimSuffix(head, "a") + "i"
			}
		}
	}
	hi := int32(len(g.homes))
	hh := household{loc: h.loc, couple: h.comp == compCouple || h.comp == compFamily || (h.comp == compElderly && h.adults > 1)}
	// The household moved in together; children born since arrived at birth.
	headAge := ms[0].age
	moveIn := g.daysAgo(float64(r.IntN(365*max(1, min(25, headAge-17)))) + 1)
	for _, m := range ms {
		if m.role != "child" {
			hh.adults++
		}
	}
	var written []int32
	for _, m := range ms {
		pi := g.writeOriginal(pop, m, h.loc, hi, moveIn)
		written = append(written, pi)
		hh.members = append(hh.members, pi)
	}
	g.homes = append(g.homes, hh)
	g.familyLinks(r, hh, ms, moveIn)
	// A landline for about a quarter of homes, while the town's drama ranges last.
	if chance(r, 0.25) {
		if num := landlineNumber(g.nLandline); num != "" {
			g.nLandline++
			holder := &g.people[written[0]]
			ti := int32(g.tSeq)
			g.tSeq++
			g.phones = append(g.phones, phone{national: num, owner: holder.idx, hasRef: true, ref: ti})
			g.emit("telephone", telephoneLine{envelope{Kind: "telephone", Ref: ref('T', int(ti))}, &pole.Telephone{Number: writtenNumber(r, num)}})
			g.link(holder.refStr(), ref('T', int(ti)), "subscriber_of", day(moveIn), nil, "")
		}
	}
}

// familyLinks writes the links between the members of a household.
func (g *gen) familyLinks(r *rand.Rand, hh household, ms []member, moveIn time.Time) {
	ref := func(i int) string { return g.people[hh.members[i]].refStr() }
	var parents, kids []int
	for i, m := range ms {
		switch m.role {
		case "head", "partner":
			parents = append(parents, i)
		case "child":
			kids = append(kids, i)
		}
	}
	if hh.couple && len(ms) > 1 {
		since := moveIn.AddDate(-r.IntN(4), -r.IntN(12), 0)
		g.link(ref(0), ref(1), "partner_of", day(since), nil, "")
	}
	for _, k := range kids {
		for _, p := range parents {
			// A child of a single parent is that parent's; of a couple, usually both partners'.
			if len(parents) == 1 || chance(r, 0.9) {
				g.link(ref(p), ref(k), "parent_of", nil, nil, "")
			}
		}
	}
	for a := 0; a < len(kids); a++ {
		for b := a + 1; b < len(kids); b++ {
			g.link(ref(kids[a]), ref(kids[b]), "sibling_of", nil, nil, "")
		}
	}
	// Sharers sometimes know each other from before.
	for i, m := range ms {
		if m.role == "adult" && i > 0 && chance(r, 0.3) {
			g.link(ref(i-1), ref(i), "associate_of", nil, nil, "")
		}
	}
}

// dobString writes a date of birth as records hold it: usually complete, sometimes partial,
// occasionally impossible or in the wrong format (all kept and flagged on import).
func dobString(r *rand.Rand, born time.Time, now time.Time) string {
	switch choice(r, 932, 40, 15, 8, 2, 1, 1, 1) {
	case 0:
		return born.Format(time.DateOnly)
	case 1:
		return ""
	case 2:
		return born.Format("2006")
	case 3:
		return born.Format("2006-01")
	case 4:
		// A 30th or 31st keyed for a shorter month.
		return fmt.Sprintf("%04d-02-%02d", born.Year(), 30+r.IntN(2))
	case 5:
		return fmt.Sprintf("%04d-13-%02d", born.Year(), born.Day())
	case 6:
		// Keyed a century out, so in the future.
		return fmt.Sprintf("%04d-%02d-%02d", born.Year()+100, born.Month(), born.Day())
	default:
		// The UK way round, from a paper form.
		return born.Format("02/01/2006")
	}
}

// writeOriginal writes the first record of an individual with their phones, vehicles, firearms and
// home links, and returns the person's index.
func (g *gen) writeOriginal(pop *popState, m member, home int32, hh int32, moveIn time.Time) int32 {
	r := pop.r
	age := m.age
	born := g.now.AddDate(-age, 0, -1-r.IntN(364))
	pi := int32(len(g.people))
	ordinal := pop.orig
	p := person{idx: pi, orig: pi, home: home, hh: hh, born: born, heritage: int8(m.h), family: m.family, maiden: m.maiden}
	p.sex = 'M'
	if m.female {
		p.sex = 'F'
	}
	p.given = g.names.given(r, m.h, m.female, born)
	// Offending is concentrated: most people never offend, a few offend often.
	base := 0.15
	switch {
	case age < 10:
		base = 0.005
	case age < 16:
		base = 0.3
	case age < 36:
		base = 1
	case age < 51:
		base = 0.5
	}
	if m.female {
		base *= 0.35
	}
	p.offend = float32(base * math.Exp(r.NormFloat64()*1.4))
	vbase := 1.0
	if age < 12 {
		vbase = 0.4
	}
	p.victim = float32(vbase * math.Exp(r.NormFloat64()*0.8))
	body := &pole.Person{FamilyName: p.family, GivenNames: p.given, Gender: string(p.sex)}
	if chance(r, 0.35) {
		if mid := g.names.given(r, m.h, m.female, born); mid != p.given {
			body.GivenNames += " " + mid
		}
	}
	switch x := r.IntN(1000); {
	case x < 5:
		body.Gender = "U"
	case x < 7:
		body.Gender = "X"
	case x < 20:
		body.Gender = ""
	}
	body.DOB = dobString(r, born, g.now)
	g.identifiers(r, pop, &p, body, age)
	if p.maiden != "" && chance(r, 0.15) {
		body.Aliases = append(body.Aliases, pole.Name{FamilyName: p.maiden, GivenNames: p.given})
	}
	if p.offend > 3 && chance(r, 0.15) {
		alias := pole.Name{FamilyName: p.family, GivenNames: p.given}
		if n := g.names.nick[p.given]; len(n) > 0 {
			alias.GivenNames = oneOf(r, n...)
		} else {
			alias.FamilyName = g.names.surname(r, m.h, m.female)
		}
		body.Aliases = append(body.Aliases, alias)
	}
	if p.offend > 2 && chance(r, 0.3) {
		body.Description = describe(r, m.female, age)
	}
	if n := nationality(r, g.names.heritages[m.h].name); n != "" && age >= 16 {
		body.Nationality = n
	}
	g.markers(r, &p, body, age)
	shorthand := chance(r, 0.2)
	pref := p.refStr()
	var access *pole.Access
	if age >= 22 && chance(r, 1.0/5000) {
		// A member of the force's own staff: their record is for named professional standards users only.
		access = &pole.Access{Users: []string{"psd.harper", "psd.osei"}}
		body.Description = strings.TrimSpace(body.Description + " Police staff member: record restricted to Professional Standards.")
		if g.truth != nil {
			g.truth.Restricted = append(g.truth.Restricted, pref)
		}
	}
	// Phones, vehicles and firearms are decided now: a person written with shorthand carries them.
	g.people = append(g.people, p)
	pp := &g.people[pi]
	g.assignPhones(r, pp, age)
	// Addresses: the current home, and often one before it.
	from := moveIn
	if born.After(from) {
		from = born
	}
	var prev int32 = -1
	var prevFrom, prevTo time.Time
	if age >= 20 && chance(r, 0.35) {
		prev = g.randomHome(r, home)
		prevTo = from
		prevFrom = prevTo.AddDate(-1-r.IntN(7), -r.IntN(12), 0)
	}
	if shorthand {
		body.Addresses = append(body.Addresses, g.addressLink(home, "resides_at", day(from), nil, false))
		if prev >= 0 {
			body.Addresses = append(body.Addresses, g.addressLink(prev, "previously_resided_at", day(prevFrom), day(prevTo), false))
		}
		for i := pp.firstPhone; i < pp.firstPhone+int32(pp.nPhones); i++ {
			ph := &g.phones[i]
			ph.hasRef = false
			body.Phones = append(body.Phones, pole.PhoneLink{Number: writtenNumber(r, ph.national), Role: "user_of", ValidFrom: day(g.phoneSince(r, pp))})
			g.implied[e164(ph.national)] = true
		}
		g.st.ShorthandLinks += len(body.Addresses) + len(body.Phones)
	}
	g.emit("person", personLine{envelope{Kind: "person", Ref: pref, Access: access}, body})
	pop.orig++
	if !shorthand {
		g.link(pref, ref('L', int(home)), "resides_at", day(from), nil, "")
		if prev >= 0 {
			g.link(pref, ref('L', int(prev)), "previously_resided_at", day(prevFrom), day(prevTo), "")
		}
		for i := pp.firstPhone; i < pp.firstPhone+int32(pp.nPhones); i++ {
			ph := &g.phones[i]
			ph.ref = int32(g.tSeq)
			g.tSeq++
			tref := ref('T', int(ph.ref))
			g.emit("telephone", telephoneLine{envelope{Kind: "telephone", Ref: tref}, &pole.Telephone{Number: writtenNumber(r, ph.national)}})
			since := day(g.phoneSince(r, pp))
			if age >= 18 && chance(r, 0.55) {
				g.link(pref, tref, "subscriber_of", since, nil, "")
			} else if age < 18 {
				// A child's phone is usually on a parent's contract; the parent is the household's
				// first member, written before the child.
				if first := g.firstOfHousehold(pi); first >= 0 && first != pi {
					g.link(g.people[first].refStr(), tref, "subscriber_of", since, nil, "")
				}
			}
			g.link(pref, tref, "user_of", since, nil, "")
		}
	}
	g.vehiclesOf(r, pp, age, home, from)
	g.firearmsOf(r, pp, age, home)
	if n := pop.dupOf[ordinal]; n > 0 {
		plain := *body
		plain.Addresses, plain.Phones = nil, nil
		for k := 0; k < n; k++ {
			pop.pending = append(pop.pending, pendingDup{orig: pi, body: plain, due: len(g.people) + 1 + r.IntN(300)})
		}
	}
	for len(pop.pending) > 0 {
		if !g.writeDuplicate(pop, len(g.people)) {
			break
		}
	}
	return pi
}

// firstOfHousehold is the first member of the household person pi is being written into.
func (g *gen) firstOfHousehold(pi int32) int32 {
	p := &g.people[pi]
	// The household's members are written in order and contiguously except for duplicates, so
	// walk back to the first record with the same household.
	first := int32(-1)
	for i := pi; i >= 0 && pi-i < 400; i-- {
		if g.people[i].hh == p.hh && !g.people[i].dup {
			first = i
		} else if !g.people[i].dup {
			break
		}
	}
	return first
}

func (g *gen) phoneSince(r *rand.Rand, p *person) time.Time {
	since := g.daysAgo(float64(30 + r.IntN(6*365)))
	if twelve := p.born.AddDate(12, 0, 0); since.Before(twelve) {
		since = twelve
	}
	return since
}

// addressLink is the person shorthand for a link to one of the town's addresses. abbreviated
// writes it as a hurried officer might: "Rd" for Road, no UPRN; the importer still resolves it to
// the same location by its normalised address and postcode.
func (g *gen) addressLink(li int32, role string, from, to *pole.Moment, abbreviated bool) pole.AddressLink {
	l := g.locs[li]
	loc := pole.Location{Lines: slices.Clone(l.lines), Town: townName, Postcode: l.postcode, Country: "GB", UPRN: l.uprn}
	if abbreviated {
		loc.UPRN = ""
		loc.Country = ""
		for i, line := range loc.Lines {
			loc.Lines[i] = abbreviate(line)
		}
		loc.Postcode = strings.ReplaceAll(strings.ToLower(loc.Postcode), " ", "")
	}
	return pole.AddressLink{Location: loc, Role: role, ValidFrom: from, ValidTo: to}
}

func abbreviate(line string) string {
	for _, a := range [][2]string{{" Road", " Rd"}, {" Street", " St"}, {" Avenue", " Ave"}, {" Lane", " Ln"}, {" Drive", " Dr"},
		{" Close", " Cl"}, {" Crescent", " Cres"}, {" Gardens", " Gdns"}, {" Terrace", " Terr"}, {" Place", " Pl"}, {" Court", " Ct"}, {" Grove", " Gr"}} {
		if strings.HasSuffix(line, a[0]) {
			return strings.TrimSuffix(line, a[0]) + a[1]
		}
	}
	return line
}

// randomHome picks a home other than not.
func (g *gen) randomHome(r *rand.Rand, not int32) int32 {
	for {
		li := int32(r.IntN(len(g.locs)))
		if g.locs[li].home && li != not {
			return li
		}
	}
}

// identifiers gives people with a criminal record PNC and CRO numbers, and some adults national
// insurance numbers and passports.
func (g *gen) identifiers(r *rand.Rand, pop *popState, p *person, body *pole.Person, age int) {
	if age >= 12 && p.offend > 1.2 {
		pop.pncSeq++
		first := g.now.Year() - r.IntN(max(1, min(age-10, 30)))
		serial := 100000 + (pop.pncSeq*7919)%900000
		body.Identifiers = append(body.Identifiers, pole.Identifier{Type: "pnc_id", Value: pncID(first, serial)})
		if chance(r, 0.4) {
			body.Identifiers = append(body.Identifiers, pole.Identifier{Type: "cro_number", Value: croNumber(first, serial+r.IntN(9))})
		}
	}
	if age >= 16 && chance(r, 0.15) {
		v := niNumber(r)
		if chance(r, 0.5) {
			v = strings.ReplaceAll(v, " ", "")
		}
		body.Identifiers = append(body.Identifiers, pole.Identifier{Type: "ni_number", Value: v})
	}
	if age >= 16 && chance(r, 0.03) {
		body.Identifiers = append(body.Identifiers, pole.Identifier{Type: "passport", Value: fmt.Sprintf("99%07d", r.IntN(10000000))})
	}
	if age >= 17 && chance(r, 0.06) {
		body.Identifiers = append(body.Identifiers, pole.Identifier{Type: "driving_licence", Value: drivingLicence(r, p.family, p.given, p.sex == 'F', p.born)})
	}
}

func describe(r *rand.Rand, female bool, age int) string {
	build := oneOf(r, "slim", "medium", "stocky", "heavy", "athletic")
	height := 160 + r.IntN(30)
	if female {
		height -= 12
	}
	mark := oneOf(r, "tattoo of a spider web on left hand", "scar above right eye", "tattoo 'MUM' on right forearm",
		"pierced left eyebrow", "gold front tooth", "walks with a limp", "tattoo of a swallow on neck", "shaved head", "no distinguishing marks")
	return fmt.Sprintf("%s build, approx %d cm, %s", build, height, mark)
}

func nationality(r *rand.Rand, h string) string {
	switch h {
	case "eastern_european":
		return oneOf(r, "Polish", "Polish", "Polish", "Romanian", "Lithuanian", "Slovak")
	case "west_african":
		if chance(r, 0.5) {
			return oneOf(r, "Nigerian", "Ghanaian")
		}
	case "east_african_middle_eastern":
		if chance(r, 0.5) {
			return oneOf(r, "Somali", "Iraqi", "Iranian", "Eritrean")
		}
	}
	if chance(r, 0.3) {
		return "British"
	}
	return ""
}

// markers gives warning markers to about one person in fifteen, mostly to those who offend.
func (g *gen) markers(r *rand.Rand, p *person, body *pole.Person, age int) {
	if age < 12 {
		return
	}
	prob := 0.04 + 0.04*float64(p.offend)
	if !chance(r, min(prob, 0.7)) {
		return
	}
	codes := []string{"VI", "DR", "WE", "MH", "SH", "SU", "FI", "ES", "AT", "CO", "EX"}
	weights := []float64{30, 20, 12, 10, 8, 6, 3, 3, 4, 2, 1}
	notes := map[string]string{
		"VI": "violent towards police on arrest", "DR": "known supplier of class A drugs", "WE": "known to carry a knife",
		"MH": "mental health: contact the crisis team", "SH": "history of self harm in custody", "SU": "expressed suicidal thoughts",
		"FI": "believed to have access to firearms", "ES": "attempted escape from custody", "AT": "epilepsy; carries medication",
		"CO": "hepatitis C: use PPE", "EX": "intelligence of access to explosives",
	}
	n := 1 + choice(r, 75, 20, 5)
	seen := map[string]bool{}
	for range n {
		code := codes[choice(r, weights...)]
		if seen[code] {
			continue
		}
		seen[code] = true
		m := pole.Marker{Code: code, ValidFrom: day(g.daysAgo(float64(10 + r.IntN(3000)))), Note: notes[code]}
		if chance(r, 0.22) {
			to := m.ValidFrom.T.AddDate(0, 3+r.IntN(36), 0)
			if to.Before(g.now) {
				m.ValidTo = day(to)
			}
		}
		body.Markers = append(body.Markers, m)
	}
	g.st.MarkedPeople++
}

// assignPhones gives a person mobiles: most adults one, some two (offenders often a second,
// recent one), most teenagers one.
func (g *gen) assignPhones(r *rand.Rand, p *person, age int) {
	p.firstPhone = int32(len(g.phones))
	n := 0
	switch {
	case age >= 18:
		if chance(r, 0.88) {
			n = 1
			if chance(r, 0.06) || (p.offend > 3 && chance(r, 0.3)) {
				n = 2
			}
		}
	case age >= 12:
		if chance(r, 0.8) {
			n = 1
		}
	}
	for range n {
		g.phones = append(g.phones, phone{national: mobileNumber(g.nMobile), owner: p.idx, hasRef: true, ref: -1})
		g.nMobile++
	}
	p.nPhones = int8(n)
}

// vehiclesOf writes the vehicles a person keeps.
func (g *gen) vehiclesOf(r *rand.Rand, p *person, age int, home int32, since time.Time) {
	p.firstVeh = int32(len(g.vehicles))
	if age < 17 {
		return
	}
	n := choice(r, 58, 36, 6)
	if g.makes == nil {
		g.makes = parseMakes()
		g.colours = zipf(colours)
	}
	for range n {
		vi := len(g.vehicles)
		mk := g.makes.pick(r)
		v := &pole.Vehicle{Make: mk.make, Model: oneOf(r, mk.models...), Colour: g.colours.pick(r)}
		for {
			switch x := r.IntN(100); {
			case x < 75:
				v.VRM = currentVRM(r, g.now, true)
			case x < 95:
				v.VRM = currentVRM(r, g.now, false)
			default:
				v.VRM = olderVRM(r)
			}
			key := strings.ReplaceAll(v.VRM, " ", "")
			if !g.vrms[key] {
				if g.vrms == nil {
					g.vrms = map[string]bool{}
				}
				g.vrms[key] = true
				break
			}
		}
		if chance(r, 0.65) {
			v.VIN = vin(r, mk.wmi, vi)
		}
		vref := ref('V', vi)
		g.vehicles = append(g.vehicles, vehicle{keeper: p.idx, vrm: v.VRM})
		g.emit("vehicle", vehicleLine{envelope{Kind: "vehicle", Ref: vref}, v})
		bought := g.daysAgo(float64(20 + r.IntN(8*365)))
		g.link(p.refStr(), vref, "keeper_of", day(bought), nil, "")
		if chance(r, 0.15) && p.idx > 0 {
			// The previous keeper, until the sale.
			prev := int32(r.IntN(int(p.idx)))
			if g.people[prev].age(g.now) >= 20 {
				g.link(g.people[prev].refStr(), vref, "keeper_of", day(bought.AddDate(-1-r.IntN(5), 0, 0)), day(bought), "")
			}
		}
		if chance(r, 0.4) {
			g.link(vref, ref('L', int(home)), "registered_at", day(bought), nil, "")
		}
	}
	p.nVeh = int8(n)
}

type makeDef struct {
	make, wmi string
	models    []string
}

func parseMakes() *weighted[makeDef] {
	wmis := map[string]string{}
	for _, e := range strings.Split(vehicleWMI, "|") {
		m, w, _ := strings.Cut(e, ":")
		wmis[m] = w
	}
	out := &weighted[makeDef]{}
	for _, e := range strings.Split(vehicleMakes, "|") {
		parts := strings.SplitN(e, ":", 3)
		var wt float64
		fmt.Sscan(parts[1], &wt)
		out.add(makeDef{make: parts[0], wmi: wmis[parts[0]], models: strings.Split(parts[2], ",")}, wt)
	}
	return out
}

// firearmsOf writes the shotguns and rifles a certificate holder keeps at home. Holders are
// commoner in the outer, rural districts.
func (g *gen) firearmsOf(r *rand.Rand, p *person, age int, home int32) {
	if age < 25 || g.locs[home].street < 0 {
		return
	}
	prob := 0.005
	if g.streets[g.locs[home].street].district >= 6 {
		prob = 0.045
	}
	if !chance(r, prob) {
		return
	}
	defs := strings.Split(firearms, "\n")
	granted := g.daysAgo(float64(30 + r.IntN(5*365)))
	certs := map[string]string{}
	for range 1 + choice(r, 55, 30, 15) {
		f := strings.Split(oneOf(r, defs...), "|")
		kind := "SGC"
		if f[0] == "rifle" {
			kind = "FAC"
		}
		if certs[kind] == "" {
			g.certSeq++
			certs[kind] = fmt.Sprintf("KB/%s/%05d", kind, 10000+(g.certSeq*37)%90000)
		}
		oi := g.objectSeq
		g.objectSeq++
		oref := ref('O', oi)
		serial := fmt.Sprintf("%s%c%06d", strings.ToUpper(f[1][:2]), pick(r, "ABCDEFGHJKLMNPRSTUVWXYZ"), oi)
		g.emit("object", objectLine{envelope{Kind: "object", Ref: oref}, &pole.Object{Type: "firearm", Description: f[3], Serial: serial, Make: f[1], Model: f[2], Certificate: certs[kind]}})
		g.link(p.refStr(), oref, "certificate_holder_of", day(granted), nil, "")
		g.link(oref, ref('L', int(home)), "stored_at", day(granted), nil, "")
	}
	if g.truth != nil {
		g.truth.FirearmHolders = append(g.truth.FirearmHolders, p.refStr())
		g.truth.FirearmAddresses = append(g.truth.FirearmAddresses, ref('L', int(home)))
	}
}

// writeDuplicate writes the oldest pending duplicate if it is due (or any when count is 0), and
// reports whether it wrote one.
func (g *gen) writeDuplicate(pop *popState, count int) bool {
	if len(pop.pending) == 0 {
		return false
	}
	k := 0
	for i, d := range pop.pending {
		if d.due < pop.pending[k].due {
			k = i
		}
	}
	d := pop.pending[k]
	if count > 0 && d.due > count {
		return false
	}
	pop.pending = slices.Delete(pop.pending, k, k+1)
	r := pop.r
	o := g.people[d.orig]
	body := d.body
	body.Aliases = nil
	body.Markers = nil
	body.Description = ""
	if len(d.body.Markers) > 0 && chance(r, 0.3) {
		body.Markers = d.body.Markers
	}
	// Identifiers seldom travel with a second record; a PNC ID that does is a strong clue.
	body.Identifiers = nil
	for _, id := range d.body.Identifiers {
		if id.Type == "pnc_id" && chance(r, 0.15) {
			body.Identifiers = append(body.Identifiers, id)
		}
	}
	moved := false
	for range 1 + choice(r, 70, 30) {
		switch choice(r, 20, 15, 12, 8, 10, 5, 6, 10, 6, 10, 10, 15) {
		case 0:
			first, rest, _ := strings.Cut(body.GivenNames, " ")
			if n := g.names.nick[first]; len(n) > 0 {
				body.GivenNames = strings.TrimSpace(oneOf(r, n...) + " " + rest)
			} else {
				body.GivenNames = typo(r, body.GivenNames)
			}
		case 1:
			body.FamilyName = typo(r, body.FamilyName)
		case 2:
			body.GivenNames = typo(r, body.GivenNames)
		case 3:
			if o.born.Day() <= 12 && o.born.Day() != int(o.born.Month()) {
				body.DOB = fmt.Sprintf("%04d-%02d-%02d", o.born.Year(), o.born.Day(), o.born.Month())
			} else {
				body.DOB = ""
			}
		case 4:
			body.DOB = ""
		case 5:
			body.DOB = o.born.Format("2006")
		case 6:
			b := o.born.AddDate(0, 0, oneOf(r, -1, 1))
			if chance(r, 0.5) {
				b = o.born.AddDate(oneOf(r, -1, 1), 0, 0)
			}
			body.DOB = b.Format(time.DateOnly)
		case 7:
			if o.maiden != "" {
				body.FamilyName = o.maiden
			} else {
				body.FamilyName = typo(r, body.FamilyName)
			}
		case 8:
			body.FamilyName, body.GivenNames = strings.Fields(body.GivenNames)[0], body.FamilyName
		case 9:
			first, _, _ := strings.Cut(body.GivenNames, " ")
			if chance(r, 0.5) {
				body.GivenNames = first
			} else {
				body.GivenNames = first[:1]
			}
		case 10:
			folded := asciiFold(body.FamilyName + "|" + body.GivenNames)
			f, gn, _ := strings.Cut(folded, "|")
			switch {
			case f != body.FamilyName || gn != body.GivenNames:
				body.FamilyName, body.GivenNames = f, gn
			case slices.Contains(g.names.muhammad, strings.Fields(body.GivenNames)[0]):
				first, rest, _ := strings.Cut(body.GivenNames, " ")
				alt := oneOf(r, g.names.muhammad...)
				for alt == first {
					alt = oneOf(r, g.names.muhammad...)
				}
				body.GivenNames = strings.TrimSpace(alt + " " + rest)
			default:
				body.FamilyName = strings.ToUpper(body.FamilyName)
			}
		case 11:
			moved = true
		}
	}
	if chance(r, 0.2) {
		body.Gender = ""
	}
	pi := int32(len(g.people))
	p := o
	p.idx, p.orig, p.dup, p.hh = pi, d.orig, true, -1
	p.firstPhone, p.nPhones, p.nVeh = 0, 0, 0
	p.offend *= 0.6
	p.victim *= 0.6
	pref := p.refStr()
	// Where the second record says the person lives.
	home := o.home
	abbreviated := chance(r, 0.4)
	if moved {
		home = g.randomHome(r, o.home)
	}
	p.home = home
	if chance(r, 0.15) {
		p.home = -1
	}
	g.people = append(g.people, p)
	shared := o.nPhones > 0 && chance(r, 0.3)
	if p.home >= 0 && abbreviated {
		body.Addresses = []pole.AddressLink{g.addressLink(home, "resides_at", day(g.daysAgo(float64(30+r.IntN(2000)))), nil, true)}
		g.st.ShorthandLinks++
	}
	if shared {
		ph := g.phones[o.firstPhone]
		body.Phones = []pole.PhoneLink{{Number: writtenNumber(r, ph.national), Role: "user_of"}}
		g.st.ShorthandLinks++
	}
	g.emit("person", personLine{envelope{Kind: "person", Ref: pref}, &body})
	g.st.Duplicates++
	if p.home >= 0 && !abbreviated {
		g.link(pref, ref('L', int(home)), "resides_at", day(g.daysAgo(float64(30+r.IntN(2000)))), nil, "")
	}
	return true
}

// typo makes one keying error: two letters swapped, one dropped, one doubled or one changed.
func typo(r *rand.Rand, s string) string {
	rs := []rune(s)
	if len(rs) < 4 {
		return s + string(rs[len(rs)-1])
	}
	i := 1 + r.IntN(len(rs)-2)
	switch r.IntN(4) {
	case 0:
		if rs[i] != rs[i+1] && rs[i+1] != ' ' && rs[i] != ' ' {
			rs[i], rs[i+1] = rs[i+1], rs[i]
			return string(rs)
		}
		fallthrough
	case 1:
		if rs[i] != ' ' {
			return string(append(rs[:i:i], rs[i+1:]...))
		}
		fallthrough
	case 2:
		return string(rs[:i+1]) + string(rs[i:])
	default:
		vowels := "aeiou"
		if strings.ContainsRune(vowels, rs[i]) {
			c, _ := utf8.DecodeRuneInString(vowels[r.IntN(5):])
			if c == rs[i] {
				c = 'y'
			}
			rs[i] = c
			return string(rs)
		}
		return string(rs[:i+1]) + string(rs[i:])
	}
}
