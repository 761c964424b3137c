package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/peel-rms/peel/demo"
)

// Query is one search an officer might type, with the kind of search it is.
type Query struct {
	Class string
	Text  string
}

// Query classes, in the order the report lists them.
var queryClasses = []string{"surname", "misspelt surname", "given family", "partial VRM", "full VRM", "phone national", "phone E.164", "phone last digits", "postcode", "postcode compact"}

// Queries draws perClass realistic searches of each class from the force's own records, so each
// has something to find: surnames, surnames with a keying error, "given family", the start of a
// VRM, whole VRMs, numbers written three ways, and postcodes.
func Queries(f *Force, perClass int, seed uint64) ([]Query, error) {
	file, err := os.Open(f.Path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	var people [][2]string
	var vrms, numbers, postcodes []string
	sc := bufio.NewScanner(file)
	sc.Buffer(make([]byte, 1<<20), 4<<20)
	for sc.Scan() {
		var l struct {
			Kind       string `json:"kind"`
			FamilyName string `json:"family_name"`
			GivenNames string `json:"given_names"`
			VRM        string `json:"vrm"`
			Number     string `json:"number"`
			Postcode   string `json:"postcode"`
		}
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return nil, err
		}
		switch l.Kind {
		case "person":
			if l.FamilyName != "" && l.GivenNames != "" {
				people = append(people, [2]string{strings.Fields(l.GivenNames)[0], l.FamilyName})
			}
		case "vehicle":
			vrms = append(vrms, l.VRM)
		case "telephone":
			numbers = append(numbers, l.Number)
		case "location":
			if l.Postcode != "" {
				postcodes = append(postcodes, l.Postcode)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(people) == 0 || len(vrms) == 0 || len(numbers) == 0 || len(postcodes) == 0 {
		return nil, fmt.Errorf("queries: the force is too small to draw searches from")
	}
	r := rand.New(rand.NewPCG(seed, 2))
	var qs []Query
	for range perClass {
		p := people[r.IntN(len(people))]
		vrm := strings.ReplaceAll(vrms[r.IntN(len(vrms))], " ", "")
		digits := digitsOf(numbers[r.IntN(len(numbers))])
		national := "0" + strings.TrimPrefix(strings.TrimPrefix(digits, "44"), "0")
		pc := postcodes[r.IntN(len(postcodes))]
		qs = append(qs,
			Query{"surname", p[1]},
			Query{"misspelt surname", misspell(r, p[1])},
			Query{"given family", p[0] + " " + p[1]},
			Query{"partial VRM", vrm[:min(len(vrm), 4)]},
			Query{"full VRM", strings.ToLower(vrm)},
			Query{"phone national", national[:5] + " " + national[5:]},
			Query{"phone E.164", "+44" + national[1:]},
			Query{"phone last digits", national[len(national)-6:]},
			Query{"postcode", pc},
			Query{"postcode compact", strings.ToLower(strings.ReplaceAll(pc, " ", ""))},
		)
	}
	return qs, nil
}

func digitsOf(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// misspell makes the errors officers make with surnames heard over a radio: a vowel changed, two
// letters swapped, a letter dropped, or a common phonetic spelling.
func misspell(r *rand.Rand, s string) string {
	for _, sub := range [][2]string{{"ith", "yth"}, {"son", "sen"}, {"ph", "f"}, {"ck", "k"}, {"ie", "ei"}, {"ll", "l"}, {"ey", "y"}} {
		if strings.Contains(s, sub[0]) && r.IntN(2) == 0 {
			return strings.Replace(s, sub[0], sub[1], 1)
		}
	}
	rs := []rune(s)
	if len(rs) < 4 {
		return s + "e"
	}
	i := 1 + r.IntN(len(rs)-2)
	switch r.IntN(3) {
	case 0:
		rs[i], rs[i+1] = rs[i+1], rs[i]
		return string(rs)
	case 1:
		return string(append(rs[:i:i], rs[i+1:]...))
	}
	if strings.ContainsRune("aeiou", rs[i]) {
		rs[i] = []rune("aeiou")[(strings.IndexRune("aeiou", rs[i])+1)%5]
		return string(rs)
	}
	return string(rs[:i]) + "e" + string(rs[i:])
}

// SearchResult compares Store.Search with a primary-key lookup on the records table.
type SearchResult struct {
	Store   string
	People  int
	All     Dist
	Classes map[string]Dist
	// Empty counts searches of each class that found nothing.
	Empty map[string]int
	PK    Dist
}

// Search runs every query through Store.Search once to warm the caches, then again measured, one
// at a time; then as many primary-key lookups of random records.
func Search(ctx context.Context, t *Target, f *Force, qs []Query) (SearchResult, error) {
	res := SearchResult{Store: t.Name, People: f.Config.People, Classes: map[string]Dist{}, Empty: map[string]int{}}
	p := officer()
	for _, q := range qs[:min(len(qs), 50)] {
		if _, err := t.Store.Search(ctx, p, q.Text, "", 20); err != nil {
			return res, fmt.Errorf("search %q: %w", q.Text, err)
		}
	}
	byClass := map[string][]time.Duration{}
	var all []time.Duration
	start := time.Now()
	for _, q := range qs {
		t0 := time.Now()
		found, err := t.Store.Search(ctx, p, q.Text, "", 20)
		d := time.Since(t0)
		if err != nil {
			return res, fmt.Errorf("search %q: %w", q.Text, err)
		}
		if len(found) == 0 {
			res.Empty[q.Class]++
		}
		byClass[q.Class] = append(byClass[q.Class], d)
		all = append(all, d)
	}
	res.All = summarise(all, time.Since(start))
	for c, ds := range byClass {
		res.Classes[c] = summarise(ds, 0)
	}
	ids, err := SampleIDs(ctx, t, len(qs), 3)
	if err != nil {
		return res, err
	}
	q := "SELECT body FROM records WHERE id = ?"
	if t.Store.Dialect().Dollar {
		q = "SELECT body FROM records WHERE id = $1"
	}
	db := t.Store.ReadDB()
	stmt, err := db.PrepareContext(ctx, q)
	if err != nil {
		return res, err
	}
	defer stmt.Close()
	var pk []time.Duration
	start = time.Now()
	for i := range len(qs) {
		id := ids[i%len(ids)]
		t0 := time.Now()
		var body string
		if err := stmt.QueryRowContext(ctx, id).Scan(&body); err != nil {
			return res, fmt.Errorf("primary-key lookup: %w", err)
		}
		pk = append(pk, time.Since(t0))
	}
	res.PK = summarise(pk, time.Since(start))
	return res, nil
}

// CachedSQLite opens an embedded store holding the force, built once and kept under CacheDir()
// keyed by the digest of the generated file (rebuilt when fresh is set). It reports the import
// when it had to build the store.
func CachedSQLite(ctx context.Context, f *Force, fresh bool, tempDir string) (*Target, *ImportResult, error) {
	prefix := fmt.Sprintf("sqlite-%s-p%d-", cacheVersion, f.Config.People)
	dir := filepath.Join(CacheDir(), prefix+f.Digest[:16])
	done := filepath.Join(dir, "complete")
	if _, err := os.Stat(done); err == nil && !fresh {
		t, err := OpenSQLite(ctx, dir)
		return t, nil, err
	}
	// A force of this size from another generator version is stale: a 100,000-person store
	// takes more than a gigabyte, so keep one per size.
	if old, err := filepath.Glob(filepath.Join(CacheDir(), prefix+"*")); err == nil {
		for _, o := range old {
			os.RemoveAll(o)
		}
	}
	if err := os.MkdirAll(CacheDir(), 0o700); err != nil {
		return nil, nil, err
	}
	t, err := OpenSQLite(ctx, dir)
	if err != nil {
		return nil, nil, err
	}
	imp, err := Import(ctx, t, f, tempDir)
	if err != nil {
		t.Close()
		os.RemoveAll(dir)
		return nil, nil, err
	}
	if err := os.WriteFile(done, []byte(time.Now().UTC().Format(time.RFC3339)+"\n"), 0o600); err != nil {
		t.Close()
		return nil, nil, err
	}
	return t, &imp, nil
}

// cacheVersion changes when the way cached stores are built changes.
const cacheVersion = "v1"

// forceConfig is the force every benchmark generates: fixed seed and anchor, so cached stores
// stay valid across runs and days.
func forceConfig(people int) demo.Config {
	return demo.Config{People: people, Seed: 20260501, Now: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}
}
