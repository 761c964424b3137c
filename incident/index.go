package incident

import (
	"cmp"
	"math"
	"slices"
	"sync"
	"time"
)

// DefaultCellSize is the grid cell edge used by NewIndex, in metres. It is about the widest
// common rule radius, so a typical query probes a 3×3 block of cells.
const DefaultCellSize = 250

// Index is an in-memory spatial-temporal index of open incidents, safe for concurrent use.
//
// Points are kept in a uniform grid of roughly square cells: latitude is cut into bands of the
// cell size, and each band into longitude cells whose width in degrees is set by the band's
// latitude, so cells stay about the same size in metres from the equator to the poles. Only
// occupied cells are stored (in a map), so memory follows the number of incidents, not the area.
// Time is filtered per entry: open incidents are few per cell, and they all lie within a few
// hours of now, so a time dimension in the grid would not pay for itself.
//
// Entries are also found through their LocationID and through the identifiers (vehicle
// registrations) quoted in their Summary, which is how reports without a usable point, or with
// a wrong one, still reach their incident.
type Index struct {
	mu      sync.RWMutex
	cell    float64 // metres
	band    float64 // degrees of latitude per band
	byID    map[string]*ixEntry
	cells   map[cellKey][]*ixEntry
	byLoc   map[string]map[*ixEntry]struct{}
	byIdent map[string]map[*ixEntry]struct{}
	located int // entries with a point
}

type cellKey struct{ y, x int32 }

type ixEntry struct {
	r       Report
	key     cellKey
	inCell  bool
	cellPos int
	idents  []string
}

// NewIndex returns an empty index with DefaultCellSize cells.
func NewIndex() *Index { return NewIndexCell(DefaultCellSize) }

// NewIndexCell returns an empty index whose cells are about cellM metres across. A cell near the
// typical query radius is best; smaller cells probe more cells, larger ones test more entries.
// Values that are not finite and positive get DefaultCellSize.
func NewIndexCell(cellM float64) *Index {
	if !(cellM > 0) || math.IsInf(cellM, 0) {
		cellM = DefaultCellSize
	}
	cellM = math.Max(cellM, 1) // bounds the number of cells a band can have, so keys fit int32
	return &Index{
		cell:    cellM,
		band:    cellM / metresPerDegree,
		byID:    map[string]*ixEntry{},
		cells:   map[cellKey][]*ixEntry{},
		byLoc:   map[string]map[*ixEntry]struct{}{},
		byIdent: map[string]map[*ixEntry]struct{}{},
	}
}

// minCos keeps longitude cells finite near the poles (above about 89.4°), where a band simply has
// fewer, wider cells.
const minCos = 0.01

func (ix *Index) bandOf(lat float64) int32 { return int32(math.Floor((lat + 90) / ix.band)) }

// lonWidth is the width in degrees of a longitude cell in band b.
func (ix *Index) lonWidth(b int32) float64 {
	mid := (float64(b)+0.5)*ix.band - 90
	return ix.band / math.Max(math.Cos(mid*math.Pi/180), minCos)
}

func (ix *Index) cellOf(lat, lon float64) cellKey {
	b := ix.bandOf(lat)
	return cellKey{y: b, x: int32(math.Floor((lon + 180) / ix.lonWidth(b)))}
}

// Add puts r in the index, replacing any entry with the same ID (so updating an incident's
// master after a report joins it is just Add again).
func (ix *Index) Add(r Report) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.remove(r.ID)
	e := &ixEntry{r: r}
	if lat, lon, ok := r.point(); ok {
		e.key, e.inCell = ix.cellOf(lat, lon), true
		e.cellPos = len(ix.cells[e.key])
		ix.cells[e.key] = append(ix.cells[e.key], e)
		ix.located++
	}
	if r.LocationID != "" {
		addPosting(ix.byLoc, r.LocationID, e)
	}
	e.idents = identifiers(r.Summary)
	for _, id := range e.idents {
		addPosting(ix.byIdent, id, e)
	}
	ix.byID[r.ID] = e
}

