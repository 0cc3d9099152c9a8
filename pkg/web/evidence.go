package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/labstack/echo/v4"

	"github.com/bukti-id/bukti/pkg/authz"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/storage"
)

// multipartSlack is what a multipart body may carry beyond the file itself
// (boundaries, headers, metadata fields).
const multipartSlack = 1 << 20

// maxField caps one text field of an upload form.
const maxField = 8 << 10

// uploadForm is an upload request read part by part, with the file staged
// in the blob store as soon as its part arrives. Nothing is spooled to
// memory or disk by the framework.
type uploadForm struct {
	fields map[string][]string
	staged *evidence.Staged
}

// readUpload streams a multipart body. early is called with the fields seen
// before the file part, so a bad request fails before the file is stored.
// On error nothing stays staged.
func (s *Server) readUpload(c echo.Context, early func(fields map[string][]string, fileName string) error) (_ *uploadForm, err error) {
	req := c.Request()
	limit := s.Evidence.MaxBytes + multipartSlack
	if req.ContentLength > limit {
		return nil, bukti.Errorf(bukti.ETOOLARGE, "Berkas melebihi batas unggah %d MiB.", "upload exceeds the limit of %d MiB", s.Evidence.MaxBytes>>20)
	}
	req.Body = http.MaxBytesReader(c.Response(), req.Body, limit)
	mr, err := req.MultipartReader()
	if err != nil {
		return nil, bukti.Errorf(bukti.EINVALID, "Kirim formulir multipart/form-data dengan isian \"file\" (%v).", "send multipart/form-data with a \"file\" field: %v", err)
	}
	form := &uploadForm{fields: map[string][]string{}}
	defer func() {
		if err != nil {
			s.Evidence.Discard(context.WithoutCancel(req.Context()), form.staged)
		}
	}()
	for {
		part, err := mr.NextPart()
		// Only the bare io.EOF means the closing boundary was read. A body
		// that ends before it gives "multipart: NextPart: EOF", which wraps
		// io.EOF: that is a cut-off upload, refused below.
		if err == io.EOF {
			break
		}
		if err != nil {
			if isMaxBytes(err) {
				return nil, bukti.Errorf(bukti.ETOOLARGE, "Permintaan melebihi batas unggah.", "request exceeds the upload limit")
			}
			return nil, bukti.Errorf(bukti.EINVALID, "Formulir unggah rusak atau terpotong: %v.", "malformed or truncated multipart body: %v", err)
		}
		name := part.FormName()
		if name != "file" {
			v, err := io.ReadAll(io.LimitReader(part, maxField+1))
			if err != nil {
				return nil, bukti.Errorf(bukti.EINVALID, "Isian %q pada formulir unggah rusak: %v.", "malformed multipart field %q: %v", name, err)
			}
			if len(v) > maxField {
				return nil, bukti.Errorf(bukti.EINVALID, "Isian %q terlalu panjang.", "field %q is too long", name)
			}
			form.fields[name] = append(form.fields[name], string(v))
			continue
		}
		if form.staged != nil {
			return nil, bukti.Errorf(bukti.EINVALID, "Kirim satu berkas per permintaan.", "send one file per request")
		}
		fileName := cleanFileName(part.FileName())
		if err := early(form.fields, fileName); err != nil {
			return nil, err
		}
		st, err := s.Evidence.Stage(req.Context(), fileName, part)
		if err != nil {
			if isMaxBytes(err) {
				return nil, bukti.Errorf(bukti.ETOOLARGE, "Permintaan melebihi batas unggah.", "request exceeds the upload limit")
			}
			return nil, err
		}
		form.staged = st
	}
	if form.staged == nil {
		return nil, bukti.Errorf(bukti.EINVALID, "Tidak ada berkas. Lampirkan berkas pada isian \"file\".", "no file: attach it in the \"file\" field")
	}
	return form, nil
}

