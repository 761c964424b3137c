// Package auth holds Peel's users, roles and permissions, password and token hashing, and the one
// place where every access decision is made: Principal.Can for actions and Principal.CanSee for
// records.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"slices"
	"strings"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/peel-rms/peel/pole"
)

// Permission names one kind of action. Roles are data: an administrator edits which permissions
// each role holds.
type Permission string

// The permissions Peel checks.
const (
	PermRead     Permission = "records:read"   // open records, search, run queries
	PermWrite    Permission = "records:write"  // create and edit records and links
	PermDelete   Permission = "records:delete" // mark records deleted
	PermImport   Permission = "import"
	PermExport   Permission = "export"
	PermAudit    Permission = "audit:read"  // who viewed or changed a record
	PermUsers    Permission = "users:admin" // add users, reset passwords, edit roles
	PermVocab    Permission = "vocab:admin" // edit reference vocabularies and settings
	PermMerge    Permission = "merge"       // review duplicates, merge and unmerge people
	PermDispatch Permission = "dispatch"    // raise incidents, receive every hazard alert
	PermShared   Permission = "shared:read" // partner agencies: read material shared with them
	PermAdmin    Permission = "*"           // everything
)

// AllPermissions lists every permission, for the role editor.
var AllPermissions = []Permission{PermRead, PermWrite, PermDelete, PermImport, PermExport, PermAudit, PermUsers, PermVocab, PermMerge, PermDispatch, PermShared}

// Role is a named set of permissions.
type Role struct {
	Name        string       `json:"name"`
	Description string       `json:"description,omitempty"`
	Permissions []Permission `json:"permissions"`
}

// RoleAdmin is the role that holds every permission and sees every record.
const RoleAdmin = "admin"

// DefaultRoles are the roles a new store starts with.
func DefaultRoles() []Role {
	officer := []Permission{PermRead, PermWrite}
	return []Role{
		{Name: RoleAdmin, Description: "everything", Permissions: []Permission{PermAdmin}},
		{Name: "officer", Description: "response and neighbourhood officers", Permissions: officer},
		{Name: "dispatcher", Description: "control room: raise incidents, receive hazard alerts", Permissions: []Permission{PermRead, PermWrite, PermDispatch}},
		{Name: "investigator", Description: "investigations, case files", Permissions: officer},
		{Name: "analyst", Description: "intelligence analysis, link charts, bulk data", Permissions: []Permission{PermRead, PermWrite, PermImport, PermExport}},
		{Name: "custody_officer", Description: "custody suites", Permissions: officer},
		{Name: "safeguarding", Description: "safeguarding teams and referrals", Permissions: officer},
		{Name: "supervisor", Description: "reviews, sign-off, who-viewed reports, duplicate review", Permissions: []Permission{PermRead, PermWrite, PermDelete, PermAudit, PermMerge}},
		{Name: "partner", Description: "partner agencies: read-only shared material", Permissions: []Permission{PermShared}},
	}
}

// User is a person who signs in to Peel.
type User struct {
	ID           string    `json:"id"`
	Username     string    `json:"username"`
	Roles        []string  `json:"roles"`
	Disabled     bool      `json:"disabled"`
	MustChange   bool      `json:"must_change_password"`
	FailedLogins int       `json:"failed_logins"`
	LockedUntil  time.Time `json:"locked_until,omitzero"`
	CreatedAt    time.Time `json:"created_at"`
	PasswordHash string    `json:"-"`
}

// Principal is who is making a request, with what permissions, and why (the stated purpose).
type Principal struct {
	UserID   string
	Username string
	Roles    []string
	Perms    []Permission
	Purpose  string
	// Via says how the principal signed in: "session", "token", "cli" or "system".
	Via string
}

// System is the principal of Peel's own background work and of the command line.
func System(via string) *Principal {
	return &Principal{Username: "system", Roles: []string{RoleAdmin}, Perms: []Permission{PermAdmin}, Via: via}
}

// NewPrincipal resolves a user's roles to permissions.
func NewPrincipal(u *User, roles []Role, via string) *Principal {
	p := &Principal{UserID: u.ID, Username: u.Username, Roles: u.Roles, Via: via}
	for _, r := range roles {
		if slices.Contains(u.Roles, r.Name) {
			p.Perms = append(p.Perms, r.Permissions...)
		}
	}
	return p
}

// IsAdmin reports whether the principal holds every permission.
func (p *Principal) IsAdmin() bool {
	return p != nil && (slices.Contains(p.Perms, PermAdmin) || slices.Contains(p.Roles, RoleAdmin))
}

// Can reports whether the principal holds the permission.
func (p *Principal) Can(perm Permission) bool {
	return p != nil && (p.IsAdmin() || slices.Contains(p.Perms, perm))
}

// Require returns a forbidden error unless the principal holds the permission.
func (p *Principal) Require(perm Permission) error {
	if p == nil {
		return pole.Errorf(pole.EUnauthorized, "sign in first")
	}
	if !p.Can(perm) {
		return pole.Errorf(pole.EForbidden, "your roles do not include the %q permission", perm)
	}
	return nil
}

// CanSee is the single decision of whether a record exists for this principal: unrestricted
// records are visible to anyone who may read; a restricted record only to administrators and the
// roles and users it names. Every query, search, count and traversal filters through it.
func (p *Principal) CanSee(a *pole.Access) bool {
	if p == nil || !p.Can(PermRead) {
		return false
	}
	if a == nil || (len(a.Roles) == 0 && len(a.Users) == 0) || p.IsAdmin() {
		return true
	}
	if slices.Contains(a.Users, p.Username) {
		return true
	}
	for _, r := range p.Roles {
		if slices.Contains(a.Roles, r) {
			return true
		}
	}
	return false
}

// passwordParams cost about 60 ms on a 2-core machine: slow enough to resist guessing, fast
// enough for sign-in.
var passwordParams = &argon2id.Params{Memory: 32 * 1024, Iterations: 2, Parallelism: 2, SaltLength: 16, KeyLength: 32}

// HashPassword returns the argon2id hash of a password.
func HashPassword(pw string) (string, error) { return argon2id.CreateHash(pw, passwordParams) }

// CheckPassword reports whether pw matches the argon2id hash.
func CheckPassword(pw, hash string) bool {
	ok, err := argon2id.ComparePasswordAndHash(pw, hash)
	return err == nil && ok
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// CheckPasswordStrength names what is wrong with a new password, or returns "".
func CheckPasswordStrength(pw string) string {
	if len([]rune(pw)) < MinPasswordLength {
		return "must be at least 10 characters"
	}
	return ""
}

// NewSecret returns a random secret of 256 bits with a readable prefix ("peel_...").
func NewSecret(prefix string) string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("auth: no randomness: " + err.Error())
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// Digest is the SHA-256 of a token or session secret, as stored: cheap to check on every request,
// useless to a thief of the database.
func Digest(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// GeneratePassword returns a random password for a new user to change at first sign-in.
func GeneratePassword() string {
	return strings.TrimPrefix(NewSecret(""), "-")[:20]
}

// Token is an API token as listed (the secret itself is shown once, at creation).
type Token struct {
	ID        string    `json:"id"`
	Username  string    `json:"username"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	LastUsed  time.Time `json:"last_used,omitzero"`
}
