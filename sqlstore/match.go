package sqlstore

import (
	"context"

	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
)

// checkPersonMatch refuses a new person that strongly matches an existing one.
func (s *Store) checkPersonMatch(ctx context.Context, tx *Tx, p *auth.Principal, person *pole.Person) error {
	return nil // TODO(issue 3): candidates from the match package
}
