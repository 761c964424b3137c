package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/peel-rms/peel/auth"
)

// browserPage drives one signed-in page in the test's Chromium, failing the test with the page's
// main content when a step fails.
type browserPage struct {
	t       *testing.T
	ctx     context.Context
	console *consoleLog
	base    string
}

// newBrowserPage starts Chromium for the test's server, checking the vendored libraries are there.
func newBrowserPage(t *testing.T, e *uiEnv) *browserPage {
	t.Helper()
	ctx, console := newBrowser(t)
	for _, lib := range []string{"htmx.org/htmx.min.js", "cytoscape/cytoscape.min.js"} {
		if res, err := http.Get(e.srv.URL + "/static/vendor/" + lib); err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("%s is not in web/static/vendor: run `npm ci && sh web/vendor.sh` before the browser tests", lib)
		}
	}
	return &browserPage{t: t, ctx: ctx, console: console, base: e.srv.URL}
}

func openBrowser(t *testing.T, e *uiEnv, user string) *browserPage {
	t.Helper()
	b := newBrowserPage(t, e)
	b.do("sign in as "+user,
		chromedp.Navigate(b.base+"/login"),
		chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), user),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
		chromedp.Click(chromedp.CSS("#sign-in")),
		chromedp.WaitVisible(chromedp.CSS("#header-q")),
	)
	return b
}

func (b *browserPage) fail(what string, err error) {
	b.t.Helper()
	html, _ := chromedp.Run(b.ctx, chromedp.OuterHTML(chromedp.CSS("main")))
	loc, _ := chromedp.Run(b.ctx, chromedp.Location())
	b.t.Fatalf("%s: %v\nat %s, console: %q\nmain:\n%s", what, err, loc, b.console.problems(), html)
}

func (b *browserPage) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.fail(what, err)
	}
}

// text reads the text of the element sel.
func (b *browserPage) text(sel string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.fail("read "+sel, err)
	}
	return v
}

// check reports a JavaScript condition that does not hold, without stopping the test.
func (b *browserPage) check(what, js string) {
	b.t.Helper()
	ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](js))
	if err != nil {
		b.fail(what, err)
	}
	if !ok {
		b.t.Errorf("%s: %s is false", what, js)
	}
}

// waitFor polls a JavaScript condition until it holds.
func (b *browserPage) waitFor(what, js string, within time.Duration) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(within), chromedp.WithPollingInterval(100*time.Millisecond))); err != nil {
		b.fail(what+" ("+js+")", err)
	}
}

// eval runs JavaScript (awaiting a promise it returns) and returns its value.
func eval[T any](b *browserPage, what, js string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.fail(what, err)
	}
	return v
}

func (b *browserPage) noProblems() {
	b.t.Helper()
	if p := b.console.problems(); len(p) > 0 {
		b.t.Errorf("the browser reported problems:\n%s", strings.Join(p, "\n"))
	}
}

