package incident

import "math"

// earthRadius is the IUGG mean Earth radius in metres. The index converts degrees to metres with
// the same figure, so its conservative bounds agree with Distance.
const earthRadius = 6371008.8

// metresPerDegree is the length of one degree of latitude (and of longitude at the equator) on
// the sphere Distance uses.
const metresPerDegree = earthRadius * math.Pi / 180

// Distance returns the great-circle distance in metres between two points given in decimal
// degrees, by the haversine formula on a spherical Earth. The spherical error (under 0.5%) is far
// below the accuracy of a caller's location. It returns NaN if any input is NaN or infinite.
func Distance(lat1, lon1, lat2, lon2 float64) float64 {
	const rad = math.Pi / 180
	φ1, φ2 := lat1*rad, lat2*rad
	dφ := (lat2 - lat1) * rad
	dλ := (lon2 - lon1) * rad
	s1, s2 := math.Sin(dφ/2), math.Sin(dλ/2)
	a := s1*s1 + math.Cos(φ1)*math.Cos(φ2)*s2*s2
	// Rounding can push a a hair above 1 for antipodal points; clamp so Asin stays defined.
	a = math.Min(math.Max(a, 0), 1)
	return 2 * earthRadius * math.Asin(math.Sqrt(a))
}

// validPoint reports whether lat, lon are finite and on the globe. Everything else is treated as
// "no point", never as an error, because intake must not fail on a bad geocode.
func validPoint(lat, lon float64) bool {
	return lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180 // false for NaN too
}
