package storage

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
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
// sum. Every backend method calls it before touching the store, which is
// what rules out path traversal and stray object names.
func checkKey(key string) error {
	sum, ok := strings.CutPrefix(key, keyPrefix)
	if ok && len(sum) == 2+1+2+1+sumLen && sum[2] == '/' && sum[5] == '/' {
		full := sum[6:]
		if isLowerHex(full, sumLen) && sum[0:2] == full[0:2] && sum[3:5] == full[2:4] {
			return nil
		}
	}
	return fmt.Errorf("storage: %q is not a blob key: build keys with storage.Key(sha256hex)", key)
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
