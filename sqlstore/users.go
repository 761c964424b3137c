package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"time"

	"github.com/peel-rms/peel/audit"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
)

// Session and sign-in rules.
const (
	SessionIdle     = 30 * time.Minute
	SessionAbsolute = 12 * time.Hour
	MaxFailedLogins = 5
	LockoutPeriod   = 15 * time.Minute
)

var usernameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,63}$`)

const (
	userCols  = "id, username, password_hash, roles, disabled, must_change, failed_logins, locked_until, created_at"
	userColsU = "u.id, u.username, u.password_hash, u.roles, u.disabled, u.must_change, u.failed_logins, u.locked_until, u.created_at"
)

func scanUser(sc scanner) (*auth.User, error) {
	var u auth.User
	var roles string
	var disabled, must int
	var locked, created int64
	if err := sc.Scan(&u.ID, &u.Username, &u.PasswordHash, &roles, &disabled, &must, &u.FailedLogins, &locked, &created); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(roles), &u.Roles); err != nil {
		return nil, err
	}
	u.Disabled, u.MustChange = disabled != 0, must != 0
	if locked > 0 {
		u.LockedUntil = fromMicros(locked)
	}
	u.CreatedAt = fromMicros(created)
	return &u, nil
}

// EnsureDefaults seeds the default roles on a new store. It changes nothing that exists.
func (s *Store) EnsureDefaults(ctx context.Context) error {
	return s.write(ctx, func(tx *Tx) error {
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM roles`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		for _, r := range auth.DefaultRoles() {
			perms, _ := json.Marshal(r.Permissions)
			if _, err := tx.exec(ctx, `INSERT INTO roles (name, description, permissions) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, r.Name, r.Description, string(perms)); err != nil {
				return err
			}
		}
		return nil
	})
}

// Roles lists the roles and their permissions.
func (s *Store) Roles(ctx context.Context) ([]auth.Role, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT name, description, permissions FROM roles ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []auth.Role
	for rows.Next() {
		var r auth.Role
		var perms string
		if err := rows.Scan(&r.Name, &r.Description, &perms); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(perms), &r.Permissions); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// PutRole creates or changes a role's permissions.
func (s *Store) PutRole(ctx context.Context, p *auth.Principal, r auth.Role) error {
	if err := p.Require(auth.PermUsers); err != nil {
		return err
	}
	if !usernameRE.MatchString(r.Name) {
		return pole.Invalid("bad role name", pole.FieldError{Field: "name", Message: "use lower-case letters, digits, '.', '_' or '-'"})
	}
	if r.Name == auth.RoleAdmin {
		return pole.Invalid("admin is fixed", pole.FieldError{Field: "name", Message: "the admin role always holds every permission"})
	}
	for i, perm := range r.Permissions {
		if !slices.Contains(auth.AllPermissions, perm) {
			return pole.Invalid("unknown permission", pole.FieldError{Field: fmt.Sprintf("permissions[%d]", i), Message: fmt.Sprintf("%q is not a permission", perm)})
		}
	}
	perms, _ := json.Marshal(r.Permissions)
	return s.write(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `DELETE FROM roles WHERE name = ?`, r.Name); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO roles (name, description, permissions) VALUES (?, ?, ?)`, r.Name, r.Description, string(perms)); err != nil {
			return err
		}
		tx.audit(p, audit.ActionAdmin, nil, "role "+r.Name+" = "+string(perms))
		return nil
	})
}

