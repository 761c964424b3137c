package storetest

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/incident"
	"github.com/peel-rms/peel/pole"
)

func moment(t time.Time) *pole.Moment { return &pole.Moment{T: t} }

func testIntake(e *Env) {
	t := e.T
	e.MustImport("h", HazardsNDJSON)
	disp := e.User("cc.one", "dispatcher")
	l1 := e.Lookup("h", "L1")
	at := Start.Add(-10 * time.Minute)
	// A new incident where hazards are known raises an alert.
	r1, err := e.S.Intake(e.Ctx, disp, &peel.IntakeReport{Category: "assault", OccurredAt: moment(at), Location: peel.IntakeLocation{ID: l1}, Summary: "fight in the street"})
	e.Must(err)
	if r1.DuplicateOf != nil || r1.ReportCount != 1 || len(r1.Hazards) == 0 {
		t.Fatalf("first report: dup %v count %d hazards %d", r1.DuplicateOf, r1.ReportCount, len(r1.Hazards))
	}
	as, err := e.S.AlertsAfter(e.Ctx, 0, 10)
	e.Must(err)
	if len(as) != 1 || as[0].Reason != "raised" || as[0].Incident.ID != r1.Record.ID || as[0].Incident.Location.ID != l1 || len(as[0].Hazards) != len(r1.Hazards)+1 {
		// The restricted resident's marker is in the alert (filtered per subscriber), not in the dispatcher's answer.
		t.Fatalf("alerts after the first report: %+v", as)
	}
	// A second caller a few minutes later, giving a point 30 m away and a compatible category.
	lat, lon := 53.80027, -1.55
	r2, err := e.S.Intake(e.Ctx, disp, &peel.IntakeReport{Category: "assault_with_injury", OccurredAt: moment(at.Add(4 * time.Minute)), Location: peel.IntakeLocation{Lat: &lat, Lon: &lon},
		Reporter: &pole.Input{Kind: pole.KindPerson, Body: &pole.Person{FamilyName: "Witness", GivenNames: "Wendy"}}})
	e.Must(err)
	if r2.DuplicateOf == nil || *r2.DuplicateOf != r1.Record.ID || r2.ReportCount != 2 || len(r2.Hazards) == 0 {
		t.Fatalf("second report: dup %v count %d", r2.DuplicateOf, r2.ReportCount)
	}
	if as, _ := e.S.AlertsAfter(e.Ctx, 0, 10); len(as) != 1 {
		t.Errorf("a repeat report raised another alert: %d", len(as))
	}
	// Something else 2 km away is a new incident, with no hazards and no alert.
	far := 53.818
	r3, err := e.S.Intake(e.Ctx, disp, &peel.IntakeReport{Category: "road_traffic_collision", OccurredAt: moment(at), Location: peel.IntakeLocation{Lat: &far, Lon: &lon}})
	e.Must(err)
	if r3.DuplicateOf != nil || len(r3.Hazards) != 0 {
		t.Errorf("far report: %+v %+v", r3.DuplicateOf, r3.Hazards)
	}
	inc, err := e.S.Incident(e.Ctx, disp, r2.Record.ID)
	e.Must(err)
	if inc.Record.ID != r1.Record.ID || len(inc.Reports) != 2 || inc.ReportCount != 2 {
		t.Errorf("incident of the second report: %+v", inc)
	}
	open, err := e.S.OpenIncidents(e.Ctx, disp, 10)
	e.Must(err)
	if len(open) != 2 {
		t.Errorf("open incidents: %d", len(open))
	}
	// Split the second report out, then join it back.
	inc, err = e.S.SplitIncident(e.Ctx, disp, r1.Record.ID, r2.Record.ID)
	e.Must(err)
	if inc.ReportCount != 1 {
		t.Errorf("after split: %d reports", inc.ReportCount)
	}
	if open, _ := e.S.OpenIncidents(e.Ctx, disp, 10); len(open) != 3 {
		t.Errorf("after split: %d open incidents", len(open))
	}
	inc, err = e.S.JoinIncidents(e.Ctx, disp, r1.Record.ID, r2.Record.ID)
	e.Must(err)
	if inc.ReportCount != 2 {
		t.Errorf("after join: %d reports", inc.ReportCount)
	}
	// A hazard added where an incident is open raises an alert with the new hazard marked.
	far2 := 53.9
	quiet, err := e.S.Intake(e.Ctx, disp, &peel.IntakeReport{Category: "concern_for_safety", OccurredAt: moment(at),
		Location: peel.IntakeLocation{Address: &pole.Location{Lines: []string{"9 Quiet Lane"}, Postcode: "LS7 7AA", Lat: &far2, Lon: &lon}}})
	e.Must(err)
	before, _ := e.S.LastAlert(e.Ctx)
	ls, err := e.S.LinksOf(e.Ctx, e.Admin, quiet.Record.ID, nil)
	e.Must(err)
	var quietLoc string
	for _, l := range ls {
		if l.Role == "occurred_at" {
			quietLoc = l.Other.ID
		}
	}
	_, _, err = e.S.CreateLink(e.Ctx, e.Admin, &pole.LinkInput{From: e.Lookup("h", "O1"), To: quietLoc, Role: "stored_at"})
	e.Must(err)
	ctx, cancel := context.WithTimeout(e.Ctx, 10*time.Second)
	defer cancel()
	e.S.WaitWatch(ctx)
	as, err = e.S.AlertsAfter(e.Ctx, before, 10)
	e.Must(err)
	if len(as) != 1 || as[0].Reason != "hazard_added" || as[0].Incident.ID != quiet.Record.ID || len(as[0].Hazards) != 1 || !as[0].Hazards[0].New || as[0].Hazards[0].Type != "firearm" {
		t.Errorf("hazard added: %+v", as)
	}
	// A later report there bears on the open incident only if it is a hazard: a theft is not, an
	// assault is (violence at the place), and is alerted to the incident already open there.
	before, _ = e.S.LastAlert(e.Ctx)
	_, err = e.S.Intake(e.Ctx, disp, &peel.IntakeReport{Category: "theft", OccurredAt: moment(at.Add(-48 * time.Hour)), Location: peel.IntakeLocation{ID: quietLoc}})
	e.Must(err)
	e.S.WaitWatch(ctx)
	as, err = e.S.AlertsAfter(e.Ctx, before, 10)
	e.Must(err)
	for _, a := range as {
		if a.Incident.ID == quiet.Record.ID {
			t.Errorf("a theft at the place alerted the incident open there: %+v", a)
		}
	}
	_, err = e.S.Intake(e.Ctx, disp, &peel.IntakeReport{Category: "assault", OccurredAt: moment(at.Add(-72 * time.Hour)), Location: peel.IntakeLocation{ID: quietLoc}})
	e.Must(err)
	e.S.WaitWatch(ctx)
	as, err = e.S.AlertsAfter(e.Ctx, before, 10)
	e.Must(err)
	var violence bool
	for _, a := range as {
		for _, h := range a.Hazards {
			violence = violence || (a.Incident.ID == quiet.Record.ID && a.Reason == "hazard_added" && h.New && h.Type == "violent_history")
		}
	}
	if !violence {
		t.Errorf("an assault where an incident is open raised no alert for it: %+v", as)
	}
	// Closing an incident takes it out of matching: the same report again is a new incident.
	_, err = e.S.Update(e.Ctx, disp, r1.Record.ID, 0, []byte(`{"status":"closed"}`))
	e.Must(err)
	r4, err := e.S.Intake(e.Ctx, disp, &peel.IntakeReport{Category: "assault", OccurredAt: moment(at.Add(2 * time.Minute)), Location: peel.IntakeLocation{ID: l1}})
	e.Must(err)
	if r4.DuplicateOf != nil {
		t.Errorf("matched a closed incident")
	}
	// A report quoting the registration of an open incident's vehicle joins it though given 3 km
	// away, as the matching package's Replay joins them; without it, the two are apart.
	north, south := 54.60, 54.573
	crash := at.Add(-5 * time.Hour)
	vrm1, err := e.S.Intake(e.Ctx, disp, &peel.IntakeReport{Category: "road_traffic_collision", OccurredAt: moment(crash),
		Location: peel.IntakeLocation{Lat: &north, Lon: &lon}, Summary: "two cars, AB12 CDE drove off"})
	e.Must(err)
	vrm2, err := e.S.Intake(e.Ctx, disp, &peel.IntakeReport{Category: "road_traffic_collision", OccurredAt: moment(crash.Add(6 * time.Minute)),
		Location: peel.IntakeLocation{Lat: &south, Lon: &lon}, Summary: "AB12CDE failed to stop after a collision"})
	e.Must(err)
	plain, err := e.S.Intake(e.Ctx, disp, &peel.IntakeReport{Category: "road_traffic_collision", OccurredAt: moment(crash.Add(7 * time.Minute)),
		Location: peel.IntakeLocation{Lat: &south, Lon: &lon}, Summary: "a collision"})
	e.Must(err)
	mk := func(id, summary string, la float64, when time.Time) incident.Report {
		return incident.Report{ID: id, Category: "road_traffic_collision", Summary: summary, Lat: la, Lon: lon, HasPoint: true, OccurredAt: when, ReportedAt: when}
	}
	want := incident.Replay(incident.DefaultRules(), []incident.Report{mk("a", "two cars, AB12 CDE drove off", north, crash), mk("b", "AB12CDE failed to stop after a collision", south, crash.Add(6*time.Minute))}, 0)
	if joined := vrm2.DuplicateOf != nil && *vrm2.DuplicateOf == vrm1.Record.ID; joined != (want["b"] == want["a"]) || !joined {
		t.Errorf("a report quoting the registration: joined %v, Replay %v", joined, want)
	}
	if plain.DuplicateOf != nil && *plain.DuplicateOf == vrm1.Record.ID {
		t.Error("a report 3 km away quoting nothing joined the incident")
	}
	// Bad input is refused naming the field, and writes nothing.
	_, err = e.S.Intake(e.Ctx, disp, &peel.IntakeReport{Category: "alien_landing"})
	if !HasField(e.FieldErr(err, pole.EInvalid), "category") {
		t.Error("unknown category")
	}
	_, err = e.S.Intake(e.Ctx, disp, &peel.IntakeReport{Category: "assault", Location: peel.IntakeLocation{ID: "nowhere"}})
	if !HasField(e.FieldErr(err, pole.EInvalid), "location.id") {
		t.Error("unknown location")
	}
}

