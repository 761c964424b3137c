package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/peel-rms/peel/audit"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
	"github.com/peel-rms/peel/ukref"
)

// Vocabulary returns the force's reference vocabularies: the shipped defaults, replaced list by list
// by an administrator's edits.
func (s *Store) Vocabulary(ctx context.Context) (*ukref.Vocabulary, error) {
	return loadVocab(ctx, &reader{s: s, db: s.r})
}

func loadVocab(ctx context.Context, q querier) (*ukref.Vocabulary, error) {
	v := ukref.DefaultVocabulary()
	rows, err := q.query(ctx, `SELECT name, terms FROM vocabularies`)
	if err != nil {
		return nil, fmt.Errorf("load vocabularies: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name, terms string
		if err := rows.Scan(&name, &terms); err != nil {
			return nil, err
		}
		if list := v.List(name); list != nil {
			var ts []ukref.Term
			if err := json.Unmarshal([]byte(terms), &ts); err != nil {
				return nil, fmt.Errorf("vocabulary %s: %w", name, err)
			}
			*list = ts
		}
	}
	return v, rows.Err()
}

// vocabulary is the reference vocabularies as this transaction sees them, read once however many
// batched writes ask (a vocabulary changes in a transaction of its own).
func (tx *Tx) vocabulary(ctx context.Context) (*ukref.Vocabulary, error) {
	if tx.vocab == nil {
		v, err := loadVocab(ctx, tx)
		if err != nil {
			return nil, err
		}
		tx.vocab = v
	}
	return tx.vocab, nil
}

// PutVocabulary replaces one vocabulary list. Values already used by records stay readable.
func (s *Store) PutVocabulary(ctx context.Context, p *auth.Principal, name string, terms []ukref.Term) error {
	if err := p.Require(auth.PermVocab); err != nil {
		return err
	}
	if ukref.DefaultVocabulary().List(name) == nil {
		return pole.NotFound("vocabulary", name)
	}
	seen := map[string]bool{}
	for i, t := range terms {
		if t.Code == "" {
			return pole.Invalid("a term needs a code", pole.FieldError{Field: fmt.Sprintf("[%d].code", i), Message: "is required"})
		}
		if seen[t.Code] {
			return pole.Invalid("duplicate code", pole.FieldError{Field: fmt.Sprintf("[%d].code", i), Message: fmt.Sprintf("%q appears twice", t.Code)})
		}
		seen[t.Code] = true
		if name == "marker_codes" && t.Category != ukref.OfficerSafety && t.Category != ukref.Medical && t.Category != ukref.Vulnerability {
			return pole.Invalid("bad marker category", pole.FieldError{Field: fmt.Sprintf("[%d].category", i), Message: "must be officer_safety, medical or vulnerability"})
		}
	}
	data, _ := json.Marshal(terms)
	return s.write(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `DELETE FROM vocabularies WHERE name = ?`, name); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO vocabularies (name, terms) VALUES (?, ?)`, name, string(data)); err != nil {
			return err
		}
		tx.audit(p, audit.ActionAdmin, nil, "vocabulary "+name+" replaced ("+fmt.Sprint(len(terms))+" terms)")
		return nil
	})
}

// Setting names.
const (
	// SettingRequirePurpose makes X-Peel-Purpose mandatory on record reads ("true"/"false").
	SettingRequirePurpose = "require_purpose"
)

// SettingDedupeDue is "true" when people were imported since the last duplicate detection run.
const SettingDedupeDue = "dedupe_due"

func (tx *Tx) setSetting(ctx context.Context, name, value string) error {
	if _, err := tx.exec(ctx, `DELETE FROM settings WHERE name = ?`, name); err != nil {
		return err
	}
	_, err := tx.exec(ctx, `INSERT INTO settings (name, value) VALUES (?, ?)`, name, value)
	return err
}

// Setting returns a setting's value, or def when unset.
func (s *Store) Setting(ctx context.Context, name, def string) (string, error) {
	var v string
	err := (&reader{s: s, db: s.r}).queryRow(ctx, `SELECT value FROM settings WHERE name = ?`, name).Scan(&v)
	if err != nil {
		if isNoRows(err) {
			return def, nil
		}
		return "", err
	}
	return v, nil
}

// PutSetting changes a setting.
func (s *Store) PutSetting(ctx context.Context, p *auth.Principal, name, value string) error {
	if err := p.Require(auth.PermVocab); err != nil {
		return err
	}
	return s.write(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `DELETE FROM settings WHERE name = ?`, name); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO settings (name, value) VALUES (?, ?)`, name, value); err != nil {
			return err
		}
		tx.audit(p, audit.ActionAdmin, nil, "setting "+name+" = "+value)
		return nil
	})
}
