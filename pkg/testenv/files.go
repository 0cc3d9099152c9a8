package testenv

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
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
	// names them; earlier versions staged under tmp/.
	ctx := context.Background()
	named := map[string]bool{}
	for obj := range c.ListObjects(ctx, cfg.S3.Bucket, minio.ListObjectsOptions{Prefix: "sha256/", Recursive: true}) {
		if obj.Err != nil {
			tb.Fatal(obj.Err)
		}
		if parts := strings.Split(obj.Key, "/"); len(parts) == 5 {
			named["data/"+parts[4]] = true
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
