package evidence_test

import (
	"context"
	"testing"

	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// BenchmarkStage streams PDFs of growing size through Stage into a
// filesystem store. Stage promises memory bounded by the sniff buffer plus
// the store's copy buffer whatever the file size, so B/op and allocs/op must
// stay flat from 1 MiB to 64 MiB while MB/s stays roughly constant. The
// input is generated on the fly (pdfStream), so the benchmark itself holds
// no file in memory either.
//
//	go test -run xxx -bench Stage -benchmem ./pkg/evidence/
func BenchmarkStage(b *testing.B) {
	for _, size := range []struct {
		name  string
		bytes int64
	}{
		{"1MiB", 1 << 20},
		{"16MiB", 16 << 20},
		{"64MiB", 64 << 20},
	} {
		b.Run(size.name, func(b *testing.B) {
			svc, cfg := stageOnly(b, "filesystem", evidence.DefaultMaxBytes)
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
