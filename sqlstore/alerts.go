package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/peel-rms/peel"
)

// alert queues an alert to commit with the transaction; its sequence number is given in commit
// order, after the chain lock, so subscribers reading by sequence never skip one.
func (tx *Tx) alert(a *peel.Alert) {
	tx.alerts = append(tx.alerts, a)
}

func (tx *Tx) appendAlerts(ctx context.Context) error {
	if len(tx.alerts) == 0 {
		return nil
	}
	var seq sql.NullInt64
	if err := tx.queryRow(ctx, `SELECT MAX(seq) FROM alerts`).Scan(&seq); err != nil {
		return fmt.Errorf("alert sequence: %w", err)
	}
	next := seq.Int64
	for _, a := range tx.alerts {
		next++
		a.Seq = next
		if a.At.IsZero() {
			a.At = tx.now
		}
		payload, err := json.Marshal(a)
		if err != nil {
			return err
		}
		var lat, lon any
		if a.Incident.Location.Lat != nil {
			lat, lon = *a.Incident.Location.Lat, *a.Incident.Location.Lon
		}
		if _, err := tx.exec(ctx, `INSERT INTO alerts (seq, at, incident_id, lat, lon, payload) VALUES (?, ?, ?, ?, ?, ?)`,
			a.Seq, micros(a.At), a.Incident.ID, lat, lon, string(payload)); err != nil {
			return fmt.Errorf("insert alert: %w", err)
		}
	}
	if n := tx.s.dialect.Notify; n != "" {
		if _, err := tx.exec(ctx, n); err != nil {
			return err
		}
	}
	tx.newAlerts = true
	return nil
}

// AlertsAfter returns the alerts after seq, oldest first, at most limit.
func (s *Store) AlertsAfter(ctx context.Context, seq int64, limit int) ([]peel.Alert, error) {
	rows, err := (&reader{s: s, db: s.r}).query(ctx, `SELECT seq, payload FROM alerts WHERE seq > ? ORDER BY seq LIMIT ?`, seq, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []peel.Alert
	for rows.Next() {
		var payload string
		var n int64
		if err := rows.Scan(&n, &payload); err != nil {
			return nil, err
		}
		var a peel.Alert
		if err := json.Unmarshal([]byte(payload), &a); err != nil {
			return nil, err
		}
		a.Seq = n
		out = append(out, a)
	}
	return out, rows.Err()
}

// LastAlert is the sequence number of the newest alert (0 when none).
func (s *Store) LastAlert(ctx context.Context) (int64, error) {
	var seq sql.NullInt64
	err := s.r.QueryRowContext(ctx, `SELECT MAX(seq) FROM alerts`).Scan(&seq)
	return seq.Int64, err
}

// AlertSignal is pulsed (never closed) when this process commits alerts, or another instance's
// alerts are announced (PostgreSQL LISTEN/NOTIFY). Subscribers also poll, so alerts written by
// another process on the embedded store arrive within the poll interval.
func (s *Store) AlertSignal() <-chan struct{} { return s.alertSignal }

// SignalAlerts pulses the alert signal without blocking.
func (s *Store) SignalAlerts() {
	select {
	case s.alertSignal <- struct{}{}:
	default:
	}
}
