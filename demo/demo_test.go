package demo_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/demo"
	"github.com/peel-rms/peel/pole"
	"github.com/peel-rms/peel/sqlite"
	"github.com/peel-rms/peel/sqlstore"
	"github.com/peel-rms/peel/ukref"
)

var anchor = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

func generate(t *testing.T, cfg demo.Config) ([]byte, demo.Stats) {
	t.Helper()
	var buf bytes.Buffer
	st, err := demo.Generate(&buf, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), st
}

// lines decodes every line into a generic map, for checks on the output as a reader sees it.
func lines(t *testing.T, data []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %d: %v", len(out)+1, err)
		}
		out = append(out, m)
	}
	return out
}

func TestDeterministic(t *testing.T) {
	cfg := demo.Config{People: 700, Seed: 42, Now: anchor}
	a, sa := generate(t, cfg)
	b, sb := generate(t, cfg)
	if !bytes.Equal(a, b) {
		t.Fatal("two runs with the same config differ")
	}
	if sa.Lines != sb.Lines || sa.Lines != bytes.Count(a, []byte("\n")) {
		t.Fatalf("stats: %d and %d lines, output has %d", sa.Lines, sb.Lines, bytes.Count(a, []byte("\n")))
	}
	cfg.Seed = 43
	c, _ := generate(t, cfg)
	if bytes.Equal(a, c) {
		t.Fatal("another seed gives the same force")
	}
	ta, err := demo.Truth(demo.Config{People: 700, Seed: 42, Now: anchor})
	if err != nil {
		t.Fatal(err)
	}
	tb, _ := demo.Truth(demo.Config{People: 700, Seed: 42, Now: anchor})
	ja, _ := json.Marshal(ta)
	jb, _ := json.Marshal(tb)
	if !bytes.Equal(ja, jb) {
		t.Fatal("ground truth differs between runs")
	}
}

func TestServeConfig(t *testing.T) {
	a := demo.ServeConfig(time.Date(2026, 5, 1, 0, 0, 1, 0, time.UTC))
	b := demo.ServeConfig(time.Date(2026, 5, 1, 23, 59, 59, 0, time.FixedZone("BST", 3600)))
	if a != b || a.People != 3000 || !a.Now.Equal(time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("%+v %+v", a, b)
	}
}

func TestConfigErrors(t *testing.T) {
	for _, cfg := range []demo.Config{{People: 0, Now: anchor}, {People: 10}, {People: 10, Now: anchor, Calls: -1}} {
		if _, err := demo.Generate(&bytes.Buffer{}, cfg); err == nil {
			t.Errorf("%+v: no error", cfg)
		}
	}
}

// Tiny forces still come out whole: every size from one person up works.
func TestTinyForces(t *testing.T) {
	vocab := ukref.DefaultVocabulary()
	for people := 1; people <= 40; people++ {
		data, st := generate(t, demo.Config{People: people, Seed: uint64(people), Now: anchor, Calls: 5})
		if st.Kinds["person"] != people {
			t.Errorf("%d people: wrote %d", people, st.Kinds["person"])
		}
		for i, raw := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
			line, perr := pole.DecodeLine(raw)
			if perr == nil && line.Record != nil {
				_, err := pole.Validate(line.Record.Body, vocab, anchor)
				if err != nil {
					perr = &pole.Error{Message: err.Error()}
				}
			}
			if perr != nil {
				t.Fatalf("%d people, line %d: %v\n%s", people, i+1, perr, raw)
			}
		}
	}
}

// Every line is one Peel accepts: it decodes strictly and validates against the default vocabulary.
func TestLinesValidate(t *testing.T) {
	data, _ := generate(t, demo.Config{People: 2000, Seed: 7, Now: anchor})
	vocab := ukref.DefaultVocabulary()
	for i, raw := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
		line, perr := pole.DecodeLine(raw)
		if perr != nil {
			t.Fatalf("line %d: %v %+v\n%s", i+1, perr, perr.Fields, raw)
		}
		if line.Record != nil {
			if _, err := pole.Validate(line.Record.Body, vocab, anchor); err != nil {
				t.Fatalf("line %d: %+v\n%s", i+1, err, raw)
			}
		}
	}
}

