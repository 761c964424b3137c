package web_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/peel-rms/peel/storetest"
	"github.com/peel-rms/peel/web/webtest"
)

// sse is a Server-Sent Events client for tests.
type sse struct {
	res    *http.Response
	events chan sseEvent
}

type sseEvent struct {
	id, event, data string
}

func openStream(t *testing.T, s *webtest.Server, token, query string, headers ...string) (*sse, *http.Response) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", s.URL+"/api/v1/alerts/stream"+query, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 200 {
		res.Body.Close()
		return nil, res
	}
	st := &sse{res: res, events: make(chan sseEvent, 100)}
	go func() {
		defer close(st.events)
		sc := bufio.NewScanner(res.Body)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.data != "" {
					st.events <- ev
				}
				ev = sseEvent{}
			case strings.HasPrefix(line, "id: "):
				ev.id = line[4:]
			case strings.HasPrefix(line, "event: "):
				ev.event = line[7:]
			case strings.HasPrefix(line, "data: "):
				ev.data = line[6:]
			}
		}
	}()
	return st, res
}

func (st *sse) next(t *testing.T, within time.Duration) (sseEvent, bool) {
	t.Helper()
	select {
	case ev, ok := <-st.events:
		return ev, ok
	case <-time.After(within):
		return sseEvent{}, false
	}
}

func TestAlertsSQLite(t *testing.T)   { testAlerts(t, webtest.Start(t, false)) }
func TestAlertsPostgres(t *testing.T) { testAlerts(t, webtest.Start(t, true)) }

func testAlerts(t *testing.T, s *webtest.Server) {
	if r := s.Do(s.Admin, "POST", "/api/v1/import?source=h", storetest.HazardsNDJSON, "Content-Type", "application/x-ndjson"); r.Status != 200 {
		t.Fatalf("import: %s", r.Body)
	}
	l1 := s.Do(s.Admin, "GET", "/api/v1/lookup?source=h&ref=L1", nil).JSON(t)["id"].(string)
	disp := s.UserToken("cc.alerts", "dispatcher")
	officer := s.UserToken("pc.alerts", "officer")
	inv := s.UserToken("dc.alerts", "investigator")
	if _, res := openStream(t, s, officer, ""); res.StatusCode != 403 {
		t.Errorf("an officer without an area: %d", res.StatusCode)
	}
	if _, res := openStream(t, s, officer, "?area=1,2"); res.StatusCode != 422 {
		t.Errorf("a bad area: %d", res.StatusCode)
	}
	// Headers arrive before any event.
	dStream, res := openStream(t, s, disp, "")
	if dStream == nil || res.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("dispatcher stream: %v", res)
	}
	near, _ := openStream(t, s, officer, "?area=53.8,-1.55,500")
	farAway, _ := openStream(t, s, officer, "?area=51.5,-0.1,500")
	invStream, _ := openStream(t, s, inv, "?area=53.79,-1.56,53.81,-1.54")

	body := fmt.Sprintf(`{"category":"assault","occurred_at":"2026-11-27T11:50:00Z","location":{"id":%q},"summary":"fight","reporter":{"family_name":"Caller","given_names":"Carol","phones":[{"number":"07700 900555"}]}}`, l1)
	r := s.Do(disp, "POST", "/api/v1/incidents", body)
	if r.Status != 201 {
		t.Fatalf("intake: %d %s", r.Status, r.Body)
	}
	ans := r.JSON(t)
	if ans["duplicate_of"] != nil || ans["report_count"].(float64) != 1 || len(ans["hazards"].([]any)) == 0 {
		t.Errorf("intake answer: %s", r.Body)
	}
	incID := ans["id"].(string)
	ev, ok := dStream.next(t, 5*time.Second)
	if !ok || ev.event != "hazard" || ev.id == "" {
		t.Fatalf("dispatcher got no alert: %+v", ev)
	}
	var alert struct {
		Incident struct {
			ID       string `json:"id"`
			Category string `json:"category"`
			Location struct {
				ID  string  `json:"id"`
				Lat float64 `json:"lat"`
			} `json:"location"`
		} `json:"incident"`
		Hazards []map[string]any `json:"hazards"`
		At      string           `json:"at"`
	}
	if err := json.Unmarshal([]byte(ev.data), &alert); err != nil || alert.Incident.ID != incID || alert.Incident.Location.ID != l1 || alert.At == "" {
		t.Fatalf("alert: %v %s", err, ev.data)
	}
	if strings.Contains(ev.data, `"access"`) {
		t.Error("the alert carries access lists")
	}
	dispHazards := len(alert.Hazards)
	if ev, ok := near.next(t, 5*time.Second); !ok || ev.id == "" {
		t.Error("the officer near the incident got no alert")
	} else if strings.Contains(ev.data, `"ref":"P6"`) {
		t.Error("the officer received the restricted resident's marker")
	}
	if ev, ok := invStream.next(t, 5*time.Second); !ok || !strings.Contains(ev.data, `"ref":"P6"`) {
		t.Errorf("the investigator should see the restricted resident's marker: %+v", ev)
	}
	if ev, ok := farAway.next(t, 300*time.Millisecond); ok {
		t.Errorf("an officer elsewhere got the alert: %+v", ev)
	}
	// A repeat report raises no second alert.
	r = s.Do(disp, "POST", "/api/v1/incidents", fmt.Sprintf(`{"category":"assault","occurred_at":"2026-11-27T11:53:00Z","location":{"lat":53.80001,"lon":-1.55}}`))
	if r.JSON(t)["duplicate_of"] != incID || r.JSON(t)["report_count"].(float64) != 2 {
		t.Errorf("repeat: %s", r.Body)
	}
	if ev, ok := dStream.next(t, 300*time.Millisecond); ok {
		t.Errorf("a repeat report raised an alert: %+v", ev)
	}
	// A subscriber that reconnects with Last-Event-ID receives what it missed.
	again, _ := openStream(t, s, disp, "", "Last-Event-ID", "0")
	if ev, ok := again.next(t, 5*time.Second); !ok || !strings.Contains(ev.data, incID) {
		t.Errorf("replay: %+v", ev)
	}
	if r := s.Do(disp, "GET", "/api/v1/incidents/"+incID, nil); r.Status != 200 || r.JSON(t)["report_count"].(float64) != 2 {
		t.Errorf("incident: %s", r.Body)
	}
	if r := s.Do(disp, "GET", "/api/v1/incidents", nil); r.Status != 200 || len(r.JSON(t)["incidents"].([]any)) != 1 {
		t.Errorf("board: %s", r.Body)
	}
	if r := s.Do(disp, "GET", "/api/v1/incident-rules", nil); r.Status != 200 {
		t.Errorf("rules: %d", r.Status)
	}
	if r := s.Do(disp, "POST", "/api/v1/incidents", `{"category":"assault","location":{}}`); r.Status != 422 {
		t.Errorf("empty location: %d %s", r.Status, r.Body)
	}
	if r := s.Do(disp, "POST", "/api/v1/incidents", `{"category":"assault","reporter":{"family_name":5}}`); r.Status != 422 || !strings.Contains(string(r.Body), "reporter.family_name") {
		t.Errorf("bad reporter: %d %s", r.Status, r.Body)
	}
	// A landmark record without coordinates, named with the caller's point: the report takes
	// the point, so a later caller nearby who names nothing joins it.
	r = s.Do(s.Admin, "POST", "/api/v1/locations", `{"lines":["The Market Cross"],"town":"Leeds"}`)
	if r.Status != 201 {
		t.Fatalf("landmark: %d %s", r.Status, r.Body)
	}
	cross := r.JSON(t)["id"].(string)
	r = s.Do(disp, "POST", "/api/v1/incidents", fmt.Sprintf(`{"category":"road_traffic_collision","occurred_at":"2026-11-27T14:00:00Z","location":{"id":%q,"lat":53.7001,"lon":-1.6,"accuracy_m":20}}`, cross))
	if r.Status != 201 || r.JSON(t)["duplicate_of"] != nil {
		t.Fatalf("landmark report: %d %s", r.Status, r.Body)
	}
	first := r.JSON(t)["id"].(string)
	if lat, _ := r.JSON(t)["lat"].(float64); lat != 53.7001 {
		t.Errorf("the report named with a point has lat %v: %s", r.JSON(t)["lat"], r.Body)
	}
	r = s.Do(disp, "POST", "/api/v1/incidents", `{"category":"road_traffic_collision","occurred_at":"2026-11-27T14:05:00Z","location":{"lat":53.7002,"lon":-1.6}}`)
	if r.Status != 201 || r.JSON(t)["duplicate_of"] != first {
		t.Errorf("the caller near the landmark report was not joined to it: %s", r.Body)
	}
	if r := s.Do(disp, "POST", "/api/v1/incidents", fmt.Sprintf(`{"category":"assault","location":{"id":%q,"lat":53.7,"lon":-1.6,"accuracy_m":-1}}`, cross)); r.Status != 422 {
		t.Errorf("a negative accuracy with a location id: %d %s", r.Status, r.Body)
	}
	_ = dispHazards
}

