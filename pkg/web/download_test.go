package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/bukti-id/bukti/pkg/integrity"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// TestDownloadOfDamagedFile: a stored file whose bytes no longer match its
// record (a flipped byte, a short file) is never delivered as a complete
// 200: the transfer ends early and the client sees it fail. An intact file
// still downloads whole, and by range.
func TestDownloadOfDamagedFile(t *testing.T) {
	for _, combo := range testenv.Combos {
		t.Run(testenv.Name(combo.DB, combo.Store), func(t *testing.T) {
			h := newHarness(t, combo.DB, combo.Store, 10<<20)
			f := h.createFacility("P3277010101")
			pdf := testenv.PDF("SK Kepala Puskesmas")
			up := h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/a/R1"}, field{name: "title", value: "SK"}, file("sk.pdf", pdf))
			url := fmt.Sprintf("%s/api/v1/evidence/%d/content", h.srv.URL, up.ID)
			get := func(header ...string) (*http.Response, []byte, error) {
				req, _ := http.NewRequest("GET", url, nil)
				req.Header.Set("Authorization", "Bearer "+h.token)
				for i := 0; i+1 < len(header); i += 2 {
					req.Header.Set(header[i], header[i+1])
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					return nil, nil, err
				}
				defer resp.Body.Close()
				b, err := io.ReadAll(resp.Body)
				return resp, b, err
			}

			if resp, body, err := get(); err != nil || resp.StatusCode != http.StatusOK || !bytes.Equal(body, pdf) {
				t.Fatalf("intact download: %v, %v, equal %v", resp, err, bytes.Equal(body, pdf))
			}
			if resp, body, err := get("Range", "bytes=0-4"); err != nil || resp.StatusCode != http.StatusPartialContent || string(body) != "%PDF-" {
				t.Errorf("range of an intact file: %v %q %v", resp, body, err)
			}

			for _, tc := range []struct {
				name string
				data []byte
				kind string // the damage the download records
			}{
				{"FlippedByte", func() []byte { b := bytes.Clone(pdf); b[len(b)/2] ^= 1; return b }(), integrity.Corrupt},
				{"Truncated", pdf[:len(pdf)-7], integrity.WrongSize},
			} {
				t.Run(tc.name, func(t *testing.T) {
					h.replaceBlob(up.SHA256, tc.data)
					resp, body, err := get()
					if err == nil {
						t.Fatalf("download of a damaged file ended cleanly: status %d, %d of %d bytes", resp.StatusCode, len(body), len(pdf))
					}
					if len(body) >= len(pdf) {
						t.Errorf("a damaged file reached the client whole (%d bytes)", len(body))
					}
					// The download records the damage (the client may see the
					// transfer fail before the record is written).
					var d *sqlstore.DamagedBlob
					for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
						if d, err = h.app.DB.Damage(context.Background(), up.SHA256); err == nil && d.Kind == tc.kind {
							break
						}
					}
					if d == nil || d.Kind != tc.kind || d.LastSource != integrity.SourceDownload || d.ResolvedAt != nil {
						t.Errorf("damage recorded: %+v, %v; want %s, seen by a download", d, err, tc.kind)
					}
				})
			}
		})
	}
}
