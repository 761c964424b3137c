package incident

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"
)

// The force's category vocabulary. Categories are compared after normalising case, spaces and
// hyphens (see [Rules.For]), so "Road Traffic Collision" finds the road_traffic_collision rule.
const (
	AntiSocialBehaviour     = "anti_social_behaviour"
	ConcernForSafety        = "concern_for_safety"
	SuspiciousCircumstances = "suspicious_circumstances"
	DomesticAbuse           = "domestic_abuse"
	RoadTrafficCollision    = "road_traffic_collision"
	Assault                 = "assault"
	AssaultWithInjury       = "assault_with_injury"
	AlarmActivation         = "alarm_activation"
	Burglary                = "burglary"
	BurglaryDwelling        = "burglary_dwelling"
	Theft                   = "theft"
	TheftFromVehicle        = "theft_from_vehicle"
	TheftOfVehicle          = "theft_of_vehicle"
	Shoplifting             = "shoplifting"
	Robbery                 = "robbery"
	CriminalDamage          = "criminal_damage"
	HighwayDisruption       = "highway_disruption"
	SuddenDeath             = "sudden_death"
	PublicOrder             = "public_order"
	DrugsPossession         = "drugs_possession"
	PossessionOfWeapons     = "possession_of_weapons"
	Fraud                   = "fraud"
	MissingPerson           = "missing_person"
	SexualOffence           = "sexual_offence"
	Harassment              = "harassment"
	Other                   = "other"
)

// Categories returns the force's category vocabulary in a fixed order. It returns a new slice on
// every call so callers cannot change the vocabulary for each other.
func Categories() []string {
	return []string{
		AntiSocialBehaviour, ConcernForSafety, SuspiciousCircumstances, DomesticAbuse,
		RoadTrafficCollision, Assault, AssaultWithInjury, AlarmActivation, Burglary,
		BurglaryDwelling, Theft, TheftFromVehicle, TheftOfVehicle, Shoplifting, Robbery,
		CriminalDamage, HighwayDisruption, SuddenDeath, PublicOrder, DrugsPossession,
		PossessionOfWeapons, Fraud, MissingPerson, SexualOffence, Harassment, Other,
	}
}

// Rule says how far apart in space and time two reports of one incident of this category can be.
//
// In JSON, Window is written as an ISO 8601 duration ("PT30M", "PT2H", "P1DT6H"), because rule
// files are edited by people and read by non-Go tools; on input a Go duration string ("30m",
// "2h0m0s") is accepted as well. Years and months are refused since their length varies.
type Rule struct {
	Category string        `json:"category"`
	Radius   float64       `json:"radius_m"` // metres
	Window   time.Duration `json:"window"`   // max |OccurredAt difference| (a fallback time counts as the stretch before it; see Report.ReportedAt)
	// Compatible lists other categories a caller may plausibly have chosen for the same incident
	// (category mistakes). The relation is used symmetrically: a pair is compatible when either
	// rule lists the other. A compatible pair is judged by the tighter of the two rules.
	Compatible []string `json:"compatible"`
	// LocationBound says the incident belongs to one address or premises (a household, a
	// victim, a shop): two reports with different LocationIDs are then never the same incident,
	// however close their points, because neighbours are distinct victims. Reports without a
	// LocationID can still match on Radius, which is why such rules keep Radius tight.
	LocationBound bool `json:"location_bound,omitempty"`
	// VehicleBound says the incident belongs to one vehicle (a car broken into or stolen): two
	// reports that both quote registrations, none in common, are then different incidents, as
	// when several cars on one street are broken into in one night. (For a collision, by
	// contrast, witnesses quote different vehicles of the same incident.)
	VehicleBound bool `json:"vehicle_bound,omitempty"`
	// Wildcard marks a category that says nothing about the incident (other): it is compatible
	// with every category, and such a pair is judged by the other category's rule, since
	// "other" carries no idea of how far apart reports of the incident can be. Two reports
	// both in the wildcard category are judged by its own (narrow) rule.
	Wildcard bool `json:"wildcard,omitempty"`
}

