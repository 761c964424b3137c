package storetest

import (
	"sort"
	"strings"

	"github.com/peel-rms/peel/hazard"
)

// HazardsNDJSON is a street for the hazard rules; the clock stands at 2026-11-27T12:00Z.
const HazardsNDJSON = `{"kind":"location","ref":"L1","lines":["1 Gun Street"],"postcode":"LS6 1AA","lat":53.8,"lon":-1.55,"markers":[{"code":"WE","valid_from":"2026-01-01","valid_to":null,"note":"machete found at the door"}]}
{"kind":"location","ref":"L2","lines":["3 Gun Street"],"postcode":"LS6 1AA","lat":53.80009,"lon":-1.55}
{"kind":"location","ref":"L3","lines":["40 Gun Street"],"postcode":"LS6 1AB","lat":53.801,"lon":-1.55}
{"kind":"person","ref":"P1","family_name":"Resident","markers":[{"code":"VI","valid_from":"2025-01-01","valid_to":null},{"code":"FI","valid_from":"2020-01-01","valid_to":"2021-01-01"}]}
{"kind":"person","ref":"P2","family_name":"Former","markers":[{"code":"VI","valid_from":"2020-01-01","valid_to":null}]}
{"kind":"person","ref":"P3","family_name":"Visitor","markers":[{"code":"WE","valid_from":"2025-01-01","valid_to":null}]}
{"kind":"person","ref":"P4","family_name":"Victim"}
{"kind":"person","ref":"P5","family_name":"Oldvictim"}
{"kind":"person","ref":"P6","family_name":"Secret","access":{"roles":["investigator"]},"markers":[{"code":"FI","valid_from":"2025-01-01","valid_to":null}]}
{"kind":"person","ref":"P7","family_name":"Neighbour","markers":[{"code":"MH","valid_from":"2025-01-01","valid_to":null}]}
{"kind":"person","ref":"P9","family_name":"Victim","given_names":"Kid","dob":"2015-04-01"}
{"kind":"person","ref":"P8","family_name":"Faraway","markers":[{"code":"VI","valid_from":"2025-01-01","valid_to":null}]}
{"kind":"object","ref":"O1","type":"firearm","serial":"SG-1","description":"shotgun"}
{"kind":"object","ref":"O2","type":"firearm","serial":"RF-2","description":"rifle"}
{"kind":"object","ref":"O3","type":"firearm","serial":"PI-3","description":"air pistol"}
{"kind":"event","ref":"E1","type":"incident","category":"domestic_abuse","occurred_at":"2026-06-01T22:00:00Z","location":"L1"}
{"kind":"event","ref":"E2","type":"crime","category":"domestic_abuse","occurred_at":"2024-01-01T22:00:00Z"}
{"kind":"event","ref":"E3","type":"crime","category":"assault","occurred_at":"2026-03-01T22:00:00Z","location":"L1"}
{"kind":"event","ref":"E4","type":"crime","category":"burglary","occurred_at":"2026-03-02T22:00:00Z","location":"L1"}
{"kind":"event","ref":"E5","type":"crime","category":"robbery","occurred_at":"2025-06-01T22:00:00Z","location":"L1"}
{"kind":"link","from":"P1","to":"L1","role":"resides_at","valid_from":"2020-01-01"}
{"kind":"link","from":"P2","to":"L1","role":"resides_at","valid_from":"2019-01-01","valid_to":"2025-01-01"}
{"kind":"link","from":"P3","to":"L1","role":"frequents","valid_from":"2025-01-01"}
{"kind":"link","from":"P4","to":"L1","role":"resides_at","valid_from":"2022-01-01"}
{"kind":"link","from":"P5","to":"L1","role":"resides_at","valid_from":"2022-01-01"}
{"kind":"link","from":"P6","to":"L1","role":"resides_at","valid_from":"2022-01-01"}
{"kind":"link","from":"P7","to":"L2","role":"resides_at","valid_from":"2022-01-01"}
{"kind":"link","from":"P9","to":"L1","role":"resides_at","valid_from":"2022-01-01"}
{"kind":"link","from":"P8","to":"L3","role":"resides_at","valid_from":"2022-01-01"}
{"kind":"link","from":"O1","to":"L1","role":"stored_at","valid_from":"2023-01-01"}
{"kind":"link","from":"P1","to":"O2","role":"certificate_holder_of","valid_from":"2023-01-01"}
{"kind":"link","from":"P2","to":"O3","role":"certificate_holder_of","valid_from":"2023-01-01"}
{"kind":"link","from":"P4","to":"E1","role":"victim_in"}
{"kind":"link","from":"P5","to":"E2","role":"victim_in"}
`

