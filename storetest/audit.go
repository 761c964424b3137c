package storetest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
)

func auditFilterRecord(id string) peel.AuditFilter { return peel.AuditFilter{Record: id} }

func testAuditChain(e *Env) {
	t := e.T
	officer := e.User("pc.audit", "officer")
	officer.Purpose = "incident 123/27"
	p := e.Create(pole.KindPerson, `{"family_name":"Audited"}`)
	_, err := e.S.Get(e.Ctx, officer, p.ID, peel.GetOptions{})
	e.Must(err)
	_, err = e.S.Update(e.Ctx, officer, p.ID, 0, []byte(`{"given_names":"Al"}`))
	e.Must(err)
	es, err := e.S.Audit(e.Ctx, e.Admin, peel.AuditFilter{Record: p.ID})
	e.Must(err)
	var actions []string
	for _, en := range es {
		actions = append(actions, en.Action+"/"+en.User+"/"+en.Purpose)
	}
	got := strings.Join(actions, " ")
	for _, want := range []string{"update/pc.audit/incident 123/27", "view/pc.audit/incident 123/27", "create/system/"} {
		if !strings.Contains(got, want) {
			t.Errorf("audit of the record lacks %q: %s", want, got)
		}
	}
	// Supervisors only.
	if _, err := e.S.Audit(e.Ctx, officer, peel.AuditFilter{Record: p.ID}); pole.ErrorCode(err) != pole.EForbidden {
		t.Errorf("an officer read the audit log: %v", err)
	}
	n, err := e.S.VerifyAudit(e.Ctx)
	e.Must(err)
	if n < 4 {
		t.Errorf("verified %d entries", n)
	}
	// The database refuses to change the log...
	if _, err := e.S.DB().ExecContext(e.Ctx, `UPDATE audit SET user_name = 'someone' WHERE seq = 2`); err == nil {
		t.Fatal("the audit log accepted an update")
	}
	if _, err := e.S.DB().ExecContext(e.Ctx, `DELETE FROM audit WHERE seq = 2`); err == nil {
		t.Fatal("the audit log accepted a delete")
	}
	// ...and if someone with the database's keys forces a change anyway, verification finds it.
	disable, enable := `DROP TRIGGER audit_no_update`, ""
	if e.S.Dialect().Name == "postgres" {
		disable, enable = `ALTER TABLE audit DISABLE TRIGGER audit_no_change`, `ALTER TABLE audit ENABLE TRIGGER audit_no_change`
	}
	_, err = e.S.DB().ExecContext(e.Ctx, disable)
	e.Must(err)
	_, err = e.S.DB().ExecContext(e.Ctx, `UPDATE audit SET purpose = 'covered up' WHERE seq = 3`)
	e.Must(err)
	if enable != "" {
		_, err = e.S.DB().ExecContext(e.Ctx, enable)
		e.Must(err)
	}
	n, err = e.S.VerifyAudit(e.Ctx)
	if err == nil || !strings.Contains(err.Error(), "entry 3") || n != 2 {
		t.Errorf("tampering not found at entry 3: n=%d err=%v", n, err)
	}
	_ = time.Now
}

