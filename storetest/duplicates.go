package storetest

import (
	"slices"
	"strings"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/pole"
)

// DuplicatesNDJSON holds people some of whom are one person entered twice.
const DuplicatesNDJSON = `{"kind":"person","ref":"A1","family_name":"Oyelaran","given_names":"Babatunde","dob":"1979-03-14","gender":"M","addresses":[{"lines":["14 Cardigan Road"],"town":"Leeds","postcode":"LS6 3AE"}],"phones":[{"number":"07700 900811"}]}
{"kind":"person","ref":"A2","family_name":"Oyelaran","given_names":"Tunde","dob":"1979-03-14","addresses":[{"lines":["14 Cardigan Rd"],"town":"Leeds","postcode":"LS6 3AE"}]}
{"kind":"person","ref":"B1","family_name":"Kowalczyk","given_names":"Agnieszka","dob":"1990-07-21","gender":"F","identifiers":[{"type":"ni_number","value":"QQ123456C"}]}
{"kind":"person","ref":"B2","family_name":"Kowalczyk","given_names":"Agnieszka","dob":"1990-07-12","identifiers":[{"type":"ni_number","value":"QQ 12 34 56 C"}]}
{"kind":"person","ref":"C1","family_name":"Smith","given_names":"John","dob":"1985-01-01","addresses":[{"lines":["1 Park Lane"],"postcode":"LS1 4AA"}]}
{"kind":"person","ref":"C2","family_name":"Smith","given_names":"John","dob":"1962-09-30","addresses":[{"lines":["77 Otley Road"],"postcode":"LS16 5AB"}]}
{"kind":"vehicle","ref":"V1","vrm":"YX19 ABC"}
{"kind":"link","from":"A2","to":"V1","role":"keeper_of","valid_from":"2024-01-01"}
`

func testDuplicates(e *Env) {
	t := e.T
	e.MustImport("d", DuplicatesNDJSON)
	id := func(ref string) string { return e.Lookup("d", ref) }
	sup := e.User("ps.review", "supervisor")
	officer := e.User("pc.dup", "officer")

	// Match on create: the officer is shown the likely existing record, with reasons.
	in, perr := pole.DecodeInput([]byte(`{"family_name":"Oyelaran","given_names":"Babatunde","dob":"1979-03-14","addresses":[{"lines":["14 Cardigan Road"],"postcode":"LS6 3AE"}]}`), pole.KindPerson)
	if perr != nil {
		t.Fatal(perr)
	}
	_, _, err := e.S.Create(e.Ctx, officer, in, peel.CreateOptions{})
	var pe *pole.Error
	if !asErr(err, &pe) || pe.Code != pole.EConflict {
		t.Fatalf("a strong match must be answered 409: %v", err)
	}
	cands := pe.Detail["candidates"].([]peel.MatchCandidate)
	if len(cands) == 0 || cands[0].ID != id("A1") || len(cands[0].Reasons) == 0 || cands[0].Probability < 0.9 {
		t.Errorf("candidates: %+v", cands)
	}
	// Confirming a new record with a reason creates it.
	if _, _, err := e.S.Create(e.Ctx, officer, in, peel.CreateOptions{ConfirmNew: true, Reason: "a cousin of the same name, checked with his passport"}); err != nil {
		t.Errorf("confirmed create: %v", err)
	}
	ms, err := e.S.MatchPerson(e.Ctx, officer, &pole.Person{FamilyName: "Kowalczyk", GivenNames: "Agnieszka", DOB: "1990-07-21"})
	e.Must(err)
	if len(ms) < 2 || (ms[0].ID != id("B1") && ms[0].ID != id("B2")) {
		t.Errorf("match: %+v", ms)
	}
	// Batch dedupe proposes the duplicate groups as a partition.
	sum, err := e.S.Dedupe(e.Ctx, sup)
	e.Must(err)
	if sum.People != 7 {
		t.Errorf("dedupe summary: %+v", sum)
	}
	groups, _, err := e.S.Duplicates(e.Ctx, sup, "", 50)
	e.Must(err)
	var sets []string
	seen := map[string]bool{}
	for _, g := range groups {
		var refs []string
		for _, m := range g.Members {
			if seen[m.ID] {
				t.Errorf("%s is in two groups", m.ID)
			}
			seen[m.ID] = true
			ref := "new"
			if len(m.Refs) > 0 {
				ref = m.Refs[0].Ref
			}
			refs = append(refs, ref)
		}
		slices.Sort(refs)
		sets = append(sets, strings.Join(refs, "+"))
	}
	slices.Sort(sets)
	if !slices.Contains(sets, "B1+B2") {
		t.Errorf("groups %v: want B1+B2", sets)
	}
	for _, s := range sets {
		if strings.Contains(s, "C1") && strings.Contains(s, "C2") {
			t.Errorf("two different John Smiths grouped: %v", sets)
		}
	}
	if _, _, err := e.S.Duplicates(e.Ctx, officer, "", 50); pole.ErrorCode(err) != pole.EForbidden {
		t.Errorf("an officer reads the review queue: %v", err)
	}
	// Rejecting a group remembers the decision: the next run does not propose it again.
	var bGroup string
	for _, g := range groups {
		if len(g.Members) == 2 && (g.Members[0].ID == id("B1") || g.Members[1].ID == id("B1")) {
			bGroup = g.ID
		}
	}
	e.Must(e.S.DecideGroup(e.Ctx, sup, bGroup, "rejected", "twins, confirmed by their GP"))
	_, err = e.S.Dedupe(e.Ctx, sup)
	e.Must(err)
	groups, _, _ = e.S.Duplicates(e.Ctx, sup, "", 50)
	for _, g := range groups {
		for _, m := range g.Members {
			if m.ID == id("B1") {
				t.Errorf("a rejected pair was proposed again: %+v", g)
			}
		}
	}
	// Merge: the member keeps its record, gains merged_into, its links move to the survivor, its ref
	// resolves to the survivor; search shows only the survivor.
	a1, a2 := id("A1"), id("A2")
	m, err := e.S.Merge(e.Ctx, sup, a1, []string{a2}, "same date of birth, address and nickname")
	e.Must(err)
	if got := e.Lookup("d", "A2"); got != a1 {
		t.Errorf("ref A2 resolves to %s, want the survivor", got)
	}
	rec, err := e.S.Get(e.Ctx, sup, a2, peel.GetOptions{})
	e.Must(err)
	if rec.MergedInto != a1 {
		t.Errorf("merged_into: %q", rec.MergedInto)
	}
	ls, err := e.S.LinksOf(e.Ctx, sup, a1, nil)
	e.Must(err)
	roles := map[string]int{}
	for _, l := range ls {
		roles[l.Role]++
	}
	if roles["keeper_of"] != 1 || roles["resides_at"] != 1 {
		t.Errorf("survivor's links after the merge: %v (the shared address stays one link)", roles)
	}
	res, _ := e.S.Search(e.Ctx, sup, "oyelaran", pole.KindPerson, 10)
	for _, r := range res {
		if r.ID == a2 {
			t.Error("a merged-away record is still in search")
		}
	}
	if _, err := e.S.Merge(e.Ctx, sup, a1, []string{a2}, "again"); pole.ErrorCode(err) != pole.EInvalid {
		t.Errorf("merging twice: %v", err)
	}
	// Undo: everything as it was.
	e.Must(e.S.Unmerge(e.Ctx, sup, m.ID))
	rec, _ = e.S.Get(e.Ctx, sup, a2, peel.GetOptions{})
	if rec.MergedInto != "" {
		t.Error("unmerge left merged_into")
	}
	ls, _ = e.S.LinksOf(e.Ctx, sup, a2, nil)
	roles = map[string]int{}
	for _, l := range ls {
		roles[l.Role]++
	}
	if roles["keeper_of"] != 1 || roles["resides_at"] != 1 {
		t.Errorf("member's links after the undo: %v", roles)
	}
	ls, _ = e.S.LinksOf(e.Ctx, sup, a1, nil)
	for _, l := range ls {
		if l.Role == "keeper_of" {
			t.Error("the survivor kept the moved link after the undo")
		}
	}
	if got := e.Lookup("d", "A2"); got != a2 {
		t.Error("ref A2 does not resolve to its own record after the undo")
	}
	if err := e.S.Unmerge(e.Ctx, sup, m.ID); pole.ErrorCode(err) != pole.EConflict {
		t.Errorf("undoing twice: %v", err)
	}
}

