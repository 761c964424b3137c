package incident

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Report is a new report or an open incident (its master report) as matching sees it.
type Report struct {
	ID       string
	Category string
	// Also lists, for an open incident, the other categories its reports were given (Merge
	// keeps it). A report pairs with the incident through any of them.
	Also       []string
	OccurredAt time.Time // when it happened (else reported time; the caller decides); zero if unknown
	// ReportedAt is when the report was received; Replay orders intake and closes incidents by
	// it. Matching uses it only to tell a real estimate from a fallback: an OccurredAt equal
	// to ReportedAt is taken to mean the caller gave no estimate and the app used the time of
	// the call, which is an upper bound (it happened then or a little before), not an
	// estimate. Such a report is matched as having happened up to one rule window earlier,
	// so a caller who rings half an hour into a lasting incident still joins it.
	ReportedAt time.Time
	Lat, Lon   float64
	HasPoint   bool // false when no coordinates are known
	// Accuracy is how good the point is, in metres: the true place is believed to lie within
	// this distance about two times in three (AML gives such a radius for mobile calls; an
	// address geocode is good to the size of the building). 0 means unknown. Known accuracies
	// let matching hold a precise report to a tight distance and give a vague one latitude,
	// instead of judging both by the category's radius alone.
	Accuracy   float64
	LocationID string // the location record id when known (same id = same place even without coordinates)
	Summary    string // free text; vehicle registrations and other identifiers in it help break ties
}

// point returns the report's coordinates if it has usable ones. NaN, infinite or off-globe
// coordinates count as none, so a bad geocode degrades to "location unknown" instead of
// poisoning distances.
func (r Report) point() (lat, lon float64, ok bool) {
	if r.HasPoint && validPoint(r.Lat, r.Lon) {
		return r.Lat, r.Lon, true
	}
	return 0, 0, false
}

// Candidate is an open incident judged against a new report.
type Candidate struct {
	Incident Report
	Distance float64       // metres between the points; -1 when either point is unknown
	TimeGap  time.Duration // |OccurredAt difference| (see ReportedAt for fallback times); -1 when unknown
	Score    float64       // higher is a better match; comparable only between candidates for one report
	Reasons  []string      // human-readable evidence, for the call taker and the audit trail
}

// scoring holds the weights Match scores with. They are fixed (see defaultScoring); they live in
// a struct only so that the tests can measure alternatives on generated streams.
//
// A candidate's score starts at 1 and loses space·sd² + time·st², where sd is the distance as a
// fraction of the scale (the rule's radius, or less when accuracies are known; see
// matcher.scale) and st the time gap as a fraction of the rule's window. Caller error is
// roughly Gaussian, so the evidence for "same incident" falls off with the square of the
// separation: a report near the edge of the rule is much weaker evidence than one halfway out.
// Time weighs far more than space because callers' estimates of when are good to minutes while
// windows are set wide for the late callers, and because "same place, twenty minutes later" is
// exactly how a second fight on a high street looks. Bonuses and penalties follow.
type scoring struct {
	space, time float64
	// compatible is subtracted for a compatible rather than the same category: a different
	// (if plausible) category is itself evidence of a different incident.
	compatible float64
	// sameBound is added for the same location record under a location-bound rule: there the
	// record is an address or premises, near proof of the same place; distance then costs
	// nothing (a geocode can be wrong, the address was chosen by a person).
	sameBound float64
	// sameArea is added for the same location record otherwise: for street events the record is
	// a landmark that neighbouring incidents share, so it is weaker evidence and distance still
	// counts. (Different records cost nothing there: callers at one fight name different
	// landmarks as often as callers at two fights do.)
	sameArea float64
	// sharedID is added when both summaries quote the same identifier (a registration).
	sharedID float64
	// idConflict is subtracted when both quote identifiers and none agree. Only a penalty, not
	// a veto, unless the rule is VehicleBound: witnesses to one collision read different
	// vehicles' plates.
	idConflict float64
	// threshold is the least score that counts as a match.
	threshold float64
	// lookback is how far before a fallback OccurredAt (see Report.ReportedAt) the event may
	// have happened, in windows.
	lookback float64
	// accReach and accFloor set the scale for a pair whose accuracies are both known:
	// accReach times the combined accuracy, but never below accFloor metres (nor above the
	// rule's radius).
	accReach, accFloor float64
}