// addPosting and dropPosting maintain the keyed sets of entries. Sets rather than slices make
// removal O(1) without position bookkeeping; the order of a set never matters because matching
// does not depend on the order candidates are seen.
func addPosting(m map[string]map[*ixEntry]struct{}, k string, e *ixEntry) {
	s := m[k]
	if s == nil {
		s = map[*ixEntry]struct{}{}
		m[k] = s
	}
	s[e] = struct{}{}
}

func dropPosting(m map[string]map[*ixEntry]struct{}, k string, e *ixEntry) {
	if s := m[k]; s != nil {
		delete(s, e)
		if len(s) == 0 {
			delete(m, k)
		}
	}
}

// Remove takes the report with this ID out of the index, if present (an incident closed).
func (ix *Index) Remove(id string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.remove(id)
}

func (ix *Index) remove(id string) {
	e, ok := ix.byID[id]
	if !ok {
		return
	}
	delete(ix.byID, id)
	if e.inCell {
		// Swap-delete: O(1), and order within a cell carries no meaning.
		s := ix.cells[e.key]
		last := s[len(s)-1]
		s[e.cellPos], last.cellPos = last, e.cellPos
		s[len(s)-1] = nil
		if s = s[:len(s)-1]; len(s) == 0 {
			delete(ix.cells, e.key) // keeps the map the size of the occupied area
		} else {
			ix.cells[e.key] = s
		}
		ix.located--
	}
	if loc := e.r.LocationID; loc != "" {
		dropPosting(ix.byLoc, loc, e)
	}
	for _, id := range e.idents {
		dropPosting(ix.byIdent, id, e)
	}
}

// Len returns the number of reports in the index.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.byID)
}

// Get returns the report with this ID, if present.
func (ix *Index) Get(id string) (Report, bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	e, ok := ix.byID[id]
	if !ok {
		return Report{}, false
	}
	return e.r, true
}

// Near returns the reports within radiusM metres of (lat, lon) whose OccurredAt lies in
// [from, to], nearest first (ties by ID). A zero from or to leaves that end of the range open;
// reports with an unknown (zero) OccurredAt are returned only when both ends are open. Reports
// without a point are never near anything. Bad input (NaN, infinite or off-globe centre,
// negative or NaN radius) returns nil.
func (ix *Index) Near(lat, lon, radiusM float64, from, to time.Time) []Report {
	type hit struct {
		r Report
		d float64
	}
	var hits []hit
	ix.mu.RLock()
	ix.visitNear(lat, lon, radiusM, from, to, func(r *Report) {
		hits = append(hits, hit{*r, Distance(lat, lon, r.Lat, r.Lon)})
	})
	ix.mu.RUnlock()
	slices.SortFunc(hits, func(a, b hit) int {
		if c := cmp.Compare(a.d, b.d); c != 0 {
			return c
		}
		return cmp.Compare(a.r.ID, b.r.ID)
	})
	if len(hits) == 0 {
		return nil
	}
	out := make([]Report, len(hits))
	for i, h := range hits {
		out[i] = h.r
	}
	return out
}

