package storage_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"iter"
	"maps"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bukti-id/bukti/storage"
)

// contractTests are the behaviours every Store must have, run as named
// subtests of each backend.
var contractTests = []struct {
	name string
	run  func(t *testing.T, b backend)
}{
	{"round trip", testRoundTrip},
	{"empty blob", testEmptyBlob},
	{"commit same content twice", testCommitTwice},
	{"concurrent commits of one key", testConcurrentCommits},
	{"discard", testDiscard},
	{"missing blob", testMissing},
	{"delete", testDelete},
	{"malformed names are rejected", testMalformedNames},
	{"failed stage leaves nothing", testFailedStage},
	{"canceled stage leaves nothing", testCanceledStage},
	{"large streamed blob", testLargeBlob},
	{"reopen sees committed blobs", testReopen},
	{"name", testName},
	{"inventory", testInventory},
	{"thumbnails", testThumbnails},
	{"seek", testSeek},
}

func TestStoreContract(t *testing.T) {
	t.Parallel()
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			for _, tc := range contractTests {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel() // each opens a store of its own
					tc.run(t, b)
				})
			}
		})
	}
}

// openStore opens a fresh store of backend b.
func openStore(t *testing.T, b backend) (storage.Store, storage.Config) {
	t.Helper()
	cfg := b.config(t)
	st, err := storage.New(t.Context(), cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return st, cfg
}

// put stages r and commits it under the key of its SHA-256, returning the
// key, the hex sum and whether Commit created the blob.
func put(t *testing.T, st storage.Store, r io.Reader) (key, sum string, created bool) {
	t.Helper()
	h := sha256.New()
	tmp, err := st.Stage(t.Context(), io.TeeReader(r, h))
	if err != nil {
		t.Fatalf("Stage: %v", err)
	}
	sum = hex.EncodeToString(h.Sum(nil))
	key = mustKey(t, sum)
	created, err = st.Commit(t.Context(), tmp, key)
	if err != nil {
		t.Fatalf("Commit: %v", err)
	}
	return key, sum, created
}

func mustKey(t *testing.T, sum string) string {
	t.Helper()
	key, err := storage.Key(sum)
	if err != nil {
		t.Fatalf("Key(%q): %v", sum, err)
	}
	return key
}

// readBlob streams the blob and returns its size and hex SHA-256.
func readBlob(t *testing.T, st storage.Store, key string) (int64, string) {
	t.Helper()
	rc, err := st.Open(t.Context(), key)
	if err != nil {
		t.Fatalf("Open(%s): %v", key, err)
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.Copy(h, rc)
	if err != nil {
		t.Fatalf("read %s: %v", key, err)
	}
	return n, hex.EncodeToString(h.Sum(nil))
}

// noStaged fails unless staging left nothing behind.
func noStaged(t *testing.T, b backend, cfg storage.Config) {
	t.Helper()
	if left := b.staged(t, cfg); len(left) > 0 {
		t.Errorf("staged objects left behind: %v", left)
	}
}

func testRoundTrip(t *testing.T, b backend) {
	st, cfg := openStore(t, b)
	content := []byte("Laporan kunjungan Posyandu, Januari: 42 balita ditimbang.\n")
	key, sum, created := put(t, st, bytes.NewReader(content))
	if !created {
		t.Error("first Commit: created = false, want true")
	}
	want := sha256.Sum256(content)
	if sum != hex.EncodeToString(want[:]) {
		t.Fatalf("sum of staged bytes = %s, want %x", sum, want)
	}
	noStaged(t, b, cfg)

	rc, err := st.Open(t.Context(), key)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	got, err := io.ReadAll(rc) // a few bytes: fine to hold in a test
	if cerr := rc.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	if !bytes.Equal(got, content) {
		t.Errorf("Open returned %q, want %q", got, content)
	}
	if gotSum := sha256.Sum256(got); gotSum != want {
		t.Errorf("sha256 of read bytes = %x, want %x", gotSum, want)
	}
	size, err := st.Size(t.Context(), key)
	if err != nil {
		t.Fatalf("Size: %v", err)
	}
	if size != int64(len(content)) {
		t.Errorf("Size = %d, want %d", size, len(content))
	}
}

func testEmptyBlob(t *testing.T, b backend) {
	st, cfg := openStore(t, b)
	key, sum, created := put(t, st, strings.NewReader(""))
	if !created {
		t.Error("created = false, want true")
	}
	if want := hex.EncodeToString(sha256.New().Sum(nil)); sum != want {
		t.Errorf("sum = %s, want the empty sum %s", sum, want)
	}
	noStaged(t, b, cfg)
	if n, _ := readBlob(t, st, key); n != 0 {
		t.Errorf("read %d bytes, want 0", n)
	}
	if size, err := st.Size(t.Context(), key); err != nil || size != 0 {
		t.Errorf("Size = %d, %v; want 0, nil", size, err)
	}
}

func testCommitTwice(t *testing.T, b backend) {
	st, cfg := openStore(t, b)
	content := "Notulen lokakarya mini bulanan"
	key, sum, created := put(t, st, strings.NewReader(content))
	if !created {
		t.Fatal("first Commit: created = false, want true")
	}
	// S3 keeps times in whole seconds: let one pass, so a Commit that left
	// the first time in place is seen.
	time.Sleep(1100 * time.Millisecond)
	before := time.Now().Truncate(time.Second)
	key2, sum2, created2 := put(t, st, strings.NewReader(content))
	for bi, err := range st.Blobs(t.Context()) {
		if err != nil {
			t.Fatalf("Blobs: %v", err)
		}
		if bi.Key == key && bi.Modified.Before(before) {
			t.Errorf("second Commit left the blob's time at %v, before the Commit (%v): a sweeper could take it for unreferenced", bi.Modified, before)
		}
	}
	if key2 != key || sum2 != sum {
		t.Fatalf("same content gave key %s, then %s", key, key2)
	}
	if created2 {
		t.Error("second Commit of the same content: created = true, want false")
	}
	noStaged(t, b, cfg)
	if n, got := readBlob(t, st, key); n != int64(len(content)) || got != sum {
		t.Errorf("after second Commit the blob has %d bytes, sum %s; want %d, %s", n, got, len(content), sum)
	}
}

func testConcurrentCommits(t *testing.T, b backend) {
	st, cfg := openStore(t, b)
	const workers = 4
	content := "SOP pemberian imunisasi dasar lengkap"
	sum := sha256.Sum256([]byte(content))
	key := mustKey(t, hex.EncodeToString(sum[:]))

	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		created int
		errs    []error
	)
	for range workers {
		wg.Go(func() {
			tmp, err := st.Stage(t.Context(), strings.NewReader(content))
			if err == nil {
				var c bool
				c, err = st.Commit(t.Context(), tmp, key)
				if c {
					mu.Lock()
					created++
					mu.Unlock()
				}
			}
			if err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("concurrent Stage/Commit: %v", err)
	}
	switch {
	case created == 0:
		t.Errorf("no Commit reported created")
	case b.exclusiveCommit && created != 1:
		t.Errorf("%d Commits reported created, want exactly 1", created)
	}
	noStaged(t, b, cfg)
	if n, got := readBlob(t, st, key); n != int64(len(content)) || got != hex.EncodeToString(sum[:]) {
		t.Errorf("blob has %d bytes, sum %s; want %d, %x", n, got, len(content), sum)
	}
}

func testDiscard(t *testing.T, b backend) {
	st, cfg := openStore(t, b)
	content := "Daftar hadir rapat linsek"
	tmp, err := st.Stage(t.Context(), strings.NewReader(content))
	if err != nil {
		t.Fatalf("Stage: %v", err)
	}
	if len(b.staged(t, cfg)) != 1 {
		t.Fatalf("after Stage, staged = %v, want one object", b.staged(t, cfg))
	}
	if err := st.Discard(t.Context(), tmp); err != nil {
		t.Fatalf("Discard: %v", err)
	}
	noStaged(t, b, cfg)
	if err := st.Discard(t.Context(), tmp); err != nil {
		t.Errorf("second Discard: %v, want nil (missing is not an error)", err)
	}
	sum := sha256.Sum256([]byte(content))
	key := mustKey(t, hex.EncodeToString(sum[:]))
	if created, err := st.Commit(t.Context(), tmp, key); err == nil {
		t.Errorf("Commit of a discarded object = %v, nil; want an error", created)
	}
	if _, err := st.Size(t.Context(), key); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Size after failed Commit: %v, want ErrNotFound", err)
	}
}

func testMissing(t *testing.T, b backend) {
	st, _ := openStore(t, b)
	key := mustKey(t, strings.Repeat("ab", 32))
	rc, err := st.Open(t.Context(), key)
	if !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Open of a missing blob: %v, want ErrNotFound", err)
	}
	if rc != nil {
		t.Errorf("Open of a missing blob returned a reader")
		rc.Close()
	}
	if _, err := st.Size(t.Context(), key); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Size of a missing blob: %v, want ErrNotFound", err)
	}
	if err := st.Delete(t.Context(), key); err != nil {
		t.Errorf("Delete of a missing blob: %v, want nil", err)
	}
}

