package pole

import (
	"errors"
	"fmt"
)

// Code classifies an error so the edge (HTTP, CLI) can answer it in exactly one place.
type Code string

// Error codes, each mapped to one HTTP status by the web package.
const (
	ENotFound             Code = "not_found"
	EInvalid              Code = "invalid"               // well-formed but wrong content (422)
	EMalformed            Code = "malformed"             // not parseable (400)
	EConflict             Code = "conflict"              // 409
	EForbidden            Code = "forbidden"             // 403
	EUnauthorized         Code = "unauthorized"          // 401
	EPreconditionFailed   Code = "precondition_failed"   // stale If-Match (412)
	EPreconditionRequired Code = "precondition_required" // a purpose is required (428)
	ETooLarge             Code = "too_large"             // 413
)

// FieldError names one bad field, and for imports the line it is on.
type FieldError struct {
	Line    int    `json:"line,omitempty"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is Peel's error: a code, a message safe to show a user, the fields at fault and, for
// conflicts, what the conflict is with.
type Error struct {
	Code    Code
	Message string
	Fields  []FieldError
	// Detail carries extra structured content for the response, such as match candidates on a 409.
	Detail map[string]any
	Err    error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf makes an Error with a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid makes an EInvalid error listing the bad fields.
func Invalid(msg string, fields ...FieldError) *Error {
	return &Error{Code: EInvalid, Message: msg, Fields: fields}
}

// NotFound says a record (or another thing) does not exist, or is not visible to the caller.
func NotFound(what, id string) *Error {
	return &Error{Code: ENotFound, Message: fmt.Sprintf("%s %q not found", what, id)}
}

// ErrorCode returns the code of err, or "" for an unexpected error.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// IsNotFound reports whether err means "no such thing".
func IsNotFound(err error) bool { return ErrorCode(err) == ENotFound }
