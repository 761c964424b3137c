package web

import (
	"errors"
	"math"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/match"
	"github.com/peel-rms/peel/pole"
)

// duplicateRoutes are the review queue of possible duplicate people, the group pages with their
// decisions, and undoing a merge from the survivor's record page.
func (s *Server) duplicateRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /duplicates", s.page(reads, s.duplicatesPage))
	mux.HandleFunc("POST /duplicates/run", s.page(writes, s.dedupeSubmit))
	mux.HandleFunc("GET /duplicates/{id}", s.page(reads, s.groupPage))
	mux.HandleFunc("POST /duplicates/{id}/merge", s.page(writes, s.groupMerge))
	mux.HandleFunc("POST /duplicates/{id}/decision", s.page(writes, s.groupDecision))
	mux.HandleFunc("GET /records/{id}/merges/{merge}/undo", s.page(reads, s.unmergePage))
	mux.HandleFunc("POST /records/{id}/merges/{merge}/undo", s.page(writes, s.unmergeSubmit))
	mux.HandleFunc("POST /new/{kind}/check", s.page(reads, s.matchCheck))
}

// dupFlashes are the messages the duplicate pages' redirects may ask for (?done=code).
var dupFlashes = map[string]string{
	"merged":         "Records merged. The others now point to this record; the merge can be undone below.",
	"unmerged":       "Merge undone: the records are separate again, with their own links.",
	"group-rejected": "Marked as not the same person. These records will not be proposed together again.",
	"group-deferred": "Group deferred: it stays in the queue for later.",
}

// showDup renders a page with the duplicate pages' flash messages available.
func (s *Server) showDup(w http.ResponseWriter, r *http.Request, status int, page string, v view) {
	if v.Flash == "" {
		v.Flash = dupFlashes[r.URL.Query().Get("done")]
	}
	s.render(w, r, status, page, v)
}

// queuePage is what duplicates.html shows.
type queuePage struct {
	Groups []queueGroup
	// Cursor is the page shown (empty: the first); Next the following page, if any.
	Cursor, Next string
	Ran          *peel.DedupeSummary
}

// queueGroup is one group in the queue.
type queueGroup struct {
	ID, Score, Status string
	Members           []queueMember
}

type queueMember struct {
	ID, Label string
	Refs      []string
}

// duplicatesPage answers GET /duplicates: the groups awaiting review, a page at a time.
func (s *Server) duplicatesPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return s.renderQueue(w, r, p, r.URL.Query().Get("cursor"), nil)
}

func (s *Server) renderQueue(w http.ResponseWriter, r *http.Request, p *auth.Principal, cursor string, ran *peel.DedupeSummary) error {
	if err := p.Require(auth.PermMerge); err != nil {
		return err
	}
	gs, next, err := s.store.Duplicates(r.Context(), p, cursor, 50)
	if err != nil {
		return err
	}
	d := queuePage{Cursor: cursor, Next: next, Ran: ran}
	for _, g := range gs {
		qg := queueGroup{ID: g.ID, Score: probText(g.Score), Status: g.Status}
		for _, m := range g.Members {
			qg.Members = append(qg.Members, queueMember{ID: m.ID, Label: m.Label, Refs: refTexts(m.Refs)})
		}
		d.Groups = append(d.Groups, qg)
	}
	s.showDup(w, r, http.StatusOK, "duplicates.html", view{Title: "Possible duplicate people", Data: d})
	return nil
}

// dedupeSubmit answers POST /duplicates/run: duplicate detection over the whole store now, then
// the first page of the queue with what the run did.
func (s *Server) dedupeSubmit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := p.Require(auth.PermMerge); err != nil {
		return err
	}
	sum, err := s.store.Dedupe(r.Context(), p)
	if err != nil {
		return err
	}
	return s.renderQueue(w, r, p, "", sum)
}

