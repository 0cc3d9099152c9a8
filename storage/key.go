package storage

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

const (
	// keyPrefix starts every blob key; the digest algorithm is part of the
	// key so that another one can be added later without ambiguity.
	keyPrefix = "sha256/"
	// sumLen is the length of a hex SHA-256.
	sumLen = 64
	// tmpPrefix starts every staged object's name, in both backends.
	tmpPrefix = "tmp/"
	// tmpRandBytes is how many random bytes name a staged object.
	tmpRandBytes = 16
	// thumbPrefix starts every thumbnail key: thumbnails are made from
	// blobs, are not blobs themselves, and are listed apart (Thumbs).
	thumbPrefix = "thumb/"
)

// Key returns the content-addressed key of a blob whose SHA-256 is sum, given
// as 64 lower-case hex characters (what hex.EncodeToString of a sha256 sum
// returns): "sha256/ab/cd/abcd…" with the full sum as the last element. The
// two fan-out levels keep directories and listings small.
//
// It returns an error for anything else, including upper-case hex.
func Key(sum string) (string, error) {
	if !isLowerHex(sum, sumLen) {
		return "", fmt.Errorf("storage: %q is not a SHA-256 sum: want 64 lower-case hex characters, as hex.EncodeToString(sha256 sum) returns", sum)
	}
	return keyPrefix + sum[0:2] + "/" + sum[2:4] + "/" + sum, nil
}

// checkKey reports an error unless key is exactly what Key returns for some
// sum, or what ThumbKey returns. Every backend method calls it before
// touching the store, which is what rules out path traversal and stray
// object names.
func checkKey(key string) error {
	if isBlobKey(key) {
		return nil
	}
	if _, _, _, ok := ParseThumbKey(key); ok {
		return nil
	}
	return fmt.Errorf("storage: %q is not a blob key: build keys with storage.Key(sha256hex)", key)
}

// isBlobKey reports whether key is exactly what Key returns for some sum.
func isBlobKey(key string) bool {
	sum, ok := strings.CutPrefix(key, keyPrefix)
	if ok && len(sum) == 2+1+2+1+sumLen && sum[2] == '/' && sum[5] == '/' {
		full := sum[6:]
		return isLowerHex(full, sumLen) && sum[0:2] == full[0:2] && sum[3:5] == full[2:4]
	}
	return false
}

// Thumbnail kinds: what a thumbnail key holds.
const (
	// ThumbImage is the thumbnail itself, a JPEG.
	ThumbImage = "jpg"
	// ThumbFailed records that no thumbnail can be made of the blob (a
	// damaged image, an encrypted PDF); it holds the reason as text.
	ThumbFailed = "failed"
)

// ThumbKey returns the key of the thumbnail (kind ThumbImage) or of the
// recorded failure to make one (ThumbFailed) of the blob whose SHA-256 is
// sum and whose size is size: "thumb/ab/cd/<sum>-<size>.<kind>". The
// content, not the evidence record, names it, so every revision and
// record of the same bytes shares it. Blobs does not list these keys;
// Thumbs does.
func ThumbKey(sum string, size int64, kind string) (string, error) {
	if !isLowerHex(sum, sumLen) {
		return "", fmt.Errorf("storage: %q is not a SHA-256 sum: want 64 lower-case hex characters, as hex.EncodeToString(sha256 sum) returns", sum)
	}
	if size < 0 {
		return "", fmt.Errorf("storage: thumbnail of a blob of %d bytes: the size cannot be negative", size)
	}
	if kind != ThumbImage && kind != ThumbFailed {
		return "", fmt.Errorf("storage: unknown thumbnail kind %q (want %q or %q)", kind, ThumbImage, ThumbFailed)
	}
	return thumbPrefix + sum[0:2] + "/" + sum[2:4] + "/" + sum + "-" + strconv.FormatInt(size, 10) + "." + kind, nil
}

// ParseThumbKey returns the blob sum, size and kind of a key ThumbKey
// returned; ok is false for anything else.
func ParseThumbKey(key string) (sum string, size int64, kind string, ok bool) {
	rest, found := strings.CutPrefix(key, thumbPrefix)
	if !found || len(rest) < 2+1+2+1+sumLen+2 || rest[2] != '/' || rest[5] != '/' {
		return "", 0, "", false
	}
	sum = rest[6 : 6+sumLen]
	if !isLowerHex(sum, sumLen) || rest[0:2] != sum[0:2] || rest[3:5] != sum[2:4] || rest[6+sumLen] != '-' {
		return "", 0, "", false
	}
	num, kind, found := strings.Cut(rest[6+sumLen+1:], ".")
	if !found || num == "" || len(num) > 19 || (len(num) > 1 && num[0] == '0') {
		return "", 0, "", false
	}
	for i := 0; i < len(num); i++ {
		if num[i] < '0' || num[i] > '9' {
			return "", 0, "", false
		}
	}
	size, err := strconv.ParseInt(num, 10, 64)
	if err != nil || (kind != ThumbImage && kind != ThumbFailed) {
		return "", 0, "", false
	}
	return sum, size, kind, true
}

// newTmpName returns a fresh random staged-object name, "tmp/<32 hex>".
func newTmpName() (string, error) {
	var b [tmpRandBytes]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("storage: generate staging name: %w", err)
	}
	return tmpPrefix + hex.EncodeToString(b[:]), nil
}

// checkTmp reports an error unless tmp has the form newTmpName returns.
func checkTmp(tmp string) error {
	rest, ok := strings.CutPrefix(tmp, tmpPrefix)
	if ok && isLowerHex(rest, 2*tmpRandBytes) {
		return nil
	}
	return fmt.Errorf("storage: %q is not a staged object name: pass the name Stage returned", tmp)
}

// isLowerHex reports whether s is exactly n lower-case hex characters.
func isLowerHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
