package match

import (
	"encoding/json"
	"fmt"
	"math"
)

// Comparison indices. The order is the order of Reasons in a Result.
const (
	cFamily = iota
	cGiven
	cDOB
	cGender
	cAddress
	cPostcode
	cPhone
	cEmail
	cIDPNC
	cIDCRO
	cIDNI
	cIDPassport
	cIDDriving
	cIDOther
	nComp
)

// idTypes lists the identifier types in comparison order (cIDPNC...).
var idTypes = [...]string{IDPNC, IDCRO, IDNINumber, IDPassport, IDDrivingLicence, IDOther}

const nID = len(idTypes)

// missing is the level of a comparison where either side has no value.
const missing int8 = -1

// Levels of each comparison. Within a comparison the first level that
// applies is taken, so levels run from strongest agreement to disagreement.
const (
	famExact = iota
	famPart
	famJW92
	famTranslit
	famPhonetic
	famJW80
	famDifferent
)

const (
	givExact = iota
	givNickname
	givJW92
	givTranslit
	givPhonetic
	givJW80
	givInitial
	givOther
	givDifferent
)

const (
	dobExact = iota
	dobSwapped
	dobOneEdit
	dobPartial
	dobNear
	dobDifferent
)

const (
	genExact = iota
	genDifferent
)

const (
	addrExact = iota
	addrNumberStreet
	addrDice60
	addrDice30
	addrTown
	addrDifferent
)

const (
	pcExact = iota
	pcSector
	pcOneEdit
	pcDistrict
	pcDifferent
)

const (
	phExact = iota
	phPartial
	phDifferent
)

const (
	emExact = iota
	emFuzzy
	emDifferent
)

const (
	idExact = iota
	idOneEdit
	idDifferent
)

// compDef describes one comparison: its field name as shown in reasons, the
// labels of its levels and default m and u probabilities. The defaults are
// rough figures for a UK police record store, used without training and as
// the starting point (and smoothing prior) of training.
type compDef struct {
	field  string
	labels []string
	m, u   []float64
}

func idDef(t string) compDef {
	return compDef{
		field:  "identifier:" + t,
		labels: []string{"exact", "one_edit", "different"},
		m:      []float64{0.93, 0.04, 0.03},
		u:      []float64{0.00001, 0.0001, 0.99989},
	}
}

var compDefs = [nComp]compDef{
	cFamily: {
		field:  "family_name",
		labels: []string{"exact", "hyphenated_or_part", "jaro_winkler>=0.92", "transliteration", "phonetic", "jaro_winkler>=0.80", "different"},
		m:      []float64{0.85, 0.03, 0.05, 0.01, 0.02, 0.02, 0.02},
		u:      []float64{0.003, 0.0005, 0.002, 0.001, 0.005, 0.02, 0.9685},
	},
	cGiven: {
		field:  "given_names",
		labels: []string{"exact", "nickname", "jaro_winkler>=0.92", "transliteration", "phonetic", "jaro_winkler>=0.80", "initial", "other_given_name", "different"},
		m:      []float64{0.80, 0.05, 0.04, 0.01, 0.02, 0.02, 0.03, 0.01, 0.02},
		u:      []float64{0.01, 0.003, 0.005, 0.002, 0.01, 0.03, 0.02, 0.003, 0.917},
	},
	cDOB: {
		field:  "dob",
		labels: []string{"exact", "dob_day_month_swapped", "dob_one_edit", "dob_partial_match", "dob_within_5_years", "different"},
		m:      []float64{0.88, 0.01, 0.06, 0.02, 0.02, 0.01},
		u:      []float64{0.00005, 0.00001, 0.001, 0.0005, 0.16, 0.83844},
	},
	cGender: {
		field:  "gender",
		labels: []string{"exact", "different"},
		m:      []float64{0.97, 0.03},
		u:      []float64{0.5, 0.5},
	},
	cAddress: {
		field:  "address",
		labels: []string{"exact", "street_number_and_tokens", "token_overlap>=0.6", "token_overlap>=0.3", "same_town", "different"},
		m:      []float64{0.55, 0.15, 0.05, 0.05, 0.05, 0.15},
		u:      []float64{0.0001, 0.0002, 0.001, 0.01, 0.02, 0.9687},
	},
	cPostcode: {
		field:  "postcode",
		labels: []string{"exact", "sector", "one_edit", "district", "different"},
		m:      []float64{0.65, 0.05, 0.03, 0.05, 0.22},
		u:      []float64{0.0005, 0.003, 0.002, 0.01, 0.9845},
	},
	cPhone: {
		field:  "phone",
		labels: []string{"exact", "last_7_digits", "different"},
		m:      []float64{0.7, 0.05, 0.25},
		u:      []float64{0.0001, 0.0002, 0.9997},
	},
	cEmail: {
		field:  "email",
		labels: []string{"exact", "jaro_winkler>=0.90", "different"},
		m:      []float64{0.7, 0.1, 0.2},
		u:      []float64{0.0001, 0.0005, 0.9994},
	},
	cIDPNC:      idDef(IDPNC),
	cIDCRO:      idDef(IDCRO),
	cIDNI:       idDef(IDNINumber),
	cIDPassport: idDef(IDPassport),
	cIDDriving:  idDef(IDDrivingLicence),
	cIDOther:    idDef(IDOther),
}