// defaultScoring returns the weights Match uses. They were chosen by measuring precision and
// recall on generated streams (seeds 101 and up), not the seeds the accuracy test asserts on.
func defaultScoring() scoring {
	return scoring{
		space: 0.6, time: 4,
		compatible: 0.15,
		sameBound:  0.3, sameArea: 0.2,
		sharedID: 0.3, idConflict: 0.3,
		threshold: 0,
		lookback:  1,
		accReach:  3, accFloor: 20,
	}
}

// pairing is how a candidate's category relates to the report's, with the rule that judges them.
type pairing struct {
	category string
	rule     Rule
	exact    bool
}

// matcher holds what Match works out once per report rather than once per candidate.
type matcher struct {
	sc        scoring
	rep       Report
	lat, lon  float64
	hasPoint  bool
	hasTime   bool
	pairs     []pairing
	ids       []string // identifiers quoted in rep.Summary
	maxRadius float64  // widest radius over pairs
	maxWindow time.Duration
}

func (r Rules) newMatcher(rep Report, sc scoring) *matcher {
	m := &matcher{sc: sc, rep: rep, hasTime: !rep.OccurredAt.IsZero()}
	m.lat, m.lon, m.hasPoint = rep.point()
	cat := normCategory(rep.Category)
	own := r.For(cat)
	m.pairs = append(m.pairs, pairing{category: cat, rule: own, exact: true})
	add := func(c string) {
		c = normCategory(c)
		if c == cat || slices.ContainsFunc(m.pairs, func(p pairing) bool { return p.category == c }) {
			return
		}
		m.pairs = append(m.pairs, pairing{category: c, rule: tighter(own, r.For(c))})
	}
	for _, c := range own.Compatible {
		add(c)
	}
	// The relation is symmetric: a category whose rule lists ours is compatible too, so one
	// one-sided entry in a hand-edited rule file is enough. A wildcard pairs with everything.
	for c, x := range r.ByCategory {
		if x.compatibleWith(cat) || x.Wildcard != own.Wildcard && (x.Wildcard || own.Wildcard) {
			add(c)
		}
	}
	// Map iteration order is random; sort so the query radius and reasons are reproducible.
	slices.SortFunc(m.pairs[1:], func(a, b pairing) int { return strings.Compare(a.category, b.category) })
	m.ids = identifiers(rep.Summary)
	for _, p := range m.pairs {
		if !(p.rule.Radius > 0) || math.IsInf(p.rule.Radius, 0) || p.rule.Window <= 0 {
			continue // unusable rule: never matches (Validate reports it)
		}
		m.maxRadius = math.Max(m.maxRadius, p.rule.Radius)
		m.maxWindow = max(m.maxWindow, p.rule.Window)
	}
	return m
}

// scale returns the distance that counts as a full radius when scoring the pair: the rule's
// radius, or, when both points' accuracies are known, accReach times their combined accuracy
// if that is smaller (but at least accFloor). Two precise reports 80 m apart are then judged as
// far apart, however wide the category's radius, while two vague ones are judged by the
// radius. The radius stays the hard limit; within it the fraction may exceed 1.
func (m *matcher) scale(c Report, rule Rule) float64 {
	a, b := m.rep.Accuracy, c.Accuracy
	if !(a > 0) || !(b > 0) || math.IsInf(a, 0) || math.IsInf(b, 0) {
		return rule.Radius
	}
	return math.Min(rule.Radius, math.Max(m.sc.accFloor, m.sc.accReach*math.Hypot(a, b)))
}

// pairFor returns the index in m.pairs of category c (0 is rep's own category), or -1 when c is
// neither rep's category nor compatible with it.
func (m *matcher) pairFor(c string) int {
	c = normCategory(c)
	for i := range m.pairs {
		if m.pairs[i].category == c {
			return i
		}
	}
	return -1
}

// judged is one scored candidate with the facts needed to explain it, kept unexplained until it
// wins because building reasons per candidate would dominate the cost of a large scan.
type judged struct {
	c        Report
	pair     int
	exact    bool // rep's category is the incident's own (not one of its Also)
	dist     float64
	gap      time.Duration
	score    float64
	sameLoc  bool
	diffLoc  bool
	shared   string
	conflict bool
	reached  bool // matched beyond the radius thanks to a shared identifier
}