func testDelete(t *testing.T, b backend) {
	st, _ := openStore(t, b)
	key, _, _ := put(t, st, strings.NewReader("Foto papan informasi pelayanan"))
	if err := st.Delete(t.Context(), key); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := st.Open(t.Context(), key); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Open after Delete: %v, want ErrNotFound", err)
	}
	if err := st.Delete(t.Context(), key); err != nil {
		t.Errorf("second Delete: %v, want nil", err)
	}
}

func testMalformedNames(t *testing.T, b backend) {
	st, _ := openStore(t, b)
	sum := strings.Repeat("0f", 32)
	goodKey := mustKey(t, sum)
	tmp, err := st.Stage(t.Context(), strings.NewReader("x"))
	if err != nil {
		t.Fatalf("Stage: %v", err)
	}
	t.Cleanup(func() { _ = st.Discard(context.Background(), tmp) })

	badKeys := []struct{ name, key string }{
		{"empty", ""},
		{"bare sum", sum},
		{"traversal", "../../etc/passwd"},
		{"traversal inside prefix", "sha256/0f/0f/../../../../etc/passwd"},
		{"absolute", "/" + goodKey},
		{"upper case", strings.ToUpper(goodKey)},
		{"wrong fan-out", "sha256/00/0f/" + sum},
		{"short sum", goodKey[:len(goodKey)-1]},
		{"trailing slash", goodKey + "/"},
		{"staged name", tmp},
	}
	for _, tc := range badKeys {
		t.Run("key "+tc.name, func(t *testing.T) {
			ctx := t.Context()
			if _, err := st.Open(ctx, tc.key); err == nil || errors.Is(err, storage.ErrNotFound) {
				t.Errorf("Open(%q) = %v, want a malformed-key error", tc.key, err)
			}
			if _, err := st.Size(ctx, tc.key); err == nil || errors.Is(err, storage.ErrNotFound) {
				t.Errorf("Size(%q) = %v, want a malformed-key error", tc.key, err)
			}
			if err := st.Delete(ctx, tc.key); err == nil {
				t.Errorf("Delete(%q) = nil, want a malformed-key error", tc.key)
			}
			if _, err := st.Commit(ctx, tmp, tc.key); err == nil {
				t.Errorf("Commit(tmp, %q) = nil error, want a malformed-key error", tc.key)
			}
		})
	}
	badTmps := []struct{ name, tmp string }{
		{"empty", ""},
		{"blob key", goodKey},
		{"traversal", "tmp/../sha256/0f/0f/" + sum},
		{"no prefix", strings.TrimPrefix(tmp, "tmp/")},
		{"short", tmp[:len(tmp)-1]},
	}
	for _, tc := range badTmps {
		t.Run("tmp "+tc.name, func(t *testing.T) {
			if _, err := st.Commit(t.Context(), tc.tmp, goodKey); err == nil {
				t.Errorf("Commit(%q, key) = nil error, want a malformed-name error", tc.tmp)
			}
			if err := st.Discard(t.Context(), tc.tmp); err == nil {
				t.Errorf("Discard(%q) = nil, want a malformed-name error", tc.tmp)
			}
		})
	}
	// The staged object survived all of that and still commits.
	created, err := st.Commit(t.Context(), tmp, mustKey(t, sha256Hex("x")))
	if err != nil || !created {
		t.Errorf("Commit after rejected calls = %v, %v; want true, nil", created, err)
	}
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// partBytes is past one S3 upload part, so a failed S3 Stage has uploaded
// a part that must be cleaned up.
const partBytes = 33 << 20

// errReader fails after n deterministic bytes.
type errReader struct {
	r   io.Reader
	err error
}

func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err == io.EOF {
		return n, e.err
	}
	return n, err
}

