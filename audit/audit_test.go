package audit

import (
	"strings"
	"testing"
	"time"
)

func chain(n int) []*Entry {
	var out []*Entry
	prevSeq, prev := int64(0), Genesis
	for i := range n {
		e := &Entry{At: time.Date(2026, 11, 27, 12, i, 0, 0, time.UTC), User: "pc.one", Action: ActionView, Records: []string{"r1"}, Purpose: "incident 1"}
		e.Seal(prevSeq, prev)
		prevSeq, prev = e.Seq, e.Hash
		out = append(out, e)
	}
	return out
}

func verify(es []*Entry) error {
	v := NewVerifier()
	for _, e := range es {
		if err := v.Check(e); err != nil {
			return err
		}
	}
	return nil
}

func TestChain(t *testing.T) {
	if err := verify(chain(5)); err != nil {
		t.Fatal(err)
	}
	for name, tamper := range map[string]func([]*Entry) []*Entry{
		"altered":   func(es []*Entry) []*Entry { es[2].Purpose = "nothing to see"; return es },
		"removed":   func(es []*Entry) []*Entry { return append(es[:2], es[3:]...) },
		"reordered": func(es []*Entry) []*Entry { es[1], es[2] = es[2], es[1]; return es },
		"rehashed":  func(es []*Entry) []*Entry { es[2].User = "x"; es[2].Hash = es[2].ComputeHash(); return es },
	} {
		if err := verify(tamper(chain(5))); err == nil {
			t.Errorf("%s entry not detected", name)
		} else if !strings.Contains(err.Error(), "entry") {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Fields cannot run into each other: moving text between fields changes the hash.
	a := &Entry{User: "ab", Action: "c"}
	b := &Entry{User: "a", Action: "bc"}
	if a.ComputeHash() == b.ComputeHash() {
		t.Error("field boundaries are not in the hash")
	}
}

// TestHashGolden pins the hash encoding: entries already in a force's log, and the PostgreSQL
// function that frames Content with the sequence number and previous hash, depend on it.
func TestHashGolden(t *testing.T) {
	for _, tc := range []struct {
		e    Entry
		prev int64
		want string
	}{
		{Entry{At: time.UnixMicro(1795837216451943).UTC(), User: "pc.jones", Action: "view", Records: []string{"01a", "01b"},
			Purpose: "Incident INC-1 — enquiry", Detail: "x"}, 41, "d5a2abd4e2d1a465e341c00b0ddd7f58c02afa622d42500d26bb8784e86aad33"},
		{Entry{At: time.UnixMicro(5), User: "u", Action: "a"}, 0, "fe3d03e7b52f0adda710e629fca6ac9d926b1e320c41c8d82fae08abbc2edb1a"},
	} {
		e := tc.e
		e.Seal(tc.prev, Genesis)
		if e.Hash != tc.want {
			t.Errorf("%s by %s: hash %s, want %s", e.Action, e.User, e.Hash, tc.want)
		}
	}
}
