package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/audit"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/match"
	"github.com/peel-rms/peel/pole"
)

// recordForm is what form.html shows: the create or edit form of one kind.
type recordForm struct {
	Kind    pole.Kind
	Heading string
	Action  string
	Submit  string
	Cancel  string
	// Version is the version the edit is based on (If-Match).
	Version int
	Groups  []groupView
	Summary []summaryItem
	// Message is a problem with the whole form (a stale version, a refusal).
	Message string
	// Candidates are possible existing records of the same person (a 409 on create).
	Candidates []candidate
	Reason     string
	// ReasonError says the "create anyway" reason is missing.
	ReasonError string
	// CanCheck offers "check for existing records" (a new person); Checked says the check ran,
	// Matches is what it found and CheckMessage why it could not run.
	CanCheck     bool
	Checked      bool
	Matches      []candidate
	CheckMessage string
}

// candidate is a possible duplicate of the person being created.
type candidate struct {
	ID    string
	Label string
	// Probability is the match probability in words ("97.5%"); Score the match weight in bits,
	// or the only number a loosely shaped candidate gave.
	Probability string
	Score       string
	// Reasons are the strongest reasons for the match, in words.
	Reasons []string
	Refs    []string
}

// newPersonForm is the create form of a kind, with the existing-record check for people.
func newPersonForm(kind pole.Kind) recordForm {
	return recordForm{Kind: kind, Heading: "New " + string(kind), Action: "/new/" + string(kind), Submit: "Create " + string(kind), Cancel: "/",
		CanCheck: kind == pole.KindPerson}
}

func marshalDoc(doc map[string]any) ([]byte, error) { return json.Marshal(doc) }

// formKind reads the {kind} of /new/{kind}: "person" (or "persons").
func formKind(r *http.Request) (pole.Kind, error) {
	k := pole.Kind(r.PathValue("kind"))
	if !k.Valid() {
		var ok bool
		if k, ok = pole.KindFromPlural(r.PathValue("kind")); !ok {
			return "", pole.Errorf(pole.ENotFound, "there is no record kind %q", r.PathValue("kind"))
		}
	}
	return k, nil
}

// newPage answers GET /new/{kind}: an empty form.
func (s *Server) newPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	kind, err := formKind(r)
	if err != nil {
		return err
	}
	if err := p.Require(auth.PermWrite); err != nil {
		return err
	}
	f := newPersonForm(kind)
	return s.renderForm(w, r, http.StatusOK, &f, url.Values{}, nil, true)
}

func (s *Server) renderForm(w http.ResponseWriter, r *http.Request, status int, f *recordForm, form url.Values, errs map[string]string, create bool) error {
	vocab, err := s.store.Vocabulary(r.Context())
	if err != nil {
		return err
	}
	f.Groups, f.Summary = buildGroups(recordForms[f.Kind], form, errs, vocab, create)
	s.render(w, r, status, "form.html", view{Title: f.Heading, Data: f, Errors: errs})
	return nil
}

// newSubmit answers POST /new/{kind}: convert the form to the interchange shape, validate and
// create. Errors come back next to their inputs with what was typed kept.
func (s *Server) newSubmit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	kind, err := formKind(r)
	if err != nil {
		return err
	}
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	f := newPersonForm(kind)
	fd := decodeForm(recordForms[kind], r.PostForm, true)
	confirm := r.PostForm.Get("confirm_new") == "true"
	f.Reason = strings.TrimSpace(r.PostForm.Get("reason"))
	if len(fd.Errors) > 0 {
		return s.renderForm(w, r, http.StatusUnprocessableEntity, &f, r.PostForm, fd.Errors, true)
	}
	body, err := json.Marshal(fd.Doc)
	if err != nil {
		return err
	}
	in, perr := pole.DecodeInput(body, kind)
	if perr != nil {
		return s.formFailed(w, r, &f, fd, perr, true)
	}
	if confirm && f.Reason == "" {
		f.ReasonError = "Say why this is a new person despite the possible matches."
		return s.renderForm(w, r, http.StatusUnprocessableEntity, &f, r.PostForm, fd.Errors, true)
	}
	rec, created, err := s.store.Create(r.Context(), p, in, peel.CreateOptions{ConfirmNew: confirm, Reason: f.Reason})
	if err != nil {
		return s.formFailed(w, r, &f, fd, err, true)
	}
	done := "created"
	if !created {
		done = "matched"
	}
	http.Redirect(w, r, "/records/"+url.PathEscape(rec.ID)+"?done="+done, http.StatusSeeOther)
	return nil
}

