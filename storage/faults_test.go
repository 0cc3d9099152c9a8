package storage_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/bukti-id/bukti/pkg/testenv"
	"github.com/bukti-id/bukti/storage"
)

// stageCommit stages b and commits it, returning the key.
func stageCommit(ctx context.Context, st storage.Store, b []byte) (string, error) {
	tmp, err := st.Stage(ctx, bytes.NewReader(b))
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	key, _ := storage.Key(hex.EncodeToString(sum[:]))
	if _, err := st.Commit(ctx, tmp, key); err != nil {
		_ = st.Discard(ctx, tmp)
		return "", err
	}
	return key, nil
}

// TestS3Outage puts a proxy between the store and MinIO and breaks it: a
// server that hangs and one that is gone. Every operation fails with
// ErrUnavailable within a bound that only catches hangs, Check says so,
// and the same store serves again once the server is back.
func TestS3Outage(t *testing.T) {
	cfg := testenv.StoreConfig(t, "s3")
	proxy := testenv.NewFaultProxy(t, cfg.S3.Endpoint)
	cfg.S3.Endpoint = proxy.Addr
	cfg.Timeout = time.Second
	ctx := context.Background()
	st, err := storage.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	key, err := stageCommit(ctx, st, []byte("sebelum gangguan"))
	if err != nil {
		t.Fatal(err)
	}
	ops := map[string]func() error{
		"stage": func() error { _, err := stageCommit(ctx, st, []byte("selama gangguan")); return err },
		"check": func() error { return storage.Check(ctx, st) },
		"size":  func() error { _, err := st.Size(ctx, key); return err },
		"open": func() error {
			rc, err := st.Open(ctx, key)
			if err == nil {
				_, err = io.ReadAll(rc)
				rc.Close()
			}
			return err
		},
	}
	for _, fault := range []struct {
		name string
		fail func()
	}{{"frozen", proxy.Freeze}, {"down", proxy.Down}} {
		t.Run(fault.name, func(t *testing.T) {
			fault.fail()
			for name, op := range ops {
				start := time.Now()
				err := op()
				if !errors.Is(err, storage.ErrUnavailable) {
					t.Errorf("%s: err = %v, want ErrUnavailable", name, err)
				}
				if took := time.Since(start); took > 30*time.Second {
					t.Errorf("%s: answered after %v", name, took)
				}
			}
			if err := proxy.Heal(); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(30 * time.Second)
			for storage.Check(ctx, st) != nil && time.Now().Before(deadline) {
				time.Sleep(100 * time.Millisecond)
			}
			if _, err := stageCommit(ctx, st, []byte("setelah gangguan "+fault.name)); err != nil {
				t.Fatalf("after the server came back: %v", err)
			}
			rc, err := st.Open(ctx, key)
			if err != nil {
				t.Fatalf("open after the server came back: %v", err)
			}
			b, _ := io.ReadAll(rc)
			rc.Close()
			if string(b) != "sebelum gangguan" {
				t.Errorf("read %q", b)
			}
		})
	}
}

// TestFilesystemFull stages into a small tmpfs: a file larger than the
// free space fails with ErrNoSpace and leaves nothing staged, and Check
// reports the free space under the minimum. (Mounting needs root; without
// it only the classification is checked, by TestClassify.)
func TestFilesystemFull(t *testing.T) {
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Logf("cannot mount a tmpfs (%v: %s): ENOSPC is covered by TestClassify only", err, bytes.TrimSpace(out))
		return
	}
	t.Cleanup(func() { _ = exec.Command("umount", dir).Run() })
	ctx := context.Background()
	st, err := storage.New(ctx, storage.Config{Dir: dir, MinFreeBytes: 512 << 10})
	if err != nil {
		t.Fatal(err)
	}
	if err := storage.Check(ctx, st); err != nil {
		t.Fatalf("check of an empty 1 MiB store with a 512 KiB minimum: %v", err)
	}
	if _, err := stageCommit(ctx, st, bytes.Repeat([]byte("a"), 600<<10)); err != nil {
		t.Fatal(err)
	}
	if err := storage.Check(ctx, st); !errors.Is(err, storage.ErrNoSpace) {
		t.Errorf("check with less than the minimum free: %v, want ErrNoSpace", err)
	}
	_, err = stageCommit(ctx, st, bytes.Repeat([]byte("b"), 600<<10))
	if !errors.Is(err, storage.ErrNoSpace) {
		t.Fatalf("stage into a full store: %v, want ErrNoSpace", err)
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, "tmp")); len(entries) != 0 {
		t.Errorf("a failed stage left %d staged files", len(entries))
	}
}
