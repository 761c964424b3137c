package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/peel-rms/peel"

	"github.com/peel-rms/peel/audit"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
	"github.com/peel-rms/peel/ukref"
)

const linkCols = "id, from_id, to_id, role, valid_from, valid_to, vf_text, vt_text, evidence, version, created_at, updated_at, created_by, deleted, updated_by"

func scanLink(sc scanner) (*pole.Link, error) {
	var l pole.Link
	var vf, vt sql.NullInt64
	var vfText, vtText, evidence, by sql.NullString
	var created, updated int64
	var deleted int
	if err := sc.Scan(&l.ID, &l.From, &l.To, &l.Role, &vf, &vt, &vfText, &vtText, &evidence, &l.Version, &created, &updated, &l.CreatedBy, &deleted, &by); err != nil {
		return nil, err
	}
	l.ValidFrom = momentFrom(vf, vfText)
	l.ValidTo = momentFrom(vt, vtText)
	l.Evidence = evidence.String
	l.CreatedAt, l.UpdatedAt = fromMicros(created), fromMicros(updated)
	l.Deleted, l.UpdatedBy = deleted != 0, by.String
	return &l, nil
}

func momentFrom(v sql.NullInt64, text sql.NullString) *pole.Moment {
	if !v.Valid {
		return nil
	}
	if text.String != "" {
		if m, err := pole.ParseMoment(text.String); err == nil {
			return &m
		}
	}
	return pole.At(fromMicros(v.Int64))
}

func momentText(m *pole.Moment) any {
	if m == nil {
		return nil
	}
	return m.String()
}

// NaturalKey identifies a link for re-imports: the same from, to, role and start is the same link.
func NaturalKey(from, to, role string, validFrom *pole.Moment) string {
	vf := "-"
	if validFrom != nil {
		vf = strconv.FormatInt(validFrom.T.UnixMicro(), 10)
	}
	return from + "|" + to + "|" + role + "|" + vf
}

// link stores a new link after checking both ends, or returns the existing link with the same
// natural key. created is false when it already existed.
func (w *writer) link(ctx context.Context, l *pole.Link) (created bool, err error) {
	tx := w.tx
	nk := NaturalKey(l.From, l.To, l.Role, l.ValidFrom)
	if id, ok := w.links()[nk]; ok {
		l.ID = id
		return false, nil
	}
	if !w.skipLinkLookup {
		var existing string
		err = tx.queryRow(ctx, `SELECT id FROM links WHERE natural_key = ? AND deleted = 0`, nk).Scan(&existing)
		if err == nil {
			l.ID = existing
			return false, nil
		}
		if !isNoRows(err) {
			return false, err
		}
	}
	l.ID = NewID()
	l.Version = 1
	l.CreatedAt, l.UpdatedAt, l.CreatedBy = tx.now, tx.now, w.p.Username
	if err := tx.putLink(ctx, l, w.p.Username, nil); err != nil {
		return false, err
	}
	w.links()[nk] = l.ID
	w.newLinks++
	return true, nil
}

func (w *writer) links() map[string]string {
	if w.linkKeys == nil {
		w.linkKeys = map[string]string{}
	}
	return w.linkKeys
}

// putLink writes a link's current row. For a change, old is the link as it was, kept as a version
// row (the current version lives in links).
func (tx *Tx) putLink(ctx context.Context, l *pole.Link, by string, old *pole.Link) error {
	l.UpdatedBy = by
	nk := NaturalKey(l.From, l.To, l.Role, l.ValidFrom)
	row := []any{l.ID, l.From, l.To, l.Role, nullMicros(l.ValidFrom), nullMicros(l.ValidTo), momentText(l.ValidFrom), momentText(l.ValidTo),
		nullString(l.Evidence), l.Version, micros(l.CreatedAt), micros(l.UpdatedAt), l.CreatedBy, boolInt(l.Deleted), l.UpdatedBy, nk}
	if old == nil {
		if err := tx.bufferRow(ctx, "links", linkCols+", natural_key", row); err != nil {
			return err
		}
	} else {
		if err := tx.flushTable(ctx, "links"); err != nil {
			return err
		}
		snap, err := json.Marshal(old)
		if err != nil {
			return err
		}
		oldBy := old.UpdatedBy
		if oldBy == "" {
			oldBy = old.CreatedBy
		}
		if _, err := tx.exec(ctx, `INSERT INTO link_versions (link_id, version, at, by_user, link) VALUES (?, ?, ?, ?, ?)`,
			old.ID, old.Version, micros(old.UpdatedAt), oldBy, string(snap)); err != nil {
			return fmt.Errorf("link version: %w", err)
		}
		if _, err := tx.exec(ctx, `UPDATE links SET from_id = ?, to_id = ?, role = ?, valid_from = ?, valid_to = ?, vf_text = ?, vt_text = ?,
			evidence = ?, version = ?, created_at = ?, updated_at = ?, created_by = ?, deleted = ?, updated_by = ?, natural_key = ? WHERE id = ?`,
			append(row[1:], l.ID)...); err != nil {
			return fmt.Errorf("update link: %w", err)
		}
	}
	tx.changes = append(tx.changes, peel.Change{Kind: "link", ID: l.ID})
	tx.linkEnds = append(tx.linkEnds, l.From, l.To)
	if slices.Contains(addressRoles, l.Role) || slices.Contains(phoneRoles, l.Role) {
		tx.touchPerson(l.From)
	}
	return nil
}

