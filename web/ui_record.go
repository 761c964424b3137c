package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
	"github.com/peel-rms/peel/ukref"
)

// recordPage is what record.html shows.
type recordPage struct {
	Rec     *pole.Record
	Path    string
	Details []detailGroup
	Markers []markerView
	Links   []linkGroup
	// AsOf is the as_of the links are shown at ("" = all links, current or not).
	AsOf string
	// Past says a past version is shown (?version=N).
	Past      bool
	CanMark   bool
	Today     string
	LinkCount int
	// Merge is the survivor of a person merged away, and the merges into a survivor.
	Merge *mergeInfo
}

// markerView is one warning marker as shown.
type markerView struct {
	Index                                 int
	Code, Description, Category           string
	From, To, Note, Review, SetBy, Source string
	Active, ReviewDue                     bool
}

// linkGroup is the links of one role and direction.
type linkGroup struct {
	Role    string
	Heading string
	Links   []linkRow
}

// linkRow is one link as shown.
type linkRow struct {
	peel.LinkView
	Current bool
}

func recordPath(id string) string { return "/records/" + url.PathEscape(id) }

// recordPage answers GET /records/{id}: the record's details, warning markers and links, with
// the actions the user may take. ?as_of= shows the links valid at a past time; ?version= a past
// version of the record.
func (s *Server) recordPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	q := r.URL.Query()
	opts := peel.GetOptions{}
	if v := q.Get("version"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return pole.Invalid("bad version", pole.FieldError{Field: "version", Message: "must be a version number"})
		}
		opts.Version = n
	}
	var asOf *time.Time
	if v := strings.TrimSpace(q.Get("as_of")); v != "" {
		t, ok := parseDateTime(v)
		if !ok {
			return pole.Invalid("bad as_of", pole.FieldError{Field: "as_of", Message: "must be a date, or a date and time"})
		}
		asOf = &t
	}
	rec, err := s.store.Get(r.Context(), p, r.PathValue("id"), opts)
	if err != nil {
		return err
	}
	links, err := s.store.LinksOf(r.Context(), p, rec.ID, asOf)
	if err != nil {
		return err
	}
	vocab, err := s.store.Vocabulary(r.Context())
	if err != nil {
		return err
	}
	now := s.store.Now()
	at := now
	if asOf != nil {
		at = *asOf
	}
	d := recordPage{Rec: rec, Path: recordPath(rec.ID), Details: recordDetails(rec.Kind, bodyDoc(rec.Body), vocab),
		Markers: markerViews(pole.MarkersOf(rec.Body), vocab, at), Links: groupLinks(links, rec.Kind, at), Past: opts.Version > 0,
		CanMark: rec.Kind == pole.KindPerson || rec.Kind == pole.KindLocation, Today: now.Format(time.DateOnly), LinkCount: len(links)}
	if asOf != nil {
		d.AsOf = q.Get("as_of")
	}
	if d.Merge, err = s.mergeInfoOf(r, p, rec); err != nil {
		return err
	}
	title := rec.Label()
	s.showDup(w, r, http.StatusOK, "record.html", view{Title: title, Data: d})
	return nil
}

func markerViews(ms []pole.Marker, vocab *ukref.Vocabulary, at time.Time) []markerView {
	var out []markerView
	for i, m := range ms {
		mv := markerView{Index: i, Code: m.Code, Category: humanize(m.Category), Note: m.Note, SetBy: m.SetBy, Source: m.Source, Active: m.Active(at)}
		if t := ukref.Find(vocab.MarkerCodes, m.Code); t != nil {
			mv.Description = t.Description
		}
		if m.ValidFrom != nil {
			mv.From = momentText(m.ValidFrom)
		}
		if m.ValidTo != nil {
			mv.To = momentText(m.ValidTo)
		}
		if m.ReviewDate != nil {
			mv.Review = m.ReviewDate.T.UTC().Format(time.DateOnly)
			mv.ReviewDue = mv.Active && !m.ReviewDate.T.After(at)
		}
		out = append(out, mv)
	}
	// Active markers first: they are what an officer needs to see.
	var active, expired []markerView
	for _, m := range out {
		if m.Active {
			active = append(active, m)
		} else {
			expired = append(expired, m)
		}
	}
	return append(active, expired...)
}

// groupLinks groups links (already sorted by role) by role and direction.
func groupLinks(ls []peel.LinkView, kind pole.Kind, at time.Time) []linkGroup {
	var out []linkGroup
	idx := map[string]int{}
	for _, l := range ls {
		key := l.Role + "|" + l.Direction
		i, ok := idx[key]
		if !ok {
			// "This person resides at …" for links out; "… resides at this location" for links in.
			g := linkGroup{Role: l.Role, Heading: "This " + string(kind) + " " + humanize(l.Role) + " …"}
			if l.Direction == "in" {
				g.Heading = "… " + humanize(l.Role) + " this " + string(kind)
			}
			out = append(out, g)
			i = len(out) - 1
			idx[key] = i
		}
		iv := pole.Interval{From: l.ValidFrom, To: l.ValidTo}
		out[i].Links = append(out[i].Links, linkRow{LinkView: l, Current: iv.Contains(at)})
	}
	return out
}

// deleteConfirm is what delete.html shows.
type deleteConfirm struct {
	Rec  *pole.Record
	Path string
}

// deletePage answers GET /records/{id}/delete: confirm before marking the record deleted.
func (s *Server) deletePage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := p.Require(auth.PermDelete); err != nil {
		return err
	}
	rec, err := s.store.Get(r.Context(), p, r.PathValue("id"), peel.GetOptions{NoAudit: true})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "delete.html", view{Title: "Delete " + rec.Label(), Data: deleteConfirm{Rec: rec, Path: recordPath(rec.ID)}})
	return nil
}

// deleteSubmit answers POST /records/{id}/delete.
func (s *Server) deleteSubmit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	if err := s.store.Delete(r.Context(), p, r.PathValue("id"), version); err != nil {
		return err
	}
	http.Redirect(w, r, "/?done=deleted", http.StatusSeeOther)
	return nil
}
