package core

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/bukti-id/bukti/pkg/auth"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/storage"
)

// statusOf maps every error code to its one HTTP status.
var statusOf = map[string]int{
	bukti.EINVALID:      http.StatusBadRequest,
	bukti.EUNAUTHORIZED: http.StatusUnauthorized,
	bukti.EFORBIDDEN:    http.StatusForbidden,
	bukti.ENOTFOUND:     http.StatusNotFound,
	bukti.ECONFLICT:     http.StatusConflict,
	bukti.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	bukti.EUNSUPPORTED:  http.StatusUnsupportedMediaType,
	bukti.ETIMEOUT:      http.StatusRequestTimeout,
	bukti.ETOOMANY:      http.StatusTooManyRequests,
	bukti.EINTERNAL:     http.StatusInternalServerError,
	bukti.EUNAVAILABLE:  http.StatusServiceUnavailable,
	bukti.ENOSPACE:      http.StatusInsufficientStorage,
}

// RetryUnavailable is what a 503 tells the client to wait (Retry-After)
// before trying again.
const RetryUnavailable = 30 * time.Second

// ErrShuttingDown is the cause with which the server cancels the requests
// still running when its shutdown grace period is over (see
// cmd/bukti serve): they are answered 503, as an outage.
var ErrShuttingDown = errors.New("web: the server is shutting down")

// outage turns the failures that storage and sqlstore classify at their
// source (a store down or full) into the errors users read, unless err
// already is an application error; and any error of a request the server
// canceled to shut down into a 503.
func outage(c echo.Context, err error) error {
	retry := int(RetryUnavailable / time.Second)
	if errors.Is(context.Cause(c.Request().Context()), ErrShuttingDown) {
		return fmt.Errorf("%w: %w", bukti.E(bukti.EUNAVAILABLE, "err.unavailable.shutdown", retry), err)
	}
	if bukti.ErrorCode(err) != bukti.EINTERNAL {
		return err
	}
	switch {
	case errors.Is(err, storage.ErrNoSpace), errors.Is(err, sqlstore.ErrNoSpace):
		return fmt.Errorf("%w: %w", bukti.E(bukti.ENOSPACE, "err.no_space"), err)
	case errors.Is(err, storage.ErrUnavailable):
		return fmt.Errorf("%w: %w", bukti.E(bukti.EUNAVAILABLE, "err.unavailable.blobs", retry), err)
	case errors.Is(err, sqlstore.ErrUnavailable):
		return fmt.Errorf("%w: %w", bukti.E(bukti.EUNAVAILABLE, "err.unavailable.database", retry), err)
	}
	return err
}

// StatusOf is the HTTP status of an error code (bukti.ErrorCode).
func StatusOf(code string) int { return statusOf[code] }

// codeOf maps the statuses echo itself produces (unknown route, wrong
// method, …) back to an error code.
var codeOf = map[int]string{
	http.StatusNotFound:              bukti.ENOTFOUND,
	http.StatusMethodNotAllowed:      bukti.EINVALID,
	http.StatusRequestEntityTooLarge: bukti.ETOOLARGE,
	http.StatusUnsupportedMediaType:  bukti.EUNSUPPORTED,
	http.StatusUnauthorized:          bukti.EUNAUTHORIZED,
	http.StatusBadRequest:            bukti.EINVALID,
}

// errorBody is the JSON shape of every error response.
type errorBody struct {
	Error struct {
		Code      string `json:"code"`
		Message   string `json:"message"`    // Bahasa Indonesia
		MessageEN string `json:"message_en"` // English
	} `json:"error"`
}

// answeredKey marks a request whose error was answered already (see
// bodyDeadline).
const answeredKey = "bukti.answered"