// AtLocation returns the reports with this location record id, ordered by ID.
func (ix *Index) AtLocation(locationID string) []Report {
	var out []Report
	ix.mu.RLock()
	ix.visitLocation(locationID, func(r *Report) { out = append(out, *r) })
	ix.mu.RUnlock()
	slices.SortFunc(out, func(a, b Report) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

func (ix *Index) visitLocation(locationID string, f func(*Report)) {
	if locationID == "" {
		return
	}
	for e := range ix.byLoc[locationID] {
		f(&e.r)
	}
}

// visitIdentifier calls f for every entry whose Summary quotes the identifier id (as
// normalised by identifiers).
func (ix *Index) visitIdentifier(id string, f func(*Report)) {
	for e := range ix.byIdent[id] {
		f(&e.r)
	}
}

// nearHit reports whether visitNear with these arguments would visit r, so that the other
// lookups can skip what it has already seen.
func nearHit(r *Report, lat, lon, radiusM float64, from, to time.Time) bool {
	rlat, rlon, ok := r.point()
	if !ok || !inTime(r.OccurredAt, from, to) {
		return false
	}
	return Distance(lat, lon, rlat, rlon) <= radiusM
}

// inTime applies Near's time range rule: zero bounds are open, and an unknown time is in range
// only when both are.
func inTime(t, from, to time.Time) bool {
	if from.IsZero() && to.IsZero() {
		return true
	}
	return !t.IsZero() && !(!from.IsZero() && t.Before(from)) && !(!to.IsZero() && t.After(to))
}

// visitNear calls f for every entry within radiusM of the point and inside the time range. The
// caller holds the read lock; f must not modify the index.
func (ix *Index) visitNear(lat, lon, radiusM float64, from, to time.Time, f func(*Report)) {
	if !validPoint(lat, lon) || !(radiusM >= 0) || ix.located == 0 {
		return
	}
	emit := func(e *ixEntry) {
		r := &e.r
		if inTime(r.OccurredAt, from, to) && Distance(lat, lon, r.Lat, r.Lon) <= radiusM {
			f(r)
		}
	}

	// Conservative bounding box. Every point within radiusM lies within dLat degrees of
	// latitude, and, because any path to it stays inside that latitude range, within
	// radiusM/(R·cos φmax) of longitude, φmax being the range's most poleward latitude.
	// A 1e-9 relative margin absorbs rounding.
	dLat := radiusM / metresPerDegree * (1 + 1e-9)
	lat0, lat1 := lat-dLat, lat+dLat
	fullLon := lat0 <= -90 || lat1 >= 90 // the circle covers a pole: every longitude
	var dLon float64
	if !fullLon {
		c := math.Cos(math.Max(math.Abs(lat0), math.Abs(lat1)) * math.Pi / 180)
		dLon = dLat / c
		fullLon = c <= 0 || dLon >= 180
	}
	lat0, lat1 = math.Max(lat0, -90), math.Min(lat1, 90)
	b0, b1 := ix.bandOf(lat0), ix.bandOf(lat1)

	// Longitude intervals to probe, split at the antimeridian.
	type span struct{ lo, hi float64 }
	var spans []span
	switch lo, hi := lon-dLon, lon+dLon; {
	case fullLon:
		spans = []span{{-180, 180}}
	case lo < -180:
		spans = []span{{lo + 360, 180}, {-180, hi}}
	case hi > 180:
		spans = []span{{lo, 180}, {-180, hi - 360}}
	default:
		spans = []span{{lo, hi}}
	}

	// If probing would visit more cells than are occupied (huge radius, or near a pole), walk
	// the occupied cells instead: the cost is then bounded by the index size, never the area.
	occupied := float64(len(ix.cells))
	probes := (float64(b1) - float64(b0) + 1) * float64(len(spans)) // at least one cell per band and span
	for b := b0; b <= b1 && probes <= occupied; b++ {
		w := ix.lonWidth(b)
		for _, s := range spans {
			probes += math.Floor((s.hi+180)/w) - math.Floor((s.lo+180)/w)
		}
	}
	if probes > occupied {
		for k, es := range ix.cells {
			if k.y < b0 || k.y > b1 {
				continue
			}
			for _, e := range es {
				emit(e)
			}
		}
		return
	}
	for b := b0; b <= b1; b++ {
		w := ix.lonWidth(b)
		for _, s := range spans {
			x0 := int32(math.Floor((s.lo + 180) / w))
			x1 := int32(math.Floor((s.hi + 180) / w))
			for x := x0; x <= x1; x++ {
				for _, e := range ix.cells[cellKey{b, x}] {
					emit(e)
				}
			}
		}
	}
}