func testUsers(e *Env) {
	t := e.T
	_, err := e.S.CreateUser(e.Ctx, e.Admin, "Bad Name", []string{"officer"}, "long enough password", false)
	if !HasField(e.FieldErr(err, pole.EInvalid), "username") {
		t.Error("bad username must be refused naming it")
	}
	_, err = e.S.CreateUser(e.Ctx, e.Admin, "pc.one", []string{"wizard"}, "long enough password", false)
	if !HasField(e.FieldErr(err, pole.EInvalid), "roles[0]") {
		t.Error("unknown role must be refused")
	}
	officer := e.User("pc.one", "officer")
	if _, err := e.S.CreateUser(e.Ctx, officer, "pc.two", []string{"officer"}, "long enough password", false); pole.ErrorCode(err) != pole.EForbidden {
		t.Errorf("an officer added a user: %v", err)
	}
	if _, err := e.S.CreateUser(e.Ctx, e.Admin, "pc.one", []string{"officer"}, "long enough password", false); pole.ErrorCode(err) != pole.EConflict {
		t.Errorf("duplicate user: %v", err)
	}
	u, err := e.S.SignIn(e.Ctx, "pc.one", "correct horse battery", "test")
	e.Must(err)
	// Lockout after repeated failures, even with the right password afterwards.
	for range 5 {
		if _, err := e.S.SignIn(e.Ctx, "pc.one", "wrong", "test"); pole.ErrorCode(err) != pole.EUnauthorized {
			t.Fatalf("wrong password: %v", err)
		}
	}
	if _, err := e.S.SignIn(e.Ctx, "pc.one", "correct horse battery", "test"); err == nil || !strings.Contains(err.Error(), "locked") {
		t.Errorf("not locked out: %v", err)
	}
	e.Clock.Advance(16 * time.Minute)
	if _, err := e.S.SignIn(e.Ctx, "pc.one", "correct horse battery", "test"); err != nil {
		t.Errorf("lockout did not end: %v", err)
	}
	// Sessions end after the idle limit and after the absolute limit.
	sess, err := e.S.CreateSession(e.Ctx, u)
	e.Must(err)
	if p, _, err := e.S.SessionPrincipal(e.Ctx, sess); err != nil || p.Username != "pc.one" {
		t.Fatalf("session: %v", err)
	}
	e.Clock.Advance(31 * time.Minute)
	if _, _, err := e.S.SessionPrincipal(e.Ctx, sess); pole.ErrorCode(err) != pole.EUnauthorized {
		t.Errorf("idle session still alive: %v", err)
	}
	sess, err = e.S.CreateSession(e.Ctx, u)
	e.Must(err)
	for range 26 {
		e.Clock.Advance(29 * time.Minute)
		_, _, _ = e.S.SessionPrincipal(e.Ctx, sess)
	}
	if _, _, err := e.S.SessionPrincipal(e.Ctx, sess); pole.ErrorCode(err) != pole.EUnauthorized {
		t.Errorf("session outlived the absolute limit: %v", err)
	}
	// Tokens: random, stored as a digest, revocable.
	tok, err := e.S.CreateToken(e.Ctx, e.Admin, "pc.one", "laptop")
	e.Must(err)
	if len(tok) < 40 {
		t.Errorf("token too short: %d", len(tok))
	}
	var stored int
	e.Must(e.S.DB().QueryRowContext(e.Ctx, `SELECT COUNT(*) FROM tokens WHERE digest = '`+tok+`'`).Scan(&stored))
	if stored != 0 {
		t.Error("the token itself is stored")
	}
	p, err := e.S.TokenPrincipal(e.Ctx, tok)
	e.Must(err)
	if p.Username != "pc.one" || !p.Can("records:read") || p.Can("users:admin") {
		t.Errorf("token principal: %+v", p)
	}
	// A token's roles are exactly the user's: a name holding a LIKE wildcard, or holding
	// another role's name, borrows nothing from that role.
	e.Must(e.S.PutRole(e.Ctx, e.Admin, auth.Role{Name: "x_y", Permissions: []auth.Permission{auth.PermRead}}))
	e.Must(e.S.PutRole(e.Ctx, e.Admin, auth.Role{Name: "xzy", Permissions: []auth.Permission{auth.PermUsers}}))
	e.Must(e.S.PutRole(e.Ctx, e.Admin, auth.Role{Name: "ops", Permissions: []auth.Permission{auth.PermUsers}}))
	e.Must(e.S.PutRole(e.Ctx, e.Admin, auth.Role{Name: "ops-lead", Permissions: []auth.Permission{auth.PermAudit}}))
	for _, c := range []struct {
		user, role  string
		can, cannot auth.Permission
	}{{"pc.wild", "xzy", auth.PermUsers, auth.PermRead}, {"pc.lead", "ops-lead", auth.PermAudit, auth.PermUsers}} {
		_, err := e.S.CreateUser(e.Ctx, e.Admin, c.user, []string{c.role}, "long enough password", false)
		e.Must(err)
		tok, err := e.S.CreateToken(e.Ctx, e.Admin, c.user, "laptop")
		e.Must(err)
		p, err := e.S.TokenPrincipal(e.Ctx, tok)
		e.Must(err)
		if !p.Can(c.can) || p.Can(c.cannot) {
			t.Errorf("%s with role %q: permissions %v", c.user, c.role, p.Perms)
		}
	}
	ts, err := e.S.Tokens(e.Ctx, e.Admin, "pc.one")
	e.Must(err)
	e.Must(e.S.RevokeToken(e.Ctx, e.Admin, ts[0].ID))
	if _, err := e.S.TokenPrincipal(e.Ctx, tok); pole.ErrorCode(err) != pole.EUnauthorized {
		t.Errorf("revoked token works: %v", err)
	}
	// Disabling a user ends their sessions.
	f := true
	e.Must(e.S.UpdateUser(e.Ctx, e.Admin, "pc.one", nil, &f))
	if _, err := e.S.SignIn(e.Ctx, "pc.one", "correct horse battery", "test"); pole.ErrorCode(err) != pole.EUnauthorized {
		t.Errorf("disabled user signed in: %v", err)
	}
}