// handleError answers err with its status: as the error page for a page
// request (isPage), as JSON otherwise. Internal errors are
// logged with their details and answered with a generic message; outages
// (503, with Retry-After) and a full store (507) are logged as warnings.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		if c.Get(answeredKey) == nil {
			s.log.Warn("error after response started", "path", c.Path(), "err", err)
		}
		return
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		if code, ok := codeOf[he.Code]; ok && !errors.As(err, new(*bukti.Error)) {
			err = echoError(code, he.Code)
		}
	}
	err = outage(c, err)
	code := bukti.ErrorCode(err)
	status := statusOf[code]
	SetRetryAfter(c, err)
	switch code {
	case bukti.EINTERNAL:
		s.log.Error("request failed", "method", c.Request().Method, "path", c.Path(), "request_id", requestID(c), "err", err)
	case bukti.EUNAVAILABLE, bukti.ENOSPACE:
		s.log.Warn("request failed: "+code, "method", c.Request().Method, "path", c.Path(), "request_id", requestID(c), "err", err)
	}
	if isPage(c) && c.Request().Method != http.MethodHead {
		s.errorPage(c, status, err)
		return
	}
	var body errorBody
	body.Error.Code = code
	body.Error.Message, body.Error.MessageEN = bukti.ErrorMessage(err)
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	if err := c.JSON(status, body); err != nil {
		s.log.Warn("write error response", "err", err)
	}
}

// setRetryAfter tells a throttled client, and every client of a 503, how
// many seconds to wait.
func SetRetryAfter(c echo.Context, err error) {
	if wait, ok := auth.RetryAfter(err); ok {
		c.Response().Header().Set(echo.HeaderRetryAfter, strconv.Itoa(int(wait/time.Second)))
	} else if bukti.ErrorCode(err) == bukti.EUNAVAILABLE {
		c.Response().Header().Set(echo.HeaderRetryAfter, strconv.Itoa(int(RetryUnavailable/time.Second)))
	}
}

func echoError(code string, status int) error {
	switch status {
	case http.StatusNotFound:
		return bukti.E(code, "err.core.no_such_route")
	case http.StatusMethodNotAllowed:
		return bukti.E(code, "err.core.method_not_allowed_for_this")
	case http.StatusRequestEntityTooLarge:
		return bukti.E(code, "err.core.request_body_too_large")
	default:
		return bukti.E(code, "err.core.bad_request")
	}
}

// FormAgainKey is the request context key (c.Set) of a FormAgain: how a
// page handler shows its refused form again.
const FormAgainKey = "form_again"

// FormAgain renders a refused form's page again with status, the error
// (its message, and its key to place it at its field) next to the form
// and what the user typed kept, instead of the error page: a page handler
// registers one (c.Set(FormAgainKey, …)) and returns its error as usual,
// which is logged and counted as any other. errorPage calls it for every
// 4xx but 401 (sent to the login page): a handler registers it once the
// page the form belongs to is known to exist and be readable, so a 404 or
// 403 then concerns what the form named (an item gone meanwhile, an action
// the role lacks). It reports false when it has no page to show (a form
// too broken to name its page); then, or when it fails, the error page is
// shown.
type FormAgain func(status int, cause error) (shown bool, err error)

// errorPage renders an error as HTML. Unauthenticated page requests are
// sent to the login page instead.
func (s *Server) errorPage(c echo.Context, status int, err error) {
	if status == http.StatusUnauthorized {
		_ = Redirect(c, "/login?next="+url.QueryEscape(c.Request().URL.RequestURI()))
		return
	}
	if again, ok := c.Get(FormAgainKey).(FormAgain); ok && status >= 400 && status < 500 {
		shown, rerr := again(status, err)
		if rerr != nil {
			s.log.Error("render the refused form again", "err", rerr)
		} else if shown {
			return
		}
	}
	heading := map[int]string{400: "error.invalid", 403: "error.forbidden", 404: "error.not_found", 409: "error.conflict",
		408: "error.timeout", 413: "error.too_large", 415: "error.unsupported", 429: "error.too_many", 500: "error.internal",
		503: "error.unavailable", 507: "error.no_space"}[status]
	if heading == "" {
		heading = "error.internal"
	}
	data := struct{ Heading, Message string }{s.Tr(c, heading), Message(c, err)}
	if rerr := s.Render(c, status, "error", data.Heading, data); rerr != nil {
		s.log.Error("render error page", "err", rerr)
	}
}

// isPage reports whether a request is for an HTML page rather than the API.
func isPage(c echo.Context) bool {
	p := c.Request().URL.Path
	return !strings.HasPrefix(p, "/api/") && p != "/healthz" && p != "/readyz" && !strings.HasPrefix(p, "/static/")
}