// dupGroupView is what duplicate.html shows: a group's members side by side, each compared with
// the first, and the reviewer's choices.
type dupGroupView struct {
	ID, Status, Score, Note string
	Members                 []memberView
	Comparisons             []comparisonView
	// Open says the group still awaits a decision (proposed or deferred); Gone that it can no
	// longer be shown (its records were merged or deleted).
	Open, Gone bool
	// The merge form as typed, and its problems.
	Survivor, Reason, DecisionNote string
	Summary                        []summaryItem
	Message                        string
}

// memberView is one member of a group, as the comparison table shows it.
type memberView struct {
	ID, Label, Path                  string
	Name, DOB, Gender, Nationality   string
	Description, MergedInto, Updated string
	Aliases, Identifiers, Addresses  []string
	Phones, Other, Markers, Flags    []string
	Refs                             []string
}

// comparisonView is one member compared with the first.
type comparisonView struct {
	ID, Label, Probability, Score string
	Reasons                       []reasonView
}

// reasonView is one field comparison: its weight as a signed number of bits, whether it counts
// for or against the match (in words as well as colour), and a class for the colour.
type reasonView struct {
	Field, Comparison, Weight, Effect, Class string
}

// groupPage answers GET /duplicates/{id}.
func (s *Server) groupPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return s.renderGroup(w, r, p, http.StatusOK, dupGroupView{}, nil)
}

// renderGroup shows a group with the form values and problems given in gv and errs.
func (s *Server) renderGroup(w http.ResponseWriter, r *http.Request, p *auth.Principal, status int, gv dupGroupView, errs map[string]string) error {
	if err := p.Require(auth.PermMerge); err != nil {
		return err
	}
	g, err := s.store.GroupDetail(r.Context(), p, r.PathValue("id"))
	if err != nil {
		if pole.ErrorCode(err) == pole.ENotFound && gv.Message != "" {
			// A decision failed because the group's records changed meanwhile: say so, with
			// the way back to the queue.
			gv.ID, gv.Gone = r.PathValue("id"), true
			s.showDup(w, r, status, "duplicate.html", view{Title: "Possible duplicates", Data: gv})
			return nil
		}
		return err
	}
	gv.ID, gv.Status, gv.Score, gv.Note = g.ID, g.Status, probText(g.Score), g.Note
	gv.Open = g.Status == "proposed" || g.Status == "deferred"
	labels := map[string]string{}
	for _, rec := range g.Members {
		mv, err := s.memberView(r, p, rec)
		if err != nil {
			return err
		}
		labels[rec.ID] = mv.Label
		gv.Members = append(gv.Members, mv)
	}
	for _, c := range g.Comparisons {
		gv.Comparisons = append(gv.Comparisons, comparisonView{ID: c.ID, Label: labels[c.ID], Probability: probText(c.Probability),
			Score: signed(c.Score), Reasons: reasonViews(c.Reasons)})
	}
	// The error summary links to the first survivor radio button and to the reason.
	for _, f := range []struct{ name, label, href string }{{"survivor", "Record to keep", "#survivor-0"}, {"reason", "Reason", "#" + inputID("reason")}} {
		if m, ok := errs[f.name]; ok {
			gv.Summary = append(gv.Summary, summaryItem{Href: f.href, Text: f.label + ": " + m})
		}
	}
	title := "Possible duplicates"
	if len(gv.Members) > 0 {
		title = "Possible duplicates: " + gv.Members[0].Label
	}
	s.showDup(w, r, status, "duplicate.html", view{Title: title, Data: gv, Errors: errs})
	return nil
}

