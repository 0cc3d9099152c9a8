package core

import "fmt"

// ThumbnailURL is the path of the thumbnail of an evidence record's file
// with the given SHA-256: the API serves it, the pages link it. The sum in
// the path makes the URL name the content, so it may be cached forever.
func ThumbnailURL(evidenceID int64, sha256 string) string {
	return fmt.Sprintf("/api/v1/evidence/%d/thumbnail/%s", evidenceID, sha256)
}
