package bench

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/peel-rms/peel/demo"
	"github.com/peel-rms/peel/pole"
	"github.com/peel-rms/peel/sqlite"
	"github.com/peel-rms/peel/ukref"
)

// The link-analysis measurement: the three time-windowed questions of the analysis issue asked of
// Peel's HTTP API (authenticated, with a purpose, audited), each beside the same question written
// as one SQL statement over Peel's tables and sent straight to the same database.

// analyst is the user the questions are asked as: link analysis is the analyst's work, and the
// analyst role sees intelligence restricted to analysts, as the SQL baseline does.
const analyst = "bench.analyst"

// AnalysisForce is the force the analysis measurement generates: the same seed and anchor as every
// benchmark, with calls sized separately.
func AnalysisForce(people, calls int) demo.Config {
	c := forceConfig(people)
	c.Calls = calls
	return c
}

// Question is one of the analysis questions.
type Question struct {
	Name string
	// Path is the API path for a subject, with the window's parameters.
	Path func(id string, asOf time.Time) string
	// Within is the window's length.
	Within string
	// SQL is the baseline in PostgreSQL's dialect ($1 the subject, $2 and $3 the window's ends in
	// microseconds); the embedded store's is derived from it.
	SQL     string
	SQLite  string
	keysAPI func(body []byte) ([]string, error)
	keysSQL func(rows rowScanner) ([]string, error)
}

// pgDefault compares a record id (records.id is COLLATE "C") with a links column in the links
// columns' collation, so that links' indexes serve the comparison.
const pgDefault = ` COLLATE "default"`

// visible is the visibility test for the analyst, over a records alias.
func visiblePG(a string) string {
	return fmt.Sprintf("(%[1]s.access IS NULL OR jsonb_exists(%[1]s.access::jsonb -> 'roles', 'analyst') OR jsonb_exists(%[1]s.access::jsonb -> 'users', '%[2]s'))", a, analyst)
}

func visibleSQLite(a string) string {
	return fmt.Sprintf("(%[1]s.access IS NULL OR EXISTS (SELECT 1 FROM json_each(%[1]s.access, '$.roles') WHERE value = 'analyst') OR EXISTS (SELECT 1 FROM json_each(%[1]s.access, '$.users') WHERE value = '%[2]s'))", a, analyst)
}