func testFailedStage(t *testing.T, b backend) {
	st, cfg := openStore(t, b)
	boom := errors.New("upload connection reset")
	r := &errReader{r: io.LimitReader(rand.NewChaCha8([32]byte{1}), partBytes), err: boom}
	tmp, err := st.Stage(t.Context(), r)
	if !errors.Is(err, boom) {
		t.Fatalf("Stage from a failing reader = %q, %v; want an error wrapping %v", tmp, err, boom)
	}
	noStaged(t, b, cfg)
}

// cancelReader cancels its context once n bytes have been read.
type cancelReader struct {
	r      io.Reader
	n      int64
	cancel context.CancelFunc
}

func (c *cancelReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n -= int64(n)
	if c.n <= 0 {
		c.cancel()
	}
	return n, err
}

func testCanceledStage(t *testing.T, b backend) {
	st, cfg := openStore(t, b)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	r := &cancelReader{r: rand.NewChaCha8([32]byte{2}), n: partBytes, cancel: cancel}
	tmp, err := st.Stage(ctx, r)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Stage with a canceled context = %q, %v; want an error wrapping context.Canceled", tmp, err)
	}
	noStaged(t, b, cfg)
}

func testLargeBlob(t *testing.T, b backend) {
	const size = 64 << 20
	st, cfg := openStore(t, b)
	// A deterministic generator, never a slice: nothing here holds the blob.
	key, sum, created := put(t, st, io.LimitReader(rand.NewChaCha8([32]byte{3}), size))
	if !created {
		t.Error("created = false, want true")
	}
	want := sha256.New()
	if _, err := io.Copy(want, io.LimitReader(rand.NewChaCha8([32]byte{3}), size)); err != nil {
		t.Fatal(err)
	}
	if wantSum := hex.EncodeToString(want.Sum(nil)); sum != wantSum {
		t.Fatalf("sum of staged bytes = %s, want %s", sum, wantSum)
	}
	noStaged(t, b, cfg)
	if got, err := st.Size(t.Context(), key); err != nil || got != size {
		t.Errorf("Size = %d, %v; want %d, nil", got, err, size)
	}
	if n, got := readBlob(t, st, key); n != size || got != sum {
		t.Errorf("read back %d bytes with sum %s; want %d bytes with sum %s", n, got, size, sum)
	}
}

