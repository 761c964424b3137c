package pole

import (
	"reflect"
	"testing"
)

// FuzzLineDecoder: whatever the line, LineDecoder answers as DecodeLine does, field for field.
func FuzzLineDecoder(f *testing.F) {
	for _, s := range []string{
		`{"kind":"call","from":"07700 900123","to":"+447700900456","start":"2026-11-01T10:00:00Z","duration_s":60,"type":"voice","cell":"234-10-1-2"}`,
		`{"kind":"call","from":"07700900123","to":"07700900456","start":"2026-11-01T10:00:00+01:00","duration_s":0,"type":"sms"}`,
		`{"kind":"call","from":"07700900123","to":"07700900456","start":"2026-11-01","duration_s":-5,"type":"fax"}`,
		`{"kind":"call","from":"07700900123","to":"07700900456","start":"soon","duration_s":1.5}`,
		`{"kind":"call","FROM":"07700900123","to":"x","start":"2026-11-01T10:00:00Z","duration_s":015}`,
		`{"kind":"call","from":null,"to":"07700900456","start":"2026-11-01T10:00:00Z","extra":1}`,
		`{"kind":"call","kind":"link","from":"a","to":"b","role":"owner"}`,
		`{"kind":"call","from":"\ud800","to":"07700900456","start":"2026-11-01T10:00:00Z"} x`,
		`{"kind":"person","ref":"p1","name":{"family":"Smith"}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var d LineDecoder
		got, gerr := d.Decode(data)
		want, werr := DecodeLine(data)
		if (gerr == nil) != (werr == nil) {
			t.Fatalf("%q: LineDecoder error %v, DecodeLine error %v", data, gerr, werr)
		}
		if werr != nil {
			if gerr.Code != werr.Code || !reflect.DeepEqual(gerr.Fields, werr.Fields) {
				t.Fatalf("%q: LineDecoder %+v, DecodeLine %+v", data, gerr, werr)
			}
			return
		}
		if (got.Call == nil) != (want.Call == nil) {
			t.Fatalf("%q: LineDecoder %+v, DecodeLine %+v", data, got, want)
		}
		if got.Call != nil {
			g, w := *got.Call, *want.Call
			if !g.Start.Equal(w.Start) {
				t.Fatalf("%q: start %v, DecodeLine %v", data, g.Start, w.Start)
			}
			g.Start = w.Start
			if g != w {
				t.Fatalf("%q: LineDecoder %+v, DecodeLine %+v", data, g, w)
			}
		}
	})
}

// TestLineDecoderReadsCalls: a plain call line takes the fast reading, numbers normalised.
func TestLineDecoderReadsCalls(t *testing.T) {
	var d LineDecoder
	c, ok := d.fastCall([]byte(`{"kind":"call","from":"07700 900123","to":"+447700900456","start":"2026-11-01T10:00:00Z","duration_s":60,"type":"voice","cell":"234-10-1-2"}`))
	if !ok || c.From != "+447700900123" || c.To != "+447700900456" || c.DurationS != 60 || c.Cell != "234-10-1-2" || c.Start.Hour() != 10 {
		t.Fatalf("fast reading: %v %+v", ok, c)
	}
	if _, ok := d.fastCall([]byte(`{"kind":"call","from":"07700900123","to":"07700900456","start":"2026-11-01T10:00:00Z","duration_s":1,"note":"x"}`)); ok {
		t.Error("an unknown field must go to DecodeLine, which names it")
	}
}
