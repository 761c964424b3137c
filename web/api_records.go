package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
)

// kindOf reads the collection ("persons") from the path.
func kindOf(r *http.Request) (pole.Kind, error) {
	seg := strings.Split(strings.TrimPrefix(r.URL.Path, "/api/v1/"), "/")[0]
	k, ok := pole.KindFromPlural(seg)
	if !ok {
		return "", pole.Errorf(pole.ENotFound, "no collection %q", seg)
	}
	return k, nil
}

func setETag(w http.ResponseWriter, rec *pole.Record) {
	w.Header().Set("ETag", `"`+strconv.Itoa(rec.Version)+`"`)
}

// createRecord answers POST /api/v1/{kind}.
func (s *Server) createRecord(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	kind, err := kindOf(r)
	if err != nil {
		return err
	}
	body, err := s.readBody(w, r)
	if err != nil {
		return err
	}
	in, perr := pole.DecodeInput(body, kind)
	if perr != nil {
		return perr
	}
	confirm, err := queryBool(r, "confirm_new")
	if err != nil {
		return err
	}
	reason := r.URL.Query().Get("reason")
	if confirm && reason == "" {
		return pole.Invalid("a reason is needed", pole.FieldError{Field: "reason", Message: "say why this is a new person despite the possible matches"})
	}
	rec, created, err := s.store.Create(r.Context(), p, in, peel.CreateOptions{ConfirmNew: confirm, Reason: reason})
	if err != nil {
		return err
	}
	setETag(w, rec)
	status := http.StatusCreated
	if !created {
		status = http.StatusOK
	}
	w.Header().Set("Location", "/api/v1/records/"+rec.ID)
	writeJSON(w, status, rec)
	return nil
}

// listRecords answers GET /api/v1/{kind}.
func (s *Server) listRecords(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	kind, err := kindOf(r)
	if err != nil {
		return err
	}
	limit, err := queryInt(r, "limit", 50)
	if err != nil {
		return err
	}
	if limit > 1000 {
		return pole.Invalid("limit too large", pole.FieldError{Field: "limit", Message: "at most 1000"})
	}
	q := r.URL.Query()
	recs, next, err := s.store.List(r.Context(), p, kind, peel.ListFilter{Cursor: q.Get("cursor"), Limit: limit, Type: q.Get("type"), Category: q.Get("category"), Status: q.Get("status")})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(recs, next))
	return nil
}

// getRecord answers GET /api/v1/{kind}/{id}: the record if it is of that kind.
func (s *Server) getRecord(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	kind, err := kindOf(r)
	if err != nil {
		return err
	}
	opts, err := getOptions(r)
	if err != nil {
		return err
	}
	rec, err := s.store.Get(r.Context(), p, r.PathValue("id"), opts)
	if err != nil {
		return err
	}
	if rec.Kind != kind {
		return pole.NotFound(string(kind), r.PathValue("id"))
	}
	setETag(w, rec)
	writeJSON(w, http.StatusOK, rec)
	return nil
}

func getOptions(r *http.Request) (peel.GetOptions, error) {
	var opts peel.GetOptions
	v, err := queryInt(r, "version", 0)
	if err != nil {
		return opts, err
	}
	opts.Version = v
	opts.AsAt, err = queryTime(r, "as_at")
	return opts, err
}

// patchRecord answers PATCH /api/v1/{kind}/{id} with a JSON merge patch.
func (s *Server) patchRecord(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	kind, err := kindOf(r)
	if err != nil {
		return err
	}
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	body, err := s.readBody(w, r)
	if err != nil {
		return err
	}
	if err := s.checkKind(r, p, kind); err != nil {
		return err
	}
	rec, err := s.store.Update(r.Context(), p, r.PathValue("id"), version, body)
	if err != nil {
		return err
	}
	setETag(w, rec)
	writeJSON(w, http.StatusOK, rec)
	return nil
}

// checkKind answers not found unless the record is of the collection's kind. It reads without
// auditing: the action that follows is audited.
func (s *Server) checkKind(r *http.Request, p *auth.Principal, kind pole.Kind) error {
	rec, err := s.store.Get(r.Context(), p, r.PathValue("id"), peel.GetOptions{NoAudit: true})
	if err != nil {
		return err
	}
	if rec.Kind != kind {
		return pole.NotFound(string(kind), r.PathValue("id"))
	}
	return nil
}

// deleteRecord answers DELETE /api/v1/{kind}/{id}.
func (s *Server) deleteRecord(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	kind, err := kindOf(r)
	if err != nil {
		return err
	}
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	if err := s.checkKind(r, p, kind); err != nil {
		return err
	}
	if err := s.store.Delete(r.Context(), p, r.PathValue("id"), version); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// recordWithLinks is a record with its links, as GET /api/v1/records/{id} answers.
type recordWithLinks struct {
	Record *pole.Record
	Links  []peel.LinkView
}

func (rl recordWithLinks) MarshalJSON() ([]byte, error) {
	rec, err := json.Marshal(rl.Record)
	if err != nil {
		return nil, err
	}
	links := rl.Links
	if links == nil {
		links = []peel.LinkView{}
	}
	lb, err := json.Marshal(links)
	if err != nil {
		return nil, err
	}
	out := append(rec[:len(rec)-1:len(rec)-1], `,"links":`...)
	out = append(out, lb...)
	return append(out, '}'), nil
}

// getAnyRecord answers GET /api/v1/records/{id}: any record with its links.
func (s *Server) getAnyRecord(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	opts, err := getOptions(r)
	if err != nil {
		return err
	}
	asOf, err := queryTime(r, "as_of")
	if err != nil {
		return err
	}
	rec, err := s.store.Get(r.Context(), p, r.PathValue("id"), opts)
	if err != nil {
		return err
	}
	links, err := s.store.LinksOf(r.Context(), p, rec.ID, asOf)
	if err != nil {
		return err
	}
	setETag(w, rec)
	writeJSON(w, http.StatusOK, recordWithLinks{rec, links})
	return nil
}

// history answers GET /api/v1/records/{id}/history.
func (s *Server) history(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	vs, err := s.store.History(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	if vs == nil {
		vs = []peel.Version{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"versions": vs})
	return nil
}

// recordAudit answers GET /api/v1/records/{id}/audit: who viewed or changed the record.
func (s *Server) recordAudit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := p.Require(auth.PermAudit); err != nil {
		return err
	}
	before, err := queryInt(r, "before", 0)
	if err != nil {
		return err
	}
	entries, err := s.store.Audit(r.Context(), p, peel.AuditFilter{Record: r.PathValue("id"), Before: int64(before), Limit: 200})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, auditPage(entries))
	return nil
}
