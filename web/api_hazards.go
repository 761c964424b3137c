package web

import (
	"net/http"
	"strconv"

	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/hazard"
	"github.com/peel-rms/peel/pole"
)

type hazardsAnswer struct {
	Hazards   []hazard.Hazard `json:"hazards"`
	Locations []string        `json:"locations,omitempty"`
}

// locationHazards answers GET /api/v1/locations/{id}/hazards?as_of=T.
func (s *Server) locationHazards(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	asOf, err := queryTime(r, "as_of")
	if err != nil {
		return err
	}
	at := s.store.Now()
	if asOf != nil {
		at = *asOf
	}
	hs, err := s.store.Hazards(r.Context(), p, r.PathValue("id"), at)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, hazardsAnswer{Hazards: hs})
	return nil
}

// pointHazards answers GET /api/v1/hazards?lat=&lon=&as_of=: the hazards of the addresses within
// 25 m of the point.
func (s *Server) pointHazards(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	q := r.URL.Query()
	var errs []pole.FieldError
	lat, err := strconv.ParseFloat(q.Get("lat"), 64)
	if err != nil {
		errs = append(errs, pole.FieldError{Field: "lat", Message: "must be a number"})
	}
	lon, err := strconv.ParseFloat(q.Get("lon"), 64)
	if err != nil {
		errs = append(errs, pole.FieldError{Field: "lon", Message: "must be a number"})
	}
	if len(errs) > 0 {
		return pole.Invalid("a point is lat and lon", errs...)
	}
	asOf, err := queryTime(r, "as_of")
	if err != nil {
		return err
	}
	at := s.store.Now()
	if asOf != nil {
		at = *asOf
	}
	hs, locs, err := s.store.HazardsAt(r.Context(), p, lat, lon, at)
	if err != nil {
		return err
	}
	if locs == nil {
		locs = []string{}
	}
	writeJSON(w, http.StatusOK, hazardsAnswer{Hazards: hs, Locations: locs})
	return nil
}

// hazardOperations are the hazard questions.
func (s *Server) hazardOperations() []op {
	return []op{
		{Method: "GET", Path: "/api/v1/locations/{id}/hazards", Handler: s.locationHazards, Access: reads, Tag: "hazards",
			Summary: "Firearms, warning markers, vulnerable people and recent violence at a location, each with why and since when",
			Out:     typeSchema[hazardsAnswer](), Params: []param{pathID, asOfParam}},
		{Method: "GET", Path: "/api/v1/hazards", Handler: s.pointHazards, Access: reads, Tag: "hazards",
			Summary: "The hazards of every address within 25 m of a point",
			Out:     typeSchema[hazardsAnswer](), Params: []param{{"lat", "query", "number", "latitude"}, {"lon", "query", "number", "longitude"}, asOfParam}},
	}
}
