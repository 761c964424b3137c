package storetest

import (
	"strings"
	"time"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/pole"
)

func testCreateValidates(e *Env) {
	t := e.T
	_, err := e.TryCreate(e.Admin, pole.KindPerson, `{"family_name":"Smith","addresses":[{"lines":["1 High St"],"postcode":"ZZ99","country":"GB"}]}`)
	fes := e.FieldErr(err, pole.EInvalid)
	if !HasField(fes, "addresses[0].postcode") {
		t.Fatalf("want an error naming addresses[0].postcode, got %+v", fes)
	}
	_, err = e.TryCreate(e.Admin, pole.KindEvent, `{"type":"incident","category":"not_a_category"}`)
	if !HasField(e.FieldErr(err, pole.EInvalid), "category") {
		t.Fatal("unknown category must be rejected naming category")
	}
	_, err = e.TryCreate(e.Admin, pole.KindEvent, `{"type":"intelligence","grading":{"source":"2","information":"B","handling":"C"}}`)
	if !HasField(e.FieldErr(err, pole.EInvalid), "grading.conditions") {
		t.Fatal("handling C without conditions must be rejected")
	}
	// Nothing half-written: no person exists after the failed creates.
	recs, _, err := e.S.List(e.Ctx, e.Admin, pole.KindPerson, peel.ListFilter{})
	e.Must(err)
	if len(recs) != 0 {
		t.Fatalf("failed creates left %d persons", len(recs))
	}

	p := e.Create(pole.KindPerson, `{"family_name":"Smith","given_names":" John  Paul ","dob":"1980-13-45",
		"addresses":[{"lines":["12 High Street"],"town":"Leeds","postcode":"ls11aa"}],"phones":[{"number":"07700 900123"}]}`)
	if got := p.Body.(*pole.Person).GivenNames; got != "John Paul" {
		t.Errorf("given names not normalised: %q", got)
	}
	if len(p.Flags) == 0 || p.Flags[0].Field != "dob" {
		t.Errorf("impossible DOB must be kept and flagged, flags %+v", p.Flags)
	}
	if p.Body.(*pole.Person).DOB != "1980-13-45" {
		t.Errorf("DOB must be kept as given")
	}
	links, err := e.S.LinksOf(e.Ctx, e.Admin, p.ID, nil)
	e.Must(err)
	var loc, tel string
	for _, l := range links {
		switch l.Role {
		case "resides_at":
			loc = l.Other.ID
		case "user_of":
			tel = l.Other.ID
		}
	}
	if loc == "" || tel == "" {
		t.Fatalf("address and phone shorthand must become links, got %+v", links)
	}
	lr, err := e.S.Get(e.Ctx, e.Admin, loc, peel.GetOptions{})
	e.Must(err)
	if pc := lr.Body.(*pole.Location).Postcode; pc != "LS1 1AA" {
		t.Errorf("postcode not normalised: %q", pc)
	}
	tr, err := e.S.Get(e.Ctx, e.Admin, tel, peel.GetOptions{})
	e.Must(err)
	if n := tr.Body.(*pole.Telephone).Number; n != "+447700900123" {
		t.Errorf("number not in E.164: %q", n)
	}
	// A VRM of no known format is kept and flagged, not rejected.
	v := e.Create(pole.KindVehicle, `{"vrm":"!!ODD1"}`)
	if len(v.Flags) == 0 {
		t.Error("unknown VRM format must be flagged")
	}
}