func testReopen(t *testing.T, b backend) {
	st, cfg := openStore(t, b)
	content := "Rencana usulan kegiatan tahunan"
	key, sum, _ := put(t, st, strings.NewReader(content))
	again, err := storage.New(t.Context(), cfg)
	if err != nil {
		t.Fatalf("New on an existing store: %v", err)
	}
	if n, got := readBlob(t, again, key); n != int64(len(content)) || got != sum {
		t.Errorf("reopened store has %d bytes, sum %s; want %d, %s", n, got, len(content), sum)
	}
}

func testName(t *testing.T, b backend) {
	st, cfg := openStore(t, b)
	name := st.Name()
	if !strings.HasPrefix(name, b.name+" ") {
		t.Errorf("Name() = %q, want it to start with %q", name, b.name+" ")
	}
	if cfg.S3.SecretKey != "" && strings.Contains(name, cfg.S3.SecretKey) {
		t.Errorf("Name() = %q contains the secret key", name)
	}
	if cfg.S3.Bucket != "" && !strings.HasSuffix(name, "/"+cfg.S3.Bucket) {
		t.Errorf("Name() = %q, want it to end with the bucket %q", name, cfg.S3.Bucket)
	}
}

// testInventory: Blobs lists exactly the committed blobs; Leftovers finds
// what interrupted uploads left once it is older than the cut-off, and
// RemoveLeftover clears it without touching a blob.
func testInventory(t *testing.T, b backend) {
	st, cfg := openStore(t, b)
	ctx := t.Context()
	want := map[string]int64{}
	for _, content := range []string{"first blob", "second, longer blob"} {
		key, _, _ := put(t, st, strings.NewReader(content))
		want[key] = int64(len(content))
	}
	inFlight, err := st.Stage(ctx, strings.NewReader("an upload still running"))
	if err != nil {
		t.Fatalf("Stage: %v", err)
	}
	leftovers := b.interrupt(t, cfg)

	got := map[string]int64{}
	for bi, err := range st.Blobs(ctx) {
		if err != nil {
			t.Fatalf("Blobs: %v", err)
		}
		got[bi.Key] = bi.Size
	}
	if !maps.Equal(got, want) {
		t.Errorf("Blobs = %v, want %v", got, want)
	}

	list := func(before time.Time) []storage.Leftover {
		var out []storage.Leftover
		for l, err := range st.Leftovers(ctx, before) {
			if err != nil {
				t.Fatalf("Leftovers: %v", err)
			}
			out = append(out, l)
		}
		return out
	}
	if old := list(time.Now().Add(-time.Hour)); len(old) != 0 {
		t.Errorf("Leftovers older than an hour = %v, want none", old)
	}
	// The cut-off in the future makes everything old enough, the upload
	// still running included: a real sweeper's cut-off is hours back.
	all := list(time.Now().Add(time.Hour))
	if len(all) != leftovers+1 {
		t.Fatalf("Leftovers = %+v, want %d (the interrupted ones and the staged upload)", all, leftovers+1)
	}
	for _, l := range all {
		if l.Name == "" || l.Modified.IsZero() || (l.Kind != storage.LeftoverStaged && l.Kind != storage.LeftoverMultipart) {
			t.Errorf("leftover %+v: want a name, a time and a known kind", l)
		}
		if err := st.RemoveLeftover(ctx, l); err != nil {
			t.Errorf("RemoveLeftover(%+v): %v", l, err)
		}
		if err := st.RemoveLeftover(ctx, l); err != nil {
			t.Errorf("RemoveLeftover twice (%+v): %v", l, err)
		}
	}
	noStaged(t, b, cfg)
	if _, err := st.Commit(ctx, inFlight, mustKey(t, sha256Hex("an upload still running"))); err == nil {
		t.Error("Commit of a removed staged object succeeded")
	}
	for key, size := range want {
		if n, _ := readBlob(t, st, key); n != size {
			t.Errorf("blob %s: %d bytes after removing leftovers, want %d", key, n, size)
		}
	}
}

