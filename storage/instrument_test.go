package storage_test

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bukti-id/bukti/storage"
)

// observation is one report of an instrumented store; failed is whether
// it carried an error.
type observation struct {
	op     string
	failed bool
}

// recorder collects what Instrument reports.
type recorder struct {
	mu   sync.Mutex
	obs  []observation
	errs []error
}

func (r *recorder) observe(op string, d time.Duration, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if d < 0 {
		r.errs = append(r.errs, errors.New("negative duration for "+op))
	}
	r.obs = append(r.obs, observation{op: op, failed: err != nil})
	if err != nil {
		r.errs = append(r.errs, err)
	}
}

func (r *recorder) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.obs, r.errs = nil, nil
}

func (r *recorder) observations() []observation {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.obs)
}

// TestInstrument checks, on each backend, that every Store method of an
// instrumented store is reported once with its operation, and that an
// error is reported when the store failed and only then.
func TestInstrument(t *testing.T) {
	t.Parallel()
	missing := strings.Repeat("cd", 32)
	cases := []struct {
		name string
		// run calls the store; setup before it is not recorded.
		setup func(t *testing.T, st storage.Store) string
		run   func(t *testing.T, st storage.Store, arg string)
		want  []observation
		// wantErr, when set, must be what the failed observation carried.
		wantErr error
	}{
		{
			name: "stage and commit",
			run: func(t *testing.T, st storage.Store, _ string) {
				put(t, st, strings.NewReader("SK Kepala Puskesmas tentang tim mutu"))
			},
			want: []observation{{storage.OpStage, false}, {storage.OpCommit, false}},
		},
		{
			name: "open and size of a stored blob",
			setup: func(t *testing.T, st storage.Store) string {
				key, _, _ := put(t, st, strings.NewReader("Notulen rapat tinjauan manajemen"))
				return key
			},
			run: func(t *testing.T, st storage.Store, key string) {
				readBlob(t, st, key)
				if _, err := st.Size(t.Context(), key); err != nil {
					t.Fatal(err)
				}
			},
			want: []observation{{storage.OpOpen, false}, {storage.OpSize, false}},
		},
		{
			name: "open of a missing blob is a failure",
			run: func(t *testing.T, st storage.Store, _ string) {
				if _, err := st.Open(t.Context(), mustKey(t, missing)); !errors.Is(err, storage.ErrNotFound) {
					t.Fatalf("Open of a missing blob: %v", err)
				}
			},
			want:    []observation{{storage.OpOpen, true}},
			wantErr: storage.ErrNotFound,
		},
		{
			name: "commit of a discarded stage fails",
			setup: func(t *testing.T, st storage.Store) string {
				tmp, err := st.Stage(t.Context(), strings.NewReader("draf"))
				if err != nil {
					t.Fatal(err)
				}
				if err := st.Discard(t.Context(), tmp); err != nil {
					t.Fatal(err)
				}
				return tmp
			},
			run: func(t *testing.T, st storage.Store, tmp string) {
				if _, err := st.Commit(t.Context(), tmp, mustKey(t, missing)); err == nil {
					t.Fatal("Commit of a discarded stage succeeded")
				}
			},
			want: []observation{{storage.OpCommit, true}},
		},
		{
			name: "a failing upload is not the store's failure",
			run: func(t *testing.T, st storage.Store, _ string) {
				boom := errors.New("upload connection reset")
				if _, err := st.Stage(t.Context(), &errReader{r: strings.NewReader("setengah"), err: boom}); !errors.Is(err, boom) {
					t.Fatalf("Stage from a failing reader: %v", err)
				}
			},
			want: []observation{{storage.OpStage, false}},
		},
		{
			name: "a canceled call is not the store's failure",
			run: func(t *testing.T, st storage.Store, _ string) {
				ctx, cancel := context.WithCancel(t.Context())
				cancel()
				if _, err := st.Stage(ctx, strings.NewReader("batal")); err == nil {
					t.Fatal("Stage on a canceled context succeeded")
				}
			},
			want: []observation{{storage.OpStage, false}},
		},
		{
			name: "discard and delete of missing objects",
			run: func(t *testing.T, st storage.Store, _ string) {
				if err := st.Delete(t.Context(), mustKey(t, missing)); err != nil {
					t.Fatal(err)
				}
				if err := st.Discard(t.Context(), "tmp/"+strings.Repeat("0", 32)); err != nil {
					t.Fatal(err)
				}
			},
			want: []observation{{storage.OpDelete, false}, {storage.OpDiscard, false}},
		},
		{
			name: "inventory iterations, also stopped early",
			setup: func(t *testing.T, st storage.Store) string {
				put(t, st, strings.NewReader("satu"))
				put(t, st, strings.NewReader("dua"))
				return ""
			},
			run: func(t *testing.T, st storage.Store, _ string) {
				for _, err := range st.Blobs(t.Context()) {
					if err != nil {
						t.Fatal(err)
					}
					break
				}
				n := 0
				for _, err := range st.Blobs(t.Context()) {
					if err != nil {
						t.Fatal(err)
					}
					n++
				}
				if n != 2 {
					t.Errorf("Blobs through the wrapper listed %d blobs, want 2", n)
				}
				for _, err := range st.Leftovers(t.Context(), time.Now().Add(time.Hour)) {
					if err != nil {
						t.Fatal(err)
					}
				}
			},
			want: []observation{{storage.OpBlobs, false}, {storage.OpBlobs, false}, {storage.OpLeftovers, false}},
		},
		{
			name: "remove leftover",
			setup: func(t *testing.T, st storage.Store) string {
				tmp, err := st.Stage(t.Context(), strings.NewReader("sisa"))
				if err != nil {
					t.Fatal(err)
				}
				return tmp
			},
			run: func(t *testing.T, st storage.Store, tmp string) {
				if err := st.RemoveLeftover(t.Context(), storage.Leftover{Kind: storage.LeftoverStaged, Name: tmp}); err != nil {
					t.Fatal(err)
				}
			},
			want: []observation{{storage.OpRemoveLeftover, false}},
		},
	}
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					raw, _ := openStore(t, b)
					var rec recorder
					st := storage.Instrument(raw, rec.observe)
					if st.Name() != raw.Name() || storage.Backend(st) != b.name {
						t.Errorf("Name = %q, Backend = %q; want %q and %q", st.Name(), storage.Backend(st), raw.Name(), b.name)
					}
					arg := ""
					if tc.setup != nil {
						arg = tc.setup(t, st)
					}
					rec.reset()
					tc.run(t, st, arg)
					if got := rec.observations(); !slices.Equal(got, tc.want) {
						t.Errorf("observed %v, want %v (errors: %v)", got, tc.want, rec.errs)
					}
					if tc.wantErr != nil && (len(rec.errs) != 1 || !errors.Is(rec.errs[0], tc.wantErr)) {
						t.Errorf("observed errors %v, want one wrapping %v", rec.errs, tc.wantErr)
					}
				})
			}
		})
	}
}

// TestInstrumentReaderStaysUsable checks that what Open returns through
// the wrapper is the store's stream, read in full.
func TestInstrumentReaderStaysUsable(t *testing.T) {
	t.Parallel()
	var rec recorder
	raw, err := storage.New(t.Context(), storage.Config{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	st := storage.Instrument(raw, rec.observe)
	content := strings.Repeat("Daftar hadir sosialisasi. ", 1000)
	key, _, _ := put(t, st, strings.NewReader(content))
	rc, err := st.Open(t.Context(), key)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	got, err := io.ReadAll(rc)
	if err != nil || string(got) != content {
		t.Fatalf("read %d bytes, err %v; want %d bytes", len(got), err, len(content))
	}
}
