package sqlstore

import "context"

// WriteEach exposes writeEach to this package's external tests.
func (s *Store) WriteEach(ctx context.Context, fs []func(tx *Tx) error) []error {
	return s.writeEach(ctx, fs)
}
