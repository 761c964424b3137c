package web

import (
	"net/http"

	"github.com/peel-rms/peel/auth"
)

// alertsData is what alerts.html shows.
type alertsData struct {
	// All says the user may receive every alert (dispatch), not only those near a place.
	All  bool
	Area string
}

// alertsPage answers GET /alerts: a phone-sized view for a responding officer that receives
// hazard alerts from the stream (static/alerts.js): near the device's position when the user
// allows it, in an area typed in, or all of them for dispatchers.
func (s *Server) alertsPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := p.Require(auth.PermRead); err != nil {
		return err
	}
	d := alertsData{All: p.Can(auth.PermDispatch), Area: r.URL.Query().Get("area")}
	if d.Area != "" {
		if _, err := parseArea(d.Area); err != nil {
			d.Area = ""
		}
	}
	s.show(w, r, http.StatusOK, "alerts.html", view{Title: "Hazard alerts", Data: d})
	return nil
}
