// Package search turns records into index terms and a typed query into index probes, then ranks
// what the probes found. One search covers names (fuzzy and phonetic), VRMs (whole or partial),
// telephone numbers in any format, postcodes, addresses, serials, identifiers and references.
// The index itself is a plain (term, record) table in either store, so both stores rank the same.
package search

import (
	"slices"
	"strings"
	"unicode"

	"github.com/hbollon/go-edlib"
	"github.com/peel-rms/peel/match"
	"github.com/peel-rms/peel/pole"
	"github.com/peel-rms/peel/ukref"
)

// Term is one index entry of a record: a prefixed normalised value, and the field it came from.
type Term struct {
	Term  string
	Field string
}

// Term prefixes. Each names the kind of value so a probe only meets values of its kind.
const (
	pName     = "n:"  // a name token, folded
	pPhonetic = "p:"  // Double Metaphone code of a name token
	pDOB      = "d:"  // date of birth as given
	pIdent    = "i:"  // identifier value, normalised
	pVRM      = "v:"  // VRM, normalised
	pVRMRev   = "vr:" // VRM reversed, for the end of a mark
	pVIN      = "vin:"
	pTel      = "t:"  // digits of a number (E.164 without +, and national form)
	pTelRev   = "tr:" // digits reversed, for the last digits of a number
	pPostcode = "pc:" // postcode without spaces
	pUPRN     = "u:"
	pSerial   = "s:"
	pRef      = "r:"  // force reference
	pWord     = "w:"  // other words: address, town, make, model, summary, type
	pPair     = "nn:" // a given name and a family name together: "john|smith"
	pPhPair   = "pp:" // their Double Metaphone codes together
)

// maxWords bounds the free-text words indexed per record.
const maxWords = 40

// Terms returns the index terms of a record.
func Terms(r *pole.Record) []Term {
	var ts []Term
	add := func(term, field string) {
		if len(term) > 2 && len(term) < 200 {
			ts = append(ts, Term{Term: term, Field: field})
		}
	}
	words := 0
	addWords := func(s, field string) {
		for _, w := range words_(s) {
			if words >= maxWords {
				return
			}
			if len(w) >= 2 {
				add(pWord+w, field)
				words++
			}
		}
	}
	addName := func(s, field string) {
		for _, tok := range strings.Fields(match.NormaliseName(s)) {
			add(pName+tok, field)
			p, a := match.DoubleMetaphone(tok)
			if p != "" {
				add(pPhonetic+p, field)
			}
			if a != "" && a != p {
				add(pPhonetic+a, field)
			}
		}
	}
	addPairs := func(given, family, field string) {
		gs := strings.Fields(match.NormaliseName(given))
		if len(gs) == 0 {
			return
		}
		g := gs[0]
		gp, _ := match.DoubleMetaphone(g)
		for _, f := range strings.Fields(match.NormaliseName(family)) {
			add(pPair+g+"|"+f, field)
			if fp, _ := match.DoubleMetaphone(f); gp != "" && fp != "" {
				add(pPhPair+gp+"|"+fp, field)
			}
		}
	}
	switch b := r.Body.(type) {
	case *pole.Person:
		addName(b.FamilyName, "family_name")
		addName(b.GivenNames, "given_names")
		addPairs(b.GivenNames, b.FamilyName, "name")
		for _, a := range b.Aliases {
			addName(a.FamilyName, "aliases")
			addName(a.GivenNames, "aliases")
			addPairs(a.GivenNames, a.FamilyName, "aliases")
		}
		if b.DOB != "" {
			add(pDOB+b.DOB, "dob")
		}
		for _, id := range b.Identifiers {
			add(pIdent+match.NormaliseIdentifier(id.Value), "identifiers")
		}
		addWords(b.Description, "description")
	case *pole.Vehicle:
		if b.VRM != "" {
			add(pVRM+b.VRM, "vrm")
			add(pVRMRev+reverse(b.VRM), "vrm")
		}
		if b.VIN != "" {
			add(pVIN+b.VIN, "vin")
		}
		addWords(b.Make+" "+b.Model+" "+b.Colour, "make")
	case *pole.Telephone:
		d := ukref.PhoneDigits(b.Number)
		add(pTel+d, "number")
		add(pTelRev+reverse(d), "number")
		if nat := ukref.NationalPhone(b.Number); nat != "" {
			add(pTel+nat, "number")
		}
	case *pole.Location:
		if b.Postcode != "" {
			add(pPostcode+compact(b.Postcode), "postcode")
		}
		if b.UPRN != "" {
			add(pUPRN+b.UPRN, "uprn")
		}
		addWords(strings.Join(b.Lines, " ")+" "+b.Town+" "+b.Description, "address")
	case *pole.Object:
		if b.Serial != "" {
			add(pSerial+pole.NormaliseSerial(b.Serial), "serial")
		}
		if b.Certificate != "" {
			add(pSerial+pole.NormaliseSerial(b.Certificate), "certificate")
		}
		addWords(b.Type+" "+b.Make+" "+b.Model+" "+b.Description, "description")
	case *pole.Event:
		if b.Reference != "" {
			add(pRef+strings.ToLower(compact(b.Reference)), "reference")
		}
		addWords(b.Type+" "+strings.ReplaceAll(b.Category, "_", " ")+" "+b.Summary, "summary")
	}
	return dedupe(ts)
}

