package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/pkg/integrity"
	"github.com/bukti-id/bukti/pkg/web/core"
	"github.com/bukti-id/bukti/storage"
)

// adminIntegrity answers GET /api/v1/admin/integrity, for admins only: the
// last bukti fsck run, where the scrub stands (progress, last pass, rate)
// and the unresolved damage with the evidence it affects, by facility.
func (s *handlers) adminIntegrity(c echo.Context) error {
	if err := core.Principal(c).RequireAdmin(); err != nil {
		return err
	}
	st, err := s.Integrity.Status(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, st)
}

// recordDownloadDamage records that a download found the stored file of
// rev damaged: missing (open failed with storage.ErrNotFound), or bytes
// not matching the record (evidence.ErrContentMismatch). Other errors are
// not damage and are not recorded. The record is written even when the
// client has gone, within a few seconds.
func (s *handlers) recordDownloadDamage(ctx context.Context, rev *bukti.Revision, err error) {
	p := integrity.Problem{SHA256: rev.SHA256, Recorded: rev.Size, Detail: err.Error()}
	var mm *evidence.MismatchError
	switch {
	case errors.As(err, &mm) && mm.Read != mm.Size:
		p.Kind, p.Size = integrity.WrongSize, mm.Read
	case errors.As(err, &mm):
		p.Kind, p.Size = integrity.Corrupt, mm.Read
	case errors.Is(err, storage.ErrNotFound):
		p.Kind = integrity.Missing
	default:
		return
	}
	p.Key, _ = storage.Key(rev.SHA256)
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if rerr := s.Integrity.RecordDamage(rctx, p, integrity.SourceDownload); rerr != nil {
		s.Log.Error("record a damaged evidence file found by a download", "sha256", rev.SHA256, "kind", p.Kind, "err", rerr)
		return
	}
	s.Log.Error("a download found an evidence file damaged: recorded; the facility must upload it again",
		"sha256", rev.SHA256, "kind", p.Kind, "evidence", rev.EvidenceID, "revision", rev.Number)
}
