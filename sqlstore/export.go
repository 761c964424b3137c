package sqlstore

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/peel-rms/peel/audit"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
)

// Export writes every live record the principal may see as interchange NDJSON, then the links
// between them and the calls. Each record's ref is its Peel id, so a receiving system can import
// the file under a source of its choice and keep the links.
func (s *Store) Export(ctx context.Context, p *auth.Principal, out io.Writer) error {
	if err := p.Require(auth.PermExport); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(out, 1<<20)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	var exported []string
	seen := map[string]bool{}
	after := ""
	for {
		rows, err := s.r.QueryContext(ctx, s.q(`SELECT `+recordCols+` FROM records WHERE id > ? AND deleted = 0 AND merged_into IS NULL ORDER BY id LIMIT 1000`), after)
		if err != nil {
			return fmt.Errorf("export records: %w", err)
		}
		n := 0
		for rows.Next() {
			r, err := scanRecord(rows)
			if err != nil {
				rows.Close()
				return err
			}
			n++
			after = r.ID
			if !p.CanSee(r.Access) {
				continue
			}
			line, err := exportLine(r)
			if err != nil {
				rows.Close()
				return err
			}
			if _, err := bw.Write(line); err != nil {
				rows.Close()
				return err
			}
			bw.WriteByte('\n')
			exported = append(exported, r.ID)
			seen[r.ID] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if n < 1000 {
			break
		}
	}
	after = ""
	for {
		rows, err := s.r.QueryContext(ctx, s.q(`SELECT `+linkCols+` FROM links WHERE id > ? AND deleted = 0 ORDER BY id LIMIT 1000`), after)
		if err != nil {
			return fmt.Errorf("export links: %w", err)
		}
		n := 0
		for rows.Next() {
			l, err := scanLink(rows)
			if err != nil {
				rows.Close()
				return err
			}
			n++
			after = l.ID
			if !seen[l.From] || !seen[l.To] {
				continue
			}
			in := pole.LinkInput{Kind: "link", From: l.From, To: l.To, Role: l.Role, ValidFrom: l.ValidFrom, ValidTo: l.ValidTo}
			if seen[l.Evidence] {
				in.Evidence = l.Evidence
			}
			if err := enc.Encode(in); err != nil {
				rows.Close()
				return err
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if n < 1000 {
			break
		}
	}
	if err := s.exportCalls(ctx, p, enc); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return s.write(ctx, func(tx *Tx) error {
		e := newEntry(p, audit.ActionExport, nil, fmt.Sprintf(`{"records":%d,"records_sha256":%q}`, len(exported), digestIDs(exported)))
		tx.entries = append(tx.entries, e)
		tx.bulk = map[*audit.Entry][]string{e: exported}
		return nil
	})
}

// exportCalls writes calls between numbers whose telephone records the principal may see.
func (s *Store) exportCalls(ctx context.Context, p *auth.Principal, enc *json.Encoder) error {
	hidden, err := s.hiddenNumbers(ctx, p)
	if err != nil {
		return err
	}
	type callLine struct {
		Kind string `json:"kind"`
		pole.Call
	}
	var afterFrom string
	var afterStart int64 = -1 << 62
	var afterTo, afterType string
	for {
		rows, err := s.r.QueryContext(ctx, s.q(`SELECT from_number, start, to_number, call_type, duration_s, cell FROM calls
			WHERE (from_number, start, to_number, call_type) > (?, ?, ?, ?) ORDER BY from_number, start, to_number, call_type LIMIT 5000`),
			afterFrom, afterStart, afterTo, afterType)
		if err != nil {
			return fmt.Errorf("export calls: %w", err)
		}
		n := 0
		for rows.Next() {
			var c pole.Call
			var start int64
			var cell *string
			if err := rows.Scan(&c.From, &start, &c.To, &c.Type, &c.DurationS, &cell); err != nil {
				rows.Close()
				return err
			}
			n++
			afterFrom, afterStart, afterTo, afterType = c.From, start, c.To, c.Type
			if hidden[c.From] || hidden[c.To] {
				continue
			}
			c.Start = fromMicros(start)
			if cell != nil {
				c.Cell = *cell
			}
			if err := enc.Encode(callLine{Kind: "call", Call: c}); err != nil {
				rows.Close()
				return err
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if n < 5000 {
			return nil
		}
	}
}

// hiddenNumbers are the numbers of telephone records the principal may not see.
func (s *Store) hiddenNumbers(ctx context.Context, p *auth.Principal) (map[string]bool, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, access, body FROM records WHERE kind = 'telephone' AND access IS NOT NULL`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id, access, body string
		if err := rows.Scan(&id, &access, &body); err != nil {
			return nil, err
		}
		if !canSeeRaw(p, access) {
			var t pole.Telephone
			if json.Unmarshal([]byte(body), &t) == nil {
				out[t.Number] = true
			}
		}
	}
	return out, rows.Err()
}

// exportLine writes a record as an interchange line: kind, ref (its id), access, own fields.
func exportLine(r *pole.Record) ([]byte, error) {
	head := struct {
		Kind   pole.Kind    `json:"kind"`
		Ref    string       `json:"ref"`
		Access *pole.Access `json:"access,omitempty"`
	}{r.Kind, r.ID, r.Access}
	h, err := json.Marshal(head)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(r.Body)
	if err != nil {
		return nil, err
	}
	return spliceJSON(h, b), nil
}

func spliceJSON(a, b []byte) []byte {
	if len(b) <= 2 {
		return a
	}
	out := append(a[:len(a)-1:len(a)-1], ',')
	return append(out, b[1:]...)
}