func hazardKeys(e *Env, hs []hazard.Hazard) []string {
	refOf := map[string]string{}
	var out []string
	for _, h := range hs {
		ref, ok := refOf[h.Record.ID]
		if !ok {
			ref = h.Record.Refs[0].Ref
			refOf[h.Record.ID] = ref
		}
		out = append(out, h.Type+":"+h.Code+":"+ref+":"+strings.Join(h.Via, ">"))
	}
	sort.Strings(out)
	return out
}

func testHazards(e *Env) {
	t := e.T
	e.MustImport("h", HazardsNDJSON)
	officer := e.User("pc.h", "officer")
	hs, err := e.S.Hazards(e.Ctx, officer, e.Lookup("h", "L1"), Start)
	e.Must(err)
	got := strings.Join(hazardKeys(e, hs), "\n")
	want := strings.Join([]string{
		"firearm:certificate_holder_of:O2:resides_at>certificate_holder_of",
		"firearm:stored_at:O1:stored_at",
		"marker:VI:P1:resides_at",
		"marker:WE:L1:",
		"marker:WE:P3:frequents",
		"violent_history:assault:E3:occurred_at",
		"violent_history:domestic_abuse:E1:occurred_at",
		"vulnerable_person:child_at_risk:P9:resides_at",
		"vulnerable_person:domestic_abuse:P4:resides_at>victim_in",
		"vulnerable_person:domestic_abuse_history:P5:resides_at>victim_in",
	}, "\n")
	if got != want {
		t.Errorf("hazards at L1:\n%s\nwant:\n%s", got, want)
	}
	for _, h := range hs {
		if h.Since == nil && h.Type != "marker" {
			t.Errorf("hazard %s %s has no since", h.Type, h.Code)
		}
	}
	// The investigator also sees the restricted resident's firearms marker.
	inv := e.User("dc.h", "investigator")
	hs, err = e.S.Hazards(e.Ctx, inv, e.Lookup("h", "L1"), Start)
	e.Must(err)
	if !strings.Contains(strings.Join(hazardKeys(e, hs), " "), "marker:FI:P6") {
		t.Error("the investigator does not see P6's marker")
	}
	// As of 2024, P2 lived there (VI marker; air pistol on certificate) and the 2024 abuse was recent.
	past := Start.AddDate(-3, 0, 0)
	hs, err = e.S.Hazards(e.Ctx, officer, e.Lookup("h", "L1"), past)
	e.Must(err)
	keys := strings.Join(hazardKeys(e, hs), " ")
	for _, want := range []string{"marker:VI:P2", "firearm:certificate_holder_of:O3"} {
		if !strings.Contains(keys, want) {
			t.Errorf("as of %s: no %s in %s", past.Format("2006-01-02"), want, keys)
		}
	}
	// A point: the addresses within 25 m (L1 and L2, 10 m apart), not L3 (110 m away).
	hs, locs, err := e.S.HazardsAt(e.Ctx, officer, 53.8, -1.55, Start)
	e.Must(err)
	keys = strings.Join(hazardKeys(e, hs), " ")
	if len(locs) != 2 || !strings.Contains(keys, "marker:MH:P7") || strings.Contains(keys, "P8") {
		t.Errorf("point hazards: %d locations, %s", len(locs), keys)
	}
	// A place with nothing known answers an empty list, not an error.
	hs, err = e.S.Hazards(e.Ctx, officer, e.Lookup("h", "L3"), past.AddDate(-10, 0, 0))
	e.Must(err)
	if len(hs) != 0 {
		t.Errorf("hazards long ago: %+v", hs)
	}
}