// CreateUser adds a user with a password (already checked for strength by the caller when chosen
// by a person). mustChange makes the user choose a new password at first sign-in.
func (s *Store) CreateUser(ctx context.Context, p *auth.Principal, username string, roles []string, password string, mustChange bool) (*auth.User, error) {
	if err := p.Require(auth.PermUsers); err != nil {
		return nil, err
	}
	if !usernameRE.MatchString(username) {
		return nil, pole.Invalid("bad username", pole.FieldError{Field: "username", Message: "use 2-64 lower-case letters, digits, '.', '_' or '-'"})
	}
	if len(roles) == 0 {
		return nil, pole.Invalid("no role", pole.FieldError{Field: "roles", Message: "give at least one role"})
	}
	known, err := s.Roles(ctx)
	if err != nil {
		return nil, err
	}
	for i, r := range roles {
		if !slices.ContainsFunc(known, func(k auth.Role) bool { return k.Name == r }) {
			return nil, pole.Invalid("unknown role", pole.FieldError{Field: fmt.Sprintf("roles[%d]", i), Message: fmt.Sprintf("%q is not a role", r)})
		}
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return nil, err
	}
	u := &auth.User{ID: NewID(), Username: username, Roles: roles, MustChange: mustChange, PasswordHash: hash}
	err = s.write(ctx, func(tx *Tx) error {
		u.CreatedAt = tx.now
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM users WHERE username = ?`, username).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return pole.Errorf(pole.EConflict, "user %q already exists", username)
		}
		rolesJSON, _ := json.Marshal(roles)
		if _, err := tx.exec(ctx, `INSERT INTO users (`+userCols+`) VALUES (?, ?, ?, ?, 0, ?, 0, 0, ?)`,
			u.ID, u.Username, hash, string(rolesJSON), boolInt(mustChange), micros(tx.now)); err != nil {
			return err
		}
		tx.audit(p, audit.ActionAdmin, nil, "user "+username+" added with roles "+string(rolesJSON))
		return nil
	})
	return u, err
}

// User reads a user by name.
func (s *Store) User(ctx context.Context, username string) (*auth.User, error) {
	u, err := scanUser(s.r.QueryRowContext(ctx, s.q(`SELECT `+userCols+` FROM users WHERE username = ?`), username))
	if isNoRows(err) {
		return nil, pole.NotFound("user", username)
	}
	return u, err
}

// Users lists every user.
func (s *Store) Users(ctx context.Context, p *auth.Principal) ([]*auth.User, error) {
	if err := p.Require(auth.PermUsers); err != nil {
		return nil, err
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+userCols+` FROM users ORDER BY username`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*auth.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// UpdateUser changes a user's roles or disabled state (an administrator's action).
func (s *Store) UpdateUser(ctx context.Context, p *auth.Principal, username string, roles []string, disabled *bool) error {
	if err := p.Require(auth.PermUsers); err != nil {
		return err
	}
	return s.write(ctx, func(tx *Tx) error {
		u, err := scanUser(tx.queryRow(ctx, `SELECT `+userCols+` FROM users WHERE username = ?`, username))
		if isNoRows(err) {
			return pole.NotFound("user", username)
		}
		if err != nil {
			return err
		}
		if roles != nil {
			u.Roles = roles
		}
		if disabled != nil {
			u.Disabled = *disabled
		}
		rolesJSON, _ := json.Marshal(u.Roles)
		if _, err := tx.exec(ctx, `UPDATE users SET roles = ?, disabled = ?, failed_logins = 0, locked_until = 0 WHERE id = ?`, string(rolesJSON), boolInt(u.Disabled), u.ID); err != nil {
			return err
		}
		if u.Disabled {
			if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, u.ID); err != nil {
				return err
			}
		}
		tx.audit(p, audit.ActionAdmin, nil, fmt.Sprintf("user %s: roles %s, disabled %v", username, rolesJSON, u.Disabled))
		return nil
	})
}

// SetPassword sets a user's password. By the user themself it clears must-change; by an
// administrator (reset) it sets it.
func (s *Store) SetPassword(ctx context.Context, p *auth.Principal, username, password string) error {
	self := p.Username == username
	if !self {
		if err := p.Require(auth.PermUsers); err != nil {
			return err
		}
	}
	if msg := auth.CheckPasswordStrength(password); msg != "" {
		return pole.Invalid("weak password", pole.FieldError{Field: "password", Message: msg})
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE users SET password_hash = ?, must_change = ?, failed_logins = 0, locked_until = 0 WHERE username = ?`, hash, boolInt(!self), username)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return pole.NotFound("user", username)
		}
		tx.audit(p, audit.ActionAdmin, nil, "password changed for "+username)
		return nil
	})
}

