package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/peel-rms/peel/storetest"
	"github.com/peel-rms/peel/web/webtest"
)

func TestDuplicatesAPI(t *testing.T) {
	s := webtest.Start(t, false)
	if r := s.Do(s.Admin, "POST", "/api/v1/import?source=d", storetest.DuplicatesNDJSON, "Content-Type", "application/x-ndjson"); r.Status != 200 {
		t.Fatalf("import: %s", r.Body)
	}
	officer := s.UserToken("pc.d", "officer")
	sup := s.UserToken("ps.d", "supervisor")
	person := `{"family_name":"Oyelaran","given_names":"Babatunde","dob":"1979-03-14","addresses":[{"lines":["14 Cardigan Road"],"postcode":"LS6 3AE"}]}`
	r := s.Do(officer, "POST", "/api/v1/persons", person)
	if r.Status != 409 || !strings.Contains(string(r.Body), `"candidates"`) || !strings.Contains(string(r.Body), `"reasons"`) {
		t.Fatalf("strong match: %d %s", r.Status, r.Body)
	}
	if r := s.Do(officer, "POST", "/api/v1/persons?confirm_new=true", person); r.Status != 422 {
		t.Errorf("confirm_new without a reason: %d", r.Status)
	}
	if r := s.Do(officer, "POST", "/api/v1/persons?confirm_new=true&reason=a+cousin", person); r.Status != 201 {
		t.Errorf("confirmed: %d %s", r.Status, r.Body)
	}
	r = s.Do(officer, "POST", "/api/v1/persons/match", `{"family_name":"Kowalczyk","given_names":"Agnieszka","dob":"1990-07-21"}`)
	if cs := r.JSON(t)["candidates"].([]any); r.Status != 200 || len(cs) < 2 {
		t.Errorf("match: %d %s", r.Status, r.Body)
	}
	if r := s.Do(officer, "POST", "/api/v1/persons/match", `{"family_name":3}`); r.Status != 422 {
		t.Errorf("bad match body: %d", r.Status)
	}
	if r := s.Do(officer, "GET", "/api/v1/duplicates?kind=person", nil); r.Status != 403 {
		t.Errorf("an officer reads the queue: %d", r.Status)
	}
	if r := s.Do(sup, "POST", "/api/v1/dedupe", nil); r.Status != 200 {
		t.Fatalf("dedupe: %d %s", r.Status, r.Body)
	}
	r = s.Do(sup, "GET", "/api/v1/duplicates?kind=person", nil)
	clusters := r.JSON(t)["clusters"].([]any)
	if len(clusters) == 0 {
		t.Fatalf("no clusters: %s", r.Body)
	}
	c := clusters[0].(map[string]any)
	gid := c["id"].(string)
	if r := s.Do(sup, "GET", "/api/v1/duplicates/"+gid, nil); r.Status != 200 || !strings.Contains(string(r.Body), `"comparisons"`) {
		t.Errorf("group detail: %d %s", r.Status, r.Body)
	}
	if r := s.Do(sup, "GET", "/api/v1/duplicates?kind=vehicle", nil); r.Status != 422 {
		t.Errorf("vehicle duplicates: %d", r.Status)
	}
	if r := s.Do(sup, "POST", "/api/v1/duplicates/"+gid+"/decision", `{"decision":"maybe"}`); r.Status != 422 {
		t.Errorf("bad decision: %d", r.Status)
	}
	if r := s.Do(sup, "POST", "/api/v1/duplicates/"+gid+"/decision", `{"decision":"deferred","note":"ask the OIC"}`); r.Status != 200 {
		t.Errorf("defer: %d %s", r.Status, r.Body)
	}
	members := c["members"].([]any)
	surv, other := members[0].(map[string]any)["id"].(string), members[1].(map[string]any)["id"].(string)
	if r := s.Do(sup, "POST", "/api/v1/merges", fmt.Sprintf(`{"survivor":%q,"members":[%q]}`, surv, other)); r.Status != 422 {
		t.Errorf("merge without a reason: %d", r.Status)
	}
	r = s.Do(sup, "POST", "/api/v1/merges", fmt.Sprintf(`{"survivor":%q,"members":[%q],"reason":"same person"}`, surv, other))
	if r.Status != 201 {
		t.Fatalf("merge: %d %s", r.Status, r.Body)
	}
	mid := r.JSON(t)["id"].(string)
	if r := s.Do(sup, "GET", "/api/v1/persons/"+other, nil); r.JSON(t)["merged_into"] != surv {
		t.Errorf("merged_into: %s", r.Body)
	}
	if r := s.Do(sup, "DELETE", "/api/v1/merges/"+mid, nil); r.Status != 204 {
		t.Errorf("unmerge: %d %s", r.Status, r.Body)
	}
	if r := s.Do(sup, "DELETE", "/api/v1/merges/"+mid, nil); r.Status != 409 {
		t.Errorf("unmerge twice: %d", r.Status)
	}
	if r := s.Do(sup, "GET", "/api/v1/persons/"+other, nil); r.JSON(t)["merged_into"] != nil {
		t.Errorf("after unmerge: %s", r.Body)
	}
}
