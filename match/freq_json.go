package match

import "encoding/json"

// frequenciesJSON is the stored form of Frequencies, so a store can keep the counts it trained on.
type frequenciesJSON struct {
	Family  map[string]uint32 `json:"family"`
	Given   map[string]uint32 `json:"given"`
	DOB     map[string]uint32 `json:"dob"`
	NFamily uint32            `json:"n_family"`
	NGiven  uint32            `json:"n_given"`
	NDOB    uint32            `json:"n_dob"`
}

// MarshalJSON writes the counts.
func (f *Frequencies) MarshalJSON() ([]byte, error) {
	return json.Marshal(frequenciesJSON{f.family, f.given, f.dob, f.nFamily, f.nGiven, f.nDOB})
}

// UnmarshalJSON reads counts written by MarshalJSON.
func (f *Frequencies) UnmarshalJSON(b []byte) error {
	var x frequenciesJSON
	if err := json.Unmarshal(b, &x); err != nil {
		return err
	}
	*f = Frequencies{family: x.Family, given: x.Given, dob: x.DOB, nFamily: x.NFamily, nGiven: x.NGiven, nDOB: x.NDOB}
	if f.family == nil {
		f.family = map[string]uint32{}
	}
	if f.given == nil {
		f.given = map[string]uint32{}
	}
	if f.dob == nil {
		f.dob = map[string]uint32{}
	}
	return nil
}
