package evidence_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/bukti-id/bukti/pkg/evidence"
)

func TestCopyVerified(t *testing.T) {
	t.Parallel()
	data := make([]byte, 1<<20+12345)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	hash := func(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }
	flipped := bytes.Clone(data)
	flipped[len(flipped)-10] ^= 1 // in the held-back tail
	early := bytes.Clone(data)
	early[100] ^= 1 // long before it
	small := []byte("%PDF-1.7 kecil")
	tests := []struct {
		name     string
		stored   []byte
		size     int64
		sum      string
		mismatch bool
	}{
		{"Intact", data, int64(len(data)), hash(data), false},
		{"IntactSmallerThanTheTail", small, int64(len(small)), hash(small), false},
		{"Empty", nil, 0, hash(nil), false},
		{"ByteFlippedNearTheEnd", flipped, int64(len(data)), hash(data), true},
		{"ByteFlippedEarly", early, int64(len(data)), hash(data), true},
		{"Short", data[:len(data)-1], int64(len(data)), hash(data), true},
		{"Longer", append(bytes.Clone(data), 'x'), int64(len(data)), hash(data), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			err := evidence.CopyVerified(&out, bytes.NewReader(tc.stored), tc.size, tc.sum)
			if tc.mismatch {
				if !errors.Is(err, evidence.ErrContentMismatch) {
					t.Fatalf("err = %v, want ErrContentMismatch", err)
				}
				if int64(out.Len()) >= tc.size {
					t.Errorf("wrote %d of %d bytes of a damaged file: the client could take it for complete", out.Len(), tc.size)
				}
				return
			}
			if err != nil || !bytes.Equal(out.Bytes(), tc.stored) {
				t.Errorf("err = %v, wrote %d bytes equal=%v; want the file unchanged", err, out.Len(), bytes.Equal(out.Bytes(), tc.stored))
			}
		})
	}
}