func TestImportsIntoEmbeddedStore(t *testing.T) {
	people := 1500
	if testing.Short() {
		people = 400
	}
	data, st := generate(t, demo.Config{People: people, Seed: 1, Now: anchor})
	ctx := context.Background()
	s, err := sqlite.Open(ctx, t.TempDir(), sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sum, err := s.Import(ctx, auth.System("test"), "demo", bytes.NewReader(data), peel.ImportOptions{TempDir: t.TempDir()})
	if err != nil {
		var pe *pole.Error
		if errorsAs(err, &pe) && len(pe.Fields) > 0 {
			t.Fatalf("%v; first errors: %+v", err, pe.Fields[:min(5, len(pe.Fields))])
		}
		t.Fatal(err)
	}
	// Every record line creates one record (no two share an exact key); implied numbers add
	// telephones; shorthand adds links.
	for _, k := range pole.Kinds {
		want := st.Kinds[string(k)]
		if k == pole.KindTelephone {
			want += st.ImpliedTelephones
		}
		if got := sum.Created[string(k)]; got != want {
			t.Errorf("created %d %s records, want %d", got, k, want)
		}
	}
	if len(sum.Updated) != 0 || sum.Unchanged != 0 {
		t.Errorf("a fresh import updated %v and left %d unchanged", sum.Updated, sum.Unchanged)
	}
	if want := st.Kinds["link"] + st.ShorthandLinks; sum.Links != want {
		t.Errorf("created %d links, want %d", sum.Links, want)
	}
	if sum.Calls != st.Kinds["call"] {
		t.Errorf("stored %d calls, want %d", sum.Calls, st.Kinds["call"])
	}
	// The same file again changes nothing.
	again, err := s.Import(ctx, auth.System("test"), "demo", bytes.NewReader(data), peel.ImportOptions{TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Created) != 0 || again.Links != 0 || again.Calls != 0 {
		t.Errorf("re-import changed things: %+v", again)
	}
	// Restricted records do not exist for an officer.
	truth, err := demo.Truth(demo.Config{People: people, Seed: 1, Now: anchor})
	if err != nil {
		t.Fatal(err)
	}
	officer := &auth.Principal{Username: "pc.test", Roles: []string{"officer"}, Perms: []auth.Permission{auth.PermRead}}
	for _, ref := range truth.Restricted {
		if _, err := s.Lookup(ctx, auth.System("test"), "demo", ref); err != nil {
			t.Errorf("system cannot see %s: %v", ref, err)
		}
		if _, err := s.Lookup(ctx, officer, "demo", ref); !pole.IsNotFound(err) {
			t.Errorf("an officer can see restricted %s: %v", ref, err)
		}
	}
}

func errorsAs(err error, target **pole.Error) bool {
	e, ok := err.(*pole.Error)
	if ok {
		*target = e
	}
	return ok
}

// The force has what the design promises, in roughly the proportions intended.
func TestProportions(t *testing.T) {
	cfg := demo.Config{People: 6000, Seed: 3, Now: anchor}
	data, st := generate(t, cfg)
	truth, err := demo.Truth(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ls := lines(t, data)
	t.Logf("%d lines: %+v", len(ls), st)
	within := func(what string, got, lo, hi float64) {
		t.Helper()
		if got < lo || got > hi {
			t.Errorf("%s = %.4f, want %.4f..%.4f", what, got, lo, hi)
		}
	}
	people := float64(st.Kinds["person"])
	if st.Kinds["person"] != cfg.People {
		t.Errorf("%d people, want %d", st.Kinds["person"], cfg.People)
	}
	within("duplicate share", float64(st.Duplicates)/people, 0.025, 0.035)
	within("marked share", float64(st.MarkedPeople)/(people-float64(st.Duplicates)), 0.05, 0.08)
	within("events per person", float64(st.Kinds["event"])/people, 0.95, 1.1)
	within("calls per person", float64(st.Kinds["call"])/people, 2, 2)
	for _, typ := range []string{"incident", "crime", "intelligence", "investigation", "stop_search", "custody", "missing_person", "contact"} {
		if st.EventTypes[typ] == 0 {
			t.Errorf("no %s events", typ)
		}
	}
	dupRefs := 0
	for _, g := range truth.Duplicates {
		dupRefs += len(g) - 1
		if len(g) < 2 || len(g) > 4 {
			t.Errorf("duplicate group %v", g)
		}
	}
	if dupRefs != st.Duplicates {
		t.Errorf("truth has %d duplicates, stats %d", dupRefs, st.Duplicates)
	}
	if len(truth.Restricted) == 0 || len(truth.DomesticAbuseVictims) == 0 || len(truth.FirearmHolders) == 0 ||
		len(truth.RepeatMissing) == 0 || len(truth.HeavyUsers) == 0 || len(truth.ReportClusters) == 0 {
		t.Errorf("ground truth is missing something: restricted %d, DA victims %d, firearm holders %d, repeat missing %d, heavy users %d, report clusters %d",
			len(truth.Restricted), len(truth.DomesticAbuseVictims), len(truth.FirearmHolders), len(truth.RepeatMissing), len(truth.HeavyUsers), len(truth.ReportClusters))
	}

	var homes, uprns, events7, events28, calls7, intelVehicle24, daRecent, partialDOB, badDOB, withDOB int
	categories := map[string]bool{}
	roles := map[string]int{}
	intel := map[string]bool{}
	vehicles := map[string]bool{}
	for _, l := range ls {
		switch l["kind"] {
		case "location":
			if l["postcode"] != nil && l["lines"] != nil {
				homes++
				if l["uprn"] != nil {
					uprns++
				}
			}
		case "person":
			if d, ok := l["dob"].(string); ok {
				withDOB++
				if _, err := ukref.ParsePartialDate(d); err != nil {
					badDOB++
				} else if len(d) < 10 {
					partialDOB++
				}
			}
		case "event":
			at, err := time.Parse(time.RFC3339, l["occurred_at"].(string))
			if err != nil {
				t.Fatal(err)
			}
			if at.After(anchor) || at.Before(anchor.AddDate(0, -31, 0)) {
				t.Errorf("event %s at %s, outside the 30 months before now", l["ref"], at)
			}
			if c, ok := l["category"].(string); ok {
				categories[c] = true
				if c == "domestic_abuse" && at.After(anchor.AddDate(-1, 0, 0)) {
					daRecent++
				}
			}
			if anchor.Sub(at) <= 7*24*time.Hour {
				events7++
			}
			if anchor.Sub(at) <= 28*24*time.Hour {
				events28++
			}
			if l["type"] == "intelligence" && at.After(anchor.AddDate(0, -24, 0)) {
				intel[l["ref"].(string)] = true
			}
		case "vehicle":
			vehicles[l["ref"].(string)] = true
		case "link":
			roles[l["role"].(string)]++
			if intel[l["from"].(string)] && vehicles[l["to"].(string)] && l["role"] == "involves" {
				intelVehicle24++
			}
		case "call":
			at, _ := time.Parse(time.RFC3339, l["start"].(string))
			if at.After(anchor) {
				t.Errorf("call at %s is after now", at)
			}
			if anchor.Sub(at) <= 7*24*time.Hour {
				calls7++
			}
		}
	}
	within("UPRN share of addresses", float64(uprns)/float64(homes), 0.85, 0.96)
	within("partial DOB share", float64(partialDOB)/float64(withDOB), 0.01, 0.04)
	within("bad DOB share", float64(badDOB)/float64(withDOB), 0.002, 0.01)
	within("share of events in the last 7 days", float64(events7)/float64(st.Kinds["event"]), 0.03, 0.12)
	if events28 < events7 || calls7 == 0 || intelVehicle24 == 0 || daRecent == 0 {
		t.Errorf("seed queries would find too little: %d events in 28 days, %d calls in 7 days, %d intelligence-vehicle links in 24 months, %d domestic abuse events in 12 months",
			events28, calls7, intelVehicle24, daRecent)
	}
	if len(categories) < 20 {
		t.Errorf("only %d categories used", len(categories))
	}
	for _, role := range []string{"resides_at", "previously_resided_at", "keeper_of", "user_of", "subscriber_of", "victim_in", "suspect_in", "witness_in",
		"reporter_of", "occurred_at", "involves", "stored_at", "certificate_holder_of", "partner_of", "parent_of", "associate_of", "co_offender_with",
		"ex_partner_of", "missing_in", "detained_in", "subject_of", "report_of", "driver_of", "seen_at", "possesses", "owner_of"} {
		if roles[role] == 0 {
			t.Errorf("no %s links", role)
		}
	}
}

// Postcodes, VRMs and numbers are in the forms Peel's reference rules accept, and places are in
// the town.
func TestFormats(t *testing.T) {
	data, _ := generate(t, demo.Config{People: 4000, Seed: 5, Now: anchor})
	vrmFormats := map[ukref.VRMFormat]int{}
	numbers := 0
	checkNumber := func(n string) {
		t.Helper()
		numbers++
		e, _, ok := ukref.NormalisePhone(n)
		if !ok || !strings.HasPrefix(e, "+44") || len(e) != 13 {
			t.Errorf("number %q reads as %q (ok %v)", n, e, ok)
		}
	}
	checkPostcode := func(pc string) {
		t.Helper()
		if p, ok := ukref.ParsePostcode(pc); !ok || p != pc {
			t.Errorf("postcode %q: %q %v", pc, p, ok)
		}
	}
	for _, l := range lines(t, data) {
		switch l["kind"] {
		case "location":
			if pc, ok := l["postcode"].(string); ok {
				checkPostcode(pc)
			}
			lat, lon := l["lat"].(float64), l["lon"].(float64)
			dy, dx := (lat-53.80)*111320, (lon+1.55)*111320*math.Cos(53.8*math.Pi/180)
			if d := math.Hypot(dx, dy); d > 8500 {
				t.Errorf("%s is %.0f m from the centre", l["ref"], d)
			}
		case "vehicle":
			_, f := ukref.NormaliseVRM(l["vrm"].(string))
			vrmFormats[f]++
			if vin, ok := l["vin"].(string); ok && len(vin) != 17 {
				t.Errorf("VIN %q", vin)
			}
		case "telephone":
			checkNumber(l["number"].(string))
		case "call":
			checkNumber(l["from"].(string))
			checkNumber(l["to"].(string))
		case "person":
			if phones, ok := l["phones"].([]any); ok {
				for _, p := range phones {
					checkNumber(p.(map[string]any)["number"].(string))
				}
			}
			if addrs, ok := l["addresses"].([]any); ok {
				for _, a := range addrs {
					pc := a.(map[string]any)["postcode"].(string)
					if p, ok := ukref.ParsePostcode(pc); !ok {
						t.Errorf("shorthand postcode %q: %q", pc, p)
					}
				}
			}
		}
	}
	total := 0
	for _, n := range vrmFormats {
		total += n
	}
	if share := float64(vrmFormats[ukref.VRMCurrent]) / float64(total); share < 0.9 || share == 1 {
		t.Errorf("current-format VRMs are %.3f of %d (%v); want most but not all", share, total, vrmFormats)
	}
	if vrmFormats[ukref.VRMUnknown] > total/50 {
		t.Errorf("too many VRMs of no known format: %v", vrmFormats)
	}
	if numbers == 0 {
		t.Fatal("no numbers checked")
	}
}
