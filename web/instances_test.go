package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/peel-rms/peel/storetest"
	"github.com/peel-rms/peel/web/webtest"
)

// TestTwoInstances runs two servers on one PostgreSQL database: what one writes, the other
// answers at once; an alert raised through one reaches a subscriber of the other; and repeat
// reports taken by both are matched together.
func TestTwoInstances(t *testing.T) {
	a, b := webtest.StartPair(t)
	if r := a.Do(a.Admin, "POST", "/api/v1/import?source=q", storetest.SeedQueries, "Content-Type", "application/x-ndjson"); r.Status != 200 {
		t.Fatalf("import through a: %s", r.Body)
	}
	if r := b.Do(b.Admin, "POST", "/api/v1/import?source=h", storetest.HazardsNDJSON, "Content-Type", "application/x-ndjson"); r.Status != 200 {
		t.Fatalf("import through b: %s", r.Body)
	}
	id := func(s *webtest.Server, src, ref string) string {
		return s.Do(s.Admin, "GET", "/api/v1/lookup?source="+src+"&ref="+ref, nil).JSON(t)["id"].(string)
	}
	// A link and a call written through a are in b's answers at once.
	v1 := id(b, "q", "V1")
	const asOf = "2026-11-27T12:00:00Z"
	before := len(b.Do(b.Admin, "GET", "/api/v1/vehicles/"+v1+"/events?types=intelligence&within=P24M&as_of="+asOf, nil).JSON(t)["events"].([]any))
	ev := a.Do(a.Admin, "POST", "/api/v1/events", `{"type":"intelligence","occurred_at":"2026-11-26T10:00:00Z","summary":"seen at the docks"}`).JSON(t)["id"].(string)
	if r := a.Do(a.Admin, "POST", "/api/v1/links", fmt.Sprintf(`{"from":%q,"to":%q,"role":"involves"}`, ev, v1)); r.Status != 201 {
		t.Fatalf("link through a: %s", r.Body)
	}
	after := len(b.Do(b.Admin, "GET", "/api/v1/vehicles/"+v1+"/events?types=intelligence&within=P24M&as_of="+asOf, nil).JSON(t)["events"].([]any))
	if after != before+1 {
		t.Errorf("b sees %d events after a's link, want %d", after, before+1)
	}
	csv := "caller,called,start\n07700900001,07700900777,2026-11-26T10:00:00Z\n"
	if r := a.Do(a.Admin, "POST", "/api/v1/calls/import", csv, "Content-Type", "text/csv"); r.Status != 200 {
		t.Fatalf("calls through a: %s", r.Body)
	}
	tel := b.Do(b.Admin, "GET", "/api/v1/search?q=07700900001&kind=telephone", nil).JSON(t)["results"].([]any)[0].(map[string]any)["id"].(string)
	r := b.Do(b.Admin, "GET", "/api/v1/telephones/"+tel+"/contacts?within=P7D&as_of="+asOf, nil)
	if !strings.Contains(string(r.Body), "+447700900777") {
		t.Errorf("b does not see a's call: %s", r.Body)
	}
	// A subscriber of b receives the alert for an incident raised through a.
	stream, _ := openStream(t, b, b.Admin, "")
	l1 := id(a, "h", "L1")
	r = a.Do(a.Admin, "POST", "/api/v1/incidents", fmt.Sprintf(`{"category":"robbery","occurred_at":"2026-11-27T11:58:00Z","location":{"id":%q}}`, l1))
	inc := r.JSON(t)["id"].(string)
	got, ok := stream.next(t, 5*time.Second)
	if !ok || !strings.Contains(got.data, inc) {
		t.Fatalf("b's subscriber got no alert for a's incident: %+v", got)
	}
	// A repeat report taken by b joins the incident raised through a.
	r = b.Do(b.Admin, "POST", "/api/v1/incidents", `{"category":"robbery","occurred_at":"2026-11-27T11:59:00Z","location":{"lat":53.8001,"lon":-1.55}}`)
	if r.JSON(t)["duplicate_of"] != inc || r.JSON(t)["report_count"].(float64) != 2 {
		t.Errorf("b's repeat report: %s", r.Body)
	}
}
