package storetest

import (
	"time"

	"github.com/peel-rms/peel/pole"
)

func testSearch(e *Env) {
	t := e.T
	e.MustImport("s", `{"kind":"person","ref":"P1","family_name":"Smith","given_names":"John","dob":"1980-02-03"}
{"kind":"person","ref":"P2","family_name":"Smithers","given_names":"Waylon"}
{"kind":"person","ref":"P3","family_name":"O'Brien","given_names":"Siobhán"}
{"kind":"person","ref":"P4","family_name":"Jones","given_names":"Mary","identifiers":[{"type":"pnc_id","value":"80/123456X"}]}
{"kind":"vehicle","ref":"V1","vrm":"AB12 CDE","make":"Ford","model":"Focus"}
{"kind":"telephone","ref":"T1","number":"07700 900123"}
{"kind":"location","ref":"L1","lines":["12 High Street"],"town":"Leeds","postcode":"LS1 1AA"}
{"kind":"event","ref":"E1","type":"crime","category":"burglary","reference":"WY-2026-000123","summary":"Shed broken into"}
`)
	id := func(ref string) string { return e.Lookup("s", ref) }
	cases := []struct {
		q    string
		want string
	}{
		{"smith", "P1"},
		{"Smyth", "P1"},           // phonetic
		{"jon smith", "P1"},       // phonetic given name
		{"obrien", "P3"},          // apostrophe
		{"siobhan o'brien", "P3"}, // accent
		{"AB12CDE", "V1"},
		{"ab12 cde", "V1"},
		{"AB12", "V1"},            // partial VRM
		{"2CDE", "V1"},            // end of a VRM
		{"07700900123", "T1"},     // national
		{"+44 7700 900123", "T1"}, // international with spaces
		{"900123", "T1"},          // last digits
		{"ls1 1aa", "L1"},
		{"LS11AA", "L1"},
		{"high street leeds", "L1"},
		{"80/123456X", "P4"},
		{"WY-2026-000123", "E1"},
		{"P2", "P2"}, // a ref
	}
	for _, c := range cases {
		res, err := e.S.Search(e.Ctx, e.Admin, c.q, "", 10)
		e.Must(err)
		if len(res) == 0 || res[0].ID != id(c.want) {
			t.Errorf("search %q: want %s first, got %+v", c.q, c.want, res)
		}
	}
	res, err := e.S.Search(e.Ctx, e.Admin, "smith", pole.KindVehicle, 10)
	e.Must(err)
	if len(res) != 0 {
		t.Errorf("kind filter: %+v", res)
	}
	// Smith ranks above Smithers for "smith".
	res, _ = e.S.Search(e.Ctx, e.Admin, "smith", "", 10)
	if len(res) < 2 || res[1].ID != id("P2") {
		t.Errorf("smith then smithers: %+v", res)
	}
	// A search is a consultation of every record it shows.
	es, err := e.S.Audit(e.Ctx, e.Admin, auditFilterRecord(id("P2")))
	e.Must(err)
	found := false
	for _, en := range es {
		found = found || en.Action == "search"
	}
	if !found {
		t.Error("records shown in search results must be audited as consulted")
	}
	_ = time.Now
}
