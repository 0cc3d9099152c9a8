package core

import (
	"bufio"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/labstack/echo/v4"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/evidence"
)

// multipartSlack is what a multipart body may carry beyond the file itself
// (boundaries, headers, metadata fields).
const multipartSlack = 1 << 20

// maxField caps one text field of an upload form.
const maxField = 8 << 10

// UploadForm is an upload request read part by part, with the file staged
// in the blob store as soon as its part arrives. Nothing is spooled to
// memory or disk by the framework.
type UploadForm struct {
	Fields map[string][]string // the text fields by name
	Staged *evidence.Staged    // the one file
}

// ReadUpload streams a multipart body. early is called with the fields seen
// before the file part, so a bad request fails before the file is stored.
// On error nothing stays staged; on success the caller owns form.Staged and
// hands it to the evidence service or discards it (Evidence.Discard).
func (s *Server) ReadUpload(c echo.Context, early func(fields map[string][]string, fileName string) error) (_ *UploadForm, err error) {
	if err := s.refuseWhenFull(c); err != nil {
		return nil, err
	}
	req := c.Request()
	limit := s.Evidence.MaxBytes + multipartSlack
	if req.ContentLength > limit {
		return nil, bukti.E(bukti.ETOOLARGE, "err.core.upload_exceeds_limit_mib", s.Evidence.MaxBytes>>20)
	}
	req.Body = http.MaxBytesReader(c.Response(), req.Body, limit)
	body := bodyBuffers.Get().(*bufio.Reader)
	body.Reset(req.Body)
	defer func() {
		body.Reset(nil)
		bodyBuffers.Put(body)
	}()
	mr, err := multipartReader(req, body)
	if err != nil {
		return nil, bukti.E(bukti.EINVALID, "err.core.send_multipart_form_data_with", err)
	}
	form := &UploadForm{Fields: map[string][]string{}}
	defer func() {
		if err != nil {
			s.Evidence.Discard(context.WithoutCancel(req.Context()), form.Staged)
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
			if IsMaxBytes(err) {
				return nil, bukti.E(bukti.ETOOLARGE, "err.core.request_exceeds_upload_limit")
			}
			return nil, bukti.E(bukti.EINVALID, "err.core.malformed_or_truncated_multipart_body", err)
		}
		name := part.FormName()
		if name != "file" {
			v, err := io.ReadAll(io.LimitReader(part, maxField+1))
			if err != nil {
				return nil, bukti.E(bukti.EINVALID, "err.core.malformed_multipart_field", name, err)
			}
			if len(v) > maxField {
				return nil, bukti.E(bukti.EINVALID, "err.core.field_too_long", name)
			}
			form.Fields[name] = append(form.Fields[name], string(v))
			continue
		}
		if form.Staged != nil {
			return nil, bukti.E(bukti.EINVALID, "err.core.send_one_file_per_request")
		}
		fileName := cleanFileName(part.FileName())
		if err := early(form.Fields, fileName); err != nil {
			return nil, err
		}
		st, err := s.Evidence.Stage(req.Context(), fileName, part)
		if err != nil {
			if IsMaxBytes(err) {
				return nil, bukti.E(bukti.ETOOLARGE, "err.core.request_exceeds_upload_limit")
			}
			return nil, err
		}
		form.Staged = st
	}
	if form.Staged == nil {
		return nil, bukti.E(bukti.EINVALID, "err.core.no_file_attach_it_in")
	}
	return form, nil
}

// bodyBuffers buffer upload bodies in front of mime/multipart, whose own
// buffer is 4 KiB: the connection is then read in large pieces.
var bodyBuffers = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 64<<10) }}

