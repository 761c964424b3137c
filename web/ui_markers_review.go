package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
)

// reviewHorizon is how far ahead the review list looks by default.
const reviewHorizon = 30

// dueMarker is one marker due for review, with the record that carries it.
type dueMarker struct {
	markerView
	RecID, RecLabel string
	RecKind         pole.Kind
	Version         int
	// FromRaw names the marker (with its code) so a stale form cannot change another one.
	FromRaw string
	Overdue bool
	Extend  string
}

// reviewData is what markers_review.html shows.
type reviewData struct {
	Rows    []dueMarker
	Days    int
	Before  string
	Today   string
	Message string
	Choices []option
}

// markersReviewPage answers GET /markers: warning markers of people and locations whose review
// falls due in the next 30 days (or ?days=N), overdue first, each to extend or expire.
func (s *Server) markersReviewPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	days := reviewHorizon
	if v := r.URL.Query().Get("days"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 3660 {
			return pole.Invalid("bad days", pole.FieldError{Field: "days", Message: "must be a number of days from 0 to 3660"})
		}
		days = n
	}
	return s.renderReview(w, r, p, http.StatusOK, days, "")
}

func (s *Server) renderReview(w http.ResponseWriter, r *http.Request, p *auth.Principal, status, days int, msg string) error {
	ctx := r.Context()
	now := s.store.Now()
	before := now.AddDate(0, 0, days)
	due, err := s.store.MarkersDue(ctx, p, before, 500)
	if err != nil {
		return err
	}
	vocab, err := s.store.Vocabulary(ctx)
	if err != nil {
		return err
	}
	d := reviewData{Days: days, Before: before.Format(time.DateOnly), Today: now.Format(time.DateOnly), Message: msg}
	for _, n := range []int{7, 30, 90, 365} {
		d.Choices = append(d.Choices, option{Value: strconv.Itoa(n), Label: strconv.Itoa(n) + " days", Selected: n == days})
	}
	if days != 7 && days != 30 && days != 90 && days != 365 {
		d.Choices = append(d.Choices, option{Value: strconv.Itoa(days), Label: strconv.Itoa(days) + " days", Selected: true})
	}
	extend := now.AddDate(0, pole.MarkerReviewPeriod, 0).Format(time.DateOnly)
	for _, m := range due {
		mv := markerViews([]pole.Marker{m.Marker}, vocab, now)[0]
		mv.Index = m.Index
		row := dueMarker{markerView: mv, RecID: m.Record.ID, RecLabel: m.Record.Label(), RecKind: m.Record.Kind, Version: m.Record.Version,
			Overdue: m.Marker.ReviewDate != nil && !m.Marker.ReviewDate.T.After(now), Extend: extend}
		if m.Marker.ValidFrom != nil {
			row.FromRaw = m.Marker.ValidFrom.String()
		}
		d.Rows = append(d.Rows, row)
	}
	s.show(w, r, status, "markers_review.html", view{Title: "Warning markers due for review", Data: d})
	return nil
}

// markersReviewSubmit answers POST /markers/review: extend a marker's review date, or expire the
// marker now, with a merge patch of the record's markers at the version the list showed.
func (s *Server) markersReviewSubmit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := p.Require(auth.PermWrite); err != nil {
		return err
	}
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	days, err := strconv.Atoi(f.Get("days"))
	if err != nil || days < 0 || days > 3660 {
		days = reviewHorizon
	}
	back := "/markers?days=" + strconv.Itoa(days) + "&done="
	rec, err := s.store.Get(r.Context(), p, f.Get("id"), peel.GetOptions{NoAudit: true})
	if err != nil {
		return err
	}
	list, _ := bodyDoc(rec.Body)["markers"].([]any)
	i, err := strconv.Atoi(f.Get("index"))
	var m map[string]any
	if err == nil && i >= 0 && i < len(list) {
		m, _ = list[i].(map[string]any)
	}
	from := ""
	if m != nil && m["valid_from"] != nil {
		from = fmt.Sprint(m["valid_from"])
	}
	version, _ := strconv.Atoi(f.Get("version"))
	if m == nil || fmt.Sprint(m["code"]) != f.Get("code") || from != f.Get("valid_from") || version != rec.Version {
		http.Redirect(w, r, back+"marker-changed", http.StatusSeeOther)
		return nil
	}
	now := s.store.Now()
	done := ""
	switch f.Get("action") {
	case "expire":
		m["valid_to"] = now.Format(time.RFC3339)
		done = "marker-expired"
	case "extend":
		day := strings.TrimSpace(f.Get("review_date"))
		t, err := time.Parse(time.DateOnly, day)
		if err != nil || !t.After(now) {
			return s.renderReview(w, r, p, http.StatusUnprocessableEntity, days, "Give the new review date as a date after today, for example "+now.AddDate(1, 0, 0).Format(time.DateOnly)+".")
		}
		m["review_date"] = day
		done = "marker-extended"
	default:
		return pole.Invalid("bad action", pole.FieldError{Field: "action", Message: "must be extend or expire"})
	}
	patch, err := json.Marshal(map[string]any{"markers": list})
	if err != nil {
		return err
	}
	if _, err := s.store.Update(r.Context(), p, rec.ID, version, patch); err != nil {
		var pe *pole.Error
		switch {
		case statusOf(err) == http.StatusPreconditionFailed:
			http.Redirect(w, r, back+"marker-changed", http.StatusSeeOther)
			return nil
		case errors.As(err, &pe) && statusOf(err) == http.StatusUnprocessableEntity:
			msg := upperFirst(pe.Message) + "."
			for _, fe := range pe.Fields {
				msg = humanize(fe.Field) + ": " + fe.Message + "."
			}
			return s.renderReview(w, r, p, http.StatusUnprocessableEntity, days, msg)
		}
		return err
	}
	http.Redirect(w, r, back+url.QueryEscape(done), http.StatusSeeOther)
	return nil
}
