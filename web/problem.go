package web

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/peel-rms/peel/pole"
)

// statusOf maps an error code to its HTTP status: the one place this is decided.
func statusOf(err error) int {
	switch pole.ErrorCode(err) {
	case pole.ENotFound:
		return http.StatusNotFound
	case pole.EInvalid:
		return http.StatusUnprocessableEntity
	case pole.EMalformed:
		return http.StatusBadRequest
	case pole.EConflict:
		return http.StatusConflict
	case pole.EForbidden:
		return http.StatusForbidden
	case pole.EUnauthorized:
		return http.StatusUnauthorized
	case pole.EPreconditionFailed:
		return http.StatusPreconditionFailed
	case pole.EPreconditionRequired:
		return http.StatusPreconditionRequired
	case pole.ETooLarge:
		return http.StatusRequestEntityTooLarge
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// Problem is an RFC 9457 problem document.
type Problem struct {
	Type   string            `json:"type"`
	Title  string            `json:"title"`
	Status int               `json:"status"`
	Detail string            `json:"detail"`
	Errors []pole.FieldError `json:"errors,omitempty"`
	// Candidates lists possible duplicates when a create is refused as one (409).
	Candidates any `json:"candidates,omitempty"`
}

// problem writes err as application/problem+json. Unexpected errors are logged and answered with
// a generic message, never their internals.
func (s *Server) problem(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	p := Problem{Type: "about:blank", Title: http.StatusText(status), Status: status}
	var pe *pole.Error
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &pe):
		p.Detail = pe.Message
		p.Errors = pe.Fields
		if c, ok := pe.Detail["candidates"]; ok {
			p.Candidates = c
		}
	case errors.As(err, &mbe):
		p.Detail = "the request body is larger than the server accepts"
	default:
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		p.Detail = "an internal error occurred; it has been logged"
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="peel"`)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(p)
}

// writeJSON writes v as JSON with the status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}