// checkLink validates a link's role, ends and evidence against visible, live records.
func (s *Store) checkLink(ctx context.Context, q querier, p *auth.Principal, l *pole.Link, vocab *ukref.Vocabulary) error {
	kinds := map[string]pole.Kind{}
	for _, end := range []struct{ field, id string }{{"from", l.From}, {"to", l.To}, {"evidence", l.Evidence}} {
		if end.id == "" {
			if end.field != "evidence" {
				return pole.Invalid("missing "+end.field, pole.FieldError{Field: end.field, Message: "is required"})
			}
			continue
		}
		r, err := s.visible(ctx, q, p, end.id)
		if pole.IsNotFound(err) {
			return pole.Invalid("unknown record", pole.FieldError{Field: end.field, Message: fmt.Sprintf("no record %q", end.id)})
		}
		if err != nil {
			return err
		}
		if r.MergedInto != "" {
			return pole.Invalid("merged record", pole.FieldError{Field: end.field, Message: fmt.Sprintf("record %q was merged into %q; link the survivor", end.id, r.MergedInto)})
		}
		kinds[end.field] = r.Kind
	}
	return pole.ValidateLink(l, kinds["from"], kinds["to"], vocab, false)
}

// CreateLink links two records. Linking the same records with the same role and start again
// returns the existing link (created=false).
func (s *Store) CreateLink(ctx context.Context, p *auth.Principal, in *pole.LinkInput) (*pole.Link, bool, error) {
	if err := p.Require(auth.PermWrite); err != nil {
		return nil, false, err
	}
	l := &pole.Link{From: in.From, To: in.To, Role: in.Role, ValidFrom: in.ValidFrom, ValidTo: in.ValidTo, Evidence: in.Evidence}
	var created bool
	err := s.write(ctx, func(tx *Tx) error {
		vocab, err := loadVocab(ctx, tx)
		if err != nil {
			return err
		}
		if err := s.checkLink(ctx, tx, p, l, vocab); err != nil {
			return err
		}
		w := &writer{tx: tx, p: p}
		created, err = w.link(ctx, l)
		if err != nil {
			return err
		}
		if created {
			tx.audit(p, audit.ActionLink, []string{l.From, l.To, l.ID}, l.Role)
		}
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	out, err := s.loadLink(ctx, &reader{s: s, db: s.r}, l.ID)
	return out, created, err
}

func (s *Store) loadLink(ctx context.Context, q querier, id string) (*pole.Link, error) {
	l, err := scanLink(q.queryRow(ctx, "SELECT "+linkCols+" FROM links WHERE id = ?", id))
	if isNoRows(err) {
		return nil, pole.NotFound("link", id)
	}
	return l, err
}

// visibleLink loads a live link whose both ends the principal may see.
func (s *Store) visibleLink(ctx context.Context, q querier, p *auth.Principal, id string) (*pole.Link, error) {
	l, err := s.loadLink(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if l.Deleted {
		return nil, pole.NotFound("link", id)
	}
	recs, err := loadRecords(ctx, q, s.dialect.MaxParams, []string{l.From, l.To})
	if err != nil {
		return nil, err
	}
	for _, end := range []string{l.From, l.To} {
		r := recs[end]
		if r == nil || r.Deleted || !p.CanSee(r.Access) {
			return nil, pole.NotFound("link", id)
		}
	}
	return l, nil
}

// GetLink reads a link whose both ends the principal may see.
func (s *Store) GetLink(ctx context.Context, p *auth.Principal, id string) (*pole.Link, error) {
	if err := p.Require(auth.PermRead); err != nil {
		return nil, err
	}
	l, err := s.visibleLink(ctx, &reader{s: s, db: s.r}, p, id)
	if err != nil {
		return nil, err
	}
	return l, s.Consult(ctx, p, audit.ActionView, []string{l.From, l.To, l.ID}, "link")
}

// UpdateLink applies a merge patch to a link's role, validity and evidence.
func (s *Store) UpdateLink(ctx context.Context, p *auth.Principal, id string, ifMatch int, patch []byte) (*pole.Link, error) {
	if err := p.Require(auth.PermWrite); err != nil {
		return nil, err
	}
	var out *pole.Link
	err := s.write(ctx, func(tx *Tx) error {
		l, err := s.visibleLink(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if ifMatch > 0 && ifMatch != l.Version {
			return pole.Errorf(pole.EPreconditionFailed, "link %s is at version %d, not %d", id, l.Version, ifMatch)
		}
		cur, _ := json.Marshal(pole.LinkInput{From: l.From, To: l.To, Role: l.Role, ValidFrom: l.ValidFrom, ValidTo: l.ValidTo, Evidence: l.Evidence})
		merged, err := pole.MergePatch(cur, patch)
		if err != nil {
			return err
		}
		var in pole.LinkInput
		if perr := pole.DecodeStrict(merged, &in); perr != nil {
			return perr
		}
		if in.From != l.From || in.To != l.To {
			return pole.Invalid("a link's ends cannot change", pole.FieldError{Field: "from", Message: "delete the link and make a new one"})
		}
		vocab, err := loadVocab(ctx, tx)
		if err != nil {
			return err
		}
		nl := *l
		nl.Role, nl.ValidFrom, nl.ValidTo, nl.Evidence = in.Role, in.ValidFrom, in.ValidTo, in.Evidence
		if err := s.checkLink(ctx, tx, p, &nl, vocab); err != nil {
			return err
		}
		nl.Version++
		nl.UpdatedAt = tx.now
		if err := tx.putLink(ctx, &nl, p.Username, l); err != nil {
			return err
		}
		tx.audit(p, audit.ActionLink, []string{l.From, l.To, l.ID}, "changed: "+nl.Role)
		out = &nl
		return nil
	})
	return out, mapUnique(err)
}

// DeleteLink marks a link deleted; its history stays.
func (s *Store) DeleteLink(ctx context.Context, p *auth.Principal, id string, ifMatch int) error {
	if err := p.Require(auth.PermWrite); err != nil {
		return err
	}
	return s.write(ctx, func(tx *Tx) error {
		l, err := s.visibleLink(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if ifMatch > 0 && ifMatch != l.Version {
			return pole.Errorf(pole.EPreconditionFailed, "link %s is at version %d, not %d", id, l.Version, ifMatch)
		}
		oldLink := *l
		l.Version++
		l.UpdatedAt = tx.now
		l.Deleted = true
		if err := tx.putLink(ctx, l, p.Username, &oldLink); err != nil {
			return err
		}
		tx.audit(p, audit.ActionUnlink, []string{l.From, l.To, l.ID}, l.Role)
		return nil
	})
}

func mapUnique(err error) error {
	if err != nil && (strings.Contains(err.Error(), "UNIQUE constraint") || strings.Contains(err.Error(), "duplicate key")) {
		return pole.Errorf(pole.EConflict, "a link with the same records, role and start already exists")
	}
	return err
}

// LinksOf returns the live links of a record whose far end the principal may see, grouped by role.
// With asOf, only links valid at that time.
func (s *Store) LinksOf(ctx context.Context, p *auth.Principal, id string, asOf *time.Time) ([]peel.LinkView, error) {
	rd := &reader{s: s, db: s.r}
	return s.linksOf(ctx, rd, p, id, asOf)
}

func (s *Store) linksOf(ctx context.Context, q querier, p *auth.Principal, id string, asOf *time.Time) ([]peel.LinkView, error) {
	rows, err := q.query(ctx, "SELECT "+linkCols+" FROM links WHERE from_id = ? AND deleted = 0 UNION ALL SELECT "+linkCols+" FROM links WHERE to_id = ? AND deleted = 0", id, id)
	if err != nil {
		return nil, fmt.Errorf("links of %s: %w", id, err)
	}
	var links []*pole.Link
	var others []string
	for rows.Next() {
		l, err := scanLink(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		if asOf != nil && !l.Valid(*asOf) {
			continue
		}
		links = append(links, l)
		others = append(others, l.Other(id))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	recs, err := loadRecords(ctx, q, s.dialect.MaxParams, others)
	if err != nil {
		return nil, err
	}
	out := make([]peel.LinkView, 0, len(links))
	for _, l := range links {
		o := recs[l.Other(id)]
		if o == nil || o.Deleted || !p.CanSee(o.Access) {
			continue
		}
		dir := "out"
		if l.To == id && l.From != id {
			dir = "in"
		}
		refs := o.Refs
		if refs == nil {
			refs = []pole.Ref{}
		}
		out = append(out, peel.LinkView{ID: l.ID, Role: l.Role, Direction: dir, ValidFrom: l.ValidFrom, ValidTo: l.ValidTo, Evidence: l.Evidence,
			Other: peel.OtherRecord{ID: o.ID, Kind: o.Kind, Refs: refs, Label: o.Label()}})
	}
	sortLinkViews(out)
	return out, nil
}

// sortLinkViews orders links by role, then the other record's label, so pages group them by role.
func sortLinkViews(ls []peel.LinkView) {
	slices.SortStableFunc(ls, func(a, b peel.LinkView) int {
		if c := strings.Compare(a.Role, b.Role); c != 0 {
			return c
		}
		return strings.Compare(a.Other.Label, b.Other.Label)
	})
}
