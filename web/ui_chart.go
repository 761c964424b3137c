package web

import (
	"net/http"

	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
)

// chartData is what chart.html shows: the record the chart starts from and the filters. The
// chart itself (static/chart.js) reads the JSON API, which only answers what the user may see.
type chartData struct {
	subject
	Kinds []pole.Kind
	Roles []option
}

// chartPage answers GET /records/{id}/chart: an interactive link chart starting at the record,
// with the same nodes and links as tables for keyboard and screen-reader users.
func (s *Server) chartPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	// The chart's own reads of the API record the consultation.
	sub, err := s.loadSubject(r, p, "chart", false)
	if err != nil {
		return err
	}
	vocab, err := s.store.Vocabulary(r.Context())
	if err != nil {
		return err
	}
	d := chartData{subject: sub, Kinds: pole.Kinds}
	for _, t := range vocab.LinkRoles {
		d.Roles = append(d.Roles, option{Value: t.Code, Label: humanize(t.Code)})
	}
	s.show(w, r, http.StatusOK, "chart.html", view{Title: "Link chart: " + sub.Rec.Label(), Data: d})
	return nil
}
