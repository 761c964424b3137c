package auth

import (
	"testing"

	"github.com/peel-rms/peel/pole"
)

func TestCanSee(t *testing.T) {
	roles := DefaultRoles()
	officer := NewPrincipal(&User{Username: "pc.a", Roles: []string{"officer"}}, roles, "test")
	inv := NewPrincipal(&User{Username: "dc.b", Roles: []string{"investigator"}}, roles, "test")
	partner := NewPrincipal(&User{Username: "cps.c", Roles: []string{"partner"}}, roles, "test")
	admin := NewPrincipal(&User{Username: "root", Roles: []string{"admin"}}, roles, "test")
	restricted := &pole.Access{Roles: []string{"investigator"}, Users: []string{"pc.a"}}
	secret := &pole.Access{Users: []string{"dc.b"}}
	for _, c := range []struct {
		p    *Principal
		a    *pole.Access
		want bool
	}{
		{officer, nil, true}, {officer, restricted, true}, {officer, secret, false},
		{inv, restricted, true}, {inv, secret, true},
		{partner, nil, false}, // partners read only material shared with them
		{admin, secret, true}, {nil, nil, false},
		{officer, &pole.Access{}, true},
	} {
		if got := c.p.CanSee(c.a); got != c.want {
			name := "nil"
			if c.p != nil {
				name = c.p.Username
			}
			t.Errorf("%s CanSee(%+v) = %v, want %v", name, c.a, got, c.want)
		}
	}
	if officer.Can(PermUsers) || !admin.Can(PermUsers) || !inv.Can(PermWrite) {
		t.Error("permissions")
	}
	if err := officer.Require(PermImport); pole.ErrorCode(err) != pole.EForbidden {
		t.Errorf("require: %v", err)
	}
}

func TestPasswordsAndSecrets(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !CheckPassword("correct horse battery", h) || CheckPassword("wrong", h) || CheckPassword("x", "not a hash") {
		t.Error("password check")
	}
	a, b := NewSecret("peel_"), NewSecret("peel_")
	if a == b || len(a) < 40 || Digest(a) == Digest(b) || len(Digest(a)) != 64 {
		t.Error("secrets must be random and their digests distinct")
	}
	if CheckPasswordStrength("short") == "" || CheckPasswordStrength("long enough password") != "" {
		t.Error("strength")
	}
}