// judge scores c against the report, or returns ok=false when c cannot be the same incident
// (the rule's hard limits). Whether the best score is enough is decided by accept.
func (m *matcher) judge(c Report) (j judged, ok bool) {
	if c.ID != "" && c.ID == m.rep.ID {
		return j, false // the report itself, already indexed by the caller
	}
	j.pair = m.pairFor(c.Category)
	j.exact = j.pair == 0
	// An incident's reports may have been given other categories; the report can pair with
	// any of them (preferring an exact one), so one caller's mistake does not stop the next
	// caller's different mistake from matching.
	for _, a := range c.Also {
		if j.pair == 0 {
			break
		}
		if k := m.pairFor(a); k >= 0 && (j.pair < 0 || k < j.pair) {
			j.pair = k
		}
	}
	if j.pair < 0 {
		return j, false
	}
	p := &m.pairs[j.pair]
	rule := p.rule
	if !(rule.Radius > 0) || rule.Window <= 0 {
		return j, false
	}
	j.c = c
	j.sameLoc = m.rep.LocationID != "" && m.rep.LocationID == c.LocationID
	j.diffLoc = m.rep.LocationID != "" && c.LocationID != "" && !j.sameLoc
	if j.diffLoc && rule.LocationBound {
		return j, false
	}

	// Time. An unknown time on either side can only be accepted on the strength of the same
	// location record, and then counts as half a window: neither close nor at the limit.
	st := 0.5
	j.gap = -1
	if m.hasTime && !c.OccurredAt.IsZero() {
		// Each side is a moment, or for a fallback time the stretch before it.
		look := time.Duration(m.sc.lookback * float64(rule.Window))
		rs, cs := m.rep.OccurredAt, c.OccurredAt
		if m.rep.guessed() {
			rs = rs.Add(-look)
		}
		if c.guessed() {
			cs = cs.Add(-look)
		}
		j.gap = spanGap(rs, m.rep.OccurredAt, cs, c.OccurredAt)
		if j.gap > rule.Window {
			return j, false
		}
		st = float64(j.gap) / float64(rule.Window)
	} else if !j.sameLoc {
		return j, false
	}

	// Space. The same location record is the same place whatever the points say (a geocode can
	// be wrong; the id was chosen by a person), so distance then costs nothing.
	sd := 1.0
	j.dist = -1
	clat, clon, cpoint := c.point()
	if m.hasPoint && cpoint {
		j.dist = Distance(m.lat, m.lon, clat, clon)
	}
	switch {
	case j.sameLoc && (rule.LocationBound || j.dist < 0):
		sd = 0
	case j.sameLoc:
		sd = math.Min(j.dist/rule.Radius, 1)
	case j.dist >= 0 && j.dist <= rule.Radius:
		sd = j.dist / m.scale(c, rule)
	case len(m.ids) > 0:
		// Beyond the radius, or no point to measure: only a shared identifier can make this
		// the same incident (confirmed below), and then distance counts as the full radius.
		j.reached = true
	default:
		return j, false
	}

	if len(m.ids) > 0 && c.Summary != "" {
		cids := identifiers(c.Summary)
		for _, id := range m.ids {
			if slices.Contains(cids, id) {
				j.shared = id
				break
			}
		}
		j.conflict = j.shared == "" && len(cids) > 0
	}
	if j.reached && j.shared == "" || j.conflict && rule.VehicleBound {
		return j, false
	}

	sc := &m.sc
	j.score = 1 - sc.space*sd*sd - sc.time*st*st
	if !j.exact {
		j.score -= sc.compatible
	}
	switch {
	case j.sameLoc && rule.LocationBound:
		j.score += sc.sameBound
	case j.sameLoc:
		j.score += sc.sameArea
	}
	if j.shared != "" {
		j.score += sc.sharedID
	}
	if j.conflict {
		j.score -= sc.idConflict
	}
	return j, true
}

// better reports whether a beats b: higher score, then nearer, then closer in time, then the
// smaller ID so that the choice never depends on the order of the candidates.
func better(a, b judged) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	da, db := a.dist, b.dist
	if da < 0 {
		da = math.Inf(1)
	}
	if db < 0 {
		db = math.Inf(1)
	}
	if da != db {
		return da < db
	}
	ga, gb := a.gap, b.gap
	if ga < 0 {
		ga = math.MaxInt64
	}
	if gb < 0 {
		gb = math.MaxInt64
	}
	if ga != gb {
		return ga < gb
	}
	return a.c.ID < b.c.ID
}

// consider scores c and keeps it if it beats the best so far.
func (m *matcher) consider(c Report, best *judged, found *bool) {
	j, ok := m.judge(c)
	if !ok {
		return
	}
	if !*found || better(j, *best) {
		*best, *found = j, true
	}
}

// accept reports whether the best candidate scores enough to be the same incident.
func (m *matcher) accept(best judged, found bool) bool {
	return found && best.score >= m.sc.threshold
}