// formFailed shows a refused create or edit again: field errors by their inputs, possible
// duplicates with their choices, any other refusal as a message. Unexpected errors go on to the
// error page.
func (s *Server) formFailed(w http.ResponseWriter, r *http.Request, f *recordForm, fd formDoc, err error, create bool) error {
	var pe *pole.Error
	if !errors.As(err, &pe) || statusOf(err) >= 500 {
		return err
	}
	status := statusOf(err)
	for _, fe := range pe.Fields {
		name := fd.formField(fe.Field)
		if _, dup := fd.Errors[name]; !dup {
			fd.Errors[name] = fe.Message
		}
	}
	switch {
	case pe.Code == pole.EConflict && pe.Detail["candidates"] != nil:
		f.Candidates = s.candidates(r, pe.Detail["candidates"])
		f.Message = "This person may already be on record. Open an existing record, or create a new one and say why."
	case pe.Code == pole.EPreconditionFailed:
		f.Message = "Someone changed this record while you were editing it. Your changes are shown below; check them against the current record and save again."
	case len(pe.Fields) == 0:
		f.Message = upperFirst(pe.Message) + "."
	}
	if status == http.StatusBadRequest {
		status = http.StatusUnprocessableEntity
	}
	return s.renderForm(w, r, status, f, r.PostForm, fd.Errors, create)
}

// candidates reads the possible duplicates of a refused person create: the matcher's candidates,
// or (from another store) any list of objects with an id and, where given, a label, a
// probability or score, and reasons. Showing them is a consultation of them.
func (s *Server) candidates(r *http.Request, raw any) []candidate {
	p, _ := r.Context().Value(principalKey).(*auth.Principal)
	var out []candidate
	if cs, ok := raw.([]peel.MatchCandidate); ok {
		out = candidateViews(cs)
	} else {
		out = looseCandidates(raw)
	}
	for i := range out {
		if out[i].Label == "" {
			if rec, err := s.store.Get(r.Context(), p, out[i].ID, peel.GetOptions{NoAudit: true}); err == nil {
				out[i].Label = rec.Label()
			}
		}
	}
	out = slices.DeleteFunc(out, func(c candidate) bool { return c.Label == "" })
	var ids []string
	for _, c := range out {
		ids = append(ids, c.ID)
	}
	if len(ids) > 0 {
		if err := s.store.Consult(r.Context(), p, audit.ActionQuery, ids, "possible duplicates shown on create"); err != nil {
			s.log.Error("audit candidates", "err", err)
		}
	}
	return out
}

// looseCandidates reads candidates of an unknown shape.
func looseCandidates(raw any) []candidate {
	data, err := json.Marshal(raw)
	if err != nil {
		return nil
	}
	var items []map[string]any
	if err := json.Unmarshal(data, &items); err != nil {
		return nil
	}
	var out []candidate
	for _, it := range items {
		c := candidate{}
		c.ID, _ = it["id"].(string)
		if c.ID == "" {
			if rec, ok := it["record"].(map[string]any); ok {
				c.ID, _ = rec["id"].(string)
				c.Label, _ = rec["label"].(string)
			}
		}
		if c.ID == "" {
			continue
		}
		if l, ok := it["label"].(string); ok {
			c.Label = l
		}
		if v, ok := it["probability"].(float64); ok {
			c.Probability = probText(v)
		}
		if v, ok := it["score"].(float64); ok {
			c.Score = formatFloat(v, 2)
		}
		var rs []match.Reason
		if list, ok := it["reasons"].([]any); ok {
			for _, x := range list {
				if m, ok := x.(map[string]any); ok {
					w, _ := m["weight"].(float64)
					rs = append(rs, match.Reason{Field: fmt.Sprint(m["field"]), Comparison: fmt.Sprint(m["comparison"]), Weight: w})
				}
			}
		}
		c.Reasons = topReasons(rs, 3)
		if len(c.Reasons) == 0 {
			// No weights given: the first reasons, as they came.
			for _, r := range rs[:min(len(rs), 3)] {
				c.Reasons = append(c.Reasons, reasonText(r))
			}
		}
		out = append(out, c)
	}
	return out
}

