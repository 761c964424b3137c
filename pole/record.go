package pole

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/peel-rms/peel/ukref"
)

// Kind is one of the POLE record kinds.
type Kind string

// The record kinds.
const (
	KindPerson    Kind = "person"
	KindObject    Kind = "object"
	KindVehicle   Kind = "vehicle"
	KindTelephone Kind = "telephone"
	KindLocation  Kind = "location"
	KindEvent     Kind = "event"
)

// Kinds lists every record kind.
var Kinds = []Kind{KindPerson, KindObject, KindVehicle, KindTelephone, KindLocation, KindEvent}

// Plural is the collection name of the kind in URLs ("persons").
func (k Kind) Plural() string { return string(k) + "s" }

// KindFromPlural reads a collection name ("vehicles") back into a kind.
func KindFromPlural(s string) (Kind, bool) {
	for _, k := range Kinds {
		if k.Plural() == s {
			return k, true
		}
	}
	return "", false
}

// Valid reports whether k is a record kind.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// Ref is a sender's identifier for a record: unique within its source across all kinds.
type Ref struct {
	Source string `json:"source"`
	Ref    string `json:"ref"`
}

// Flag is a warning kept with a record: the value was stored as given but looks wrong.
type Flag struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Access restricts a record to the named roles and users (and administrators). A nil Access means
// every user with read permission may see the record.
type Access struct {
	Roles []string `json:"roles,omitempty"`
	Users []string `json:"users,omitempty"`
}

// Body is the kind-specific content of a record.
type Body interface {
	Kind() Kind
	// Normalise puts values into canonical form (postcodes, VRMs, E.164 numbers) and returns errors
	// for values that must be rejected and flags for values stored as given.
	Normalise(v *Validator)
	// Keys are the exact identity keys: another record with one of them is the same thing.
	Keys() []string
	// Label is a short human description for lists and search results.
	Label() string
}

// Record is one POLE record: the envelope every kind shares and its kind-specific body.
type Record struct {
	ID         string
	Kind       Kind
	Version    int
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Refs       []Ref
	Flags      []Flag
	Access     *Access
	MergedInto string
	Deleted    bool
	// UpdatedBy is who made this version.
	UpdatedBy string
	Body      Body
}

// Label describes the record in a few words.
func (r *Record) Label() string {
	if r.Body == nil {
		return string(r.Kind)
	}
	return r.Body.Label()
}

