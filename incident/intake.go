package incident

import (
	"container/heap"
	"math"
	"slices"
	"strings"
	"time"
)

// maxAlso bounds the categories Merge records for one incident.
const maxAlso = 8

// maxMergeDistance is beyond every default radius: a report linked from farther away was linked
// on other evidence, so Merge does not let its point drag the incident's.
const maxMergeDistance = 500

// maxMergedSummary bounds the identifiers Merge accumulates in a master's Summary, so that a
// long-running incident cannot grow without limit.
const maxMergedSummary = 1024

// Merge returns master updated with a report that has just been linked to it, for the index
// entry that represents the open incident. members is how many reports the master already
// stands for (1 after the first report).
//
//   - The point becomes the mean of the members' points, so one caller's error is diluted as
//     others ring in, instead of every later caller being judged against whichever caller
//     happened to ring first. When both accuracies are known the mean is weighted by them
//     (inverse variance) and the master's Accuracy improves accordingly; otherwise it is the
//     running mean by members and the Accuracy becomes unknown. A point more than
//     maxMergeDistance away is left out: that report joined on its location record or a
//     registration, and its point is a mistake.
//   - OccurredAt stays the master's, unless that was only a fallback (see ReportedAt) and
//     the report brings a real estimate.
//   - A missing LocationID or point is filled in from the report.
//   - The report's category, if new to the incident, is added to Also.
//   - Identifiers quoted by the report (registrations) are appended to Summary, so that later
//     callers quoting any vehicle involved are recognised.
//
// Category and ID are kept: the master is the incident's record, recategorising it is a person's
// decision.
func Merge(master Report, members int, rep Report) Report {
	members = max(members, 1)
	mlat, mlon, mok := master.point()
	rlat, rlon, rok := rep.point()
	if mok && rok && Distance(mlat, mlon, rlat, rlon) > maxMergeDistance {
		rok = false // joined on a location record or registration; its point is not evidence
	}
	switch {
	case mok && rok && master.Accuracy > 0 && rep.Accuracy > 0:
		// Both accuracies known: weigh each point by the inverse of its variance, so a vague
		// caller barely moves a well-placed incident, and the fused point is more accurate
		// than either.
		wm, wr := 1/(master.Accuracy*master.Accuracy), 1/(rep.Accuracy*rep.Accuracy)
		master.Lat = (mlat*wm + rlat*wr) / (wm + wr)
		master.Lon = meanLon(mlon, wm, rlon, wr)
		master.Accuracy = math.Max(1/math.Sqrt(wm+wr), minAccuracy)
	case mok && rok:
		w := float64(members)
		master.Lat = (mlat*w + rlat) / (w + 1)
		master.Lon = meanLon(mlon, w, rlon, 1)
		master.Accuracy = 0 // one side unknown: so is the mean's
	case !mok && rok:
		master.Lat, master.Lon, master.HasPoint, master.Accuracy = rlat, rlon, true, rep.Accuracy
	}
	if c := normCategory(rep.Category); c != "" && c != normCategory(master.Category) && !slices.Contains(master.Also, c) && len(master.Also) < maxAlso {
		// Copy before appending: master came from the index and shares its backing array.
		master.Also = append(slices.Clip(master.Also), c)
	}
	if master.LocationID == "" {
		master.LocationID = rep.LocationID
	}
	if master.OccurredAt.IsZero() || master.guessed() && !rep.OccurredAt.IsZero() && !rep.guessed() {
		master.OccurredAt = rep.OccurredAt
	}
	if ids := identifiers(rep.Summary); len(ids) > 0 {
		have := identifiers(master.Summary)
		var b strings.Builder
		b.WriteString(master.Summary)
		for _, id := range ids {
			if slices.Contains(have, id) || b.Len()+len(id)+1 > maxMergedSummary {
				continue
			}
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(id)
		}
		master.Summary = b.String()
	}
	return master
}

// minAccuracy is the best accuracy Merge will claim for a fused point: however many callers
// agree, the incident is somewhere on the ground, not at a mathematical point.
const minAccuracy = 5

// meanLon returns the weighted mean of two longitudes, averaging across the antimeridian on
// the near side.
func meanLon(a, wa, b, wb float64) float64 {
	if d := b - a; d > 180 {
		b -= 360
	} else if d < -180 {
		b += 360
	}
	lon := (a*wa + b*wb) / (wa + wb)
	if lon > 180 {
		lon -= 360
	} else if lon < -180 {
		lon += 360
	}
	return lon
}

// DefaultHold is how long Replay keeps an incident open after its last report. Two hours is
// about how long a typical incident stays on the command and control screen after the last
// call; late callers after that open a new incident, as they would in the control room.
const DefaultHold = 2 * time.Hour