func testVocabulary(e *Env) {
	t := e.T
	v, err := e.S.Vocabulary(e.Ctx)
	e.Must(err)
	cats := append(v.Categories, v.Categories[0])
	cats[len(cats)-1].Code = "drone_incursion"
	officer := e.User("pc.vocab", "officer")
	if err := e.S.PutVocabulary(e.Ctx, officer, "categories", cats); pole.ErrorCode(err) != pole.EForbidden {
		t.Errorf("officer edited vocabulary: %v", err)
	}
	if _, err := e.TryCreate(e.Admin, pole.KindEvent, `{"type":"incident","category":"drone_incursion"}`); err == nil {
		t.Fatal("unknown category accepted")
	}
	e.Must(e.S.PutVocabulary(e.Ctx, e.Admin, "categories", cats))
	if _, err := e.TryCreate(e.Admin, pole.KindEvent, `{"type":"incident","category":"drone_incursion"}`); err != nil {
		t.Errorf("added category refused: %v", err)
	}
}

func testAuditOfRestricted(e *Env) {
	t := e.T
	e.MustImport("r", `{"kind":"person","ref":"S1","family_name":"Undercover","access":{"users":["dc.only"]}}`)
	id := e.Lookup("r", "S1")
	sup := e.User("ps.audit", "supervisor")
	if _, err := e.S.Audit(e.Ctx, sup, peel.AuditFilter{Record: id}); !pole.IsNotFound(err) {
		t.Errorf("who viewed a restricted record, asked by a supervisor it is not shared with: %v", err)
	}
	es, err := e.S.Audit(e.Ctx, sup, peel.AuditFilter{})
	e.Must(err)
	for _, en := range es {
		for _, r := range en.Records {
			if r == id {
				t.Errorf("the audit log names a restricted record to a supervisor who may not see it: %+v", en)
			}
		}
	}
	if _, err := e.S.Audit(e.Ctx, e.Admin, peel.AuditFilter{Record: id}); err != nil {
		t.Errorf("admin: %v", err)
	}
}

// testConcurrentUse has writers and readers work at once on a fresh store, as a busy shift does
// when every statement is new to the store: nothing may deadlock or be lost, and the audit chain
// stays whole.
func testConcurrentUse(e *Env) {
	t := e.T
	officer := e.User("pc.busy", "officer")
	officer.Purpose = "shift"
	ctx, cancel := context.WithTimeout(e.Ctx, 2*time.Minute)
	defer cancel()
	const workers, each = 8, 15
	ids := make([][]string, workers)
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				in, perr := pole.DecodeInput([]byte(fmt.Sprintf(`{"number":"07700 9%02d%03d"}`, w, i)), pole.KindTelephone)
				if perr != nil {
					errs <- perr
					return
				}
				r, _, err := e.S.Create(ctx, officer, in, peel.CreateOptions{})
				if err != nil {
					errs <- err
					return
				}
				ids[w] = append(ids[w], r.ID)
				if _, err := e.S.Get(ctx, officer, r.ID, peel.GetOptions{}); err != nil {
					errs <- err
					return
				}
				if _, err := e.S.Search(ctx, officer, fmt.Sprintf("07700 9%02d%03d", w, i), "", 10); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent use: %v", err)
	}
	for w := range workers {
		for _, id := range ids[w] {
			if _, err := e.S.Get(e.Ctx, e.Admin, id, peel.GetOptions{}); err != nil {
				t.Fatalf("record %s written concurrently is missing: %v", id, err)
			}
		}
	}
	if _, err := e.S.VerifyAudit(e.Ctx); err != nil {
		t.Errorf("audit chain after concurrent use: %v", err)
	}
}