// Rules is the visible, configurable rule set: one Rule per category, and Default for any
// category not listed (so an unknown or misspelt category still gets conservative matching
// instead of none or an error at intake).
type Rules struct {
	Default    Rule            `json:"default"`
	ByCategory map[string]Rule `json:"by_category"`
}

// DefaultRules returns sensible defaults for every category in [Categories], each a new copy.
//
// The figures are judgements, written down so they can be argued with:
//
//   - Events in a public place that many people see (road_traffic_collision, public_order,
//     highway_disruption, robbery, possession_of_weapons) get wide radii: callers on a
//     road or in a crowd place the same event a couple of hundred metres apart. Windows are
//     short (30-45 minutes for collisions and street violence) because these are rung in
//     as they happen and because a second fight at the same spot half an hour later is a
//     second incident. Callers who give no time are allowed for separately (see
//     Report.ReportedAt), so the window need not stretch to cover them.
//   - Premises-based categories (alarm_activation, burglary, shoplifting) are LocationBound:
//     the next shop's alarm is a different alarm. Their radius only applies to callers who
//     did not name the premises.
//   - Crimes against a person or household (domestic_abuse, sexual_offence, fraud,
//     harassment, burglary_dwelling, missing_person, sudden_death) are LocationBound with a
//     very tight radius: two victims in one block of flats, or two houses burgled on one
//     street in one night, are separate crimes and must never be merged on proximity.
//     Their windows are longer because they are often reported late.
//   - Vehicle crime (theft_from_vehicle, theft_of_vehicle) is VehicleBound: each car is a
//     victim, so owners quoting different registrations are different crimes however close.
//   - Compatible lists pair the mistakes call takers actually see: road_traffic_collision ~
//     highway_disruption; assault ~ assault_with_injury ~ public_order; burglary ~
//     alarm_activation ~ suspicious_circumstances, and so on.
//   - other is a Wildcard: a call taker picks it when unsure, so it may be any incident,
//     and is judged by the other report's rule (two reports both "other" by its own
//     moderate rule). The Default, for categories outside the vocabulary, is deliberately
//     narrow: with no idea what the incident is, only near-coincident reports are merged.
//   - road_traffic_collision ~ concern_for_safety: a casualty in the road is often taken as a
//     concern for safety call.
func DefaultRules() Rules {
	minute, hr := time.Minute, time.Hour
	rule := func(cat string, radius float64, window time.Duration, bound bool, compat ...string) Rule {
		return Rule{Category: cat, Radius: radius, Window: window, LocationBound: bound, Compatible: compat}
	}
	list := []Rule{
		rule(AntiSocialBehaviour, 150, 45*minute, false, PublicOrder, CriminalDamage, SuspiciousCircumstances, DrugsPossession),
		rule(ConcernForSafety, 200, hr, false, MissingPerson, SuspiciousCircumstances, SuddenDeath, DomesticAbuse),
		rule(SuspiciousCircumstances, 150, hr, false, AntiSocialBehaviour, Burglary, BurglaryDwelling, TheftFromVehicle, ConcernForSafety, AlarmActivation),
		rule(DomesticAbuse, 25, 2*hr, true, Assault, AssaultWithInjury, Harassment, ConcernForSafety),
		rule(RoadTrafficCollision, 250, 30*minute, false, HighwayDisruption, ConcernForSafety),
		rule(Assault, 150, 45*minute, false, AssaultWithInjury, PublicOrder, Robbery, DomesticAbuse),
		rule(AssaultWithInjury, 150, 45*minute, false, Assault, PublicOrder, Robbery, DomesticAbuse),
		rule(AlarmActivation, 50, hr, true, Burglary, BurglaryDwelling, SuspiciousCircumstances),
		rule(Burglary, 100, 2*hr, true, BurglaryDwelling, AlarmActivation, CriminalDamage, Theft),
		rule(BurglaryDwelling, 30, 3*hr, true, Burglary, AlarmActivation, SuspiciousCircumstances, Theft),
		rule(Theft, 100, hr, false, Shoplifting, Robbery, TheftFromVehicle),
		rule(TheftFromVehicle, 60, 3*hr, false, CriminalDamage, Theft, TheftOfVehicle),
		rule(TheftOfVehicle, 100, 6*hr, false, TheftFromVehicle, Theft),
		rule(Shoplifting, 75, hr, true, Theft, Robbery),
		rule(Robbery, 200, hr, false, Assault, AssaultWithInjury, Theft),
		rule(CriminalDamage, 100, 2*hr, false, AntiSocialBehaviour, TheftFromVehicle, Burglary),
		rule(HighwayDisruption, 300, hr, false, RoadTrafficCollision),
		rule(SuddenDeath, 30, 6*hr, true, ConcernForSafety),
		rule(PublicOrder, 200, 45*minute, false, Assault, AssaultWithInjury, AntiSocialBehaviour, PossessionOfWeapons),
		rule(DrugsPossession, 100, hr, false, AntiSocialBehaviour, SuspiciousCircumstances),
		rule(PossessionOfWeapons, 200, 45*minute, false, PublicOrder, Assault, Robbery),
		rule(Fraud, 10, 24*hr, true, Theft),
		rule(MissingPerson, 100, 24*hr, true, ConcernForSafety),
		rule(SexualOffence, 25, 6*hr, true, Assault),
		rule(Harassment, 25, 24*hr, true, DomesticAbuse, AntiSocialBehaviour),
		rule(Other, 100, hr, false),
	}
	// other is what a call taker picks when unsure, so it may be any incident.
	list[len(list)-1].Wildcard = true
	for i := range list {
		switch list[i].Category {
		case TheftFromVehicle, TheftOfVehicle:
			list[i].VehicleBound = true
		}
	}
	r := Rules{
		Default:    Rule{Radius: 50, Window: 30 * minute},
		ByCategory: make(map[string]Rule, len(list)),
	}
	for _, x := range list {
		r.ByCategory[x.Category] = x
	}
	return r
}

