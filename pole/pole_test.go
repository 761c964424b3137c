package pole

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/peel-rms/peel/ukref"
)

var now = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func TestDecodeLineNamesTheField(t *testing.T) {
	for _, c := range []struct {
		line, field string
		code        Code
	}{
		{`{"kind":"person","ref":"P1","dob":12}`, "dob", EInvalid},
		{`{"kind":"person","ref":"P1","aliases":[{"family_name":3}]}`, "aliases.family_name", EInvalid},
		{`{"kind":"person","ref":"P1","addresses":[{"valid_from":"soon"}]}`, "addresses.valid_from", EInvalid},
		{`{"kind":"person","ref":"P1","hat":"bowler"}`, "hat", EInvalid},
		{`{"kind":"person","family_name":"X"}`, "ref", EInvalid},
		{`{"kind":"ufo","ref":"U"}`, "kind", EInvalid},
		{`{"ref":"U"}`, "kind", EInvalid},
		{`{"kind":"link","from":"A","role":"associate_of"}`, "to", EInvalid},
		{`{"kind":"call","from":"1","to":"2","start":"noon"}`, "start", EInvalid},
		{`{"kind":"person","ref":"P1","source":"x"}`, "source", EInvalid},
		{`{"kind":"person"`, "", EMalformed},
		{`{"kind":"person","ref":"P1"} {}`, "", EMalformed},
	} {
		_, err := DecodeLine([]byte(c.line))
		if err == nil {
			t.Errorf("%s accepted", c.line)
			continue
		}
		if err.Code != c.code {
			t.Errorf("%s: code %s, want %s (%v)", c.line, err.Code, c.code, err)
		}
		if c.field != "" && (len(err.Fields) == 0 || err.Fields[0].Field != c.field) {
			t.Errorf("%s: fields %+v, want %s", c.line, err.Fields, c.field)
		}
	}
}

func TestValidateKinds(t *testing.T) {
	v := ukref.DefaultVocabulary()
	for _, c := range []struct {
		kind   Kind
		js     string
		errs   []string
		flags  []string
		mutate func(Body) string
	}{
		{KindPerson, `{"family_name":"Smith","dob":"1980-02-30"}`, nil, []string{"dob"}, nil},
		{KindPerson, `{}`, []string{"family_name"}, nil, nil},
		{KindPerson, `{"family_name":"X","identifiers":[{"type":"shoe_size","value":"9"}]}`, []string{"identifiers[0].type"}, nil, nil},
		{KindPerson, `{"family_name":"X","markers":[{"code":"ZZ"}]}`, []string{"markers[0].code"}, nil, nil},
		{KindPerson, `{"family_name":"X","phones":[{"number":"0113 496 0000","role":"keeper_of"}]}`, []string{"phones[0].role"}, nil, nil},
		{KindLocation, `{"lines":["1 Rue"],"postcode":"75001","country":"FR"}`, nil, []string{"postcode"}, nil},
		{KindLocation, `{"lines":["1 Road"],"postcode":"ZZ99"}`, []string{"postcode"}, nil, nil},
		{KindLocation, `{"lat":95,"lon":0}`, []string{"lat"}, nil, nil},
		{KindLocation, `{"lat":50}`, []string{"lat"}, nil, nil},
		{KindVehicle, `{"vrm":"ab12cde","vin":"short"}`, nil, []string{"vin"}, func(b Body) string { return b.(*Vehicle).VRM }},
		{KindTelephone, `{"number":"0113 496 0000"}`, nil, nil, func(b Body) string { return b.(*Telephone).Number }},
		{KindTelephone, `{"number":"no number"}`, nil, []string{"number"}, nil},
		{KindObject, `{"type":"spaceship"}`, []string{"type"}, nil, nil},
		{KindEvent, `{"type":"incident","status":"pending"}`, []string{"status"}, nil, nil},
		{KindEvent, `{"type":"intelligence","grading":{"scheme":"5x5x5","source":"B","information":"2","handling":"4"}}`, nil, nil, nil},
		{KindEvent, `{"type":"intelligence","grading":{"source":"4","information":"F","handling":"X"}}`, []string{"grading.source", "grading.information", "grading.handling"}, nil, nil},
	} {
		in, perr := DecodeInput([]byte(c.js), c.kind)
		if perr != nil {
			t.Fatalf("%s: %v", c.js, perr)
		}
		flags, err := Validate(in.Body, v, now)
		var got []string
		if err != nil {
			for _, f := range err.(*Error).Fields {
				got = append(got, f.Field)
			}
		}
		if strings.Join(got, ",") != strings.Join(c.errs, ",") {
			t.Errorf("%s: errors %v, want %v", c.js, got, c.errs)
		}
		var fl []string
		for _, f := range flags {
			fl = append(fl, f.Field)
		}
		if strings.Join(fl, ",") != strings.Join(c.flags, ",") {
			t.Errorf("%s: flags %v, want %v", c.js, fl, c.flags)
		}
		if c.mutate != nil {
			if s := c.mutate(in.Body); s != "AB12CDE" && s != "+441134960000" {
				t.Errorf("%s: not normalised: %s", c.js, s)
			}
		}
	}
}

func TestRecordJSONIsFlat(t *testing.T) {
	r := &Record{ID: "r1", Kind: KindVehicle, Version: 2, Body: &Vehicle{VRM: "AB12CDE"}}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(b, &m)
	if m["id"] != "r1" || m["vrm"] != "AB12CDE" || m["kind"] != "vehicle" {
		t.Fatalf("not flat: %s", b)
	}
	var back Record
	if err := json.Unmarshal(b, &back); err != nil || back.Body.(*Vehicle).VRM != "AB12CDE" {
		t.Fatalf("round trip: %v %+v", err, back)
	}
}

