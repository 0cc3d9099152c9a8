package testenv

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/bukti-id/bukti/storage"
)

// PDF returns a small, well-formed PDF whose text includes note, so that
// different notes give different bytes (and hashes).
func PDF(note string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n")
	fmt.Fprintf(&b, "2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n%% %s\n", note)
	fmt.Fprintf(&b, "trailer << /Root 1 0 R >>\n%%%%EOF\n")
	return b.Bytes()
}

func img(n int) image.Image {
	m := image.NewRGBA(image.Rect(0, 0, 4, 4))
	m.Set(0, 0, color.RGBA{uint8(n), 0x80, 0x40, 0xff})
	return m
}

// PNG returns a real 4×4 PNG; n varies the pixels.
func PNG(n int) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, img(n)); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// JPEG returns a real 4×4 JPEG, as a phone camera would send (smaller).
func JPEG(n int) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img(n), nil); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// ZIP returns a plain zip archive with one text file.
func ZIP() []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.Create("isi.txt")
	w.Write([]byte("arsip"))
	zw.Close()
	return b.Bytes()
}

// Executable returns the bytes of a real ELF executable: the running test
// binary's first 64 KiB.
func Executable(tb testing.TB) []byte {
	tb.Helper()
	f, err := os.Open(os.Args[0])
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 64<<10)
	n, _ := f.Read(buf)
	return buf[:n]
}

// StagedLeft counts staged (temporary) objects left in a store: after any
// finished upload, success or failure, it must be 0.
func StagedLeft(tb testing.TB, cfg storage.Config) int {
	tb.Helper()
	if cfg.S3.Endpoint == "" {
		entries, err := os.ReadDir(filepath.Join(cfg.Dir, "tmp"))
		if err != nil && !os.IsNotExist(err) {
			tb.Fatal(err)
		}
		return len(entries)
	}
	c, err := minio.New(cfg.S3.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(cfg.S3.AccessKey, cfg.S3.SecretKey, "")})
	if err != nil {
		tb.Fatal(err)
	}
	// Staged bytes are data/<id> until a pointer sha256/ab/cd/<sum>/<id>
	// (or thumb/ab/cd/<sum>-<size>.<kind>/<id>) names them; earlier
	// versions staged under tmp/.
	ctx := context.Background()
	named := map[string]bool{}
	for _, prefix := range []string{"sha256/", "thumb/"} {
		for obj := range c.ListObjects(ctx, cfg.S3.Bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
			if obj.Err != nil {
				tb.Fatal(obj.Err)
			}
			if parts := strings.Split(obj.Key, "/"); len(parts) == 5 {
				named["data/"+parts[4]] = true
			}
		}
	}
	n := 0
	for _, prefix := range []string{"data/", "tmp/"} {
		for obj := range c.ListObjects(ctx, cfg.S3.Bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
			if obj.Err != nil {
				tb.Fatal(obj.Err)
			}
			if !named[obj.Key] {
				n++
			}
		}
	}
	return n
}

// StoredBlobs counts the committed blobs (not staged objects, not
// thumbnails) of a store, looking at the files or objects themselves.
func StoredBlobs(tb testing.TB, cfg storage.Config) int {
	tb.Helper()
	if cfg.S3.Endpoint == "" {
		n := 0
		err := filepath.WalkDir(filepath.Join(cfg.Dir, "sha256"), func(_ string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				n++
			}
			return err
		})
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			tb.Fatal(err)
		}
		return n
	}
	c, err := minio.New(cfg.S3.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(cfg.S3.AccessKey, cfg.S3.SecretKey, "")})
	if err != nil {
		tb.Fatal(err)
	}
	// A blob is sha256/ab/cd/<sum> (stored whole by earlier versions) or
	// the pointers to its bytes, sha256/ab/cd/<sum>/<id>: count the keys.
	keys := map[string]bool{}
	for obj := range c.ListObjects(context.Background(), cfg.S3.Bucket, minio.ListObjectsOptions{Prefix: "sha256/", Recursive: true}) {
		if obj.Err != nil {
			tb.Fatal(obj.Err)
		}
		keys[strings.Join(strings.SplitN(obj.Key, "/", 5)[:4], "/")] = true
	}
	return len(keys)
}

// PagePDF returns a well-formed one-page A4 PDF (595×842 points) whose
// left half is red and right half blue, so that a rendering of it can be
// checked. n varies the bytes (and the hash); pad adds that many bytes of
// an unreferenced stream, to make a file of a realistic size. encrypted
// protects it with a user password the test does not know (a standard
// security handler whose check value matches no password), as a PDF
// "protected against opening" is.
func PagePDF(n, pad int, encrypted bool) []byte {
	var b bytes.Buffer
	var offsets []int
	obj := func(format string, args ...any) {
		offsets = append(offsets, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n", len(offsets))
		fmt.Fprintf(&b, format, args...)
		b.WriteString("\nendobj\n")
	}
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>")
	content := fmt.Sprintf("%% page %d\n0.86 0.12 0.12 rg 0 0 297.5 842 re f\n0.12 0.12 0.86 rg 297.5 0 297.5 842 re f\n", n)
	obj("<< /Length %d >>\nstream\n%sendstream", len(content), content)
	filler := make([]byte, pad)
	x := uint32(n)*2654435761 + 1
	for i := range filler {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		filler[i] = byte(x)
	}
	obj("<< /Length %d >>\nstream\n%s\nendstream", pad, filler)
	trailer := ""
	if encrypted {
		obj("<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -4 >>",
			strings.Repeat("5a", 32), strings.Repeat("a5", 32))
		trailer = fmt.Sprintf(" /Encrypt %d 0 R /ID [<%s> <%s>]", len(offsets), strings.Repeat("01", 16), strings.Repeat("01", 16))
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, trailer, xref)
	return b.Bytes()
}
