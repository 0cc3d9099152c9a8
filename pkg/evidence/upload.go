package evidence

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"

	"github.com/bukti-id/bukti/pkg/bukti"
)

// Staged is a file streamed into the blob store under a temporary name,
// sniffed and hashed, but not yet recorded. Pass it to Create or
// AddRevision, which commit it, or to Discard.
type Staged struct {
	tmp         string
	SHA256      string
	Size        int64
	ContentType string
	FileName    string
}

// errTooLarge marks the limit being crossed inside the blob store's read.
var errTooLarge = errors.New("evidence: file exceeds the upload limit")

// limitedHash counts and hashes what passes through it and fails once more
// than max bytes have been read.
type limitedHash struct {
	r   io.Reader
	h   hash.Hash
	n   int64
	max int64
}

func (l *limitedHash) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	l.n += int64(n)
	if l.n > l.max {
		return 0, errTooLarge
	}
	l.h.Write(p[:n])
	return n, err
}

// Stage sniffs the head of r, refuses types outside the allowlist, then
// streams r through SHA-256 into the blob store. Memory stays at the sniff
// buffer plus what the store needs, whatever the file size. On any error
// nothing is left in the store.
func (s *Service) Stage(ctx context.Context, fileName string, r io.Reader) (*Staged, error) {
	head := make([]byte, sniffBytes)
	n, err := io.ReadFull(r, head)
	switch {
	case errors.Is(err, io.EOF):
		return nil, bukti.Errorf(bukti.EINVALID, "Berkas %q kosong (0 byte). Pilih berkas yang berisi dokumen.", "file %q is empty (0 bytes)", fileName)
	case errors.Is(err, io.ErrUnexpectedEOF):
		head = head[:n]
	case err != nil:
		return nil, fmt.Errorf("read upload head: %w", err)
	}
	contentType, ok := sniff(head)
	if !ok {
		return nil, bukti.Errorf(bukti.EUNSUPPORTED,
			"Jenis berkas %q tidak diizinkan (terdeteksi: %s). Unggah salah satu dari: %s.",
			"file type of %q is not allowed (detected %s); allowed: %s",
			fileName, contentType, AllowedKinds)
	}
	if int64(len(head)) > s.MaxBytes {
		return nil, s.tooLarge(fileName)
	}
	lh := &limitedHash{r: io.MultiReader(bytes.NewReader(head), r), h: sha256.New(), max: s.MaxBytes}
	tmp, err := s.Store.Stage(ctx, lh)
	if errors.Is(err, errTooLarge) {
		return nil, s.tooLarge(fileName)
	}
	if err != nil {
		return nil, fmt.Errorf("stage upload in %s: %w", s.Store.Name(), err)
	}
	return &Staged{tmp: tmp, SHA256: hex.EncodeToString(lh.h.Sum(nil)), Size: lh.n, ContentType: contentType, FileName: fileName}, nil
}

func (s *Service) tooLarge(fileName string) error {
	return bukti.Errorf(bukti.ETOOLARGE,
		"Berkas %q melebihi batas %s. Perkecil berkas (misalnya kompres PDF atau foto) lalu unggah lagi.",
		"file %q exceeds the upload limit of %s", fileName, humanBytes(s.MaxBytes))
}

// Discard removes a staged file that will not be recorded. It is safe to
// call with nil.
func (s *Service) Discard(ctx context.Context, st *Staged) {
	if st == nil || st.tmp == "" {
		return
	}
	if err := s.Store.Discard(context.WithoutCancel(ctx), st.tmp); err != nil {
		s.Log.Error("discard staged upload", "tmp", st.tmp, "err", err)
	}
	st.tmp = ""
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20:
		return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KiB", float64(n)/(1<<10))
	default:
		return fmt.Sprintf("%d byte", n)
	}
}