func testExactKeys(e *Env) {
	t := e.T
	a := e.Create(pole.KindVehicle, `{"vrm":"AB12 CDE","make":"Ford"}`)
	b := e.Create(pole.KindVehicle, `{"vrm":"ab12cde"}`)
	if a.ID != b.ID {
		t.Fatalf("the same VRM made two vehicles: %s %s", a.ID, b.ID)
	}
	t1 := e.Create(pole.KindTelephone, `{"number":"0113 496 0000"}`)
	t2 := e.Create(pole.KindTelephone, `{"number":"+44 (0)113 496 0000"}`)
	if t1.ID != t2.ID {
		t.Fatal("the same number in two formats made two telephones")
	}
	l1 := e.Create(pole.KindLocation, `{"lines":["12 High St"],"postcode":"LS1 1AA"}`)
	l2 := e.Create(pole.KindLocation, `{"lines":["12 high street"],"postcode":"ls1 1aa"}`)
	if l1.ID != l2.ID {
		t.Fatal("the same address and postcode made two locations")
	}
	o1 := e.Create(pole.KindObject, `{"type":"firearm","serial":"AB-123 45"}`)
	o2 := e.Create(pole.KindObject, `{"type":"firearm","serial":"ab12345"}`)
	if o1.ID != o2.ID {
		t.Fatal("the same serial made two objects")
	}
	// Import and calls resolve to the same records too.
	sum := e.MustImport("cad", `{"kind":"vehicle","ref":"V9","vrm":"AB12CDE"}
{"kind":"call","from":"01134960000","to":"07700900001","start":"2026-11-20T10:00:00Z","duration_s":5,"type":"voice"}
`)
	if sum.Created["vehicle"] != 0 || sum.Updated["vehicle"] != 1 {
		t.Errorf("import of a known VRM must add the ref, got %+v", sum)
	}
	if id := e.Lookup("cad", "V9"); id != a.ID {
		t.Errorf("ref V9 resolves to %s, want %s", id, a.ID)
	}
	if sum.Created["telephone"] != 1 {
		t.Errorf("the call must reuse the known number and create one telephone, got %+v", sum)
	}
}

func testUpdateHistory(e *Env) {
	t := e.T
	p := e.Create(pole.KindPerson, `{"family_name":"Jones","given_names":"Ann"}`)
	e.Clock.Advance(time.Hour)
	up, err := e.S.Update(e.Ctx, e.Admin, p.ID, 1, []byte(`{"given_names":"Anne","markers":[{"code":"VI","valid_from":"2026-01-01","valid_to":null,"note":"assault on police"}]}`))
	e.Must(err)
	if up.Version != 2 || up.Body.(*pole.Person).GivenNames != "Anne" {
		t.Fatalf("update: %+v", up)
	}
	m := up.Body.(*pole.Person).Markers[0]
	if m.Category != "officer_safety" || m.SetBy == "" || m.ReviewDate == nil {
		t.Errorf("marker defaults not filled: %+v", m)
	}
	// A stale version is refused and changes nothing.
	_, err = e.S.Update(e.Ctx, e.Admin, p.ID, 1, []byte(`{"given_names":"Annie"}`))
	e.FieldErr(err, pole.EPreconditionFailed)
	_, err = e.S.Update(e.Ctx, e.Admin, p.ID, 2, []byte(`{"gender":"Q"}`))
	if !HasField(e.FieldErr(err, pole.EInvalid), "gender") {
		t.Error("bad gender must name the field")
	}
	_, err = e.S.Update(e.Ctx, e.Admin, p.ID, 2, []byte(`{"id":"x"}`))
	e.FieldErr(err, pole.EInvalid)
	// A patch that changes nothing makes no version.
	same, err := e.S.Update(e.Ctx, e.Admin, p.ID, 2, []byte(`{"given_names":"Anne"}`))
	e.Must(err)
	if same.Version != 2 {
		t.Errorf("a no-op patch made version %d", same.Version)
	}
	hist, err := e.S.History(e.Ctx, e.Admin, p.ID)
	e.Must(err)
	if len(hist) != 2 || hist[0].Record.Body.(*pole.Person).GivenNames != "Ann" || hist[1].Version != 2 {
		t.Fatalf("history: %+v", hist)
	}
	v1, err := e.S.Get(e.Ctx, e.Admin, p.ID, peel.GetOptions{Version: 1})
	e.Must(err)
	if v1.Body.(*pole.Person).GivenNames != "Ann" {
		t.Error("version 1 not readable")
	}
	at := Start.Add(30 * time.Minute)
	asAt, err := e.S.Get(e.Ctx, e.Admin, p.ID, peel.GetOptions{AsAt: &at})
	e.Must(err)
	if asAt.Version != 1 {
		t.Errorf("as at %s got version %d", at, asAt.Version)
	}
}

