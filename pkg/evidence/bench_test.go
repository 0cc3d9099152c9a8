package evidence_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// BenchmarkStage streams PDFs of growing size through Stage into a
// filesystem store and an S3 store (the MinIO of scripts/test.sh). Stage
// promises memory bounded by the sniff buffer plus the store's buffers
// whatever the file size (on S3, part buffers come from a pool shared by
// the process), so B/op and allocs/op must stay flat from 1 MiB to 64 MiB
// while MB/s stays roughly constant. The input is generated on the fly
// (pdfStream), so the benchmark itself holds no file in memory either.
//
//	go test -run xxx -bench Stage -benchmem ./pkg/evidence/
func BenchmarkStage(b *testing.B) {
	for _, kind := range testenv.StoreKinds {
		for _, size := range []struct {
			name  string
			bytes int64
		}{
			{"1MiB", 1 << 20},
			{"16MiB", 16 << 20},
			{"64MiB", 64 << 20},
		} {
			b.Run(kind+"/"+size.name, func(b *testing.B) {
				svc, cfg := stageOnly(b, kind, evidence.DefaultMaxBytes)
				ctx := context.Background()
				b.ReportAllocs()
				b.SetBytes(size.bytes)
				seed := uint64(0)
				for b.Loop() {
					seed++
					st, err := svc.Stage(ctx, "laporan.pdf", newPDFStream(size.bytes, seed))
					if err != nil {
						b.Fatal(err)
					}
					if st.Size != size.bytes || st.ContentType != "application/pdf" {
						b.Fatalf("staged %d bytes of %s, want %d of application/pdf", st.Size, st.ContentType, size.bytes)
					}
					svc.Discard(ctx, st)
				}
				b.StopTimer()
				if n := testenv.StagedLeft(b, cfg); n != 0 {
					b.Fatalf("staged objects left: got %d, want 0", n)
				}
			})
		}
	}
}

// BenchmarkCopyVerified is the download's copy: hash and write, holding
// the tail back. Memory per copy is its chunks and the tail, whatever the
// size.
//
//	go test -run xxx -bench CopyVerified -benchmem ./pkg/evidence/
func BenchmarkCopyVerified(b *testing.B) {
	for _, size := range []struct {
		name  string
		bytes int64
	}{
		{"1MiB", 1 << 20},
		{"64MiB", 64 << 20},
	} {
		b.Run(size.name, func(b *testing.B) {
			// ChaCha8 yields the same bytes however they are read.
			stored := func() io.Reader { return io.LimitReader(rand.NewChaCha8([32]byte{1}), size.bytes) }
			h := sha256.New()
			if _, err := io.Copy(h, stored()); err != nil {
				b.Fatal(err)
			}
			sum := hex.EncodeToString(h.Sum(nil))
			b.ReportAllocs()
			b.SetBytes(size.bytes)
			for b.Loop() {
				if err := evidence.CopyVerified(io.Discard, stored(), size.bytes, sum); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
