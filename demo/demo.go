// Package demo generates a deterministic synthetic police force as interchange NDJSON: people,
// addresses, vehicles, telephones, objects, events, links and telephone calls of a fictional
// West Yorkshire town, Kelbeck (postcode area KB, which does not exist). Everyone in it is made up:
// names are drawn from embedded frequency lists, numbers from Ofcom's drama ranges or from
// synthetic ranges, identifiers from ranges no authority issues.
//
// The same Config always produces the same bytes, so tests, benchmarks and `peel serve --demo`
// see the same force. Generate streams: beyond a few small fields per person, address, vehicle
// and telephone, memory does not grow with the output.
package demo

import (
	"bufio"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/peel-rms/peel/pole"
)

// Config says what force to generate.
type Config struct {
	// People is the number of person records, duplicates included (3,000 for `peel serve --demo`,
	// 100,000 or more for benchmarks).
	People int
	// Seed selects one force among many of the same size.
	Seed uint64
	// Now anchors every date: events fall in the 30 months before it, with more in recent weeks,
	// so queries over the last 7 days, 28 days and 24 months all find something.
	Now time.Time
	// Calls is the number of telephone call records (0 = twice People).
	Calls int
}

// ServeConfig is the force `peel serve --demo` loads: 3,000 people, anchored at the start of the
// current UTC day so the same day always gives the same force and its recent events stay recent.
func ServeConfig(now time.Time) Config {
	return Config{People: 3000, Seed: 1, Now: now.UTC().Truncate(24 * time.Hour)}
}

// Stats counts what Generate wrote.
type Stats struct {
	// Lines is the number of NDJSON lines.
	Lines int `json:"lines"`
	// Kinds counts lines by kind: person, location, vehicle, telephone, object, event, link, call.
	Kinds map[string]int `json:"kinds"`
	// EventTypes counts event lines by type.
	EventTypes map[string]int `json:"event_types"`
	// Duplicates counts person lines that describe an individual already written under another ref.
	Duplicates int `json:"duplicates"`
	// MarkedPeople counts individuals (not duplicate records) with at least one warning marker.
	MarkedPeople int `json:"marked_people"`
	// ShorthandLinks counts the links the importer makes from person addresses and phones and from
	// event locations, which are not link lines.
	ShorthandLinks int `json:"shorthand_links"`
	// ImpliedTelephones counts numbers that have no telephone line (written only in person phones
	// or in calls), for which the importer creates telephone records.
	ImpliedTelephones int `json:"implied_telephones"`
}

// Records is the number of records an import of the output creates: record lines plus implied
// telephones.
func (s Stats) Records() int {
	n := s.ImpliedTelephones
	for _, k := range pole.Kinds {
		n += s.Kinds[string(k)]
	}
	return n
}

// GroundTruth is what the generator knows about the force that the NDJSON does not say outright,
// for tests of duplicate detection, hazards and access control.
type GroundTruth struct {
	// Duplicates groups the person refs that describe one individual; the first is the original.
	Duplicates [][]string
	// Restricted lists the refs of records that carry an access restriction.
	Restricted []string
	// DomesticAbuseVictims lists repeat victims of domestic abuse; DomesticAbuseAddresses the
	// locations of the repeated incidents.
	DomesticAbuseVictims   []string
	DomesticAbuseAddresses []string
	// FirearmHolders lists certificate holders; FirearmAddresses the locations their firearms are stored at.
	FirearmHolders   []string
	FirearmAddresses []string
	// RepeatMissing lists people reported missing more than once.
	RepeatMissing []string
	// HeavyUsers lists the E.164 numbers of the telephones with far more calls than the rest.
	HeavyUsers []string
	// ReportClusters groups incident refs that are reports of one incident; the first is the master.
	ReportClusters [][]string
}

// Generate writes the force as interchange NDJSON lines to w and counts what it wrote.
func Generate(w io.Writer, cfg Config) (Stats, error) {
	return generate(w, cfg, nil)
}

