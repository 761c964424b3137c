package storetest

import (
	"context"
	"strings"
	"testing"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
	"github.com/peel-rms/peel/sqlite"
	"github.com/peel-rms/peel/sqlstore"
)

func TestSmoke(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, t.TempDir(), sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p := auth.System("test")
	in, perr := pole.DecodeInput([]byte(`{"family_name":"Smith","given_names":"John","dob":"1980-02-03","addresses":[{"lines":["12 High Street"],"town":"Leeds","postcode":"ls11aa"}]}`), pole.KindPerson)
	if perr != nil {
		t.Fatal(perr)
	}
	rec, created, err := s.Create(ctx, p, in, peel.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%v %+v", created, rec)
	sum, err := s.Import(ctx, p, "src", strings.NewReader(`{"kind":"person","ref":"P1","family_name":"Smyth","given_names":"Jon"}
{"kind":"vehicle","ref":"V1","vrm":"ab12 cde"}
{"kind":"link","from":"P1","to":"V1","role":"keeper_of","valid_from":"2025-01-01"}
{"kind":"call","from":"07700 900123","to":"+447700900456","start":"2026-11-25T09:00:00Z","duration_s":42,"type":"voice"}
`), peel.ImportOptions{})
	if err != nil {
		t.Fatalf("%+v", err)
	}
	t.Logf("%+v", sum)
	res, err := s.Search(ctx, p, "smith", "", 10)
	t.Logf("%+v %v", res, err)
	res, err = s.Search(ctx, p, "AB12", "", 10)
	t.Logf("%+v %v", res, err)
	n, err := s.VerifyAudit(ctx)
	t.Log(n, err)
}