// testThumbnails: a thumbnail is written, read, sized and deleted under
// its ThumbKey like a blob, listed by Thumbs and never by Blobs; Blobs'
// keys are not listed by Thumbs; a committed thumbnail is never a
// leftover.
func testThumbnails(t *testing.T, b backend) {
	st, cfg := openStore(t, b)
	ctx := t.Context()
	blobKey, sum, _ := put(t, st, strings.NewReader("a photo of the meeting"))
	thumb := []byte("\xff\xd8 a small JPEG")
	key, err := storage.ThumbKey(sum, 22, storage.ThumbImage)
	if err != nil {
		t.Fatal(err)
	}
	failed, err := storage.ThumbKey(sum, 22, storage.ThumbFailed)
	if err != nil {
		t.Fatal(err)
	}
	for k, content := range map[string][]byte{key: thumb, failed: []byte("no decoder")} {
		tmp, err := st.Stage(ctx, bytes.NewReader(content))
		if err != nil {
			t.Fatalf("Stage: %v", err)
		}
		if created, err := st.Commit(ctx, tmp, k); err != nil || !created {
			t.Fatalf("Commit(%s) = %v, %v; want created", k, created, err)
		}
	}
	if n, got := readBlob(t, st, key); n != int64(len(thumb)) || got != sha256Hex(string(thumb)) {
		t.Errorf("Open(%s) = %d bytes hashing to %s, want %q", key, n, got, thumb)
	}
	if n, err := st.Size(ctx, key); err != nil || n != int64(len(thumb)) {
		t.Errorf("Size(%s) = %d, %v; want %d", key, n, err, len(thumb))
	}
	list := func(seq func(context.Context) iter.Seq2[storage.BlobInfo, error]) map[string]int64 {
		got := map[string]int64{}
		for bi, err := range seq(ctx) {
			if err != nil {
				t.Fatalf("list: %v", err)
			}
			got[bi.Key] = bi.Size
		}
		return got
	}
	if got, want := list(st.Blobs), map[string]int64{blobKey: 22}; !maps.Equal(got, want) {
		t.Errorf("Blobs = %v, want only the blob %v", got, want)
	}
	if got, want := list(st.Thumbs), map[string]int64{key: int64(len(thumb)), failed: 10}; !maps.Equal(got, want) {
		t.Errorf("Thumbs = %v, want %v", got, want)
	}
	// A committed thumbnail is no leftover, however old (on S3 its bytes
	// are a data object its pointer names).
	noStaged(t, b, cfg)
	for l, err := range st.Leftovers(ctx, time.Now().Add(time.Hour)) {
		t.Errorf("Leftovers yields %+v, %v; want nothing", l, err)
	}
	if err := st.Delete(ctx, key); err != nil {
		t.Fatalf("Delete(%s): %v", key, err)
	}
	if _, err := st.Size(ctx, key); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Size after Delete: %v, want ErrNotFound", err)
	}
	if n, _ := readBlob(t, st, blobKey); n != 22 {
		t.Errorf("the blob has %d bytes after its thumbnail was deleted, want 22", n)
	}
}