func testDelete(e *Env) {
	t := e.T
	p := e.Create(pole.KindPerson, `{"family_name":"Zebedee","given_names":"Quentin"}`)
	if res, _ := e.S.Search(e.Ctx, e.Admin, "zebedee", "", 10); len(res) != 1 {
		t.Fatalf("search before delete: %+v", res)
	}
	e.Must(e.S.Delete(e.Ctx, e.Admin, p.ID, 1))
	if _, err := e.S.Get(e.Ctx, e.Admin, p.ID, peel.GetOptions{}); !pole.IsNotFound(err) {
		t.Errorf("deleted record readable: %v", err)
	}
	if res, _ := e.S.Search(e.Ctx, e.Admin, "zebedee", "", 10); len(res) != 0 {
		t.Errorf("deleted record still found: %+v", res)
	}
	hist, err := e.S.History(e.Ctx, e.Admin, p.ID)
	e.Must(err)
	if len(hist) != 2 || !hist[1].Record.Deleted {
		t.Errorf("deletion must be kept in history: %+v", hist)
	}
}

func testLinks(e *Env) {
	t := e.T
	p := e.Create(pole.KindPerson, `{"family_name":"Link"}`)
	v := e.Create(pole.KindVehicle, `{"vrm":"XY21 ZZZ"}`)
	l := e.Create(pole.KindLocation, `{"lines":["1 Road"],"postcode":"LS2 2BB"}`)
	in := &pole.LinkInput{From: p.ID, To: v.ID, Role: "keeper_of", ValidFrom: mustMoment("2025-01-01"), ValidTo: mustMoment("2026-01-01")}
	lk, created, err := e.S.CreateLink(e.Ctx, e.Admin, in)
	e.Must(err)
	if !created {
		t.Fatal("first link not created")
	}
	again, created, err := e.S.CreateLink(e.Ctx, e.Admin, in)
	e.Must(err)
	if created || again.ID != lk.ID {
		t.Error("the same link twice must resolve to the first")
	}
	// Roles must fit the kinds at each end.
	_, _, err = e.S.CreateLink(e.Ctx, e.Admin, &pole.LinkInput{From: p.ID, To: l.ID, Role: "keeper_of"})
	if !HasField(e.FieldErr(err, pole.EInvalid), "role") {
		t.Error("keeper_of person->location must be refused naming role")
	}
	_, _, err = e.S.CreateLink(e.Ctx, e.Admin, &pole.LinkInput{From: p.ID, To: "nope", Role: "resides_at"})
	if !HasField(e.FieldErr(err, pole.EInvalid), "to") {
		t.Error("unknown record must be refused naming to")
	}
	_, _, err = e.S.CreateLink(e.Ctx, e.Admin, &pole.LinkInput{From: p.ID, To: l.ID, Role: "resides_at", ValidFrom: mustMoment("2026-01-01"), ValidTo: mustMoment("2025-01-01")})
	if !HasField(e.FieldErr(err, pole.EInvalid), "valid_to") {
		t.Error("valid_to before valid_from must be refused")
	}
	inWindow := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	after := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	if ls, _ := e.S.LinksOf(e.Ctx, e.Admin, p.ID, &inWindow); len(ls) != 1 || ls[0].Direction != "out" || ls[0].Other.ID != v.ID {
		t.Errorf("links valid in 2025: %+v", ls)
	}
	if ls, _ := e.S.LinksOf(e.Ctx, e.Admin, p.ID, &after); len(ls) != 0 {
		t.Errorf("valid_to is exclusive and past: %+v", ls)
	}
	if ls, _ := e.S.LinksOf(e.Ctx, e.Admin, v.ID, nil); len(ls) != 1 || ls[0].Direction != "in" {
		t.Errorf("links from the vehicle's side: %+v", ls)
	}
	up, err := e.S.UpdateLink(e.Ctx, e.Admin, lk.ID, 1, []byte(`{"valid_to":null}`))
	e.Must(err)
	if up.ValidTo != nil || up.Version != 2 {
		t.Errorf("link patch: %+v", up)
	}
	e.Must(e.S.DeleteLink(e.Ctx, e.Admin, lk.ID, 2))
	if ls, _ := e.S.LinksOf(e.Ctx, e.Admin, p.ID, nil); len(ls) != 0 {
		t.Errorf("deleted link still listed: %+v", ls)
	}
}

