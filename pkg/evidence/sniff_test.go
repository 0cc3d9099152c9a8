package evidence

import (
	"bytes"
	"strings"
	"testing"

	"github.com/bukti-id/bukti/pkg/testenv"
)

// TestSniffPolyglots feeds sniff heads that mimetype alone takes for an
// allowed type although a browser would render them as a page: a PDF
// signature that is not at the start, and HTML or SVG markup after a valid
// signature in the first KiB. Real files, with the leading bytes real PDFs
// have, still pass.
func TestSniffPolyglots(t *testing.T) {
	pdf := testenv.PDF("SK 440/012/PKM/2024")
	jpeg := testenv.JPEG(1)
	png := testenv.PNG(1)
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	b := func(s string) []byte { return []byte(s) }
	// pad is filler that keeps markup just out of (or in) the searched KiB.
	pad := func(n int) []byte { return bytes.Repeat([]byte{0}, n) }
	cases := []struct {
		name string
		head []byte
		ok   bool
		want string // the reported type
	}{
		{"pdf", pdf, true, "application/pdf"},
		{"pdf after a byte order mark", cat(b("\xef\xbb\xbf"), pdf), true, "application/pdf"},
		{"pdf after white space", cat(b("\r\n \t"), pdf), true, "application/pdf"},
		{"pdf after a byte order mark and a newline", cat(b("\xef\xbb\xbf\n"), pdf), true, "application/pdf"},
		{"jpeg", jpeg, true, "image/jpeg"},
		{"png", png, true, "image/png"},
		{"markup after the first KiB", cat(b("%PDF-1.4\n"), pad(markupHead), b("<script>alert(1)</script>")), true, "application/pdf"},
		{"pdf mentioning html in text", cat(b("%PDF-1.4\n% Laporan <htmlx> dan onx=1, bukan halaman\n"), pdf[9:]), true, "application/pdf"},

		{"pdf signature then script", b("%PDF-1.4\n<script>alert(document.cookie)</script>"), false, typeMarkup},
		{"pdf signature then upper-case script", b("%PDF-1.4\n<SCRIPT SRC=//x.invalid/a.js></SCRIPT>"), false, typeMarkup},
		{"html with a pdf signature inside", b("<!DOCTYPE html><html><body><p>%PDF-1.4</p><script>alert(1)</script></body></html>"), false, typeMarkup},
		{"pdf signature inside plain text", b("Lihat lampiran %PDF-1.4 berikut.\n"), false, typeUnknown},
		{"pdf signature after other bytes", cat(b("\x1b%-12345X@PJL\n"), pdf), false, typeUnknown},
		{"pdf signature then svg", b("%PDF-1.7\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>"), false, typeMarkup},
		{"pdf signature then an event handler", b("%PDF-1.7\n<p onclick=alert(1)>klik</p>"), false, typeMarkup},
		{"pdf signature then an event handler after a slash", b("%PDF-1.7\n<x/onPointerEnter =alert(1)>"), false, typeMarkup},
		{"pdf signature then a script url", b("%PDF-1.7\n<a href=JavaScript:alert(1)>x</a>"), false, typeMarkup},
		{"pdf signature then a tag cut at the end", cat(b("%PDF-1.7\n"), pad(markupHead-16), b("<iframe")), false, typeMarkup},
		{"jpeg signature then script", cat(jpeg[:3], b("<script>alert(1)</script>")), false, typeMarkup},
		{"jpeg then iframe", cat(jpeg[:20], b("<iframe src=/api/v1/auth/me>")), false, typeMarkup},
		{"png signature then svg onload", cat(png[:8], b("<svg onload=alert(1)>")), false, typeMarkup},
		{"png then html document", cat(png[:16], b("<!doctype HTML><p>x")), false, typeMarkup},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := sniff(tc.head)
			if ok != tc.ok || got != tc.want {
				t.Errorf("sniff = %q, %v; want %q, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

// TestHasMarkupTagEnds checks that a marker tag name must end where HTML
// ends a tag name, so longer words and PDF syntax do not match.
func TestHasMarkupTagEnds(t *testing.T) {
	cases := []struct {
		name, head string
		want       bool
	}{
		{"tag with space", "<img src=x>", true},
		{"tag with slash", "<svg/>", true},
		{"tag with tab", "<body\tx>", true},
		{"longer name", "<imgx> <htmlfoo> <bodyguard>", false},
		{"pdf dictionary", "<</Type/Catalog/Pages 2 0 R>>", false},
		{"pdf hex string", "<4F6E6C6F61643D>", false},
		{"handler needs three letters", " on=1 onx=2 onxy=3", false},
		{"handler", " onxyz=3", true},
		{"handler with white space before =", "\"onload \t= x", true},
		{"on inside a word", "kondisi=baik", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := hasMarkup([]byte(tc.head)); got != tc.want {
				t.Errorf("hasMarkup(%q) = %v, want %v", tc.head, got, tc.want)
			}
		})
	}
}

// TestFileNameFor checks that the extension always comes from the
// detected type.
func TestFileNameFor(t *testing.T) {
	const docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	cases := []struct {
		name, in, ctype, want string
	}{
		{"html holding a pdf", "laporan.html", "application/pdf", "laporan.pdf"},
		{"no extension", "foto", "image/jpeg", "foto.jpg"},
		{"matching extension kept", "sk.pdf", "application/pdf", "sk.pdf"},
		{"other extension of the type kept, lower-cased", "FOTO.JPEG", "image/jpeg", "FOTO.jpeg"},
		{"executable holding a pdf", "sk.exe", "application/pdf", "sk.pdf"},
		{"double extension", "laporan.pdf.html", "application/pdf", "laporan.pdf.pdf"},
		{"heif named heic", "foto.heic", "image/heif", "foto.heic"},
		{"office document", "notulen.doc", docx, "notulen.docx"},
		{"content type parameters ignored", "scan", "Application/PDF; charset=binary", "scan.pdf"},
		{"long odd extension is part of the stem", "laporan.final_versi-2", "application/pdf", "laporan.final_versi-2.pdf"},
		{"leading dot is no extension", ".html", "application/pdf", ".html.pdf"},
		{"trailing dot", "laporan.html.", "application/pdf", "laporan.html..pdf"},
		{"unknown type", "halaman.html", "text/html", "halaman.bin"},
		{"empty", "", "video/mp4", ".mp4"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := FileNameFor(tc.in, tc.ctype)
			if got != tc.want {
				t.Errorf("FileNameFor(%q, %q) = %q, want %q", tc.in, tc.ctype, got, tc.want)
			}
		})
	}
}

// TestFormatsExtensions checks the one type → extension table: every
// allowed type has a canonical extension that is lower case, short and
// ASCII, so FileNameFor's result is always recognized as an extension.
func TestFormatsExtensions(t *testing.T) {
	for ct, f := range formats {
		t.Run(ct, func(t *testing.T) {
			if f.kind == "" || len(f.exts) == 0 {
				t.Fatalf("%s: kind %q, exts %v", ct, f.kind, f.exts)
			}
			for _, ext := range f.exts {
				if _, got := splitExt("x" + ext); got != ext || strings.ToLower(ext) != ext {
					t.Errorf("%s: extension %q is not a lower-case extension splitExt recognizes", ct, ext)
				}
			}
			if got := FileNameFor("x.html", ct); got != "x"+f.exts[0] {
				t.Errorf("FileNameFor(x.html, %s) = %q, want %q", ct, got, "x"+f.exts[0])
			}
		})
	}
}