// editPage answers GET /records/{id}/edit: the kind's form with the record's values.
func (s *Server) editPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := p.Require(auth.PermWrite); err != nil {
		return err
	}
	rec, err := s.store.Get(r.Context(), p, r.PathValue("id"), peel.GetOptions{})
	if err != nil {
		return err
	}
	f := editForm(rec)
	form := encodeForm(recordForms[rec.Kind], bodyDoc(rec.Body), false)
	return s.renderForm(w, r, http.StatusOK, &f, form, nil, false)
}

func editForm(rec *pole.Record) recordForm {
	path := "/records/" + url.PathEscape(rec.ID)
	return recordForm{Kind: rec.Kind, Heading: "Edit " + rec.Label(), Action: path + "/edit", Submit: "Save changes", Cancel: path, Version: rec.Version}
}

// editSubmit answers POST /records/{id}/edit: a merge patch of the fields that changed, applied
// only if the record is still at the version the form was based on.
func (s *Server) editSubmit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	rec, err := s.store.Get(r.Context(), p, r.PathValue("id"), peel.GetOptions{NoAudit: true})
	if err != nil {
		return err
	}
	groups := recordForms[rec.Kind]
	f := editForm(rec)
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	fd := decodeForm(groups, r.PostForm, false)
	if len(fd.Errors) > 0 {
		f.Version = version
		return s.renderForm(w, r, http.StatusUnprocessableEntity, &f, r.PostForm, fd.Errors, false)
	}
	current := decodeForm(groups, encodeForm(groups, bodyDoc(rec.Body), false), false)
	patch := mergePatch(current.Doc, fd.Doc, editableKeys(groups))
	if version != rec.Version {
		// Compare with what is there now, and let the user save again over it knowingly.
		f.Message = fmt.Sprintf("Someone changed this record while you were editing it (it is now version %d, you started from version %d).", rec.Version, version)
		if len(patch) > 0 {
			f.Message += " Your form differs from the current record in: " + strings.Join(patchFields(patch), ", ") + "."
		}
		f.Message += " Check the values below and save again to keep yours."
		return s.renderForm(w, r, http.StatusConflict, &f, r.PostForm, fd.Errors, false)
	}
	if len(patch) == 0 {
		http.Redirect(w, r, "/records/"+url.PathEscape(rec.ID)+"?done=unchanged", http.StatusSeeOther)
		return nil
	}
	body, err := json.Marshal(patch)
	if err != nil {
		return err
	}
	if _, err := s.store.Update(r.Context(), p, rec.ID, version, body); err != nil {
		if pole.ErrorCode(err) == pole.EPreconditionFailed {
			if cur, gerr := s.store.Get(r.Context(), p, rec.ID, peel.GetOptions{NoAudit: true}); gerr == nil {
				f.Version = cur.Version
			}
		}
		return s.formFailed(w, r, &f, fd, err, false)
	}
	http.Redirect(w, r, "/records/"+url.PathEscape(rec.ID)+"?done=saved", http.StatusSeeOther)
	return nil
}

// patchFields names the fields a patch changes, in words.
func patchFields(patch map[string]any) []string {
	var out []string
	for k := range patch {
		out = append(out, humanize(k))
	}
	slices.Sort(out)
	return out
}
