// Package sqlstore is the part of Peel's record store shared by the embedded SQLite store and the
// PostgreSQL store: the same SQL through database/sql, with a small Dialect for the differences.
// Every method runs in one transaction, and a write commits with its audit entry.
package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/peel-rms/peel"

	"github.com/peel-rms/peel/audit"
	"github.com/peel-rms/peel/pole"
	"github.com/peel-rms/peel/ukref"
)

// Dialect is what differs between the SQL engines.
type Dialect struct {
	Name string // "sqlite" or "postgres"
	// Dollar is true when placeholders are $1, $2 (PostgreSQL) rather than ?.
	Dollar bool
	// IntakeLock orders incident intakes across instances, so two reports of one incident arriving
	// together at two instances still find each other ("" when the engine has one writer).
	IntakeLock string
	// Analyze refreshes the planner's statistics inside a long import, which counts the
	// transaction's own rows ("" when not needed).
	Analyze string
	// Notify announces new alerts to other instances ("" when there are none to tell).
	Notify string
	// ChainLock is run at the start of a transaction that extends the audit chain, so writers on
	// several instances extend it one at a time ("" when the engine has one writer).
	ChainLock string
	// MaxParams bounds the placeholders in one statement.
	MaxParams int
	// WritableCTE is true when an INSERT may sit in a WITH clause, so two inserts go to the
	// server as one statement.
	WritableCTE bool
	// CacheStatements keeps statements prepared per connection (see stmtCache). Not for
	// PostgreSQL, where a prepared statement's generic plan, made while a young database was
	// empty, went on scanning it as it grew.
	CacheStatements bool
	// ParsedOnce, when set, is passed ahead of the arguments of every statement with at most
	// parsedOnceParams placeholders (so its text is one of few), telling the driver to keep it
	// parsed on each connection. PostgreSQL's pgx takes its statement-cache mode this way; the
	// server keeps a generic plan once it is no dearer than the plans made for the arguments,
	// and replans when ANALYZE changes the statistics (see BulkWrite for imports, where that is
	// not soon enough). It saved a third of a PostgreSQL record view's server time.
	ParsedOnce any
	// BulkWrite is run first in the transactions of imports, which grow tables far within one
	// transaction, before any ANALYZE has been committed. On PostgreSQL it has each execution
	// planned afresh there (plan_cache_mode): a generic plan cached while a table was small
	// would go on scanning it as it grew.
	BulkWrite string
	// BulkInsert begins the multi-row inserts of imports and batches. On SQLite it is INSERT OR
	// FAIL: a failed row still fails the transaction, but the engine no longer copies every page a
	// statement touches into a statement journal so it could undo that statement alone, which cost
	// an import an eighth of its time. Nothing in Peel continues a transaction after a failed insert
	// except behind a savepoint, which undoes the statement's rows with the rest.
	BulkInsert string
	// AuditAppend seals and appends audit entries in one statement (see Store.appendEntries),
	// taking the arrays ats, users, actions, records, purposes, details, contents, link ids and
	// link entries, and answering the first entry's sequence number and previous hash and the
	// last entry's hash ("" to append in a transaction as other writes do).
	AuditAppend string
	// OneWriter is true when no other transaction can commit while a write transaction is open
	// (SQLite), so what a reader sees meanwhile is the state the write began from.
	OneWriter bool
}

func (d Dialect) bulkInsert() string {
	if d.BulkInsert == "" {
		return "INSERT INTO "
	}
	return d.BulkInsert + " "
}

// Store is a Peel record store over an SQL database.
type Store struct {
	dialect Dialect
	w       *sql.DB // writes (one connection on SQLite)
	r       *sql.DB // reads
	log     *slog.Logger
	now     func() time.Time

	audits    *groupCommit[*audit.Entry]
	batches   *groupCommit[func(tx *Tx) error]
	auditOnce sync.Once
	closeOnce sync.Once
	done      chan struct{}
	wg        sync.WaitGroup

	hooks []func(peel.Change)

	alertSignal chan struct{}
	watch       *hazardWatch
	scorers     scorerCache
	stmts       stmtCache
	watchBusy   atomic.Bool
}

// Options configure a Store.
type Options struct {
	Logger *slog.Logger
	// Now is the clock; tests set it.
	Now func() time.Time
}

// New wraps open databases. writer and reader may be the same pool.
func New(d Dialect, writer, reader *sql.DB, opts Options) *Store {
	s := &Store{dialect: d, w: writer, r: reader, log: opts.Logger, now: opts.Now, done: make(chan struct{}), alertSignal: make(chan struct{}, 1)}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.audits = newGroupCommit[*audit.Entry](maxAuditBatch)
	s.batches = newGroupCommit[func(tx *Tx) error](maxWriteBatch)
	s.wg.Add(2)
	go func() {
		defer s.wg.Done()
		s.audits.loop(s.done, 30*time.Second, s.commitEntries)
	}()
	go func() {
		defer s.wg.Done()
		s.batches.loop(s.done, time.Minute, s.writeEach)
	}()
	s.startWatch()
	return s
}

