package evidence

import (
	"github.com/gabriel-vasile/mimetype"
)

// sniffBytes is how much of the head of a file the content sniffer reads.
// Office formats (OLE .doc/.xls/.ppt, OOXML zips) can need more than the
// library's 3 KiB default to be told apart from a plain container.
const sniffBytes = 64 << 10

func init() {
	// The limit is process-wide in the mimetype library; Bukti sets it once
	// here and nowhere else.
	mimetype.SetLimit(sniffBytes)
}

// allowed are the content types Puskesmas really produce, as detected by
// mimetype: scans and exports (PDF), phone photos (JPEG, PNG, WebP,
// HEIC/HEIF), office documents (Microsoft and OpenDocument) and activity
// videos (MP4). Everything else — executables, scripts, HTML, SVG, archives —
// is refused, whatever its name or the client's Content-Type.
var allowed = map[string]string{
	"application/pdf":               "PDF",
	"image/jpeg":                    "JPEG",
	"image/png":                     "PNG",
	"image/webp":                    "WebP",
	"image/heic":                    "HEIC",
	"image/heif":                    "HEIF",
	"image/heic-sequence":           "HEIC",
	"image/heif-sequence":           "HEIF",
	"application/msword":            "DOC",
	"application/vnd.ms-excel":      "XLS",
	"application/vnd.ms-powerpoint": "PPT",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   "DOCX",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         "XLSX",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": "PPTX",
	"application/vnd.oasis.opendocument.text":                                   "ODT",
	"application/vnd.oasis.opendocument.spreadsheet":                            "ODS",
	"video/mp4": "MP4",
}

// AllowedKinds lists the short names of accepted formats, for help texts.
const AllowedKinds = "PDF, JPEG, PNG, WebP, HEIC/HEIF, DOC/DOCX, XLS/XLSX, PPT/PPTX, ODT/ODS, MP4"

// sniff detects the content type of a file from its first bytes and
// reports whether it is allowed. The returned type has no parameters.
func sniff(head []byte) (contentType string, ok bool) {
	m := mimetype.Detect(head)
	_, ok = allowed[m.String()]
	return m.String(), ok
}

// inlineSafe are the types a browser may render inline from Bukti's origin:
// they cannot run script. Everything else is served as an attachment.
var inlineSafe = map[string]bool{
	"application/pdf": true,
	"image/jpeg":      true,
	"image/png":       true,
	"image/webp":      true,
	"video/mp4":       true,
}

// InlineSafe reports whether content of this type may be shown inline.
func InlineSafe(contentType string) bool { return inlineSafe[contentType] }
