package match

import "time"

// Person is what matching sees of a person record. All fields are optional.
type Person struct {
	ID          string
	GivenNames  string       // "John Paul"
	FamilyName  string       // "Smith-Jones"
	Aliases     []Name       // other names the person is known by
	DOB         string       // as given: "1980-02-03", "1980-02", "1980", or invalid text
	Gender      string       // "M", "F", "X", ""
	Addresses   []Address    // current and previous addresses
	Phones      []string     // E.164 where known, else as given
	Emails      []string     // as given
	Identifiers []Identifier // pnc_id, cro_number, ni_number, passport, driving_licence, other
}

// Name is one name a person is known by.
type Name struct{ GivenNames, FamilyName string }

// Address is a postal address as recorded.
type Address struct {
	Lines    []string
	Town     string
	Postcode string
	Country  string
}

// Identifier is an official identifier such as a PNC ID or passport number.
type Identifier struct{ Type, Value string }

// Identifier types known to the model. Other types are compared as IDOther.
const (
	IDPNC            = "pnc_id"
	IDCRO            = "cro_number"
	IDNINumber       = "ni_number"
	IDPassport       = "passport"
	IDDrivingLicence = "driving_licence"
	IDOther          = "other"
)

// Reason explains one field comparison.
type Reason struct {
	Field      string  `json:"field"`      // "family_name", "given_names", "dob", "address", "postcode", "phone", "identifier:passport", ...
	Comparison string  `json:"comparison"` // human-readable level, e.g. "jaro_winkler>=0.92", "nickname", "exact", "different", "missing"
	Weight     float64 `json:"weight"`     // log2 Bayes factor contributed (negative for evidence against)
}

// Result is the outcome of comparing two people.
type Result struct {
	Score       float64 // total match weight (log2 Bayes factor including the prior)
	Probability float64 // posterior match probability 0..1
	// Reasons explain the score: first the prior (Field "prior"), then one
	// per field in a fixed order; identifier types appear only when either
	// person has one. Their weights add up to Score.
	Reasons []Reason
}

// Cluster is a group of records judged to be the same person.
type Cluster struct {
	Members []string // person IDs, 2 or more, sorted
	Score   float64  // mean pairwise match probability within the cluster
}

// DedupeOptions tunes [Dedupe].
type DedupeOptions struct {
	// Threshold is the match probability at or above which a pair is linked.
	// Zero means DefaultThreshold.
	Threshold float64
	// Workers is the number of goroutines; zero means runtime.GOMAXPROCS(0).
	Workers int
	// Exclude reports pairs a reviewer rejected as "not the same person"; such
	// pairs are never put in the same cluster. It is called with person IDs and
	// must be safe for concurrent use. May be nil.
	Exclude func(a, b string) bool
	// MaxBlock is the largest block compared all-pairs; larger blocks are
	// compared within a sliding window of Window records after sorting by
	// name and date of birth. Zero means defaults.
	MaxBlock int
	Window   int
}

// DedupeStats reports the work done by [Dedupe].
type DedupeStats struct {
	People, CandidatePairs, ScoredPairs, Links int
	Elapsed                                    time.Duration
}