// TestBrowserLinkChart opens a person's link chart in Chromium, expands a neighbour from the
// table and another from the keyboard, filters by kind and exports the links file.
func TestBrowserLinkChart(t *testing.T) {
	e := newUIEnvAt(t, analysisNow)
	ids := e.load("t", analysisNDJSON)
	e.addUser("pc1", []string{"officer"}, false)
	b := openBrowser(t, e, "pc1")
	row := func(ref string) string {
		return fmt.Sprintf(`document.querySelector('#chart-nodes tr[data-id="%s"]')`, ids[ref])
	}

	b.do("open the chart", chromedp.Navigate(b.base+"/records/"+ids["P1"]+"/chart"), chromedp.WaitVisible(chromedp.CSS("#chart canvas")))
	b.waitFor("the first expansion", `document.getElementById("chart").dataset.ready === "1"`, 20*time.Second)
	for _, ref := range []string{"L1", "L2", "T1", "V1"} {
		b.waitFor("the person's neighbour "+ref, row(ref)+` !== null`, 5*time.Second)
	}
	if eval[bool](b, "E1 before expanding", row("E1")+` !== null`) {
		t.Fatal("the event at the address is on the chart before the address is expanded")
	}

	b.do("expand the address from the table",
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`#chart-nodes button[data-act="expand"][data-id="%s"]`, ids["L1"]))))
	b.waitFor("the event at the address", row("E1")+` !== null`, 15*time.Second)
	// The officer never sees the restricted resident or the restricted intelligence.
	for _, ref := range []string{"P6", "E2"} {
		if eval[bool](b, "restricted "+ref, row(ref)+` !== null || document.body.textContent.indexOf("Secretive") >= 0`) {
			t.Errorf("the restricted record %s is on the chart", ref)
		}
	}
	if n := eval[int](b, "node count", `Number(document.getElementById("chart").dataset.nodes)`); n != 6 {
		t.Errorf("%d records on the chart, want 6 (person, 2 addresses, telephone, vehicle, event)", n)
	}

	// From the keyboard: move to the vehicle and press Enter to show its intelligence.
	idx := eval[int](b, "vehicle row", fmt.Sprintf(`Array.prototype.indexOf.call(document.querySelectorAll("#chart-nodes tbody tr"), %s)`, row("V1")))
	b.do("focus the chart", chromedp.Focus(chromedp.CSS("#chart")))
	for range idx + 1 {
		b.do("arrow down", chromedp.KeyEvent(kb.ArrowDown))
	}
	if s := eval[string](b, "status", `document.getElementById("chart-status").textContent`); !strings.Contains(s, "AB12CDE") {
		t.Errorf("the vehicle is not selected: %q", s)
	}
	b.do("press Enter", chromedp.KeyEvent(kb.Enter))
	b.waitFor("the vehicle's intelligence", row("E3")+` !== null && `+row("E4")+` !== null`, 15*time.Second)

	// The time window: ending it before 2024 hides the vehicle's 2025 sighting.
	b.do("narrow the window", chromedp.Evaluate[chromedp.Void](`(function () {
		var to = document.getElementById("chart-to"), min = Date.parse(document.getElementById("chart-window").dataset.min);
		to.value = String(Math.floor((Date.UTC(2024, 0, 1) - min) / 86400000));
		to.dispatchEvent(new Event("input", {bubbles: true}));
	})()`))
	if w := eval[string](b, "window text", `document.getElementById("chart-window").textContent`); w != "From the start to 2024-01-01" {
		t.Errorf("window %q", w)
	}
	b.waitFor("the 2025 sighting hidden", row("E3")+` === null && `+row("E4")+` !== null`, 5*time.Second)
	b.do("widen the window", chromedp.Evaluate[chromedp.Void](`(function () {
		var to = document.getElementById("chart-to");
		to.value = to.max;
		to.dispatchEvent(new Event("input", {bubbles: true}));
	})()`))
	b.waitFor("the 2025 sighting back", row("E3")+` !== null`, 5*time.Second)

	// Filters: without events, the events leave the chart and the tables.
	b.do("hide events", chromedp.Click(chromedp.CSS("#kind-event")))
	b.waitFor("events hidden", row("E1")+` === null && `+row("E3")+` === null && `+row("L1")+` !== null`, 5*time.Second)
	b.do("show events", chromedp.Click(chromedp.CSS("#kind-event")))
	b.waitFor("events shown", row("E1")+` !== null`, 5*time.Second)

	// The links file for Analyst's Notebook, caught before it is saved.
	csv := eval[string](b, "export links", `new Promise(function (resolve) {
		var made = URL.createObjectURL;
		URL.createObjectURL = function (blob) { URL.createObjectURL = made; blob.text().then(resolve); return made(blob); };
		HTMLAnchorElement.prototype.click = function () {};
		document.getElementById("chart-links").click();
	})`)
	lines := strings.Split(strings.TrimSpace(csv), "\r\n")
	if lines[0] != "from_id,to_id,role,valid_from,valid_to" || !strings.Contains(csv, ids["P1"]+","+ids["L1"]+",resides_at,2020-01-01,") {
		t.Errorf("links file:\n%s", csv)
	}
	ents := eval[string](b, "export entities", `new Promise(function (resolve) {
		var made = URL.createObjectURL;
		URL.createObjectURL = function (blob) { URL.createObjectURL = made; blob.text().then(resolve); return made(blob); };
		document.getElementById("chart-entities").click();
	})`)
	if !strings.HasPrefix(ents, "id,kind,label,refs\r\n") || !strings.Contains(ents, ids["P1"]+",person,\"RESIDENT, Rita\",t:P1") {
		t.Errorf("entities file:\n%s", ents)
	}
	png := eval[string](b, "export PNG", `new Promise(function (resolve) {
		var made = URL.createObjectURL;
		URL.createObjectURL = function (blob) { URL.createObjectURL = made; resolve(blob.type + " " + (blob.size > 1000)); return made(blob); };
		document.getElementById("chart-png").click();
	})`)
	if png != "image/png true" {
		t.Errorf("PNG export: %q", png)
	}
	b.noProblems()
}

