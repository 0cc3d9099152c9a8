package evidence

import (
	"bytes"
	"slices"
	"strings"

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

// format is what Bukti knows of one accepted content type.
type format struct {
	// kind is the short name shown to users, e.g. "PDF".
	kind string
	// exts are the file name extensions of the type, lower case with the
	// dot; the first is the one Bukti gives a name that has none of them.
	exts []string
}

// formats is the allowlist, and the one type → extension table: the
// content types Puskesmas really produce, as detected by mimetype: scans
// and exports (PDF), phone photos (JPEG, PNG, WebP, HEIC/HEIF), office
// documents (Microsoft and OpenDocument) and activity videos (MP4).
// Everything else — executables, scripts, HTML, SVG, archives — is refused,
// whatever its name or the client's Content-Type. The table is fixed, not
// the system's mime.types, so that names are the same on every machine.
var formats = map[string]format{
	"application/pdf":               {"PDF", []string{".pdf"}},
	"image/jpeg":                    {"JPEG", []string{".jpg", ".jpeg"}},
	"image/png":                     {"PNG", []string{".png"}},
	"image/webp":                    {"WebP", []string{".webp"}},
	"image/heic":                    {"HEIC", []string{".heic", ".heif"}},
	"image/heif":                    {"HEIF", []string{".heif", ".heic"}},
	"image/heic-sequence":           {"HEIC", []string{".heic", ".heif"}},
	"image/heif-sequence":           {"HEIF", []string{".heif", ".heic"}},
	"application/msword":            {"DOC", []string{".doc"}},
	"application/vnd.ms-excel":      {"XLS", []string{".xls"}},
	"application/vnd.ms-powerpoint": {"PPT", []string{".ppt"}},
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   {"DOCX", []string{".docx"}},
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         {"XLSX", []string{".xlsx"}},
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": {"PPTX", []string{".pptx"}},
	"application/vnd.oasis.opendocument.text":                                   {"ODT", []string{".odt"}},
	"application/vnd.oasis.opendocument.spreadsheet":                            {"ODS", []string{".ods"}},
	"video/mp4": {"MP4", []string{".mp4"}},
}

// AllowedKinds lists the short names of accepted formats, for help texts.
const AllowedKinds = "PDF, JPEG, PNG, WebP, HEIC/HEIF, DOC/DOCX, XLS/XLSX, PPT/PPTX, ODT/ODS, MP4"

// Content types sniff reports for heads it refuses although mimetype
// detected an allowed type.
const (
	// typeMarkup is reported for a head that carries HTML markup.
	typeMarkup = "text/html"
	// typeUnknown is reported for a PDF signature that is not at the start.
	typeUnknown = "application/octet-stream"
)

// sniff detects the content type of a file from its first bytes and
// reports whether it is allowed. The returned type has no parameters.
//
// On top of mimetype's detection, which is lenient where a browser would
// not be, it refuses polyglots: a PDF whose signature is not at the start
// (mimetype finds "%PDF-" anywhere in the first KiB, so an HTML page
// mentioning it passes) and any allowed type whose head carries HTML markup
// (see hasMarkup), such as "%PDF-1.4\n<script>…" or a JPEG signature
// followed by a page. Those are reported as typeUnknown and typeMarkup.
func sniff(head []byte) (contentType string, ok bool) {
	contentType = mimetype.Detect(head).String()
	if _, ok := formats[contentType]; !ok {
		return contentType, false
	}
	if hasMarkup(head) {
		return typeMarkup, false
	}
	if contentType == "application/pdf" && !pdfAtStart(head) {
		return typeUnknown, false
	}
	return contentType, true
}

// utf8BOM is the UTF-8 byte order mark some PDF writers put first.
var utf8BOM = []byte("\xef\xbb\xbf")

// pdfAtStart reports whether head starts with the PDF signature "%PDF-",
// after at most a UTF-8 byte order mark and then ASCII white space, which
// is what real PDFs (and the PDF readers that open them) allow.
func pdfAtStart(head []byte) bool {
	h := bytes.TrimPrefix(head, utf8BOM)
	h = bytes.TrimLeft(h, " \t\n\r\f")
	return bytes.HasPrefix(h, []byte("%PDF-"))
}

// markupHead is how much of the head hasMarkup searches: the first KiB.
//
// The tradeoff: within the first KiB every allowed format is either plain
// structure that never holds these markers (PDF header and first object
// dictionaries, EXIF and XMP, PNG chunk headers, MP4 boxes, OLE and ZIP
// headers) or compressed or entropy-coded data, in which a marker appears
// only by accident: all markers together match a KiB of random bytes about
// once in five million files (the shortest ones dominate: "<svg" or "<img"
// with a tag end, and the event handler attribute), and that grows with the
// length searched. Searching all 64 KiB sniffed would refuse a real photo,
// video or office file about once in 80,000. So markup placed after the
// first KiB is not caught here; it stays harmless because such a file is
// only ever served with its detected type, nosniff and a CSP that allows no
// script, and downloaded and packed under an extension of that type
// (FileNameFor), never as .html.
const markupHead = 1 << 10

// markupStrings are markers matched as they are (ASCII case-insensitive):
// an HTML document type and the script URL schemes.
var markupStrings = []string{"<!doctype html", "javascript:", "vbscript:"}

// markupTags are the elements whose start tag (ASCII case-insensitive,
// followed by white space, "/", ">" or the end of the searched head) marks
// a head as HTML or SVG: the document structure, every element that runs
// script or loads or embeds other content, and the ones that style,
// redirect or submit. Script through any other element needs an event
// handler attribute, which hasMarkup matches separately.
var markupTags = []string{
	"html", "head", "body", "script", "style", "svg", "math", "iframe", "frame", "frameset",
	"object", "embed", "applet", "img", "image", "video", "audio", "meta", "link", "base", "form",
}

// hasMarkup reports whether the first markupHead bytes of head carry HTML
// or SVG markup: one of markupStrings, a start tag of markupTags, or an
// event handler attribute (white space, "/" or a quote, then "on" and at
// least three letters, optional white space and "="), all ASCII
// case-insensitive. No allowed format has any of these in its head; see
// markupHead for what a random match costs.
func hasMarkup(head []byte) bool {
	h := asciiLower(head[:min(len(head), markupHead)])
	for _, s := range markupStrings {
		if bytes.Contains(h, []byte(s)) {
			return true
		}
	}
	for i, c := range h {
		switch {
		case c == '<' && startTag(h[i+1:]):
			return true
		case c == 'o' && i > 0 && strings.IndexByte(" \t\n\r\f/\"'", h[i-1]) >= 0 && handlerAttr(h[i:]):
			return true
		}
	}
	return false
}

// startTag reports whether b, which follows a "<", begins with a name of
// markupTags ended by white space, "/", ">" or the end of b.
func startTag(b []byte) bool {
	n := 0
	for n < len(b) && b[n] >= 'a' && b[n] <= 'z' {
		n++
	}
	if n == 0 || !slices.Contains(markupTags, string(b[:n])) {
		return false
	}
	return n == len(b) || strings.IndexByte(" \t\n\r\f/>", b[n]) >= 0
}

// handlerAttr reports whether b begins with an event handler attribute:
// "on", at least three letters, optional white space, "=".
func handlerAttr(b []byte) bool {
	if !bytes.HasPrefix(b, []byte("on")) {
		return false
	}
	n := 2
	for n < len(b) && b[n] >= 'a' && b[n] <= 'z' {
		n++
	}
	if n < 5 {
		return false
	}
	rest := bytes.TrimLeft(b[n:], " \t\n\r\f")
	return len(rest) > 0 && rest[0] == '='
}

// asciiLower returns a copy of b with ASCII upper-case letters lowered and
// every other byte as it is (binary data stays binary, lengths stay).
func asciiLower(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return out
}

// Extension returns the extension, with its dot and in lower case, of files
// of contentType (parameters ignored): the first of its formats entry, and
// ".bin" for a type outside the allowlist, so that a name built with it is
// never taken for a page or a program.
func Extension(contentType string) string {
	if f, ok := formats[baseType(contentType)]; ok {
		return f.exts[0]
	}
	return ".bin"
}

// FileNameFor returns the name a file uploaded as name is downloaded or
// packed under: name with its extension replaced by one of contentType, the
// type detected from the file's bytes, so the uploaded extension never
// decides how a saved copy is opened. "laporan.html" holding a PDF becomes
// "laporan.pdf" and "foto" holding a JPEG "foto.jpg"; an extension that
// already names the type is kept, lower-cased ("FOTO.JPEG" → "FOTO.jpeg").
//
// Only a final dot after at least one other character, followed by one to
// ten ASCII letters or digits, starts an extension; anything else stays in
// the stem ("v1.final_2" → "v1.final_2.pdf", ".pdf" → ".pdf.pdf"). A type
// outside the allowlist gets ".bin" (see Extension). The result always ends
// in an extension of contentType. name is not otherwise cleaned.
func FileNameFor(name, contentType string) string {
	stem, ext := splitExt(name)
	ext = strings.ToLower(ext)
	if f, ok := formats[baseType(contentType)]; ok && slices.Contains(f.exts, ext) {
		return stem + ext
	}
	return stem + Extension(contentType)
}

// maxExt is the longest extension FileNameFor recognizes, without the dot.
const maxExt = 10

// splitExt splits name into stem and extension (with its dot), by the rule
// FileNameFor documents; ext is "" when name has none.
func splitExt(name string) (stem, ext string) {
	i := strings.LastIndexByte(name, '.')
	if i <= 0 || i == len(name)-1 || len(name)-i-1 > maxExt {
		return name, ""
	}
	for _, c := range []byte(name[i+1:]) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return name, ""
		}
	}
	return name[:i], name[i:]
}

// baseType is contentType without parameters, trimmed and lower-cased.
func baseType(contentType string) string {
	ct, _, _ := strings.Cut(contentType, ";")
	return strings.ToLower(strings.TrimSpace(ct))
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

// Kind returns the short name of a content type shown to users ("PDF",
// "JPEG", "DOCX", …), or "" for a type outside the allowlist.
func Kind(contentType string) string { return formats[baseType(contentType)].kind }

// InlineSafe reports whether content of this type may be shown inline.
func InlineSafe(contentType string) bool { return inlineSafe[contentType] }