// For returns the rule for category, trying the name as given and then normalised (lower case,
// spaces and hyphens as underscores). An unknown category gets Default, with Category set to
// the name asked for so that reasons and logs show what the caller chose.
func (r Rules) For(category string) Rule {
	if x, ok := r.ByCategory[category]; ok {
		return x
	}
	if n := normCategory(category); n != category {
		if x, ok := r.ByCategory[n]; ok {
			return x
		}
	}
	d := r.Default
	d.Category = category
	return d
}

// Upper bounds for Validate: beyond these a rule is almost certainly a unit mistake (km typed
// as m, hours as minutes) and would merge unrelated incidents across a whole force area.
const (
	maxRadius = 50_000              // metres
	maxWindow = 30 * 24 * time.Hour // a month
)

// Validate checks every rule and returns all problems joined, each naming the bad field by its
// JSON path (for example by_category["burglary"].radius_m), or nil.
func (r Rules) Validate() error {
	var errs []error
	known := func(c string) bool { _, ok := r.ByCategory[c]; return ok }
	check := func(path string, x Rule, wantCat string) {
		if wantCat != "" && x.Category != wantCat {
			errs = append(errs, fmt.Errorf("incident: %s.category: %q does not match its key %q", path, x.Category, wantCat))
		}
		if math.IsNaN(x.Radius) || math.IsInf(x.Radius, 0) || x.Radius <= 0 || x.Radius > maxRadius {
			errs = append(errs, fmt.Errorf("incident: %s.radius_m: must be > 0 and <= %d metres, got %v", path, maxRadius, x.Radius))
		}
		if x.Window <= 0 || x.Window > maxWindow {
			errs = append(errs, fmt.Errorf("incident: %s.window: must be > 0 and <= %s, got %s", path, formatISODuration(maxWindow), formatISODuration(x.Window)))
		}
		seen := map[string]bool{}
		for i, c := range x.Compatible {
			switch {
			case c == "":
				errs = append(errs, fmt.Errorf("incident: %s.compatible[%d]: empty category", path, i))
			case c == x.Category:
				errs = append(errs, fmt.Errorf("incident: %s.compatible[%d]: %q lists itself", path, i, c))
			case seen[c]:
				errs = append(errs, fmt.Errorf("incident: %s.compatible[%d]: %q listed twice", path, i, c))
			case !known(c):
				errs = append(errs, fmt.Errorf("incident: %s.compatible[%d]: unknown category %q", path, i, c))
			}
			seen[c] = true
		}
	}
	check("default", r.Default, "")
	if len(r.ByCategory) == 0 {
		errs = append(errs, errors.New("incident: by_category: no rules"))
	}
	keys := make([]string, 0, len(r.ByCategory))
	for k := range r.ByCategory {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		path := fmt.Sprintf("by_category[%q]", k)
		if k == "" || normCategory(k) != k {
			errs = append(errs, fmt.Errorf("incident: %s: category key must be lower case with underscores", path))
		}
		check(path, r.ByCategory[k], k)
	}
	return errors.Join(errs...)
}

