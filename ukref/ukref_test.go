package ukref

import (
	"strings"
	"testing"
	"time"
)

func TestParsePostcode(t *testing.T) {
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{"LS1 1AA", "LS1 1AA", true},
		{"ls11aa", "LS1 1AA", true},
		{" sw1a 1aa ", "SW1A 1AA", true},
		{"M1 1AE", "M1 1AE", true},
		{"CR2 6XH", "CR2 6XH", true},
		{"DN55 1PT", "DN55 1PT", true},
		{"EC1A1BB", "EC1A 1BB", true},
		{"ZZ99", "ZZ99", false},
		{"LS1 1CA", "LS1 1CA", false}, // C is not used in the inward code
		{"H2X 1Y4", "H2X 1Y4", false}, // Canadian
		{"", "", false},
	} {
		got, ok := ParsePostcode(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("ParsePostcode(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestNormaliseVRM(t *testing.T) {
	for _, c := range []struct {
		in, want string
		format   VRMFormat
	}{
		{"AB12 CDE", "AB12CDE", VRMCurrent},
		{"ab12cde", "AB12CDE", VRMCurrent},
		{"A123 BCD", "A123BCD", VRMPrefix},
		{"ABC 123D", "ABC123D", VRMSuffix},
		{"ABC 123", "ABC123", VRMDateless},
		{"1234 AB", "1234AB", VRMDateless},
		{"AIZ 1234", "AIZ1234", VRMNI},
		{"!!ODD", "!!ODD", VRMUnknown},
	} {
		got, f := NormaliseVRM(c.in)
		if got != c.want || f != c.format {
			t.Errorf("NormaliseVRM(%q) = %q, %s; want %q, %s", c.in, got, f, c.want, c.format)
		}
	}
}

func TestNormalisePhone(t *testing.T) {
	for _, c := range []struct {
		in, want  string
		valid, ok bool
	}{
		{"0113 4960000", "+441134960000", true, true},
		{"+44 (0)113 496 0000", "+441134960000", true, true},
		{"00441134960000", "+441134960000", true, true},
		{"07700 900123", "+447700900123", false, true}, // Ofcom drama range: read, but not allocated
		{"+1 702-919-1300", "+17029191300", true, true},
		{"abc", "abc", false, false},
		{"", "", false, false},
	} {
		got, valid, ok := NormalisePhone(c.in)
		if got != c.want || valid != c.valid || ok != c.ok {
			t.Errorf("NormalisePhone(%q) = %q, %v, %v; want %q, %v, %v", c.in, got, valid, ok, c.want, c.valid, c.ok)
		}
	}
}

func TestPartialDates(t *testing.T) {
	for _, c := range []struct {
		in  string
		ok  bool
		out string
	}{
		{"1980-02-03", true, "1980-02-03"}, {"1980-02", true, "1980-02"}, {"1980", true, "1980"},
		{"2024-02-29", true, "2024-02-29"}, {"2023-02-29", false, ""}, {"1980-13", false, ""},
		{"1980-1-1", false, ""}, {"19800203", false, ""}, {"abcd", false, ""}, {"+980", false, ""},
	} {
		d, err := ParsePartialDate(c.in)
		if (err == nil) != c.ok || (c.ok && d.String() != c.out) {
			t.Errorf("ParsePartialDate(%q) = %v, %v", c.in, d, err)
		}
	}
	now := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	for in, flagged := range map[string]bool{"1980-02-03": false, "": false, "2030-01-01": true, "1850": true, "19801332": true, "1980-13-45": true} {
		if got := CheckDOB(in, now) != ""; got != flagged {
			t.Errorf("CheckDOB(%q) flagged=%v, want %v", in, got, flagged)
		}
	}
}

func TestParseTime(t *testing.T) {
	tm, dateOnly, err := ParseTime("2025-01-01")
	if err != nil || !dateOnly || !tm.Equal(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("date: %v %v %v", tm, dateOnly, err)
	}
	if _, _, err := ParseTime("2026-11-20T10:00:00Z"); err != nil {
		t.Error(err)
	}
	for _, bad := range []string{"yesterday", "2026-11-20 10:00", "20/11/2026", ""} {
		if _, _, err := ParseTime(bad); err == nil {
			t.Errorf("ParseTime(%q) accepted", bad)
		}
	}
}

func TestDefaultVocabulary(t *testing.T) {
	v := DefaultVocabulary()
	if !Has(v.Categories, "road_traffic_collision") || !Has(v.EventTypes, "intelligence") || len(v.MarkerCodes) != 11 {
		t.Fatal("defaults incomplete")
	}
	keeper := Find(v.LinkRoles, "keeper_of")
	if !keeper.RoleAllows("person", "vehicle") || keeper.RoleAllows("person", "location") {
		t.Error("keeper_of joins a person to a vehicle only")
	}
	for _, name := range VocabularyNames {
		if v.List(name) == nil {
			t.Errorf("no list %s", name)
		}
	}
}

// The parsers never panic and never return a postcode or VRM that does not re-parse the same.
func FuzzParsePostcode(f *testing.F) {
	for _, s := range []string{"LS1 1AA", "sw1a1aa", "ZZ99", "", "   ", "ÄÖ1 1AA", "A9 9AA"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		pc, ok := ParsePostcode(s)
		if ok {
			again, ok2 := ParsePostcode(pc)
			if !ok2 || again != pc {
				t.Fatalf("%q -> %q -> %q %v", s, pc, again, ok2)
			}
		}
	})
}

func FuzzNormaliseVRM(f *testing.F) {
	for _, s := range []string{"AB12 CDE", "a1bcd", "", "ÿ", "12-34"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, format := NormaliseVRM(s)
		if strings.ContainsAny(v, " -\t") {
			t.Fatalf("separators left in %q", v)
		}
		if v2, f2 := NormaliseVRM(v); v2 != v || f2 != format {
			t.Fatalf("not idempotent: %q %s -> %q %s", v, format, v2, f2)
		}
	})
}

func FuzzNormalisePhone(f *testing.F) {
	for _, s := range []string{"07700 900123", "+44 (0)113 496 0000", "00", "+", "abc", "0113496000000000000000", "+447700900123", "0044 7700 900123", "+440", "07700900123", "+44 113 496 0000", "01134960000", "+44 4134960000", "04134960000", "+44 6134960000", "06134960000", "+44 8001234567", "08001234567", "+44 9040", "09040"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, valid, ok := NormalisePhone(s)
		if ok && (!strings.HasPrefix(e, "+") || PhoneDigits(e) != e[1:]) {
			t.Fatalf("%q read as %q, not E.164", s, e)
		}
		// The memo, which files +44 numbers under their national form, changes nothing.
		if e2, valid2, ok2 := normalisePhone(s); e2 != e || valid2 != valid || ok2 != ok {
			t.Fatalf("%q: memo says %q %v %v, a fresh reading %q %v %v", s, e, valid, ok, e2, valid2, ok2)
		}
	})
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2025-01-01", "2025-01", "2025", "2026-11-20T10:00:00Z", "2026-11-20T10:00:00+01:00", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _, _ = ParseTime(s)
		if d, err := ParsePartialDate(s); err == nil {
			if d2, err := ParsePartialDate(d.String()); err != nil || d2 != d {
				t.Fatalf("%q -> %v does not round-trip", s, d)
			}
		}
		_ = CheckDOB(s, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	})
}