// Questions are the three questions of the analysis issue.
func Questions() []Question {
	locRoles := "'" + strings.Join(ukref.LocationRoles, "','") + "'"
	contacts := func(vis func(string) string, dc, number, agg string) string {
		return `WITH c AS (
	SELECT to_number, COUNT(*) AS n, MIN(start) AS first_at, MAX(start) AS last_at FROM calls
	WHERE from_number = (SELECT ` + number + ` FROM records WHERE id = $1 AND kind = 'telephone' AND deleted = 0)
	AND start >= $2 AND start <= $3 GROUP BY to_number)
SELECT t.id, c.to_number, c.n, c.first_at, c.last_at,
	COALESCE((SELECT ` + agg + ` FROM (SELECT DISTINCT p.id, p.label FROM links l JOIN records p ON p.id = l.from_id
		WHERE l.to_id = t.id` + dc + ` AND l.role IN ('subscriber_of', 'user_of') AND l.deleted = 0
		AND (l.valid_from IS NULL OR l.valid_from <= $3) AND (l.valid_to IS NULL OR l.valid_to > $2)
		AND p.deleted = 0 AND p.merged_into IS NULL AND ` + vis("p") + `) p), '')
FROM c JOIN record_keys k ON k.key = 'tel:' || c.to_number
JOIN records t ON t.id = k.record_id AND t.deleted = 0 AND t.merged_into IS NULL AND ` + vis("t") + `
ORDER BY c.n DESC, c.to_number`
	}
	// CROSS JOIN keeps SQLite, which has no statistics here, to the order an index-driven plan
	// takes (from the subject outwards); PostgreSQL reorders it freely by cost.
	// The unary + keeps SQLite from reading every event of the type in the window through
	// records_events instead of looking the one event up by id.
	locEvents := func(vis func(string) string, plus string) string {
		return `SELECT e.id, a.to_id, MIN(a.role), e.body FROM links a CROSS JOIN records loc CROSS JOIN links o CROSS JOIN records e
WHERE a.from_id = $1 AND a.role IN (` + locRoles + `) AND a.deleted = 0
	AND loc.id = a.to_id AND loc.deleted = 0 AND ` + vis("loc") + `
	AND o.to_id = a.to_id AND o.role = 'occurred_at' AND o.deleted = 0
	AND e.id = o.from_id AND e.kind = 'event' AND e.deleted = 0 AND e.merged_into IS NULL AND ` + vis("e") + `
	AND ` + plus + `e.occurred_at >= $2 AND ` + plus + `e.occurred_at <= $3 AND ` + plus + `e.event_type IN ('investigation', 'intelligence')
	AND (a.valid_from IS NULL OR a.valid_from <= e.occurred_at) AND (a.valid_to IS NULL OR a.valid_to > e.occurred_at)
GROUP BY e.id, a.to_id ORDER BY e.occurred_at DESC, e.id`
	}
	vehEvents := func(vis func(string) string, plus string) string {
		return `SELECT e.id, e.body FROM (SELECT l.from_id AS id FROM links l WHERE l.to_id = $1 AND l.role = 'involves' AND l.deleted = 0
		UNION SELECT l.to_id FROM links l WHERE l.from_id = $1 AND l.role = 'involves' AND l.deleted = 0) x CROSS JOIN records e
WHERE e.id = x.id AND e.kind = 'event' AND e.deleted = 0 AND e.merged_into IS NULL AND ` + vis("e") + `
	AND ` + plus + `e.occurred_at >= $2 AND ` + plus + `e.occurred_at <= $3 AND ` + plus + `e.event_type IN ('intelligence')
ORDER BY e.occurred_at DESC`
	}
	at := func(t time.Time) string { return url.QueryEscape(t.UTC().Format(time.RFC3339)) }
	return []Question{
		{
			Name:   "contacts (P7D)",
			Within: "P7D",
			Path: func(id string, asOf time.Time) string {
				return "/api/v1/telephones/" + url.PathEscape(id) + "/contacts?within=P7D&as_of=" + at(asOf)
			},
			SQL:    contacts(visiblePG, pgDefault, "body::json->>'number'", "string_agg(p.id, ',' ORDER BY p.id) || ';' || string_agg(p.label, ',' ORDER BY p.id)"),
			SQLite: contacts(visibleSQLite, "", "json_extract(body, '$.number')", "group_concat(p.id, ',') || ';' || group_concat(p.label, ',')"),
			keysAPI: func(b []byte) ([]string, error) {
				var a struct {
					Contacts []struct {
						Telephone struct{ ID string }
						Calls     int
						Persons   []struct{ ID string }
					}
				}
				if err := json.Unmarshal(b, &a); err != nil {
					return nil, err
				}
				var out []string
				for _, c := range a.Contacts {
					var ps []string
					for _, p := range c.Persons {
						ps = append(ps, p.ID)
					}
					out = append(out, contactKey(c.Telephone.ID, c.Calls, ps))
				}
				return out, nil
			},
			keysSQL: func(rows rowScanner) ([]string, error) {
				var out []string
				for rows.Next() {
					var id, num, persons string
					var n, first, last int64
					if err := rows.Scan(&id, &num, &n, &first, &last, &persons); err != nil {
						return nil, err
					}
					ids, _, _ := strings.Cut(persons, ";")
					var ps []string
					if ids != "" {
						ps = strings.Split(ids, ",")
					}
					out = append(out, contactKey(id, int(n), ps))
				}
				return out, rows.Err()
			},
		},
		{
			Name:   "location events (P28D)",
			Within: "P28D",
			Path: func(id string, asOf time.Time) string {
				return "/api/v1/persons/" + url.PathEscape(id) + "/location-events?types=investigation,intelligence&within=P28D&as_of=" + at(asOf)
			},
			SQL:    locEvents(visiblePG, ""),
			SQLite: locEvents(visibleSQLite, "+"),
			keysAPI: func(b []byte) ([]string, error) {
				var a struct {
					Events []struct {
						ID       string
						Location struct{ ID string }
					}
				}
				if err := json.Unmarshal(b, &a); err != nil {
					return nil, err
				}
				var out []string
				for _, e := range a.Events {
					out = append(out, e.ID+"@"+e.Location.ID)
				}
				return out, nil
			},
			keysSQL: func(rows rowScanner) ([]string, error) {
				var out []string
				for rows.Next() {
					var ev, loc, role, body string
					if err := rows.Scan(&ev, &loc, &role, &body); err != nil {
						return nil, err
					}
					out = append(out, ev+"@"+loc)
				}
				return out, rows.Err()
			},
		},
		{
			Name:   "vehicle events (P24M)",
			Within: "P24M",
			Path: func(id string, asOf time.Time) string {
				return "/api/v1/vehicles/" + url.PathEscape(id) + "/events?types=intelligence&within=P24M&as_of=" + at(asOf)
			},
			SQL:    vehEvents(visiblePG, ""),
			SQLite: vehEvents(visibleSQLite, "+"),
			keysAPI: func(b []byte) ([]string, error) {
				var a struct{ Events []struct{ ID string } }
				if err := json.Unmarshal(b, &a); err != nil {
					return nil, err
				}
				var out []string
				for _, e := range a.Events {
					out = append(out, e.ID)
				}
				return out, nil
			},
			keysSQL: func(rows rowScanner) ([]string, error) {
				var out []string
				for rows.Next() {
					var ev, body string
					if err := rows.Scan(&ev, &body); err != nil {
						return nil, err
					}
					out = append(out, ev)
				}
				return out, rows.Err()
			},
		},
	}
}