// multipartReader is req.MultipartReader reading body (req.Body behind a
// buffer): the form must be multipart/form-data with a boundary.
func multipartReader(req *http.Request, body io.Reader) (*multipart.Reader, error) {
	ct := req.Header.Get(echo.HeaderContentType)
	if ct == "" {
		return nil, http.ErrNotMultipart
	}
	media, params, err := mime.ParseMediaType(ct)
	if err != nil || media != "multipart/form-data" {
		return nil, http.ErrNotMultipart
	}
	boundary, ok := params["boundary"]
	if !ok {
		return nil, http.ErrMissingBoundary
	}
	return multipart.NewReader(body, boundary), nil
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

// Field is the first value of a form field, trimmed; "" when there is none.
func Field(fields map[string][]string, name string) string {
	if v := fields[name]; len(v) > 0 {
		return strings.TrimSpace(v[0])
	}
	return ""
}

// ParseDate reads an optional YYYY-MM-DD date.
func ParseDate(v, field string) (*time.Time, error) {
	if v == "" {
		return nil, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return nil, bukti.E(bukti.EINVALID, "err.core.not_date_use_yyyy_mm", field, v)
	}
	return &t, nil
}

// MetaFrom reads the metadata fields of an upload or update form.
func MetaFrom(fields map[string][]string) (evidence.Meta, error) {
	m := evidence.Meta{
		Title: Field(fields, "title"), DocNumber: Field(fields, "doc_number"), DocRevision: Field(fields, "doc_revision"),
		Notes: Field(fields, "notes"), Stage: Field(fields, "stage"), Part: Field(fields, "part"),
	}
	var err error
	if m.IssueDate, err = ParseDate(Field(fields, "issue_date"), "issue_date"); err != nil {
		return m, err
	}
	m.ValidUntil, err = ParseDate(Field(fields, "valid_until"), "valid_until")
	return m, err
}

// metaFields are the form fields of an evidence record's metadata.
var metaFields = []string{"title", "doc_number", "doc_revision", "issue_date", "valid_until", "notes", "stage", "part"}

// MetaOver is base with every metadata field that fields hold replaced, as
// a new revision's form may change them; changed reports whether the
// result differs from base.
func MetaOver(base evidence.Meta, fields map[string][]string) (m evidence.Meta, changed bool, err error) {
	m = base
	given := map[string]string{}
	for _, name := range metaFields {
		if _, ok := fields[name]; ok {
			given[name] = Field(fields, name)
		}
	}
	set := map[string]*string{"title": &m.Title, "doc_number": &m.DocNumber, "doc_revision": &m.DocRevision,
		"notes": &m.Notes, "stage": &m.Stage, "part": &m.Part}
	for name, p := range set {
		if v, ok := given[name]; ok {
			*p = v
		}
	}
	for _, d := range []struct {
		name string
		p    **time.Time
	}{{"issue_date", &m.IssueDate}, {"valid_until", &m.ValidUntil}} {
		if v, ok := given[d.name]; ok {
			if *d.p, err = ParseDate(v, d.name); err != nil {
				return base, false, err
			}
		}
	}
	return m, !m.Equal(base), nil
}

// UploadFrom reads an upload's target and metadata from form fields;
// "requirement" may repeat or hold a comma-separated list.
func UploadFrom(facilityID, by int64, fields map[string][]string) (evidence.Upload, error) {
	meta, err := MetaFrom(fields)
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

// IsMaxBytes reports whether err comes from http.MaxBytesReader.
func IsMaxBytes(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

// MaxWorkbook caps an uploaded self-assessment workbook.
const MaxWorkbook = 32 << 20

// ReadRevision reads a new revision of ev from a multipart request — its
// file and the metadata fields sent with it (title, doc_number, …), which
// replace the record's in the same unit — and records it as by. Metadata
// that comes before the file is checked before the file is stored. seen,
// when not nil, is told the fields read so far, each time they grow (a
// page keeps them to show a refused form again).
func (s *Server) ReadRevision(c echo.Context, ev *bukti.Evidence, by int64, seen func(map[string][]string)) (*bukti.Evidence, error) {
	ctx := c.Request().Context()
	tell := func(fields map[string][]string) {
		if seen != nil {
			seen(fields)
		}
	}
	form, err := s.ReadUpload(c, func(fields map[string][]string, _ string) error {
		tell(fields)
		meta, changed, err := MetaOver(evidence.MetaOf(ev), fields)
		if err != nil || !changed {
			return err
		}
		return s.Evidence.CheckMeta(ctx, ev.ID, &meta)
	})
	if err != nil {
		return nil, err
	}
	tell(form.Fields)
	meta, changed, err := MetaOver(evidence.MetaOf(ev), form.Fields)
	if err != nil {
		s.Evidence.Discard(ctx, form.Staged)
		return nil, err
	}
	var m *evidence.Meta
	if changed {
		m = &meta
	}
	return s.Evidence.Revise(ctx, ev.ID, by, form.Staged, m)
}
