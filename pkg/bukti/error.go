// Package bukti holds the domain types of Bukti and its one error type.
//
// It imports no infrastructure: storage, database and HTTP packages speak in
// these types. Struct tags describe how the types are stored and encoded but
// carry no behaviour.
package bukti

import (
	"errors"
	"fmt"
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
)

// Error is an application error a user can act on. Message is in Bahasa
// Indonesia (what the user reads first); MessageEN is its English version,
// also used in logs.
type Error struct {
	Code      string
	Message   string
	MessageEN string
}

func (e *Error) Error() string {
	return fmt.Sprintf("bukti: %s: %s", e.Code, e.MessageEN)
}

// Errorf returns an *Error with the code, the Bahasa Indonesia message id and
// the English message en. Both messages are formatted with the same args.
func Errorf(code, id, en string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(id, args...), MessageEN: fmt.Sprintf(en, args...)}
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
	if errors.As(err, &e) {
		return e.Message, e.MessageEN
	}
	return "Terjadi kesalahan pada server. Coba lagi sebentar lagi; bila berulang, hubungi admin.",
		"Internal error. Try again shortly; if it persists, contact the administrator."
}
