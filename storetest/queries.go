package storetest

import (
	"slices"
	"time"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/pole"
)

// SeedQueries is a small force for the seed questions, with the clock at 2026-11-27T12:00Z.
const SeedQueries = `{"kind":"person","ref":"P1","family_name":"Caller","phones":[{"number":"07700 900001","role":"subscriber_of"}],"addresses":[{"lines":["1 Old Road"],"postcode":"LS1 1AA","role":"previously_resided_at","valid_from":"2020-01-01","valid_to":"2026-11-10"},{"lines":["2 New Road"],"postcode":"LS2 2BB","role":"resides_at","valid_from":"2026-11-10"}]}
{"kind":"person","ref":"P2","family_name":"Friend","phones":[{"number":"07700 900002","role":"user_of"}]}
{"kind":"person","ref":"P3","family_name":"Hidden","access":{"roles":["investigator"]},"phones":[{"number":"07700 900002","role":"user_of"}]}
{"kind":"telephone","ref":"T3","number":"07700 900003"}
{"kind":"telephone","ref":"T4","number":"07700 900004","access":{"users":["ds.only"]}}
{"kind":"call","from":"07700900001","to":"07700900002","start":"2026-11-21T09:00:00Z","duration_s":60,"type":"voice"}
{"kind":"call","from":"07700900001","to":"07700900002","start":"2026-11-26T09:00:00Z","duration_s":0,"type":"sms"}
{"kind":"call","from":"07700900001","to":"07700900002","start":"2026-11-19T09:00:00Z","duration_s":60,"type":"voice"}
{"kind":"call","from":"07700900001","to":"07700900003","start":"2026-11-20T12:00:00Z","duration_s":5,"type":"voice"}
{"kind":"call","from":"07700900001","to":"07700900004","start":"2026-11-25T12:00:00Z","duration_s":5,"type":"voice"}
{"kind":"call","from":"07700900002","to":"07700900001","start":"2026-11-25T12:00:00Z","duration_s":5,"type":"voice"}
{"kind":"event","ref":"E1","type":"investigation","occurred_at":"2026-11-05T10:00:00Z","location":"OLD"}
{"kind":"event","ref":"E2","type":"intelligence","occurred_at":"2026-11-15T10:00:00Z","location":"OLD"}
{"kind":"event","ref":"E3","type":"intelligence","occurred_at":"2026-11-20T10:00:00Z","location":"NEW"}
{"kind":"event","ref":"E4","type":"incident","category":"burglary","occurred_at":"2026-11-21T10:00:00Z","location":"NEW"}
{"kind":"event","ref":"E5","type":"intelligence","occurred_at":"2026-10-01T10:00:00Z","location":"NEW"}
{"kind":"event","ref":"E6","type":"intelligence","occurred_at":"2026-11-22T10:00:00Z","location":"NEW","access":{"roles":["analyst"]}}
{"kind":"location","ref":"OLD","lines":["1 Old Road"],"postcode":"LS1 1AA"}
{"kind":"location","ref":"NEW","lines":["2 New Road"],"postcode":"LS2 2BB"}
{"kind":"vehicle","ref":"V1","vrm":"AB12 CDE"}
{"kind":"event","ref":"I1","type":"intelligence","occurred_at":"2025-06-01T10:00:00Z"}
{"kind":"event","ref":"I2","type":"intelligence","occurred_at":"2024-11-28T10:00:00Z"}
{"kind":"event","ref":"I3","type":"intelligence","occurred_at":"2024-11-26T10:00:00Z"}
{"kind":"event","ref":"I4","type":"stop_search","occurred_at":"2026-01-01T10:00:00Z"}
{"kind":"link","from":"I1","to":"V1","role":"involves"}
{"kind":"link","from":"I2","to":"V1","role":"involves"}
{"kind":"link","from":"I3","to":"V1","role":"involves"}
{"kind":"link","from":"I4","to":"V1","role":"involves"}
`