func TestMomentRoundTrip(t *testing.T) {
	for _, s := range []string{"2025-01-01", "2025-01", "2025", "2026-11-20T10:00:00Z", "2026-11-20T10:00:00.5+01:00"} {
		m, err := ParseMoment(s)
		if err != nil || m.String() != s {
			t.Errorf("%s -> %q %v", s, m.String(), err)
		}
	}
}

func TestMergePatch(t *testing.T) {
	out, err := MergePatch([]byte(`{"a":1,"b":{"c":2,"d":3}}`), []byte(`{"a":null,"b":{"c":4},"e":[1]}`))
	if err != nil || string(out) != `{"b":{"c":4,"d":3},"e":[1]}` {
		t.Fatalf("%s %v", out, err)
	}
	if _, err := MergePatch([]byte(`{}`), []byte(`[1]`)); err == nil {
		t.Error("array patch accepted")
	}
}

func TestInterval(t *testing.T) {
	from, _ := ParseMoment("2025-01-01")
	to, _ := ParseMoment("2026-01-01")
	iv := Interval{From: &from, To: &to}
	for when, want := range map[string]bool{"2024-12-31T23:59:59Z": false, "2025-01-01T00:00:00Z": true, "2025-12-31T23:59:59Z": true, "2026-01-01T00:00:00Z": false} {
		tm, _ := time.Parse(time.RFC3339, when)
		if iv.Contains(tm) != want {
			t.Errorf("%s: %v", when, !want)
		}
	}
}

// FuzzDecodeLine: any line is either rejected with a field-naming error or decodes into something
// that validates without panicking and marshals back to JSON that decodes again.
func FuzzDecodeLine(f *testing.F) {
	for _, s := range []string{
		`{"kind":"person","ref":"P1","family_name":"Smith","given_names":"John Paul","dob":"1980-02-03","addresses":[{"lines":["12 High Street"],"postcode":"LS1 1AA","role":"resides_at","valid_from":"2020-01-01"}],"phones":[{"number":"07700 900123"}],"markers":[{"code":"VI","valid_from":"2024-05-01","valid_to":null}]}`,
		`{"kind":"location","ref":"L1","lines":["1"],"lat":53.8,"lon":-1.5}`,
		`{"kind":"vehicle","ref":"V1","vrm":"AB12 CDE"}`,
		`{"kind":"event","ref":"E1","type":"intelligence","occurred_at":"2026-11-20T10:00:00Z","grading":{"source":"2","information":"B","handling":"C","conditions":"x"}}`,
		`{"kind":"link","from":"P1","to":"V1","role":"keeper_of","valid_from":"2025-01-01"}`,
		`{"kind":"call","from":"07700 900123","to":"+447700900456","start":"2026-11-25T09:00:00Z","duration_s":42,"type":"voice"}`,
		`{"kind":"object","ref":"O1","type":"firearm","serial":"12345"}`,
		`{}`, `[]`, `null`, `{"kind":null}`, `{"kind":"person","ref":""}`,
	} {
		f.Add([]byte(s))
	}
	v := ukref.DefaultVocabulary()
	f.Fuzz(func(t *testing.T, b []byte) {
		line, err := DecodeLine(b)
		if err != nil {
			if err.Code != EInvalid && err.Code != EMalformed {
				t.Fatalf("unexpected code %s", err.Code)
			}
			return
		}
		if line.Record != nil {
			_, _ = Validate(line.Record.Body, v, now)
			out, merr := json.Marshal(line.Record.Body)
			if merr != nil {
				t.Fatalf("marshal: %v", merr)
			}
			if _, derr := DecodeInput(out, line.Record.Kind); derr != nil {
				t.Fatalf("%s does not decode again: %v", out, derr)
			}
			_ = line.Record.Body.Label()
			_ = line.Record.Body.Keys()
		}
	})
}

func TestParsePeriod(t *testing.T) {
	asOf := time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		in    string
		start time.Time
	}{
		{"P7D", asOf.Add(-7 * 24 * time.Hour)},
		{"P28D", asOf.Add(-28 * 24 * time.Hour)},
		{"P24M", asOf.AddDate(0, -24, 0)},
		{"P1M", asOf.AddDate(0, -1, 0)}, // calendar month, as Go's AddDate (March 31 -> March 3)
		{"PT30M", asOf.Add(-30 * time.Minute)},
		{"P1Y2M3DT4H5M6S", asOf.AddDate(0, -14, 0).Add(-(3*24*time.Hour + 4*time.Hour + 5*time.Minute + 6*time.Second))},
		{"P2W", asOf.Add(-14 * 24 * time.Hour)},
	} {
		p, err := ParsePeriod(c.in)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if got := p.Before(asOf); !got.Equal(c.start) {
			t.Errorf("%s: window starts %s, want %s", c.in, got, c.start)
		}
	}
	for _, bad := range []string{"", "P", "PT", "7D", "P7", "P1DT", "-P7D", "P99999999D"} {
		if _, err := ParsePeriod(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"P7D", "P24M", "PT30M", "P1Y2M3DT4H5M6.5S", "P", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if p, err := ParsePeriod(s); err == nil {
			_ = p.Before(now)
		}
	})
}