// TestBrowserDispatchBoardLive opens the dispatch board, raises an incident at an address with
// hazards through the API, and sees it arrive on the board without a reload.
func TestBrowserDispatchBoardLive(t *testing.T) {
	e := newUIEnvAt(t, analysisNow)
	ids := e.load("t", analysisNDJSON)
	e.addUser("cc1", []string{"dispatcher"}, false)
	token, err := e.store.CreateToken(context.Background(), auth.System("test"), "cc1", "browser test")
	if err != nil {
		t.Fatal(err)
	}
	b := openBrowser(t, e, "cc1")
	b.do("open the board", chromedp.Navigate(b.base+"/dispatch"), chromedp.WaitVisible(chromedp.CSS("#board")))
	b.waitFor("the alert stream", `document.getElementById("board-live").textContent.indexOf("Live:") === 0`, 15*time.Second)
	b.do("mark the page", chromedp.Evaluate[chromedp.Void](`window.peelNotReloaded = true`))

	body := fmt.Sprintf(`{"category":"assault","occurred_at":"2026-11-27T11:55:00Z","location":{"id":%q},"summary":"Fight outside"}`, ids["L1"])
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/incidents", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("intake: %d", res.StatusCode)
	}
	id := strings.TrimPrefix(res.Header.Get("Location"), "/api/v1/incidents/")

	// Well within the board's 30-second poll: the stream brought it.
	b.waitFor("the new incident on the board", fmt.Sprintf(`document.getElementById("inc-%s") !== null`, id), 10*time.Second)
	if !eval[bool](b, "no reload", `window.peelNotReloaded === true`) {
		t.Error("the page was reloaded")
	}
	card := eval[string](b, "the incident", fmt.Sprintf(`document.getElementById("inc-%s").textContent`, id))
	for _, want := range []string{"assault", "1 Gun Street", "reported 1 time", "Warning marker", "WE"} {
		if !strings.Contains(card, want) {
			t.Errorf("the board's incident lacks %q:\n%s", want, card)
		}
	}
	if !eval[bool](b, "highlighted", fmt.Sprintf(`document.getElementById("inc-%s").classList.contains("fresh")`, id)) {
		t.Error("the new incident is not highlighted")
	}
	if s := eval[string](b, "status", `document.getElementById("board-live").textContent`); !strings.Contains(s, "Hazard alert: assault") {
		t.Errorf("live status %q", s)
	}
	b.noProblems()
}

// TestBrowserMapHazardsAndAlerts checks the pages that use Leaflet, htmx and the alert stream run
// under the strict CSP: the map, the hazards panel of an address, and the officer alert view.
func TestBrowserMapHazardsAndAlerts(t *testing.T) {
	e := newUIEnvAt(t, analysisNow)
	ids := e.load("t", analysisNDJSON)
	e.addUser("pc1", []string{"officer"}, false)
	b := openBrowser(t, e, "pc1")

	b.do("open the map", chromedp.Navigate(b.base+"/records/"+ids["P1"]+"/map"), chromedp.WaitVisible(chromedp.CSS("#map.leaflet-container")))
	b.waitFor("the points", `document.getElementById("map").dataset.ready === "1" && document.querySelectorAll("#map path.leaflet-interactive").length === 1`, 10*time.Second)
	b.waitFor("the scale", `document.querySelector("#map .leaflet-control-scale") !== null && document.getElementById("map").classList.contains("no-tiles")`, 5*time.Second)

	b.do("open the address", chromedp.Navigate(b.base+"/records/"+ids["L1"]), chromedp.WaitVisible(chromedp.CSS("#record-id")))
	b.waitFor("the hazards panel", `document.querySelector("#hazards .hz-marker") !== null`, 10*time.Second)
	if p := eval[string](b, "panel", `document.getElementById("hazards").textContent`); !strings.Contains(p, "RESIDENT, Rita") || strings.Contains(p, "Secretive") {
		t.Errorf("hazards panel:\n%s", p)
	}

	b.do("officer alerts", chromedp.Navigate(b.base+"/alerts"), chromedp.WaitVisible(chromedp.CSS("#alert-area")),
		chromedp.Click(chromedp.CSS("#scope-area")),
		chromedp.SendKeys(chromedp.CSS("#f-area"), "53.8,-1.55,1000"),
		chromedp.Click(chromedp.CSS("#alerts-start")))
	b.waitFor("receiving", `document.getElementById("alerts-state").textContent.indexOf("Receiving alerts within 1000 m") === 0`, 10*time.Second)
	e.addUser("cc1", []string{"dispatcher"}, false)
	token, err := e.store.CreateToken(context.Background(), auth.System("test"), "cc1", "browser test")
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/incidents", strings.NewReader(fmt.Sprintf(`{"category":"robbery","occurred_at":"2026-11-27T11:58:00Z","location":{"id":%q}}`, ids["L1"])))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != http.StatusCreated {
		t.Fatalf("intake: %v %v", err, res)
	}
	res.Body.Close()
	b.waitFor("the alert", `document.querySelector("#alert-list .alert-card .hz-marker") !== null`, 10*time.Second)
	b.waitFor("the address of the alert", `document.querySelector("#alert-list .alert-where strong").textContent.indexOf("1 Gun Street") === 0`, 10*time.Second)
	if a := eval[string](b, "alert", `document.getElementById("alert-list").textContent`); !strings.Contains(a, "robbery") || strings.Contains(a, "FI") {
		t.Errorf("alert:\n%s", a)
	}
	b.noProblems()
}
