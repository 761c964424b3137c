package incident

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestDefaultRulesCoverVocabulary(t *testing.T) {
	r := DefaultRules()
	if err := r.Validate(); err != nil {
		t.Fatalf("DefaultRules().Validate() = %v", err)
	}
	for _, c := range Categories() {
		x, ok := r.ByCategory[c]
		if !ok {
			t.Errorf("no rule for %q", c)
			continue
		}
		if x.Category != c {
			t.Errorf("rule for %q says category %q", c, x.Category)
		}
	}
	if len(r.ByCategory) != len(Categories()) {
		t.Errorf("%d rules for %d categories", len(r.ByCategory), len(Categories()))
	}
	// The brief's figures, and the categories that must only match by address.
	for _, tc := range []struct {
		cat    string
		radius float64
		window time.Duration
	}{
		{RoadTrafficCollision, 250, 30 * time.Minute},
		{Burglary, 100, 2 * time.Hour},
		{AlarmActivation, 50, time.Hour},
	} {
		if x := r.For(tc.cat); x.Radius != tc.radius || x.Window != tc.window {
			t.Errorf("%s: %v m / %v, want %v m / %v", tc.cat, x.Radius, x.Window, tc.radius, tc.window)
		}
	}
	for _, c := range []string{DomesticAbuse, SexualOffence, Fraud, Harassment, BurglaryDwelling} {
		if x := r.For(c); !x.LocationBound || x.Radius > 30 {
			t.Errorf("%s: location bound %v, radius %v; want bound with a tight radius", c, x.LocationBound, x.Radius)
		}
	}
}

func TestDefaultRulesAreFreshCopies(t *testing.T) {
	a := DefaultRules()
	a.ByCategory[Assault].Compatible[0] = "changed"
	a.ByCategory[Theft] = Rule{}
	b := DefaultRules()
	if b.ByCategory[Assault].Compatible[0] == "changed" || b.ByCategory[Theft].Radius == 0 {
		t.Fatal("DefaultRules shares state between calls")
	}
	c := Categories()
	c[0] = "changed"
	if Categories()[0] == "changed" {
		t.Fatal("Categories shares its slice")
	}
}

func TestRulesFor(t *testing.T) {
	r := DefaultRules()
	for _, tc := range []struct {
		in, wantCat string
		wantRadius  float64
	}{
		{"burglary", Burglary, 100},
		{"Road Traffic Collision", RoadTrafficCollision, 250},
		{"  road-traffic-collision ", RoadTrafficCollision, 250},
		{"ALARM_ACTIVATION", AlarmActivation, 50},
		{"parking", "parking", r.Default.Radius},
		{"", "", r.Default.Radius},
	} {
		x := r.For(tc.in)
		if x.Category != tc.wantCat || x.Radius != tc.wantRadius {
			t.Errorf("For(%q) = %q %v m, want %q %v m", tc.in, x.Category, x.Radius, tc.wantCat, tc.wantRadius)
		}
	}
}

func TestValidateNamesTheBadField(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*Rules)
		want   string
	}{
		{"negative radius", func(r *Rules) { set(r, Theft, func(x *Rule) { x.Radius = -1 }) }, `by_category["theft"].radius_m`},
		{"NaN radius", func(r *Rules) { set(r, Theft, func(x *Rule) { x.Radius = math.NaN() }) }, `by_category["theft"].radius_m`},
		{"huge radius", func(r *Rules) { set(r, Theft, func(x *Rule) { x.Radius = 1e6 }) }, `by_category["theft"].radius_m`},
		{"zero window", func(r *Rules) { set(r, Fraud, func(x *Rule) { x.Window = 0 }) }, `by_category["fraud"].window`},
		{"year window", func(r *Rules) { set(r, Fraud, func(x *Rule) { x.Window = 365 * 24 * time.Hour }) }, `by_category["fraud"].window`},
		{"category mismatch", func(r *Rules) { set(r, Theft, func(x *Rule) { x.Category = Robbery }) }, `by_category["theft"].category`},
		{"unknown compatible", func(r *Rules) { set(r, Theft, func(x *Rule) { x.Compatible = []string{"theft_of_bicycle"} }) }, `by_category["theft"].compatible[0]`},
		{"self compatible", func(r *Rules) { set(r, Theft, func(x *Rule) { x.Compatible = []string{Robbery, Theft} }) }, `by_category["theft"].compatible[1]`},
		{"duplicate compatible", func(r *Rules) { set(r, Theft, func(x *Rule) { x.Compatible = []string{Robbery, Robbery} }) }, `by_category["theft"].compatible[1]`},
		{"bad default", func(r *Rules) { r.Default.Window = -time.Minute }, `default.window`},
		{"bad key", func(r *Rules) { r.ByCategory["Theft"] = Rule{Category: "Theft", Radius: 1, Window: time.Minute} }, `by_category["Theft"]: category key`},
		{"no rules", func(r *Rules) { r.ByCategory = nil }, `by_category: no rules`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := DefaultRules()
			tc.change(&r)
			err := r.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v, want an error naming %s", err, tc.want)
			}
		})
	}
}