// memberView describes a person for the comparison table, with the addresses, telephones and
// other records it is linked to.
func (s *Server) memberView(r *http.Request, p *auth.Principal, rec *pole.Record) (memberView, error) {
	mv := memberView{ID: rec.ID, Label: rec.Label(), Path: recordPath(rec.ID), MergedInto: rec.MergedInto, Refs: refTexts(rec.Refs),
		Updated: rec.UpdatedAt.UTC().Format("2006-01-02")}
	if per, ok := rec.Body.(*pole.Person); ok {
		mv.Name = strings.TrimSpace(strings.ToUpper(per.FamilyName) + ", " + per.GivenNames)
		mv.Name = strings.Trim(mv.Name, ", ")
		mv.DOB, mv.Gender, mv.Nationality, mv.Description = per.DOB, per.Gender, per.Nationality, per.Description
		for _, a := range per.Aliases {
			mv.Aliases = append(mv.Aliases, strings.Trim(strings.TrimSpace(strings.ToUpper(a.FamilyName)+", "+a.GivenNames), ", "))
		}
		for _, id := range per.Identifiers {
			mv.Identifiers = append(mv.Identifiers, humanize(id.Type)+": "+id.Value)
		}
	}
	now := s.store.Now()
	for _, m := range pole.MarkersOf(rec.Body) {
		t := m.Code
		if m.Active(now) {
			t += " (active)"
		} else {
			t += " (expired)"
		}
		if m.Note != "" {
			t += ": " + m.Note
		}
		mv.Markers = append(mv.Markers, t)
	}
	for _, f := range rec.Flags {
		mv.Flags = append(mv.Flags, humanize(f.Field)+": "+f.Message)
	}
	links, err := s.store.LinksOf(r.Context(), p, rec.ID, nil)
	if err != nil {
		return mv, err
	}
	for _, l := range links {
		t := l.Other.Label + " (" + humanize(l.Role)
		if l.Direction == "in" {
			t = l.Other.Label + " (is " + humanize(l.Role) + " this person"
		}
		iv := pole.Interval{From: l.ValidFrom, To: l.ValidTo}
		if !iv.Contains(now) {
			t += ", not current"
		}
		t += ")"
		switch l.Other.Kind {
		case pole.KindLocation:
			mv.Addresses = append(mv.Addresses, t)
		case pole.KindTelephone:
			mv.Phones = append(mv.Phones, t)
		default:
			mv.Other = append(mv.Other, string(l.Other.Kind)+": "+t)
		}
	}
	return mv, nil
}

// groupMerge answers POST /duplicates/{id}/merge: the chosen survivor keeps its record and the
// other members the page showed (its "member" fields) are merged into it, with the reason given.
func (s *Server) groupMerge(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := p.Require(auth.PermMerge); err != nil {
		return err
	}
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	gv := dupGroupView{Survivor: strings.TrimSpace(r.PostForm.Get("survivor")), Reason: strings.TrimSpace(r.PostForm.Get("reason"))}
	// The group as it is now: its members may have been merged or deleted since the page was
	// shown, and then it can no longer be read.
	g, err := s.store.GroupDetail(r.Context(), p, r.PathValue("id"))
	if err != nil && pole.ErrorCode(err) != pole.ENotFound {
		return err
	}
	ids := uniqStrings(r.PostForm["member"])
	if len(ids) == 0 {
		if g == nil {
			return err
		}
		for _, m := range g.Members {
			ids = append(ids, m.ID)
		}
	}
	if g != nil && g.Status != "proposed" && g.Status != "deferred" {
		gv.Message = "This group was already " + g.Status + "; nothing was changed."
		return s.renderGroup(w, r, p, http.StatusConflict, gv, nil)
	}
	errs := map[string]string{}
	if !slices.Contains(ids, gv.Survivor) {
		errs["survivor"] = "Choose the record to keep: the others are merged into it."
	}
	if gv.Reason == "" {
		errs["reason"] = "Say why these records are the same person."
	}
	if len(errs) > 0 {
		return s.renderGroup(w, r, p, http.StatusUnprocessableEntity, gv, errs)
	}
	members := slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return id == gv.Survivor })
	if _, err := s.store.Merge(r.Context(), p, gv.Survivor, members, gv.Reason); err != nil {
		var pe *pole.Error
		if !errors.As(err, &pe) || statusOf(err) >= 500 {
			return err
		}
		labels := map[string]string{}
		for _, id := range ids {
			if rec, err := s.store.Get(r.Context(), p, id, peel.GetOptions{NoAudit: true}); err == nil {
				labels[id] = rec.Label()
				if rec.MergedInto != "" {
					if sv, err := s.store.Get(r.Context(), p, rec.MergedInto, peel.GetOptions{NoAudit: true}); err == nil {
						labels[sv.ID] = sv.Label()
					}
				}
			}
		}
		gv.Message = mergeProblem(pe, gv.Survivor, members, labels)
		return s.renderGroup(w, r, p, statusOf(err), gv, nil)
	}
	http.Redirect(w, r, recordPath(gv.Survivor)+"?done=merged", http.StatusSeeOther)
	return nil
}

