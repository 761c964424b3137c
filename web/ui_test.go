package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
	"github.com/peel-rms/peel/web"
)

func TestPagesRedirectToSignIn(t *testing.T) {
	e := newUIEnv(t)
	b := e.client()
	b.get("/records/abc?as_of=2026-01-01").redirectsTo(t, "/login?next="+url.QueryEscape("/records/abc?as_of=2026-01-01"))
	b.get("/").redirectsTo(t, "/login?next=%2F")
	// htmx requests are told to navigate instead of swapping the sign-in page into a region.
	p := b.get("/search?q=x", "HX-Request", "true")
	if p.status != http.StatusOK || !strings.HasPrefix(p.header.Get("HX-Redirect"), "/login?next=") {
		t.Fatalf("htmx request: status %d HX-Redirect %q", p.status, p.header.Get("HX-Redirect"))
	}
	login := b.get("/login?next=%2Frecords%2Fabc")
	login.expect(t, http.StatusOK, `<label for="username">Username</label>`, `name="next" value="/records/abc"`)
	login.checkCSP(t)
	if c := login.header.Get("Content-Security-Policy"); !strings.Contains(c, "script-src 'self'") {
		t.Fatalf("CSP header %q", c)
	}
}

func TestSignInAndOut(t *testing.T) {
	e := newUIEnv(t)
	b := e.client()
	b.post("/login", url.Values{"username": {"admin"}, "password": {"wrong password!"}}).expect(t, http.StatusUnauthorized, "Unknown username or wrong password")
	res := b.post("/login", url.Values{"username": {"admin"}, "password": {testPassword}, "next": {"/search?q=smith"}})
	res.redirectsTo(t, "/search?q=smith")
	var session *http.Cookie
	for _, c := range b.c.Jar.Cookies(mustURL(e.srv.URL)) {
		if c.Name == web.SessionCookie {
			session = c
		}
	}
	if session == nil {
		t.Fatal("no session cookie")
	}
	raw := res.header.Values("Set-Cookie")
	if len(raw) == 0 || !strings.Contains(raw[0], "HttpOnly") || !strings.Contains(raw[0], "SameSite=Lax") {
		t.Fatalf("session cookie attributes: %q", raw)
	}
	home := b.get("/")
	home.expect(t, http.StatusOK, "Signed in as </span>admin", `action="/logout"`, `href="/admin"`, `href="/audit"`, "Peel test")
	home.checkCSP(t)
	b.post("/logout", nil).redirectsTo(t, "/login")
	b.get("/").redirectsTo(t, "/login")
}

func TestSignInOnlyFollowsSameSiteNext(t *testing.T) {
	e := newUIEnv(t)
	for _, next := range []string{"https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"} {
		b := e.client()
		p := b.post("/login", url.Values{"username": {"admin"}, "password": {testPassword}, "next": {next}})
		if p.location != "/" {
			t.Errorf("next %q: redirect to %q, want /", next, p.location)
		}
	}
}

func TestLockoutIsShown(t *testing.T) {
	e := newUIEnv(t)
	b := e.client()
	for range 5 {
		b.post("/login", url.Values{"username": {"admin"}, "password": {"not the password"}}).expect(t, http.StatusUnauthorized)
	}
	b.post("/login", url.Values{"username": {"admin"}, "password": {testPassword}}).expect(t, http.StatusUnauthorized, "locked until")
}