// explain turns the winning judgement into a Candidate with reasons.
func (m *matcher) explain(j judged) Candidate {
	p := m.pairs[j.pair]
	var rs []string
	switch {
	case j.exact:
		rs = append(rs, "same category "+p.category)
	case p.exact:
		rs = append(rs, fmt.Sprintf("category %s, as an earlier caller gave it (incident is %s)", p.category, j.c.Category))
	default:
		rs = append(rs, fmt.Sprintf("compatible category %s (report says %s)", p.category, m.pairs[0].category))
	}
	if j.sameLoc {
		rs = append(rs, "same location "+j.c.LocationID)
	} else if j.diffLoc {
		rs = append(rs, fmt.Sprintf("different location ids (%s, %s)", m.rep.LocationID, j.c.LocationID))
	}
	if j.dist >= 0 {
		if j.reached {
			rs = append(rs, fmt.Sprintf("%.0f m apart, beyond the %.0f m radius, but an identifier is shared", j.dist, p.rule.Radius))
		} else {
			rs = append(rs, fmt.Sprintf("%.0f m apart (radius %.0f m)", j.dist, p.rule.Radius))
		}
	} else {
		rs = append(rs, "distance unknown")
	}
	if j.gap >= 0 {
		rs = append(rs, fmt.Sprintf("occurred %s apart (window %s)", j.gap.Round(time.Second), p.rule.Window))
	} else {
		rs = append(rs, "occurrence time unknown")
	}
	if j.shared != "" {
		rs = append(rs, "shared identifier "+j.shared)
	} else if j.conflict {
		rs = append(rs, "identifiers quoted do not agree")
	}
	return Candidate{Incident: j.c, Distance: j.dist, TimeGap: j.gap, Score: j.score, Reasons: rs}
}

// Match returns the best open incident for rep among open (already roughly pre-filtered by the
// caller's spatial index, or not filtered at all), or ok=false when rep is a new incident.
//
// Every candidate is scored and the best is chosen, not the first acceptable one: on a busy high
// street the first incident within radius is often the wrong one. A candidate is eligible when
//
//   - its category, or one in its Also, is rep's or compatible with it (a compatible pair is
//     judged by the tighter rule, a wildcard by the other's);
//   - it is within the rule's radius, or has the same location record, or quotes an identifier
//     that rep quotes too (however far: a caller who quotes the plate but misplaces the road is
//     describing the same collision);
//   - its OccurredAt is within the rule's window of rep's (a fallback time counting as the
//     stretch before it; see Report.ReportedAt);
//   - a location-bound rule does not separate them by different location records, nor a
//     vehicle-bound rule by different registrations.
//
// The score (see scoring) then weighs distance, scaled by the points' accuracies when known, and
// time gap, exact over compatible category, same location record, and identifiers shared or in
// conflict; a best score below the threshold means a new incident. Reasons explain the choice.
// The result does not depend on the order of open, and ties go to the nearer, then the closer
// in time, then the smaller ID.
//
// Match never panics on bad data: NaN, infinite or off-globe coordinates count as no point, a
// zero OccurredAt as unknown time (matching only by location record), an unknown category gets
// the Default rule.
func (r Rules) Match(rep Report, open []Report) (best Candidate, ok bool) {
	m := r.newMatcher(rep, defaultScoring())
	var b judged
	for i := range open {
		m.consider(open[i], &b, &ok)
	}
	if !m.accept(b, ok) {
		return Candidate{}, false
	}
	return m.explain(b), true
}

// MatchIndex is Match over the open incidents in ix that could possibly match: those within
// the widest radius and window of rep's category and its compatible ones, plus those with the
// same location record or quoting the same identifiers. It returns what Match would over all of
// ix, and is the call intake makes per report.
func (r Rules) MatchIndex(ix *Index, rep Report) (best Candidate, ok bool) {
	return r.matchIndex(ix, rep, defaultScoring())
}

