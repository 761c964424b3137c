package web_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/peel-rms/peel/pole"
)

// chromiumPath finds the browser for the browser tests: PEEL_CHROMIUM, else Debian's chromium.
// A missing browser fails the test (CI installs it) unless PEEL_SKIP_BROWSER=1 says to skip.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if os.Getenv("PEEL_SKIP_BROWSER") == "1" {
		t.Skip("PEEL_SKIP_BROWSER=1: browser tests skipped")
	}
	candidates := []string{os.Getenv("PEEL_CHROMIUM"), "/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"}
	for _, c := range candidates {
		if c == "" {
			continue
		}
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	t.Fatal("browser tests need Chromium: install it (apt-get install chromium), point PEEL_CHROMIUM at it, or set PEEL_SKIP_BROWSER=1 to skip them explicitly")
	return ""
}

// newBrowser starts a fresh headless Chromium for the test and returns its context, with a log
// of what its pages report.
func newBrowser(t *testing.T) (context.Context, *consoleLog) {
	t.Helper()
	path := chromiumPath(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1200, 900),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelC(); cancelA() })
	// Start the browser with no deadline: its life is bound to the first call's context.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium (%s): %v", path, err)
	}
	cl := &consoleLog{}
	entries := chromedp.Events(ctx, log.EntryAdded)
	exceptions := chromedp.Events(ctx, runtime.ExceptionThrown)
	go func() {
		for ev, err := range entries {
			if err != nil {
				return
			}
			cl.add(string(ev.Entry.Level) + ": " + ev.Entry.Text)
		}
	}()
	go func() {
		for ev, err := range exceptions {
			if err != nil {
				return
			}
			cl.add("exception: " + ev.ExceptionDetails.Text)
		}
	}()
	if _, err := chromedp.Call(ctx, log.Enable, cdp.Empty{}); err != nil {
		t.Fatalf("enable the browser log: %v", err)
	}
	tctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancelT)
	return tctx, cl
}

// consoleLog collects what the page logs, so the test can fail on CSP violations and errors.
type consoleLog struct {
	mu      sync.Mutex
	entries []string
}

func (c *consoleLog) add(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries = append(c.entries, s)
}

// problems are entries about blocked content or script errors.
func (c *consoleLog) problems() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, e := range c.entries {
		if strings.Contains(e, "Content Security Policy") || strings.HasPrefix(e, "exception") || strings.Contains(e, "htmx") || strings.Contains(e, "status of 404") {
			out = append(out, e)
		}
	}
	return out
}

