package core

import (
	"context"
	"errors"
	"fmt"

	"github.com/labstack/echo/v4"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/storage"
)

// refuseWhenFull refuses an upload before its body is read when the
// filesystem blob store has less free space than its minimum
// (BUKTI_MIN_FREE_BYTES, the check /readyz makes): 507 with the message
// of a full store, nothing staged or recorded; the body guard answers,
// then drains the body, so the client reads the status. Other failures
// of the check are left to the upload itself, and the S3 store is not
// asked (it would cost a request per upload; S3 reports a full store when
// written to).
func (s *Server) refuseWhenFull(c echo.Context) error {
	if storage.Backend(s.Evidence.Blobs) != "filesystem" {
		return nil
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), ReadyTimeout)
	defer cancel()
	if err := storage.Check(ctx, s.Evidence.Blobs); errors.Is(err, storage.ErrNoSpace) {
		return fmt.Errorf("%w: %w", bukti.E(bukti.ENOSPACE, "err.no_space"), err)
	}
	return nil
}
