package storage

import (
	"context"
	"fmt"
	"strings"

	"github.com/minio/minio-go/v7"
)

// The S3 bucket's layout. S3 cannot rename an object, and a blob's key
// (its SHA-256) is known only once all of its bytes went by; so the bytes
// are written once, under a random name, and the key points to them:
//
//	data/<32 hex>                    a blob's bytes, written by Stage
//	sha256/ab/cd/<sum>/<32 hex>      a pointer: an empty object saying that
//	                                 data/<32 hex> holds the blob <sum>;
//	                                 written by Commit
//
// Thumbnails (ThumbKey) are stored the same way: their pointers are
// thumb/ab/cd/<sum>-<size>.<kind>/<32 hex>, and their data objects are
// under data/ with the blobs'. Leftovers therefore reads the pointers
// under both prefixes before it calls a data object unnamed.
//
// Key(sum) is the prefix of its pointers, so one listing finds them. Two
// uploads of the same bytes racing may leave two pointers (and two data
// objects) for one key; either serves. Data that no pointer names is what
// an interrupted upload left (Leftovers).
//
// Earlier versions copied the staged object to its key on the server,
// writing every byte twice. What they wrote is read as it is, without a
// migration:
//
//	sha256/ab/cd/<sum>               a blob stored whole under its key
//	thumb/ab/cd/<sum>-<size>.<kind>  a thumbnail stored whole under its key
//	tmp/<32 hex>                     a staged object (a leftover)
const dataPrefix = "data/"

// dataName is the data object of a staged name ("tmp/<hex>" →
// "data/<hex>"). The staged name keeps the form every backend uses.
func dataName(tmp string) string { return dataPrefix + strings.TrimPrefix(tmp, tmpPrefix) }

// pointerName is the pointer from key to the data object data.
func pointerName(key, data string) string {
	return key + "/" + strings.TrimPrefix(data, dataPrefix)
}

// parsePointer splits the name of a pointer into its blob key and data
// object; ok is false for anything else.
func parsePointer(name string) (key, data string, ok bool) {
	i := strings.LastIndexByte(name, '/')
	if i < 0 {
		return "", "", false
	}
	key, id := name[:i], name[i+1:]
	if checkKey(key) != nil || !isLowerHex(id, 2*tmpRandBytes) {
		return "", "", false
	}
	return key, dataPrefix + id, true
}

// names lists what the bucket holds for key: the key itself (a blob of an
// earlier version) and its pointers, in that order.
func (s *s3Store) names(ctx context.Context, key string) ([]string, error) {
	ctx, cancel := context.WithCancel(ctx) // ends the listing
	defer cancel()
	var out []string
	for obj := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: key, Recursive: true}) {
		if obj.Err != nil {
			return nil, classifyS3(ctx, fmt.Errorf("storage: look up %s in %s: %w", key, s.name, obj.Err))
		}
		if obj.Key == key {
			out = append([]string{key}, out...)
		} else if k, _, ok := parsePointer(obj.Key); ok && k == key {
			out = append(out, obj.Key)
		}
	}
	return out, nil
}

// candidates lists the objects that may hold key's bytes, best first: the
// key itself, then the data objects its pointers name. A pointer whose
// data is gone (removed behind the store's back) is skipped by whoever
// tries the next.
func (s *s3Store) candidates(ctx context.Context, key string) ([]string, error) {
	names, err := s.names(ctx, key)
	if err != nil {
		return nil, err
	}
	for i, n := range names {
		if _, data, ok := parsePointer(n); ok {
			names[i] = data
		}
	}
	return names, nil
}

// existing returns the first candidate of key that exists, or "" when
// none does.
func (s *s3Store) existing(ctx context.Context, key string) (string, error) {
	objs, err := s.candidates(ctx, key)
	if err != nil {
		return "", err
	}
	for _, obj := range objs {
		_, err := s.client.StatObject(ctx, s.bucket, obj, minio.StatObjectOptions{})
		if err == nil {
			return obj, nil
		}
		if !isNoSuchKey(err) {
			return "", classifyS3(ctx, fmt.Errorf("storage: look up %s in %s: %w", key, s.name, err))
		}
	}
	return "", nil
}
