package api

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/bukti-id/bukti/pkg/authz"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/thumbs"
	"github.com/bukti-id/bukti/storage"
)

// thumbnailCache is the Cache-Control of a thumbnail: its URL names the
// content it shows (the file's SHA-256), so it never changes and the
// browser keeps it; "private" keeps it out of shared caches, as a
// thumbnail shows a confidential document.
const thumbnailCache = "private, max-age=31536000, immutable"

// evidenceThumbnail (core.ThumbnailURL) serves the thumbnail, a JPEG, of
// the revision of evidence :id whose content has SHA-256 :sha256, to
// whoever may read the evidence. It is not found while it is being made
// (the file is then queued) or when none is made of the file; the pages
// show a file-type icon then.
func (s *handlers) evidenceThumbnail(c echo.Context) error {
	ev, err := s.EvidenceFor(c, authz.ReadFacility)
	if err != nil {
		return err
	}
	sum := c.Param("sha256")
	var f *thumbs.File
	for _, r := range ev.Revisions {
		if r.SHA256 == sum {
			f = &thumbs.File{SHA256: r.SHA256, Size: r.Size, ContentType: r.ContentType}
		}
	}
	if f == nil {
		return bukti.E(bukti.ENOTFOUND, "err.api.thumbnail_revision_not_found", ev.ID, sum)
	}
	ctx := c.Request().Context()
	state := thumbs.None
	if s.Thumbs != nil {
		if state, err = s.Thumbs.State(ctx, *f); err != nil {
			return err
		}
	}
	switch state {
	case thumbs.Pending:
		return bukti.E(bukti.ENOTFOUND, "err.api.thumbnail_not_ready")
	case thumbs.None, thumbs.Failed:
		return bukti.E(bukti.ENOTFOUND, "err.api.no_thumbnail")
	}
	h := c.Response().Header()
	etag := `"thumb-` + f.SHA256 + `"`
	if inm := c.Request().Header.Get("If-None-Match"); inm != "" && etagMatches(inm, etag) {
		h.Set("Cache-Control", thumbnailCache)
		h.Set("ETag", etag)
		return c.NoContent(http.StatusNotModified)
	}
	rc, n, err := s.Thumbs.Open(ctx, *f)
	if errors.Is(err, storage.ErrNotFound) {
		return bukti.E(bukti.ENOTFOUND, "err.api.thumbnail_not_ready") // removed meanwhile: made again when asked
	}
	if err != nil {
		return fmt.Errorf("open the thumbnail of evidence %d (%s): %w", ev.ID, f.SHA256, err)
	}
	defer rc.Close()
	h.Set("Cache-Control", thumbnailCache)
	h.Set("ETag", etag)
	h.Set(echo.HeaderContentType, "image/jpeg")
	h.Set(echo.HeaderContentLength, strconv.FormatInt(n, 10))
	h.Set("Content-Security-Policy", contentCSP)
	c.Response().WriteHeader(http.StatusOK)
	if _, err := io.Copy(c.Response(), rc); err != nil {
		s.Log.Warn("thumbnail download broke off", "evidence", ev.ID, "sha256", f.SHA256, "err", err)
	}
	return nil
}

// etagMatches reports whether an If-None-Match header names etag (weak
// or strong, or "*").
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}