// Model holds the m and u probability of every comparison level and the prior.
// It is JSON-serialisable so that the app can store a trained model.
type Model struct {
	// Version of the comparison definitions the model was made for.
	Version int `json:"version"`
	// Prior is the probability that two records drawn at random from a
	// population of PopulationSize people are the same person (lambda in
	// Fellegi-Sunter terms).
	Prior float64 `json:"prior"`
	// PopulationSize is the number of people Prior refers to. The expected
	// number of duplicates of a record hardly depends on the size of the
	// store, so the prior for a store of n people is Prior scaled by
	// (PopulationSize-1)/(n-1); see Scorer.WithPopulation.
	PopulationSize int `json:"population_size"`
	// Comparisons has one entry per compared field, in Reason order.
	Comparisons []ComparisonModel `json:"comparisons"`
	// TFWeight scales term-frequency adjustments (0 disables them, 1 is the
	// full adjustment).
	TFWeight float64 `json:"tf_weight"`
	// HouseholdSurnameU is P(family names agree | addresses agree, non-match):
	// people living at one address often share a surname, so when the
	// addresses agree an exact family name is weighed against this rather
	// than against the surname agreement of random pairs.
	HouseholdSurnameU float64 `json:"household_surname_u"`
	// HouseholdDOBU is P(dates of birth agree | family names and addresses
	// agree, non-match): the rate of twins among people of one household,
	// against which a shared date of birth is weighed there. Zero turns the
	// adjustment off.
	HouseholdDOBU float64 `json:"household_dob_u"`
	// Trained records how the model was made, for display.
	Trained *TrainInfo `json:"trained,omitempty"`
}

// ComparisonModel holds the levels of one field comparison.
type ComparisonModel struct {
	Field  string       `json:"field"`
	Levels []LevelModel `json:"levels"`
}

// LevelModel is one comparison level: P(level | match) and P(level | non-match).
type LevelModel struct {
	Label string  `json:"label"`
	M     float64 `json:"m"`
	U     float64 `json:"u"`
}

// modelVersion changes whenever comparison levels change meaning, so that a
// stored model made for other levels is not silently misread.
const modelVersion = 1

// DefaultPrior is the prior of DefaultModel for DefaultPopulationSize
// people: one in ten records has a duplicate.
const (
	DefaultPrior          = 1e-5
	DefaultPopulationSize = 10_000
)

// defaultHouseholdSurnameU: about half of the other people at an address
// share its surname.
const defaultHouseholdSurnameU = 0.5

// defaultHouseholdDOBU: a few in a hundred pairs of people sharing a surname
// and an address are twins.
const defaultHouseholdDOBU = 0.02