func testRestricted(e *Env) {
	t := e.T
	officer := e.User("pc.smith", "officer")
	inv := e.User("dc.jones", "investigator")
	named := e.User("ds.named", "officer")
	sum := e.MustImport("intel", `{"kind":"person","ref":"P1","family_name":"Secretsurname","access":{"roles":["investigator"],"users":["ds.named"]}}
{"kind":"person","ref":"P2","family_name":"Openperson"}
{"kind":"link","from":"P2","to":"P1","role":"associate_of"}
`)
	if sum.Created["person"] != 2 || sum.Links != 1 {
		t.Fatalf("import: %+v", sum)
	}
	secret := e.Lookup("intel", "P1")
	open := e.Lookup("intel", "P2")
	principals := map[string]bool{"pc.smith": false, "dc.jones": true, "ds.named": true}
	for who, sees := range principals {
		p := officer
		switch who {
		case "dc.jones":
			p = inv
		case "ds.named":
			p = named
		}
		_, err := e.S.Get(e.Ctx, p, secret, peel.GetOptions{})
		if sees != (err == nil) {
			t.Errorf("%s reads restricted record: err=%v, want visible=%v", who, err, sees)
		}
		res, err := e.S.Search(e.Ctx, p, "secretsurname", "", 10)
		e.Must(err)
		if sees != (len(res) == 1) {
			t.Errorf("%s search finds %d restricted records, want visible=%v", who, len(res), sees)
		}
		_, err = e.S.Lookup(e.Ctx, p, "intel", "P1")
		if sees != (err == nil) {
			t.Errorf("%s lookup: %v", who, err)
		}
		ls, err := e.S.LinksOf(e.Ctx, p, open, nil)
		e.Must(err)
		assoc := 0
		for _, l := range ls {
			if l.Role == "associate_of" {
				assoc++
			}
		}
		if sees != (assoc == 1) {
			t.Errorf("%s sees %d links to the restricted record", who, len(ls))
		}
		recs, _, err := e.S.List(e.Ctx, p, pole.KindPerson, peel.ListFilter{})
		e.Must(err)
		if want := map[bool]int{true: 2, false: 1}[sees]; len(recs) != want {
			t.Errorf("%s lists %d persons, want %d", who, len(recs), want)
		}
		if _, _, err := e.S.CreateLink(e.Ctx, p, &pole.LinkInput{From: open, To: secret, Role: "family_of"}); sees != (err == nil) {
			t.Errorf("%s links to the restricted record: %v", who, err)
		}
		if _, err := e.S.History(e.Ctx, p, secret); sees != (err == nil) {
			t.Errorf("%s reads the restricted record's history: %v", who, err)
		}
	}
	// Exporting as the officer leaves it out.
	var buf strings.Builder
	analyst := e.User("an.alyst", "analyst")
	e.Must(e.S.Export(e.Ctx, analyst, &buf))
	if strings.Contains(buf.String(), "Secretsurname") || !strings.Contains(buf.String(), "Openperson") {
		t.Error("export must leave out records the exporter may not see")
	}
	// An officer cannot import or export at all.
	if _, err := e.S.Import(e.Ctx, officer, "x", strings.NewReader(""), peel.ImportOptions{}); pole.ErrorCode(err) != pole.EForbidden {
		t.Errorf("officer import: %v", err)
	}
}

func mustMoment(s string) *pole.Moment {
	m, err := pole.ParseMoment(s)
	if err != nil {
		panic(err)
	}
	return &m
}
