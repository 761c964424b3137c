package bench

import (
	"context"
	"strings"
	"testing"
	"time"
)

// harnessStores are the stores the harness checks run on: PostgreSQL only when it answers and
// the run is not short.
func harnessStores(t *testing.T) []string {
	kinds := []string{"sqlite"}
	if testing.Short() {
		t.Log("short: PostgreSQL skipped")
	} else if err := PostgresAvailable(context.Background(), PostgresURL()); err == nil {
		kinds = append(kinds, "postgres")
	}
	return kinds
}

// The analysis harness on a tiny force: every question is asked of both sides, the answers agree,
// the calls import and its baselines run, and the report has every row. No timing is checked.
func TestAnalysisHarness(t *testing.T) {
	cfg := DefaultAnalysisConfig()
	cfg.Stores = harnessStores(t)
	cfg.People, cfg.Calls, cfg.Subjects, cfg.Rounds = 300, 2000, 10, 1
	cfg.TempDir, cfg.CacheDir = t.TempDir(), t.TempDir()
	cfg.Log = quietLogger()
	res, err := RunAnalysis(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Stores) != len(cfg.Stores) {
		t.Fatalf("%d stores measured, want %d", len(res.Stores), len(cfg.Stores))
	}
	for _, s := range res.Stores {
		if s.Build == nil || s.Build.Records != s.Force.Stats.Records() || s.Size <= 0 {
			t.Errorf("%s: build %+v, size %d", s.Store, s.Build, s.Size)
		}
		if len(s.Asked) != len(Questions()) {
			t.Fatalf("%s: %d questions asked", s.Store, len(s.Asked))
		}
		for _, q := range s.Asked {
			if q.Subjects == 0 || q.Peel.N != q.Subjects || q.SQL.N != q.Subjects || q.Checked != q.Subjects {
				t.Errorf("%s %s: %d subjects, %d asked of peel, %d of SQL, %d checked", s.Store, q.Name, q.Subjects, q.Peel.N, q.SQL.N, q.Checked)
			}
			if q.Disagreed > 0 {
				t.Errorf("%s %s: peel and the SQL baseline disagree on %d subjects: %v", s.Store, q.Name, q.Disagreed, q.Examples)
			}
		}
		if s.Serving <= 0 || s.Memory.RSS == 0 {
			t.Errorf("%s: serving %v, memory %+v", s.Store, s.Serving, s.Memory)
		}
	}
	if len(res.Calls) != 1 {
		t.Fatalf("%d calls imports", len(res.Calls))
	}
	c := res.Calls[0]
	if c.Rows != 2000 || c.Imported == 0 || c.LinesImported != c.Imported || c.Bare <= 0 || c.Indexed <= 0 {
		t.Errorf("calls import: %+v", c)
	}
	var out strings.Builder
	res.Report(&out)
	for _, want := range []string{"contacts (P7D) p99", "location events (P28D) p50", "vehicle events (P24M) answers", "time to start serving", "calls CSV import"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

// The incidents harness at a tiny size: every raised incident reaches every subscriber, intake and
// its baseline run, and the store groups the stream as the matching package does.
func TestIncidentsHarness(t *testing.T) {
	cfg := DefaultIncidentsConfig()
	cfg.Stores = harnessStores(t)
	cfg.Subscribers, cfg.Alerts, cfg.Gap = 20, 3, 20*time.Millisecond
	cfg.Reports, cfg.Clients, cfg.Hazards = 200, 4, 50
	cfg.TempDir = t.TempDir()
	cfg.Log = quietLogger()
	res, err := RunIncidents(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range res.Alerts {
		if a.Raised != cfg.Alerts || a.Missed != 0 || a.Delivery.N != cfg.Alerts*cfg.Subscribers || a.Post.N != cfg.Alerts {
			t.Errorf("%s alerts: %+v", a.Store, a)
		}
	}
	for _, in := range res.Intakes {
		if in.Intake.N != cfg.Reports || in.Events.N != cfg.Reports || in.Sequential.N != cfg.Reports {
			t.Errorf("%s intake: %d, %d, %d reports", in.Store, in.Intake.N, in.Events.N, in.Sequential.N)
		}
		if in.Differ != 0 {
			t.Errorf("%s: intake grouped %d reports otherwise than incident.Replay", in.Store, in.Differ)
		}
		if in.Grouping.Reports != cfg.Reports || in.Grouping.FoundPairs == 0 {
			t.Errorf("%s grouping: %+v", in.Store, in.Grouping)
		}
	}
	if len(res.Alerts) != len(cfg.Stores) || len(res.Intakes) != len(cfg.Stores) {
		t.Fatalf("%d alert and %d intake results for %d stores", len(res.Alerts), len(res.Intakes), len(cfg.Stores))
	}
	var out strings.Builder
	res.Report(&out)
	for _, want := range []string{"alert delivery p99", "intake reports/s", "pairwise precision"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

func TestSQLiteParams(t *testing.T) {
	if got := sqliteParams(`a = $1 AND json_each(x, '$.roles') AND b <= $12`); got != `a = ?1 AND json_each(x, '$.roles') AND b <= ?12` {
		t.Errorf("%q", got)
	}
}
