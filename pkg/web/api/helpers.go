package api

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/bukti-id/bukti/pkg/bukti"
)

// maxJSONBody caps JSON request bodies.
const maxJSONBody = 64 << 10

// bindJSON decodes a JSON body strictly: unknown fields and trailing data
// are errors, so a typo in a field name is reported instead of ignored.
func bindJSON(c echo.Context, v any) error {
	dec := json.NewDecoder(io.LimitReader(c.Request().Body, maxJSONBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return bukti.E(bukti.EINVALID, "err.api.request_body_not_valid_json", err)
	}
	if dec.More() {
		return bukti.E(bukti.EINVALID, "err.api.request_body_has_more_than")
	}
	return nil
}

// optionalJSON is bindJSON for a body that may be left out: an empty body
// leaves v as it is.
func optionalJSON(c echo.Context, v any) error {
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, maxJSONBody))
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	c.Request().Body = io.NopCloser(bytes.NewReader(body))
	return bindJSON(c, v)
}

// queryInt parses an optional integer query parameter.
func queryInt(c echo.Context, name string) (int64, error) {
	v := c.QueryParam(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, bukti.E(bukti.EINVALID, "err.api.query_parameter_must_non_negative", name, v)
	}
	return n, nil
}

// list wraps a slice in an object under key, the shape of every list
// response.
func list(c echo.Context, key string, v any) error {
	return c.JSON(http.StatusOK, map[string]any{key: v})
}

// contentDisposition is a Content-Disposition header value (kind "inline"
// or "attachment") carrying any file name, UTF-8 and all (RFC 6266).
func contentDisposition(kind, name string) string {
	return kind + "; filename*=UTF-8''" + url.PathEscape(name)
}
