package pole

import (
	"fmt"
	"time"

	"github.com/peel-rms/peel/ukref"
)

// Marker is a warning marker on a person or a location (PNC-style: FI firearms, VI violent, ...).
// The sender gives code, validity and note; Peel adds the category from the code, who set it, the
// record it came from and a review date.
type Marker struct {
	Code       string  `json:"code"`
	ValidFrom  *Moment `json:"valid_from"`
	ValidTo    *Moment `json:"valid_to"`
	Note       string  `json:"note,omitempty"`
	Category   string  `json:"category,omitempty"`
	SetBy      string  `json:"set_by,omitempty"`
	Source     string  `json:"source,omitempty"`
	ReviewDate *Moment `json:"review_date,omitempty"`
}

// MarkerReviewPeriod is how long after it is set a marker falls due for review when no date is given.
const MarkerReviewPeriod = 12 // months

// Active reports whether the marker is in force at t.
func (m Marker) Active(t time.Time) bool {
	return Interval{From: m.ValidFrom, To: m.ValidTo}.Contains(t)
}

func normaliseMarkers(v *Validator, ms []Marker) {
	for i := range ms {
		m := &ms[i]
		field := fmt.Sprintf("markers[%d]", i)
		term := ukref.Find(v.Vocab.MarkerCodes, m.Code)
		if term == nil {
			v.Fail(field+".code", "%q is not in the force's marker codes", m.Code)
			continue
		}
		m.Category = term.Category
		if m.ValidFrom != nil && m.ValidTo != nil && !m.ValidTo.T.After(m.ValidFrom.T) {
			v.Problem(field+".valid_to", "must be after valid_from")
		}
	}
}

// MarkersOf returns the markers of a body (people and locations carry markers), or nil.
func MarkersOf(b Body) []Marker {
	switch x := b.(type) {
	case *Person:
		return x.Markers
	case *Location:
		return x.Markers
	}
	return nil
}

// FillMarkerDefaults completes markers the sender did not: who set them, on which record, and a
// review date. A marker that was already on the record (same code and start) keeps what it had,
// so re-sending the same record changes nothing.
func FillMarkerDefaults(b, old Body, by, recordID string, now time.Time) {
	prev := MarkersOf(old)
	ms := MarkersOf(b)
	for i := range ms {
		m := &ms[i]
		for _, o := range prev {
			if o.Code == m.Code && o.ValidFrom.Equal(m.ValidFrom) {
				if m.SetBy == "" {
					m.SetBy = o.SetBy
				}
				if m.Source == "" {
					m.Source = o.Source
				}
				if m.ReviewDate == nil {
					m.ReviewDate = o.ReviewDate
				}
				break
			}
		}
		if m.SetBy == "" {
			m.SetBy = by
		}
		if m.Source == "" {
			m.Source = recordID
		}
		if m.ReviewDate == nil {
			start := now
			if m.ValidFrom != nil && m.ValidFrom.T.After(start) {
				start = m.ValidFrom.T
			}
			d := start.AddDate(0, MarkerReviewPeriod, 0).UTC()
			m.ReviewDate = &Moment{T: time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC), DateOnly: true}
		}
	}
}

// ActiveMarkers returns the markers of a body in force at t (people and locations carry markers).
func ActiveMarkers(b Body, t time.Time) []Marker {
	var ms []Marker
	switch x := b.(type) {
	case *Person:
		ms = x.Markers
	case *Location:
		ms = x.Markers
	}
	var out []Marker
	for _, m := range ms {
		if m.Active(t) {
			out = append(out, m)
		}
	}
	return out
}
