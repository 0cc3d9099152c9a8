// Package bukti holds the domain types of Bukti and its one error type.
//
// It imports no infrastructure: storage, database and HTTP packages speak in
// these types. Struct tags describe how the types are stored and encoded but
// carry no behaviour.
package bukti

import (
	"errors"
	"fmt"

	"github.com/bukti-id/bukti/ui/locales"
)

// Error codes. The web layer maps each to one HTTP status in one table.
const (
	EINVALID      = "invalid"                // 400
	EUNAUTHORIZED = "unauthorized"           // 401
	EFORBIDDEN    = "forbidden"              // 403
	ENOTFOUND     = "not_found"              // 404
	ECONFLICT     = "conflict"               // 409
	ETOOLARGE     = "too_large"              // 413
	EUNSUPPORTED  = "unsupported_media_type" // 415
	ETIMEOUT      = "timeout"                // 408
	ETOOMANY      = "too_many_requests"      // 429
	EINTERNAL     = "internal"               // 500
	EUNAVAILABLE  = "unavailable"            // 503: the database or blob store is down or too slow; try again
	ENOSPACE      = "insufficient_storage"   // 507: the disk or object store is full
)

// Error is an application error a user can act on. Its text is the
// message Key of the locale files (ui/locales) formatted with Args, read in
// Bahasa Indonesia first, English second and in logs.
type Error struct {
	Code string
	Key  string
	Args []any
	// Message and MessageEN are the texts of an error composed at run time
	// in both languages from what a piece of input held (the catalogue
	// importer's refusals); every other error has a Key. Key takes
	// precedence.
	Message   string
	MessageEN string
}

// E returns an *Error with the code and the message key, formatted with
// args (a locales.Key argument is translated too).
func E(code, key string, args ...any) *Error {
	return &Error{Code: code, Key: key, Args: args}
}

// Text is the error's message in lang ("id", "en").
func (e *Error) Text(lang string) string {
	switch {
	case e.Key != "":
		return locales.T(lang, e.Key, e.Args...)
	case lang == "en":
		return e.MessageEN
	default:
		return e.Message
	}
}

func (e *Error) Error() string {
	return fmt.Sprintf("bukti: %s: %s", e.Code, e.Text("en"))
}

// ErrorCode returns the code of an *Error in err's chain, EINTERNAL for any
// other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// ErrorMessage returns the user-facing messages (Bahasa Indonesia, English)
// of an *Error in err's chain, and a generic message for any other error so
// internal details never reach the user.
func ErrorMessage(err error) (id, en string) {
	var e *Error
	if !errors.As(err, &e) {
		e = E(EINTERNAL, "err.internal")
	}
	return e.Text("id"), e.Text("en")
}
