package storage_test

import (
	"errors"
	"io"
	"math/rand/v2"
	"testing"
)

// TestStageCutShort stages readers that end with io.ErrUnexpectedEOF, the
// way mime/multipart and net/http report a body that was cut off: every
// backend must fail the Stage with an error satisfying
// errors.Is(err, io.ErrUnexpectedEOF) and leave nothing staged, never keep
// the bytes read so far as a complete blob (minio-go takes a bare
// io.ErrUnexpectedEOF for a short last part).
func TestStageCutShort(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		size int64
	}{
		{"within the first part", 1000},
		{"after a whole part", partBytes},
	}
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					st, cfg := openStore(t, b)
					r := &errReader{r: io.LimitReader(rand.NewChaCha8([32]byte{3}), tc.size), err: io.ErrUnexpectedEOF}
					tmp, err := st.Stage(t.Context(), r)
					if !errors.Is(err, io.ErrUnexpectedEOF) {
						t.Errorf("Stage from a cut-off reader = %q, %v; want an error wrapping io.ErrUnexpectedEOF", tmp, err)
					}
					noStaged(t, b, cfg)
				})
			}
		})
	}
}
