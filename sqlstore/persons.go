package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"

	"github.com/peel-rms/peel/match"
	"github.com/peel-rms/peel/pole"
)

// Roles that give a person an address or a number for matching.
var (
	addressRoles = []string{"resides_at", "previously_resided_at"}
	phoneRoles   = []string{"user_of", "subscriber_of"}
)

// matchPerson is what matching sees of a person body, without its links.
func matchPerson(id string, p *pole.Person) match.Person {
	mp := match.Person{ID: id, GivenNames: p.GivenNames, FamilyName: p.FamilyName, DOB: p.DOB, Gender: p.Gender}
	for _, a := range p.Aliases {
		mp.Aliases = append(mp.Aliases, match.Name{GivenNames: a.GivenNames, FamilyName: a.FamilyName})
	}
	for _, i := range p.Identifiers {
		mp.Identifiers = append(mp.Identifiers, match.Identifier{Type: i.Type, Value: i.Value})
	}
	for _, a := range p.Addresses {
		mp.Addresses = append(mp.Addresses, matchAddress(&a.Location))
	}
	for _, ph := range p.Phones {
		mp.Phones = append(mp.Phones, ph.Number)
	}
	return mp
}

func matchAddress(l *pole.Location) match.Address {
	return match.Address{Lines: l.Lines, Town: l.Town, Postcode: l.Postcode, Country: l.Country}
}

// personFeatures builds what matching sees of stored people: their names, dates of birth and
// identifiers, and the addresses and numbers they are linked to. Deleted and merged-away people
// are left out.
func (s *Store) personFeatures(ctx context.Context, q querier, ids []string) (map[string]*match.Person, error) {
	recs, err := loadRecords(ctx, q, s.dialect.MaxParams, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*match.Person, len(recs))
	var live []string
	for id, r := range recs {
		p, ok := r.Body.(*pole.Person)
		if !ok || r.Deleted || r.MergedInto != "" {
			continue
		}
		mp := matchPerson(id, p)
		out[id] = &mp
		live = append(live, id)
	}
	if len(live) == 0 {
		return out, nil
	}
	links, err := s.liveLinks(ctx, q, "from_id", live, append(append([]string{}, addressRoles...), phoneRoles...))
	if err != nil {
		return nil, err
	}
	var ends []string
	for _, l := range links {
		ends = append(ends, l.To)
	}
	others, err := loadRecords(ctx, q, s.dialect.MaxParams, ends)
	if err != nil {
		return nil, err
	}
	for _, l := range links {
		mp, o := out[l.From], others[l.To]
		if mp == nil || o == nil || o.Deleted {
			continue
		}
		switch b := o.Body.(type) {
		case *pole.Location:
			mp.Addresses = append(mp.Addresses, matchAddress(b))
		case *pole.Telephone:
			mp.Phones = append(mp.Phones, b.Number)
		}
	}
	return out, nil
}

// refreshPersonKeys rewrites the blocking keys of the people this transaction touched, so a person
// created or changed (or given an address or number) is found by the next match.
func (tx *Tx) refreshPersonKeys(ctx context.Context) error {
	if len(tx.persons) == 0 {
		return nil
	}
	ids := make([]string, 0, len(tx.persons))
	for id := range tx.persons {
		ids = append(ids, id)
	}
	tx.persons = nil
	if err := tx.flush(ctx); err != nil {
		return err
	}
	for len(ids) > 0 {
		n := min(len(ids), 500)
		chunk := ids[:n]
		ids = ids[n:]
		feats, err := tx.s.personFeatures(ctx, tx, chunk)
		if err != nil {
			return err
		}
		// People who had keys before: remove them by value (from their stored features), so the
		// keys table needs no second index by person. People new in this transaction have none.
		var known []string
		for _, id := range chunk {
			if !tx.created[id] {
				known = append(known, id)
			}
		}
		if len(known) > 0 {
			old, err := tx.s.storedFeatures(ctx, tx, known)
			if err != nil {
				return err
			}
			for id, mp := range old {
				for _, k := range match.Keys(mp) {
					if _, err := tx.exec(ctx, `DELETE FROM person_keys WHERE key = ? AND person_id = ?`, keyHash(k), id); err != nil {
						return fmt.Errorf("person keys: %w", err)
					}
				}
				if _, err := tx.exec(ctx, `DELETE FROM person_features WHERE person_id = ?`, id); err != nil {
					return fmt.Errorf("person features: %w", err)
				}
			}
		}
		for id, mp := range feats {
			for _, k := range match.Keys(mp) {
				if err := tx.bufferRow(ctx, "person_keys", "key, person_id", []any{keyHash(k), id}); err != nil {
					return fmt.Errorf("person keys: %w", err)
				}
			}
			b, err := json.Marshal(mp)
			if err != nil {
				return err
			}
			if err := tx.bufferRow(ctx, "person_features", "person_id, features", []any{id, string(b)}); err != nil {
				return fmt.Errorf("person features: %w", err)
			}
		}
	}
	// Written before the rest of commit: nothing after reads them, but the buffers must be empty.
	if err := tx.flushTable(ctx, "person_keys"); err != nil {
		return err
	}
	return tx.flushTable(ctx, "person_features")
}

// touchPerson marks a record that may be a person for a key refresh at commit.
func (tx *Tx) touchPerson(ids ...string) {
	if tx.persons == nil {
		tx.persons = map[string]bool{}
	}
	for _, id := range ids {
		tx.persons[id] = true
	}
}

// storedFeatures reads what matching sees of people from person_features.
func (s *Store) storedFeatures(ctx context.Context, q querier, ids []string) (map[string]*match.Person, error) {
	out := make(map[string]*match.Person, len(ids))
	for len(ids) > 0 {
		n := min(len(ids), 500)
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		ids = ids[n:]
		rows, err := q.query(ctx, `SELECT person_id, features FROM person_features WHERE person_id IN (`+inList(n)+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id, f string
			if err := rows.Scan(&id, &f); err != nil {
				rows.Close()
				return nil, err
			}
			var mp match.Person
			if err := json.Unmarshal([]byte(f), &mp); err != nil {
				rows.Close()
				return nil, fmt.Errorf("person %s features: %w", id, err)
			}
			out[id] = &mp
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// keyHash stores a blocking key as a 64-bit hash: the index is smaller and compares faster than
// on the text, and a collision only adds a candidate that scoring then rejects.
func keyHash(k string) int64 {
	h := fnv.New64a()
	h.Write([]byte(k))
	return int64(h.Sum64())
}