func uniqStrings(xs []string) []string {
	var out []string
	for _, x := range xs {
		if x = strings.TrimSpace(x); x != "" && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

var memberField = regexp.MustCompile(`^members\[(\d+)\]$`)

// mergeProblem words a refused merge for the reviewer, naming records by their labels.
func mergeProblem(pe *pole.Error, survivor string, members []string, labels map[string]string) string {
	name := func(id string) string {
		if l, ok := labels[id]; ok {
			return l
		}
		return "record " + id
	}
	var parts []string
	for _, f := range pe.Fields {
		msg := f.Message
		// "was already merged into ID": name the record it went to.
		for id, l := range labels {
			msg = strings.ReplaceAll(msg, id, l)
		}
		switch m := memberField.FindStringSubmatch(f.Field); {
		case m != nil:
			i, _ := strconv.Atoi(m[1])
			if i < len(members) {
				parts = append(parts, name(members[i])+" "+msg)
				continue
			}
		case f.Field == "survivor":
			parts = append(parts, "The record to keep, "+name(survivor)+", "+msg)
			continue
		}
		parts = append(parts, upperFirst(humanize(f.Field))+": "+msg)
	}
	if len(parts) == 0 {
		return "The records could not be merged: " + pe.Message + "."
	}
	return "The records could not be merged. " + upperFirst(strings.Join(parts, "; ")) + ". Nothing was changed; check the records and the queue."
}

// groupDecision answers POST /duplicates/{id}/decision: "rejected" (not the same person, never
// proposed again) or "deferred" (decide later).
func (s *Server) groupDecision(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := p.Require(auth.PermMerge); err != nil {
		return err
	}
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	decision := r.PostForm.Get("decision")
	note := strings.TrimSpace(r.PostForm.Get("note"))
	if decision != "rejected" && decision != "deferred" {
		return pole.Invalid("bad decision", pole.FieldError{Field: "decision", Message: "must be rejected (not the same person) or deferred"})
	}
	if err := s.store.DecideGroup(r.Context(), p, r.PathValue("id"), decision, note); err != nil {
		if pole.ErrorCode(err) == pole.EConflict {
			var pe *pole.Error
			errors.As(err, &pe)
			gv := dupGroupView{DecisionNote: note, Message: upperFirst(pe.Message) + "; nothing was changed."}
			return s.renderGroup(w, r, p, http.StatusConflict, gv, nil)
		}
		return err
	}
	http.Redirect(w, r, "/duplicates?done=group-"+decision, http.StatusSeeOther)
	return nil
}

// mergeInfo is what a person's record page shows about merges: the survivor of a record merged
// away, and the merges into a survivor.
type mergeInfo struct {
	// Survivor is the record this one was merged into (nil unless merged away).
	Survivor *pole.Record
	// SurvivorID is shown when the survivor cannot be read.
	SurvivorID string
	Merges     []mergeView
	CanUndo    bool
}

// mergeView is one merge into a survivor.
type mergeView struct {
	ID, Reason, By, At string
	Members            []peel.Brief
	Undone             bool
}

// mergeInfoOf reads what the record page shows about the record's merges.
func (s *Server) mergeInfoOf(r *http.Request, p *auth.Principal, rec *pole.Record) (*mergeInfo, error) {
	if rec.Kind != pole.KindPerson {
		return nil, nil
	}
	mi := &mergeInfo{CanUndo: p.Can(auth.PermMerge)}
	if rec.MergedInto != "" {
		mi.SurvivorID = rec.MergedInto
		if sv, err := s.store.Get(r.Context(), p, rec.MergedInto, peel.GetOptions{NoAudit: true}); err == nil {
			mi.Survivor = sv
		}
	}
	ms, err := s.store.MergesOf(r.Context(), p, rec.ID)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		mi.Merges = append(mi.Merges, s.mergeView(r, p, m))
	}
	if mi.SurvivorID == "" && len(mi.Merges) == 0 {
		return nil, nil
	}
	return mi, nil
}

func (s *Server) mergeView(r *http.Request, p *auth.Principal, m peel.Merge) mergeView {
	mv := mergeView{ID: m.ID, Reason: m.Reason, By: m.By, At: m.At.UTC().Format("2006-01-02 15:04"), Undone: m.Undone}
	for _, id := range m.Members {
		b := peel.Brief{ID: id, Label: "record " + id}
		if rec, err := s.store.Get(r.Context(), p, id, peel.GetOptions{NoAudit: true}); err == nil {
			b.Label = rec.Label()
		}
		mv.Members = append(mv.Members, b)
	}
	return mv
}

// unmergeConfirm is what unmerge.html shows.
type unmergeConfirm struct {
	Rec   *pole.Record
	Path  string
	Merge mergeView
}

// ownMerge finds a merge into the record in the path, so one record's page cannot undo another's.
func (s *Server) ownMerge(r *http.Request, p *auth.Principal) (*pole.Record, *peel.Merge, error) {
	if err := p.Require(auth.PermMerge); err != nil {
		return nil, nil, err
	}
	rec, err := s.store.Get(r.Context(), p, r.PathValue("id"), peel.GetOptions{NoAudit: true})
	if err != nil {
		return nil, nil, err
	}
	ms, err := s.store.MergesOf(r.Context(), p, rec.ID)
	if err != nil {
		return nil, nil, err
	}
	for i := range ms {
		if ms[i].ID == r.PathValue("merge") {
			return rec, &ms[i], nil
		}
	}
	return nil, nil, pole.NotFound("merge", r.PathValue("merge"))
}

// unmergePage answers GET /records/{id}/merges/{merge}/undo: confirm before undoing a merge.
func (s *Server) unmergePage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	rec, m, err := s.ownMerge(r, p)
	if err != nil {
		return err
	}
	if m.Undone {
		return pole.Errorf(pole.EConflict, "this merge was already undone")
	}
	s.render(w, r, http.StatusOK, "unmerge.html", view{Title: "Undo merge into " + rec.Label(), Data: unmergeConfirm{Rec: rec, Path: recordPath(rec.ID), Merge: s.mergeView(r, p, *m)}})
	return nil
}