func set(r *Rules, cat string, f func(*Rule)) {
	x := r.ByCategory[cat]
	f(&x)
	r.ByCategory[cat] = x
}

func TestRulesJSONRoundTrip(t *testing.T) {
	r := DefaultRules()
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"window": "PT30M"`, `"window": "PT2H"`, `"window": "P1D"`, `"radius_m": 250`, `"location_bound": true`, `"vehicle_bound": true`, `"wildcard": true`, `"by_category"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON lacks %s", want)
		}
	}
	var back Rules
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(normalise(r), normalise(back)) {
		t.Errorf("round trip changed the rules")
	}
}

// normalise makes nil and empty Compatible lists compare equal.
func normalise(r Rules) Rules {
	fix := func(x Rule) Rule {
		if x.Compatible == nil {
			x.Compatible = []string{}
		}
		return x
	}
	out := Rules{Default: fix(r.Default), ByCategory: map[string]Rule{}}
	for k, v := range r.ByCategory {
		out.ByCategory[k] = fix(v)
	}
	return out
}

func TestRuleJSONWindowForms(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{`{"category":"x","radius_m":1,"window":"PT45M"}`, 45 * time.Minute, false},
		{`{"category":"x","radius_m":1,"window":"45m"}`, 45 * time.Minute, false},
		{`{"category":"x","radius_m":1,"window":"1h30m"}`, 90 * time.Minute, false},
		{`{"category":"x","radius_m":1,"window":"P1DT2H"}`, 26 * time.Hour, false},
		{`{"category":"x","radius_m":1,"window":"P1M"}`, 0, true},
		{`{"category":"x","radius_m":1,"window":"soon"}`, 0, true},
		{`{"category":"x","radius_m":1,"window":7}`, 0, true},
	} {
		var x Rule
		err := json.Unmarshal([]byte(tc.in), &x)
		if (err != nil) != tc.wantErr || !tc.wantErr && x.Window != tc.want {
			t.Errorf("%s: window %v err %v; want %v err %v", tc.in, x.Window, err, tc.want, tc.wantErr)
		}
	}
}

func TestParseDuration(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{"PT30M", 30 * time.Minute, false},
		{"pt30m", 30 * time.Minute, false},
		{"PT1H30M", 90 * time.Minute, false},
		{"P1W", 7 * 24 * time.Hour, false},
		{"P2DT3H4M5S", 51*time.Hour + 4*time.Minute + 5*time.Second, false},
		{"PT0.5S", 500 * time.Millisecond, false},
		{"PT1,5S", 1500 * time.Millisecond, false},
		{"-PT5M", -5 * time.Minute, false},
		{"2h", 2 * time.Hour, false},
		{"P", 0, true},
		{"PT", 0, true},
		{"P1DT", 0, true},
		{"PT5H5H", 0, true},
		{"PT5M1H", 0, true},
		{"P1Y", 0, true},
		{"P1H", 0, true},
		{"PT1D", 0, true},
		{"PTxM", 0, true},
		{"P99999999999999D", 0, true},
		{"", 0, true},
	} {
		got, err := ParseDuration(tc.in)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v, error %v", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestFormatISODurationRoundTrips(t *testing.T) {
	for _, d := range []time.Duration{0, time.Second, 90 * time.Second, 30 * time.Minute, 2 * time.Hour, 26*time.Hour + time.Minute, 1500 * time.Millisecond, -5 * time.Minute, 10000 * time.Hour} {
		s := formatISODuration(d)
		back, err := ParseDuration(s)
		if err != nil || back != d {
			t.Errorf("%v -> %q -> %v, %v", d, s, back, err)
		}
	}
	if s := formatISODuration(30 * time.Minute); s != "PT30M" {
		t.Errorf("30m formats as %q", s)
	}
}