func TestFirstSignInForcesPasswordChange(t *testing.T) {
	e := newUIEnv(t)
	e.addUser("pc1234", []string{"officer"}, true)
	b := e.client()
	b.post("/login", url.Values{"username": {"pc1234"}, "password": {testPassword}, "next": {"/search?q=x"}}).
		redirectsTo(t, "/password?next="+url.QueryEscape("/search?q=x"))
	// Every other page sends the user back to change it first.
	b.get("/").redirectsTo(t, "/password?next=%2F")
	form := b.get("/password?next=%2Fsearch%3Fq%3Dx")
	form.expect(t, http.StatusOK, "Choose a new password", `id="f-current"`)
	form.checkCSP(t)
	if strings.Contains(form.body, `action="/logout"`) {
		t.Error("the forced change shows the navigation")
	}
	b.post("/password", url.Values{"current": {testPassword}, "new": {"short"}, "again": {"short"}, "next": {"/"}}).
		expect(t, http.StatusUnprocessableEntity, "at least 10 characters", `aria-invalid="true"`)
	b.post("/password", url.Values{"current": {testPassword}, "new": {"a much better one"}, "again": {"a different one!"}, "next": {"/"}}).
		expect(t, http.StatusUnprocessableEntity, "not the same")
	b.post("/password", url.Values{"current": {"nope nope nope"}, "new": {"a much better one"}, "again": {"a much better one"}, "next": {"/"}}).
		expect(t, http.StatusUnprocessableEntity, "not your current password")
	b.post("/password", url.Values{"current": {testPassword}, "new": {"a much better one"}, "again": {"a much better one"}, "next": {"/search?q=x"}}).
		redirectsTo(t, "/search?q=x&done=password")
	b.get("/").expect(t, http.StatusOK, "Search everything")
	u, err := e.store.User(context.Background(), "pc1234")
	if err != nil || u.MustChange {
		t.Fatalf("must change still set: %v %v", u, err)
	}
}

func TestForbiddenPages(t *testing.T) {
	e := newUIEnv(t)
	e.addUser("officer1", []string{"officer"}, false)
	rec := e.mustCreate(pole.KindVehicle, `{"vrm":"AB12 CDE","make":"Ford"}`)
	b := e.signedIn("officer1")
	home := b.get("/")
	home.expect(t, http.StatusOK, "New record")
	for _, link := range []string{`href="/admin"`, `href="/audit"`, `href="/import"`} {
		if strings.Contains(home.body, link) {
			t.Errorf("officer sees %s", link)
		}
	}
	for _, path := range []string{"/admin/users", "/admin/vocabularies", "/admin/settings", "/audit", "/records/" + rec.ID + "/audit", "/records/" + rec.ID + "/delete", "/import"} {
		p := b.get(path)
		p.expect(t, http.StatusForbidden, "You do not have permission")
		p.checkCSP(t)
	}
	b.post("/admin/users", url.Values{"username": {"sneaky"}, "roles": {"admin"}}).expect(t, http.StatusForbidden)
	r := b.get("/records/" + rec.ID)
	r.expect(t, http.StatusOK, "AB12CDE", "Edit", "History")
	if strings.Contains(r.body, "Who viewed or changed") || strings.Contains(r.body, "/delete") {
		t.Error("officer sees audit or delete actions")
	}
	// Own API tokens are allowed.
	b.get("/admin/tokens").expect(t, http.StatusOK, "API tokens of officer1")
}

func TestNotFoundPages(t *testing.T) {
	e := newUIEnv(t)
	b := e.signedIn("admin")
	p := b.get("/no/such/page")
	p.expect(t, http.StatusNotFound, "Page not found")
	p.checkCSP(t)
	b.get("/records/nope").expect(t, http.StatusNotFound, "not found")
	b.get("/new/spaceship").expect(t, http.StatusNotFound)
}

func TestCreatePersonShowsFieldErrorsAndKeepsValues(t *testing.T) {
	e := newUIEnv(t)
	b := e.signedIn("admin")
	form := b.get("/new/person")
	form.expect(t, http.StatusOK, `id="f-family_name"`, `name="addresses[0].postcode"`, `name="identifiers[0].type"`, `name="markers[0].code"`, `name="phones[0].number"`, "<option value=\"pnc_id\">")
	form.checkCSP(t)
	v := url.Values{
		"family_name": {"Smith"}, "given_names": {"John Paul"}, "dob": {"1980-02-03"}, "gender": {"M"},
		"addresses[0].lines": {"12 High Street"}, "addresses[0].town": {"Leeds"}, "addresses[0].postcode": {"ZZ99"}, "addresses[0].country": {"GB"},
		"addresses[0].role": {"resides_at"}, "identifiers[0].type": {""}, "identifiers[0].value": {""},
		"markers[0].code": {"VI"}, "markers[0].valid_from": {"2024-05-01"}, "phones[0].number": {""}, "phones[0].role": {"user_of"},
	}
	bad := b.post("/new/person", v)
	bad.expect(t, http.StatusUnprocessableEntity,
		`There is a problem`, `href="#f-addresses-0-postcode"`,
		`id="f-addresses-0-postcode-error"`, `is not a UK postcode`,
		`aria-describedby="f-addresses-0-postcode-error" aria-invalid="true"`,
		`value="Smith"`, `value="John Paul"`, `value="ZZ99"`, `<option value="VI" selected>`)
	bad.checkCSP(t)
	// A value that cannot be read at all is refused before the domain sees it.
	v2 := url.Values{"family_name": {"Smith"}, "markers[0].code": {"VI"}, "markers[0].valid_from": {"2024-13-45"}}
	b.post("/new/person", v2).expect(t, http.StatusUnprocessableEntity, `id="f-markers-0-valid_from-error"`, "YYYY-MM-DD")

	v.Set("addresses[0].postcode", "ls1 1aa")
	ok := b.post("/new/person", v)
	id := recordID(t, ok)
	rec := b.get("/records/" + id + "?done=created")
	rec.expect(t, http.StatusOK, "Record created.", "SMITH, John Paul (1980-02-03)", "Warning: VI", "This person resides at …", "12 High Street, Leeds, LS1 1AA")
	rec.checkCSP(t)
}