func contactKey(tel string, calls int, persons []string) string {
	slices.Sort(persons)
	return fmt.Sprintf("%s calls=%d persons=%s", tel, calls, strings.Join(persons, ","))
}

type rowScanner interface {
	Next() bool
	Scan(...any) error
	Err() error
}

// window returns the ends of [asOf - within, asOf] in microseconds, as the store computes them.
func window(within string, asOf time.Time) (int64, int64, error) {
	per, err := pole.ParsePeriod(within)
	if err != nil {
		return 0, 0, err
	}
	w := pole.WindowOf(per, asOf)
	return w.From.UnixMicro(), w.To.UnixMicro(), nil
}

// Subjects draws up to n subjects for each question from the data: telephones that made calls in
// the week before asOf; people associated with a place where an investigation or intelligence
// event occurred in the 28 days before it; vehicles involved in intelligence in the 24 months
// before it. Only records the analyst may see are drawn.
func Subjects(ctx context.Context, t *Target, asOf time.Time, n int, seed uint64) ([][]string, error) {
	vis, dc, ccoll := visibleSQLite, "", ""
	if t.Store.Dialect().Dollar {
		vis, dc, ccoll = visiblePG, pgDefault, ` COLLATE "C"`
	}
	locRoles := "'" + strings.Join(ukref.LocationRoles, "','") + "'"
	type q struct {
		within, sql string
	}
	qs := []q{
		{"P7D", `WITH c AS MATERIALIZED (SELECT DISTINCT from_number FROM calls WHERE start >= $1 AND start <= $2)
			SELECT DISTINCT r.id FROM c CROSS JOIN record_keys k CROSS JOIN records r
			WHERE k.key = ('tel:' || c.from_number)` + ccoll + ` AND r.id = k.record_id AND r.kind = 'telephone' AND r.deleted = 0 AND r.merged_into IS NULL AND ` + vis("r")},
		// CROSS JOIN keeps SQLite to this order (events first); PostgreSQL plans it freely.
		{"P28D", `SELECT DISTINCT p.id FROM records e
			CROSS JOIN links o CROSS JOIN links a CROSS JOIN records p
			WHERE e.kind = 'event' AND e.event_type IN ('investigation', 'intelligence') AND e.occurred_at >= $1 AND e.occurred_at <= $2
			AND o.from_id = e.id` + dc + ` AND o.role = 'occurred_at' AND o.deleted = 0
			AND a.to_id = o.to_id AND a.role IN (` + locRoles + `) AND a.deleted = 0
			AND p.id = a.from_id AND p.kind = 'person' AND p.deleted = 0 AND p.merged_into IS NULL AND ` + vis("p")},
		{"P24M", `SELECT v.id FROM records e CROSS JOIN links l CROSS JOIN records v
			WHERE e.kind = 'event' AND e.event_type = 'intelligence' AND e.occurred_at >= $1 AND e.occurred_at <= $2
			AND l.from_id = e.id` + dc + ` AND l.role = 'involves' AND l.deleted = 0
			AND v.id = l.to_id AND v.kind = 'vehicle' AND v.deleted = 0 AND v.merged_into IS NULL AND ` + vis("v") + `
			UNION SELECT v.id FROM records e CROSS JOIN links l CROSS JOIN records v
			WHERE e.kind = 'event' AND e.event_type = 'intelligence' AND e.occurred_at >= $1 AND e.occurred_at <= $2
			AND l.to_id = e.id` + dc + ` AND l.role = 'involves' AND l.deleted = 0
			AND v.id = l.from_id AND v.kind = 'vehicle' AND v.deleted = 0 AND v.merged_into IS NULL AND ` + vis("v")},
	}
	var out [][]string
	for i, x := range qs {
		from, to, err := window(x.within, asOf)
		if err != nil {
			return nil, err
		}
		query := x.sql
		if !t.Store.Dialect().Dollar {
			query = sqliteParams(query)
		}
		rows, err := t.Store.ReadDB().QueryContext(ctx, query, from, to)
		if err != nil {
			return nil, fmt.Errorf("subjects %d: %w", i, err)
		}
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		sort.Strings(ids)
		r := rand.New(rand.NewPCG(seed, uint64(i)))
		r.Shuffle(len(ids), func(a, b int) { ids[a], ids[b] = ids[b], ids[a] })
		out = append(out, ids[:min(n, len(ids))])
	}
	return out, nil
}