// tighter returns the rule that judges a compatible pair: the smaller radius and window of the
// two, and location or vehicle bound if either is. A category mistake is itself weak evidence against a
// match, so the pair must satisfy both rules rather than the looser one. A wildcard category
// defers to the other's rule.
func tighter(a, b Rule) Rule {
	switch {
	case a.Wildcard && !b.Wildcard:
		return b
	case b.Wildcard && !a.Wildcard:
		return a
	}
	t := a
	t.Radius = math.Min(a.Radius, b.Radius)
	t.Window = min(a.Window, b.Window)
	t.LocationBound = a.LocationBound || b.LocationBound
	t.VehicleBound = a.VehicleBound || b.VehicleBound
	return t
}

// compatibleWith reports whether the rule lists category c as compatible.
func (x Rule) compatibleWith(c string) bool { return slices.Contains(x.Compatible, c) }

// normCategory lower-cases a category and turns spaces and hyphens into underscores. The fast
// path returns vocabulary names unchanged without allocating, since Match calls this per
// candidate.
func normCategory(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return '_'
		}
		return r
	}, s)
}

// ruleJSON is Rule's wire form; only Window changes representation.
type ruleJSON struct {
	Category      string   `json:"category"`
	Radius        float64  `json:"radius_m"`
	Window        string   `json:"window"`
	Compatible    []string `json:"compatible"`
	LocationBound bool     `json:"location_bound,omitempty"`
	VehicleBound  bool     `json:"vehicle_bound,omitempty"`
	Wildcard      bool     `json:"wildcard,omitempty"`
}

// MarshalJSON writes Window as an ISO 8601 duration, e.g. "PT30M".
func (x Rule) MarshalJSON() ([]byte, error) {
	c := x.Compatible
	if c == nil {
		c = []string{} // "compatible": [] reads better in a rule file than null
	}
	return json.Marshal(ruleJSON{x.Category, x.Radius, formatISODuration(x.Window), c, x.LocationBound, x.VehicleBound, x.Wildcard})
}

// UnmarshalJSON reads Window as an ISO 8601 duration or a Go duration string.
func (x *Rule) UnmarshalJSON(b []byte) error {
	var w ruleJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	var d time.Duration
	if w.Window != "" {
		var err error
		if d, err = ParseDuration(w.Window); err != nil {
			return fmt.Errorf("incident: rule %q: window: %w", w.Category, err)
		}
	}
	*x = Rule{Category: w.Category, Radius: w.Radius, Window: d, Compatible: w.Compatible, LocationBound: w.LocationBound, VehicleBound: w.VehicleBound, Wildcard: w.Wildcard}
	return nil
}

