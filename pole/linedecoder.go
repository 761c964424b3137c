package pole

import (
	"bytes"
	"strconv"
	"unicode/utf8"

	"github.com/peel-rms/peel/ukref"
	"github.com/valyala/fastjson"
)

// LineDecoder decodes interchange lines as DecodeLine does. Call lines, which are most of a
// communications data import, are read by a parser that builds no reflection-driven structs, and
// each number written the same way is read once. A call line the fast reading does not accept
// exactly as DecodeLine would (an unknown or differently cased field, a null, a number that is not
// a plain integer, an escape, text that is not UTF-8, a bad time) goes to DecodeLine, whose errors name the
// field. Not safe for concurrent use.
type LineDecoder struct {
	// KeepNumbers leaves the numbers of calls read the fast way as written, for a caller that
	// reads each distinct number into E.164 itself.
	KeepNumbers bool
	p           fastjson.Parser
	numbers     map[string]string
}

// maxDecoderNumbers bounds the numbers a LineDecoder remembers.
const maxDecoderNumbers = 1 << 20

// Decode decodes one interchange line.
func (d *LineDecoder) Decode(data []byte) (*Line, *Error) {
	if c, ok := d.fastCall(data); ok {
		if errs := c.Check(); len(errs) > 0 {
			return nil, Invalid("the call has invalid fields", errs...)
		}
		return &Line{Call: c}, nil
	}
	return DecodeLine(data)
}

// fastCall reads a call line whose every field is present in its plain form, its numbers
// normalised; ok is false for anything else.
func (d *LineDecoder) fastCall(data []byte) (c *Call, ok bool) {
	if !bytes.HasPrefix(data, []byte(`{"kind":"call"`)) {
		return nil, false
	}
	// Escapes are left to DecodeLine (the two read a lone surrogate differently), and so are
	// control characters, which fastjson lets into a string and JSON does not.
	for _, b := range data {
		if b < 0x20 || b == '\\' {
			return nil, false
		}
	}
	v, err := d.p.ParseBytes(data)
	if err != nil {
		return nil, false
	}
	o, err := v.Object()
	if err != nil {
		return nil, false
	}
	c = &Call{}
	ok = true
	str := func(v *fastjson.Value) string {
		if v.Type() != fastjson.TypeString {
			ok = false
			return ""
		}
		b := v.GetStringBytes()
		if !utf8.Valid(b) {
			ok = false
		}
		return string(b)
	}
	o.Visit(func(k []byte, v *fastjson.Value) {
		if !ok {
			return
		}
		switch string(k) {
		case "kind":
			ok = str(v) == "call"
		case "from":
			c.From = str(v)
		case "to":
			c.To = str(v)
		case "type":
			c.Type = str(v)
		case "cell":
			c.Cell = str(v)
		case "start":
			s := str(v)
			if !ok {
				return
			}
			m, err := ParseMoment(s)
			if err != nil {
				ok = false
				return
			}
			c.Start = m.T
		case "duration_s":
			if v.Type() != fastjson.TypeNumber {
				ok = false
				return
			}
			raw := v.MarshalTo(nil)
			if !plainInt(raw) {
				ok = false
				return
			}
			n, err := strconv.Atoi(string(raw))
			if err != nil {
				ok = false
				return
			}
			c.DurationS = n
		default:
			ok = false
		}
	})
	if !ok {
		return nil, false
	}
	if !d.KeepNumbers {
		c.From, c.To = d.number(c.From), d.number(c.To)
	}
	return c, true
}

// plainInt reports whether b is a JSON integer: -?(0|[1-9][0-9]*).
func plainInt(b []byte) bool {
	b = bytes.TrimPrefix(b, []byte("-"))
	if len(b) == 0 || (b[0] == '0' && len(b) > 1) {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// number normalises a telephone number as Call.Normalise does, remembering it.
func (d *LineDecoder) number(raw string) string {
	if n, ok := d.numbers[raw]; ok {
		return n
	}
	if d.numbers == nil || len(d.numbers) >= maxDecoderNumbers {
		d.numbers = map[string]string{}
	}
	n := raw
	if e, _, ok := ukref.NormalisePhone(raw); ok {
		n = e
	}
	d.numbers[raw] = n
	return n
}