// TestRestartLosesNothing: after a restart on the same store, the incident, its reports and the
// alert are all there, and a subscriber resuming with Last-Event-ID receives the alert it missed.
func TestRestartLosesNothing(t *testing.T) {
	dir := t.TempDir()
	s1 := webtest.StartDir(t, dir)
	if r := s1.Do(s1.Admin, "POST", "/api/v1/import?source=h", storetest.HazardsNDJSON, "Content-Type", "application/x-ndjson"); r.Status != 200 {
		t.Fatalf("import: %s", r.Body)
	}
	l1 := s1.Do(s1.Admin, "GET", "/api/v1/lookup?source=h&ref=L1", nil).JSON(t)["id"].(string)
	inc := s1.Do(s1.Admin, "POST", "/api/v1/incidents", fmt.Sprintf(`{"category":"robbery","location":{"id":%q}}`, l1)).JSON(t)["id"].(string)
	s1.Do(s1.Admin, "POST", "/api/v1/incidents", `{"category":"robbery","location":{"lat":53.80001,"lon":-1.55}}`)
	token := s1.Admin
	s1.Stop()

	s2 := webtest.StartDir(t, dir)
	if r := s2.Do(token, "GET", "/api/v1/incidents/"+inc, nil); r.Status != 200 || r.JSON(t)["report_count"].(float64) != 2 {
		t.Fatalf("after restart: %d %s", r.Status, r.Body)
	}
	st, _ := openStream(t, s2, token, "", "Last-Event-ID", "0")
	if ev, ok := st.next(t, 5*time.Second); !ok || !strings.Contains(ev.data, inc) {
		t.Errorf("the alert raised before the restart was not replayed: %+v", ev)
	}
	// A repeat report after the restart still joins the incident.
	r := s2.Do(token, "POST", "/api/v1/incidents", `{"category":"robbery","location":{"lat":53.80002,"lon":-1.55}}`)
	if r.JSON(t)["duplicate_of"] != inc || r.JSON(t)["report_count"].(float64) != 3 {
		t.Errorf("repeat after restart: %s", r.Body)
	}
}
