package pole

import (
	"fmt"
	"strings"

	"github.com/peel-rms/peel/ukref"
)

// Person is a nominal: suspect, victim, witness, missing person, detainee, reporter.
type Person struct {
	FamilyName  string       `json:"family_name,omitempty"`
	GivenNames  string       `json:"given_names,omitempty"`
	DOB         string       `json:"dob,omitempty"`
	Gender      string       `json:"gender,omitempty"`
	Aliases     []Name       `json:"aliases,omitempty"`
	Identifiers []Identifier `json:"identifiers,omitempty"`
	Markers     []Marker     `json:"markers,omitempty"`
	Description string       `json:"description,omitempty"`
	Nationality string       `json:"nationality,omitempty"`
	// Addresses and Phones are input shorthand: they become location and telephone records and links,
	// and are not kept on the person.
	Addresses []AddressLink `json:"addresses,omitempty"`
	Phones    []PhoneLink   `json:"phones,omitempty"`
}

// Name is another name a person is known by.
type Name struct {
	FamilyName string `json:"family_name,omitempty"`
	GivenNames string `json:"given_names,omitempty"`
}

// Identifier is a reference number held by a person: PNC ID, CRO number, NI number, passport...
type Identifier struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

// AddressLink is the person shorthand for "this person has this role at this address".
type AddressLink struct {
	Location
	Role      string  `json:"role,omitempty"`
	ValidFrom *Moment `json:"valid_from,omitempty"`
	ValidTo   *Moment `json:"valid_to,omitempty"`
}

// PhoneLink is the person shorthand for "this person uses this number".
type PhoneLink struct {
	Number    string  `json:"number"`
	Role      string  `json:"role,omitempty"`
	ValidFrom *Moment `json:"valid_from,omitempty"`
	ValidTo   *Moment `json:"valid_to,omitempty"`
}

// Kind is KindPerson.
func (*Person) Kind() Kind { return KindPerson }

// Genders accepted for a person.
var Genders = []string{"M", "F", "X", "U"}

// Normalise trims names, checks the date of birth (flagged, never rejected) and identifiers.
func (p *Person) Normalise(v *Validator) {
	p.FamilyName = strings.TrimSpace(p.FamilyName)
	p.GivenNames = strings.Join(strings.Fields(p.GivenNames), " ")
	p.DOB = strings.TrimSpace(p.DOB)
	if p.FamilyName == "" && p.GivenNames == "" && len(p.Aliases) == 0 && p.Description == "" {
		v.Problem("family_name", "a person needs a name, an alias or a description")
	}
	if msg := ukref.CheckDOB(p.DOB, v.Now); msg != "" {
		v.Flag("dob", "%s", msg)
	}
	if p.Gender != "" {
		p.Gender = strings.ToUpper(p.Gender)
		ok := false
		for _, g := range Genders {
			ok = ok || g == p.Gender
		}
		if !ok {
			v.Fail("gender", "%q is not one of M, F, X, U", p.Gender)
		}
	}
	for i := range p.Identifiers {
		id := &p.Identifiers[i]
		field := fmt.Sprintf("identifiers[%d]", i)
		v.In(field+".type", v.Vocab.IdentifierTypes, id.Type, "identifier types")
		id.Value = strings.TrimSpace(id.Value)
		if id.Value == "" {
			v.Problem(field+".value", "is required")
		}
	}
	normaliseMarkers(v, p.Markers)
	for i := range p.Addresses {
		a := &p.Addresses[i]
		field := fmt.Sprintf("addresses[%d]", i)
		if a.Role == "" {
			a.Role = "resides_at"
		}
		checkRole(v, field+".role", a.Role, KindPerson, KindLocation)
		sub := &Validator{Vocab: v.Vocab, Now: v.Now, Lenient: v.Lenient}
		a.Location.Normalise(sub)
		for _, e := range sub.Errors {
			v.Fail(field+"."+e.Field, "%s", e.Message)
		}
		for _, f := range sub.Flags {
			v.Flag(field+"."+f.Field, "%s", f.Message)
		}
		checkInterval(v, field, a.ValidFrom, a.ValidTo)
	}
	for i := range p.Phones {
		ph := &p.Phones[i]
		field := fmt.Sprintf("phones[%d]", i)
		if ph.Role == "" {
			ph.Role = "user_of"
		}
		checkRole(v, field+".role", ph.Role, KindPerson, KindTelephone)
		t := Telephone{Number: ph.Number}
		sub := &Validator{Vocab: v.Vocab, Now: v.Now, Lenient: v.Lenient}
		t.Normalise(sub)
		for _, e := range sub.Errors {
			v.Fail(field+"."+e.Field, "%s", e.Message)
		}
		for _, f := range sub.Flags {
			v.Flag(field+"."+f.Field, "%s", f.Message)
		}
		ph.Number = t.Number
		checkInterval(v, field, ph.ValidFrom, ph.ValidTo)
	}
}

// Keys is empty: people are never merged automatically on an exact key; possible duplicates are
// proposed for review instead.
func (*Person) Keys() []string { return nil }

// FullName is "Given Names FAMILY".
func (p *Person) FullName() string {
	return strings.TrimSpace(p.GivenNames + " " + p.FamilyName)
}

// Label is "FAMILY, Given Names (dob)".
func (p *Person) Label() string {
	name := strings.ToUpper(p.FamilyName)
	if p.GivenNames != "" {
		if name != "" {
			name += ", "
		}
		name += p.GivenNames
	}
	if name == "" && len(p.Aliases) > 0 {
		name = strings.TrimSpace(p.Aliases[0].GivenNames + " " + p.Aliases[0].FamilyName)
	}
	if name == "" {
		name = "unnamed person"
	}
	if p.DOB != "" {
		name += " (" + p.DOB + ")"
	}
	return name
}

// Stored returns the person without the input shorthand (addresses and phones become links).
func (p *Person) Stored() *Person {
	c := *p
	c.Addresses, c.Phones = nil, nil
	return &c
}

func checkRole(v *Validator, field, role string, from, to Kind) {
	t := ukref.Find(v.Vocab.LinkRoles, role)
	if t == nil {
		v.Fail(field, "%q is not in the force's link roles", role)
		return
	}
	if !t.RoleAllows(string(from), string(to)) {
		v.Fail(field, "role %q cannot link a %s to a %s", role, from, to)
	}
}

func checkInterval(v *Validator, field string, from, to *Moment) {
	if from != nil && to != nil && !to.T.After(from.T) {
		v.Problem(strings.TrimPrefix(field+".valid_to", "."), "must be after valid_from")
	}
}
