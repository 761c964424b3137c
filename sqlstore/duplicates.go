package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/audit"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/match"
	"github.com/peel-rms/peel/pole"
)

// Match thresholds (posterior probability that two records are one person).
const (
	// StrongMatch: creating a person this likely to be someone already held is refused (409)
	// unless the caller confirms it is a new person and says why.
	StrongMatch = 0.9
	// CandidateMatch: POST /persons/match lists candidates at least this likely.
	CandidateMatch = 0.2
	// perKeyLimit bounds the people one blocking key may bring in, so a hub cannot explode a search.
	perKeyLimit = 300
	// maxCandidates bounds the people compared per search, those sharing the most keys first.
	maxCandidates = 100
	// minTrainPeople is the smallest population the model is trained on; below it the default
	// model is used, as expectation maximisation is unstable on a handful of records.
	minTrainPeople = 500
)

// scorerCache keeps the scorer of the stored model, checked against its training time on use so
// a newly trained model is used at once.
type scorerCache struct {
	mu        sync.Mutex
	trainedAt int64
	people    int
	scorer    *match.Scorer
}

// scorer returns the scorer of the force's trained model (or the default model when none is
// trained yet) and the population it was trained on.
func (s *Store) scorer(ctx context.Context, q querier) (*match.Scorer, int, error) {
	var trainedAt int64
	var people int
	err := q.queryRow(ctx, `SELECT trained_at, people FROM match_models WHERE id = 1`).Scan(&trainedAt, &people)
	if isNoRows(err) {
		var n int
		if err := q.queryRow(ctx, `SELECT COUNT(*) FROM person_keys`).Scan(&n); err != nil {
			return nil, 0, err
		}
		return match.NewScorer(match.DefaultModel(), nil), max(n/8, 1), nil
	}
	if err != nil {
		return nil, 0, err
	}
	c := &s.scorers
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.scorer != nil && c.trainedAt == trainedAt {
		return c.scorer, c.people, nil
	}
	var modelJSON, freqJSON string
	if err := q.queryRow(ctx, `SELECT model, freqs FROM match_models WHERE id = 1`).Scan(&modelJSON, &freqJSON); err != nil {
		return nil, 0, err
	}
	var m match.Model
	if err := json.Unmarshal([]byte(modelJSON), &m); err != nil {
		return nil, 0, fmt.Errorf("stored match model: %w", err)
	}
	var f match.Frequencies
	if err := json.Unmarshal([]byte(freqJSON), &f); err != nil {
		return nil, 0, fmt.Errorf("stored name frequencies: %w", err)
	}
	c.scorer, c.trainedAt, c.people = match.NewScorer(&m, &f), trainedAt, people
	return c.scorer, people, nil
}

