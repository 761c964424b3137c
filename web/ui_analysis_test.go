package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
	"github.com/peel-rms/peel/sqlite"
	"github.com/peel-rms/peel/sqlstore"
	"github.com/peel-rms/peel/web"
	"github.com/peel-rms/peel/web/webtest"
)

// analysisNow is the clock of the analysis page tests.
var analysisNow = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// analysisNDJSON is a small force: a resident and a restricted resident of one address, their
// telephones and calls, a vehicle with intelligence, and intelligence at the address (one item
// restricted). P6 and E2 are restricted to investigators; nothing of them may reach an officer.
const analysisNDJSON = `{"kind":"location","ref":"L1","lines":["1 Gun Street"],"town":"Leeds","postcode":"LS6 1AA","lat":53.8,"lon":-1.55,"markers":[{"code":"WE","valid_from":"2026-01-01","valid_to":null,"note":"machete found at the door"}]}
{"kind":"location","ref":"L2","lines":["9 Far Lane"],"town":"Leeds","postcode":"LS7 2BB"}
{"kind":"person","ref":"P1","family_name":"Resident","given_names":"Rita","markers":[{"code":"VI","valid_from":"2025-01-01","valid_to":null,"review_date":"2026-12-07"}]}
{"kind":"person","ref":"P6","family_name":"Secretive","given_names":"Sam","access":{"roles":["investigator"]},"markers":[{"code":"FI","valid_from":"2025-01-01","valid_to":null,"review_date":"2026-12-01"}]}
{"kind":"person","ref":"P7","family_name":"Later","given_names":"Lou","markers":[{"code":"MH","valid_from":"2025-01-01","valid_to":null,"review_date":"2027-06-01"}]}
{"kind":"telephone","ref":"T1","number":"07700 900111"}
{"kind":"telephone","ref":"T2","number":"07700 900222"}
{"kind":"telephone","ref":"T3","number":"07700 900333"}
{"kind":"vehicle","ref":"V1","vrm":"AB12 CDE","make":"Ford"}
{"kind":"event","ref":"E1","type":"intelligence","occurred_at":"2026-11-20T10:00:00Z","summary":"Seen dealing at the door","location":"L1"}
{"kind":"event","ref":"E2","type":"intelligence","occurred_at":"2026-11-21T10:00:00Z","summary":"SECRET-EVENT restricted intelligence","location":"L1","access":{"roles":["investigator"]}}
{"kind":"event","ref":"E3","type":"intelligence","occurred_at":"2025-06-01T09:00:00Z","summary":"Vehicle seen at the docks"}
{"kind":"event","ref":"E4","type":"intelligence","occurred_at":"2023-01-01T09:00:00Z","summary":"Old vehicle sighting"}
{"kind":"link","from":"P1","to":"L1","role":"resides_at","valid_from":"2020-01-01"}
{"kind":"link","from":"P6","to":"L1","role":"resides_at","valid_from":"2022-01-01"}
{"kind":"link","from":"P1","to":"L2","role":"works_at","valid_from":"2021-01-01"}
{"kind":"link","from":"P1","to":"T1","role":"user_of"}
{"kind":"link","from":"P6","to":"T2","role":"user_of"}
{"kind":"link","from":"P1","to":"V1","role":"keeper_of","valid_from":"2024-01-01"}
{"kind":"link","from":"E3","to":"V1","role":"involves"}
{"kind":"link","from":"E4","to":"V1","role":"involves"}
{"kind":"call","from":"07700 900111","to":"07700 900222","start":"2026-11-25T09:00:00Z","duration_s":42,"type":"voice"}
{"kind":"call","from":"07700 900111","to":"07700 900222","start":"2026-11-26T09:00:00Z","duration_s":60,"type":"voice"}
{"kind":"call","from":"07700 900222","to":"07700 900333","start":"2026-11-26T11:00:00Z","duration_s":30,"type":"voice"}
{"kind":"call","from":"07700 900333","to":"07700 900222","start":"2026-11-26T10:00:00Z","duration_s":10,"type":"sms"}
{"kind":"call","from":"07700 900111","to":"07700 900333","start":"2026-11-01T09:00:00Z","duration_s":10,"type":"voice"}
`