// Truth generates the force cfg describes without keeping it and returns its ground truth.
func Truth(cfg Config) (*GroundTruth, error) {
	t := &GroundTruth{}
	if _, err := generate(io.Discard, cfg, t); err != nil {
		return nil, err
	}
	return t, nil
}

func generate(w io.Writer, cfg Config, truth *GroundTruth) (Stats, error) {
	if cfg.People <= 0 {
		return Stats{}, fmt.Errorf("demo: People must be positive, not %d", cfg.People)
	}
	if cfg.Now.IsZero() {
		return Stats{}, fmt.Errorf("demo: Now is required (it anchors every date)")
	}
	if cfg.Calls < 0 {
		return Stats{}, fmt.Errorf("demo: Calls must not be negative")
	}
	if cfg.Calls == 0 {
		cfg.Calls = 2 * cfg.People
	}
	// Mobiles run about 1.15 per person; past this the synthetic range is used up.
	if cfg.People > maxMobiles*5/6 {
		return Stats{}, fmt.Errorf("demo: at most %d people", maxMobiles*5/6)
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	g := newGen(cfg, bw, truth)
	g.places()
	g.population()
	g.events()
	g.calls()
	if g.err != nil {
		return g.st, g.err
	}
	if err := bw.Flush(); err != nil {
		return g.st, err
	}
	if truth != nil {
		truth.finish()
	}
	return g.st, nil
}

func (t *GroundTruth) finish() {
	for _, l := range [][]string{t.Restricted, t.DomesticAbuseVictims, t.DomesticAbuseAddresses, t.FirearmHolders, t.FirearmAddresses, t.RepeatMissing, t.HeavyUsers} {
		sort.Strings(l)
	}
	t.DomesticAbuseVictims = slices.Compact(t.DomesticAbuseVictims)
	t.DomesticAbuseAddresses = slices.Compact(t.DomesticAbuseAddresses)
	t.FirearmHolders = slices.Compact(t.FirearmHolders)
	t.FirearmAddresses = slices.Compact(t.FirearmAddresses)
	t.RepeatMissing = slices.Compact(t.RepeatMissing)
	t.HeavyUsers = slices.Compact(t.HeavyUsers)
}

// gen is the state of one generation.
type gen struct {
	cfg   Config
	now   time.Time
	enc   *json.Encoder
	err   error
	st    Stats
	truth *GroundTruth

	names *nameTables

	streets   []street
	locs      []loc
	placeIdx  []int32 // locs that are not homes
	custody   int32   // the custody suite
	people    []person
	homes     []household
	phones    []phone
	vehicles  []vehicle
	nMobile   int
	nLandline int
	makes     *weighted[makeDef]
	colours   *weighted[string]
	vrms      map[string]bool
	objectSeq int
	certSeq   int
	tSeq      int
	eventSeq  int
	refSeq    map[string]int // per-type counters for force references
	implied   map[string]bool
	heavy     []int32 // phones of heavy users
	offendCum []float64
	victimCum []float64
}

func newGen(cfg Config, w io.Writer, truth *GroundTruth) *gen {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &gen{
		cfg:     cfg,
		now:     cfg.Now.UTC().Truncate(time.Second),
		enc:     enc,
		st:      Stats{Kinds: map[string]int{}, EventTypes: map[string]int{}},
		truth:   truth,
		names:   newNameTables(),
		refSeq:  map[string]int{},
		implied: map[string]bool{},
	}
}

// rng returns the random stream of one phase. Each phase has its own, so changing one phase does
// not reshuffle the others.
func (g *gen) rng(phase string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(phase))
	return rand.New(rand.NewPCG(g.cfg.Seed, h.Sum64()))
}

// Lines. Each embeds pole's own types, so the field names are the contract's.

type envelope struct {
	Kind   string       `json:"kind"`
	Ref    string       `json:"ref"`
	Access *pole.Access `json:"access,omitempty"`
}

type personLine struct {
	envelope
	*pole.Person
}

type locationLine struct {
	envelope
	*pole.Location
}

type vehicleLine struct {
	envelope
	*pole.Vehicle
}

type telephoneLine struct {
	envelope
	*pole.Telephone
}