// personCandidates finds the stored people most likely to be mp, visible to p, best first.
func (s *Store) personCandidates(ctx context.Context, q querier, p *auth.Principal, mp *match.Person, minProb float64, limit int) ([]peel.MatchCandidate, error) {
	keys := match.Keys(mp)
	if len(keys) == 0 {
		return nil, nil
	}
	var parts []string
	var args []any
	for i, k := range keys {
		parts = append(parts, fmt.Sprintf("SELECT * FROM (SELECT person_id FROM person_keys WHERE key = ? LIMIT %d) k%d", perKeyLimit, i))
		args = append(args, keyHash(k))
	}
	rows, err := q.query(ctx, strings.Join(parts, " UNION ALL "), args...)
	if err != nil {
		return nil, fmt.Errorf("match candidates: %w", err)
	}
	shared := map[string]int{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		shared[id]++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(shared))
	for id := range shared {
		if id != mp.ID {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool {
		if shared[ids[i]] != shared[ids[j]] {
			return shared[ids[i]] > shared[ids[j]]
		}
		return ids[i] < ids[j]
	})
	if len(ids) > maxCandidates {
		ids = ids[:maxCandidates]
	}
	// Features alone first: who may see a candidate is read below only for those that score
	// well enough to be shown, which halved the pages a match reads in a large store.
	feats, err := s.storedFeatures(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	sc, people, err := s.scorer(ctx, q)
	if err != nil {
		return nil, err
	}
	sc = sc.WithPopulation(people + 1)
	// The new person is prepared once; each candidate is scored without reasons, and only those
	// shown are compared again with them.
	pmp := match.Prepare(mp)
	type kept struct {
		id    string
		p     *match.Prepared
		score float64
	}
	var ks []kept
	for _, id := range ids {
		f := feats[id]
		if f == nil {
			continue
		}
		pf := match.Prepare(f)
		score := sc.Score(pmp, pf)
		if match.Probability(score) < minProb {
			continue
		}
		ks = append(ks, kept{id, pf, score})
	}
	sort.SliceStable(ks, func(i, j int) bool { return ks[i].score > ks[j].score })
	keptIDs := make([]string, len(ks))
	for i, k := range ks {
		keptIDs[i] = k.id
	}
	states, err := s.recordStates(ctx, q, keptIDs)
	if err != nil {
		return nil, err
	}
	visible := ks[:0]
	for _, k := range ks {
		if st, ok := states[k.id]; ok && !st.deleted && st.mergedInto == "" && canSeeRaw(p, st.access) {
			visible = append(visible, k)
		}
	}
	ks = visible
	if limit > 0 && len(ks) > limit {
		ks = ks[:limit]
	}
	out := make([]peel.MatchCandidate, 0, len(ks))
	for _, k := range ks {
		res := sc.ComparePrepared(pmp, k.p)
		out = append(out, peel.MatchCandidate{ID: k.id, Score: round3(res.Score), Probability: round3(res.Probability), Reasons: res.Reasons})
	}
	// Labels and refs for the few shown.
	var shown []string
	for _, c := range out {
		shown = append(shown, c.ID)
	}
	recs, err := loadRecords(ctx, q, s.dialect.MaxParams, shown)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if r := recs[out[i].ID]; r != nil {
			out[i].Label, out[i].Refs = r.Label(), r.Refs
		}
		if out[i].Refs == nil {
			out[i].Refs = []pole.Ref{}
		}
	}
	return out, nil
}

// MatchPerson lists the people already held who may be the person given, best first, with the
// reasons for each score. Every candidate shown is audited as consulted.
func (s *Store) MatchPerson(ctx context.Context, p *auth.Principal, person *pole.Person) ([]peel.MatchCandidate, error) {
	if err := p.Require(auth.PermRead); err != nil {
		return nil, err
	}
	vocab, err := s.Vocabulary(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := pole.Validate(person, vocab, s.Now()); err != nil {
		return nil, err
	}
	mp := matchPerson("", person)
	out, err := s.personCandidates(ctx, &reader{s: s, db: s.r}, p, &mp, CandidateMatch, 20)
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []peel.MatchCandidate{}
	}
	var ids []string
	for _, c := range out {
		ids = append(ids, c.ID)
	}
	if len(ids) > 0 {
		if err := s.Consult(ctx, p, audit.ActionQuery, ids, "person match"); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// checkPersonMatch refuses a new person who strongly matches someone already held, answering
// the candidates so the officer can pick one or confirm a new record with a reason.
func (s *Store) checkPersonMatch(ctx context.Context, tx *Tx, p *auth.Principal, person *pole.Person) error {
	mp := matchPerson("", person)
	cands, err := s.personCandidates(ctx, tx, p, &mp, StrongMatch, 10)
	if err != nil || len(cands) == 0 {
		return err
	}
	return &pole.Error{Code: pole.EConflict, Message: fmt.Sprintf("this person may already be held (%d strong matches): open one, or confirm a new record with confirm_new=true and a reason", len(cands)),
		Detail: map[string]any{"candidates": cands}}
}

// pairKey orders a pair of ids.
func pairKey(a, b string) (string, string) {
	if a < b {
		return a, b
	}
	return b, a
}

// allPeople loads what matching sees of every live person, in id order: pages of stored features
// are read in turn while earlier pages are decoded on every core (decoding a million people's
// features took a quarter of a dedupe run on one).
func (s *Store) allPeople(ctx context.Context) ([]match.Person, error) {
	rd := &reader{s: s, db: s.r}
	type page struct {
		ids, feats []string
		out        []match.Person
		err        error
	}
	var pages []*page
	work := make(chan *page)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for pg := range work {
				pg.out = make([]match.Person, len(pg.ids))
				for i, f := range pg.feats {
					if err := json.Unmarshal([]byte(f), &pg.out[i]); err != nil {
						pg.err = fmt.Errorf("person %s features: %w", pg.ids[i], err)
						break
					}
				}
				pg.feats = nil
			}
		}()
	}
	err := func() error {
		defer close(work)
		after := ""
		for {
			rows, err := rd.query(ctx, `SELECT f.person_id, f.features FROM records r JOIN person_features f ON f.person_id = r.id
				WHERE r.kind = 'person' AND r.deleted = 0 AND r.merged_into IS NULL AND r.id > ? AND f.person_id > ? ORDER BY r.id LIMIT 5000`, after, after)
			if err != nil {
				return err
			}
			pg := &page{}
			for rows.Next() {
				var id, f string
				if err := rows.Scan(&id, &f); err != nil {
					rows.Close()
					return err
				}
				pg.ids = append(pg.ids, id)
				pg.feats = append(pg.feats, f)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			if len(pg.ids) == 0 {
				return nil
			}
			after = pg.ids[len(pg.ids)-1]
			pages = append(pages, pg)
			select {
			case work <- pg:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}()
	wg.Wait()
	if err != nil {
		return nil, err
	}
	n := 0
	for _, pg := range pages {
		if pg.err != nil {
			return nil, pg.err
		}
		n += len(pg.out)
	}
	out := make([]match.Person, 0, n)
	for _, pg := range pages {
		out = append(out, pg.out...)
	}
	return out, nil
}

// Dedupe finds groups of duplicate people in the whole store: it trains the matching model on the
// force's own people, scores the candidate pairs of the blocking rules, clusters them, and
// replaces the proposed groups in the review queue. Decisions already taken stay: rejected pairs
// are never proposed again, and people in deferred groups keep their group.
func (s *Store) Dedupe(ctx context.Context, p *auth.Principal) (*peel.DedupeSummary, error) {
	if err := p.Require(auth.PermMerge); err != nil {
		return nil, err
	}
	start := time.Now()
	people, err := s.allPeople(ctx)
	if err != nil {
		return nil, err
	}
	loaded := time.Now()
	rejected := map[[2]string]bool{}
	rows, err := s.r.QueryContext(ctx, `SELECT a, b FROM rejected_pairs`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var a, b string
		if err := rows.Scan(&a, &b); err != nil {
			rows.Close()
			return nil, err
		}
		rejected[[2]string{a, b}] = true
	}
	rows.Close()
	deferred := map[string]bool{}
	rows, err = s.r.QueryContext(ctx, `SELECT m.person_id FROM duplicate_members m JOIN duplicate_groups g ON g.id = m.group_id WHERE g.status = 'deferred'`)
	if err := addIDs(rows, err, deferred); err != nil {
		return nil, err
	}
	var pool []match.Person
	for _, mp := range people {
		if !deferred[mp.ID] {
			pool = append(pool, mp)
		}
	}
	// Too few people to estimate the model from: the default model is steadier.
	// Prepared once for training and detection both.
	pop := match.NewPopulation(pool, 0)
	model := match.DefaultModel()
	if len(pool) >= minTrainPeople {
		if m, err := match.TrainPopulation(pop, match.TrainOptions{}); err == nil {
			model = m
		}
	}
	trained := time.Now()
	freqs := match.CountFrequencies(pool)
	sc := match.NewScorer(model, freqs)
	clusters, stats := match.DedupePopulation(pop, sc, match.DedupeOptions{Exclude: func(a, b string) bool {
		x, y := pairKey(a, b)
		return rejected[[2]string{x, y}]
	}})
	modelJSON, err := json.Marshal(model)
	if err != nil {
		return nil, err
	}
	freqJSON, err := json.Marshal(freqs)
	if err != nil {
		return nil, err
	}
	sum := &peel.DedupeSummary{People: len(people), CandidatePairs: stats.CandidatePairs, Groups: len(clusters)}
	clustered := time.Now()
	err = s.write(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `DELETE FROM duplicate_members WHERE group_id IN (SELECT id FROM duplicate_groups WHERE status = 'proposed')`); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM duplicate_groups WHERE status = 'proposed'`); err != nil {
			return err
		}
		for _, c := range clusters {
			gid := NewID()
			if err := tx.bufferRow(ctx, "duplicate_groups", "id, kind, status, score, created_at", []any{gid, "person", "proposed", c.Score, micros(tx.now)}); err != nil {
				return err
			}
			for _, m := range c.Members {
				if err := tx.bufferRow(ctx, "duplicate_members", "group_id, person_id", []any{gid, m}); err != nil {
					return err
				}
			}
			sum.GroupedPeople += len(c.Members)
		}
		if err := tx.setSetting(ctx, SettingDedupeDue, "false"); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM match_models WHERE id = 1`); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO match_models (id, trained_at, people, model, freqs) VALUES (1, ?, ?, ?, ?)`, tx.now.UnixNano(), len(pool), string(modelJSON), string(freqJSON)); err != nil {
			return err
		}
		sum.Seconds = round3(time.Since(start).Seconds())
		detail, _ := json.Marshal(sum)
		tx.audit(p, audit.ActionDedupe, nil, "dedupe: "+string(detail))
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("dedupe", "people", sum.People, "candidate_pairs", sum.CandidatePairs, "groups", sum.Groups,
		"load", loaded.Sub(start).Round(time.Millisecond), "train", trained.Sub(loaded).Round(time.Millisecond),
		"cluster", clustered.Sub(trained).Round(time.Millisecond), "write", time.Since(clustered).Round(time.Millisecond))
	return sum, nil
}

// Duplicates lists the groups awaiting review (proposed or deferred), as the principal may see
// them: members it may not see are left out, and groups left with fewer than two members too.
func (s *Store) Duplicates(ctx context.Context, p *auth.Principal, cursor string, limit int) ([]peel.DuplicateGroup, string, error) {
	if err := p.Require(auth.PermMerge); err != nil {
		return nil, "", err
	}
	if limit <= 0 || limit > 1000 {
		limit = 50
	}
	rd := &reader{s: s, db: s.r}
	var out []peel.DuplicateGroup
	for len(out) < limit {
		rows, err := rd.query(ctx, `SELECT id, score, status FROM duplicate_groups WHERE kind = 'person' AND status IN ('proposed', 'deferred') AND id > ? ORDER BY id LIMIT ?`, cursor, limit)
		if err != nil {
			return nil, "", err
		}
		var groups []peel.DuplicateGroup
		for rows.Next() {
			var g peel.DuplicateGroup
			if err := rows.Scan(&g.ID, &g.Score, &g.Status); err != nil {
				rows.Close()
				return nil, "", err
			}
			groups = append(groups, g)
		}
		rows.Close()
		if len(groups) == 0 {
			return out, "", nil
		}
		cursor = groups[len(groups)-1].ID
		members, err := s.groupMembers(ctx, rd, groupIDs(groups))
		if err != nil {
			return nil, "", err
		}
		var all []string
		for _, ms := range members {
			all = append(all, ms...)
		}
		recs, err := s.loadVisible(ctx, rd, p, all)
		if err != nil {
			return nil, "", err
		}
		for _, g := range groups {
			for _, id := range members[g.ID] {
				if r := recs[id]; r != nil {
					b := brief(r)
					g.Members = append(g.Members, peel.Brief{ID: b.ID, Refs: b.Refs, Label: b.Label})
				}
			}
			if len(g.Members) >= 2 && len(out) < limit {
				g.Score = round3(g.Score)
				out = append(out, g)
			}
		}
		if len(groups) < limit {
			return out, "", nil
		}
	}
	return out, cursor, nil
}

func groupIDs(gs []peel.DuplicateGroup) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = g.ID
	}
	return out
}

func (s *Store) groupMembers(ctx context.Context, q querier, ids []string) (map[string][]string, error) {
	out := map[string][]string{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := q.query(ctx, `SELECT group_id, person_id FROM duplicate_members WHERE group_id IN (`+inList(len(ids))+`) ORDER BY group_id, person_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var g, p string
		if err := rows.Scan(&g, &p); err != nil {
			return nil, err
		}
		out[g] = append(out[g], p)
	}
	return out, rows.Err()
}

// DecideGroup records a reviewer's decision on a proposed group: "rejected" (not the same
// person: every pair is remembered and never proposed again) or "deferred". Merging is Merge.
func (s *Store) DecideGroup(ctx context.Context, p *auth.Principal, groupID, decision, note string) error {
	if err := p.Require(auth.PermMerge); err != nil {
		return err
	}
	if decision != "rejected" && decision != "deferred" && decision != "proposed" {
		return pole.Invalid("bad decision", pole.FieldError{Field: "decision", Message: "must be rejected, deferred or proposed"})
	}
	return s.write(ctx, func(tx *Tx) error {
		var status string
		err := tx.queryRow(ctx, `SELECT status FROM duplicate_groups WHERE id = ?`, groupID).Scan(&status)
		if isNoRows(err) {
			return pole.NotFound("duplicate group", groupID)
		}
		if err != nil {
			return err
		}
		if status == "merged" || status == "rejected" {
			return pole.Errorf(pole.EConflict, "the group was already %s", status)
		}
		members, err := s.groupMembers(ctx, tx, []string{groupID})
		if err != nil {
			return err
		}
		ms := members[groupID]
		if _, err := tx.exec(ctx, `UPDATE duplicate_groups SET status = ?, decided_by = ?, decided_at = ?, note = ? WHERE id = ?`, decision, p.Username, micros(tx.now), note, groupID); err != nil {
			return err
		}
		if decision == "rejected" {
			for i := range ms {
				for j := i + 1; j < len(ms); j++ {
					a, b := pairKey(ms[i], ms[j])
					if _, err := tx.exec(ctx, `INSERT INTO rejected_pairs (a, b, by_user, at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`, a, b, p.Username, micros(tx.now)); err != nil {
						return err
					}
				}
			}
		}
		tx.audit(p, audit.ActionReview, ms, "duplicate group "+groupID+" "+decision+": "+note)
		return nil
	})
}

// GroupDetail is a duplicate group for review: its members in full, and each member compared with
// the first, field by field.
func (s *Store) GroupDetail(ctx context.Context, p *auth.Principal, groupID string) (*peel.GroupDetail, error) {
	if err := p.Require(auth.PermMerge); err != nil {
		return nil, err
	}
	rd := &reader{s: s, db: s.r}
	g := &peel.GroupDetail{ID: groupID}
	var note sql.NullString
	err := rd.queryRow(ctx, `SELECT status, score, note FROM duplicate_groups WHERE id = ?`, groupID).Scan(&g.Status, &g.Score, &note)
	if isNoRows(err) {
		return nil, pole.NotFound("duplicate group", groupID)
	}
	if err != nil {
		return nil, err
	}
	g.Note = note.String
	members, err := s.groupMembers(ctx, rd, []string{groupID})
	if err != nil {
		return nil, err
	}
	recs, err := s.loadVisible(ctx, rd, p, members[groupID])
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, id := range members[groupID] {
		if recs[id] != nil {
			ids = append(ids, id)
			g.Members = append(g.Members, recs[id])
		}
	}
	if len(ids) < 2 {
		return nil, pole.NotFound("duplicate group", groupID)
	}
	feats, err := s.storedFeatures(ctx, rd, ids)
	if err != nil {
		return nil, err
	}
	sc, people, err := s.scorer(ctx, rd)
	if err != nil {
		return nil, err
	}
	sc = sc.WithPopulation(people)
	first := feats[ids[0]]
	for _, id := range ids[1:] {
		if f := feats[id]; f != nil && first != nil {
			res := sc.Compare(first, f)
			g.Comparisons = append(g.Comparisons, peel.MatchCandidate{ID: id, Score: round3(res.Score), Probability: round3(res.Probability), Reasons: res.Reasons})
		}
	}
	g.Score = round3(g.Score)
	return g, s.Consult(ctx, p, audit.ActionView, ids, "duplicate review "+groupID)
}
