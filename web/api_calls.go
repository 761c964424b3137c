package web

import (
	"fmt"
	"mime"
	"net/http"
	"time"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
)

// importCalls answers POST /api/v1/calls/import: provider call records as CSV, all or nothing.
func (s *Server) importCalls(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := p.Require(auth.PermImport); err != nil {
		return err
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "text/csv" && mt != "text/plain" && mt != "application/csv") {
			return pole.Errorf(pole.EMalformed, "call records are CSV: send Content-Type text/csv, not %q", ct)
		}
	}
	sum, err := s.store.ImportCallsCSV(r.Context(), p, http.MaxBytesReader(w, r.Body, s.cfg.MaxImportBytes), peel.ImportOptions{})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sum)
	return nil
}

// topContacts answers GET /api/v1/telephones/{id}/top-contacts.
func (s *Server) topContacts(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	q, err := s.query(r, "P28D")
	if err != nil {
		return err
	}
	limit, err := queryInt(r, "limit", 20)
	if err != nil {
		return err
	}
	cs, err := s.store.TopContacts(r.Context(), p, r.PathValue("id"), q, limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, contactsAnswer{Contacts: cs})
	return nil
}

type commonRequest struct {
	Telephones []string     `json:"telephones"`
	Within     string       `json:"within,omitempty"`
	AsOf       *pole.Moment `json:"as_of,omitempty"`
	Min        int          `json:"min,omitempty"`
}

type commonAnswer struct {
	Common []peel.CommonContact `json:"common"`
}

// commonContacts answers POST /api/v1/calls/common.
func (s *Server) commonContacts(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in commonRequest
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	if in.Within == "" {
		in.Within = "P28D"
	}
	per, err := pole.ParsePeriod(in.Within)
	if err != nil {
		return pole.Invalid("bad within", pole.FieldError{Field: "within", Message: err.Error()})
	}
	q := peel.Query{AsOf: s.store.Now(), Within: per}
	if in.AsOf != nil {
		q.AsOf = in.AsOf.T
	}
	cs, err := s.store.CommonContacts(r.Context(), p, in.Telephones, q, in.Min)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, commonAnswer{Common: cs})
	return nil
}

type chainsAnswer struct {
	Chains []peel.CallChain `json:"chains"`
}

// callChains answers GET /api/v1/telephones/{id}/chains?within=&depth=3&gap=PT24H.
func (s *Server) callChains(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	q, err := s.query(r, "P7D")
	if err != nil {
		return err
	}
	depth, err := queryInt(r, "depth", 3)
	if err != nil {
		return err
	}
	gapText := r.URL.Query().Get("gap")
	if gapText == "" {
		gapText = "PT24H"
	}
	gp, err := pole.ParsePeriod(gapText)
	if err != nil || gp.Months != 0 {
		return pole.Invalid("bad gap", pole.FieldError{Field: "gap", Message: fmt.Sprintf("%q must be an ISO 8601 duration in days, hours or minutes", gapText)})
	}
	limit, err := queryInt(r, "limit", 100)
	if err != nil {
		return err
	}
	chains, err := s.store.CallChains(r.Context(), p, r.PathValue("id"), q, depth, time.Duration(gp.Exact), limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, chainsAnswer{Chains: chains})
	return nil
}

// callOperations are communications data: bulk import and analysis.
func (s *Server) callOperations() []op {
	return []op{
		{Method: "POST", Path: "/api/v1/calls/import", Handler: s.importCalls, Access: writes, Tag: "analysis",
			Summary: "Import call records as a provider sends them (CSV with a header row), all or nothing", In: csvBody, Out: typeSchema[peel.ImportSummary]()},
		{Method: "GET", Path: "/api/v1/telephones/{id}/top-contacts", Handler: s.topContacts, Access: reads, Tag: "analysis",
			Summary: "Numbers in contact with this telephone either way in the window, most first", Out: typeSchema[contactsAnswer](),
			Params: []param{pathID, withinParam, asOfParam, limitParam}},
		{Method: "POST", Path: "/api/v1/calls/common", Handler: s.commonContacts, Access: reads, Tag: "analysis",
			Summary: "Numbers in contact with at least min (default 2) of the given telephones in the window", In: typeSchema[commonRequest](), Out: typeSchema[commonAnswer]()},
		{Method: "GET", Path: "/api/v1/telephones/{id}/chains", Handler: s.callChains, Access: reads, Tag: "analysis",
			Summary: "Call chains from this telephone: each call made by the number the previous call reached, within gap", Out: typeSchema[chainsAnswer](),
			Params: []param{pathID, withinParam, asOfParam, {"depth", "query", "integer", "calls per chain (2-5, default 3)"}, {"gap", "query", "string", "the longest wait between calls (default PT24H)"}, limitParam}},
	}
}