func dedupe(ts []Term) []Term {
	slices.SortFunc(ts, func(a, b Term) int {
		if c := strings.Compare(a.Term, b.Term); c != 0 {
			return c
		}
		return strings.Compare(a.Field, b.Field)
	})
	return slices.Compact(ts)
}

// words_ splits text into folded words.
func words_(s string) []string {
	return strings.FieldsFunc(match.NormaliseName(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

func reverse(s string) string {
	r := []rune(s)
	slices.Reverse(r)
	return string(r)
}

func compact(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

// Stages of a search, run in order until one answers well enough: a typed identifier found
// exactly ends the search at once; a name found as given and family name together needs no
// broader probing; prefixes and words come next; a loose fallback last.
const (
	StageIdentifier = iota // whole identifiers: VRM, number, postcode, serial, reference...
	StagePair              // given and family name together
	StageExact             // each token exactly, and phonetically
	StagePrefix            // each token as the start of a longer value, and as a word
	StageFuzzy             // the first letters of long names, for misspellings at the end
	Stages
)

// Probe is one index lookup: an exact term, or every term starting with it.
type Probe struct {
	Term   string
	Prefix bool
	// Token is the query token (index into Query.Tokens) the probe serves; -1 for the whole query.
	Token int
	// Pair is a second token the probe serves (name pairs), or -1.
	Pair   int
	Weight float64
	Stage  int
}

// Query is a parsed search: its tokens and the probes that find candidates for them.
type Query struct {
	Text   string
	Tokens []string
	Probes []Probe
}

// Parse reads what an officer typed into probes.
func Parse(q string) Query {
	q = strings.TrimSpace(q)
	out := Query{Text: q}
	toks := words_(q)
	if len(toks) > 8 {
		toks = toks[:8]
	}
	out.Tokens = toks
	stage := StageIdentifier
	probe := func(term string, prefix bool, tok int, w float64) {
		out.Probes = append(out.Probes, Probe{Term: term, Prefix: prefix, Token: tok, Pair: -1, Weight: w, Stage: stage})
	}
	// Identifiers typed whole (with or without spaces), and each token read as one.
	if whole := compact(q); len(whole) >= 2 && len(toks) > 1 {
		idProbes(whole, -1, probe)
	}
	for i, t := range toks {
		idProbes(strings.ToUpper(t), i, probe)
	}
	stage = StagePair
	for i, a := range toks {
		for j, b := range toks {
			if i == j || isDigits(a) || isDigits(b) || len(a) < 2 || len(b) < 2 {
				continue
			}
			out.Probes = append(out.Probes, Probe{Term: pPair + a + "|" + b, Token: i, Pair: j, Weight: 1, Stage: StagePair})
			pa, _ := match.DoubleMetaphone(a)
			pb, _ := match.DoubleMetaphone(b)
			if pa != "" && pb != "" {
				out.Probes = append(out.Probes, Probe{Term: pPhPair + pa + "|" + pb, Token: i, Pair: j, Weight: 0.75, Stage: StagePair})
			}
		}
	}
	stage = StageExact
	for i, t := range toks {
		probe(pName+t, false, i, 1)
		if p, a := match.DoubleMetaphone(t); p != "" && !isDigits(t) {
			probe(pPhonetic+p, false, i, 0.7)
			if a != "" && a != p {
				probe(pPhonetic+a, false, i, 0.65)
			}
		}
		if d, err := ukref.ParsePartialDate(t); err == nil && len(t) >= 7 {
			probe(pDOB+d.String(), len(t) < 10, i, 1)
		}
		probe(pWord+t, false, i, 0.6)
	}
	stage = StagePrefix
	if whole := compact(q); len(whole) >= 3 && len(toks) > 1 {
		partialProbes(whole, -1, probe)
	}
	for i, t := range toks {
		if len(t) >= 2 {
			probe(pName+t, true, i, 0.8)
		}
		if len(t) >= 3 {
			probe(pWord+t, true, i, 0.5)
		}
		partialProbes(strings.ToUpper(t), i, probe)
	}
	stage = StageFuzzy
	for i, t := range toks {
		if len(t) >= 5 && !isDigits(t) {
			probe(pName+t[:3], true, i, 0.45)
		}
	}
	return out
}

// idProbes adds the exact probes for an identifier-like value (VRM, number, postcode, serial...).
func idProbes(v string, tok int, probe func(string, bool, int, float64)) {
	if len(v) < 2 || !strings.ContainsAny(v, "0123456789") {
		return
	}
	vrm, _ := ukref.NormaliseVRM(v)
	probe(pVRM+vrm, false, tok, 1)
	probe(pPostcode+v, false, tok, 1)
	probe(pSerial+pole.NormaliseSerial(v), false, tok, 1)
	probe(pIdent+match.NormaliseIdentifier(v), false, tok, 1)
	probe(pRef+strings.ToLower(v), false, tok, 1)
	probe(pVIN+v, false, tok, 1)
	probe(pUPRN+v, false, tok, 1)
	if d := ukref.PhoneDigits(v); len(d) >= 9 && len(d) >= len(v)-2 {
		if e, _, ok := ukref.NormalisePhone(v); ok {
			probe(pTel+ukref.PhoneDigits(e), false, tok, 1)
		}
		probe(pTel+d, false, tok, 1)
	}
}

// partialProbes adds the prefix and suffix probes for part of an identifier: the start of a VRM
// or postcode, the start or the last digits of a number.
func partialProbes(v string, tok int, probe func(string, bool, int, float64)) {
	if len(v) < 3 || !strings.ContainsAny(v, "0123456789") {
		return
	}
	vrm, _ := ukref.NormaliseVRM(v)
	probe(pVRM+vrm, true, tok, 0.85)
	probe(pVRMRev+reverse(vrm), true, tok, 0.8)
	probe(pPostcode+v, true, tok, 0.8)
	if d := ukref.PhoneDigits(v); len(d) >= 4 && len(d) >= len(v)-2 {
		probe(pTel+d, true, tok, 0.85)
		probe(pTelRev+reverse(d), true, tok, 0.8)
	}
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Hit is what one probe found for one record.
type Hit struct {
	RecordID string
	Term     string
	Probe    int // index into Query.Probes
}

// Ranked is a candidate with its score.
type Ranked struct {
	RecordID string
	Score    float64
	Full     bool // every token (or the whole query) matched
}

// Rank scores candidates: each query token counts its best hit; records matching every token come
// first. Names found only phonetically are re-scored by Jaro-Winkler, so "Smyth" finds Smith
// above Smithers.
func Rank(q Query, hits []Hit) []Ranked {
	n := len(q.Tokens)
	if n == 0 {
		n = 1
	}
	best := map[string][]float64{}
	whole := map[string]float64{}
	for _, h := range hits {
		pr := q.Probes[h.Probe]
		w := pr.Weight
		if pr.Prefix && len(h.Term) > len(pr.Term) {
			// Prefer closer completions: "AB12" ranks AB12CDE above AB12CDEFGH.
			w *= 0.85 + 0.15*float64(len(pr.Term))/float64(len(h.Term))
		}
		if pr.Token < 0 {
			whole[h.RecordID] = max(whole[h.RecordID], w)
			continue
		}
		b := best[h.RecordID]
		if b == nil {
			b = make([]float64, n)
			best[h.RecordID] = b
		}
		b[pr.Token] = max(b[pr.Token], w)
		if pr.Pair >= 0 {
			b[pr.Pair] = max(b[pr.Pair], w)
		}
	}
	out := make([]Ranked, 0, len(best)+len(whole))
	for id, b := range best {
		sum, matched := 0.0, 0
		for _, v := range b {
			sum += v
			if v > 0 {
				matched++
			}
		}
		score := sum / float64(n)
		full := matched == n
		if !full {
			score *= 0.6 // partial matches rank below full ones
		}
		if w := whole[id]; w > score {
			score, full = w, true
		}
		out = append(out, Ranked{RecordID: id, Score: score, Full: full})
	}
	for id, w := range whole {
		if _, ok := best[id]; !ok {
			out = append(out, Ranked{RecordID: id, Score: w, Full: true})
		}
	}
	sortRanked(out)
	return out
}

// FullMatches counts the ranked candidates that matched every token (or the whole query).
func FullMatches(rs []Ranked) int {
	n := 0
	for _, r := range rs {
		if r.Full {
			n++
		}
	}
	return n
}

func sortRanked(rs []Ranked) {
	slices.SortFunc(rs, func(a, b Ranked) int {
		if a.Score != b.Score {
			if a.Score > b.Score {
				return -1
			}
			return 1
		}
		return strings.Compare(a.RecordID, b.RecordID)
	})
}

// Refine re-scores person candidates by the Jaro-Winkler similarity of the query tokens to the
// person's names, and re-sorts. Other kinds keep their score.
func Refine(q Query, rs []Ranked, recs map[string]*pole.Record) []Ranked {
	if len(q.Tokens) == 0 {
		return rs
	}
	for i := range rs {
		r := recs[rs[i].RecordID]
		if r == nil {
			continue
		}
		p, ok := r.Body.(*pole.Person)
		if !ok {
			continue
		}
		names := strings.Fields(match.NormaliseName(p.GivenNames + " " + p.FamilyName))
		for _, a := range p.Aliases {
			names = append(names, strings.Fields(match.NormaliseName(a.GivenNames+" "+a.FamilyName))...)
		}
		if len(names) == 0 {
			continue
		}
		total, nameToks := 0.0, 0
		for _, t := range q.Tokens {
			if isDigits(t) || strings.ContainsAny(t, "0123456789") {
				continue
			}
			nameToks++
			bestSim := 0.0
			for _, n := range names {
				sim, _ := edlib.StringsSimilarity(t, n, edlib.JaroWinkler)
				if strings.HasPrefix(n, t) {
					sim = max(sim, 0.9)
				}
				bestSim = max(bestSim, float64(sim))
			}
			total += bestSim
		}
		if nameToks > 0 {
			sim := total / float64(nameToks)
			rs[i].Score = 0.5*rs[i].Score + 0.5*sim
		}
	}
	sortRanked(rs)
	return rs
}
