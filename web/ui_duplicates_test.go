package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
	"github.com/peel-rms/peel/storetest"
)

// importDuplicates loads storetest.DuplicatesNDJSON under the source "d" and returns a function
// from its refs to record ids.
func (e *uiEnv) importDuplicates() func(ref string) string {
	e.t.Helper()
	ctx := context.Background()
	if _, err := e.store.Import(ctx, auth.System("test"), "d", strings.NewReader(storetest.DuplicatesNDJSON), peel.ImportOptions{}); err != nil {
		e.t.Fatal(err)
	}
	return func(ref string) string {
		e.t.Helper()
		rec, err := e.store.Lookup(ctx, auth.System("test"), "d", ref)
		if err != nil {
			e.t.Fatalf("lookup %s: %v", ref, err)
		}
		return rec.ID
	}
}

// groupOf finds the queued group holding the record, "" if none.
func (e *uiEnv) groupOf(id string) string {
	e.t.Helper()
	gs, _, err := e.store.Duplicates(context.Background(), auth.System("test"), "", 1000)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, g := range gs {
		for _, m := range g.Members {
			if m.ID == id {
				return g.ID
			}
		}
	}
	return ""
}

func TestDuplicateQueueForbiddenToOfficer(t *testing.T) {
	e := newUIEnv(t)
	e.addUser("pc1", []string{"officer"}, false)
	e.addUser("ps1", []string{"supervisor"}, false)
	e.importDuplicates()
	b := e.signedIn("pc1")
	home := b.get("/")
	if strings.Contains(home.body, `href="/duplicates"`) {
		t.Error("an officer is offered the duplicates queue")
	}
	b.get("/duplicates").expect(t, http.StatusForbidden, "You do not have permission")
	b.post("/duplicates/run", nil).expect(t, http.StatusForbidden)
	b.post("/duplicates/nope/decision", url.Values{"decision": {"rejected"}}).expect(t, http.StatusForbidden)
	s := e.signedIn("ps1")
	s.get("/").expect(t, http.StatusOK, `<a href="/duplicates">Duplicates</a>`)
	q := s.get("/duplicates")
	q.expect(t, http.StatusOK, "Possible duplicate people", "No groups are awaiting review", `action="/duplicates/run"`)
	q.checkCSP(t)
}