func testSeedQueries(e *Env) {
	t := e.T
	e.MustImport("q", SeedQueries)
	id := func(ref string) string { return e.Lookup("q", ref) }
	officer := e.User("pc.q", "officer")
	p7d, _ := pole.ParsePeriod("P7D")
	q := peel.Query{AsOf: Start, Within: p7d}

	// (a) contacts of a number in the last 7 days.
	var t1 string
	ls, err := e.S.LinksOf(e.Ctx, e.Admin, id("P1"), nil)
	e.Must(err)
	for _, l := range ls {
		if l.Role == "subscriber_of" {
			t1 = l.Other.ID
		}
	}
	cs, err := e.S.Contacts(e.Ctx, officer, t1, q)
	e.Must(err)
	if len(cs) != 2 {
		t.Fatalf("contacts: %+v", cs)
	}
	c := cs[0]
	if c.Telephone.Number != "+447700900002" || c.Calls != 2 || !c.First.Equal(time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)) || !c.Last.Equal(time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("first contact: %+v", c)
	}
	if len(c.Persons) != 1 || c.Persons[0].ID != id("P2") || c.Persons[0].Name == "" {
		t.Errorf("people on the number (the restricted one left out): %+v", c.Persons)
	}
	if cs[1].Telephone.ID != id("T3") || cs[1].Calls != 1 {
		t.Errorf("second contact: %+v", cs[1])
	}
	// The analyst sees the same; the named user also sees the restricted number.
	only := e.User("ds.only", "officer")
	cs2, err := e.S.Contacts(e.Ctx, only, t1, q)
	e.Must(err)
	if len(cs2) != 3 {
		t.Errorf("the named user sees %d contacts, want 3", len(cs2))
	}
	// A window that moves back a week.
	old := q
	old.AsOf = Start.Add(-7 * 24 * time.Hour)
	cs3, err := e.S.Contacts(e.Ctx, officer, t1, old)
	e.Must(err)
	if len(cs3) != 2 || cs3[0].Calls != 1 {
		t.Errorf("contacts a week earlier: %+v", cs3)
	}

	// (b) investigations and intelligence at places the person was associated with, honouring the
	// validity of each association when the event occurred.
	p28, _ := pole.ParsePeriod("P28D")
	lq := peel.Query{AsOf: Start, Within: p28, Types: []string{"investigation", "intelligence"}}
	evs, err := e.S.LocationEvents(e.Ctx, officer, id("P1"), lq)
	e.Must(err)
	var got []string
	for _, ev := range evs {
		got = append(got, ev.Event.Refs[0].Ref+"@"+ev.Location.Refs[0].Ref+"/"+ev.Via)
	}
	want := []string{"E3@NEW/resides_at", "E1@OLD/previously_resided_at"}
	if !slices.Equal(got, want) {
		t.Errorf("location events %v, want %v (E2 happened after they left OLD; E4 is an incident; E5 is too old; E6 is restricted)", got, want)
	}
	analyst := e.User("an.q", "analyst")
	evs, err = e.S.LocationEvents(e.Ctx, analyst, id("P1"), lq)
	e.Must(err)
	if len(evs) != 3 {
		t.Errorf("the analyst sees %d events, want 3", len(evs))
	}

	// (c) intelligence about a vehicle in the last 24 months.
	p24m, _ := pole.ParsePeriod("P24M")
	vevs, err := e.S.VehicleEvents(e.Ctx, officer, id("V1"), peel.Query{AsOf: Start, Within: p24m, Types: []string{"intelligence"}})
	e.Must(err)
	got = nil
	for _, ev := range vevs {
		got = append(got, ev.Refs[0].Ref)
	}
	if !slices.Equal(got, []string{"I1", "I2"}) {
		t.Errorf("vehicle intelligence %v, want [I1 I2] (I3 is a day older than 24 months; I4 is a stop and search)", got)
	}
	// Not a vehicle / not visible: not found.
	if _, err := e.S.VehicleEvents(e.Ctx, officer, id("P1"), peel.Query{AsOf: Start, Within: p24m}); !pole.IsNotFound(err) {
		t.Errorf("a person as a vehicle: %v", err)
	}
	if _, err := e.S.LocationEvents(e.Ctx, officer, id("P3"), lq); !pole.IsNotFound(err) {
		t.Errorf("a restricted person: %v", err)
	}
}
