package api

import (
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/bukti-id/bukti/pkg/authz"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/pkg/web/core"
	"github.com/bukti-id/bukti/storage"
)

func (s *handlers) uploadEvidence(c echo.Context) error {
	facilityID, err := s.FacilityFor(c, authz.WriteEvidence)
	if err != nil {
		return err
	}
	by := *core.UserID(c)
	ctx := c.Request().Context()
	form, err := s.ReadUpload(c, func(fields map[string][]string, fileName string) error {
		if _, ok := fields["requirement"]; !ok {
			return nil // may follow the file; checked by Create
		}
		up, err := core.UploadFrom(facilityID, by, fields)
		if err != nil {
			return err
		}
		return s.Evidence.CheckUpload(ctx, &up, fileName)
	})
	if err != nil {
		return err
	}
	up, err := core.UploadFrom(facilityID, by, form.Fields)
	if err != nil {
		s.Evidence.Discard(ctx, form.Staged)
		return err
	}
	evs, err := s.Evidence.Create(ctx, up, form.Staged)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, uploadResponse{Evidence: evs, SHA256: form.Staged.SHA256,
		Size: form.Staged.Size, ContentType: form.Staged.ContentType, ID: evs[0].ID})
}

// uploadResponse names the first evidence record's ID at the top level for
// the common single-requirement case; Evidence lists every linked record.
type uploadResponse struct {
	ID          int64            `json:"id"`
	SHA256      string           `json:"sha256"`
	Size        int64            `json:"size"`
	ContentType string           `json:"content_type"`
	Evidence    []bukti.Evidence `json:"evidence"`
}

// uploadRevision adds a revision; metadata fields sent with it (title,
// doc_number, doc_revision, issue_date, valid_until, notes, stage, part)
// replace the record's in the same unit, checked before the file is
// stored when they come first.
func (s *handlers) uploadRevision(c echo.Context) error {
	ev, err := s.EvidenceFor(c, authz.WriteEvidence)
	if err != nil {
		return err
	}
	ev, err = s.ReadRevision(c, ev, *core.UserID(c), nil)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, ev)
}

type linkRequest struct {
	Requirement string `json:"requirement"`
	Stage       string `json:"stage"`
	Part        string `json:"part"`
}

// linkEvidence makes an evidence record's file evidence for another
// requirement of its facility too (one SK, several requirements): 201
// with the new record.
func (s *handlers) linkEvidence(c echo.Context) error {
	ev, err := s.EvidenceFor(c, authz.WriteEvidence)
	if err != nil {
		return err
	}
	var req linkRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	linked, err := s.Evidence.Link(c.Request().Context(), ev.ID, *core.UserID(c),
		evidence.LinkTarget{Requirement: req.Requirement, Stage: req.Stage, Part: req.Part})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, linked)
}

func (s *handlers) listEvidence(c echo.Context) error {
	id, err := s.FacilityFor(c, authz.ReadFacility)
	if err != nil {
		return err
	}
	evs, err := s.Evidence.List(c.Request().Context(), id, evidence.Filter{Requirement: c.QueryParam("requirement"), Prefix: c.QueryParam("prefix")})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"evidence": evs})
}

func (s *handlers) getEvidence(c echo.Context) error {
	ev, err := s.EvidenceFor(c, authz.ReadFacility)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ev)
}

type metaRequest struct {
	Title       string `json:"title"`
	DocNumber   string `json:"doc_number"`
	DocRevision string `json:"doc_revision"`
	IssueDate   string `json:"issue_date"`
	ValidUntil  string `json:"valid_until"`
	Notes       string `json:"notes"`
	Stage       string `json:"stage"`
	Part        string `json:"part"`
}

func (s *handlers) updateEvidence(c echo.Context) error {
	ev, err := s.EvidenceFor(c, authz.WriteEvidence)
	if err != nil {
		return err
	}
	var req metaRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	meta, err := core.MetaFrom(map[string][]string{
		"title": {req.Title}, "doc_number": {req.DocNumber}, "doc_revision": {req.DocRevision}, "notes": {req.Notes},
		"stage": {req.Stage}, "part": {req.Part}, "issue_date": {req.IssueDate}, "valid_until": {req.ValidUntil},
	})
	if err != nil {
		return err
	}
	ev, err = s.Evidence.UpdateMeta(c.Request().Context(), ev.ID, *core.UserID(c), meta)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ev)
}