// TestBrowserOfficerJourney drives the UI in real Chromium: the first sign-in with its forced
// password change, live search, a person form refused for a bad postcode and then fixed, a link
// to an address, the history, and the audit entries of the record.
func TestBrowserOfficerJourney(t *testing.T) {
	e := newUIEnv(t)
	e.addUser("sgt1", []string{"supervisor"}, true)
	canal := e.mustCreate(pole.KindLocation, `{"lines":["5 Canal Wharf"],"town":"Leeds","postcode":"LS11 5PS"}`)
	b := newBrowserPage(t, e)
	ctx, console, base := b.ctx, b.console, b.base
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	do, text, check := b.do, b.text, b.check

	do("sign in",
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(css("#username")),
		chromedp.SendKeys(css("#username"), "sgt1"),
		chromedp.SendKeys(css("#password"), testPassword),
		chromedp.Click(css("#sign-in")),
		chromedp.WaitVisible(css("#f-current")),
	)
	do("refuse a short new password",
		chromedp.SendKeys(css("#f-current"), testPassword),
		chromedp.SendKeys(css("#f-new"), "short"),
		chromedp.SendKeys(css("#f-again"), "short"),
		chromedp.Click(css("#change-password")),
		chromedp.WaitVisible(css("#f-new-error")),
	)
	// The error summary takes the focus, so it is read out first.
	check("focus on the error summary", `document.activeElement.classList.contains("error-summary")`)
	do("choose a new password",
		chromedp.SendKeys(css("#f-current"), testPassword),
		chromedp.SendKeys(css("#f-new"), "a long new password"),
		chromedp.SendKeys(css("#f-again"), "a long new password"),
		chromedp.Click(css("#change-password")),
		chromedp.WaitVisible(css("#q")),
	)
	if f := text(".flash"); !strings.Contains(f, "password has been changed") {
		t.Errorf("flash %q", f)
	}

	do("tab once", chromedp.KeyEvent(kb.Tab))
	check("the skip link is the first tab stop", `document.activeElement.className === "skip"`)

	do("live search",
		chromedp.SendKeys(css("#q"), "canal wharf"),
		chromedp.WaitVisible(css(`#results ol.results a[href="/records/`+canal.ID+`"]`)),
	)
	if c := text("#result-count"); !strings.Contains(c, "canal wharf") {
		t.Errorf("result count %q", c)
	}
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); !strings.Contains(loc, "/search?q=canal") {
		t.Errorf("the address bar shows %q, not the search", loc)
	}

	do("person with a bad postcode",
		chromedp.Navigate(base+"/new/person"),
		chromedp.WaitVisible(css("#f-family_name")),
		chromedp.SendKeys(css("#f-family_name"), "Okafor"),
		chromedp.SendKeys(css("#f-given_names"), "Grace"),
		chromedp.SendKeys(css("#f-dob"), "1990-04-12"),
		chromedp.SendKeys(css("#f-addresses-0-lines"), "7 Quarry Hill"),
		chromedp.SendKeys(css("#f-addresses-0-town"), "Leeds"),
		chromedp.SendKeys(css("#f-addresses-0-postcode"), "ZZ99"),
		chromedp.SendKeys(css("#f-addresses-0-country"), "GB"),
		chromedp.Click(css("#save")),
		chromedp.WaitVisible(css("#f-addresses-0-postcode-error")),
	)
	if m := text("#f-addresses-0-postcode-error"); !strings.Contains(m, "is not a UK postcode") {
		t.Fatalf("postcode error %q", m)
	}
	check("the error is beside the postcode input, described by it, with the values kept", `(function () {
		var input = document.getElementById("f-addresses-0-postcode");
		var err = document.getElementById("f-addresses-0-postcode-error");
		return input.closest(".field").contains(err)
			&& input.getAttribute("aria-invalid") === "true"
			&& input.getAttribute("aria-describedby").split(" ").indexOf(err.id) >= 0
			&& input.value === "ZZ99"
			&& document.getElementById("f-family_name").value === "Okafor"
			&& document.querySelector('.error-summary a[href="#f-addresses-0-postcode"]') !== null;
	})()`)

	do("fix the postcode",
		chromedp.SetValue(css("#f-addresses-0-postcode"), "LS2 7UE"),
		chromedp.Click(css("#save")),
		chromedp.WaitVisible(css("#record-id")),
	)
	if h := text("h1"); !strings.Contains(h, "OKAFOR, Grace") {
		t.Fatalf("record heading %q", h)
	}
	personURL, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	personURL = strings.SplitN(personURL, "?", 2)[0]

	do("link to an address",
		chromedp.Click(css("#add-link")),
		chromedp.WaitVisible(css("#f-role")),
		chromedp.SetValue(css("#f-role"), "frequents"),
		chromedp.SendKeys(css("#link-q"), "canal"),
		chromedp.WaitVisible(css(`#suggestions input[value="`+canal.ID+`"]`)),
		chromedp.Click(css(`#suggestions input[value="`+canal.ID+`"]`)),
		chromedp.Click(css("#save-link")),
		chromedp.WaitVisible(css(".flash")),
	)
	if l := text("#links"); !strings.Contains(l, "This person frequents") || !strings.Contains(l, "5 Canal Wharf") || !strings.Contains(l, "This person resides at") {
		t.Fatalf("links section:\n%s", l)
	}

	do("a phone-sized screen",
		chromedp.EmulateViewport(360, 740),
		chromedp.Reload(),
		chromedp.WaitVisible(css("#record-id")),
	)
	check("no horizontal scroll at 360 px", `document.documentElement.scrollWidth <= window.innerWidth`)
	do("a desktop screen", chromedp.EmulateViewport(1200, 900))

	do("history",
		chromedp.Navigate(personURL),
		chromedp.Click(css("#history-link")),
		chromedp.WaitVisible(css("#v1")),
	)
	if h := text("#v1"); !strings.Contains(h, "by sgt1") || !strings.Contains(h, "family_name") || !strings.Contains(h, "Okafor") {
		t.Errorf("history:\n%s", h)
	}

	do("audit",
		chromedp.Navigate(personURL),
		chromedp.Click(css("#audit-link")),
		chromedp.WaitVisible(css("table.audit")),
	)
	a := text("table.audit")
	for _, want := range []string{"sgt1", "create", "link", "view"} {
		if !strings.Contains(a, want) {
			t.Errorf("audit lacks %q:\n%s", want, a)
		}
	}

	do("sign out",
		chromedp.Click(css("details.menu.right summary")),
		chromedp.Click(css(`form[action="/logout"] button`)),
		chromedp.WaitVisible(css("#username")),
	)
	if p := console.problems(); len(p) > 0 {
		t.Errorf("the browser reported problems:\n%s", strings.Join(p, "\n"))
	}
}
