package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserDuplicateReview drives the review of duplicates in real Chromium: a supervisor runs
// duplicate detection from the queue, opens a group, reads why it was proposed, merges it with
// a reason and sees the banner on the merged record; then the person form's check for existing
// records answers in place through htmx.
func TestBrowserDuplicateReview(t *testing.T) {
	e := newUIEnv(t)
	e.addUser("ps1", []string{"supervisor"}, false)
	id := e.importDuplicates()
	a1, a2 := id("A1"), id("A2")
	b := newBrowserPage(t, e)
	ctx, console, base := b.ctx, b.console, b.base
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	do, text, check := b.do, b.text, b.check

	do("sign in as a supervisor",
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(css("#username")),
		chromedp.SendKeys(css("#username"), "ps1"),
		chromedp.SendKeys(css("#password"), testPassword),
		chromedp.Click(css("#sign-in")),
		chromedp.WaitVisible(css("#header-q")),
	)
	do("open the queue and run duplicate detection",
		chromedp.Click(css(`nav a[href="/duplicates"]`)),
		chromedp.WaitVisible(css("#run-dedupe")),
		chromedp.Click(css("#run-dedupe")),
		chromedp.WaitVisible(css("#dedupe-summary")),
	)
	if s := text("#dedupe-summary"); !strings.Contains(s, "6 people compared") {
		t.Errorf("summary %q", s)
	}
	g := e.groupOf(a1)
	if g == "" {
		t.Fatal("no group for A1")
	}
	do("open the group",
		chromedp.Click(css(`#queue a[href="/duplicates/`+g+`"]`)),
		chromedp.WaitVisible(css("#compare")),
	)
	if c := text("#compare"); !strings.Contains(c, "OYELARAN, Babatunde") || !strings.Contains(c, "OYELARAN, Tunde") || !strings.Contains(c, "14 Cardigan Road") {
		t.Errorf("comparison table:\n%s", c)
	}
	// Evidence for and against is told apart by words, and by colour as well.
	check("weights in words and colours", `(function () {
		var f = document.querySelector("table.reasons tr.for"), a = document.querySelector("table.reasons tr.against");
		return f && a && f.querySelector(".effect").textContent === "for" && a.querySelector(".effect").textContent === "against"
			&& getComputedStyle(f.querySelector(".weight")).color !== getComputedStyle(a.querySelector(".weight")).color;
	})()`)
	do("merge without a reason",
		chromedp.Click(css(`input[name="survivor"][value="`+a1+`"]`)),
		chromedp.Click(css("#merge")),
		chromedp.WaitVisible(css("#f-reason-error")),
	)
	check("focus on the error summary", `document.activeElement.classList.contains("error-summary")`)
	check("the survivor choice is kept", `document.querySelector('input[name="survivor"][value="`+a1+`"]').checked`)
	do("merge with a reason",
		chromedp.SendKeys(css("#f-reason"), "same date of birth and address; Tunde is short for Babatunde"),
		chromedp.Click(css("#merge")),
		chromedp.WaitVisible(css("#merges")),
	)
	if f := text(".flash"); !strings.Contains(f, "Records merged") {
		t.Errorf("flash %q", f)
	}
	if m := text("#merges"); !strings.Contains(m, "OYELARAN, Tunde") || !strings.Contains(m, "Tunde is short for Babatunde") || !strings.Contains(m, "ps1") {
		t.Errorf("merged records:\n%s", m)
	}
	do("open the merged record",
		chromedp.Click(css(`#merges a[href="/records/`+a2+`"]`)),
		chromedp.WaitVisible(css("#merged-banner")),
	)
	if b := text("#merged-banner"); !strings.Contains(b, "Merged into OYELARAN, Babatunde") {
		t.Errorf("banner %q", b)
	}
	do("follow the banner to the survivor",
		chromedp.Click(css("#survivor-link")),
		chromedp.WaitVisible(css("#merges")),
	)

	do("check for existing records before creating a person",
		chromedp.Navigate(base+"/new/person"),
		chromedp.WaitVisible(css("#f-family_name")),
		chromedp.SendKeys(css("#f-family_name"), "Oyelaran"),
		chromedp.SendKeys(css("#f-given_names"), "Babatunde"),
		chromedp.SendKeys(css("#f-dob"), "1979-03-14"),
		chromedp.Click(css("#check-existing")),
		chromedp.WaitVisible(css(`#match-results a[href="/records/`+a1+`"]`)),
	)
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); !strings.HasSuffix(loc, "/new/person") {
		t.Errorf("the check navigated to %s instead of answering in place", loc)
	}
	check("what was typed is kept", `document.getElementById("f-given_names").value === "Babatunde"`)
	if p := console.problems(); len(p) > 0 {
		t.Errorf("the browser reported problems:\n%s", strings.Join(p, "\n"))
	}
}