type objectLine struct {
	envelope
	*pole.Object
}

type eventLine struct {
	envelope
	*pole.Event
}

type linkLine struct {
	Kind      string       `json:"kind"`
	From      string       `json:"from"`
	To        string       `json:"to"`
	Role      string       `json:"role"`
	ValidFrom *pole.Moment `json:"valid_from,omitempty"`
	ValidTo   *pole.Moment `json:"valid_to,omitempty"`
	Evidence  string       `json:"evidence,omitempty"`
}

type callLine struct {
	Kind      string `json:"kind"`
	From      string `json:"from"`
	To        string `json:"to"`
	Start     string `json:"start"`
	DurationS int    `json:"duration_s"`
	Type      string `json:"type"`
	Cell      string `json:"cell,omitempty"`
}

func (g *gen) emit(kind string, v any) {
	if g.err != nil {
		return
	}
	if err := g.enc.Encode(v); err != nil {
		g.err = err
		return
	}
	g.st.Lines++
	g.st.Kinds[kind]++
}

func (g *gen) link(from, to, role string, vf, vt *pole.Moment, evidence string) {
	g.emit("link", linkLine{Kind: "link", From: from, To: to, Role: role, ValidFrom: vf, ValidTo: vt, Evidence: evidence})
}

// Moments: dates are written as dates, times to the second in UTC.

func day(t time.Time) *pole.Moment {
	t = t.UTC()
	return &pole.Moment{T: time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), DateOnly: true}
}

func at(t time.Time) *pole.Moment { return pole.At(t.UTC().Truncate(time.Second)) }

// Refs: a letter for the kind and a six-digit serial (more digits past a million).

func ref(prefix byte, i int) string { return fmt.Sprintf("%c%06d", prefix, i+1) }

func (p *person) refStr() string { return ref('P', int(p.idx)) }

// weighted picks items with probability proportional to their weights.
type weighted[T any] struct {
	items []T
	cum   []float64
}

func (w *weighted[T]) add(item T, weight float64) {
	total := 0.0
	if n := len(w.cum); n > 0 {
		total = w.cum[n-1]
	}
	w.items = append(w.items, item)
	w.cum = append(w.cum, total+weight)
}

func (w *weighted[T]) pick(r *rand.Rand) T {
	return w.items[pickCum(r, w.cum)]
}

// pickCum draws an index from cumulative weights.
func pickCum(r *rand.Rand, cum []float64) int {
	x := r.Float64() * cum[len(cum)-1]
	i := sort.SearchFloat64s(cum, x)
	if i >= len(cum) {
		i = len(cum) - 1
	}
	// SearchFloat64s finds cum[i] >= x; skip zero-weight entries that share the bound.
	for i+1 < len(cum) && cum[i] == x {
		i++
	}
	return i
}

// zipf reads a '|'-separated list in order of frequency; an entry "name:w" carries its own weight.
func zipf(list string) *weighted[string] {
	w := &weighted[string]{}
	for i, e := range strings.Split(list, "|") {
		name, ws, ok := strings.Cut(e, ":")
		weight := 1 / math.Pow(float64(i+1), 0.75)
		if ok {
			if v, err := strconv.ParseFloat(ws, 64); err == nil {
				weight = v
			}
		}
		w.add(name, weight)
	}
	return w
}

// choice picks one of a few options by weight: choice(r, 5, 3, 2) returns 0, 1 or 2.
func choice(r *rand.Rand, weights ...float64) int {
	total := 0.0
	for _, w := range weights {
		total += w
	}
	x := r.Float64() * total
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

func oneOf[T any](r *rand.Rand, xs ...T) T { return xs[r.IntN(len(xs))] }

func splitList(s, sep string) []string { return strings.Split(s, sep) }

// daysAgo is a time d days (fractional) before now.
func (g *gen) daysAgo(d float64) time.Time {
	return g.now.Add(-time.Duration(d * float64(24*time.Hour)))
}

func round6(f float64) *float64 {
	v := math.Round(f*1e6) / 1e6
	return &v
}
