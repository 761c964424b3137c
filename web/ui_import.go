package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
)

// importData is what import.html shows.
type importData struct {
	Source  string
	Summary *peel.ImportSummary
	Kinds   []string
	Message string
	Errors  []pole.FieldError
}

// importPage answers GET /import: upload an interchange file; download an export.
func (s *Server) importPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermImport) && !p.Can(auth.PermExport) {
		return p.Require(auth.PermImport)
	}
	s.render(w, r, http.StatusOK, "import.html", view{Title: "Import and export", Data: importData{Source: "import"}})
	return nil
}

// importSubmit answers POST /import (multipart): the file is streamed into the store's import,
// all or nothing, without being held in memory.
func (s *Server) importSubmit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := p.Require(auth.PermImport); err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxImportBytes)
	mr, err := r.MultipartReader()
	if err != nil {
		return pole.Errorf(pole.EMalformed, "the upload could not be read: send the form with a file")
	}
	d := importData{Source: "import"}
	var sum *peel.ImportSummary
	var importErr error
	sawFile := false
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			if statusOf(err) == http.StatusRequestEntityTooLarge {
				return &pole.Error{Code: pole.ETooLarge, Message: fmt.Sprintf("the file is larger than %d bytes; nothing was imported", s.cfg.MaxImportBytes)}
			}
			return pole.Errorf(pole.EMalformed, "the upload could not be read")
		}
		switch part.FormName() {
		case "source":
			b, _ := io.ReadAll(io.LimitReader(part, 200))
			if v := strings.TrimSpace(string(b)); v != "" {
				d.Source = v
			}
		case "file":
			if sawFile {
				continue
			}
			sawFile = true
			if part.FileName() == "" {
				continue
			}
			if len(d.Source) > 100 {
				d.Message = "The source name is too long (at most 100 characters)."
				continue
			}
			sum, importErr = s.store.Import(r.Context(), p, d.Source, part, peel.ImportOptions{})
		}
		part.Close()
	}
	switch {
	case d.Message != "":
	case !sawFile || (sum == nil && importErr == nil):
		d.Message = "Choose a file to import."
	case importErr != nil:
		var pe *pole.Error
		if !errors.As(importErr, &pe) || statusOf(importErr) >= 500 {
			return importErr
		}
		d.Message = "Nothing was imported: " + pe.Message + "."
		d.Errors = pe.Fields
	default:
		d.Summary = sum
		for k := range sum.Created {
			d.Kinds = append(d.Kinds, k)
		}
		for k := range sum.Updated {
			if !slices.Contains(d.Kinds, k) {
				d.Kinds = append(d.Kinds, k)
			}
		}
		slices.Sort(d.Kinds)
	}
	status := http.StatusOK
	if d.Summary == nil {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, "import.html", view{Title: "Import and export", Data: d})
	return nil
}
