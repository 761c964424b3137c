package storetest

import (
	"slices"
	"time"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/incident"
	"github.com/peel-rms/peel/pole"
)

// testGrouping feeds a generated stream of reports (with known truth) through intake and checks the
// store groups them exactly as the matching package's own replay does, then reports the accuracy.
func testGrouping(e *Env) {
	t := e.T
	reports, truth := incident.GenerateStream(300, 7)
	for i := range reports {
		reports[i].LocationID = "" // the stream's places are not records here
	}
	order := make([]int, len(reports))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return reports[a].ReportedAt.Compare(reports[b].ReportedAt) })
	disp := e.User("cc.stream", "dispatcher")
	idOf := map[string]string{} // store id -> stream id
	got := map[string]string{}  // stream id -> stream id of its incident
	for _, i := range order {
		r := reports[i]
		in := &peel.IntakeReport{Category: r.Category, Summary: r.Summary}
		if !r.OccurredAt.IsZero() {
			in.OccurredAt = &pole.Moment{T: r.OccurredAt}
		}
		if !r.ReportedAt.IsZero() {
			in.ReportedAt = &pole.Moment{T: r.ReportedAt}
		}
		if r.HasPoint {
			lat, lon := r.Lat, r.Lon
			in.Location = peel.IntakeLocation{Lat: &lat, Lon: &lon, Accuracy: r.Accuracy}
		}
		res, err := e.S.Intake(e.Ctx, disp, in)
		if err != nil {
			t.Fatalf("intake of %s: %v", r.ID, err)
		}
		idOf[res.Record.ID] = r.ID
		got[r.ID] = r.ID
		if res.DuplicateOf != nil {
			got[r.ID] = idOf[*res.DuplicateOf]
		}
	}
	// Replay never closes an incident here: the store keeps incidents open until closed.
	want := incident.Replay(incident.DefaultRules(), reports, 1000*time.Hour)
	diff := 0
	for id, w := range want {
		if got[id] != w {
			diff++
		}
	}
	if diff > 0 {
		t.Errorf("the store grouped %d of %d reports differently from the matching package", diff, len(reports))
	}
	st := incident.Pairwise(truth, got)
	t.Logf("intake grouping on a generated stream of %d reports: pairwise precision %.3f, recall %.3f", len(reports), st.Precision, st.Recall)
}
