// Package storetest is the conformance suite every Peel store passes: the embedded SQLite store and
// the PostgreSQL store run the same tests against a real database.
package storetest

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
	"github.com/peel-rms/peel/sqlstore"
)

// Clock is a settable clock for the store under test.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock starts a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now reads the clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock on.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Opener opens a fresh, empty store with the given clock.
type Opener func(t *testing.T, clock *Clock) *sqlstore.Store

// Env is one test's store, clock and principals.
type Env struct {
	T     *testing.T
	S     *sqlstore.Store
	Clock *Clock
	Ctx   context.Context
	Admin *auth.Principal
}

// Start is the clock's start in every test: a fixed time, so results do not depend on the day.
var Start = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func newEnv(t *testing.T, open Opener) *Env {
	c := NewClock(Start)
	s := open(t, c)
	t.Cleanup(func() { s.Close() })
	return &Env{T: t, S: s, Clock: c, Ctx: context.Background(), Admin: auth.System("test")}
}

// Run runs the whole suite.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		f    func(*Env)
	}{
		{"CreateValidatesAndFlags", testCreateValidates},
		{"ExactKeysResolveToOneRecord", testExactKeys},
		{"UpdateVersionsAndHistory", testUpdateHistory},
		{"DeleteHidesEverywhere", testDelete},
		{"Links", testLinks},
		{"RestrictedRecordsDoNotLeak", testRestricted},
		{"ImportAllOrNothing", testImportAllOrNothing},
		{"ImportIdempotentAndUpdates", testImportIdempotent},
		{"ExportRoundTrip", testExportRoundTrip},
		{"Search", testSearch},
		{"AuditChain", testAuditChain},
		{"AuditOfRestricted", testAuditOfRestricted},
		{"ConcurrentUse", testConcurrentUse},
		{"UsersSessionsTokens", testUsers},
		{"Vocabulary", testVocabulary},
		{"SeedQueries", testSeedQueries},
		{"Calls", testCalls},
		{"CallsInRuns", testCallsInRuns},
		{"Hazards", testHazards},
		{"Intake", testIntake},
		{"IntakeTogether", testIntakeTogether},
		{"Grouping", testGrouping},
		{"Duplicates", testDuplicates},
		{"MatchHidesRestricted", testMatchHidesRestricted},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.f(newEnv(t, open))
		})
	}
}

// Must fails the test on err.
func (e *Env) Must(err error) {
	e.T.Helper()
	if err != nil {
		e.T.Fatalf("unexpected error: %v", err)
	}
}

// Create creates a record of kind from JSON and fails the test on error.
func (e *Env) Create(kind pole.Kind, js string) *pole.Record {
	e.T.Helper()
	r, err := e.TryCreate(e.Admin, kind, js)
	if err != nil {
		e.T.Fatalf("create %s %s: %v", kind, js, err)
	}
	return r
}

// TryCreate creates a record as p.
func (e *Env) TryCreate(p *auth.Principal, kind pole.Kind, js string) (*pole.Record, error) {
	in, perr := pole.DecodeInput([]byte(js), kind)
	if perr != nil {
		return nil, perr
	}
	r, _, err := e.S.Create(e.Ctx, p, in, peel.CreateOptions{ConfirmNew: true, Reason: "test"})
	return r, err
}

// Import imports NDJSON under source as admin.
func (e *Env) Import(source, ndjson string) (*peel.ImportSummary, error) {
	return e.S.Import(e.Ctx, e.Admin, source, strings.NewReader(ndjson), peel.ImportOptions{})
}

// MustImport imports and fails the test on error.
func (e *Env) MustImport(source, ndjson string) *peel.ImportSummary {
	e.T.Helper()
	sum, err := e.Import(source, ndjson)
	if err != nil {
		var pe *pole.Error
		if errors.As(err, &pe) {
			e.T.Fatalf("import: %v %+v", err, pe.Fields)
		}
		e.T.Fatalf("import: %v", err)
	}
	return sum
}

// Lookup finds a record id by source and ref as admin.
func (e *Env) Lookup(source, ref string) string {
	e.T.Helper()
	r, err := e.S.Lookup(e.Ctx, e.Admin, source, ref)
	if err != nil {
		e.T.Fatalf("lookup %s/%s: %v", source, ref, err)
	}
	return r.ID
}

// Officer adds a user with the officer role and returns its principal.
func (e *Env) User(name string, roles ...string) *auth.Principal {
	e.T.Helper()
	u, err := e.S.CreateUser(e.Ctx, e.Admin, name, roles, "correct horse battery", false)
	e.Must(err)
	rs, err := e.S.Roles(e.Ctx)
	e.Must(err)
	return auth.NewPrincipal(u, rs, "test")
}

// FieldErr returns the field errors of err, failing unless it is a Peel error with that code.
func (e *Env) FieldErr(err error, code pole.Code) []pole.FieldError {
	e.T.Helper()
	var pe *pole.Error
	if !errors.As(err, &pe) || pe.Code != code {
		e.T.Fatalf("want a %s error, got %v", code, err)
	}
	return pe.Fields
}

// HasField reports whether fes names field.
func HasField(fes []pole.FieldError, field string) bool {
	for _, f := range fes {
		if f.Field == field {
			return true
		}
	}
	return false
}