func TestEditPatchesChangedFieldsAndRefusesStaleVersions(t *testing.T) {
	e := newUIEnv(t)
	b := e.signedIn("admin")
	rec := e.mustCreate(pole.KindPerson, `{"family_name":"Jones","given_names":"Ann","aliases":[{"family_name":"Smythe"}],"markers":[{"code":"SU","valid_from":"2024-01-01","valid_to":null}]}`)
	edit := b.get("/records/" + rec.ID + "/edit")
	edit.expect(t, http.StatusOK, `value="Jones"`, `name="version" value="1"`, `name="aliases[0].family_name"`, `value="Smythe"`)
	if strings.Contains(edit.body, "addresses[0]") {
		t.Error("the edit form offers address shorthand, which a patch may not carry")
	}
	form := url.Values{"version": {"1"}, "family_name": {"Jones"}, "given_names": {"Ann Marie"}, "aliases[0].family_name": {"Smythe"},
		"identifiers[0].type": {"ni_number"}, "identifiers[0].value": {"QQ123456C"}}
	b.post("/records/"+rec.ID+"/edit", form).redirectsTo(t, "/records/"+rec.ID+"?done=saved")
	got, err := e.store.Get(context.Background(), auth.System("test"), rec.ID, peel.GetOptions{NoAudit: true})
	if err != nil {
		t.Fatal(err)
	}
	p := got.Body.(*pole.Person)
	if got.Version != 2 || p.GivenNames != "Ann Marie" || len(p.Identifiers) != 1 || len(p.Markers) != 1 || len(p.Aliases) != 1 {
		t.Fatalf("after edit: version %d %+v", got.Version, p)
	}
	// The same form again, still based on version 1: someone else's change must not be lost.
	form.Set("given_names", "Annie")
	b.post("/records/"+rec.ID+"/edit", form).expect(t, http.StatusConflict, "Someone changed this record", `name="version" value="2"`, `value="Annie"`)
	// Nothing changed: no new version.
	b.post("/records/"+rec.ID+"/edit", url.Values{"version": {"2"}, "family_name": {"Jones"}, "given_names": {"Ann Marie"}, "aliases[0].family_name": {"Smythe"},
		"identifiers[0].type": {"ni_number"}, "identifiers[0].value": {"QQ123456C"}}).redirectsTo(t, "/records/"+rec.ID+"?done=unchanged")
	// Field errors on edit land next to the input of the right row.
	b.post("/records/"+rec.ID+"/edit", url.Values{"version": {"2"}, "family_name": {"Jones"}, "identifiers[0].type": {"ni_number"}, "identifiers[0].value": {"QQ123456C"},
		"identifiers[1].type": {"passport"}, "identifiers[1].value": {""}}).
		expect(t, http.StatusUnprocessableEntity, `id="f-identifiers-1-value-error"`)
}

