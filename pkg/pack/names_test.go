package pack

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSafeFileName(t *testing.T) {
	cases := []struct {
		name, in, ctype string
		max             int
		want            string
	}{
		{"plain", "SK Kepala Puskesmas.pdf", "application/pdf", 120, "SK Kepala Puskesmas.pdf"},
		{"extension lower-cased", "FOTO.JPG", "image/jpeg", 120, "FOTO.jpg"},
		{"extension from content type", "notulen", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", 120, "notulen.docx"},
		{"content type parameters ignored", "scan", "application/pdf; charset=binary", 120, "scan.pdf"},
		{"long odd extension is part of the stem", "laporan.final_versi-2", "application/pdf", 120, "laporan.final_versi-2.pdf"},
		{"device name with double extension", "con.tar.gz", "application/pdf", 120, "_con.tar.pdf"},
		{"device name with spaces", "NUL  .pdf", "application/pdf", 120, "_NUL.pdf"},
		{"not a device name", "CONSOLE.pdf", "application/pdf", 120, "CONSOLE.pdf"},
		{"tabs and newlines replaced", "rapat\t\r\nbulanan.pdf", "application/pdf", 120, "rapat_bulanan.pdf"},
		{"non-breaking space", "rapat\u00a0bulanan.pdf", "application/pdf", 120, "rapat bulanan.pdf"},
		{"dots collapse", "v1...2..pdf", "application/pdf", 120, "v1.2.pdf"},
		{"tiny max raised to 16", strings.Repeat("a", 40) + ".pdf", "application/pdf", 3, strings.Repeat("a", 11) + ".pdf"},
		{"cut at a rune boundary", strings.Repeat("é", 20) + ".pdf", "application/pdf", 20, strings.Repeat("é", 7) + ".pdf"},
		{"fallback", "\x00\x01", "video/mp4", 120, "bukti-1-r1.mp4"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := safeFileName(tc.in, tc.ctype, "bukti-1-r1", tc.max)
			if got != tc.want {
				t.Errorf("safeFileName(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if !utf8.ValidString(got) || len(got) > max(tc.max, 16) {
				t.Errorf("safeFileName(%q) = %q: invalid or longer than %d bytes", tc.in, got, tc.max)
			}
		})
	}
}

func TestUnique(t *testing.T) {
	cases := []struct {
		name string
		in   []string
		max  int
		want []string
	}{
		{"numbered in order", []string{"a.pdf", "a.pdf", "A.PDF", "a (2).pdf"}, 120, []string{"a.pdf", "a (2).pdf", "A (3).PDF", "a (2) (2).pdf"}},
		{"suffix fits the limit", []string{"abcdefghij.pdf", "abcdefghij.pdf"}, 14, []string{"abcdefghij.pdf", "abcdef (2).pdf"}},
		{"device prefix kept", []string{"_CON.pdf", "_CON.pdf"}, 120, []string{"_CON.pdf", "_CON (2).pdf"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var f folderNames
			for i, in := range tc.in {
				if got := f.unique(in, tc.max); got != tc.want[i] {
					t.Errorf("unique(%q) #%d = %q, want %q", in, i, got, tc.want[i])
				}
			}
		})
	}
}

func TestSegment(t *testing.T) {
	cases := []struct{ in, want string }{
		{"perencanaan - Daftar hadir", "perencanaan - Daftar hadir"},
		{"..", "_"},
		{"", "_"},
		{"aux", "_aux"},
		{"com1.x", "_com1.x"},
		{"a/b", "a_b"},
		{strings.Repeat("x", 100), strings.Repeat("x", maxSegment)},
	}
	for _, tc := range cases {
		if got := segment(tc.in, "_"); got != tc.want {
			t.Errorf("segment(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