func asErr(err error, pe **pole.Error) bool {
	e, ok := err.(*pole.Error)
	*pe = e
	return ok
}

// testMatchHidesRestricted: a restricted person is never offered as a match, or counted towards a
// 409 on create, to anyone their access leaves out; those it names see them.
func testMatchHidesRestricted(e *Env) {
	t := e.T
	e.MustImport("m", `{"kind":"person","ref":"R1","family_name":"Vasquez-Thornbury","given_names":"Ottoline","dob":"1977-05-09","identifiers":[{"type":"ni_number","value":"QQ987654B"}],"access":{"roles":["investigator"]}}`)
	hidden := e.Lookup("m", "R1")
	probe := &pole.Person{FamilyName: "Vasquez-Thornbury", GivenNames: "Ottoline", DOB: "1977-05-09",
		Identifiers: []pole.Identifier{{Type: "ni_number", Value: "QQ987654B"}}}
	officer := e.User("pc.match", "officer")
	ms, err := e.S.MatchPerson(e.Ctx, officer, probe)
	e.Must(err)
	for _, m := range ms {
		if m.ID == hidden {
			t.Fatalf("an officer was offered a restricted person: %+v", m)
		}
	}
	in, perr := pole.DecodeInput([]byte(`{"family_name":"Vasquez-Thornbury","given_names":"Ottoline","dob":"1977-05-09","identifiers":[{"type":"ni_number","value":"QQ987654B"}]}`), pole.KindPerson)
	if perr != nil {
		t.Fatal(perr)
	}
	if _, _, err := e.S.Create(e.Ctx, officer, in, peel.CreateOptions{}); err != nil {
		t.Errorf("a restricted person the officer cannot see blocked their create: %v", err)
	}
	inv := e.User("dc.match", "investigator")
	ms, err = e.S.MatchPerson(e.Ctx, inv, probe)
	e.Must(err)
	if len(ms) == 0 || ms[0].ID != hidden {
		t.Errorf("the investigator was not offered the restricted person: %+v", ms)
	}
}