func TestEventFormGradingAndDateTime(t *testing.T) {
	e := newUIEnv(t)
	b := e.signedIn("admin")
	v := url.Values{"type": {"intelligence"}, "occurred_at": {"2026-11-20T10:00"}, "summary": {"seen at the address"},
		"grading.source": {"2"}, "grading.information": {"B"}, "grading.handling": {"C"}}
	b.post("/new/event", v).expect(t, http.StatusUnprocessableEntity, `id="f-grading-conditions-error"`, "conditions")
	v.Set("grading.conditions", "not outside the force")
	id := recordID(t, b.post("/new/event", v))
	b.get("/records/"+id).expect(t, http.StatusOK, "2026-11-20 10:00 UTC", "2 — untested", "not outside the force")
	b.get("/records/"+id+"/edit").expect(t, http.StatusOK, `value="2026-11-20T10:00"`)
	// Clearing the grading removes it (a null in the merge patch).
	v = url.Values{"version": {"1"}, "type": {"intelligence"}, "occurred_at": {"2026-11-20T10:00"}, "summary": {"seen at the address"}}
	b.post("/records/"+id+"/edit", v).redirectsTo(t, "/records/"+id+"?done=saved")
	got, _ := e.store.Get(context.Background(), auth.System("test"), id, peel.GetOptions{NoAudit: true})
	if g := got.Body.(*pole.Event).Grading; g != nil {
		t.Fatalf("grading kept: %+v", g)
	}
}

func TestPurposeRequired(t *testing.T) {
	e := newUIEnv(t)
	ctx := context.Background()
	if err := e.store.PutSetting(ctx, auth.System("test"), "require_purpose", "true"); err != nil {
		t.Fatal(err)
	}
	rec := e.mustCreate(pole.KindTelephone, `{"number":"07700 900123"}`)
	b := e.signedIn("admin")
	b.get("/search?q=07700").redirectsTo(t, "/purpose?next="+url.QueryEscape("/search?q=07700"))
	b.get("/records/"+rec.ID).redirectsTo(t, "/purpose?next=")
	pp := b.get("/purpose?next=%2Fsearch%3Fq%3D07700")
	pp.expect(t, http.StatusOK, "Purpose of access", "required by your force")
	pp.checkCSP(t)
	b.post("/purpose", url.Values{"purpose": {""}, "next": {"/search?q=07700"}}).expect(t, http.StatusUnprocessableEntity, "requires a purpose")
	b.post("/purpose", url.Values{"purpose": {"incident 2026-42; caller's “number”"}, "next": {"/search?q=07700"}}).redirectsTo(t, "/search?q=07700")
	b.get("/search?q=07700").expect(t, http.StatusOK, "447700900123", `value="incident 2026-42; caller&#39;s “number”"`)
	b.get("/records/"+rec.ID).expect(t, http.StatusOK)
	es, err := e.store.Audit(ctx, auth.System("test"), peel.AuditFilter{Record: rec.ID, Action: "view"})
	if err != nil || len(es) == 0 {
		t.Fatalf("no view entry: %v", err)
	}
	if es[0].Purpose != "incident 2026-42; caller's “number”" {
		t.Fatalf("purpose recorded as %q", es[0].Purpose)
	}
	// Pages that read no records never ask.
	b2 := e.signedIn("admin")
	b2.get("/").expect(t, http.StatusOK)
	b2.get("/admin/settings").expect(t, http.StatusOK, `checked`)
}

func TestSearchPageAndPartial(t *testing.T) {
	e := newUIEnv(t)
	e.mustCreate(pole.KindPerson, `{"family_name":"Smith","given_names":"John","dob":"1980-02-03"}`)
	e.mustCreate(pole.KindVehicle, `{"vrm":"AB12 CDE"}`)
	b := e.signedIn("admin")
	full := b.get("/search?q=smith")
	full.expect(t, http.StatusOK, "<html", "1 result for “smith”", "SMITH, John", `class="badge k-person"`)
	full.checkCSP(t)
	part := b.get("/search?q=smith", "HX-Request", "true", "HX-Target", "results")
	part.expect(t, http.StatusOK, "SMITH, John")
	if strings.Contains(part.body, "<html") {
		t.Fatal("the htmx answer is a whole page")
	}
	b.get("/search?q=smith&kind=vehicle").expect(t, http.StatusOK, "0 results", "among vehicle records")
}