// testSeek: the reader Open returns can seek (ranges are served from it),
// forwards, back and from the end, also after part of it was read.
func testSeek(t *testing.T, b backend) {
	st, _ := openStore(t, b)
	content := make([]byte, 3<<20)
	_, _ = rand.NewChaCha8([32]byte{9}).Read(content)
	key, _, _ := put(t, st, bytes.NewReader(content))
	rc, err := st.Open(t.Context(), key)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	rs, ok := rc.(io.ReadSeeker)
	if !ok {
		t.Fatalf("Open returned %T, not an io.ReadSeeker", rc)
	}
	head := make([]byte, 100)
	if _, err := io.ReadFull(rs, head); err != nil || !bytes.Equal(head, content[:100]) {
		t.Fatalf("first 100 bytes: %v", err)
	}
	for _, tc := range []struct {
		name     string
		offset   int64
		whence   int
		want     int64
		readSize int
	}{
		{"end", 0, io.SeekEnd, int64(len(content)), 10},
		{"forwards", 2 << 20, io.SeekStart, 2 << 20, 1000},
		{"back to the start", 0, io.SeekStart, 0, 50},
		{"back", 10, io.SeekStart, 10, 1 << 20},
		{"relative", 5, io.SeekCurrent, 10 + 1<<20 + 5, 200},
		{"from the end", -7, io.SeekEnd, int64(len(content)) - 7, 7},
	} {
		pos, err := rs.Seek(tc.offset, tc.whence)
		if err != nil || pos != tc.want {
			t.Fatalf("%s: Seek = %d, %v; want %d", tc.name, pos, err, tc.want)
		}
		got, err := io.ReadAll(io.LimitReader(rs, int64(tc.readSize)))
		want := content[min(pos, int64(len(content))):min(pos+int64(tc.readSize), int64(len(content)))]
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: read %d bytes (%v), want %d equal to the content there", tc.name, len(got), err, len(want))
		}
	}
}