// DefaultModel returns a model with sensible m and u probabilities, usable
// without training (for small stores).
func DefaultModel() *Model {
	m := &Model{Version: modelVersion, Prior: DefaultPrior, PopulationSize: DefaultPopulationSize, TFWeight: 1,
		HouseholdSurnameU: defaultHouseholdSurnameU, HouseholdDOBU: defaultHouseholdDOBU}
	for _, d := range compDefs {
		cm := ComparisonModel{Field: d.field}
		for l, lab := range d.labels {
			cm.Levels = append(cm.Levels, LevelModel{Label: lab, M: d.m[l], U: d.u[l]})
		}
		m.Comparisons = append(m.Comparisons, cm)
	}
	return m
}

// Validate checks that the model has the comparisons and levels this version
// of the package computes, with probabilities in (0, 1].
func (m *Model) Validate() error {
	if m == nil {
		return fmt.Errorf("match: nil model")
	}
	if m.Version != modelVersion {
		return fmt.Errorf("match: model version %d, want %d", m.Version, modelVersion)
	}
	if !(m.Prior > 0 && m.Prior < 1) {
		return fmt.Errorf("match: prior %v outside (0,1)", m.Prior)
	}
	if m.PopulationSize < 0 {
		return fmt.Errorf("match: population_size %d", m.PopulationSize)
	}
	if !(m.HouseholdSurnameU >= 0 && m.HouseholdSurnameU <= 1) {
		return fmt.Errorf("match: household_surname_u %v outside [0,1]", m.HouseholdSurnameU)
	}
	if !(m.HouseholdDOBU >= 0 && m.HouseholdDOBU <= 1) {
		return fmt.Errorf("match: household_dob_u %v outside [0,1]", m.HouseholdDOBU)
	}
	if len(m.Comparisons) != nComp {
		return fmt.Errorf("match: %d comparisons, want %d", len(m.Comparisons), nComp)
	}
	for c, cm := range m.Comparisons {
		d := compDefs[c]
		if cm.Field != d.field || len(cm.Levels) != len(d.labels) {
			return fmt.Errorf("match: comparison %d is %q with %d levels, want %q with %d", c, cm.Field, len(cm.Levels), d.field, len(d.labels))
		}
		for l, lv := range cm.Levels {
			if lv.Label != d.labels[l] {
				return fmt.Errorf("match: %s level %d is %q, want %q", d.field, l, lv.Label, d.labels[l])
			}
			if !(lv.M > 0 && lv.M <= 1) || !(lv.U > 0 && lv.U <= 1) || math.IsNaN(lv.M) || math.IsNaN(lv.U) {
				return fmt.Errorf("match: %s level %q has m=%v u=%v", d.field, lv.Label, lv.M, lv.U)
			}
		}
	}
	return nil
}

// MarshalIndent returns the model as indented JSON.
func (m *Model) MarshalIndent() ([]byte, error) { return json.MarshalIndent(m, "", "  ") }

// clone returns a deep copy.
func (m *Model) clone() *Model {
	c := *m
	c.Comparisons = make([]ComparisonModel, len(m.Comparisons))
	for i, cm := range m.Comparisons {
		c.Comparisons[i] = ComparisonModel{Field: cm.Field, Levels: append([]LevelModel(nil), cm.Levels...)}
	}
	if m.Trained != nil {
		t := *m.Trained
		c.Trained = &t
	}
	return &c
}

// PriorFor returns the prior for comparing records within a population of n
// people: Prior scaled from PopulationSize to n, since the expected number of
// duplicates of one record is about the same in a small or a large store.
// With PopulationSize or n unknown (zero) it returns Prior.
func (m *Model) PriorFor(n int) float64 {
	if m.PopulationSize < 2 || n < 2 {
		return m.Prior
	}
	p := m.Prior * float64(m.PopulationSize-1) / float64(n-1)
	return math.Min(math.Max(p, 1e-15), 0.5)
}