func (r Rules) matchIndex(ix *Index, rep Report, sc scoring) (best Candidate, ok bool) {
	m := r.newMatcher(rep, sc)
	var b judged
	consider := func(c *Report) { m.consider(*c, &b, &ok) }
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	_, from, to, near := m.reach(rep)
	if near {
		ix.visitNear(m.lat, m.lon, m.maxRadius, from, to, consider)
	}
	// Same location record and shared identifiers match without a point (or despite a wrong
	// one), so they are looked up apart; each candidate is judged once.
	seen := func(c *Report) bool { return near && nearHit(c, m.lat, m.lon, m.maxRadius, from, to) }
	ix.visitLocation(rep.LocationID, func(c *Report) {
		if !seen(c) {
			consider(c)
		}
	})
	var byIdent []*Report
	for _, id := range m.ids {
		ix.visitIdentifier(id, func(c *Report) {
			if !seen(c) && (rep.LocationID == "" || c.LocationID != rep.LocationID) && !slices.Contains(byIdent, c) {
				byIdent = append(byIdent, c)
				consider(c)
			}
		})
	}
	if !m.accept(b, ok) {
		return Candidate{}, false
	}
	return m.explain(b), true
}

// Reach is how far from rep, and over what stretch of time, an open incident with a point and a
// time can be and still match it: the widest radius and window of rep's category and its
// compatible ones. MatchIndex looks no further for such incidents (those at the same location
// record or quoting the same identifiers it finds wherever they are); a store choosing the
// candidates it hands to Match need choose no more. ok is false when rep has no point or no time.
func (r Rules) Reach(rep Report) (radius float64, from, to time.Time, ok bool) {
	return r.newMatcher(rep, defaultScoring()).reach(rep)
}

func (m *matcher) reach(rep Report) (radius float64, from, to time.Time, ok bool) {
	if !m.hasPoint || !m.hasTime || m.maxRadius <= 0 {
		return 0, time.Time{}, time.Time{}, false
	}
	// A candidate is at most a window from rep's stretch of time, and a fallback-time
	// candidate's own stretch reaches back lookback windows before its OccurredAt.
	look := time.Duration(m.sc.lookback * float64(m.maxWindow))
	from = rep.OccurredAt.Add(-m.maxWindow)
	if rep.guessed() {
		from = from.Add(-look)
	}
	to = rep.OccurredAt.Add(m.maxWindow + look)
	return m.maxRadius, from, to, true
}

// guessed reports whether OccurredAt is only the reported time: the caller gave no estimate,
// so the app filled in when the call came. Such a time is an upper bound (it happened then or
// a little before), not an estimate.
func (r Report) guessed() bool {
	return !r.OccurredAt.IsZero() && r.OccurredAt.Equal(r.ReportedAt)
}

// spanGap returns the time between the spans [a0, a1] and [b0, b1]: zero if they overlap.
func spanGap(a0, a1, b0, b1 time.Time) time.Duration {
	switch {
	case b0.After(a1):
		return absDuration(b0.Sub(a1))
	case a0.After(b1):
		return absDuration(a0.Sub(b1))
	}
	return 0
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		d = -d
		if d < 0 { // -MinInt64 overflows; Sub saturates to it for far-apart times
			return math.MaxInt64
		}
	}
	return d
}

// Identifiers are the distinctive tokens quoted in a summary that join reports of one incident:
// what MatchIndex looks candidates up by, for stores that keep their own index.
func Identifiers(s string) []string { return identifiers(s) }

// identifiers returns the distinctive tokens quoted in a summary, upper-cased and de-duplicated:
// tokens of 5 to 8 characters mixing letters and digits (vehicle registrations, crime and
// incident references, postcodes written without a space), and current-format UK registrations
// written with a space ("AB12 CDE"). Ordinary words are not used: templates and street names are
// shared by different incidents on one road, so they would join the wrong ones.
func identifiers(s string) []string {
	if s == "" {
		return nil
	}
	var out []string
	var prev string
	add := func(t string) {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) {
		t := strings.ToUpper(f)
		if isVRMFront(prev) && isLetters(t, 3) {
			add(prev + t)
		} else if len(t) >= 5 && len(t) <= 8 && hasLetterAndDigit(t) {
			add(t)
		}
		prev = t
		if len(out) >= 16 {
			break // bounded work on pathological summaries
		}
	}
	return out
}

// isVRMFront reports whether t is the "AB12" half of a current-format UK registration.
func isVRMFront(t string) bool {
	return len(t) == 4 && isLetters(t[:2], 2) && t[2] >= '0' && t[2] <= '9' && t[3] >= '0' && t[3] <= '9'
}

func isLetters(t string, n int) bool {
	if len(t) != n {
		return false
	}
	for i := 0; i < len(t); i++ {
		if t[i] < 'A' || t[i] > 'Z' {
			return false
		}
	}
	return true
}

func hasLetterAndDigit(t string) bool {
	var l, d bool
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case c >= 'A' && c <= 'Z':
			l = true
		case c >= '0' && c <= '9':
			d = true
		}
	}
	return l && d
}
