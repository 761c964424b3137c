package storetest

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/pole"
)

const sampleImport = `{"kind":"person","ref":"P1","family_name":"Smith","given_names":"John Paul","dob":"1980-02-03","gender":"M","aliases":[{"family_name":"Smyth","given_names":"Jon"}],"identifiers":[{"type":"pnc_id","value":"80/123456X"}],"addresses":[{"lines":["12 High Street"],"town":"Leeds","postcode":"LS1 1AA","country":"GB","role":"resides_at","valid_from":"2020-01-01"}],"phones":[{"number":"07700 900123","role":"user_of"}],"markers":[{"code":"VI","valid_from":"2024-05-01","valid_to":null,"note":"violent"}]}
{"kind":"link","from":"P1","to":"V1","role":"keeper_of","valid_from":"2025-01-01","valid_to":null,"evidence":"E1"}
{"kind":"location","ref":"L1","lines":["12 High Street"],"town":"Leeds","postcode":"LS1 1AA","country":"GB","uprn":"72012345","lat":53.7997,"lon":-1.5492,"markers":[]}
{"kind":"vehicle","ref":"V1","vrm":"AB12 CDE","vin":"WF0AXXGCDA1234567","make":"Ford","model":"Focus","colour":"Blue"}
{"kind":"telephone","ref":"T1","number":"07700 900123"}
{"kind":"object","ref":"O1","type":"firearm","description":"shotgun","serial":"12345","make":"Beretta"}
{"kind":"event","ref":"E1","type":"intelligence","occurred_at":"2026-11-20T10:00:00Z","summary":"seen driving","location":"L1","grading":{"source":"2","information":"B","handling":"C","conditions":"not to be shared outside the force"}}
{"kind":"event","ref":"E2","type":"incident","category":"road_traffic_collision","occurred_at":"2026-11-20T10:05:00Z","lat":53.8,"lon":-1.55,"summary":"two cars"}
{"kind":"call","from":"07700 900123","to":"+447700900456","start":"2026-11-25T09:00:00Z","duration_s":42,"type":"voice"}
`

func testImportAllOrNothing(e *Env) {
	t := e.T
	bad := `{"kind":"person","ref":"A1","family_name":"Good"}
{"kind":"person","ref":"A2","family_name":"Bad","dob":12}
not json
{"kind":"spaceship","ref":"X"}
{"kind":"event","ref":"A3","type":"incident","category":"alien_landing"}
{"kind":"link","from":"A1","to":"NOWHERE","role":"associate_of"}
{"kind":"person","family_name":"NoRef"}
{"kind":"event","ref":"A4","type":"incident","occurred_at":"yesterday"}
{"kind":"person","ref":"A5","family_name":"Good","shoe_size":9}
`
	_, err := e.Import("bad", bad)
	fes := e.FieldErr(err, pole.EInvalid)
	lines := map[int]string{}
	for _, f := range fes {
		lines[f.Line] = f.Field
	}
	for line, field := range map[int]string{2: "dob", 3: "", 4: "kind", 5: "category", 6: "ref", 7: "ref", 8: "occurred_at", 9: "shoe_size"} {
		got, ok := lines[line]
		if !ok {
			t.Errorf("line %d not reported; errors %+v", line, fes)
		} else if got != field {
			t.Errorf("line %d: field %q, want %q", line, got, field)
		}
	}
	if _, ok := lines[1]; ok {
		t.Error("a good line was reported bad")
	}
	// Nothing was written.
	recs, _, err := e.S.List(e.Ctx, e.Admin, pole.KindPerson, peel.ListFilter{})
	e.Must(err)
	if len(recs) != 0 {
		t.Fatalf("a failed import left %d persons", len(recs))
	}
	// A bad line far into a long file, after chunks of good records were already being written
	// beside the check: still nothing is written, and the line is named.
	var long strings.Builder
	for i := range 1700 {
		fmt.Fprintf(&long, `{"kind":"telephone","ref":"T%d","number":"07700 9%05d"}`+"\n", i, i)
	}
	long.WriteString(`{"kind":"telephone","ref":"T1","number":"07700 900001"}` + "\n")
	_, err = e.Import("long", long.String())
	fes = e.FieldErr(err, pole.EInvalid)
	if len(fes) != 1 || fes[0].Line != 1701 || fes[0].Field != "ref" {
		t.Errorf("a duplicate ref on line 1701: errors %+v", fes)
	}
	phones, _, err := e.S.List(e.Ctx, e.Admin, pole.KindTelephone, peel.ListFilter{})
	e.Must(err)
	if len(phones) != 0 {
		t.Fatalf("a failed long import left %d telephones", len(phones))
	}
	// Stored and flagged, never rejected: foreign postcode, odd VRM, invalid number, impossible DOB.
	sum := e.MustImport("ok", `{"kind":"person","ref":"F1","family_name":"Tremblay","dob":"1999-02-30","addresses":[{"lines":["1 Rue"],"postcode":"H2X 1Y4","country":"CA"}],"phones":[{"number":"12"}]}
{"kind":"vehicle","ref":"F2","vrm":"QQQQQQQQQ"}
{"kind":"person","ref":"F3","addresses":[{"lines":["1 Nowhere"],"postcode":"ZZ99"}]}
{"kind":"location","ref":"F4","lines":["2 Nowhere"],"postcode":"LS1 1CA","lat":91,"lon":0}
{"kind":"link","from":"F3","to":"F4","role":"frequents","valid_from":"2026-01-01","valid_to":"2025-01-01"}
`)
	if sum.Created["person"] != 2 || sum.Created["vehicle"] != 1 || sum.Created["location"] != 3 || sum.Links != 4 {
		t.Errorf("flagged lines must be stored: %+v", sum)
	}
	f3, err := e.S.Get(e.Ctx, e.Admin, e.Lookup("ok", "F3"), peel.GetOptions{})
	e.Must(err)
	if len(f3.Flags) == 0 {
		t.Error("a nameless person must be flagged")
	}
	f4, err := e.S.Get(e.Ctx, e.Admin, e.Lookup("ok", "F4"), peel.GetOptions{})
	e.Must(err)
	if len(f4.Flags) < 2 {
		t.Errorf("a malformed UK postcode and an impossible latitude must be flagged: %+v", f4.Flags)
	}
}

