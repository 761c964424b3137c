package storetest

import (
	"fmt"
	"strings"
	"time"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/pole"
)

// CallsCSV is a provider's call records: A calls B, B then calls C, C then D; A and E both call X.
const CallsCSV = `Caller,Called,Start_Time,Duration,Call_Type,Cell_ID
07700 900101,07700 900102,2026-11-25 09:00:00,60,voice,C1
07700 900102,07700 900103,2026-11-25 09:30:00,30,voice,C2
07700 900103,07700 900104,2026-11-25 10:00:00,10,sms,C3
07700 900101,07700 900199,2026-11-24 09:00:00,5,call,C1
07700 900105,07700 900199,2026-11-24 10:00:00,5,text,C9
07700 900199,07700 900101,2026-11-26T08:00:00Z,5,voice,C9
`

func testCalls(e *Env) {
	t := e.T
	bad := "caller,called,start\n07700900101,07700900102,yesterday\n07700900101,,2026-11-25 09:00:00\n"
	_, err := e.S.ImportCallsCSV(e.Ctx, e.Admin, strings.NewReader(bad), peel.ImportOptions{})
	fes := e.FieldErr(err, pole.EInvalid)
	if len(fes) != 2 || fes[0].Line != 2 || fes[0].Field != "start" || fes[1].Line != 3 || fes[1].Field != "to" {
		t.Errorf("bad rows: %+v", fes)
	}
	if _, err := e.S.ImportCallsCSV(e.Ctx, e.Admin, strings.NewReader("a,b\n1,2\n"), peel.ImportOptions{}); !HasField(e.FieldErr(err, pole.EInvalid), "from") {
		t.Error("missing columns must be named")
	}
	sum, err := e.S.ImportCallsCSV(e.Ctx, e.Admin, strings.NewReader(CallsCSV), peel.ImportOptions{})
	e.Must(err)
	if sum.Calls != 6 || sum.Created["telephone"] != 6 {
		t.Fatalf("calls import: %+v", sum)
	}
	again, err := e.S.ImportCallsCSV(e.Ctx, e.Admin, strings.NewReader(CallsCSV), peel.ImportOptions{})
	e.Must(err)
	if again.Calls != 0 || again.Created["telephone"] != 0 {
		t.Errorf("re-import: %+v", again)
	}
	tel := func(n string) string {
		res, err := e.S.Search(e.Ctx, e.Admin, n, pole.KindTelephone, 1)
		e.Must(err)
		if len(res) == 0 {
			t.Fatalf("no telephone %s", n)
		}
		return res[0].ID
	}
	p28, _ := pole.ParsePeriod("P28D")
	q := peel.Query{AsOf: Start, Within: p28}
	top, err := e.S.TopContacts(e.Ctx, e.Admin, tel("07700900101"), q, 10)
	e.Must(err)
	if len(top) != 2 || top[0].Telephone.Number != "+447700900199" || top[0].Calls != 2 {
		t.Errorf("top contacts: %+v", top)
	}
	common, err := e.S.CommonContacts(e.Ctx, e.Admin, []string{tel("07700900101"), tel("07700900105")}, q, 2)
	e.Must(err)
	if len(common) != 1 || common[0].Telephone.Number != "+447700900199" || len(common[0].With) != 2 {
		t.Errorf("common contacts: %+v", common)
	}
	chains, err := e.S.CallChains(e.Ctx, e.Admin, tel("07700900101"), q, 3, 2*time.Hour, 10)
	e.Must(err)
	if len(chains) != 1 || len(chains[0].Calls) != 3 || chains[0].Calls[2].To != "+447700900104" {
		t.Errorf("chains: %+v", chains)
	}
	// A gap too short for the second call breaks the chain.
	chains, err = e.S.CallChains(e.Ctx, e.Admin, tel("07700900101"), q, 3, 10*time.Minute, 10)
	e.Must(err)
	if len(chains) != 0 {
		t.Errorf("chains with a 10 minute gap: %+v", chains)
	}
	// A restricted number is left out of the analysis for those who may not see it.
	_, err = e.S.Update(e.Ctx, e.Admin, tel("07700900199"), 0, []byte(`{"access":{"roles":["investigator"]}}`))
	e.Must(err)
	officer := e.User("pc.calls", "officer")
	top, err = e.S.TopContacts(e.Ctx, officer, tel("07700900101"), q, 10)
	e.Must(err)
	if len(top) != 1 {
		t.Errorf("the officer sees the restricted number: %+v", top)
	}
	common, err = e.S.CommonContacts(e.Ctx, officer, []string{tel("07700900101"), tel("07700900105")}, q, 2)
	e.Must(err)
	if len(common) != 0 {
		t.Errorf("the officer sees the restricted number in common contacts: %+v", common)
	}
}