// sqliteParams turns $N placeholders into SQLite's ?N, leaving JSON paths ('$.roles') alone.
func sqliteParams(q string) string {
	var b strings.Builder
	for i := 0; i < len(q); i++ {
		if q[i] == '$' && i+1 < len(q) && q[i+1] >= '0' && q[i+1] <= '9' {
			b.WriteByte('?')
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// baseline runs a question's SQL straight against the database: pgx on its own connection for
// PostgreSQL (no database/sql, no HTTP, no audit), the store's read pool for the embedded store.
type baseline struct {
	pg    *pgx.Conn
	db    *sql.DB
	stmts []*sql.Stmt
	qs    []Question
}

func newBaseline(ctx context.Context, b *BuiltStore, qs []Question) (*baseline, error) {
	bl := &baseline{qs: qs}
	if b.Store.Dialect().Dollar {
		c, err := pgx.Connect(ctx, b.URL)
		if err != nil {
			return nil, err
		}
		bl.pg = c
		return bl, nil
	}
	// A connection of its own on the same file, with the store's reader settings: the store's
	// readers' page caches hold what Peel's own queries read, and SQLite empties a connection's
	// cache after any other connection commits, so sharing them would charge Peel's cache to the
	// baseline.
	pragmas := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "query_only(1)", "cache_size(-32000)", "temp_store(MEMORY)"} {
		pragmas.Add("_pragma", p)
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(b.Dir, sqlite.File)+"?"+pragmas.Encode())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	bl.db = db
	for _, q := range qs {
		st, err := db.PrepareContext(ctx, sqliteParams(q.SQLite))
		if err != nil {
			bl.close()
			return nil, fmt.Errorf("%s: %w", q.Name, err)
		}
		bl.stmts = append(bl.stmts, st)
	}
	return bl, nil
}

func (bl *baseline) close() {
	if bl.pg != nil {
		bl.pg.Close(context.Background())
	}
	for _, s := range bl.stmts {
		s.Close()
	}
	if bl.db != nil {
		bl.db.Close()
	}
}

// ask runs question i for a subject and returns the answer's keys.
func (bl *baseline) ask(ctx context.Context, i int, id string, from, to int64) ([]string, error) {
	q := bl.qs[i]
	if bl.pg != nil {
		rows, err := bl.pg.Query(ctx, q.SQL, id, from, to)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		return q.keysSQL(rows)
	}
	rows, err := bl.stmts[i].QueryContext(ctx, id, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return q.keysSQL(rows)
}

// QuestionResult is one question asked of one store: Peel's API beside the SQL baseline.
type QuestionResult struct {
	Name     string
	Subjects int
	Peel     Dist
	SQL      Dist
	// Items is the mean number of items in Peel's answers; Empty counts answers with none.
	Items float64
	Empty int
	// Checked subjects compared Peel's answer with the baseline's (every subject, on the first
	// pass); Disagreed differed, with the first few described in Examples.
	Checked   int
	Disagreed int
	Examples  []string
}

// AskAll asks every question of every subject through the API and the baseline: one pass to warm
// the caches (whose answers are compared), then rounds measured passes in which the two alternate
// which goes first, subject by subject, so drift in the machine's load falls on both.
func AskAll(ctx context.Context, srv *Server, b *BuiltStore, token string, subjects [][]string, asOf time.Time, rounds int) ([]QuestionResult, error) {
	qs := Questions()
	bl, err := newBaseline(ctx, b, qs)
	if err != nil {
		return nil, err
	}
	defer bl.close()
	var out []QuestionResult
	for i, q := range qs {
		res := QuestionResult{Name: q.Name, Subjects: len(subjects[i])}
		from, to, err := window(q.Within, asOf)
		if err != nil {
			return nil, err
		}
		peelAsk := func(id string) ([]byte, time.Duration, error) {
			t0 := time.Now()
			status, body, err := srv.Do(ctx, token, "GET", q.Path(id, asOf), "", nil)
			d := time.Since(t0)
			if err == nil && status != 200 {
				err = fmt.Errorf("%s for %s: %d %s", q.Name, id, status, truncate(body))
			}
			return body, d, err
		}
		sqlAsk := func(id string) ([]string, time.Duration, error) {
			t0 := time.Now()
			keys, err := bl.ask(ctx, i, id, from, to)
			return keys, time.Since(t0), err
		}
		items := 0
		for _, id := range subjects[i] {
			body, _, err := peelAsk(id)
			if err != nil {
				return out, err
			}
			got, err := q.keysAPI(body)
			if err != nil {
				return out, fmt.Errorf("%s for %s: %w", q.Name, id, err)
			}
			want, _, err := sqlAsk(id)
			if err != nil {
				return out, fmt.Errorf("%s baseline for %s: %w", q.Name, id, err)
			}
			items += len(got)
			if len(got) == 0 {
				res.Empty++
			}
			res.Checked++
			if d := diffKeys(got, want); d != "" {
				res.Disagreed++
				if len(res.Examples) < 5 {
					res.Examples = append(res.Examples, fmt.Sprintf("%s: peel %d items, sql %d; %s", id, len(got), len(want), d))
				}
			}
		}
		if res.Subjects > 0 {
			res.Items = float64(items) / float64(res.Subjects)
		}
		var peelLat, sqlLat []time.Duration
		var peelWall, sqlWall time.Duration
		for r := range rounds {
			for k, id := range subjects[i] {
				for _, peelFirst := range [][2]bool{{true, false}, {false, true}}[(k+r)%2] {
					if peelFirst {
						_, d, err := peelAsk(id)
						if err != nil {
							return out, err
						}
						peelLat = append(peelLat, d)
						peelWall += d
					} else {
						_, d, err := sqlAsk(id)
						if err != nil {
							return out, err
						}
						sqlLat = append(sqlLat, d)
						sqlWall += d
					}
				}
			}
		}
		res.Peel, res.SQL = summarise(peelLat, peelWall), summarise(sqlLat, sqlWall)
		out = append(out, res)
	}
	return out, nil
}

// diffKeys describes how two answers differ, or returns "" when they hold the same items.
func diffKeys(peel, sqlKeys []string) string {
	a, b := slices.Clone(peel), slices.Clone(sqlKeys)
	slices.Sort(a)
	slices.Sort(b)
	if slices.Equal(a, b) {
		return ""
	}
	inB := map[string]bool{}
	for _, k := range b {
		inB[k] = true
	}
	inA := map[string]bool{}
	for _, k := range a {
		inA[k] = true
	}
	var onlyPeel, onlySQL []string
	for _, k := range a {
		if !inB[k] {
			onlyPeel = append(onlyPeel, k)
		}
	}
	for _, k := range b {
		if !inA[k] {
			onlySQL = append(onlySQL, k)
		}
	}
	s := fmt.Sprintf("only in peel %d %v, only in sql %d %v", len(onlyPeel), first(onlyPeel, 2), len(onlySQL), first(onlySQL, 2))
	if len(onlyPeel) == 0 && len(onlySQL) == 0 {
		s = "the same items, repeated differently"
	}
	return s
}

func first(s []string, n int) []string { return s[:min(n, len(s))] }

func truncate(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "..."
	}
	return string(b)
}