// ParseDuration reads an ISO 8601 duration of weeks, days, hours, minutes and (fractional)
// seconds, such as "PT30M", "P1DT2H" or "-PT5S", or else a Go duration string such as "1h30m".
// A day is taken as 24 hours: rule windows are elapsed time, not calendar time.
func ParseDuration(s string) (time.Duration, error) {
	orig := s
	neg := false
	if strings.HasPrefix(s, "-") {
		neg, s = true, s[1:]
	} else if strings.HasPrefix(s, "+") {
		s = s[1:]
	}
	if !strings.HasPrefix(s, "P") && !strings.HasPrefix(s, "p") {
		d, err := time.ParseDuration(orig)
		if err != nil {
			return 0, fmt.Errorf("%q is neither an ISO 8601 nor a Go duration", orig)
		}
		return d, nil
	}
	s = strings.ToUpper(s[1:])
	if s == "" || s == "T" || strings.HasSuffix(s, "T") {
		return 0, fmt.Errorf("%q: empty ISO 8601 duration", orig)
	}
	var total float64 // nanoseconds; float so that fractions and overflow are easy to detect
	inTime := false
	order := 0 // enforces the designator order P W D T H M S
	for s != "" {
		if s[0] == 'T' {
			if inTime {
				return 0, fmt.Errorf("%q: repeated T", orig)
			}
			inTime = true
			s = s[1:]
			continue
		}
		i := 0
		for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.' || s[i] == ',') {
			i++
		}
		if i == 0 || i == len(s) {
			return 0, fmt.Errorf("%q: malformed ISO 8601 duration", orig)
		}
		var v float64
		if _, err := fmt.Sscanf(strings.ReplaceAll(s[:i], ",", "."), "%g", &v); err != nil {
			return 0, fmt.Errorf("%q: bad number %q", orig, s[:i])
		}
		unit, rank := float64(0), 0
		switch {
		case !inTime && s[i] == 'W':
			unit, rank = float64(7*24*time.Hour), 1
		case !inTime && s[i] == 'D':
			unit, rank = float64(24*time.Hour), 2
		case inTime && s[i] == 'H':
			unit, rank = float64(time.Hour), 3
		case inTime && s[i] == 'M':
			unit, rank = float64(time.Minute), 4
		case inTime && s[i] == 'S':
			unit, rank = float64(time.Second), 5
		case !inTime && (s[i] == 'Y' || s[i] == 'M'):
			return 0, fmt.Errorf("%q: years and months have no fixed length; use days", orig)
		default:
			return 0, fmt.Errorf("%q: unexpected %q", orig, s[i])
		}
		if rank <= order {
			return 0, fmt.Errorf("%q: designators out of order", orig)
		}
		order = rank
		total += v * unit
		s = s[i+1:]
	}
	if total > math.MaxInt64 {
		return 0, fmt.Errorf("%q: too long", orig)
	}
	d := time.Duration(math.Round(total))
	if neg {
		d = -d
	}
	return d, nil
}

// formatISODuration writes d as an ISO 8601 duration using days, hours, minutes and seconds
// ("PT30M", "P1DT6H", "PT0S").
func formatISODuration(d time.Duration) string {
	if d == 0 {
		return "PT0S"
	}
	var b strings.Builder
	if d < 0 {
		b.WriteByte('-')
		if d == math.MinInt64 {
			d = math.MaxInt64 // off by one nanosecond, which no rule cares about
		} else {
			d = -d
		}
	}
	b.WriteByte('P')
	days := d / (24 * time.Hour)
	d -= days * 24 * time.Hour
	if days > 0 {
		fmt.Fprintf(&b, "%dD", days)
	}
	if d == 0 {
		return b.String()
	}
	b.WriteByte('T')
	h := d / time.Hour
	d -= h * time.Hour
	m := d / time.Minute
	d -= m * time.Minute
	if h > 0 {
		fmt.Fprintf(&b, "%dH", h)
	}
	if m > 0 {
		fmt.Fprintf(&b, "%dM", m)
	}
	if d > 0 {
		sec := d / time.Second
		frac := d % time.Second
		if frac == 0 {
			fmt.Fprintf(&b, "%dS", sec)
		} else {
			fs := strings.TrimRight(fmt.Sprintf("%09d", int64(frac)), "0")
			fmt.Fprintf(&b, "%d.%sS", sec, fs)
		}
	}
	return b.String()
}
