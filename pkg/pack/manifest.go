package pack

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/csvcell"
)

// manifestColumns are the message keys of manifest.csv's header, in
// column order.
var manifestColumns = []string{
	"pack.manifest.path", "pack.manifest.requirement", "pack.manifest.requirement_title", "pack.manifest.element", "pack.manifest.title",
	"pack.manifest.doc_number", "pack.manifest.doc_revision", "pack.manifest.revision", "pack.manifest.issue_date", "pack.manifest.valid_until",
	"pack.manifest.uploaded_at", "pack.manifest.size", "pack.manifest.sha256", "pack.manifest.review", "pack.manifest.review_note",
}

// manifestLang is the language of a pack's manifest: "id" (also for "")
// or "en"; another is an error.
func manifestLang(lang string) (string, error) {
	switch lang {
	case "", "id":
		return "id", nil
	case "en":
		return "en", nil
	}
	return "", fmt.Errorf("pack: manifest language %q: want id or en", lang)
}

// writeManifest writes manifest.csv in lang ("id" or "en"): its header
// and its words (the review) are the message keys pack.manifest.* and
// pack.review.* of that language. UTF-8 without BOM, comma-separated,
// CRLF-free (encoding/csv with "\n"), one row per file in archive order.
// The path column is the entry name in the archive; dates are
// YYYY-MM-DD, the upload time is RFC 3339 in UTC; size is in bytes;
// sha256 is lower-case hex and has been verified against the bytes
// written just before.
//
// Free-text columns (requirement title, title, document number and
// revision, review note) that start with = + - @, a tab or a CR get a
// leading apostrophe so that a spreadsheet shows them as text instead of
// running them as a formula. Path, requirement, element, size and sha256
// are never altered.
func writeManifest(w io.Writer, tr Translator, lang string, files []file) error {
	lang, err := manifestLang(lang)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	header := make([]string, len(manifestColumns))
	for i, k := range manifestColumns {
		header[i] = tr(lang, k)
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	row := make([]string, len(manifestColumns))
	for i := range files {
		f := &files[i]
		it := f.item
		var reqTitle, element string
		if f.req != nil {
			reqTitle, element = f.req.Title, f.place.Element.ID
		} else if i := strings.LastIndexByte(it.RequirementID, '/'); i > 0 {
			element = it.RequirementID[:i]
		}
		review := it.Review
		if review == "" {
			review = bukti.ReviewPending
		}
		if slices.Contains(reviewStates, review) {
			review = tr(lang, "pack.review."+review)
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
			csvcell.Safe(review),
			csvcell.Safe(it.ReviewNote),
		)
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// date formats an optional date as YYYY-MM-DD in UTC.
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
