package web

import (
	"fmt"
	"mime"
	"net/http"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
)

// importNDJSON answers POST /api/v1/import?source=S, streaming the body.
func (s *Server) importNDJSON(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := p.Require(auth.PermImport); err != nil {
		return err
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/x-ndjson" && mt != "application/ndjson" && mt != "text/plain") {
			return pole.Errorf(pole.EMalformed, "an import body is NDJSON: send Content-Type application/x-ndjson, application/ndjson or text/plain, not %q", ct)
		}
	}
	source := r.URL.Query().Get("source")
	if source == "" {
		source = "import"
	}
	if len(source) > 100 {
		return pole.Invalid("source too long", pole.FieldError{Field: "source", Message: "at most 100 characters"})
	}
	body := http.MaxBytesReader(w, r.Body, s.cfg.MaxImportBytes)
	sum, err := s.store.Import(r.Context(), p, source, body, peel.ImportOptions{})
	if err != nil {
		if statusOf(err) == http.StatusRequestEntityTooLarge {
			return &pole.Error{Code: pole.ETooLarge, Message: fmt.Sprintf("the import body is larger than %d bytes; nothing was imported", s.cfg.MaxImportBytes)}
		}
		return err
	}
	writeJSON(w, http.StatusOK, sum)
	return nil
}

// exportNDJSON answers GET /api/v1/export.
func (s *Server) exportNDJSON(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := p.Require(auth.PermExport); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.Header().Set("Content-Disposition", `attachment; filename="peel-export.ndjson"`)
	if err := s.store.Export(r.Context(), p, w); err != nil {
		// Headers are gone; the client sees a truncated body and the error is logged.
		s.log.Error("export failed", "err", err)
	}
	return nil
}