type envelope struct {
	ID         string    `json:"id"`
	Kind       Kind      `json:"kind"`
	Version    int       `json:"version"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	Refs       []Ref     `json:"refs"`
	Flags      []Flag    `json:"flags"`
	Access     *Access   `json:"access,omitempty"`
	MergedInto string    `json:"merged_into,omitempty"`
	Deleted    bool      `json:"deleted,omitempty"`
	UpdatedBy  string    `json:"updated_by,omitempty"`
	Label      string    `json:"label"`
}

// MarshalJSON writes the record flat: the envelope fields, then the body's own fields.
func (r *Record) MarshalJSON() ([]byte, error) {
	env := envelope{ID: r.ID, Kind: r.Kind, Version: r.Version, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
		Refs: r.Refs, Flags: r.Flags, Access: r.Access, MergedInto: r.MergedInto, Deleted: r.Deleted, UpdatedBy: r.UpdatedBy, Label: r.Label()}
	if env.Refs == nil {
		env.Refs = []Ref{}
	}
	if env.Flags == nil {
		env.Flags = []Flag{}
	}
	head, err := json.Marshal(env)
	if err != nil {
		return nil, err
	}
	if r.Body == nil {
		return head, nil
	}
	body, err := json.Marshal(r.Body)
	if err != nil {
		return nil, err
	}
	return spliceObjects(head, body), nil
}

// spliceObjects joins two JSON objects into one: {"a":1} + {"b":2} = {"a":1,"b":2}.
func spliceObjects(a, b []byte) []byte {
	b = bytes.TrimSpace(b)
	if len(b) <= 2 {
		return a
	}
	out := make([]byte, 0, len(a)+len(b))
	out = append(out, a[:len(a)-1]...)
	out = append(out, ',')
	return append(out, b[1:]...)
}

// UnmarshalJSON reads a flat record as written by MarshalJSON.
func (r *Record) UnmarshalJSON(data []byte) error {
	var env envelope
	if err := json.Unmarshal(data, &env); err != nil {
		return err
	}
	body, err := NewBody(env.Kind)
	if err != nil {
		return err
	}
	// The body types ignore envelope fields when decoding leniently.
	if err := json.Unmarshal(data, body); err != nil {
		return err
	}
	*r = Record{ID: env.ID, Kind: env.Kind, Version: env.Version, CreatedAt: env.CreatedAt, UpdatedAt: env.UpdatedAt,
		Refs: env.Refs, Flags: env.Flags, Access: env.Access, MergedInto: env.MergedInto, Deleted: env.Deleted, UpdatedBy: env.UpdatedBy, Body: body}
	return nil
}

// NewBody returns an empty body of the kind.
func NewBody(k Kind) (Body, error) {
	switch k {
	case KindPerson:
		return &Person{}, nil
	case KindObject:
		return &Object{}, nil
	case KindVehicle:
		return &Vehicle{}, nil
	case KindTelephone:
		return &Telephone{}, nil
	case KindLocation:
		return &Location{}, nil
	case KindEvent:
		return &Event{}, nil
	}
	return nil, fmt.Errorf("unknown record kind %q", k)
}

// Validator collects the errors and flags found while normalising a body against the force's
// vocabulary at a given time.
type Validator struct {
	Vocab  *ukref.Vocabulary
	Now    time.Time
	Errors []FieldError
	Flags  []Flag
	// Lenient keeps values that look wrong but are not outside a reference vocabulary (a malformed
	// postcode, a nameless person): they are stored and flagged. Imports are lenient, as the
	// interchange contract requires; forms and the API are strict so the officer can correct them.
	Lenient bool
}

// NewValidator returns a validator for the vocabulary at now.
func NewValidator(v *ukref.Vocabulary, now time.Time) *Validator {
	return &Validator{Vocab: v, Now: now}
}

// Fail records a value that must be rejected.
func (v *Validator) Fail(field, format string, args ...any) {
	v.Errors = append(v.Errors, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Problem records a value that looks wrong: rejected when strict, flagged when lenient.
func (v *Validator) Problem(field, format string, args ...any) {
	if v.Lenient {
		v.Flag(field, format, args...)
		return
	}
	v.Fail(field, format, args...)
}

// Flag records a value stored as given with a warning.
func (v *Validator) Flag(field, format string, args ...any) {
	v.Flags = append(v.Flags, Flag{Field: field, Message: fmt.Sprintf(format, args...)})
}

// In checks code is in the vocabulary list, naming field when it is not.
func (v *Validator) In(field string, list []ukref.Term, code, listName string) {
	if !ukref.Has(list, code) {
		v.Fail(field, "%q is not in the force's %s", code, listName)
	}
}

// Required fails when s is empty.
func (v *Validator) Required(field, s string) {
	if s == "" {
		v.Fail(field, "is required")
	}
}

// Validate normalises the body strictly and returns its errors (as an EInvalid error, or nil) and flags.
func Validate(b Body, vocab *ukref.Vocabulary, now time.Time) ([]Flag, error) {
	return validate(b, &Validator{Vocab: vocab, Now: now})
}

// ValidateLenient normalises the body as an import does: only values outside the force's
// vocabularies are errors; everything else that looks wrong is stored and flagged.
func ValidateLenient(b Body, vocab *ukref.Vocabulary, now time.Time) ([]Flag, error) {
	return validate(b, &Validator{Vocab: vocab, Now: now, Lenient: true})
}

func validate(b Body, v *Validator) ([]Flag, error) {
	b.Normalise(v)
	if len(v.Errors) > 0 {
		return v.Flags, Invalid("the record has invalid fields", v.Errors...)
	}
	return v.Flags, nil
}