func TestDuplicateReviewRejectIsRemembered(t *testing.T) {
	e := newUIEnv(t)
	e.addUser("ps1", []string{"supervisor"}, false)
	id := e.importDuplicates()
	b := e.signedIn("ps1")

	run := b.post("/duplicates/run", nil)
	run.expect(t, http.StatusOK, "Duplicate detection finished", "6 people compared", "KOWALCZYK, Agnieszka", "d: B1", "d: B2", `href="/duplicates/`)
	run.checkCSP(t)
	bGroup := e.groupOf(id("B1"))
	if bGroup == "" || e.groupOf(id("B2")) != bGroup {
		t.Fatalf("B1 and B2 are not grouped")
	}
	if g := e.groupOf(id("C1")); g != "" && g == e.groupOf(id("C2")) {
		t.Fatal("the two John Smiths are grouped")
	}
	if !strings.Contains(run.body, `href="/duplicates/`+bGroup+`"`) {
		t.Fatalf("the queue lacks the group %s\n%s", bGroup, run.body)
	}

	// The group page: the records side by side and the weights of the evidence.
	gp := b.get("/duplicates/" + bGroup)
	gp.expect(t, http.StatusOK, "Are these the same person?", "KOWALCZYK, Agnieszka", "1990-07-21", "1990-07-12", "ni number: QQ123456C",
		"d: B1", "d: B2", "compared with", "Match probability", "Weight (bits)",
		"<td>family name</td>", "<td>dob</td>", "prior (before any evidence)",
		`<tr class="for">`, `<td class="effect">for</td>`, `<tr class="against">`, `<td class="effect">against</td>`,
		`name="survivor"`, `id="f-reason"`, `value="rejected"`, `value="deferred"`)
	gp.checkCSP(t)
	if !regexp.MustCompile(`<td class="num weight">&#43;\d+\.\d\d</td>`).MatchString(gp.body) || !regexp.MustCompile(`<td class="num weight">−\d+\.\d\d</td>`).MatchString(gp.body) {
		t.Fatalf("weights are not signed numbers\n%s", gp.body)
	}

	// Defer keeps it in the queue; reject removes it for good.
	b.post("/duplicates/"+bGroup+"/decision", url.Values{"decision": {"deferred"}}).redirectsTo(t, "/duplicates?done=group-deferred")
	b.get("/duplicates?done=group-deferred").expect(t, http.StatusOK, "Group deferred", "deferred", `href="/duplicates/`+bGroup+`"`)
	b.post("/duplicates/"+bGroup+"/decision", url.Values{"decision": {"rejected"}, "note": {"twins, confirmed by their GP"}}).
		redirectsTo(t, "/duplicates?done=group-rejected")
	q := b.get("/duplicates?done=group-rejected")
	q.expect(t, http.StatusOK, "Marked as not the same person")
	if strings.Contains(q.body, "KOWALCZYK") {
		t.Fatalf("the rejected group is still queued\n%s", q.body)
	}
	// Deciding twice is refused with a clear message.
	b.post("/duplicates/"+bGroup+"/decision", url.Values{"decision": {"deferred"}}).expect(t, http.StatusConflict, "The group was already rejected")
	rg := b.get("/duplicates/" + bGroup)
	rg.expect(t, http.StatusOK, "This group was rejected: twins, confirmed by their GP")
	if strings.Contains(rg.body, `id="merge-form"`) {
		t.Error("a rejected group offers a merge")
	}
	b.post("/duplicates/"+bGroup+"/merge", url.Values{"survivor": {id("B1")}, "reason": {"same"}}).expect(t, http.StatusConflict, "This group was already rejected")

	again := b.post("/duplicates/run", nil)
	again.expect(t, http.StatusOK, "Duplicate detection finished")
	if strings.Contains(again.body, "KOWALCZYK") || e.groupOf(id("B1")) != "" {
		t.Fatalf("a rejected pair was proposed again\n%s", again.body)
	}
}