func TestLinkPage(t *testing.T) {
	e := newUIEnv(t)
	person := e.mustCreate(pole.KindPerson, `{"family_name":"Brown","given_names":"Sam"}`)
	loc := e.mustCreate(pole.KindLocation, `{"lines":["1 Mill Lane"],"town":"Leeds","postcode":"LS2 7AB"}`)
	b := e.signedIn("admin")
	lp := b.get("/records/" + person.ID + "/link?q=mill+lane")
	lp.expect(t, http.StatusOK, `<option value="works_at">`, `value="`+loc.ID+`"`, "1 Mill Lane")
	lp.checkCSP(t)
	if strings.Contains(lp.body, `<option value="occurred_at">`) {
		t.Error("a person is offered a role that cannot start or end at a person")
	}
	b.get("/records/"+person.ID+"/link/suggest?q=mill", "HX-Request", "true").expect(t, http.StatusOK, `id="pick-0"`)
	b.post("/records/"+person.ID+"/link", url.Values{"role": {"works_at"}}).
		expect(t, http.StatusUnprocessableEntity, `id="f-other-error"`, `href="#f-other"`)
	b.post("/records/"+person.ID+"/link", url.Values{"role": {"works_at"}, "other": {"nope"}}).
		expect(t, http.StatusUnprocessableEntity, `id="f-other-error"`, "no record")
	b.post("/records/"+person.ID+"/link", url.Values{"role": {"works_at"}, "pick": {loc.ID}, "valid_from": {"2025-02-01"}, "valid_to": {"2024-01-01"}}).
		expect(t, http.StatusUnprocessableEntity, `id="f-valid_to-error"`)
	// From the location's page, "automatic" reverses the direction the role needs.
	b.post("/records/"+loc.ID+"/link", url.Values{"role": {"works_at"}, "pick": {person.ID}, "direction": {"auto"}, "valid_from": {"2025-02-01"}}).
		redirectsTo(t, "/records/"+loc.ID+"?done=linked")
	rp := b.get("/records/" + person.ID)
	rp.expect(t, http.StatusOK, "This person works at …", "1 Mill Lane", "from 2025-02-01")
	links, _ := e.store.LinksOf(context.Background(), auth.System("test"), person.ID, nil)
	if len(links) != 1 || links[0].Direction != "out" {
		t.Fatalf("links %+v", links)
	}
	b.get("/records/"+person.ID+"?as_of=2024-06-01").expect(t, http.StatusOK, "No links valid on that date")
	b.post("/records/"+person.ID+"/links/"+links[0].ID+"/end", url.Values{"valid_to": {"2026-01-01"}}).redirectsTo(t, "/records/"+person.ID+"?done=link-ended")
	b.get("/records/"+person.ID).expect(t, http.StatusOK, "to 2026-01-01")
	b.get("/records/"+person.ID+"/links/"+links[0].ID+"/delete").expect(t, http.StatusOK, "Delete this link?")
	b.post("/records/"+person.ID+"/links/"+links[0].ID+"/delete", nil).redirectsTo(t, "/records/"+person.ID+"?done=link-deleted")
	b.get("/records/"+person.ID).expect(t, http.StatusOK, "No links")
}

func TestMarkers(t *testing.T) {
	e := newUIEnv(t)
	loc := e.mustCreate(pole.KindLocation, `{"lines":["3 Dog Row"],"postcode":"LS3 1AA"}`)
	b := e.signedIn("admin")
	mp := b.get("/records/" + loc.ID + "/markers")
	mp.expect(t, http.StatusOK, "No warning markers yet", `<option value="FI">FI — firearms</option>`)
	mp.checkCSP(t)
	b.post("/records/"+loc.ID+"/markers", url.Values{"version": {"1"}, "code": {""}}).expect(t, http.StatusUnprocessableEntity, "Choose a marker")
	b.post("/records/"+loc.ID+"/markers", url.Values{"version": {"1"}, "code": {"FI"}, "valid_from": {"2024-01-01"}, "note": {"shotgun kept"}}).
		redirectsTo(t, "/records/"+loc.ID+"?done=marker-added")
	b.get("/records/"+loc.ID).expect(t, http.StatusOK, "Warning: FI — firearms", "shotgun kept", "set by admin")
	b.post("/records/"+loc.ID+"/markers", url.Values{"version": {"1"}, "code": {"DR"}}).expect(t, http.StatusPreconditionFailed, "Someone changed this record")
	b.post("/records/"+loc.ID+"/markers/expire", url.Values{"version": {"2"}, "index": {"0"}, "code": {"FI"}}).redirectsTo(t, "/records/"+loc.ID+"?done=marker-ended")
	r := b.get("/records/" + loc.ID)
	if strings.Contains(r.body, "Warning: FI") || !strings.Contains(r.body, "expired") {
		t.Fatalf("marker not expired\n%s", r.body)
	}
	b.get("/records/"+e.mustCreate(pole.KindVehicle, `{"vrm":"X1"}`).ID+"/markers").expect(t, http.StatusNotFound)
}

