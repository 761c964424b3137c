package pole

import (
	"fmt"
	"strings"
	"time"

	"github.com/peel-rms/peel/ukref"
)

// Link joins two records with a role, a direction (From -> To) and a validity interval, evidenced by
// a record (usually an event). Links are versioned and audited like records.
type Link struct {
	ID        string    `json:"id"`
	From      string    `json:"from"`
	To        string    `json:"to"`
	Role      string    `json:"role"`
	ValidFrom *Moment   `json:"valid_from"`
	ValidTo   *Moment   `json:"valid_to"`
	Evidence  string    `json:"evidence,omitempty"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	CreatedBy string    `json:"created_by,omitempty"`
	UpdatedBy string    `json:"updated_by,omitempty"`
	Deleted   bool      `json:"deleted,omitempty"`
}

// Valid reports whether the link holds at t.
func (l *Link) Valid(t time.Time) bool {
	return Interval{From: l.ValidFrom, To: l.ValidTo}.Contains(t)
}

// Other returns the id at the far end of the link from id.
func (l *Link) Other(id string) string {
	if l.From == id {
		return l.To
	}
	return l.From
}

// ValidateLink checks the role joins the two kinds and the interval is the right way round
// (lenient, as imports are: a reversed interval is kept as sent).
func ValidateLink(l *Link, fromKind, toKind Kind, vocab *ukref.Vocabulary, lenient bool) error {
	v := &Validator{Vocab: vocab, Lenient: lenient}
	l.Role = strings.TrimSpace(l.Role)
	if l.Role == "" {
		v.Fail("role", "is required")
	} else {
		checkRole(v, "role", l.Role, fromKind, toKind)
	}
	checkInterval(v, "", l.ValidFrom, l.ValidTo)
	if l.From != "" && l.From == l.To {
		v.Fail("to", "a record cannot be linked to itself")
	}
	if len(v.Errors) > 0 {
		return Invalid("the link has invalid fields", v.Errors...)
	}
	return nil
}

// Call is one communications data record: a voice call or a text from one number to another.
type Call struct {
	From      string    `json:"from"`
	To        string    `json:"to"`
	Start     time.Time `json:"start"`
	DurationS int       `json:"duration_s"`
	Type      string    `json:"type"`
	Cell      string    `json:"cell,omitempty"`
}

// CallTypes are the kinds of communication a call record holds.
var CallTypes = []string{"voice", "sms"}

// Normalise puts both numbers in E.164 (kept as given when unreadable) and checks the call.
func (c *Call) Normalise() []FieldError {
	for _, n := range []*string{&c.From, &c.To} {
		if e, _, ok := ukref.NormalisePhone(*n); ok {
			*n = e
		}
	}
	return c.Check()
}

// MaxCallDurationS bounds a call's duration (about 68 years: anything longer is a mistake).
const MaxCallDurationS = 1<<31 - 1

// MaxCellLen bounds a call's cell identifier, in bytes.
const MaxCellLen = 255

// Check checks a call whose numbers are already normalised, defaulting its type to voice.
func (c *Call) Check() []FieldError {
	var errs []FieldError
	if c.From == "" {
		errs = append(errs, FieldError{Field: "from", Message: "is required"})
	}
	if c.To == "" {
		errs = append(errs, FieldError{Field: "to", Message: "is required"})
	}
	if c.Type == "" {
		c.Type = "voice"
	}
	if c.Type != "voice" && c.Type != "sms" {
		errs = append(errs, FieldError{Field: "type", Message: "must be voice or sms"})
	}
	if c.Start.IsZero() {
		errs = append(errs, FieldError{Field: "start", Message: "is required"})
	}
	if c.DurationS < 0 {
		errs = append(errs, FieldError{Field: "duration_s", Message: "must not be negative"})
	}
	if len(c.Cell) > MaxCellLen {
		errs = append(errs, FieldError{Field: "cell", Message: fmt.Sprintf("must be at most %d bytes", MaxCellLen)})
	}
	if c.DurationS > MaxCallDurationS {
		errs = append(errs, FieldError{Field: "duration_s", Message: fmt.Sprintf("must be at most %d seconds", MaxCallDurationS)})
	}
	return errs
}
