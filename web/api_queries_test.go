package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/peel-rms/peel/storetest"
	"github.com/peel-rms/peel/web/webtest"
)

func TestQueriesSQLite(t *testing.T)   { testQueries(t, webtest.Start(t, false)) }
func TestQueriesPostgres(t *testing.T) { testQueries(t, webtest.Start(t, true)) }

func testQueries(t *testing.T, s *webtest.Server) {
	if r := s.Do(s.Admin, "POST", "/api/v1/import?source=q", storetest.SeedQueries, "Content-Type", "application/x-ndjson"); r.Status != 200 {
		t.Fatalf("import: %d %s", r.Status, r.Body)
	}
	id := func(ref string) string {
		return s.Do(s.Admin, "GET", "/api/v1/lookup?source=q&ref="+ref, nil).JSON(t)["id"].(string)
	}
	officer := s.UserToken("pc.q", "officer")
	p1 := id("P1")
	rec := s.Do(officer, "GET", "/api/v1/records/"+p1, nil).JSON(t)
	var t1 string
	for _, l := range rec["links"].([]any) {
		if l := l.(map[string]any); l["role"] == "subscriber_of" {
			t1 = l["other"].(map[string]any)["id"].(string)
		}
	}
	const asOf = "2026-11-27T12:00:00Z"
	r := s.Do(officer, "GET", "/api/v1/telephones/"+t1+"/contacts?within=P7D&as_of="+asOf, nil)
	cs := r.JSON(t)["contacts"].([]any)
	if r.Status != 200 || len(cs) != 2 || cs[0].(map[string]any)["calls"].(float64) != 2 {
		t.Errorf("contacts: %d %s", r.Status, r.Body)
	}
	r = s.Do(officer, "GET", "/api/v1/persons/"+p1+"/location-events?types=investigation,intelligence&within=P28D&as_of="+asOf, nil)
	evs := r.JSON(t)["events"].([]any)
	if len(evs) != 2 || evs[0].(map[string]any)["via"] != "resides_at" || evs[0].(map[string]any)["location"].(map[string]any)["id"] != id("NEW") {
		t.Errorf("location events: %s", r.Body)
	}
	r = s.Do(officer, "GET", "/api/v1/vehicles/"+id("V1")+"/events?types=intelligence&within=P24M&as_of="+asOf, nil)
	if evs := r.JSON(t)["events"].([]any); len(evs) != 2 {
		t.Errorf("vehicle events: %s", r.Body)
	}
	for _, bad := range []string{"within=7D", "within=P7D&as_of=tomorrow", "types=party"} {
		if r := s.Do(officer, "GET", "/api/v1/vehicles/"+id("V1")+"/events?"+bad, nil); r.Status != 422 {
			t.Errorf("%s: %d", bad, r.Status)
		}
	}
	if r := s.Do(officer, "GET", "/api/v1/vehicles/"+p1+"/events", nil); r.Status != 404 {
		t.Errorf("a person as a vehicle: %d", r.Status)
	}
	// A generic traversal: the person's homes, then intelligence there in the window.
	body := fmt.Sprintf(`{"start":%q,"as_of":%q,"steps":[{"roles":["resides_at","previously_resided_at"],"direction":"out"},{"roles":["occurred_at"],"direction":"in","event_types":["intelligence"],"within":"P28D"}]}`, p1, asOf)
	r = s.Do(officer, "POST", "/api/v1/traverse", body)
	hits := r.JSON(t)["hits"].([]any)
	if r.Status != 200 || len(hits) != 4 { // two homes, E2 and E3 (E6 is restricted, E5 too old)
		t.Errorf("traverse: %d %s", r.Status, r.Body)
	}
	if strings.Contains(string(r.Body), id("E6")) {
		t.Error("a restricted event leaked through a traversal")
	}
	if r := s.Do(officer, "POST", "/api/v1/traverse", `{"start":"x","steps":[{"direction":"up"}]}`); r.Status != 422 || !strings.Contains(string(r.Body), "steps[0].direction") {
		t.Errorf("bad traversal: %d %s", r.Status, r.Body)
	}
	// Paths: P1 to the intelligence at their home; P2 and P3 (restricted) share a number.
	r = s.Do(officer, "GET", "/api/v1/paths?from="+p1+"&to="+id("E3")+"&max_hops=4", nil)
	if ps := r.JSON(t)["paths"].([]any); r.Status != 200 || len(ps) != 1 || len(ps[0].(map[string]any)["edges"].([]any)) != 2 {
		t.Errorf("paths: %d %s", r.Status, r.Body)
	}
	if r := s.Do(officer, "GET", "/api/v1/paths?from="+id("P2")+"&to="+id("P3"), nil); r.Status != 404 {
		t.Errorf("path to a restricted record: %d %s", r.Status, r.Body)
	}
	inv := s.UserToken("dc.q", "investigator")
	if r := s.Do(inv, "GET", "/api/v1/paths?from="+id("P2")+"&to="+id("P3"), nil); len(r.JSON(t)["paths"].([]any)) != 1 {
		t.Errorf("the investigator finds no path to P3: %s", r.Body)
	}
}
