package incident

import (
	"math"
	"testing"
)

func TestDistance(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for _, tc := range []struct {
		name                   string
		lat1, lon1, lat2, lon2 float64
		want, tol              float64
	}{
		{"same point", 52.95, -1.15, 52.95, -1.15, 0, 1e-9},
		{"one degree of latitude", 0, 0, 1, 0, 111195.08, 0.01},
		{"100 m east in Nottingham", 52.95, -1.15, 52.95, -1.1485, 100.49, 0.01},
		{"London to Paris", 51.5074, -0.1278, 48.8566, 2.3522, 343556.5, 1},
		{"across the antimeridian", 0, 179.9995, 0, -179.9995, 111.195, 0.001},
		{"antipodes", 0, 0, 0, 180, math.Pi * earthRadius, 1},
		{"near the pole", 89.9999, 0, 89.9999, 180, 22.239, 0.001},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Distance(tc.lat1, tc.lon1, tc.lat2, tc.lon2)
			if math.Abs(got-tc.want) > tc.tol {
				t.Errorf("Distance = %.4f, want %.4f ± %g", got, tc.want, tc.tol)
			}
			if back := Distance(tc.lat2, tc.lon2, tc.lat1, tc.lon1); math.Abs(back-got) > 1e-6 {
				t.Errorf("not symmetric: %v vs %v", got, back)
			}
		})
	}
	for _, bad := range [][4]float64{{nan, 0, 0, 0}, {0, inf, 0, 0}, {0, 0, -inf, 0}, {0, 0, 0, nan}} {
		if d := Distance(bad[0], bad[1], bad[2], bad[3]); !math.IsNaN(d) {
			t.Errorf("Distance(%v) = %v, want NaN", bad, d)
		}
	}
}
