package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/audit"
	"github.com/peel-rms/peel/auth"
)

// auditData is what audit.html shows.
type auditData struct {
	// Record is set on a record's own audit page.
	Record  string
	Label   string
	Path    string
	User    string
	Action  string
	Actions []option
	Entries []audit.Entry
	// Older is the link to the next page of older entries, if there may be one.
	Older  string
	Verify *verifyResult
}

// verifyResult is the outcome of checking the hash chain.
type verifyResult struct {
	OK      bool
	Entries int64
	Error   string
}

// auditActions are the actions the filter offers.
var auditActions = []string{audit.ActionView, audit.ActionSearch, audit.ActionQuery, audit.ActionCreate, audit.ActionUpdate, audit.ActionDelete,
	audit.ActionLink, audit.ActionUnlink, audit.ActionMerge, audit.ActionUnmerge, audit.ActionImport, audit.ActionExport,
	audit.ActionLogin, audit.ActionLoginFailed, audit.ActionLogout, audit.ActionAdmin}

const auditPageSize = 100

// recordAuditPage answers GET /records/{id}/audit: who viewed or changed the record, when and
// why. Supervisors only (audit permission).
func (s *Server) recordAuditPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := p.Require(auth.PermAudit); err != nil {
		return err
	}
	id := r.PathValue("id")
	// The heading names the record; reading its label is not itself a consultation to log.
	rec, err := s.store.Get(r.Context(), p, id, peel.GetOptions{NoAudit: true})
	if err != nil {
		return err
	}
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	es, err := s.store.Audit(r.Context(), p, peel.AuditFilter{Record: id, Before: before, Limit: auditPageSize})
	if err != nil {
		return err
	}
	d := auditData{Record: id, Label: rec.Label(), Path: recordPath(id), Entries: es}
	if len(es) == auditPageSize {
		d.Older = recordPath(id) + "/audit?before=" + strconv.FormatInt(es[len(es)-1].Seq, 10)
	}
	s.render(w, r, http.StatusOK, "audit.html", view{Title: "Who viewed or changed " + rec.Label(), Data: d})
	return nil
}

// auditPage answers GET /audit: the force-wide log, filtered by user and action.
func (s *Server) auditPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return s.renderAudit(w, r, p, nil)
}

func (s *Server) renderAudit(w http.ResponseWriter, r *http.Request, p *auth.Principal, vr *verifyResult) error {
	if err := p.Require(auth.PermAudit); err != nil {
		return err
	}
	q := r.URL.Query()
	d := auditData{User: strings.TrimSpace(q.Get("user")), Action: q.Get("action"), Verify: vr}
	for _, a := range auditActions {
		d.Actions = append(d.Actions, option{Value: a, Label: humanize(a), Selected: a == d.Action})
	}
	before, _ := strconv.ParseInt(q.Get("before"), 10, 64)
	es, err := s.store.Audit(r.Context(), p, peel.AuditFilter{User: d.User, Action: d.Action, Before: before, Limit: auditPageSize})
	if err != nil {
		return err
	}
	d.Entries = es
	if len(es) == auditPageSize {
		nq := q
		nq.Set("before", strconv.FormatInt(es[len(es)-1].Seq, 10))
		d.Older = "/audit?" + nq.Encode()
	}
	s.render(w, r, http.StatusOK, "audit.html", view{Title: "Audit log", Data: d})
	return nil
}

// auditVerify answers POST /audit/verify: check the whole hash chain and show the outcome.
func (s *Server) auditVerify(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := p.Require(auth.PermAudit); err != nil {
		return err
	}
	n, err := s.store.VerifyAudit(r.Context())
	vr := &verifyResult{OK: err == nil, Entries: n}
	if err != nil {
		vr.Error = err.Error()
	}
	return s.renderAudit(w, r, p, vr)
}