// unmergeSubmit answers POST /records/{id}/merges/{merge}/undo: the merge undone exactly.
func (s *Server) unmergeSubmit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	rec, m, err := s.ownMerge(r, p)
	if err != nil {
		return err
	}
	if err := s.store.Unmerge(r.Context(), p, m.ID); err != nil {
		return err
	}
	http.Redirect(w, r, recordPath(rec.ID)+"?done=unmerged", http.StatusSeeOther)
	return nil
}

// matchCheck answers POST /new/person/check: the people already held who may be the person typed
// so far, before creating it. htmx swaps the list into the form; without JavaScript the whole
// form comes back with the list and what was typed.
func (s *Server) matchCheck(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	kind, err := formKind(r)
	if err != nil {
		return err
	}
	if kind != pole.KindPerson {
		return pole.Errorf(pole.ENotFound, "only people are checked for existing records")
	}
	if err := p.Require(auth.PermWrite); err != nil {
		return err
	}
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	f := newPersonForm(kind)
	f.Checked = true
	fd := decodeForm(recordForms[kind], r.PostForm, true)
	var cands []peel.MatchCandidate
	if len(fd.Errors) == 0 {
		body, err := marshalDoc(fd.Doc)
		if err != nil {
			return err
		}
		in, perr := pole.DecodeInput(body, kind)
		if perr != nil {
			err = perr
		} else {
			cands, err = s.store.MatchPerson(r.Context(), p, in.Body.(*pole.Person))
		}
		if err != nil {
			var pe *pole.Error
			if !errors.As(err, &pe) || statusOf(err) >= 500 {
				return err
			}
			for _, fe := range pe.Fields {
				name := fd.formField(fe.Field)
				if _, dup := fd.Errors[name]; !dup {
					fd.Errors[name] = fe.Message
				}
			}
			if len(pe.Fields) == 0 {
				fd.Errors["family_name"] = upperFirst(pe.Message) + "."
			}
		}
	}
	if len(fd.Errors) > 0 {
		f.CheckMessage = "Fix the problems in the form before checking for existing records."
		if isHTMX(r) {
			var ps []string
			for name, m := range fd.Errors {
				ps = append(ps, humanize(name)+": "+m)
			}
			slices.Sort(ps)
			f.CheckMessage += " " + strings.Join(ps, "; ") + "."
			s.renderPartial(w, r, "form.html", "match-results", view{Data: &f})
			return nil
		}
		return s.renderForm(w, r, http.StatusUnprocessableEntity, &f, r.PostForm, fd.Errors, true)
	}
	f.Matches = candidateViews(cands)
	if isHTMX(r) {
		s.renderPartial(w, r, "form.html", "match-results", view{Data: &f})
		return nil
	}
	return s.renderForm(w, r, http.StatusOK, &f, r.PostForm, nil, true)
}

