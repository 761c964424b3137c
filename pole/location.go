package pole

import (
	"math"
	"strings"
	"unicode"

	"github.com/peel-rms/peel/ukref"
)

// Location is an address, a place or a point.
type Location struct {
	Lines       []string `json:"lines,omitempty"`
	Town        string   `json:"town,omitempty"`
	Postcode    string   `json:"postcode,omitempty"`
	Country     string   `json:"country,omitempty"`
	UPRN        string   `json:"uprn,omitempty"`
	Lat         *float64 `json:"lat,omitempty"`
	Lon         *float64 `json:"lon,omitempty"`
	Description string   `json:"description,omitempty"`
	Markers     []Marker `json:"markers,omitempty"`
}

// Kind is KindLocation.
func (*Location) Kind() Kind { return KindLocation }

// Normalise canonicalises the postcode (UK postcodes; others kept as given and flagged), trims the
// address and checks coordinates.
func (l *Location) Normalise(v *Validator) {
	lines := l.Lines[:0:0]
	for _, s := range l.Lines {
		if s = strings.Join(strings.Fields(s), " "); s != "" {
			lines = append(lines, s)
		}
	}
	l.Lines = lines
	l.Town = strings.Join(strings.Fields(l.Town), " ")
	l.Country = strings.ToUpper(strings.TrimSpace(l.Country))
	l.UPRN = strings.TrimSpace(l.UPRN)
	if l.Postcode != "" {
		pc, ok := ukref.ParsePostcode(l.Postcode)
		switch {
		case ok && (l.Country == "" || l.Country == "GB" || l.Country == "UK"):
			l.Postcode = pc
		case l.Country == "" || l.Country == "GB" || l.Country == "UK":
			v.Problem("postcode", "%q is not a UK postcode (expected the form AB1 2CD); give the country for a foreign address", l.Postcode)
		default:
			l.Postcode = strings.TrimSpace(l.Postcode)
			v.Flag("postcode", "postcode of a %s address, kept as given", l.Country)
		}
	}
	if l.Country != "" && l.Country != "GB" && l.Country != "UK" && l.Postcode == "" {
		v.Flag("country", "address outside the United Kingdom")
	}
	if l.UPRN != "" && !isDigits(l.UPRN) {
		v.Problem("uprn", "a UPRN is a number of up to 12 digits")
	}
	if (l.Lat == nil) != (l.Lon == nil) {
		v.Problem("lat", "lat and lon must be given together")
	}
	if l.Lat != nil && (math.IsNaN(*l.Lat) || *l.Lat < -90 || *l.Lat > 90) {
		v.Problem("lat", "must be between -90 and 90")
	}
	if l.Lon != nil && (math.IsNaN(*l.Lon) || *l.Lon < -180 || *l.Lon > 180) {
		v.Problem("lon", "must be between -180 and 180")
	}
	if len(l.Lines) == 0 && l.Postcode == "" && l.UPRN == "" && l.Lat == nil && l.Description == "" && l.Town == "" {
		v.Problem("lines", "a location needs an address, a postcode, a UPRN, coordinates or a description")
	}
	normaliseMarkers(v, l.Markers)
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != "" && len(s) <= 12
}

// addressAbbrev expands the street-type abbreviations that make one address look like two.
var addressAbbrev = map[string]string{
	"rd": "road", "st": "street", "ave": "avenue", "av": "avenue", "ln": "lane", "dr": "drive", "cl": "close",
	"ct": "court", "cres": "crescent", "pl": "place", "sq": "square", "gdns": "gardens", "gr": "grove",
	"ter": "terrace", "terr": "terrace", "pk": "park", "hse": "house", "flt": "flat",
}

// NormaliseAddress returns the address lines in the form used for exact matching: lower case, no
// punctuation, common abbreviations expanded.
func NormaliseAddress(lines []string) string {
	var words []string
	for _, line := range lines {
		for _, w := range strings.FieldsFunc(strings.ToLower(line), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		}) {
			if x, ok := addressAbbrev[w]; ok {
				w = x
			}
			words = append(words, w)
		}
	}
	return strings.Join(words, " ")
}

// Keys are the UPRN, and the normalised address with its postcode.
func (l *Location) Keys() []string {
	var keys []string
	if l.UPRN != "" {
		keys = append(keys, "uprn:"+l.UPRN)
	}
	if l.Postcode != "" && len(l.Lines) > 0 {
		keys = append(keys, "addr:"+NormaliseAddress(l.Lines)+"|"+strings.ToUpper(l.Postcode))
	}
	return keys
}

// Label is the one-line address.
func (l *Location) Label() string {
	parts := append([]string{}, l.Lines...)
	if l.Town != "" {
		parts = append(parts, l.Town)
	}
	if l.Postcode != "" {
		parts = append(parts, l.Postcode)
	}
	if len(parts) == 0 && l.Description != "" {
		parts = append(parts, l.Description)
	}
	if len(parts) == 0 && l.Lat != nil && l.Lon != nil {
		return "point " + ftoa(*l.Lat) + ", " + ftoa(*l.Lon)
	}
	return strings.Join(parts, ", ")
}