// Replay simulates intake: it takes the reports in ReportedAt order (OccurredAt when ReportedAt
// is zero; ties in input order), closes incidents whose last report is older than hold, matches
// each report against the incidents still open with MatchIndex, and either links it to the
// matched master (updating the master with Merge) or opens a new incident named after the report.
// It returns report ID -> incident ID; report IDs should be unique. A non-positive hold means
// DefaultHold.
//
// It is how rule changes can be tried on a day's real reports before they go live, and how the
// tests measure accuracy.
func Replay(rules Rules, reports []Report, hold time.Duration) map[string]string {
	return replay(rules, defaultScoring(), reports, hold)
}

func replay(rules Rules, sc scoring, reports []Report, hold time.Duration) map[string]string {
	if hold <= 0 {
		hold = DefaultHold
	}
	order := make([]int, len(reports))
	for i := range order {
		order[i] = i
	}
	at := func(r Report) time.Time {
		if r.ReportedAt.IsZero() {
			return r.OccurredAt
		}
		return r.ReportedAt
	}
	slices.SortStableFunc(order, func(a, b int) int { return at(reports[a]).Compare(at(reports[b])) })

	ix := NewIndex()
	type open struct {
		members int
		last    time.Time
	}
	state := map[string]*open{}
	var closing closeHeap
	out := make(map[string]string, len(reports))
	for _, i := range order {
		rep := reports[i]
		now := at(rep)
		for len(closing) > 0 && closing[0].at.Before(now) {
			c := heap.Pop(&closing).(closeAt)
			if st, ok := state[c.id]; ok && !st.last.Add(hold).After(now) {
				ix.Remove(c.id)
				delete(state, c.id)
			} else if ok {
				heap.Push(&closing, closeAt{st.last.Add(hold), c.id}) // reopened since: re-arm
			}
		}
		if c, ok := rules.matchIndex(ix, rep, sc); ok {
			id := c.Incident.ID
			st := state[id] // every indexed incident has state: replay is the only writer of ix
			ix.Add(Merge(c.Incident, st.members, rep))
			st.members++
			if now.After(st.last) {
				st.last = now
			}
			out[rep.ID] = id
			continue
		}
		if _, dup := state[rep.ID]; dup || rep.ID == "" {
			// A report whose ID is already an open incident, or has none, cannot name an
			// incident; it stays on its own so replay still returns an answer for it.
			out[rep.ID] = rep.ID
			continue
		}
		ix.Add(rep)
		state[rep.ID] = &open{members: 1, last: now}
		heap.Push(&closing, closeAt{now.Add(hold), rep.ID})
		out[rep.ID] = rep.ID
	}
	return out
}

type closeAt struct {
	at time.Time
	id string
}

// closeHeap orders pending closures by time. Entries go stale when an incident gets another
// report; Replay re-arms them when popped rather than searching the heap on every report.
type closeHeap []closeAt

func (h closeHeap) Len() int           { return len(h) }
func (h closeHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h closeHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *closeHeap) Push(x any)        { *h = append(*h, x.(closeAt)) }
func (h *closeHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// PairStats compares a grouping of reports with the truth pairwise: every pair of reports put in
// one incident is a found pair, and it is correct when the truth has them in one incident too.
type PairStats struct {
	Reports      int
	TruePairs    int64 // pairs in the same true incident
	FoundPairs   int64 // pairs grouped together
	CorrectPairs int64 // pairs in both
	Precision    float64
	Recall       float64
}

// Pairwise scores got (report ID -> incident ID) against truth (report ID -> true incident ID)
// over the reports in truth; a report missing from got counts as an incident of its own.
// Precision is 1 when nothing was grouped and recall is 1 when the truth has no pairs, so an
// empty stream scores perfectly rather than NaN.
func Pairwise(truth, got map[string]string) PairStats {
	type cell struct{ t, g string }
	tSize := map[string]int64{}
	gSize := map[string]int64{}
	both := map[cell]int64{}
	for id, t := range truth {
		g, ok := got[id]
		if !ok {
			g = "\x00" + id // its own group, unlike any real incident id
		}
		tSize[t]++
		gSize[g]++
		both[cell{t, g}]++
	}
	pairs := func(n int64) int64 { return n * (n - 1) / 2 }
	s := PairStats{Reports: len(truth)}
	for _, n := range tSize {
		s.TruePairs += pairs(n)
	}
	for _, n := range gSize {
		s.FoundPairs += pairs(n)
	}
	for _, n := range both {
		s.CorrectPairs += pairs(n)
	}
	s.Precision, s.Recall = 1, 1
	if s.FoundPairs > 0 {
		s.Precision = float64(s.CorrectPairs) / float64(s.FoundPairs)
	}
	if s.TruePairs > 0 {
		s.Recall = float64(s.CorrectPairs) / float64(s.TruePairs)
	}
	return s
}