// SignIn checks a username and password, applying lockout after repeated failures, and returns the
// user. Every attempt is audited.
func (s *Store) SignIn(ctx context.Context, username, password, from string) (*auth.User, error) {
	u, err := s.User(ctx, username)
	fail := pole.Errorf(pole.EUnauthorized, "unknown username or wrong password")
	now := s.Now()
	if err != nil {
		// Spend the same time as a real check so usernames cannot be probed by timing.
		auth.CheckPassword(password, dummyHash)
		_ = s.write(ctx, func(tx *Tx) error {
			tx.audit(&auth.Principal{Username: username}, audit.ActionLoginFailed, nil, "unknown user from "+from)
			return nil
		})
		return nil, fail
	}
	if u.LockedUntil.After(now) {
		_ = s.write(ctx, func(tx *Tx) error {
			tx.audit(&auth.Principal{Username: username}, audit.ActionLoginFailed, nil, "locked out, from "+from)
			return nil
		})
		return nil, pole.Errorf(pole.EUnauthorized, "too many failed sign-ins: the account is locked until %s", u.LockedUntil.Format("15:04 MST"))
	}
	ok := auth.CheckPassword(password, u.PasswordHash)
	err = s.write(ctx, func(tx *Tx) error {
		pr := &auth.Principal{Username: username}
		if ok && !u.Disabled {
			tx.audit(pr, audit.ActionLogin, nil, "from "+from)
			_, err := tx.exec(ctx, `UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = ?`, u.ID)
			return err
		}
		failed := u.FailedLogins + 1
		var locked int64
		if failed >= MaxFailedLogins {
			locked = micros(now.Add(LockoutPeriod))
			failed = 0
		}
		tx.audit(pr, audit.ActionLoginFailed, nil, "from "+from)
		_, err := tx.exec(ctx, `UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?`, failed, locked, u.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fail
	}
	if u.Disabled {
		return nil, pole.Errorf(pole.EUnauthorized, "this account is disabled")
	}
	return u, nil
}

var dummyHash, _ = auth.HashPassword("peel-timing-equaliser")

// principalFor resolves a user's roles into a principal.
func (s *Store) principalFor(ctx context.Context, u *auth.User, via string) (*auth.Principal, error) {
	if len(u.Roles) == 0 {
		return auth.NewPrincipal(u, nil, via), nil
	}
	args := make([]any, len(u.Roles))
	for i, r := range u.Roles {
		args[i] = r
	}
	rows, err := (&reader{s: s, db: s.r}).query(ctx, `SELECT name, permissions FROM roles WHERE name IN (`+inList(len(args))+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var roles []auth.Role
	for rows.Next() {
		var r auth.Role
		var perms string
		if err := rows.Scan(&r.Name, &perms); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(perms), &r.Permissions); err != nil {
			return nil, err
		}
		roles = append(roles, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return auth.NewPrincipal(u, roles, via), nil
}

// CreateSession starts a browser session and returns its secret (kept only in the cookie).
func (s *Store) CreateSession(ctx context.Context, u *auth.User) (string, error) {
	secret := auth.NewSecret("ps_")
	now := s.Now()
	_, err := s.w.ExecContext(ctx, s.q(`INSERT INTO sessions (digest, user_id, created_at, last_seen) VALUES (?, ?, ?, ?)`), auth.Digest(secret), u.ID, micros(now), micros(now))
	return secret, err
}

// SessionUser is the user behind a session secret, if the session is alive (within both the idle
// and the absolute limit). Touching it extends the idle limit.
func (s *Store) SessionPrincipal(ctx context.Context, secret string) (*auth.Principal, *auth.User, error) {
	digest := auth.Digest(secret)
	var userID string
	var created, seen int64
	err := (&reader{s: s, db: s.r}).queryRow(ctx, `SELECT user_id, created_at, last_seen FROM sessions WHERE digest = ?`, digest).Scan(&userID, &created, &seen)
	if isNoRows(err) {
		return nil, nil, pole.Errorf(pole.EUnauthorized, "your session has ended; sign in again")
	}
	if err != nil {
		return nil, nil, err
	}
	now := s.Now()
	if now.Sub(fromMicros(seen)) > SessionIdle || now.Sub(fromMicros(created)) > SessionAbsolute {
		_, _ = s.w.ExecContext(ctx, s.q(`DELETE FROM sessions WHERE digest = ?`), digest)
		return nil, nil, pole.Errorf(pole.EUnauthorized, "your session has expired; sign in again")
	}
	u, err := scanUser((&reader{s: s, db: s.r}).queryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, userID))
	if err != nil || u.Disabled {
		return nil, nil, pole.Errorf(pole.EUnauthorized, "your session has ended; sign in again")
	}
	// Touch at most once a minute, so reads do not all become writes.
	if now.Sub(fromMicros(seen)) > time.Minute {
		_, _ = s.w.ExecContext(ctx, s.q(`UPDATE sessions SET last_seen = ? WHERE digest = ?`), micros(now), digest)
	}
	p, err := s.principalFor(ctx, u, "session")
	return p, u, err
}

// EndSession signs a session out.
func (s *Store) EndSession(ctx context.Context, secret string) error {
	_, err := s.w.ExecContext(ctx, s.q(`DELETE FROM sessions WHERE digest = ?`), auth.Digest(secret))
	return err
}

// CreateToken makes a new API token for a user and returns its secret, shown once.
func (s *Store) CreateToken(ctx context.Context, p *auth.Principal, username, name string) (string, error) {
	if p.Username != username {
		if err := p.Require(auth.PermUsers); err != nil {
			return "", err
		}
	}
	u, err := s.User(ctx, username)
	if err != nil {
		return "", err
	}
	secret := auth.NewSecret("peel_")
	err = s.write(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `INSERT INTO tokens (digest, id, user_id, name, created_at) VALUES (?, ?, ?, ?, ?)`,
			auth.Digest(secret), NewID(), u.ID, name, micros(tx.now)); err != nil {
			return err
		}
		tx.audit(p, audit.ActionAdmin, nil, "API token "+fmt.Sprintf("%q", name)+" created for "+username)
		return nil
	})
	return secret, err
}

// TokenPrincipal is the principal of an API token.
func (s *Store) TokenPrincipal(ctx context.Context, secret string) (*auth.Principal, error) {
	// One statement: a token is looked up on every API request, and the user's roles come with
	// it. The join's LIKE only narrows the roles table to names appearing in the user's list;
	// membership is decided exactly here.
	rd := &reader{s: s, db: s.r}
	rows, err := rd.query(ctx, `SELECT `+userColsU+`, r.name, r.permissions FROM tokens t JOIN users u ON u.id = t.user_id
		LEFT JOIN roles r ON u.roles LIKE '%"' || r.name || '"%' WHERE t.digest = ?`, auth.Digest(secret))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var u *auth.User
	byName := map[string]auth.Role{}
	for rows.Next() {
		var name, perms sql.NullString
		ru, err := scanUser(scanFunc(func(dest ...any) error { return rows.Scan(append(dest, &name, &perms)...) }))
		if err != nil {
			return nil, err
		}
		if u == nil {
			u = ru
		}
		if name.Valid {
			r := auth.Role{Name: name.String}
			if err := json.Unmarshal([]byte(perms.String), &r.Permissions); err != nil {
				return nil, err
			}
			byName[r.Name] = r
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if u == nil {
		return nil, pole.Errorf(pole.EUnauthorized, "unknown API token")
	}
	if u.Disabled {
		return nil, pole.Errorf(pole.EUnauthorized, "the API token's user is disabled")
	}
	roles := make([]auth.Role, 0, len(u.Roles))
	for _, name := range u.Roles {
		r, ok := byName[name]
		if !ok {
			// A name the join could not find as written in the list (one JSON escapes), or a
			// role since removed: read the roles the usual way.
			return s.principalFor(ctx, u, "token")
		}
		roles = append(roles, r)
	}
	return auth.NewPrincipal(u, roles, "token"), nil
}

// scanFunc is a scanner made of a function, to scan a row with columns added after a known set.
type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

// Tokens lists a user's tokens (never their secrets).
func (s *Store) Tokens(ctx context.Context, p *auth.Principal, username string) ([]auth.Token, error) {
	if p.Username != username {
		if err := p.Require(auth.PermUsers); err != nil {
			return nil, err
		}
	}
	rows, err := s.r.QueryContext(ctx, s.q(`SELECT t.id, u.username, t.name, t.created_at FROM tokens t JOIN users u ON u.id = t.user_id WHERE u.username = ? ORDER BY t.created_at`), username)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []auth.Token
	for rows.Next() {
		var t auth.Token
		var created int64
		if err := rows.Scan(&t.ID, &t.Username, &t.Name, &created); err != nil {
			return nil, err
		}
		t.CreatedAt = fromMicros(created)
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken deletes a token by id.
func (s *Store) RevokeToken(ctx context.Context, p *auth.Principal, id string) error {
	return s.write(ctx, func(tx *Tx) error {
		var owner string
		err := tx.queryRow(ctx, `SELECT u.username FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.id = ?`, id).Scan(&owner)
		if isNoRows(err) {
			return pole.NotFound("token", id)
		}
		if err != nil {
			return err
		}
		if owner != p.Username {
			if err := p.Require(auth.PermUsers); err != nil {
				return err
			}
		}
		if _, err := tx.exec(ctx, `DELETE FROM tokens WHERE id = ?`, id); err != nil {
			return err
		}
		tx.audit(p, audit.ActionAdmin, nil, "API token "+id+" of "+owner+" revoked")
		return nil
	})
}

// UserCount is the number of users, so the first start can create the administrator.
func (s *Store) UserCount(ctx context.Context) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, err
}