// newUIEnvAt is newUIEnv with the store's clock stopped at a time.
func newUIEnvAt(t *testing.T, at time.Time) *uiEnv {
	t.Helper()
	st, err := sqlite.Open(context.Background(), t.TempDir(), sqlstore.Options{Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	s, err := web.New(st, web.Config{SecureCookies: false, Version: "test"}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	e := &uiEnv{t: t, srv: srv, store: st}
	e.addUser("admin", []string{auth.RoleAdmin}, false)
	return e
}

// load imports interchange lines under a source and returns the ids of their refs.
func (e *uiEnv) load(source, ndjson string) map[string]string {
	e.t.Helper()
	ctx := context.Background()
	sys := auth.System("test")
	if _, err := e.store.Import(ctx, sys, source, strings.NewReader(ndjson), peel.ImportOptions{}); err != nil {
		e.t.Fatal(err)
	}
	ids := map[string]string{}
	for _, m := range regexp.MustCompile(`"ref":"([^"]+)"`).FindAllStringSubmatch(ndjson, -1) {
		rec, err := e.store.Lookup(ctx, sys, source, m[1])
		if err != nil {
			e.t.Fatalf("lookup %s: %v", m[1], err)
		}
		ids[m[1]] = rec.ID
	}
	return ids
}

// lacks fails if the page holds any of the snippets (case-insensitive).
func (p uiPage) lacks(t *testing.T, snippets ...string) {
	t.Helper()
	low := strings.ToLower(p.body)
	for _, s := range snippets {
		if strings.Contains(low, strings.ToLower(s)) {
			t.Fatalf("page holds %q\n%s", s, p.body)
		}
	}
}

func (b *uiClient) postJSON(path, body string) uiPage {
	b.e.t.Helper()
	req, _ := http.NewRequest("POST", b.e.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return b.do(req)
}

func TestAnalysisPagesShowOnlyWhatTheUserMaySee(t *testing.T) {
	e := newUIEnvAt(t, analysisNow)
	ids := e.load("t", analysisNDJSON)
	e.addUser("pc1", []string{"officer"}, false)
	e.addUser("dc1", []string{"investigator"}, false)
	pc, dc := e.signedIn("pc1"), e.signedIn("dc1")
	secret := []string{ids["P6"], "Secretive", ids["E2"], "SECRET-EVENT"}

	// Link chart: the page, and the API reads its script makes with the session cookie.
	chart := pc.get("/records/" + ids["L1"] + "/chart")
	chart.expect(t, http.StatusOK, `data-start="`+ids["L1"]+`"`, `id="chart-nodes"`, `id="role-resides_at"`, `/static/chart.js`, `Export entities CSV`)
	chart.checkCSP(t)
	rec := pc.get("/api/v1/records/" + ids["L1"])
	rec.expect(t, http.StatusOK, ids["P1"], "RESIDENT, Rita", ids["E1"])
	rec.lacks(t, secret...)
	trav := pc.postJSON("/api/v1/traverse", `{"start":"`+ids["L1"]+`","steps":[{}],"max_degree":10000,"limit":1000}`)
	trav.expect(t, http.StatusOK, ids["P1"], `"when":"2026-11-20T10:00:00Z"`)
	trav.lacks(t, secret...)
	dc.get("/api/v1/records/"+ids["L1"]).expect(t, http.StatusOK, ids["P6"], ids["E2"])

	// Timeline: directly linked events and events of linked records, grouped by day.
	tl := pc.get("/records/" + ids["P1"] + "/timeline")
	tl.expect(t, http.StatusOK, "Seen dealing at the door", "Friday 20 November 2026", "Vehicle seen at the docks", "Old vehicle sighting", "via <a href=\"/records/"+ids["L1"]+"\">")
	tl.lacks(t, secret...)
	tl.checkCSP(t)
	if strings.Index(tl.body, "Old vehicle sighting") > strings.Index(tl.body, "Seen dealing at the door") {
		t.Error("the timeline is not in time order")
	}
	dc.get("/records/"+ids["L1"]+"/timeline").expect(t, http.StatusOK, "SECRET-EVENT", "Seen dealing at the door")
	pc.get("/records/"+ids["L1"]+"/timeline").lacks(t, secret...)

	// Map: places with a position on the map and in the list, the rest listed apart.
	m := pc.get("/records/" + ids["P1"] + "/map")
	m.expect(t, http.StatusOK, `id="map"`, "data-places=", "1 Gun Street", "53.80000, -1.55000", "Linked places without a map position", "9 Far Lane", "resides at", "/static/map.js")
	m.lacks(t, secret...)
	m.checkCSP(t)
	if !strings.Contains(m.body, `data-tiles=""`) {
		t.Error("no tile URL configured, yet the map was given one")
	}
	pc.get("/records/"+ids["L1"]+"/map").lacks(t, secret...)

	// Contacts of a telephone: the restricted user of the number called is not named.
	c := pc.get("/records/" + ids["T1"] + "/contacts")
	c.expect(t, http.StatusOK, "447700900222", "Top contacts", "Call chains", "From 2026-11-20 12:00 to 2026-11-27 12:00 UTC", `<option value="P7D" selected>`)
	c.lacks(t, secret...)
	if strings.Count(c.body, "447700900333") != 1 { // only in the chain: the call to T3 is outside the 7 days
		t.Errorf("T3 is a contact in the last 7 days:\n%s", c.body)
	}
	c.checkCSP(t)
	pc.get("/records/"+ids["T1"]+"/contacts?within=P28D").expect(t, http.StatusOK, "447700900333")
	dc.get("/records/"+ids["T1"]+"/contacts").expect(t, http.StatusOK, "Sam Secretive")
	// Call chains: T1 called T2, which then called T3.
	if !regexp.MustCompile(`(?s)<ol class="chain">.*447700900111.*447700900222.*447700900333`).MatchString(c.body) {
		t.Errorf("no call chain T1 → T2 → T3:\n%s", c.body)
	}
	// Common contacts with numbers typed in.
	common := pc.get("/records/" + ids["T1"] + "/contacts?numbers=" + url.QueryEscape("07700 900333"))
	common.expect(t, http.StatusOK, `<table id="common">`, "447700900222")
	common.lacks(t, secret...)
	pc.get("/records/"+ids["T1"]+"/contacts?numbers="+url.QueryEscape("07700 900999")).expect(t, http.StatusUnprocessableEntity, "No telephone record has the number &#43;447700900999", `aria-invalid="true"`)

	// Activity at linked places (P28D, investigations and intelligence by default).
	a := pc.get("/records/" + ids["P1"] + "/activity")
	a.expect(t, http.StatusOK, "Seen dealing at the door", "1 Gun Street", "resides at", `id="type-intelligence" name="types" value="intelligence" checked`)
	a.lacks(t, secret...)
	a.checkCSP(t)
	dc.get("/records/"+ids["P1"]+"/activity").expect(t, http.StatusOK, "SECRET-EVENT")

	// Vehicle intelligence (P24M by default): the 2023 sighting is outside the window.
	v := pc.get("/records/" + ids["V1"] + "/intelligence")
	v.expect(t, http.StatusOK, "Vehicle seen at the docks", `<option value="P24M" selected>`)
	v.lacks(t, "Old vehicle sighting")
	pc.get("/records/"+ids["V1"]+"/intelligence?within=P5Y").expect(t, http.StatusOK, "Old vehicle sighting")

	// Hazards of the address: the restricted resident's firearms marker only for investigators.
	h := pc.get("/records/" + ids["L1"] + "/hazards")
	h.expect(t, http.StatusOK, `class="hz hz-marker"`, "WE — weapons", "VI — violent", "RESIDENT, Rita", "why: resides at")
	h.lacks(t, secret...)
	h.checkCSP(t)
	dc.get("/records/"+ids["L1"]+"/hazards").expect(t, http.StatusOK, "FI — firearms", "SECRETIVE, Sam")

	// A restricted record's pages do not exist for an officer.
	for _, page := range []string{"chart", "timeline", "map", "activity", "hazards"} {
		pc.get("/records/"+ids["P6"]+"/"+page).expect(t, http.StatusNotFound, "Page not found")
	}
	pc.get("/records/"+ids["E2"]+"/timeline").expect(t, http.StatusNotFound)
	pc.postJSON("/api/v1/traverse", `{"start":"`+ids["P6"]+`","steps":[{}]}`).expect(t, http.StatusNotFound)
}

func TestAnalysisPagesErrors(t *testing.T) {
	e := newUIEnvAt(t, analysisNow)
	ids := e.load("t", analysisNDJSON)
	b := e.signedIn("admin")
	// The wrong kind of record for the page.
	b.get("/records/"+ids["P1"]+"/contacts").expect(t, http.StatusNotFound, "This page is about telephones, and this record is a person.")
	b.get("/records/"+ids["T1"]+"/activity").expect(t, http.StatusNotFound, "about persons")
	b.get("/records/"+ids["P1"]+"/intelligence").expect(t, http.StatusNotFound)
	b.get("/records/"+ids["P1"]+"/hazards").expect(t, http.StatusNotFound)
	for _, page := range []string{"chart", "timeline", "map", "contacts"} {
		b.get("/records/nosuchrecord/"+page).expect(t, http.StatusNotFound)
	}
	// Bad windows and types are shown beside their inputs.
	bad := b.get("/records/" + ids["T1"] + "/contacts?within=7+days&as_of=yesterday")
	bad.expect(t, http.StatusUnprocessableEntity, `id="f-within-error"`, `id="f-as_of-error"`, "Enter a date and time")
	bad.checkCSP(t)
	b.get("/records/"+ids["P1"]+"/activity?go=1").expect(t, http.StatusUnprocessableEntity, "Choose at least one type of event.")
	b.get("/records/"+ids["P1"]+"/activity?go=1&types=picnic").expect(t, http.StatusUnprocessableEntity, "picnic is not an event type.")
	// A past window.
	b.get("/records/"+ids["V1"]+"/intelligence?within=P12M&as_of=2023-06-01T00:00").expect(t, http.StatusOK, "Old vehicle sighting", "From 2022-06-01 00:00 to 2023-06-01 00:00 UTC")
	// Signed out, the pages send the browser to sign in.
	e.client().get("/records/"+ids["P1"]+"/timeline").redirectsTo(t, "/login?next=")
}

func TestRecordPageLinksToAnalysis(t *testing.T) {
	e := newUIEnvAt(t, analysisNow)
	ids := e.load("t", analysisNDJSON)
	b := e.signedIn("admin")
	loc := b.get("/records/" + ids["L1"])
	loc.expect(t, http.StatusOK, `href="/records/`+ids["L1"]+`/chart"`, `/timeline"`, `/map"`, `hx-get="/records/`+ids["L1"]+`/hazards"`, `hx-trigger="load"`)
	loc.checkCSP(t)
	b.get("/records/"+ids["T1"]).expect(t, http.StatusOK, `href="/records/`+ids["T1"]+`/contacts"`)
	b.get("/records/"+ids["P1"]).expect(t, http.StatusOK, `href="/records/`+ids["P1"]+`/activity"`)
	b.get("/records/"+ids["V1"]).expect(t, http.StatusOK, `href="/records/`+ids["V1"]+`/intelligence"`)
	if strings.Contains(b.get("/records/"+ids["P1"]).body, `hx-get="/records/`+ids["P1"]+`/hazards"`) {
		t.Error("a person's page loads a hazards panel")
	}
	// The panel htmx loads is a fragment, not a page.
	panel := b.get("/records/"+ids["L1"]+"/hazards", "HX-Request", "true")
	panel.expect(t, http.StatusOK, `<section class="panel hazards-panel" id="hazards"`, "Warning marker")
	if strings.Contains(panel.body, "<html") || strings.Contains(panel.body, "<h1") {
		t.Errorf("the hazards panel is a whole page:\n%s", panel.body)
	}
	// Navigation.
	e.addUser("pc2", []string{"officer"}, false)
	home := e.signedIn("pc2").get("/")
	home.expect(t, http.StatusOK, `href="/alerts"`, `href="/markers"`)
	if strings.Contains(home.body, `href="/dispatch"`) {
		t.Error("an officer is offered the dispatch board")
	}
	e.addUser("cc2", []string{"dispatcher"}, false)
	e.signedIn("cc2").get("/").expect(t, http.StatusOK, `href="/dispatch"`)
}

// raise posts the dispatch form.
func raise(b *uiClient, fields ...string) uiPage {
	f := url.Values{}
	for i := 0; i+1 < len(fields); i += 2 {
		f.Set(fields[i], fields[i+1])
	}
	return b.post("/dispatch/incidents", f)
}

func TestDispatchBoardAndIncidents(t *testing.T) {
	e := newUIEnvAt(t, analysisNow)
	ids := e.load("t", analysisNDJSON)
	e.addUser("pc1", []string{"officer"}, false)
	e.addUser("cc1", []string{"dispatcher"}, false)
	pc, cc := e.signedIn("pc1"), e.signedIn("cc1")

	// Only dispatchers see the board or raise incidents from it.
	pc.get("/dispatch").expect(t, http.StatusForbidden, "You do not have permission")
	pc.get("/dispatch/board", "HX-Request", "true").expect(t, http.StatusForbidden)
	raise(pc, "category", "assault", "location_id", ids["L1"]).expect(t, http.StatusForbidden)

	board := cc.get("/dispatch")
	board.expect(t, http.StatusOK, "Dispatch board", "No open incidents.", `hx-get="/dispatch/board"`, `/static/dispatch.js`, `<label for="f-category">Category <span class="req">(required)</span></label>`, `value="2026-11-27T12:00"`)
	board.checkCSP(t)

	// Errors are shown beside the inputs, with the values kept.
	bad := raise(cc, "summary", "a fight", "lat", "95", "lon", "-1.55")
	bad.expect(t, http.StatusUnprocessableEntity, `id="f-category-error"`, "Choose a category.", "Enter a latitude between -90 and 90", "a fight", `class="error-summary"`)
	bad.checkCSP(t)
	raise(cc, "category", "assault").expect(t, http.StatusUnprocessableEntity, "Give where it happened")
	raise(cc, "category", "assault", "location_id", "nowhere").expect(t, http.StatusUnprocessableEntity, `id="f-location_id-error"`, "No location")

	// A report at the address: a new incident with the address's hazards.
	first := raise(cc, "category", "assault", "occurred_at", "2026-11-27T11:50", "location_id", ids["L1"], "summary", "Fight in the street",
		"caller_family_name", "Caller", "caller_given_names", "Carol", "caller_phone", "07700 900555")
	first.redirectsTo(t, "/incidents/")
	if !strings.HasSuffix(first.location, "?done=incident-raised") {
		t.Fatalf("first report went to %s", first.location)
	}
	master := strings.TrimSuffix(strings.TrimPrefix(first.location, "/incidents/"), "?done=incident-raised")
	inc := cc.get(first.location)
	inc.expect(t, http.StatusOK, "Incident raised.", "Reported 1 time", "CALLER, Carol", "Fight in the street", "1 Gun Street", `class="hz hz-marker"`, "WE — weapons")
	inc.lacks(t, "Secretive")
	inc.checkCSP(t)

	// A second caller at nearly the same point: the same incident, reported twice.
	second := raise(cc, "category", "assault_with_injury", "occurred_at", "2026-11-27T11:53", "lat", "53.80001", "lon", "-1.55", "summary", "Man hurt",
		"caller_family_name", "Driver", "caller_given_names", "Dan")
	second.redirectsTo(t, "/incidents/"+master+"?done=incident-repeat")
	inc = cc.get("/incidents/" + master)
	inc.expect(t, http.StatusOK, "Reported 2 times", "CALLER, Carol", "DRIVER, Dan", "Man hurt", "Split out")
	var report string
	if m := regexp.MustCompile(`name="report" value="([^"]+)"`).FindStringSubmatch(inc.body); m != nil {
		report = m[1]
	} else {
		t.Fatalf("no report to split:\n%s", inc.body)
	}
	// A report's id shows its incident.
	cc.get("/incidents/"+report).redirectsTo(t, "/incidents/"+master)

	// The board: newest first, with the report count and hazard badges; the fragment alone for htmx.
	frag := cc.get("/dispatch/board", "HX-Request", "true")
	frag.expect(t, http.StatusOK, `id="inc-`+master+`"`, "reported 2 times", `class="hz hz-marker"`, "1 open incident")
	if strings.Contains(frag.body, "<html") {
		t.Error("the board fragment is a whole page")
	}
	// An officer may read the incident; a partner agency may not, nor change it.
	pc.get("/incidents/"+master).expect(t, http.StatusOK, "Reported 2 times")
	e.addUser("cps1", []string{"partner"}, false)
	partner := e.signedIn("cps1")
	partner.get("/incidents/"+master).expect(t, http.StatusForbidden)
	partner.post("/incidents/"+master+"/close", url.Values{"version": {"1"}}).expect(t, http.StatusForbidden)
	partner.post("/incidents/"+master+"/split", url.Values{"report": {report}}).expect(t, http.StatusForbidden)

	// Split the second report out, then join it back.
	cc.post("/incidents/"+master+"/split", url.Values{"report": {report}}).redirectsTo(t, "/incidents/"+master+"?done=incident-split")
	cc.get("/incidents/"+master).expect(t, http.StatusOK, "Reported 1 time")
	cc.get("/incidents/"+report).expect(t, http.StatusOK, "Reported 1 time", "Man hurt")
	cc.get("/dispatch/board", "HX-Request", "true").expect(t, http.StatusOK, "2 open incidents")
	j := cc.post("/incidents/"+master+"/join", url.Values{"incident": {"no-such-incident"}})
	j.expect(t, http.StatusUnprocessableEntity, `id="f-join-error"`, `value="no-such-incident"`)
	j.checkCSP(t)
	cc.post("/incidents/"+master+"/join", url.Values{"incident": {report}}).redirectsTo(t, "/incidents/"+master+"?done=incident-joined")
	cc.get("/incidents/"+master).expect(t, http.StatusOK, "Reported 2 times")

	// Close it: a stale version is refused; then it leaves the board.
	closed := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(cc.get("/incidents/" + master).body)
	if closed == nil {
		t.Fatal("no close form")
	}
	version, _ := strconv.Atoi(closed[1])
	cc.post("/incidents/"+master+"/close", url.Values{"version": {strconv.Itoa(version + 1)}}).expect(t, http.StatusPreconditionFailed, "Someone changed this incident")
	cc.post("/incidents/"+master+"/close", url.Values{"version": {closed[1]}}).redirectsTo(t, "/incidents/"+master+"?done=incident-closed")
	done := cc.get("/incidents/" + master + "?done=incident-closed")
	done.expect(t, http.StatusOK, "Incident closed.", `<span class="tag off">closed</span>`)
	if strings.Contains(done.body, "Split out") || strings.Contains(done.body, `id="close-incident"`) {
		t.Error("a closed incident offers changes")
	}
	cc.get("/dispatch/board", "HX-Request", "true").expect(t, http.StatusOK, "No open incidents.")
	cc.get("/incidents/nosuch").expect(t, http.StatusNotFound)
}

func TestIncidentRulesPage(t *testing.T) {
	e := newUIEnvAt(t, analysisNow)
	e.addUser("pc1", []string{"officer"}, false)
	pc, admin := e.signedIn("pc1"), e.signedIn("admin")
	page := pc.get("/incidents/rules")
	page.expect(t, http.StatusOK, "Incident matching rules", "road traffic collision", "250 m", "PT30M", "any other category")
	page.checkCSP(t)
	if strings.Contains(page.body, "<textarea") {
		t.Error("an officer may edit the rules")
	}
	pc.post("/incidents/rules", url.Values{"rules": {"{}"}}).expect(t, http.StatusForbidden)

	form := admin.get("/incidents/rules")
	form.expect(t, http.StatusOK, `<textarea id="f-rules" name="rules"`, "&#34;by_category&#34;")
	admin.post("/incidents/rules", url.Values{"rules": {`{"default":`}}).expect(t, http.StatusUnprocessableEntity, "The rules were not saved", "not valid JSON")
	admin.post("/incidents/rules", url.Values{"rules": {`{"defualt":{}}`}}).expect(t, http.StatusUnprocessableEntity, "not valid JSON", "defualt")

	// A rule with an impossible radius is refused, naming it; nothing is saved.
	rules, err := e.store.IncidentRules(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	rtc := rules.ByCategory["road_traffic_collision"]
	rtc.Radius = 0
	rules.ByCategory["road_traffic_collision"] = rtc
	js, _ := json.Marshal(rules)
	bad := admin.post("/incidents/rules", url.Values{"rules": {string(js)}})
	bad.expect(t, http.StatusUnprocessableEntity, `by_category[&#34;road_traffic_collision&#34;].radius_m`, `aria-invalid="true"`)
	bad.checkCSP(t)
	rtc.Radius = 400
	rules.ByCategory["road_traffic_collision"] = rtc
	js, _ = json.Marshal(rules)
	admin.post("/incidents/rules", url.Values{"rules": {string(js)}}).redirectsTo(t, "/incidents/rules?done=rules-saved")
	admin.get("/incidents/rules?done=rules-saved").expect(t, http.StatusOK, "Matching rules saved.", "400 m")
}

func TestAlertsPage(t *testing.T) {
	e := newUIEnvAt(t, analysisNow)
	e.addUser("pc1", []string{"officer"}, false)
	e.addUser("cc1", []string{"dispatcher"}, false)
	p := e.signedIn("pc1").get("/alerts?area=53.8,-1.55,500")
	p.expect(t, http.StatusOK, `aria-live="assertive"`, `id="scope-here"`, `value="53.8,-1.55,500"`, "/static/alerts.js", `<label for="f-area">Area</label>`)
	p.checkCSP(t)
	if strings.Contains(p.body, `id="scope-all"`) {
		t.Error("an officer is offered every alert")
	}
	// A malformed area is not put back into the page.
	if strings.Contains(e.signedIn("pc1").get("/alerts?area=nonsense").body, `value="nonsense"`) {
		t.Error("a bad area was kept")
	}
	e.signedIn("cc1").get("/alerts").expect(t, http.StatusOK, `id="scope-all"`)
}

func TestMarkersReview(t *testing.T) {
	e := newUIEnvAt(t, analysisNow)
	ids := e.load("t", analysisNDJSON)
	e.addUser("pc1", []string{"officer"}, false)
	e.addUser("dc1", []string{"investigator"}, false)
	pc := e.signedIn("pc1")
	list := pc.get("/markers")
	list.expect(t, http.StatusOK, "Warning markers due for review", "RESIDENT, Rita", "review by 2026-12-07", `<option value="30" selected>`)
	list.lacks(t, "Secretive", "LATER, Lou")
	list.checkCSP(t)
	e.signedIn("dc1").get("/markers").expect(t, http.StatusOK, "SECRETIVE, Sam", "RESIDENT, Rita")
	pc.get("/markers?days=365").expect(t, http.StatusOK, "LATER, Lou", "RESIDENT, Rita")
	pc.get("/markers?days=soon").expect(t, http.StatusUnprocessableEntity)

	p1, err := e.store.Get(context.Background(), auth.System("test"), ids["P1"], peel.GetOptions{NoAudit: true})
	if err != nil {
		t.Fatal(err)
	}
	form := func(action string, version int, extra ...string) url.Values {
		f := url.Values{"id": {ids["P1"]}, "version": {strconv.Itoa(version)}, "index": {"0"}, "code": {"VI"}, "valid_from": {"2025-01-01"}, "action": {action}, "days": {"30"}}
		for i := 0; i+1 < len(extra); i += 2 {
			f.Set(extra[i], extra[i+1])
		}
		return f
	}
	// A date in the past is refused.
	pc.post("/markers/review", form("extend", p1.Version, "review_date", "2026-01-01")).expect(t, http.StatusUnprocessableEntity, "a date after today")
	pc.post("/markers/review", form("extend", p1.Version, "review_date", "2027-06-01")).redirectsTo(t, "/markers?days=30&done=marker-extended")
	after := pc.get("/markers?done=marker-extended")
	after.expect(t, http.StatusOK, "Review date moved.")
	after.lacks(t, "RESIDENT, Rita")
	// The list the form came from is stale now.
	pc.post("/markers/review", form("expire", p1.Version)).redirectsTo(t, "/markers?days=30&done=marker-changed")
	pc.post("/markers/review", form("expire", p1.Version+1)).redirectsTo(t, "/markers?days=30&done=marker-expired")
	p1, _ = e.store.Get(context.Background(), auth.System("test"), ids["P1"], peel.GetOptions{NoAudit: true})
	ms := pole.MarkersOf(p1.Body)
	if len(ms) != 1 || ms[0].ValidTo == nil || ms[0].ReviewDate == nil || ms[0].ReviewDate.T.Format(time.DateOnly) != "2027-06-01" {
		t.Fatalf("markers after review: %+v", ms)
	}
	pc.get("/markers?days=365").lacks(t, "RESIDENT, Rita")
	// Reading the list is audited as a consultation of the records in it.
	entries, err := e.store.Audit(context.Background(), auth.System("test"), peel.AuditFilter{Record: ids["P7"]})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, en := range entries {
		found = found || en.User == "pc1"
	}
	if !found {
		t.Error("the review list was not audited")
	}
}

func TestMarkersDueSQLite(t *testing.T)   { testMarkersDue(t, webtest.Start(t, false)) }
func TestMarkersDuePostgres(t *testing.T) { testMarkersDue(t, webtest.Start(t, true)) }

// testMarkersDue checks the review queue's store query on each store: due markers of people and
// places, earliest first, never an ended marker or a record the caller may not see.
func testMarkersDue(t *testing.T, s *webtest.Server) {
	ctx := context.Background()
	now := s.Store.Now()
	day := func(d int) string { return now.AddDate(0, 0, d).Format(time.DateOnly) }
	nd := `{"kind":"person","ref":"A","family_name":"Soon","markers":[{"code":"VI","valid_from":"2025-01-01","valid_to":null,"review_date":"` + day(10) + `"},{"code":"DR","valid_from":"2025-01-01","valid_to":null,"review_date":"` + day(90) + `"}]}
{"kind":"person","ref":"B","family_name":"Hidden","access":{"roles":["investigator"]},"markers":[{"code":"FI","valid_from":"2025-01-01","valid_to":null,"review_date":"` + day(-3) + `"}]}
{"kind":"location","ref":"L","lines":["2 Ended Road"],"postcode":"LS1 1AA","markers":[{"code":"WE","valid_from":"2025-01-01","valid_to":"` + day(-1) + `","review_date":"` + day(-2) + `"},{"code":"CO","valid_from":"2025-01-01","valid_to":null,"review_date":"` + day(5) + `"}]}
{"kind":"vehicle","ref":"V","vrm":"AB12 CDE"}
`
	if _, err := s.Store.Import(ctx, auth.System("test"), "m", strings.NewReader(nd), peel.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	roles := auth.DefaultRoles()
	officer := auth.NewPrincipal(&auth.User{ID: "u1", Username: "pc.due", Roles: []string{"officer"}}, roles, "test")
	inv := auth.NewPrincipal(&auth.User{ID: "u2", Username: "dc.due", Roles: []string{"investigator"}}, roles, "test")
	got := func(p *auth.Principal, limit int) string {
		t.Helper()
		due, err := s.Store.MarkersDue(ctx, p, now.AddDate(0, 0, 30), limit)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, d := range due {
			out = append(out, d.Record.Refs[0].Ref+":"+d.Marker.Code+":"+strconv.Itoa(d.Index))
		}
		return strings.Join(out, " ")
	}
	if g := got(officer, 0); g != "L:CO:1 A:VI:0" {
		t.Errorf("officer: %q", g)
	}
	if g := got(inv, 0); g != "B:FI:0 L:CO:1 A:VI:0" {
		t.Errorf("investigator: %q", g)
	}
	if g := got(inv, 1); g != "B:FI:0" {
		t.Errorf("limit 1: %q", g)
	}
	if _, err := s.Store.MarkersDue(ctx, auth.NewPrincipal(&auth.User{Username: "cps"}, roles, "test"), now, 10); pole.ErrorCode(err) != pole.EForbidden {
		t.Errorf("a user without roles: %v", err)
	}
}
