package pole

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// Period is an ISO 8601 duration (P7D, P28D, P24M, PT30M, P1Y2M3DT4H): calendar years and months
// kept apart from exact time, because "24 months before" is a calendar step.
type Period struct {
	Months int
	Exact  time.Duration // days are 24 hours
	text   string
}

var periodRE = regexp.MustCompile(`^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$`)

// ParsePeriod reads an ISO 8601 duration.
func ParsePeriod(s string) (Period, error) {
	m := periodRE.FindStringSubmatch(s)
	if m == nil || s == "P" || s == "PT" || s[len(s)-1] == 'T' {
		return Period{}, fmt.Errorf("%q is not an ISO 8601 duration such as P7D, P24M or PT30M", s)
	}
	n := func(i int) int64 {
		if m[i] == "" {
			return 0
		}
		v, _ := strconv.ParseInt(m[i], 10, 64)
		return v
	}
	const maxUnits = 100000
	for i := 1; i <= 6; i++ {
		if n(i) > maxUnits {
			return Period{}, fmt.Errorf("%q is too long a duration", s)
		}
	}
	p := Period{Months: int(n(1)*12 + n(2)), text: s}
	p.Exact = time.Duration(n(3))*7*24*time.Hour + time.Duration(n(4))*24*time.Hour + time.Duration(n(5))*time.Hour + time.Duration(n(6))*time.Minute
	if m[7] != "" {
		sec, _ := strconv.ParseFloat(m[7], 64)
		if sec > maxUnits*3600 {
			return Period{}, fmt.Errorf("%q is too long a duration", s)
		}
		p.Exact += time.Duration(sec * float64(time.Second))
	}
	return p, nil
}

// Before returns the start of the window of this period ending at t.
func (p Period) Before(t time.Time) time.Time {
	return t.AddDate(0, -p.Months, 0).Add(-p.Exact)
}

// After returns t plus the period.
func (p Period) After(t time.Time) time.Time {
	return t.AddDate(0, p.Months, 0).Add(p.Exact)
}

// String is the period as written.
func (p Period) String() string { return p.text }

// Window is a closed interval of valid time [From, To].
type Window struct {
	From, To time.Time
}

// WindowOf is [asOf - p, asOf].
func WindowOf(p Period, asOf time.Time) Window { return Window{From: p.Before(asOf), To: asOf} }

// Contains reports whether t is in the window (both ends included).
func (w Window) Contains(t time.Time) bool { return !t.Before(w.From) && !t.After(w.To) }
