package sqlite_test

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/sqlite"
	"github.com/peel-rms/peel/sqlstore"
)

// sharedData finds ../shared/data beside the checkout.
func sharedData(t *testing.T) string {
	dir, _ := os.Getwd()
	for range 5 {
		p := filepath.Join(dir, "..", "shared", "data")
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
		dir = filepath.Dir(dir)
	}
	t.Skip("../shared/data is not beside this checkout: the duplicate-detection evaluation needs it")
	return ""
}

// febrlNDJSON maps FEBRL rows to interchange person lines exactly as the evaluation does.
func febrlNDJSON(t *testing.T, path string) (string, map[string]string) {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReader(f))
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(h)] = i
	}
	var b strings.Builder
	truth := map[string]string{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		get := func(c string) string { return strings.TrimSpace(rec[col[c]]) }
		id := get("rec_id")
		truth[id] = strings.Split(id, "-")[1]
		var lines []string
		if s := strings.TrimSpace(get("street_number") + " " + get("address_1")); s != "" {
			lines = append(lines, s)
		}
		if s := get("address_2"); s != "" {
			lines = append(lines, s)
		}
		if s := get("state"); s != "" {
			lines = append(lines, strings.ToUpper(s))
		}
		dob := get("date_of_birth")
		if t, err := time.Parse("20060102", dob); err == nil && len(dob) == 8 {
			dob = t.Format(time.DateOnly)
		}
		p := map[string]any{"kind": "person", "ref": id, "given_names": get("given_name"), "family_name": get("surname"),
			"addresses": []any{map[string]any{"lines": lines, "town": get("suburb"), "postcode": get("postcode"), "country": "AU", "role": "resides_at"}}}
		if dob != "" {
			p["dob"] = dob
		}
		if s := get("soc_sec_id"); s != "" {
			p["identifiers"] = []any{map[string]any{"type": "other", "value": s}}
		}
		line, _ := json.Marshal(p)
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.String(), truth
}

// TestDuplicateDetectionFEBRL runs the whole pipeline the way a force would: import the FEBRL data
// set, run dedupe, read the review queue, and score its groups against the truth.
func TestDuplicateDetectionFEBRL(t *testing.T) {
	data := sharedData(t)
	for _, c := range []struct {
		file     string
		minF1    float64
		minBCube float64
	}{{"dataset1.csv", 0.98, 0.98}, {"dataset2.csv", 0.98, 0.98}} {
		t.Run(c.file, func(t *testing.T) {
			ctx := context.Background()
			s, err := sqlite.Open(ctx, t.TempDir(), sqlstore.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			nd, truth := febrlNDJSON(t, filepath.Join(data, "febrl", c.file))
			admin := auth.System("eval")
			if _, err := s.Import(ctx, admin, "febrl", strings.NewReader(nd), peel.ImportOptions{}); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			sum, err := s.Dedupe(ctx, admin)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			cursor := ""
			for {
				gs, next, err := s.Duplicates(ctx, admin, cursor, 1000)
				if err != nil {
					t.Fatal(err)
				}
				for _, g := range gs {
					for _, m := range g.Members {
						got[m.Refs[0].Ref] = g.ID
					}
				}
				if next == "" {
					break
				}
				cursor = next
			}
			p, r, f1, bc := pairwise(truth, got)
			t.Logf("%s: %d people, %d candidate pairs, %d groups in %.1fs: pairwise precision %.4f recall %.4f F1 %.4f; B-cubed F1 %.4f",
				c.file, sum.People, sum.CandidatePairs, sum.Groups, time.Since(start).Seconds(), p, r, f1, bc)
			if f1 < c.minF1 || bc < c.minBCube {
				t.Errorf("pairwise F1 %.4f (floor %.2f), B-cubed F1 %.4f (floor %.2f)", f1, c.minF1, bc, c.minBCube)
			}
		})
	}
}

// pairwise scores predicted groups (ref -> group; singletons absent) against truth (ref -> entity)
// over all within-cluster pairs, and B-cubed F1.
func pairwise(truth, got map[string]string) (p, r, f1, bcube float64) {
	group := func(m map[string]string, id string) string {
		if g, ok := m[id]; ok {
			return g
		}
		return "single:" + id
	}
	byTruth, byGot := map[string][]string{}, map[string][]string{}
	for id := range truth {
		byTruth[truth[id]] = append(byTruth[truth[id]], id)
		byGot[group(got, id)] = append(byGot[group(got, id)], id)
	}
	pairs := func(groups map[string][]string) int {
		n := 0
		for _, g := range groups {
			n += len(g) * (len(g) - 1) / 2
		}
		return n
	}
	correct := 0
	for _, g := range byGot {
		for i := range g {
			for j := i + 1; j < len(g); j++ {
				if truth[g[i]] == truth[g[j]] {
					correct++
				}
			}
		}
	}
	tp, fp := pairs(byTruth), pairs(byGot)
	if fp > 0 {
		p = float64(correct) / float64(fp)
	}
	if tp > 0 {
		r = float64(correct) / float64(tp)
	}
	if p+r > 0 {
		f1 = 2 * p * r / (p + r)
	}
	var bp, br float64
	for id := range truth {
		g, tg := byGot[group(got, id)], byTruth[truth[id]]
		inter := 0
		for _, x := range g {
			if truth[x] == truth[id] {
				inter++
			}
		}
		bp += float64(inter) / float64(len(g))
		br += float64(inter) / float64(len(tg))
	}
	bp, br = bp/float64(len(truth)), br/float64(len(truth))
	bcube = 2 * bp * br / (bp + br)
	return p, r, f1, bcube
}

var _ = fmt.Sprint
