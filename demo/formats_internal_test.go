package demo

import (
	"testing"

	"github.com/peel-rms/peel/ukref"
)

// The mobile number plan gives every index its own valid UK mobile, across the drama range and
// every synthetic block, and keeps the numbers a force of up to 801,000 mobiles always had.
func TestMobileNumbersDistinct(t *testing.T) {
	if got := mobileNumber(999); got != "07700 900999" {
		t.Errorf("drama range: %q", got)
	}
	if got := mobileNumber(1000); got != "07700 131337" {
		t.Errorf("first synthetic number: %q", got)
	}
	seen := map[string]int{}
	check := func(i int) {
		n := mobileNumber(i)
		if j, dup := seen[n]; dup {
			t.Fatalf("mobile %d and %d are both %q", j, i, n)
		}
		seen[n] = i
		if i%997 != 0 && i != maxMobiles-1 {
			return // reading every number as E.164 would take a minute
		}
		e, _, ok := ukref.NormalisePhone(n)
		if !ok || len(e) != 13 || e[:5] != "+4477" {
			t.Fatalf("mobile %d %q reads as %q (ok %v)", i, n, e, ok)
		}
	}
	// Every number of the first two blocks, then a stride through the rest to the last.
	for i := 0; i < 1000+2*800000; i++ {
		check(i)
	}
	for i := 1000 + 2*800000; i < maxMobiles; i += 7 {
		check(i)
	}
	check(maxMobiles - 1)
}
