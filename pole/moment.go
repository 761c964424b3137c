package pole

import (
	"encoding/json"
	"time"

	"github.com/peel-rms/peel/ukref"
)

// Moment is a point in time read from an RFC 3339 time or from a date (meaning 00:00 UTC), and
// written back in the form it was read.
type Moment struct {
	T        time.Time
	DateOnly bool
	// text keeps a partial date ("2020-05", "2020") as it was written.
	text string
}

// ParseMoment reads an RFC 3339 time or a YYYY-MM-DD, YYYY-MM or YYYY date.
func ParseMoment(s string) (Moment, error) {
	t, dateOnly, err := ukref.ParseTime(s)
	if err != nil {
		return Moment{}, err
	}
	m := Moment{T: t, DateOnly: dateOnly}
	if dateOnly && len(s) < 10 {
		m.text = s
	}
	return m, nil
}

// At makes a Moment of a time.
func At(t time.Time) *Moment { return &Moment{T: t} }

// String writes the moment as read: a date, or RFC 3339.
func (m Moment) String() string {
	if m.DateOnly {
		if m.text != "" {
			return m.text
		}
		return m.T.Format(time.DateOnly)
	}
	return m.T.Format(time.RFC3339Nano)
}

// MarshalJSON writes the moment as a JSON string.
func (m Moment) MarshalJSON() ([]byte, error) { return json.Marshal(m.String()) }

// UnmarshalJSON reads a JSON string holding a time or a date.
func (m *Moment) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return &json.UnmarshalTypeError{Value: "must be a string holding an RFC 3339 time or a date", Type: momentType}
	}
	v, err := ParseMoment(s)
	if err != nil {
		// A type error carries the field path, so the caller's message can name the field.
		return &json.UnmarshalTypeError{Value: err.Error(), Type: momentType}
	}
	*m = v
	return nil
}

var momentType = reflectTypeOfMoment()

// Micros returns the moment as microseconds since the epoch, or nil for an open bound.
func (m *Moment) Micros() *int64 {
	if m == nil {
		return nil
	}
	v := m.T.UnixMicro()
	return &v
}

// Equal reports whether two optional moments are the same instant written the same way.
func (m *Moment) Equal(o *Moment) bool {
	if m == nil || o == nil {
		return m == nil && o == nil
	}
	return m.T.Equal(o.T) && m.String() == o.String()
}

// Interval is a validity interval: From inclusive, To exclusive; either may be open (nil).
type Interval struct {
	From *Moment
	To   *Moment
}

// Contains reports whether t falls in the interval.
func (iv Interval) Contains(t time.Time) bool {
	return (iv.From == nil || !iv.From.T.After(t)) && (iv.To == nil || iv.To.T.After(t))
}
