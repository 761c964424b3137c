package pole

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"unicode"
)

// Input is a record as a sender writes it: the body, plus the envelope fields a sender may set.
type Input struct {
	Kind   Kind
	Ref    string
	Source string
	Access *Access
	Body   Body
}

type inputEnvelope struct {
	Kind   string  `json:"kind,omitempty"`
	Ref    string  `json:"ref,omitempty"`
	Source string  `json:"source,omitempty"`
	Access *Access `json:"access,omitempty"`
}

type (
	personIn struct {
		inputEnvelope
		Person
	}
	objectIn struct {
		inputEnvelope
		Object
	}
	vehicleIn struct {
		inputEnvelope
		Vehicle
	}
	telephoneIn struct {
		inputEnvelope
		Telephone
	}
	locationIn struct {
		inputEnvelope
		Location
	}
	eventIn struct {
		inputEnvelope
		Event
	}
)

// LinkInput is a link as a sender writes it: records named by id (API) or by ref (interchange).
type LinkInput struct {
	Kind      string  `json:"kind,omitempty"`
	From      string  `json:"from"`
	To        string  `json:"to"`
	Role      string  `json:"role"`
	ValidFrom *Moment `json:"valid_from"`
	ValidTo   *Moment `json:"valid_to"`
	Evidence  string  `json:"evidence,omitempty"`
}

type callIn struct {
	Kind      string  `json:"kind"`
	From      string  `json:"from"`
	To        string  `json:"to"`
	Start     *Moment `json:"start"`
	DurationS int     `json:"duration_s"`
	Type      string  `json:"type"`
	Cell      string  `json:"cell,omitempty"`
}

// DecodeStrict decodes one JSON value into v, rejecting unknown fields, wrong types and trailing
// data, and names the field at fault.
func DecodeStrict(data []byte, v any) *Error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return &Error{Code: EMalformed, Message: "malformed JSON: unexpected data after the object"}
	}
	return nil
}

func jsonError(err error) *Error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return &Error{Code: EMalformed, Message: fmt.Sprintf("malformed JSON at byte %d: %s", syn.Offset, syn.Error())}
	case errors.As(err, &typ):
		field := jsonFieldPath(typ.Field)
		msg := "must be " + describeType(typ.Type) + ", not " + typ.Value
		if typ.Type == momentType {
			msg = typ.Value
		}
		if field == "" {
			return &Error{Code: EInvalid, Message: "the body must be a JSON object", Fields: []FieldError{{Field: "", Message: msg}}}
		}
		return Invalid("wrong type for "+field, FieldError{Field: field, Message: msg})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return Invalid("unknown field "+field, FieldError{Field: field, Message: "is not a known field"})
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return &Error{Code: EMalformed, Message: "malformed JSON: the body ends early"}
	}
	return &Error{Code: EMalformed, Message: "malformed JSON: " + err.Error()}
}

// jsonFieldPath drops the Go names of embedded structs from a decoder's field path.
func jsonFieldPath(p string) string {
	var out []string
	for _, part := range strings.Split(p, ".") {
		if part == "" || unicode.IsUpper(rune(part[0])) {
			continue
		}
		out = append(out, part)
	}
	return strings.Join(out, ".")
}

func describeType(t reflect.Type) string {
	if t == nil {
		return "another type"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "an integer"
	case reflect.Float64, reflect.Float32:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Pointer:
		return describeType(t.Elem())
	}
	return t.String()
}

// DecodeInput reads a record of the given kind as the API receives it (no "kind" field; optional
// source, ref and access).
func DecodeInput(data []byte, kind Kind) (*Input, *Error) {
	in, err := decodeRecord(data, kind)
	if err != nil {
		return nil, err
	}
	if in.Kind != "" && in.Kind != kind {
		return nil, Invalid("kind does not match the collection", FieldError{Field: "kind", Message: fmt.Sprintf("is %q but this is the %s collection", in.Kind, kind.Plural())})
	}
	in.Kind = kind
	return in, nil
}

func decodeRecord(data []byte, kind Kind) (*Input, *Error) {
	var env *inputEnvelope
	var body Body
	var target any
	switch kind {
	case KindPerson:
		x := &personIn{}
		env, body, target = &x.inputEnvelope, &x.Person, x
	case KindObject:
		x := &objectIn{}
		env, body, target = &x.inputEnvelope, &x.Object, x
	case KindVehicle:
		x := &vehicleIn{}
		env, body, target = &x.inputEnvelope, &x.Vehicle, x
	case KindTelephone:
		x := &telephoneIn{}
		env, body, target = &x.inputEnvelope, &x.Telephone, x
	case KindLocation:
		x := &locationIn{}
		env, body, target = &x.inputEnvelope, &x.Location, x
	case KindEvent:
		x := &eventIn{}
		env, body, target = &x.inputEnvelope, &x.Event, x
	default:
		return nil, Invalid("unknown kind", FieldError{Field: "kind", Message: fmt.Sprintf("%q is not a record kind", kind)})
	}
	if err := DecodeStrict(data, target); err != nil {
		return nil, err
	}
	return &Input{Kind: Kind(env.Kind), Ref: env.Ref, Source: env.Source, Access: env.Access, Body: body}, nil
}

// Line is one decoded interchange line: a record, a link or a call.
type Line struct {
	Record *Input
	Link   *LinkInput
	Call   *Call
}

// DecodeLine reads one interchange NDJSON line.
func DecodeLine(data []byte) (*Line, *Error) {
	var head struct {
		Kind *string `json:"kind"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, jsonError(err)
	}
	if head.Kind == nil {
		return nil, Invalid("missing kind", FieldError{Field: "kind", Message: "is required"})
	}
	switch k := *head.Kind; k {
	case "link":
		var l LinkInput
		if err := DecodeStrict(data, &l); err != nil {
			return nil, err
		}
		var errs []FieldError
		for _, f := range []struct{ name, v string }{{"from", l.From}, {"to", l.To}, {"role", l.Role}} {
			if f.v == "" {
				errs = append(errs, FieldError{Field: f.name, Message: "is required"})
			}
		}
		if len(errs) > 0 {
			return nil, Invalid("the link has missing fields", errs...)
		}
		return &Line{Link: &l}, nil
	case "call":
		var c callIn
		if err := DecodeStrict(data, &c); err != nil {
			return nil, err
		}
		call := &Call{From: c.From, To: c.To, DurationS: c.DurationS, Type: c.Type, Cell: c.Cell}
		if c.Start != nil {
			call.Start = c.Start.T
		}
		if errs := call.Normalise(); len(errs) > 0 {
			return nil, Invalid("the call has invalid fields", errs...)
		}
		return &Line{Call: call}, nil
	default:
		if !Kind(k).Valid() {
			return nil, Invalid("unknown kind", FieldError{Field: "kind", Message: fmt.Sprintf("%q is not a record kind, link or call", k)})
		}
		in, err := decodeRecord(data, Kind(k))
		if err != nil {
			return nil, err
		}
		if in.Source != "" {
			return nil, Invalid("unknown field source", FieldError{Field: "source", Message: "is not a field of an interchange line; the source is given to the import"})
		}
		if in.Ref == "" {
			return nil, Invalid("missing ref", FieldError{Field: "ref", Message: "is required on a record line"})
		}
		return &Line{Record: in}, nil
	}
}