func TestHistoryAndAuditPages(t *testing.T) {
	e := newUIEnv(t)
	e.addUser("sup1", []string{"supervisor"}, false)
	rec := e.mustCreate(pole.KindVehicle, `{"vrm":"AB12 CDE","colour":"Blue"}`)
	b := e.signedIn("admin")
	b.post("/records/"+rec.ID+"/edit", url.Values{"version": {"1"}, "vrm": {"AB12CDE"}, "colour": {"Red"}}).redirectsTo(t, "/records/"+rec.ID)
	h := b.get("/records/" + rec.ID + "/history")
	h.expect(t, http.StatusOK, "Version 2", "by admin", "<th scope=\"row\">colour</th><td>Blue</td><td>Red</td>", "Version 1", "Created.")
	h.checkCSP(t)
	b.get("/records/"+rec.ID+"?version=1").expect(t, http.StatusOK, "a past version", "Blue")
	s := e.signedIn("sup1")
	s.post("/purpose", url.Values{"purpose": {"review of AB12"}, "next": {"/"}})
	s.get("/records/" + rec.ID)
	a := s.get("/records/" + rec.ID + "/audit")
	a.expect(t, http.StatusOK, "Who viewed or changed", "sup1", "review of AB12", "update", "version 2")
	a.checkCSP(t)
	all := b.get("/audit?user=sup1&action=view")
	all.expect(t, http.StatusOK, "Audit log", "review of AB12")
	if strings.Contains(all.body, `<span class="tag">login</span>`) {
		t.Error("filter by action ignored")
	}
	b.post("/audit/verify", nil).expect(t, http.StatusOK, "The audit log is intact")
	b.get("/records/"+rec.ID+"/delete").expect(t, http.StatusOK, "Delete AB12CDE")
	b.post("/records/"+rec.ID+"/delete", url.Values{"version": {"2"}}).redirectsTo(t, "/?done=deleted")
	b.get("/records/"+rec.ID+"/history").expect(t, http.StatusOK, "Version 3")
}

func TestAdminPages(t *testing.T) {
	e := newUIEnv(t)
	b := e.signedIn("admin")
	b.get("/admin").expect(t, http.StatusOK, "/admin/users", "/admin/vocabularies")
	b.post("/admin/users", url.Values{"username": {"Bad Name"}, "roles": {"officer"}}).
		expect(t, http.StatusUnprocessableEntity, `id="f-username-error"`, `value="Bad Name"`, `value="officer" id="role-officer" checked`)
	b.post("/admin/users", url.Values{"username": {"newbie"}}).expect(t, http.StatusUnprocessableEntity, "Choose at least one role")
	add := b.post("/admin/users", url.Values{"username": {"newbie"}, "roles": {"officer", "analyst"}})
	add.expect(t, http.StatusCreated, "one-time password is shown only now", `id="new-password"`)
	u, _ := e.store.User(context.Background(), "newbie")
	if !u.MustChange || len(u.Roles) != 2 {
		t.Fatalf("new user %+v", u)
	}
	b.post("/admin/users/newbie", url.Values{"action": {"roles"}, "roles": {"supervisor"}}).redirectsTo(t, "/admin/users/newbie?done=user-saved")
	b.post("/admin/users/newbie", url.Values{"action": {"disable"}}).redirectsTo(t, "/admin/users/newbie")
	b.get("/admin/users/newbie").expect(t, http.StatusOK, "disabled", `value="supervisor" id="role-supervisor" checked`, "Enable account")
	b.post("/admin/users/newbie", url.Values{"action": {"reset"}}).expect(t, http.StatusOK, "The password has been reset")
	b.post("/admin/users/admin", url.Values{"action": {"disable"}}).expect(t, http.StatusUnprocessableEntity, "cannot disable your own")

	tok := b.post("/admin/tokens", url.Values{"username": {"newbie"}, "name": {"cad"}})
	tok.expect(t, http.StatusCreated, "shown only once", "peel_")
	ts, _ := e.store.Tokens(context.Background(), auth.System("test"), "newbie")
	if len(ts) != 1 {
		t.Fatalf("tokens %+v", ts)
	}
	b.post("/admin/tokens/"+ts[0].ID+"/revoke", url.Values{"username": {"newbie"}}).redirectsTo(t, "/admin/tokens?user=newbie&done=token-gone")

	b.get("/admin/vocabularies").expect(t, http.StatusOK, `href="/admin/vocabularies/link_roles"`, "marker codes")
	v := b.get("/admin/vocabularies/marker_codes")
	v.expect(t, http.StatusOK, "FI|firearms|officer_safety")
	b.post("/admin/vocabularies/marker_codes", url.Values{"terms": {"FI|firearms|officer_safety\nZZ|zombie|nonsense"}}).
		expect(t, http.StatusUnprocessableEntity, "Line 2:", "officer_safety, medical or vulnerability")
	b.post("/admin/vocabularies/marker_codes", url.Values{"terms": {"# test\nFI|firearms|officer_safety\nZZ|zombie|medical"}}).redirectsTo(t, "/admin/vocabularies/marker_codes?done=vocab-saved")
	b.get("/admin/vocabularies/link_roles").expect(t, http.StatusOK, "resides_at||person|location")
	b.post("/admin/vocabularies/link_roles", url.Values{"terms": {"resides_at||person|spaceship"}}).expect(t, http.StatusUnprocessableEntity, "not a record kind")
	vocab, _ := e.store.Vocabulary(context.Background())
	if len(vocab.MarkerCodes) != 2 || vocab.MarkerCodes[1].Code != "ZZ" {
		t.Fatalf("marker codes %+v", vocab.MarkerCodes)
	}
	b.post("/admin/settings", url.Values{"require_purpose": {"true"}}).redirectsTo(t, "/admin/settings?done=settings")
	if v, _ := e.store.Setting(context.Background(), "require_purpose", ""); v != "true" {
		t.Fatalf("setting %q", v)
	}
}