func (s *handlers) deleteEvidence(c echo.Context) error {
	ev, err := s.EvidenceFor(c, authz.WriteEvidence)
	if err != nil {
		return err
	}
	if err := s.Evidence.Delete(c.Request().Context(), ev.ID, *core.UserID(c)); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// contentCSP sandboxes what the content endpoint serves: no script, no
// forms, nothing loaded from elsewhere; only Bukti's own pages may frame it
// (the PDF preview).
const contentCSP = "sandbox; default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"

// pdfCSP is contentCSP without the sandbox, which would stop the browser's
// PDF viewer: PDFs run in the viewer's own isolated origin, not Bukti's.
const pdfCSP = "default-src 'none'; frame-ancestors 'self'"

// evidenceContent streams the bytes of the latest revision, or of
// ?revision=N. Safe types are shown inline, all others downloaded; the
// file name always has the extension of the detected type
// (evidence.FileNameFor). Responses are never stored by caches
// (Cache-Control: no-store) but keep ETag, If-None-Match and Range.
func (s *handlers) evidenceContent(c echo.Context) error {
	n := 0
	if v := c.QueryParam("revision"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n <= 0 {
			return bukti.E(bukti.EINVALID, "err.api.invalid_revision_number", v)
		}
	}
	ev, err := s.EvidenceFor(c, authz.ReadFacility)
	if err != nil {
		return err
	}
	id := ev.ID
	ctx := c.Request().Context()
	_, rev, err := s.Evidence.Revision(ctx, id, n)
	if err != nil {
		return err
	}
	key, err := storage.Key(rev.SHA256)
	if err != nil {
		return err
	}
	rc, err := s.Evidence.Blobs.Open(ctx, key)
	if err != nil {
		s.recordDownloadDamage(ctx, rev, err)
		return fmt.Errorf("open blob of evidence %d rev %d: %w", id, rev.Number, err)
	}
	defer rc.Close()
	disposition := "attachment"
	if evidence.InlineSafe(rev.ContentType) {
		disposition = "inline"
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, rev.ContentType)
	// The download name takes the extension of the detected type, never
	// the uploaded one: "laporan.html" holding a PDF is saved as a PDF.
	h.Set(echo.HeaderContentDisposition, contentDisposition(disposition, evidence.FileNameFor(rev.FileName, rev.ContentType)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	if rev.ContentType == "application/pdf" {
		h.Set("Content-Security-Policy", pdfCSP)
	} else {
		h.Set("Content-Security-Policy", contentCSP)
	}
	// Evidence is confidential and only for the signed-in: no cache, not
	// even the browser's, keeps a copy. The ETag still answers If-None-Match.
	h.Set("Cache-Control", "no-store")
	h.Set("ETag", `"`+rev.SHA256+`"`)
	h.Set("X-Content-SHA256", rev.SHA256)
	rs, seekable := rc.(io.ReadSeeker)
	if seekable && (c.Request().Header.Get("Range") != "" || c.Request().Header.Get("If-None-Match") != "") {
		// Ranges (a PDF viewer's requests) and revalidations: the bytes
		// sent are a part or none, so they cannot be checked against the
		// whole file's SHA-256 here; full downloads are (below), and fsck
		// -verify-content checks every blob.
		http.ServeContent(c.Response(), c.Request(), "", rev.CreatedAt, rs)
		return nil
	}
	h.Set(echo.HeaderContentLength, strconv.FormatInt(rev.Size, 10))
	c.Response().WriteHeader(http.StatusOK)
	if err := evidence.CopyVerified(c.Response(), rc, rev.Size, rev.SHA256); err != nil {
		// The status is sent; ending the connection before the last bytes
		// makes the client see a failed transfer, never a clean 200.
		s.Log.Error("evidence download failed after its headers", "evidence", id, "revision", rev.Number, "sha256", rev.SHA256, "err", err)
		s.recordDownloadDamage(ctx, rev, err)
		panic(http.ErrAbortHandler)
	}
	return nil
}