// Background runs f until the store closes; Close waits for it.
func (s *Store) Background(f func(ctx context.Context)) {
	ctx, cancel := context.WithCancel(context.Background())
	s.wg.Add(2)
	go func() {
		defer s.wg.Done()
		<-s.done
		cancel()
	}()
	go func() {
		defer s.wg.Done()
		f(ctx)
	}()
}

// Close stops background work and closes the databases.
func (s *Store) Close() error {
	var err error
	s.closeOnce.Do(func() {
		close(s.done)
		s.wg.Wait()
		s.stmts.close()
		err = errors.Join(s.w.Close(), func() error {
			if s.r != s.w {
				return s.r.Close()
			}
			return nil
		}())
	})
	return err
}

// Logger returns the store's logger.
func (s *Store) Logger() *slog.Logger { return s.log }

// Dialect returns the store's SQL dialect.
func (s *Store) Dialect() Dialect { return s.dialect }

// DB returns the write pool, for engine-specific code in the sqlite and postgres packages.
func (s *Store) DB() *sql.DB { return s.w }

// ReadDB returns the read pool.
func (s *Store) ReadDB() *sql.DB { return s.r }

// OnChange registers a listener called after each committed write. Set listeners before serving.
func (s *Store) OnChange(f func(peel.Change)) { s.hooks = append(s.hooks, f) }

func (s *Store) changed(cs ...peel.Change) {
	for _, c := range cs {
		for _, h := range s.hooks {
			h(c)
		}
	}
}

// Now returns the store's clock reading, truncated to microseconds as stored.
func (s *Store) Now() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// q rewrites ? placeholders for the dialect.
func (s *Store) q(query string) string {
	if !s.dialect.Dollar {
		return query
	}
	return rebind(query)
}

