package web

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/peel-rms/peel/pole"
)

// readBody reads a JSON request body up to the configured limit.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && mt != "application/merge-patch+json" && !strings.HasSuffix(mt, "+json")) {
			return nil, pole.Errorf(pole.EMalformed, "the body must be JSON (Content-Type application/json), not %q", ct)
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, &pole.Error{Code: pole.ETooLarge, Message: "the request body is larger than " + strconv.FormatInt(s.cfg.MaxBodyBytes, 10) + " bytes"}
		}
		return nil, pole.Errorf(pole.EMalformed, "could not read the request body")
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return nil, pole.Errorf(pole.EMalformed, "the request body is empty; send a JSON object")
	}
	return body, nil
}

// decode reads a JSON body strictly into v.
func (s *Server) decode(w http.ResponseWriter, r *http.Request, v any) error {
	body, err := s.readBody(w, r)
	if err != nil {
		return err
	}
	if perr := pole.DecodeStrict(body, v); perr != nil {
		return perr
	}
	return nil
}

// ifMatch reads If-Match: a version number, optionally quoted ("3", W/"3"). 0 means absent.
func ifMatch(r *http.Request) (int, error) {
	v := strings.TrimSpace(r.Header.Get("If-Match"))
	if v == "" || v == "*" {
		return 0, nil
	}
	v = strings.Trim(strings.TrimPrefix(v, "W/"), `"`)
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, pole.Invalid("bad If-Match", pole.FieldError{Field: "If-Match", Message: "must be the record's version number"})
	}
	return n, nil
}

// queryTime reads an RFC 3339 time (or a date) from the query string; nil when absent.
func queryTime(r *http.Request, name string) (*time.Time, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return nil, nil
	}
	m, err := pole.ParseMoment(v)
	if err != nil {
		return nil, pole.Invalid("bad "+name, pole.FieldError{Field: name, Message: err.Error()})
	}
	return &m.T, nil
}

// queryInt reads a non-negative integer parameter.
func queryInt(r *http.Request, name string, def int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, pole.Invalid("bad "+name, pole.FieldError{Field: name, Message: "must be a non-negative integer"})
	}
	return n, nil
}

// queryBool reads true/false.
func queryBool(r *http.Request, name string) (bool, error) {
	switch v := r.URL.Query().Get(name); v {
	case "", "false", "0":
		return false, nil
	case "true", "1":
		return true, nil
	default:
		return false, pole.Invalid("bad "+name, pole.FieldError{Field: name, Message: "must be true or false"})
	}
}

// list is the shape of every paged list.
type list[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

func newList[T any](items []T, next string) list[T] {
	if items == nil {
		items = []T{}
	}
	l := list[T]{Items: items}
	if next != "" {
		l.NextCursor = &next
	}
	return l
}
