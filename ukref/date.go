package ukref

import (
	"fmt"
	"strconv"
	"time"
)

// Precision says how much of a date is known.
type Precision int

// Precisions of a partial date.
const (
	PrecisionYear Precision = iota + 1
	PrecisionMonth
	PrecisionDay
)

// PartialDate is a calendar date of which only the year, or year and month, may be known.
type PartialDate struct {
	Year, Month, Day int
	Precision        Precision
}

// ParsePartialDate reads "YYYY", "YYYY-MM" or "YYYY-MM-DD" and checks the date exists.
func ParsePartialDate(s string) (PartialDate, error) {
	var d PartialDate
	bad := func() (PartialDate, error) {
		return PartialDate{}, fmt.Errorf("%q is not a date of the form YYYY-MM-DD, YYYY-MM or YYYY", s)
	}
	switch len(s) {
	case 4, 7, 10:
	default:
		return bad()
	}
	y, err := strconv.Atoi(s[:4])
	if err != nil || s[0] == '+' || s[0] == '-' {
		return bad()
	}
	d.Year, d.Precision = y, PrecisionYear
	if len(s) >= 7 {
		if s[4] != '-' || !digits(s[5:7]) {
			return bad()
		}
		d.Month, _ = strconv.Atoi(s[5:7])
		d.Precision = PrecisionMonth
		if d.Month < 1 || d.Month > 12 {
			return PartialDate{}, fmt.Errorf("%q has no month %d", s, d.Month)
		}
	}
	if len(s) == 10 {
		if s[7] != '-' || !digits(s[8:10]) {
			return bad()
		}
		d.Day, _ = strconv.Atoi(s[8:10])
		d.Precision = PrecisionDay
		if d.Day < 1 || d.Day > daysIn(d.Year, d.Month) {
			return PartialDate{}, fmt.Errorf("%q is not a day of the calendar", s)
		}
	}
	if !digits(s[:4]) {
		return bad()
	}
	return d, nil
}

// Start is the first instant of the date, in UTC.
func (d PartialDate) Start() time.Time {
	m, day := d.Month, d.Day
	if m == 0 {
		m = 1
	}
	if day == 0 {
		day = 1
	}
	return time.Date(d.Year, time.Month(m), day, 0, 0, 0, 0, time.UTC)
}

// String writes the date back in the form it was read.
func (d PartialDate) String() string {
	switch d.Precision {
	case PrecisionYear:
		return fmt.Sprintf("%04d", d.Year)
	case PrecisionMonth:
		return fmt.Sprintf("%04d-%02d", d.Year, d.Month)
	default:
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
	}
}

func daysIn(y, m int) int {
	return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// MaxAge is the oldest age a date of birth is believed at; older ones are flagged.
const MaxAge = 120

// CheckDOB returns a warning when a date of birth is not a date, is in the future or makes the person
// implausibly old, or "" when it looks right. The record is kept either way.
func CheckDOB(s string, now time.Time) string {
	if s == "" {
		return ""
	}
	d, err := ParsePartialDate(s)
	if err != nil {
		return "date of birth " + err.Error() + "; kept as given"
	}
	if d.Start().After(now) {
		return fmt.Sprintf("date of birth %s is in the future; kept as given", s)
	}
	if now.Year()-d.Year > MaxAge {
		return fmt.Sprintf("date of birth %s makes the person older than %d; kept as given", s, MaxAge)
	}
	return ""
}

// ParseTime reads an RFC 3339 time, or a date ("YYYY-MM-DD", "YYYY-MM", "YYYY") meaning 00:00 UTC
// at its start. dateOnly reports which it was, so the value can be written back the same way.
func ParseTime(s string) (t time.Time, dateOnly bool, err error) {
	if len(s) > 10 {
		t, err = time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return time.Time{}, false, fmt.Errorf("%q is not an RFC 3339 time or a YYYY-MM-DD date", s)
		}
		return t, false, nil
	}
	d, err := ParsePartialDate(s)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("%q is not an RFC 3339 time or a YYYY-MM-DD date", s)
	}
	return d.Start(), true, nil
}