// candidateViews shows matcher candidates: probability, score and the three strongest reasons.
func candidateViews(cs []peel.MatchCandidate) []candidate {
	var out []candidate
	for _, c := range cs {
		out = append(out, candidate{ID: c.ID, Label: c.Label, Probability: probText(c.Probability), Score: signed(c.Score),
			Reasons: topReasons(c.Reasons, 3), Refs: refTexts(c.Refs)})
	}
	return out
}

// topReasons words the n comparisons that count most for a match, strongest first.
func topReasons(rs []match.Reason, n int) []string {
	rs = slices.Clone(rs)
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].Weight > rs[j].Weight })
	var out []string
	for _, r := range rs {
		if r.Weight <= 0 || len(out) == n {
			break
		}
		out = append(out, reasonText(r))
	}
	return out
}

// reasonText words one comparison: "family name: exact (+3.1 bits)".
func reasonText(r match.Reason) string {
	t := fieldText(r.Field) + ": " + r.Comparison
	if r.Weight != 0 {
		t += " (" + signed(r.Weight) + " bits)"
	}
	return t
}

func fieldText(f string) string {
	if f == "prior" {
		return "prior (before any evidence)"
	}
	return humanize(strings.ReplaceAll(f, ":", " "))
}

func reasonViews(rs []match.Reason) []reasonView {
	var out []reasonView
	for _, r := range rs {
		rv := reasonView{Field: fieldText(r.Field), Comparison: r.Comparison, Weight: signed(r.Weight)}
		switch {
		case r.Weight > 0.005:
			rv.Effect, rv.Class = "for", "for"
		case r.Weight < -0.005:
			rv.Effect, rv.Class = "against", "against"
		default:
			rv.Effect, rv.Class = "neutral", "neutral"
		}
		out = append(out, rv)
	}
	return out
}

// signed writes a weight with its sign and two decimals: "+3.10", "−1.25".
func signed(f float64) string {
	f = math.Round(f*100) / 100
	switch {
	case f > 0:
		return "+" + formatFloat(f, 2)
	case f < 0:
		return "−" + formatFloat(-f, 2)
	}
	return "0.00"
}

// probText writes a probability as a percentage to one decimal, never claiming certainty.
func probText(f float64) string {
	switch {
	case f >= 0.9995:
		return "over 99.9%"
	case f > 0 && f < 0.0005:
		return "under 0.1%"
	}
	return strings.TrimSuffix(formatFloat(f*100, 1), ".0") + "%"
}

func refTexts(rs []pole.Ref) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Source+": "+r.Ref)
	}
	return out
}