func testImportIdempotent(e *Env) {
	t := e.T
	sum := e.MustImport("src", sampleImport)
	want := map[string]int{"person": 1, "location": 1, "vehicle": 1, "telephone": 2, "object": 1, "event": 2}
	for k, n := range want {
		if sum.Created[k] != n {
			t.Errorf("created %s = %d, want %d (%+v)", k, sum.Created[k], n, sum)
		}
	}
	// The person's address and the location line are one record (exact key), as is the phone.
	if sum.Links != 4 || sum.Calls != 1 {
		t.Errorf("links %d calls %d, want 4 and 1", sum.Links, sum.Calls)
	}
	again := e.MustImport("src", sampleImport)
	if len(again.Created) != 0 || len(again.Updated) != 0 || again.Links != 0 || again.Calls != 0 || again.Unchanged != 7 {
		t.Errorf("re-import must change nothing: %+v", again)
	}
	changed := strings.Replace(sampleImport, `"colour":"Blue"`, `"colour":"Red"`, 1)
	up := e.MustImport("src", changed)
	if up.Updated["vehicle"] != 1 || up.Unchanged != 6 {
		t.Errorf("changed line: %+v", up)
	}
	v := e.Lookup("src", "V1")
	h, err := e.S.History(e.Ctx, e.Admin, v)
	e.Must(err)
	if len(h) != 2 {
		t.Errorf("vehicle versions %d, want 2", len(h))
	}
	// Later files may refer to refs imported earlier under the same source.
	more := e.MustImport("src", `{"kind":"person","ref":"P2","family_name":"Doe"}
{"kind":"link","from":"P2","to":"P1","role":"associate_of"}
`)
	if more.Links != 1 {
		t.Errorf("link to an earlier ref: %+v", more)
	}
	if _, err := e.Import("other", `{"kind":"link","from":"P2","to":"P1","role":"associate_of"}`); pole.ErrorCode(err) != pole.EInvalid {
		t.Errorf("refs of another source must not resolve: %v", err)
	}
	// The links are there, grouped on the person.
	p := e.Lookup("src", "P1")
	ls, err := e.S.LinksOf(e.Ctx, e.Admin, p, nil)
	e.Must(err)
	roles := map[string]int{}
	for _, l := range ls {
		roles[l.Role]++
	}
	if roles["resides_at"] != 1 || roles["user_of"] != 1 || roles["keeper_of"] != 1 || roles["associate_of"] != 1 {
		t.Errorf("links of P1: %+v", roles)
	}
}

func testExportRoundTrip(e *Env) {
	t := e.T
	e.MustImport("src", sampleImport)
	var buf bytes.Buffer
	e.Must(e.S.Export(e.Ctx, e.Admin, &buf))
	lines := strings.Count(buf.String(), "\n")
	if lines != 8+4+1 {
		t.Errorf("export has %d lines, want 13:\n%s", lines, buf.String())
	}
	// Into a fresh source of the same store: the exact-key kinds resolve to the same records and
	// nothing is duplicated except what has no exact key (the person and events are re-created
	// because the new source's refs are new).
	sum := e.MustImport("copy", buf.String())
	if sum.Calls != 0 {
		t.Errorf("calls re-imported: %+v", sum)
	}
	if sum.Updated["vehicle"] != 1 || sum.Updated["location"] != 1 || sum.Updated["telephone"] != 2 || sum.Updated["object"] != 1 {
		t.Errorf("exact-key records must resolve to the existing ones: %+v", sum)
	}
	// The export imports back unchanged under its own refs.
	again := e.MustImport("copy", buf.String())
	if len(again.Created) != 0 || len(again.Updated) != 0 || again.Links != 0 {
		t.Errorf("second import of the export changed things: %+v", again)
	}
}
