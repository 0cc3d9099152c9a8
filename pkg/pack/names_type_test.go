package pack

import "testing"

// TestSafeFileNameDetectedType checks that a packed file's extension is
// always the one of its detected content type: an HTML or executable
// extension given at upload never survives into the archive.
func TestSafeFileNameDetectedType(t *testing.T) {
	cases := []struct {
		name, in, ctype, want string
	}{
		{"html holding a pdf", "laporan.html", "application/pdf", "laporan.pdf"},
		{"upper-case htm holding a pdf", "LAPORAN.HTM", "application/pdf", "LAPORAN.pdf"},
		{"no extension", "foto", "image/jpeg", "foto.jpg"},
		{"jpeg extension kept", "foto.JPEG", "image/jpeg", "foto.jpeg"},
		{"svg holding a png", "logo.svg", "image/png", "logo.png"},
		{"executable holding a pdf", "sk.exe", "application/pdf", "sk.pdf"},
		{"double extension", "sk.pdf.html", "application/pdf", "sk.pdf.pdf"},
		{"bidi override", "rapat\u202egpj.exe", "application/pdf", "rapat_gpj.pdf"},
		{"trailing dots and spaces", "laporan.html. . ", "application/pdf", "laporan.pdf"},
		{"device name", "con.html", "application/pdf", "_con.pdf"},
		{"unknown type", "halaman.html", "text/html", "halaman.bin"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := safeFileName(tc.in, tc.ctype, "bukti-1-r1", maxFileName); got != tc.want {
				t.Errorf("safeFileName(%q, %q) = %q, want %q", tc.in, tc.ctype, got, tc.want)
			}
		})
	}
}