func TestDuplicateMergeBannerAndUndo(t *testing.T) {
	e := newUIEnv(t)
	e.addUser("ps1", []string{"supervisor"}, false)
	e.addUser("pc1", []string{"officer"}, false)
	id := e.importDuplicates()
	a1, a2 := id("A1"), id("A2")
	b := e.signedIn("ps1")
	b.post("/duplicates/run", nil).expect(t, http.StatusOK, "OYELARAN, Babatunde")
	g := e.groupOf(a1)
	if g == "" || e.groupOf(a2) != g {
		t.Fatal("A1 and A2 are not grouped")
	}
	gp := b.get("/duplicates/" + g)
	gp.expect(t, http.StatusOK, "OYELARAN, Babatunde", "OYELARAN, Tunde", "14 Cardigan Road", "keeper of", "YX19ABC", `value="`+a1+`"`, `value="`+a2+`"`)

	// The survivor and the reason are required.
	bad := b.post("/duplicates/"+g+"/merge", url.Values{"reason": {""}})
	bad.expect(t, http.StatusUnprocessableEntity, "There is a problem", `href="#survivor-0"`, `href="#f-reason"`, `id="survivor-error"`, `id="f-reason-error"`, "Say why")
	bad.checkCSP(t)
	b.post("/duplicates/"+g+"/merge", url.Values{"survivor": {"someone else"}, "reason": {"same"}}).expect(t, http.StatusUnprocessableEntity, "Choose the record to keep")

	// A member merged elsewhere meanwhile: the refusal names the records.
	sys := auth.System("test")
	in, perr := pole.DecodeInput([]byte(`{"family_name":"Oyelaran","given_names":"Tunde Ade","dob":"1979-03-14"}`), pole.KindPerson)
	if perr != nil {
		t.Fatal(perr)
	}
	other, _, err := e.store.Create(context.Background(), sys, in, peel.CreateOptions{ConfirmNew: true, Reason: "test"})
	if err != nil {
		t.Fatal(err)
	}
	m0, err := e.store.Merge(context.Background(), sys, other.ID, []string{a2}, "test")
	if err != nil {
		t.Fatal(err)
	}
	stale := url.Values{"survivor": {a1}, "reason": {"same man"}, "member": {a1, a2}}
	b.post("/duplicates/"+g+"/merge", stale).
		expect(t, http.StatusUnprocessableEntity, `id="group-message"`, "could not be merged", "OYELARAN, Tunde (1979-03-14) was already merged into OYELARAN, Tunde Ade", "Nothing was changed", `href="/duplicates"`)
	if err := e.store.Unmerge(context.Background(), sys, m0.ID); err != nil {
		t.Fatal(err)
	}

	// Merge from the page.
	b.post("/duplicates/"+g+"/merge", url.Values{"survivor": {a1}, "reason": {"same date of birth, address and nickname"}}).
		redirectsTo(t, "/records/"+a1+"?done=merged")
	sv := b.get("/records/" + a1 + "?done=merged")
	sv.expect(t, http.StatusOK, "Records merged.", "Merged records", `href="/records/`+a2+`"`, "OYELARAN, Tunde", "same date of birth, address and nickname",
		"Merged by ps1", "Undo merge", "keeper of")
	sv.checkCSP(t)
	mp := b.get("/records/" + a2)
	mp.expect(t, http.StatusOK, `id="merged-banner"`, "Merged into", `<a href="/records/`+a1+`" id="survivor-link">OYELARAN, Babatunde`)
	mp.checkCSP(t)
	// The group is decided: merging it again (a second tab, the back button) is refused clearly.
	b.post("/duplicates/"+g+"/merge", url.Values{"survivor": {a1}, "reason": {"again"}, "member": {a1, a2}}).
		expect(t, http.StatusUnprocessableEntity, "OYELARAN, Tunde (1979-03-14) was already merged into OYELARAN, Babatunde (1979-03-14)")
	b.get("/duplicates/"+g).expect(t, http.StatusNotFound)
	if e.groupOf(a1) != "" {
		t.Error("a merged group is still queued")
	}

	// An officer sees the merge but cannot undo it.
	o := e.signedIn("pc1")
	op := o.get("/records/" + a1)
	op.expect(t, http.StatusOK, "Merged records")
	if strings.Contains(op.body, "Undo merge") {
		t.Error("an officer is offered to undo a merge")
	}
	ms, err := e.store.MergesOf(context.Background(), sys, a1)
	if err != nil || len(ms) != 1 {
		t.Fatalf("merges %+v %v", ms, err)
	}
	undo := "/records/" + a1 + "/merges/" + ms[0].ID + "/undo"
	o.get(undo).expect(t, http.StatusForbidden)
	o.post(undo, nil).expect(t, http.StatusForbidden)
	// A merge can only be undone from its survivor's page.
	b.get("/records/"+a2+"/merges/"+ms[0].ID+"/undo").expect(t, http.StatusNotFound)

	// Undo, with a confirmation first.
	cp := b.get(undo)
	cp.expect(t, http.StatusOK, "Undo this merge into OYELARAN, Babatunde", "OYELARAN, Tunde", `id="confirm-unmerge"`)
	cp.checkCSP(t)
	b.post(undo, nil).redirectsTo(t, "/records/"+a1+"?done=unmerged")
	b.get("/records/"+a1+"?done=unmerged").expect(t, http.StatusOK, "Merge undone", "undone")
	back := b.get("/records/" + a2)
	back.expect(t, http.StatusOK, "keeper of", "YX19ABC")
	if strings.Contains(back.body, "merged-banner") {
		t.Error("the banner stays after the undo")
	}
	b.post(undo, nil).expect(t, http.StatusConflict, "already undone")
	if e.groupOf(a1) != g {
		t.Error("the group is not back in the queue after the undo")
	}
}