// testCallsInRuns imports a provider file large enough to be written in several runs: a bad last
// row rolls back the runs already written; the good file takes every call once, makes one
// telephone per number however it is written (none for a number already held), and answers top
// contacts from every run.
func testCallsInRuns(e *Env) {
	t := e.T
	const rows, numbers = 140000, 500
	num := func(i int) string { return fmt.Sprintf("07700 9%05d", i) }
	var b strings.Builder
	b.WriteString("caller,called,start,duration,type,cell\n")
	first := Start.Add(-20 * 24 * time.Hour)
	want := map[string]int{} // contacts of number 7, either way
	for i := range rows - 1 {
		from, to := (i*7919)%numbers, (i*104729+13)%numbers
		if from == to {
			to = (to + 1) % numbers
		}
		f, tt := num(from), num(to)
		if i%2 == 1 {
			f = "+44" + strings.ReplaceAll(f[1:], " ", "")
		}
		at := first.Add(time.Duration(i) * 7 * time.Second)
		fmt.Fprintf(&b, "%s,%s,%s,%d,voice,cell-%d\n", f, tt, at.Format(time.RFC3339), i%300, i)
		if from == 7 {
			want[fmt.Sprintf("+4477009%05d", to)]++
		}
		if to == 7 {
			want[fmt.Sprintf("+4477009%05d", from)]++
		}
	}
	good := b.String()
	// The first row again, at the end: a call already held is taken once.
	dup := strings.SplitN(good, "\n", 3)[1] + "\n"

	_, err := e.S.ImportCallsCSV(e.Ctx, e.Admin, strings.NewReader(good+"07700 900001,07700 900002,soon,1,voice,\n"), peel.ImportOptions{})
	if fes := e.FieldErr(err, pole.EInvalid); len(fes) != 1 || fes[0].Line != rows+1 || fes[0].Field != "start" {
		t.Fatalf("a bad last row: %+v", fes)
	}
	if res, err := e.S.Search(e.Ctx, e.Admin, num(7), pole.KindTelephone, 1); err != nil || len(res) != 0 {
		t.Fatalf("a failed import left telephones behind: %v %v", res, err)
	}

	// A number already held keeps its one telephone.
	held := e.Create(pole.KindTelephone, `{"number":"+44 7700 900007"}`)
	sum, err := e.S.ImportCallsCSV(e.Ctx, e.Admin, strings.NewReader(good+dup), peel.ImportOptions{})
	e.Must(err)
	if sum.Calls != rows-1 || sum.Created["telephone"] != numbers-1 {
		t.Fatalf("calls %d telephones %d, want %d and %d", sum.Calls, sum.Created["telephone"], rows-1, numbers-1)
	}
	res, err := e.S.Search(e.Ctx, e.Admin, num(7), pole.KindTelephone, 5)
	e.Must(err)
	if len(res) != 1 || res[0].ID != held.ID {
		t.Fatalf("telephone %s: %v, want the one held before (%s)", num(7), res, held.ID)
	}
	// Interchange call lines alone: a number held keeps its telephone, a new one gets one.
	lines := `{"kind":"call","from":"07700 900007","to":"07700 988888","start":"2026-11-20T10:00:00Z","duration_s":5,"type":"voice"}
{"kind":"call","from":"+447700988888","to":"07700900008","start":"2026-11-20T11:00:00Z","duration_s":6,"type":"sms"}
`
	isum := e.MustImport("calls-lines", lines)
	if isum.Calls != 2 || isum.Created["telephone"] != 1 {
		t.Fatalf("call lines: %d calls, %d telephones created; want 2 and 1", isum.Calls, isum.Created["telephone"])
	}
	p30, _ := pole.ParsePeriod("P30D")
	top, err := e.S.TopContacts(e.Ctx, e.Admin, res[0].ID, peel.Query{AsOf: Start, Within: p30}, 0)
	e.Must(err)
	got := map[string]int{}
	for _, c := range top {
		got[c.Telephone.Number] = c.Calls
	}
	want["+447700988888"]++
	if len(got) != len(want) {
		t.Fatalf("top contacts of %s: %d numbers, want %d", num(7), len(got), len(want))
	}
	for n, c := range want {
		if got[n] != c {
			t.Errorf("calls between %s and %s: %d, want %d", num(7), n, got[n], c)
		}
	}
}
