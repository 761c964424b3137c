package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"sync"
)

// stmtCache keeps statements prepared on each connection of a pool that runs them, so a query
// run again is not compiled again. On the embedded store compiling a statement cost as much as
// running it: a fifth of an incident intake's time went on parsing SQL. database/sql prepares a
// cached *sql.Stmt lazily on every connection it runs on and reuses it there, in transactions
// too (Tx.StmtContext).
//
// Statements are never evicted, so one in use is never closed under its caller; the cache takes
// only statements with few placeholders (IN lists of every length would fill it) up to a bound,
// and beyond it queries are compiled per use as before.
type stmtCache struct {
	mu sync.RWMutex
	m  map[stmtKey]*sql.Stmt
}

type stmtKey struct {
	db    *sql.DB
	query string
}

const (
	maxCachedStmts  = 512
	maxCachedParams = 12
)

// peek returns the cached statement for query on db, and whether one could be cached.
func (c *stmtCache) peek(db *sql.DB, query string) (*sql.Stmt, bool) {
	c.mu.RLock()
	st, ok := c.m[stmtKey{db, query}]
	n := len(c.m)
	c.mu.RUnlock()
	if ok {
		return st, true
	}
	return nil, n < maxCachedStmts && strings.Count(query, "?") <= maxCachedParams
}

// get returns the cached statement for query on db, preparing and caching it when it qualifies;
// nil when it does not (the caller runs the query uncached). Preparing takes a connection of db,
// so it must not be called while holding the last one (in a transaction on the writer).
func (c *stmtCache) get(ctx context.Context, db *sql.DB, query string) *sql.Stmt {
	st, ok := c.peek(db, query)
	if st != nil || !ok {
		return st
	}
	// Prepared outside the lock: preparing waits for a free connection, and the holder of the
	// writer's only one may be looking in the cache.
	st, err := db.PrepareContext(ctx, query)
	if err != nil {
		return nil // the uncached run reports the error
	}
	k := stmtKey{db, query}
	c.mu.Lock()
	defer c.mu.Unlock()
	if had, ok := c.m[k]; ok {
		st.Close()
		return had
	}
	if c.m == nil {
		c.m = map[stmtKey]*sql.Stmt{}
	}
	c.m[k] = st
	return st
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		st.Close()
	}
	c.m = nil
}

// cached is the prepared statement for query on db when the dialect caches statements.
func (s *Store) cached(ctx context.Context, db *sql.DB, query string) *sql.Stmt {
	if !s.dialect.CacheStatements {
		return nil
	}
	return s.stmts.get(ctx, db, query)
}