func TestCreatePersonMatchesRealStore(t *testing.T) {
	e := newUIEnv(t)
	e.addUser("pc1", []string{"officer"}, false)
	id := e.importDuplicates()
	a1 := id("A1")
	b := e.signedIn("pc1")
	form := b.get("/new/person")
	form.expect(t, http.StatusOK, `id="check-existing"`, `formaction="/new/person/check"`, `hx-post="/new/person/check"`, `id="match-results"`)
	form.checkCSP(t)
	if strings.Contains(b.get("/new/vehicle").body, "check-existing") {
		t.Error("a vehicle form offers the person check")
	}
	v := url.Values{"family_name": {"Oyelaran"}, "given_names": {"Babatunde"}, "dob": {"1979-03-14"}, "gender": {"M"},
		"addresses[0].lines": {"14 Cardigan Road"}, "addresses[0].town": {"Leeds"}, "addresses[0].postcode": {"LS6 3AE"}, "addresses[0].country": {"GB"},
		"addresses[0].role": {"resides_at"}, "phones[0].number": {"07700 900811"}, "phones[0].role": {"user_of"}}

	// Check before submitting: without JavaScript the whole form comes back with the matches.
	chk := b.post("/new/person/check", v)
	chk.expect(t, http.StatusOK, "<html", "Existing records like this person", `href="/records/`+a1+`"`, "OYELARAN, Babatunde (1979-03-14)",
		"match probability", "Why: ", "This is the same person: open it", `value="Babatunde"`, `value="LS6 3AE"`, `id="save"`)
	chk.checkCSP(t)
	// With htmx, the list alone.
	part := b.post2("/new/person/check", v, "HX-Request", "true")
	part.expect(t, http.StatusOK, "Existing records like this person", `href="/records/`+a1+`"`, "match probability")
	if strings.Contains(part.body, "<html") {
		t.Fatal("the htmx answer is a whole page")
	}
	b.post2("/new/person/check", url.Values{"family_name": {"Zyxwvut"}, "given_names": {"Quentin"}}, "HX-Request", "true").
		expect(t, http.StatusOK, "No existing record looks like this person")
	b.post2("/new/person/check", url.Values{"family_name": {"Oyelaran"}, "gender": {"Q"}}, "HX-Request", "true").
		expect(t, http.StatusOK, "Fix the problems in the form")
	b.post("/new/person/check", url.Values{"family_name": {"Oyelaran"}, "gender": {"Q"}}).
		expect(t, http.StatusUnprocessableEntity, `id="f-gender-error"`)

	// Submitting: the real matcher refuses it as a strong match, with the candidates and why.
	dup := b.post("/new/person", v)
	dup.expect(t, http.StatusConflict, "may already be on record", `href="/records/`+a1+`"`, "OYELARAN, Babatunde (1979-03-14)", "d: A1",
		"match probability", "Why: ", "bits)", "This is the same person: open it", `name="confirm_new" value="true"`, `value="Babatunde"`)
	dup.checkCSP(t)
	why := regexp.MustCompile(`Why: ([^<]*)<`).FindStringSubmatch(dup.body)
	if why == nil || strings.Count(why[1], "bits)") != 3 || strings.Contains(why[1], "−") {
		t.Fatalf("the reasons shown are not the three strongest for: %v", why)
	}
	v.Set("confirm_new", "true")
	b.post("/new/person", v).expect(t, http.StatusUnprocessableEntity, `id="f-reason-error"`, "Say why")
	v.Set("reason", "a cousin of the same name, checked with his passport")
	nid := recordID(t, b.post("/new/person", v))
	if nid == a1 {
		t.Fatal("create anyway opened the existing record")
	}
	b.get("/records/"+nid+"?done=created").expect(t, http.StatusOK, "Record created.", "OYELARAN, Babatunde")
	es, err := e.store.Audit(context.Background(), auth.System("test"), peel.AuditFilter{Record: nid})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, en := range es {
		found = found || strings.Contains(en.Detail, "a cousin of the same name")
	}
	if !found {
		t.Errorf("the reason is not in the audit log: %+v", es)
	}
}

// post2 posts a form with extra headers.
func (b *uiClient) post2(path string, form url.Values, header ...string) uiPage {
	b.e.t.Helper()
	req, _ := http.NewRequest("POST", b.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return b.do(req)
}