// testIntakeTogether sends many reports of one collision at once, some of them invalid. Reports
// arriving together share a transaction (group commit), so this checks that each still stands
// alone: every valid report is kept and grouped into the one incident, every invalid one is
// refused with its own error and leaves nothing behind, and the audit chain is whole. The
// refused reports fail while their rows are still buffered, so this exercises dropping the
// buffer; a failure after rows reach the database is sqlstore's TestWriteEachStandsAlone.
func testIntakeTogether(e *Env) {
	t := e.T
	disp := e.User("cc.busy", "dispatcher")
	at := Start.Add(-5 * time.Minute)
	const callers = 24
	type answer struct {
		res *peel.IntakeResult
		err error
	}
	answers := make([]answer, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat, lon := 53.7001+float64(i%5)*0.0002, -1.5401
			in := &peel.IntakeReport{Category: "road_traffic_collision", OccurredAt: moment(at.Add(time.Duration(i) * time.Second)),
				Location: peel.IntakeLocation{Lat: &lat, Lon: &lon}, Summary: fmt.Sprintf("caller %d", i),
				Reporter: &pole.Input{Kind: pole.KindPerson, Body: &pole.Person{FamilyName: fmt.Sprintf("Driver%d", i)}}}
			switch i % 6 {
			case 3:
				in.Category = "" // refused: no category
			case 5:
				// Refused after the report's event and its link are buffered: an unknown reporter.
				in.Reporter, in.ReporterID = nil, "nobody"
			}
			res, err := e.S.Intake(e.Ctx, disp, in)
			answers[i] = answer{res, err}
		}()
	}
	wg.Wait()
	masters := map[string]bool{}
	valid := 0
	for i, a := range answers {
		bad := i%6 == 3 || i%6 == 5
		switch {
		case bad && pole.ErrorCode(a.err) != pole.EInvalid:
			t.Errorf("caller %d: invalid report answered %v", i, a.err)
		case !bad && a.err != nil:
			t.Errorf("caller %d: valid report refused: %v", i, a.err)
		case !bad:
			valid++
			m := a.res.Record.ID
			if a.res.DuplicateOf != nil {
				m = *a.res.DuplicateOf
			}
			masters[m] = true
			if _, err := e.S.Get(e.Ctx, e.Admin, a.res.Record.ID, peel.GetOptions{}); err != nil {
				t.Errorf("caller %d: report %s not kept: %v", i, a.res.Record.ID, err)
			}
		}
	}
	if len(masters) != 1 {
		t.Fatalf("%d valid reports of one collision made %d incidents", valid, len(masters))
	}
	for m := range masters {
		inc, err := e.S.Incident(e.Ctx, disp, m)
		e.Must(err)
		if inc.ReportCount != valid || len(inc.Reports) != valid {
			t.Errorf("incident counts %d reports (%d listed), want %d", inc.ReportCount, len(inc.Reports), valid)
		}
	}
	// Nothing of a refused report was written.
	var events, people int
	e.Must(e.S.DB().QueryRowContext(e.Ctx, `SELECT COUNT(*) FROM records WHERE kind = 'event'`).Scan(&events))
	e.Must(e.S.DB().QueryRowContext(e.Ctx, `SELECT COUNT(*) FROM records WHERE kind = 'person'`).Scan(&people))
	if events != valid || people != valid {
		t.Errorf("%d valid reports left %d events and %d people", valid, events, people)
	}
	if _, err := e.S.VerifyAudit(e.Ctx); err != nil {
		t.Errorf("audit chain after reports together: %v", err)
	}
}