// cleanFileName keeps the base name of an uploaded file, for display and
// download names only; it never becomes a path. It drops control
// characters (C0, DEL, C1), line and paragraph separators, and every
// invisible format character (Unicode category Cf): the bidi controls
// U+061C, U+200E, U+200F, U+202A–U+202E and U+2066–U+2069, with which
// "laporan\u202Efdp.exe" shows as "laporanexe.pdf", and the zero-width
// U+200B–U+200D, U+2060 and U+FEFF, with which two names look the same.
// The cost is that emoji joined with U+200D fall apart and a few scripts
// lose a joining hint; letters of every script are kept. The name keeps at
// most its last 200 characters and is never empty ("berkas").
func cleanFileName(name string) string {
	name = strings.ReplaceAll(name, `\`, "/")
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	name = strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp) {
			return -1
		}
		return r
	}, name))
	if r := []rune(name); len(r) > 200 {
		name = string(r[len(r)-200:])
	}
	if name == "" || name == "." || name == ".." {
		name = "berkas"
	}
	return name
}

func first(fields map[string][]string, name string) string {
	if v := fields[name]; len(v) > 0 {
		return strings.TrimSpace(v[0])
	}
	return ""
}

// parseDate reads an optional YYYY-MM-DD date.
func parseDate(v, field string) (*time.Time, error) {
	if v == "" {
		return nil, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return nil, bukti.Errorf(bukti.EINVALID, "Tanggal %s %q tidak valid; gunakan format TTTT-BB-HH (contoh 2024-01-03).", "%s %q is not a date; use YYYY-MM-DD (e.g. 2024-01-03)", field, v)
	}
	return &t, nil
}

// metaFrom reads the metadata fields of an upload or update form.
func metaFrom(fields map[string][]string) (evidence.Meta, error) {
	m := evidence.Meta{
		Title: first(fields, "title"), DocNumber: first(fields, "doc_number"), DocRevision: first(fields, "doc_revision"),
		Notes: first(fields, "notes"), Stage: first(fields, "stage"), Part: first(fields, "part"),
	}
	var err error
	if m.IssueDate, err = parseDate(first(fields, "issue_date"), "issue_date"); err != nil {
		return m, err
	}
	m.ValidUntil, err = parseDate(first(fields, "valid_until"), "valid_until")
	return m, err
}

// evidenceFor loads the evidence of an /evidence/:id route and checks the
// action on its facility. Evidence outside the principal's scope is not
// found, exactly like evidence that does not exist.
func (s *Server) evidenceFor(c echo.Context, a authz.Action) (*bukti.Evidence, error) {
	return s.evidenceByParam(c, "id", a)
}

// evidenceByParam is evidenceFor with the ID in the named path parameter.
func (s *Server) evidenceByParam(c echo.Context, param string, a authz.Action) (*bukti.Evidence, error) {
	id, err := pathID(c, param)
	if err != nil {
		return nil, err
	}
	ev, err := s.Evidence.Get(c.Request().Context(), id)
	if err != nil {
		return nil, err
	}
	p := principal(c)
	if !p.Can(authz.ReadFacility, ev.FacilityID) {
		return nil, evidence.NotFound(id)
	}
	noteFacility(c, ev.FacilityID)
	return ev, p.Check(a, ev.FacilityID)
}

func (s *Server) uploadEvidence(c echo.Context) error {
	facilityID, err := s.facilityFor(c, authz.WriteEvidence)
	if err != nil {
		return err
	}
	by := *userID(c)
	ctx := c.Request().Context()
	form, err := s.readUpload(c, func(fields map[string][]string, fileName string) error {
		if _, ok := fields["requirement"]; !ok {
			return nil // may follow the file; checked by Create
		}
		up, err := uploadFrom(facilityID, by, fields)
		if err != nil {
			return err
		}
		return s.Evidence.CheckUpload(ctx, &up, fileName)
	})
	if err != nil {
		return err
	}
	up, err := uploadFrom(facilityID, by, form.fields)
	if err != nil {
		s.Evidence.Discard(ctx, form.staged)
		return err
	}
	evs, err := s.Evidence.Create(ctx, up, form.staged)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, uploadResponse{Evidence: evs, SHA256: form.staged.SHA256,
		Size: form.staged.Size, ContentType: form.staged.ContentType, ID: evs[0].ID})
}

// uploadFrom reads an upload's target and metadata from form fields;
// "requirement" may repeat or hold a comma-separated list.
func uploadFrom(facilityID, by int64, fields map[string][]string) (evidence.Upload, error) {
	meta, err := metaFrom(fields)
	var reqs []string
	for _, r := range fields["requirement"] {
		for _, id := range strings.Split(r, ",") {
			if id = strings.TrimSpace(id); id != "" {
				reqs = append(reqs, id)
			}
		}
	}
	return evidence.Upload{FacilityID: facilityID, Requirements: reqs, Meta: meta, By: by}, err
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

func (s *Server) uploadRevision(c echo.Context) error {
	ev, err := s.evidenceFor(c, authz.WriteEvidence)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	form, err := s.readUpload(c, func(map[string][]string, string) error { return nil })
	if err != nil {
		return err
	}
	ev, err = s.Evidence.AddRevision(ctx, ev.ID, *userID(c), form.staged)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, ev)
}

func (s *Server) listEvidence(c echo.Context) error {
	id, err := s.facilityFor(c, authz.ReadFacility)
	if err != nil {
		return err
	}
	evs, err := s.Evidence.List(c.Request().Context(), id, evidence.Filter{Requirement: c.QueryParam("requirement"), Prefix: c.QueryParam("prefix")})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"evidence": evs})
}

func (s *Server) getEvidence(c echo.Context) error {
	ev, err := s.evidenceFor(c, authz.ReadFacility)
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

func (s *Server) updateEvidence(c echo.Context) error {
	ev, err := s.evidenceFor(c, authz.WriteEvidence)
	if err != nil {
		return err
	}
	var req metaRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	meta, err := metaFrom(map[string][]string{
		"title": {req.Title}, "doc_number": {req.DocNumber}, "doc_revision": {req.DocRevision}, "notes": {req.Notes},
		"stage": {req.Stage}, "part": {req.Part}, "issue_date": {req.IssueDate}, "valid_until": {req.ValidUntil},
	})
	if err != nil {
		return err
	}
	ev, err = s.Evidence.UpdateMeta(c.Request().Context(), ev.ID, *userID(c), meta)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ev)
}

func (s *Server) deleteEvidence(c echo.Context) error {
	ev, err := s.evidenceFor(c, authz.WriteEvidence)
	if err != nil {
		return err
	}
	if err := s.Evidence.Delete(c.Request().Context(), ev.ID, *userID(c)); err != nil {
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
func (s *Server) evidenceContent(c echo.Context) error {
	n := 0
	if v := c.QueryParam("revision"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n <= 0 {
			return bukti.Errorf(bukti.EINVALID, "Nomor revisi %q tidak valid.", "invalid revision number %q", v)
		}
	}
	ev, err := s.evidenceFor(c, authz.ReadFacility)
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
		s.log.Error("evidence download failed after its headers", "evidence", id, "revision", rev.Number, "sha256", rev.SHA256, "err", err)
		panic(http.ErrAbortHandler)
	}
	return nil
}
