package web

import (
	"net/http"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
)

type matchAnswer struct {
	Candidates []peel.MatchCandidate `json:"candidates"`
}

// matchPerson answers POST /api/v1/persons/match: the people already held who may be this person.
func (s *Server) matchPerson(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	body, err := s.readBody(w, r)
	if err != nil {
		return err
	}
	in, perr := pole.DecodeInput(body, pole.KindPerson)
	if perr != nil {
		return perr
	}
	cs, err := s.store.MatchPerson(r.Context(), p, in.Body.(*pole.Person))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, matchAnswer{Candidates: cs})
	return nil
}

type clusterMember struct {
	ID    string     `json:"id"`
	Refs  []pole.Ref `json:"refs"`
	Label string     `json:"label,omitempty"`
}

type cluster struct {
	ID      string          `json:"id"`
	Members []clusterMember `json:"members"`
	Score   float64         `json:"score"`
	Status  string          `json:"status"`
}

type duplicatesAnswer struct {
	Clusters   []cluster `json:"clusters"`
	NextCursor *string   `json:"next_cursor"`
}

// duplicates answers GET /api/v1/duplicates?kind=person: the groups awaiting review.
func (s *Server) duplicates(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if k := r.URL.Query().Get("kind"); k != "" && k != "person" {
		return pole.Invalid("bad kind", pole.FieldError{Field: "kind", Message: "duplicates are reviewed for person; other kinds are kept unique by exact keys"})
	}
	limit, err := queryInt(r, "limit", 50)
	if err != nil {
		return err
	}
	gs, next, err := s.store.Duplicates(r.Context(), p, r.URL.Query().Get("cursor"), limit)
	if err != nil {
		return err
	}
	out := duplicatesAnswer{Clusters: []cluster{}}
	for _, g := range gs {
		c := cluster{ID: g.ID, Score: g.Score, Status: g.Status}
		for _, m := range g.Members {
			c.Members = append(c.Members, clusterMember{ID: m.ID, Refs: m.Refs, Label: m.Label})
		}
		out.Clusters = append(out.Clusters, c)
	}
	if next != "" {
		out.NextCursor = &next
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type decision struct {
	Decision string `json:"decision"`
	Note     string `json:"note,omitempty"`
}

// groupDetail answers GET /api/v1/duplicates/{id}: a group for review, members compared.
func (s *Server) groupDetail(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	g, err := s.store.GroupDetail(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, g)
	return nil
}

// decideGroup answers POST /api/v1/duplicates/{id}/decision: reject ("not the same person",
// remembered) or defer a group.
func (s *Server) decideGroup(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in decision
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	if err := s.store.DecideGroup(r.Context(), p, r.PathValue("id"), in.Decision, in.Note); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, in)
	return nil
}

type mergeRequest struct {
	Survivor string   `json:"survivor"`
	Members  []string `json:"members"`
	Reason   string   `json:"reason"`
}

// merge answers POST /api/v1/merges.
func (s *Server) merge(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in mergeRequest
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	if in.Survivor == "" {
		return pole.Invalid("survivor is required", pole.FieldError{Field: "survivor", Message: "is required"})
	}
	m, err := s.store.Merge(r.Context(), p, in.Survivor, in.Members, in.Reason)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/merges/"+m.ID)
	writeJSON(w, http.StatusCreated, m)
	return nil
}

// unmerge answers DELETE /api/v1/merges/{id}: the merge undone exactly.
func (s *Server) unmerge(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := s.store.Unmerge(r.Context(), p, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// runDedupe answers POST /api/v1/dedupe: find duplicate groups across the whole store now.
func (s *Server) runDedupe(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	sum, err := s.store.Dedupe(r.Context(), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sum)
	return nil
}

// duplicateOperations are matching, the review queue and merges.
func (s *Server) duplicateOperations() []op {
	return []op{
		{Method: "POST", Path: "/api/v1/persons/match", Handler: s.matchPerson, Access: reads, Tag: "duplicates",
			Summary: "People already held who may be this person, best first, with per-field reasons and a match probability",
			In:      schemaRef("PersonInput"), Out: typeSchema[matchAnswer]()},
		{Method: "GET", Path: "/api/v1/duplicates", Handler: s.duplicates, Access: reads, Tag: "duplicates",
			Summary: "Groups of people proposed as one person, awaiting review (a partition)", Out: typeSchema[duplicatesAnswer](),
			Params: []param{{"kind", "query", "string", "person"}, cursorParam, limitParam}},
		{Method: "GET", Path: "/api/v1/duplicates/{id}", Handler: s.groupDetail, Access: reads, Tag: "duplicates",
			Summary: "A group for review: its members in full, each compared with the first field by field", Out: typeSchema[peel.GroupDetail](), Params: []param{pathID}},
		{Method: "POST", Path: "/api/v1/duplicates/{id}/decision", Handler: s.decideGroup, Access: writes, Tag: "duplicates",
			Summary: "Reject (not the same person; never proposed again) or defer a group", In: typeSchema[decision](), Out: typeSchema[decision](), Params: []param{pathID}},
		{Method: "POST", Path: "/api/v1/dedupe", Handler: s.runDedupe, Access: writes, Tag: "duplicates",
			Summary: "Find duplicate people across the store now, replacing the proposed groups", Out: typeSchema[peel.DedupeSummary]()},
		{Method: "POST", Path: "/api/v1/merges", Handler: s.merge, Access: writes, Tag: "duplicates",
			Summary: "Merge people into a survivor (the others keep their records and gain merged_into)", In: typeSchema[mergeRequest](), Out: typeSchema[peel.Merge](), Status: 201},
		{Method: "DELETE", Path: "/api/v1/merges/{id}", Handler: s.unmerge, Access: writes, Tag: "duplicates",
			Summary: "Undo a merge exactly", Status: 204, Params: []param{pathID}},
	}
}
