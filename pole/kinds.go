package pole

import (
	"math"
	"strconv"
	"strings"

	"github.com/peel-rms/peel/ukref"
)

// Object is a thing: firearm, weapon, drugs, stolen property, document, phone handset, cash.
type Object struct {
	Type        string `json:"type"`
	Description string `json:"description,omitempty"`
	Serial      string `json:"serial,omitempty"`
	Make        string `json:"make,omitempty"`
	Model       string `json:"model,omitempty"`
	// Certificate is the firearm or shotgun certificate number the object is held under.
	Certificate string `json:"certificate,omitempty"`
}

// Kind is KindObject.
func (*Object) Kind() Kind { return KindObject }

// Normalise checks the object type against the force's vocabulary.
func (o *Object) Normalise(v *Validator) {
	o.Type = strings.TrimSpace(o.Type)
	if o.Type == "" {
		v.Fail("type", "is required")
	} else {
		v.In("type", v.Vocab.ObjectTypes, o.Type, "object types")
	}
	o.Serial = strings.TrimSpace(o.Serial)
	o.Certificate = strings.TrimSpace(o.Certificate)
}

// NormaliseSerial is the serial number in the form used for exact matching.
func NormaliseSerial(s string) string {
	return strings.ToUpper(strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '/' || r == '.' {
			return -1
		}
		return r
	}, s))
}

// Keys is the normalised serial number (IMEI for handsets).
func (o *Object) Keys() []string {
	if o.Serial == "" {
		return nil
	}
	return []string{"serial:" + NormaliseSerial(o.Serial)}
}

// Label is "type: description (serial)".
func (o *Object) Label() string {
	s := o.Type
	desc := strings.TrimSpace(strings.Join([]string{o.Make, o.Model, o.Description}, " "))
	if desc != "" {
		s += ": " + desc
	}
	if o.Serial != "" {
		s += " (serial " + o.Serial + ")"
	}
	return s
}

// Vehicle is a car, van, motorcycle: an object important enough to be a kind of its own.
type Vehicle struct {
	VRM    string `json:"vrm,omitempty"`
	VIN    string `json:"vin,omitempty"`
	Make   string `json:"make,omitempty"`
	Model  string `json:"model,omitempty"`
	Colour string `json:"colour,omitempty"`
}

// Kind is KindVehicle.
func (*Vehicle) Kind() Kind { return KindVehicle }

// Normalise puts the VRM in upper case without spaces; marks of no known scheme are flagged, not rejected.
func (x *Vehicle) Normalise(v *Validator) {
	if x.VRM != "" {
		vrm, format := ukref.NormaliseVRM(x.VRM)
		x.VRM = vrm
		if format == ukref.VRMUnknown {
			v.Flag("vrm", "%q matches no UK registration format; kept as given", vrm)
		}
	}
	x.VIN = ukref.NormaliseVIN(x.VIN)
	if x.VIN != "" && len(x.VIN) != 17 {
		v.Flag("vin", "a VIN has 17 characters; this one has %d", len(x.VIN))
	}
	if x.VRM == "" && x.VIN == "" && x.Make == "" && x.Model == "" {
		v.Problem("vrm", "a vehicle needs a VRM, a VIN or a description")
	}
}

// Keys are the VRM and the VIN.
func (x *Vehicle) Keys() []string {
	var keys []string
	if x.VRM != "" {
		keys = append(keys, "vrm:"+x.VRM)
	}
	if x.VIN != "" {
		keys = append(keys, "vin:"+x.VIN)
	}
	return keys
}

// Label is "VRM colour make model".
func (x *Vehicle) Label() string {
	s := strings.TrimSpace(strings.Join([]string{x.VRM, x.Colour, x.Make, x.Model}, " "))
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "vehicle " + x.VIN
	}
	return s
}

// Telephone is a mobile or landline number, held in E.164.
type Telephone struct {
	Number string `json:"number"`
}

// Kind is KindTelephone.
func (*Telephone) Kind() Kind { return KindTelephone }

// Normalise puts the number in E.164 where a reading exists; otherwise it is kept and flagged.
func (t *Telephone) Normalise(v *Validator) {
	if strings.TrimSpace(t.Number) == "" {
		v.Fail("number", "is required")
		return
	}
	e164, valid, ok := ukref.NormalisePhone(t.Number)
	switch {
	case !ok:
		t.Number = strings.TrimSpace(t.Number)
		v.Flag("number", "%q could not be read as a telephone number; kept as given", t.Number)
	case !valid:
		t.Number = e164
		v.Flag("number", "%s is not an allocated number in its numbering plan", e164)
	default:
		t.Number = e164
	}
}

// Keys is the E.164 number.
func (t *Telephone) Keys() []string {
	if t.Number == "" {
		return nil
	}
	return []string{"tel:" + t.Number}
}

// Label is the number.
func (t *Telephone) Label() string { return t.Number }

func ftoa(f float64) string {
	if math.IsNaN(f) {
		return "?"
	}
	return strconv.FormatFloat(f, 'f', 5, 64)
}
