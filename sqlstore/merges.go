package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/audit"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
)

// movedLink records a link a merge repointed: the original (now deleted) and its replacement.
type movedLink struct {
	Old string `json:"old"`
	New string `json:"new,omitempty"` // empty when the survivor already had the same link
}

// mergeRecord is what the merges table keeps to undo a merge exactly.
type mergeRecord struct {
	Moved []movedLink `json:"moved"`
	// Versions are the members' versions before the merge.
	Versions map[string]int `json:"versions"`
	Group    string         `json:"group,omitempty"`
}

// Merge merges people into a survivor: each member keeps its record and every version, gains
// merged_into, and its links are repointed to the survivor. The merge can be undone exactly.
func (s *Store) Merge(ctx context.Context, p *auth.Principal, survivor string, members []string, reason string) (*peel.Merge, error) {
	if err := p.Require(auth.PermMerge); err != nil {
		return nil, err
	}
	if strings.TrimSpace(reason) == "" {
		return nil, pole.Invalid("a reason is required", pole.FieldError{Field: "reason", Message: "say why these records are one person"})
	}
	members = uniq(members)
	if len(members) == 0 {
		return nil, pole.Invalid("no members", pole.FieldError{Field: "members", Message: "name the records to merge into the survivor"})
	}
	if slices.Contains(members, survivor) {
		return nil, pole.Invalid("survivor in members", pole.FieldError{Field: "members", Message: "the survivor cannot be merged into itself"})
	}
	m := &peel.Merge{ID: NewID(), Survivor: survivor, Members: members, Reason: reason, By: p.Username}
	err := s.write(ctx, func(tx *Tx) error {
		m.At = tx.now
		sv, err := s.visibleOfKind(ctx, tx, p, survivor, pole.KindPerson)
		if err != nil {
			return pole.Invalid("unknown survivor", pole.FieldError{Field: "survivor", Message: fmt.Sprintf("no person %q", survivor)})
		}
		if sv.MergedInto != "" {
			return pole.Invalid("survivor merged", pole.FieldError{Field: "survivor", Message: "was itself merged into " + sv.MergedInto})
		}
		rec := mergeRecord{Versions: map[string]int{}}
		w := &writer{tx: tx, p: p}
		for i, id := range members {
			r, err := s.visibleOfKind(ctx, tx, p, id, pole.KindPerson)
			if err != nil {
				return pole.Invalid("unknown member", pole.FieldError{Field: fmt.Sprintf("members[%d]", i), Message: fmt.Sprintf("no person %q", id)})
			}
			if r.MergedInto != "" {
				return pole.Invalid("already merged", pole.FieldError{Field: fmt.Sprintf("members[%d]", i), Message: "was already merged into " + r.MergedInto})
			}
			rec.Versions[id] = r.Version
			// Repoint every live link of the member to the survivor.
			for _, col := range []string{"from_id", "to_id"} {
				ls, err := s.liveLinks(ctx, tx, col, []string{id}, nil)
				if err != nil {
					return err
				}
				for _, l := range ls {
					nl := &pole.Link{From: l.From, To: l.To, Role: l.Role, ValidFrom: l.ValidFrom, ValidTo: l.ValidTo, Evidence: l.Evidence}
					if nl.From == id {
						nl.From = survivor
					}
					if nl.To == id {
						nl.To = survivor
					}
					oldLink := *l
					l.Version++
					l.UpdatedAt, l.Deleted = tx.now, true
					if err := tx.putLink(ctx, l, p.Username, &oldLink); err != nil {
						return err
					}
					mv := movedLink{Old: l.ID}
					if nl.From != nl.To && !(slices.Contains(members, nl.From) || slices.Contains(members, nl.To)) {
						if err := tx.flush(ctx); err != nil {
							return err
						}
						created, err := w.link(ctx, nl)
						if err != nil {
							return err
						}
						if created {
							mv.New = nl.ID
						}
					}
					rec.Moved = append(rec.Moved, mv)
				}
			}
			old := *r
			r.Version++
			r.UpdatedAt, r.MergedInto = tx.now, survivor
			if err := tx.putRecord(ctx, r, p.Username, &old); err != nil {
				return err
			}
		}
		// The group these people were proposed in, if any, is decided.
		var gid string
		err = tx.queryRow(ctx, `SELECT g.id FROM duplicate_groups g JOIN duplicate_members m ON m.group_id = g.id WHERE m.person_id = ? AND g.status IN ('proposed', 'deferred') LIMIT 1`, survivor).Scan(&gid)
		if err == nil {
			rec.Group = gid
			if _, err := tx.exec(ctx, `UPDATE duplicate_groups SET status = 'merged', decided_by = ?, decided_at = ?, note = ? WHERE id = ?`, p.Username, micros(tx.now), reason, gid); err != nil {
				return err
			}
		} else if !isNoRows(err) {
			return err
		}
		moved, _ := json.Marshal(rec)
		ms, _ := json.Marshal(members)
		if _, err := tx.exec(ctx, `INSERT INTO merges (id, survivor, members, reason, by_user, at, moved) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			m.ID, survivor, string(ms), reason, p.Username, micros(tx.now), string(moved)); err != nil {
			return err
		}
		tx.audit(p, audit.ActionMerge, append([]string{survivor}, members...), "merge "+m.ID+": "+reason)
		return nil
	})
	if err != nil {
		return nil, mapUnique(err)
	}
	return m, nil
}

// Unmerge undoes a merge exactly: the members are live again, the links the merge made are
// removed and the links it moved are restored.
func (s *Store) Unmerge(ctx context.Context, p *auth.Principal, mergeID string) error {
	if err := p.Require(auth.PermMerge); err != nil {
		return err
	}
	return s.write(ctx, func(tx *Tx) error {
		var survivor, membersJSON, movedJSON string
		var undone *int64
		err := tx.queryRow(ctx, `SELECT survivor, members, moved, undone_at FROM merges WHERE id = ?`, mergeID).Scan(&survivor, &membersJSON, &movedJSON, &undone)
		if isNoRows(err) {
			return pole.NotFound("merge", mergeID)
		}
		if err != nil {
			return err
		}
		if undone != nil {
			return pole.Errorf(pole.EConflict, "merge %s was already undone", mergeID)
		}
		var members []string
		var rec mergeRecord
		if err := json.Unmarshal([]byte(membersJSON), &members); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(movedJSON), &rec); err != nil {
			return err
		}
		if _, err := s.visibleOfKind(ctx, tx, p, survivor, pole.KindPerson); err != nil {
			return err
		}
		for _, mv := range rec.Moved {
			if mv.New != "" {
				l, err := s.loadLink(ctx, tx, mv.New)
				if err != nil {
					return err
				}
				if !l.Deleted {
					oldLink := *l
					l.Version++
					l.UpdatedAt, l.Deleted = tx.now, true
					if err := tx.putLink(ctx, l, p.Username, &oldLink); err != nil {
						return err
					}
				}
			}
		}
		if err := tx.flush(ctx); err != nil {
			return err
		}
		for _, mv := range rec.Moved {
			l, err := s.loadLink(ctx, tx, mv.Old)
			if err != nil {
				return err
			}
			oldLink := *l
			l.Version++
			l.UpdatedAt, l.Deleted = tx.now, false
			if err := tx.putLink(ctx, l, p.Username, &oldLink); err != nil {
				return mapUnique(err)
			}
		}
		for _, id := range members {
			r, err := s.loadRecord(ctx, tx, id)
			if err != nil {
				return err
			}
			if r.MergedInto != survivor {
				return pole.Errorf(pole.EConflict, "record %s has changed since the merge (now merged into %q)", id, r.MergedInto)
			}
			old := *r
			r.Version++
			r.UpdatedAt, r.MergedInto = tx.now, ""
			if err := tx.putRecord(ctx, r, p.Username, &old); err != nil {
				return err
			}
		}
		if rec.Group != "" {
			if _, err := tx.exec(ctx, `UPDATE duplicate_groups SET status = 'proposed', decided_by = NULL, decided_at = NULL WHERE id = ?`, rec.Group); err != nil {
				return err
			}
		}
		if _, err := tx.exec(ctx, `UPDATE merges SET undone_at = ?, undone_by = ? WHERE id = ?`, micros(tx.now), p.Username, mergeID); err != nil {
			return err
		}
		tx.audit(p, audit.ActionUnmerge, append([]string{survivor}, members...), "unmerge "+mergeID)
		return nil
	})
}

// MergesOf lists the merges into a survivor, for its record page.
func (s *Store) MergesOf(ctx context.Context, p *auth.Principal, survivor string) ([]peel.Merge, error) {
	if err := p.Require(auth.PermRead); err != nil {
		return nil, err
	}
	rd := &reader{s: s, db: s.r}
	if _, err := s.visible(ctx, rd, p, survivor); err != nil {
		return nil, err
	}
	rows, err := rd.query(ctx, `SELECT id, members, reason, by_user, at, undone_at FROM merges WHERE survivor = ? ORDER BY at`, survivor)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []peel.Merge
	for rows.Next() {
		m := peel.Merge{Survivor: survivor}
		var members string
		var at int64
		var undone *int64
		if err := rows.Scan(&m.ID, &members, &m.Reason, &m.By, &at, &undone); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(members), &m.Members); err != nil {
			return nil, err
		}
		m.At, m.Undone = fromMicros(at), undone != nil
		out = append(out, m)
	}
	return out, rows.Err()
}
