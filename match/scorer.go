package match

import "math"

// Weight bounds: a single level never contributes more than maxWeight or less
// than minWeight bits, so that one field (or a u estimated as near zero from
// a small sample) cannot decide a pair on its own.
const (
	maxWeight = 24.0
	minWeight = -16.0
	// Term-frequency adjustments are bounded likewise.
	maxTFUp   = 6.0
	maxTFDown = -4.0
)

// Scorer compares two people with a model and optional term frequencies. It
// is read-only after NewScorer and safe for concurrent use.
type Scorer struct {
	w       [nComp][]float64
	labels  [nComp][]string
	swapLab [2][]string // family/given labels with " (swapped)" suffix
	aliasLb [2][]string // family/given labels with " (alias)" suffix
	prior   float64     // log2 prior odds
	uExact  [3]float64  // family, given, dob: u of the exact level, for TF
	wHouse  float64     // weight of an exact family name at an agreeing address
	wTwin   float64     // weight of an exact date of birth within a household
	house   bool        // household adjustment of the family name on
	twin    bool        // household adjustment of the date of birth on
	tfw     float64
	freq    *Frequencies
	model   *Model
}

// NewScorer returns a Scorer for model m (DefaultModel if nil or invalid)
// and term frequencies f (nil for no term-frequency adjustment).
func NewScorer(m *Model, f *Frequencies) *Scorer {
	if m == nil || m.Validate() != nil {
		m = DefaultModel()
	}
	s := &Scorer{freq: f, tfw: m.TFWeight, model: m.clone()}
	s.prior = math.Log2(m.Prior / (1 - m.Prior))
	for c, cm := range m.Comparisons {
		s.w[c] = make([]float64, len(cm.Levels))
		s.labels[c] = make([]string, len(cm.Levels))
		for l, lv := range cm.Levels {
			s.w[c][l] = clamp(math.Log2(lv.M/lv.U), minWeight, maxWeight)
			s.labels[c][l] = lv.Label
		}
	}
	for i, c := range []int{cFamily, cGiven} {
		for _, lab := range s.labels[c] {
			s.swapLab[i] = append(s.swapLab[i], lab+" (swapped)")
			s.aliasLb[i] = append(s.aliasLb[i], lab+" (alias)")
		}
	}
	if m.HouseholdSurnameU > 0 {
		s.house = true
		s.wHouse = clamp(math.Log2(m.Comparisons[cFamily].Levels[famExact].M/m.HouseholdSurnameU), minWeight, maxWeight)
	}
	if m.HouseholdDOBU > 0 {
		s.twin = true
		s.wTwin = clamp(math.Log2(m.Comparisons[cDOB].Levels[dobExact].M/m.HouseholdDOBU), minWeight, maxWeight)
	}
	s.uExact[0] = m.Comparisons[cFamily].Levels[famExact].U
	s.uExact[1] = m.Comparisons[cGiven].Levels[givExact].U
	s.uExact[2] = m.Comparisons[cDOB].Levels[dobExact].U
	return s
}

// WithPopulation returns a scorer for comparing records within (or against)
// a population of n people: the same model and frequencies, with the prior
// scaled to n (see Model.PriorFor). Dedupe and Index.Search use it; the app
// should use it for match on create with n the number of people stored.
func (s *Scorer) WithPopulation(n int) *Scorer {
	c := *s
	c.prior = math.Log2(s.model.PriorFor(n) / (1 - s.model.PriorFor(n)))
	return &c
}

// Model returns a copy of the scorer's model.
func (s *Scorer) Model() *Model { return s.model.clone() }

func clamp(x, lo, hi float64) float64 {
	if math.IsNaN(x) {
		return 0
	}
	return math.Max(lo, math.Min(hi, x))
}

// Compare compares two people and explains the result field by field.
func (s *Scorer) Compare(a, b *Person) Result {
	pa, pb := prepare(a), prepare(b)
	return s.compare(&pa, &pb, true)
}

// ComparePrepared is Compare for people prepared with [Prepare].
func (s *Scorer) ComparePrepared(a, b *Prepared) Result {
	return s.compare(&a.p, &b.p, true)
}

// Score returns only the total match weight of a prepared pair (log2 Bayes
// factor including the prior), without building reasons.
func (s *Scorer) Score(a, b *Prepared) float64 {
	return s.compare(&a.p, &b.p, false).Score
}

// Probability converts a match weight to a match probability.
func Probability(score float64) float64 {
	return 1 / (1 + math.Exp2(-score))
}

func (s *Scorer) score(a, b *prepared) float64 {
	return s.compare(a, b, false).Score
}

func (s *Scorer) compare(a, b *prepared, reasons bool) Result {
	var v vector
	nm := compareVector(a, b, &v)
	var r Result
	if reasons {
		r.Reasons = make([]Reason, 0, cIDPNC+3)
		// The prior comes first so that the weights of the reasons add up
		// to the score.
		r.Reasons = append(r.Reasons, Reason{Field: "prior", Comparison: "prior", Weight: round3(s.prior)})
	}
	total := s.prior
	for c := 0; c < nComp; c++ {
		l := v[c]
		if l == impliedPostcode {
			if reasons {
				r.Reasons = append(r.Reasons, Reason{Field: compDefs[c].field, Comparison: "agrees (counted in address)"})
			}
			continue
		}
		if l == missing {
			if reasons && (c < cIDPNC || len(a.ids[c-cIDPNC])+len(b.ids[c-cIDPNC]) > 0) {
				r.Reasons = append(r.Reasons, Reason{Field: compDefs[c].field, Comparison: "missing"})
			}
			continue
		}
		w := s.w[c][l]
		household := (c == cFamily && s.house && householdSurname(l, v[cAddress])) ||
			(c == cDOB && s.twin && householdDOB(l, v[cFamily], v[cAddress]))
		if household {
			w = s.wHouse
			if c == cDOB {
				w = s.wTwin
			}
		}
		// Term-frequency adjustment of exact agreement.
		if s.freq != nil && s.tfw != 0 && !household {
			switch {
			case c == cFamily && l == famExact && nm.fb != nil:
				w += s.tfAdjust(0, s.freq.family, s.freq.nFamily, nm.fb.s)
			case c == cGiven && l == givExact && nm.gb != nil:
				w += s.tfAdjust(1, s.freq.given, s.freq.nGiven, nm.gb.s)
			case c == cDOB && l == dobExact:
				w += s.tfAdjust(2, s.freq.dob, s.freq.nDOB, b.dob.text)
			}
		}
		total += w
		if reasons {
			lab := s.labels[c][l]
			if c == cFamily || c == cGiven {
				i := 0
				if c == cGiven {
					i = 1
				}
				if nm.swapped {
					lab = s.swapLab[i][l]
				} else if nm.alias {
					lab = s.aliasLb[i][l]
				} else if household {
					lab = "exact (same address)"
				}
			} else if household {
				lab = "exact (same household)"
			}
			r.Reasons = append(r.Reasons, Reason{Field: compDefs[c].field, Comparison: lab, Weight: round3(w)})
		}
	}
	r.Score = total
	r.Probability = Probability(total)
	return r
}

// tfAdjust is log2(u_exact / tf(value)): the Bayes factor of agreeing on this
// particular value rather than on an average value.
func (s *Scorer) tfAdjust(k int, m map[string]uint32, n uint32, v string) float64 {
	f := tf(m, n, v)
	if f <= 0 || s.uExact[k] <= 0 {
		return 0
	}
	return clamp(s.tfw*math.Log2(s.uExact[k]/f), maxTFDown, maxTFUp)
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }
