package match

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The accuracy tests read the public data sets in ../shared/data (beside the
// repository checkout) and skip when that folder is absent. Every data set is
// trained on itself without labels and deduplicated with the one default
// threshold; labels are used only to measure.

// dataDir finds shared/data by walking up from the working directory.
func dataDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		for _, c := range []string{filepath.Join(dir, "..", "shared", "data"), filepath.Join(dir, "shared", "data")} {
			if st, err := os.Stat(c); err == nil && st.IsDir() {
				return c
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("shared/data not found beside the repository (../shared/data): accuracy tests need the public data sets")
		}
		dir = parent
	}
}

func readCSV(t testing.TB, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("data file %s not available: %v", path, err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.TrimLeadingSpace = true
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []map[string]string
	for _, row := range rows[1:] {
		m := map[string]string{}
		for i, h := range rows[0] {
			if i < len(row) {
				m[strings.TrimSpace(h)] = strings.TrimSpace(row[i])
			}
		}
		out = append(out, m)
	}
	return out
}

var febrlRecID = regexp.MustCompile(`^rec-(\d+)-`)

// loadFEBRL maps FEBRL rows exactly as the project's evaluation does.
func loadFEBRL(t testing.TB, path string) ([]Person, map[string]string) {
	rows := readCSV(t, path)
	people := make([]Person, 0, len(rows))
	truth := map[string]string{}
	for _, r := range rows {
		id := r["rec_id"]
		p := Person{ID: id, GivenNames: r["given_name"], FamilyName: r["surname"]}
		var lines []string
		if s := strings.TrimSpace(r["street_number"] + " " + r["address_1"]); s != "" {
			lines = append(lines, s)
		}
		if r["address_2"] != "" {
			lines = append(lines, r["address_2"])
		}
		if r["state"] != "" {
			lines = append(lines, strings.ToUpper(r["state"]))
		}
		p.Addresses = []Address{{Lines: lines, Town: r["suburb"], Postcode: r["postcode"], Country: "AU"}}
		p.DOB = febrlDOB(r["date_of_birth"])
		if r["soc_sec_id"] != "" {
			p.Identifiers = []Identifier{{Type: IDOther, Value: r["soc_sec_id"]}}
		}
		people = append(people, p)
		if m := febrlRecID.FindStringSubmatch(id); m != nil {
			truth[id] = m[1]
		} else {
			truth[id] = id
		}
	}
	return people, truth
}

func febrlDOB(s string) string {
	if len(s) == 8 && allDigits(s) {
		iso := s[:4] + "-" + s[4:6] + "-" + s[6:]
		if d := parseDOB(iso); d.prec == dobFull {
			return iso
		}
	}
	return s
}

func loadSplink(t testing.TB, path string) ([]Person, map[string]string) {
	rows := readCSV(t, path)
	var people []Person
	truth := map[string]string{}
	for _, r := range rows {
		p := Person{ID: r["unique_id"], GivenNames: r["first_name"], FamilyName: r["surname"], DOB: r["dob"]}
		if r["city"] != "" {
			p.Addresses = []Address{{Town: r["city"]}}
		}
		if r["email"] != "" {
			p.Emails = []string{r["email"]}
		}
		people = append(people, p)
		truth[p.ID] = r["cluster"]
	}
	return people, truth
}

var monthNames = map[string]int{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}

// senzingDOB converts the truth set's US-style dates ("12/11/1978", "3/1/70",
// "Mar 1 1970", "24-May-11", "20/8/1991") to ISO, as an importer would.
func senzingDOB(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	year := func(y string) int {
		v, _ := strconv.Atoi(y)
		if len(y) == 2 {
			if v <= 25 {
				return 2000 + v
			}
			return 1900 + v
		}
		return v
	}
	iso := func(y, m, d int) string { return fmt.Sprintf("%04d-%02d-%02d", y, m, d) }
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '-' || r == ' ' })
	if len(parts) != 3 {
		return s
	}
	if len(parts[0]) == 4 {
		return s
	}
	if m, ok := monthNames[strings.ToLower(parts[0])]; ok { // Mar 1 1970
		d, _ := strconv.Atoi(parts[1])
		return iso(year(parts[2]), m, d)
	}
	if m, ok := monthNames[strings.ToLower(parts[1])]; ok { // 24-May-11
		d, _ := strconv.Atoi(parts[0])
		return iso(year(parts[2]), m, d)
	}
	a, _ := strconv.Atoi(parts[0])
	b, _ := strconv.Atoi(parts[1])
	if a > 12 { // day first
		return iso(year(parts[2]), b, a)
	}
	return iso(year(parts[2]), a, b)
}

// splitFull splits "Jones, Kaylee" or "Keeley Jones" into given and family names.
func splitFull(s string) (given, family string) {
	if i := strings.IndexByte(s, ','); i >= 0 {
		return strings.TrimSpace(s[i+1:]), strings.TrimSpace(s[:i])
	}
	f := strings.Fields(s)
	if len(f) < 2 {
		return s, ""
	}
	return strings.Join(f[:len(f)-1], " "), f[len(f)-1]
}

func loadSenzing(t testing.TB, dir string) ([]Person, map[string]string) {
	truth := map[string]string{}
	for _, r := range readCSV(t, filepath.Join(dir, "actual_truthset_key.csv")) {
		truth[r["DATA_SOURCE"]+":"+r["RECORD_ID"]] = r["CLUSTER_ID"]
	}
	var people []Person
	for _, file := range []string{"customers.csv", "reference.csv", "watchlist.csv"} {
		for _, r := range readCSV(t, filepath.Join(dir, file)) {
			if r["RECORD_TYPE"] == "ORGANIZATION" || (r["RECORD_TYPE"] == "" && r["PRIMARY_NAME_ORG"] != "") {
				continue
			}
			id := r["DATA_SOURCE"] + ":" + r["RECORD_ID"]
			if _, ok := truth[id]; !ok {
				continue
			}
			p := Person{ID: id, Gender: r["GENDER"], DOB: senzingDOB(r["DATE_OF_BIRTH"])}
			p.GivenNames = strings.TrimSpace(r["PRIMARY_NAME_FIRST"] + " " + r["PRIMARY_NAME_MIDDLE"])
			p.FamilyName = r["PRIMARY_NAME_LAST"]
			if p.GivenNames == "" && p.FamilyName == "" && r["PRIMARY_NAME_FULL"] != "" {
				p.GivenNames, p.FamilyName = splitFull(r["PRIMARY_NAME_FULL"])
			}
			if nat := r["NATIVE_NAME_FULL"]; nat != "" {
				g, f := splitFull(nat)
				if !strings.Contains(nat, ",") && !strings.Contains(nat, " ") {
					g, f = nat, ""
				}
				if p.GivenNames == "" && p.FamilyName == "" {
					p.GivenNames, p.FamilyName = g, f
				} else {
					p.Aliases = append(p.Aliases, Name{GivenNames: g, FamilyName: f})
				}
			}
			var a Address
			if r["ADDR_FULL"] != "" {
				a.Lines = append(a.Lines, r["ADDR_FULL"])
			}
			if r["ADDR_LINE1"] != "" {
				a.Lines = append(a.Lines, r["ADDR_LINE1"])
			}
			if r["ADDR_STATE"] != "" {
				a.Lines = append(a.Lines, r["ADDR_STATE"])
			}
			a.Town, a.Postcode, a.Country = r["ADDR_CITY"], r["ADDR_POSTAL_CODE"], r["ADDR_COUNTRY"]
			if len(a.Lines) > 0 || a.Town != "" || a.Postcode != "" {
				p.Addresses = []Address{a}
			}
			if r["PHONE_NUMBER"] != "" {
				p.Phones = []string{r["PHONE_NUMBER"]}
			}
			if r["EMAIL_ADDRESS"] != "" {
				p.Emails = []string{r["EMAIL_ADDRESS"]}
			}
			add := func(typ, col string) {
				if r[col] != "" {
					p.Identifiers = append(p.Identifiers, Identifier{Type: typ, Value: r[col]})
				}
			}
			add(IDPassport, "PASSPORT_NUMBER")
			add(IDDrivingLicence, "DRIVERS_LICENSE_NUMBER")
			add(IDNINumber, "SSN_NUMBER") // the US analogue of a National Insurance number
			add(IDOther, "NATIONAL_ID_NUMBER")
			people = append(people, p)
		}
	}
	return people, truth
}

// metrics are the measures reported for one data set.
type metrics struct {
	precision, recall, f1 float64
	bcubedF1              float64
	truePairs, predPairs  int
	completeness          float64
	stats                 DedupeStats
}

func pairsOf(groups map[string][]string) map[[2]string]bool {
	out := map[[2]string]bool{}
	for _, m := range groups {
		for i := range m {
			for j := i + 1; j < len(m); j++ {
				a, b := m[i], m[j]
				if a > b {
					a, b = b, a
				}
				out[[2]string{a, b}] = true
			}
		}
	}
	return out
}

func f1(p, r float64) float64 {
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// measure computes pairwise and B-cubed scores of clusters against truth
// (record ID -> entity), and the pair completeness of Keys.
func measure(people []Person, truth map[string]string, clusters []Cluster) metrics {
	var m metrics
	trueGroups := map[string][]string{}
	for _, p := range people {
		trueGroups[truth[p.ID]] = append(trueGroups[truth[p.ID]], p.ID)
	}
	predOf := map[string]string{}
	predGroups := map[string][]string{}
	for i, c := range clusters {
		k := "c" + strconv.Itoa(i)
		predGroups[k] = c.Members
		for _, id := range c.Members {
			predOf[id] = k
		}
	}
	for _, p := range people {
		if _, ok := predOf[p.ID]; !ok {
			predOf[p.ID] = "s:" + p.ID
			predGroups["s:"+p.ID] = []string{p.ID}
		}
	}
	tp, pp := pairsOf(trueGroups), pairsOf(predGroups)
	hit := 0
	for k := range pp {
		if tp[k] {
			hit++
		}
	}
	m.truePairs, m.predPairs = len(tp), len(pp)
	if len(pp) > 0 {
		m.precision = float64(hit) / float64(len(pp))
	} else {
		m.precision = 1
	}
	if len(tp) > 0 {
		m.recall = float64(hit) / float64(len(tp))
	}
	m.f1 = f1(m.precision, m.recall)
	// B-cubed.
	var bp, br float64
	for _, p := range people {
		pred := predGroups[predOf[p.ID]]
		tr := truth[p.ID]
		common := 0
		for _, q := range pred {
			if truth[q] == tr {
				common++
			}
		}
		bp += float64(common) / float64(len(pred))
		br += float64(common) / float64(len(trueGroups[tr]))
	}
	m.bcubedF1 = f1(bp/float64(len(people)), br/float64(len(people)))
	// Pair completeness of blocking.
	keys := map[string][]string{}
	for i := range people {
		keys[people[i].ID] = Keys(&people[i])
	}
	covered := 0
	for k := range tp {
		if shareKey(keys[k[0]], keys[k[1]]) {
			covered++
		}
	}
	if len(tp) > 0 {
		m.completeness = float64(covered) / float64(len(tp))
	}
	return m
}

// runDataset trains on the data, deduplicates with the default threshold and
// measures.
func runDataset(t *testing.T, name string, people []Person, truth map[string]string) metrics {
	t.Helper()
	start := time.Now()
	model, err := Train(people, TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s := NewScorer(model, CountFrequencies(people))
	clusters, st := Dedupe(people, s, DedupeOptions{})
	m := measure(people, truth, clusters)
	m.stats = st
	t.Logf("%-22s rows=%5d truePairs=%5d predPairs=%5d  pairwise P=%.4f R=%.4f F1=%.4f  B3-F1=%.4f  completeness=%.4f candidates=%d scored=%d prior=%.3g (%.1fs)",
		name, len(people), m.truePairs, m.predPairs, m.precision, m.recall, m.f1, m.bcubedF1, m.completeness,
		st.CandidatePairs, st.ScoredPairs, model.Prior, time.Since(start).Seconds())
	return m
}

func TestAccuracyFEBRL1(t *testing.T) {
	people, truth := loadFEBRL(t, filepath.Join(dataDir(t), "febrl", "dataset1.csv"))
	m := runDataset(t, "febrl/dataset1", people, truth)
	checkFloor(t, m, 0.995, 0.995) // measured 0.9990, completeness 1.0000
}

func TestAccuracyFEBRL2(t *testing.T) {
	people, truth := loadFEBRL(t, filepath.Join(dataDir(t), "febrl", "dataset2.csv"))
	m := runDataset(t, "febrl/dataset2", people, truth)
	checkFloor(t, m, 0.995, 0.995) // measured 0.9992, completeness 0.9979
}

func TestAccuracySplink(t *testing.T) {
	people, truth := loadSplink(t, filepath.Join(dataDir(t), "splink", "fake_1000.csv"))
	m := runDataset(t, "splink/fake_1000", people, truth)
	checkFloor(t, m, 0.82, 0.69) // measured 0.8493, completeness 0.7065
}

func TestAccuracySenzing(t *testing.T) {
	people, truth := loadSenzing(t, filepath.Join(dataDir(t), "senzing"))
	m := runDataset(t, "senzing", people, truth)
	checkFloor(t, m, 0.70, 0.84) // measured 0.7638, completeness 0.8627
}

func checkFloor(t *testing.T, m metrics, minF1, minCompleteness float64) {
	t.Helper()
	if m.f1 < minF1 {
		t.Errorf("pairwise F1 %.4f below floor %.4f", m.f1, minF1)
	}
	if m.completeness < minCompleteness {
		t.Errorf("pair completeness %.4f below floor %.4f", m.completeness, minCompleteness)
	}
}
