package pack

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/bukti-id/bukti/pkg/csvcell"
)

// manifestHeader is the header row of manifest.csv, in column order.
var manifestHeader = []string{
	"path", "requirement", "requirement_title", "element", "title",
	"doc_number", "doc_revision", "revision", "issue_date", "valid_until",
	"uploaded_at", "size", "sha256", "review", "review_note",
}

// writeManifest writes manifest.csv: UTF-8 without BOM, comma-separated,
// CRLF-free (encoding/csv with "\n"), one row per file in archive order.
// path is the entry name in the archive; dates are YYYY-MM-DD, uploaded_at
// is RFC 3339 in UTC; size is in bytes; sha256 is lower-case hex and has
// been verified against the bytes written just before.
//
// Free-text columns (requirement_title, title, doc_number, doc_revision,
// review_note) that start with = + - @, a tab or a CR get a leading apostrophe so
// that a spreadsheet shows them as text instead of running them as a
// formula. path, requirement, element, size and sha256 are never altered.
func writeManifest(w io.Writer, files []file) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(manifestHeader); err != nil {
		return err
	}
	row := make([]string, len(manifestHeader))
	for i := range files {
		f := &files[i]
		it := f.item
		var reqTitle, element string
		if f.req != nil {
			reqTitle, element = f.req.Title, f.place.Element.ID
		} else if i := strings.LastIndexByte(it.RequirementID, '/'); i > 0 {
			element = it.RequirementID[:i]
		}
		row = append(row[:0],
			f.path,
			it.RequirementID,
			csvcell.Safe(reqTitle),
			element,
			csvcell.Safe(it.Title),
			csvcell.Safe(it.DocNumber),
			csvcell.Safe(it.DocRevision),
			strconv.Itoa(it.RevisionNumber),
			date(it.IssueDate),
			date(it.ValidUntil),
			stamp(it.UploadedAt),
			strconv.FormatInt(it.Size, 10),
			it.SHA256,
			it.Review,
			csvcell.Safe(it.ReviewNote),
		)
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// text defuses spreadsheet formulas in a free-text cell.
func date(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