func rebind(query string) string {
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	inStr := false
	for i := 0; i < len(query); i++ {
		c := query[i]
		if c == '\'' {
			inStr = !inStr
		}
		if c == '?' && !inStr {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// placeholders returns "(?,?,?),(?,?,?)" for rows of width columns.
func placeholders(rows, width int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", width), ",") + ")"
	return strings.TrimSuffix(strings.Repeat(one+",", rows), ",")
}

// inList returns "?,?,?" for n values.
func inList(n int) string { return strings.TrimSuffix(strings.Repeat("?,", n), ",") }

// Tx is a write transaction with the store's dialect.
type Tx struct {
	*sql.Tx
	s         *Store
	now       time.Time
	changes   []peel.Change
	entries   []*audit.Entry
	alerts    []*peel.Alert
	persons   map[string]bool // people whose matching keys need refreshing before commit
	created   map[string]bool // records inserted by this transaction
	linkEnds  []string
	newAlerts bool
	// watched, when set, replaces the records the hazard watch is told about: a write that knows
	// which of its records can bear on hazards (intake does) saves the watch from re-checking
	// every open incident near everything it touched.
	watched *[]string

	// bulk associates an entry with many records without putting them all in its hashed content.
	bulk     map[*audit.Entry][]string
	stmts    map[string]*sql.Stmt // prepared statements, closed with the transaction
	seen     map[string]bool      // statements run once, to be prepared if run again
	uncached map[string]bool      // statements to add to the store's cache after the commit
	buf      map[string]*rowBuf
	bufOrder []string
	vocab    *ukref.Vocabulary // read once for the writes batched in this transaction
}

func (tx *Tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	q := tx.s.q(query)
	if st := tx.stmt(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, q, tx.s.parsedOnce(args)...)
}

func (tx *Tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	q := tx.s.q(query)
	if st := tx.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return tx.QueryContext(ctx, q, tx.s.parsedOnce(args)...)
}

func (tx *Tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	q := tx.s.q(query)
	if st := tx.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return tx.QueryRowContext(ctx, q, tx.s.parsedOnce(args)...)
}

// parsedOnceParams bounds the placeholders of a statement kept parsed (Dialect.ParsedOnce).
// Statements with more are multi-row inserts and long IN lists, whose text varies with their
// length: each would be parsed once and soon evicted, at the cost of an extra round trip.
const parsedOnceParams = 16

// parsedOnce returns args led by the dialect's ParsedOnce marker when the statement qualifies.
func (s *Store) parsedOnce(args []any) []any {
	if s.dialect.ParsedOnce == nil || len(args) > parsedOnceParams {
		return args
	}
	return append([]any{s.dialect.ParsedOnce}, args...)
}

// stmt is the store's cached statement for q (already rebound), bound to this transaction; nil
// when it is not cached yet. The writer has one connection, held by this transaction, so a new
// statement is noted here and prepared for the cache after the commit.
func (tx *Tx) stmt(ctx context.Context, q string) *sql.Stmt {
	if !tx.s.dialect.CacheStatements {
		return nil
	}
	st, ok := tx.s.stmts.peek(tx.s.w, q)
	if st == nil {
		if ok {
			if tx.uncached == nil {
				tx.uncached = map[string]bool{}
			}
			tx.uncached[q] = true
		}
		return nil
	}
	return tx.StmtContext(ctx, st)
}

// bulkWrite runs the dialect's BulkWrite statement in tx.
func (tx *Tx) bulkWrite(ctx context.Context) error {
	if tx.s.dialect.BulkWrite == "" {
		return nil
	}
	if _, err := tx.ExecContext(ctx, tx.s.dialect.BulkWrite); err != nil {
		return fmt.Errorf("bulk write: %w", err)
	}
	return nil
}

// write runs f in one write transaction: commit when f returns nil, roll back otherwise.
func (s *Store) write(ctx context.Context, f func(tx *Tx) error) error {
	sqlTx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	tx := &Tx{Tx: sqlTx, s: s, now: s.Now()}
	defer sqlTx.Rollback()
	if err := f(tx); err != nil {
		return err
	}
	if err := tx.commit(ctx); err != nil {
		return err
	}
	s.committed(ctx, tx)
	return nil
}

// commit finishes a write transaction: the matching keys of people it touched, its buffered
// rows, its audit entries and alerts, then the commit itself.
func (tx *Tx) commit(ctx context.Context) error {
	if err := tx.refreshPersonKeys(ctx); err != nil {
		return err
	}
	if err := tx.flush(ctx); err != nil {
		return err
	}
	if err := tx.appendAudit(ctx); err != nil {
		return err
	}
	if err := tx.appendAlerts(ctx); err != nil {
		return err
	}
	if err := tx.Tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// committed tells the rest of the process about a committed write: change hooks, the hazard
// watch and alert subscribers; and caches statements the transaction met for the first time.
func (s *Store) committed(ctx context.Context, tx *Tx) {
	for q := range tx.uncached {
		s.stmts.get(ctx, s.w, q)
	}
	s.changed(tx.changes...)
	if tx.watched != nil {
		s.noteChanges(nil, *tx.watched)
	} else {
		s.noteChanges(tx.changes, tx.linkEnds)
	}
	if tx.newAlerts {
		s.SignalAlerts()
	}
}

// addIDs adds the one string column of rows to set, and closes rows.
func addIDs(rows *sql.Rows, err error, set map[string]bool) error {
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		set[id] = true
	}
	return rows.Err()
}

// reader runs queries on the read pool.
type reader struct {
	s  *Store
	db *sql.DB
}

func (r *reader) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	q := r.s.q(query)
	if st := r.s.cached(ctx, r.db, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return r.db.QueryContext(ctx, q, r.s.parsedOnce(args)...)
}

func (r *reader) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	q := r.s.q(query)
	if st := r.s.cached(ctx, r.db, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return r.db.QueryRowContext(ctx, q, r.s.parsedOnce(args)...)
}

// querier is what both a reader and a write transaction offer, so lookups run in either.
type querier interface {
	query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	queryRow(ctx context.Context, query string, args ...any) *sql.Row
}

// NewID returns a new opaque record id: 48 bits of milliseconds then 80 random bits, in Crockford
// base32 (26 characters), so ids sort roughly by creation time and index well.
func NewID() string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(time.Now().UnixMilli())<<16)
	if _, err := rand.Read(b[6:]); err != nil {
		panic("sqlstore: no randomness: " + err.Error())
	}
	const alphabet = "0123456789abcdefghjkmnpqrstvwxyz"
	hi := binary.BigEndian.Uint64(b[:8])
	lo := binary.BigEndian.Uint64(b[8:])
	var out [26]byte
	for i := 25; i >= 0; i-- {
		out[i] = alphabet[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return string(out[:])
}

func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(v int64) time.Time { return time.UnixMicro(v).UTC() }

func nullMicros(m *pole.Moment) any {
	if m == nil {
		return nil
	}
	return m.T.UnixMicro()
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

var _ peel.Store = (*Store)(nil)

// Rebind rewrites ? placeholders for the store's dialect, for benchmarks and tools that send SQL
// of their own.
func (s *Store) Rebind(query string) string { return s.q(query) }