func TestImportPage(t *testing.T) {
	e := newUIEnv(t)
	b := e.signedIn("admin")
	b.get("/import").expect(t, http.StatusOK, `enctype="multipart/form-data"`, `href="/api/v1/export"`)
	upload := func(source, content string) uiPage {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("source", source)
		fw, _ := mw.CreateFormFile("file", "data.ndjson")
		fw.Write([]byte(content))
		mw.Close()
		req, _ := http.NewRequest("POST", e.srv.URL+"/import", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		return b.do(req)
	}
	bad := upload("rms", `{"kind":"person","ref":"P1","family_name":"Smith"}`+"\n"+`{"kind":"spaceship","ref":"X"}`+"\n")
	bad.expect(t, http.StatusUnprocessableEntity, "Nothing was imported", "Line 2:")
	good := upload("rms", `{"kind":"person","ref":"P1","family_name":"Smith"}`+"\n"+`{"kind":"vehicle","ref":"V1","vrm":"AB12 CDE"}`+"\n"+`{"kind":"link","from":"P1","to":"V1","role":"keeper_of"}`+"\n")
	good.expect(t, http.StatusOK, "Imported", "<th scope=\"row\">person</th><td>1</td>", "1 links")
	// The export link works with the session cookie.
	ex := b.get("/api/v1/export")
	ex.expect(t, http.StatusOK, `"family_name":"Smith"`)
}

func TestStaticAssets(t *testing.T) {
	e := newUIEnv(t)
	b := e.client()
	b.get("/static/peel.css").expect(t, http.StatusOK, "prefers-color-scheme")
	b.get("/static/peel.js").expect(t, http.StatusOK, "error-summary")
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

// matchingStore refuses every person create without ConfirmNew as a possible duplicate of one
// record, as the matcher will: a 409 with candidates.
type matchingStore struct {
	peel.Store
	candidate string
	reason    string
}

func (m *matchingStore) Create(ctx context.Context, p *auth.Principal, in *pole.Input, opts peel.CreateOptions) (*pole.Record, bool, error) {
	if in.Kind == pole.KindPerson && !opts.ConfirmNew {
		return nil, false, &pole.Error{Code: pole.EConflict, Message: "possible duplicate", Detail: map[string]any{
			"candidates": []map[string]any{{"id": m.candidate, "score": 0.93, "reasons": []map[string]any{{"field": "family_name", "comparison": "exact", "weight": 3.1}}}},
		}}
	}
	m.reason = opts.Reason
	return m.Store.Create(ctx, p, in, opts)
}

func TestCreatePersonPossibleDuplicate(t *testing.T) {
	e := newUIEnv(t)
	existing := e.mustCreate(pole.KindPerson, `{"family_name":"Smith","given_names":"John","dob":"1980-02-03"}`)
	ms := &matchingStore{Store: e.store, candidate: existing.ID}
	s, err := web.New(ms, web.Config{Version: "test"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	e.srv = srv
	b := e.signedIn("admin")
	v := url.Values{"family_name": {"Smith"}, "given_names": {"Jon"}, "dob": {"1980-02-03"}}
	dup := b.post("/new/person", v)
	dup.expect(t, http.StatusConflict, "may already be on record", `href="/records/`+existing.ID+`"`, "SMITH, John (1980-02-03)", "match score 0.93", "family name: exact (&#43;3.10 bits)",
		"This is the same person: open it", `name="confirm_new" value="true"`, `value="Jon"`)
	dup.checkCSP(t)
	v.Set("confirm_new", "true")
	b.post("/new/person", v).expect(t, http.StatusUnprocessableEntity, `id="f-reason-error"`, "Say why")
	v.Set("reason", "different middle name on the custody record")
	id := recordID(t, b.post("/new/person", v))
	if id == existing.ID || ms.reason != "different middle name on the custody record" {
		t.Fatalf("created %s with reason %q", id, ms.reason)
	}
}

func TestLocationAndObjectForms(t *testing.T) {
	e := newUIEnv(t)
	b := e.signedIn("admin")
	b.post("/new/location", url.Values{"lines": {"1 Bank St\r\nSecond floor"}, "lat": {"north"}, "lon": {"-1.55"}}).
		expect(t, http.StatusUnprocessableEntity, `id="f-lat-error"`, "Enter a number", "Second floor")
	b.post("/new/location", url.Values{"lines": {"1 Bank St"}, "postcode": {"LS1 4AB"}, "lat": {"53.8"}}).
		expect(t, http.StatusUnprocessableEntity, `id="f-lat-error"`, "together")
	id := recordID(t, b.post("/new/location", url.Values{"lines": {"1 Bank St\r\nSecond floor"}, "town": {"Leeds"}, "postcode": {"ls14ab"}, "lat": {"53.8"}, "lon": {"-1.55"}, "uprn": {"72012345"}}))
	b.get("/records/"+id).expect(t, http.StatusOK, "1 Bank St, Second floor", "LS1 4AB", "53.8", "-1.55")
	edit := b.get("/records/" + id + "/edit")
	edit.expect(t, http.StatusOK, ">1 Bank St\nSecond floor</textarea>", `value="53.8"`)
	form := url.Values{"version": {"1"}, "lines": {"1 Bank St\nSecond floor"}, "town": {"Leeds"}, "postcode": {"LS1 4AB"}, "lat": {"53.8"}, "lon": {"-1.55"}, "uprn": {"72012345"}}
	b.post("/records/"+id+"/edit", form).redirectsTo(t, "/records/"+id+"?done=unchanged")
	// Emptying a field removes it.
	form.Set("uprn", "")
	b.post("/records/"+id+"/edit", form).redirectsTo(t, "/records/"+id+"?done=saved")
	got, _ := e.store.Get(context.Background(), auth.System("test"), id, peel.GetOptions{NoAudit: true})
	if l := got.Body.(*pole.Location); l.UPRN != "" || len(l.Lines) != 2 {
		t.Fatalf("location %+v", l)
	}

	b.post("/new/object", url.Values{"description": {"shotgun"}}).expect(t, http.StatusUnprocessableEntity, `id="f-type-error"`, `href="#f-type"`)
	b.post("/new/object", url.Values{"type": {"spaceship"}}).expect(t, http.StatusUnprocessableEntity, `id="f-type-error"`, "object types")
	oid := recordID(t, b.post("/new/object", url.Values{"type": {"firearm"}, "description": {"shotgun"}, "serial": {"SN 123"}}))
	b.get("/records/"+oid).expect(t, http.StatusOK, "firearm: shotgun (serial SN 123)")
	// The same serial again resolves to the existing object.
	b.post("/new/object", url.Values{"type": {"firearm"}, "serial": {"SN123"}}).redirectsTo(t, "/records/"+oid+"?done=matched")
}
