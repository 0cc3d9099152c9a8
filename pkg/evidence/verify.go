package evidence

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
)

// verifyTail is how many bytes CopyVerified holds back until the whole
// content has been hashed.
const verifyTail = 64 << 10

// ErrContentMismatch is returned (wrapped) by CopyVerified when the bytes
// read do not hash to the recorded SHA-256 or are not the recorded size.
var ErrContentMismatch = errors.New("stored file does not match its record")

// MismatchError is CopyVerified's error for stored bytes that do not match
// their record. Read is how many bytes were read: at most Size+1, so
// Read != Size means the stored file is shorter or longer than recorded.
type MismatchError struct {
	Read, Size int64
	Got, Sum   string
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("%v: %d bytes hashing to %s, recorded %d bytes, %s", ErrContentMismatch, e.Read, e.Got, e.Size, e.Sum)
}

// Unwrap makes the error match ErrContentMismatch.
func (e *MismatchError) Unwrap() error { return ErrContentMismatch }

// CopyVerified copies exactly size bytes from r to w, hashing them, and
// writes the last bytes only once the whole content hashed to sum: a
// damaged or short stored file never reaches w complete. It returns an
// *MismatchError (wrapping ErrContentMismatch) on a mismatch, or the read
// or write error.
func CopyVerified(w io.Writer, r io.Reader, size int64, sum string) error {
	h := sha256.New()
	tr := io.TeeReader(io.LimitReader(r, size+1), h)
	buf := make([]byte, 256<<10)
	held := make([]byte, 0, verifyTail)
	var n int64
	for {
		k, err := tr.Read(buf)
		n += int64(k)
		chunk := buf[:k]
		// Keep the last verifyTail bytes; write what falls out.
		if over := len(held) + len(chunk) - verifyTail; over > 0 {
			fromHeld := min(over, len(held))
			if _, werr := w.Write(held[:fromHeld]); werr != nil {
				return werr
			}
			held = append(held[:0], held[fromHeld:]...)
			if rest := over - fromHeld; rest > 0 {
				if _, werr := w.Write(chunk[:rest]); werr != nil {
					return werr
				}
				chunk = chunk[rest:]
			}
		}
		held = append(held, chunk...)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("read stored file: %w", err)
		}
	}
	if got := hex.EncodeToString(h.Sum(nil)); n != size || got != sum {
		return &MismatchError{Read: n, Size: size, Got: got, Sum: sum}
	}
	_, err := w.Write(held)
	return err
}
