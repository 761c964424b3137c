package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"
)

// Group commit of writes that arrive together (incident intake). Each write still runs as its
// own unit: a savepoint around it, rolled back alone when it fails, so one caller's bad report
// never undoes another's. What they share is the transaction's fixed cost: the begin, the audit
// chain's lock and head, the commit, and the pages of indexes they all touch, written once.

// maxWriteBatch bounds the writes committed together.
const maxWriteBatch = 64

// groupCommit runs requests that arrive together as one batch, on one goroutine: each batch is
// the first request waiting and every other already queued, up to max.
type groupCommit[T any] struct {
	q   chan groupReq[T]
	max int
}

type groupReq[T any] struct {
	v    T
	done chan error
}

func newGroupCommit[T any](max int) *groupCommit[T] {
	return &groupCommit[T]{q: make(chan groupReq[T], 4*max), max: max}
}

// submit queues v and waits for its batch's answer for it.
func (g *groupCommit[T]) submit(ctx context.Context, closed <-chan struct{}, v T) error {
	req := groupReq[T]{v: v, done: make(chan error, 1)}
	select {
	case g.q <- req:
	case <-closed:
		return errors.New("store closed")
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-req.done:
		return err
	case <-closed:
		return errors.New("store closed")
	}
}

// loop runs batches until closed: run answers each value of a batch.
func (g *groupCommit[T]) loop(closed <-chan struct{}, timeout time.Duration, run func(ctx context.Context, vs []T) []error) {
	for {
		var batch []groupReq[T]
		select {
		case <-closed:
			return
		case r := <-g.q:
			batch = append(batch, r)
		}
	drain:
		for len(batch) < g.max {
			select {
			case r := <-g.q:
				batch = append(batch, r)
			default:
				break drain
			}
		}
		vs := make([]T, len(batch))
		for i, r := range batch {
			vs[i] = r.v
		}
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		errs := run(ctx, vs)
		cancel()
		for i, r := range batch {
			r.done <- errs[i]
		}
	}
}

// writeBatched runs f as write does, in a transaction it may share with other batched writes
// arriving at the same time. It returns once that transaction has committed or f has failed.
func (s *Store) writeBatched(ctx context.Context, f func(tx *Tx) error) error {
	return s.batches.submit(ctx, s.done, f)
}

// txMark is what a transaction holds outside the database at a savepoint, to be put back when
// the write after it is rolled back.
type txMark struct {
	changes, entries, alerts, linkEnds int
	newAlerts                          bool
	persons, created                   map[string]bool
}

func (tx *Tx) mark() txMark {
	return txMark{changes: len(tx.changes), entries: len(tx.entries), alerts: len(tx.alerts), linkEnds: len(tx.linkEnds),
		newAlerts: tx.newAlerts, persons: maps.Clone(tx.persons), created: maps.Clone(tx.created)}
}

// restore puts the transaction back as it was at m, dropping rows buffered since (the caller
// flushed every buffer before taking m).
func (tx *Tx) restore(m txMark) {
	tx.changes, tx.entries, tx.alerts, tx.linkEnds = tx.changes[:m.changes], tx.entries[:m.entries], tx.alerts[:m.alerts], tx.linkEnds[:m.linkEnds]
	tx.newAlerts, tx.persons, tx.created, tx.watched = m.newAlerts, m.persons, m.created, nil
	for _, b := range tx.buf {
		b.args = b.args[:0]
	}
}

// writeEach runs each f in one transaction, each behind its own savepoint, and commits what
// succeeded. errs[i] is f[i]'s error, or the transaction's when it could not commit.
func (s *Store) writeEach(ctx context.Context, fs []func(tx *Tx) error) []error {
	if len(fs) == 1 {
		// Alone, a write needs no savepoint: its failure rolls back the transaction.
		return []error{s.write(ctx, fs[0])}
	}
	errs := make([]error, len(fs))
	fail := func(err error) []error {
		for i := range errs {
			if errs[i] == nil {
				errs[i] = err
			}
		}
		return errs
	}
	sqlTx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fail(fmt.Errorf("begin: %w", err))
	}
	tx := &Tx{Tx: sqlTx, s: s, now: s.Now()}
	defer sqlTx.Rollback()
	var watched []string
	ok := 0
	for i, f := range fs {
		if err := tx.flush(ctx); err != nil {
			return fail(err)
		}
		m := tx.mark()
		if _, err := tx.exec(ctx, `SAVEPOINT batched`); err != nil {
			return fail(fmt.Errorf("savepoint: %w", err))
		}
		err := f(tx)
		if err == nil {
			err = tx.flush(ctx)
		}
		if err != nil {
			errs[i] = err
			tx.restore(m)
			if _, err := tx.exec(ctx, `ROLLBACK TO SAVEPOINT batched`); err != nil {
				return fail(fmt.Errorf("rollback to savepoint: %w", err))
			}
		} else {
			ok++
			// What the hazard watch is told: what the write named, or everything it changed.
			if tx.watched != nil {
				watched = append(watched, *tx.watched...)
			} else {
				for _, c := range tx.changes[m.changes:] {
					if c.Kind == "record" && c.ID != "" {
						watched = append(watched, c.ID)
					}
				}
				watched = append(watched, tx.linkEnds[m.linkEnds:]...)
			}
			tx.watched = nil
		}
		if _, err := tx.exec(ctx, `RELEASE SAVEPOINT batched`); err != nil {
			return fail(fmt.Errorf("release savepoint: %w", err))
		}
	}
	if ok == 0 {
		return errs
	}
	tx.watched = &watched
	if err := tx.commit(ctx); err != nil {
		return fail(err)
	}
	s.committed(ctx, tx)
	return errs
}
