package evidence_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/bukti-id/bukti/criteria"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/pkg/org"
	"github.com/bukti-id/bukti/pkg/readiness"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/pkg/testenv"
	"github.com/bukti-id/bukti/storage"
)

// now is the fixed clock of every test: 10 March 2025, 09:00 WIB.
var now = time.Date(2025, time.March, 10, 2, 0, 0, 0, time.UTC)

func fixedNow() time.Time { return now }

// day returns midnight UTC of now's date shifted by n days, the way the web
// layer stores a date-only field.
func day(n int) *time.Time {
	d := time.Date(now.Year(), now.Month(), now.Day()+n, 0, 0, 0, 0, time.UTC)
	return &d
}

// user is the acting user of every call.
const user int64 = 7

// env is one test's service on a fresh database and a fresh blob store.
type env struct {
	t        *testing.T
	svc      *evidence.Service
	db       *gorm.DB
	store    storage.Store
	cfg      storage.Config
	facility int64
}

// openStore opens a fresh store of the given kind and returns it with its
// configuration (which testenv.StagedLeft and testenv.StoredBlobs need).
func openStore(t testing.TB, kind string) (storage.Store, storage.Config) {
	t.Helper()
	cfg := testenv.StoreConfig(t, kind)
	st, err := storage.New(context.Background(), cfg)
	if err != nil {
		t.Fatalf("open %s store: %v", kind, err)
	}
	return st, cfg
}

// stageOnly is a service for tests of Stage alone: a store, no database.
func stageOnly(t testing.TB, storeKind string, maxBytes int64) (*evidence.Service, storage.Config) {
	t.Helper()
	st, cfg := openStore(t, storeKind)
	return &evidence.Service{Blobs: st, Catalogue: criteria.MustBuiltin(), MaxBytes: maxBytes, Now: fixedNow, Log: testenv.Logger(t)}, cfg
}

// newEnv opens a database and a store of the given kinds and creates one
// facility.
func newEnv(t *testing.T, dbKind, storeKind string) *env {
	t.Helper()
	gdb := testenv.OpenDB(t, dbKind)
	st, cfg := openStore(t, storeKind)
	o := &org.Service{Store: sqlstore.New(gdb, fixedNow), Now: fixedNow}
	ctx := context.Background()
	if _, err := o.CreateProvince(ctx, "32", "Jawa Barat", nil); err != nil {
		t.Fatalf("create province: %v", err)
	}
	if _, err := o.CreateDistrict(ctx, "3277", "Kota Cimahi", "32", nil); err != nil {
		t.Fatalf("create district: %v", err)
	}
	e := &env{t: t, db: gdb, store: st, cfg: cfg,
		svc: &evidence.Service{Store: sqlstore.New(gdb, fixedNow), Blobs: st, Catalogue: criteria.MustBuiltin(), MaxBytes: evidence.DefaultMaxBytes, Now: fixedNow, Log: testenv.Logger(t)}}
	e.facility = e.newFacility("P3277010101")
	return e
}

// newFacility creates another facility and returns its ID.
func (e *env) newFacility(code string) int64 {
	e.t.Helper()
	f, err := (&org.Service{Store: sqlstore.New(e.db, fixedNow), Now: fixedNow}).CreateFacility(context.Background(),
		org.FacilityInput{Code: code, Name: "Puskesmas " + code, DistrictCode: "3277"}, nil)
	if err != nil {
		e.t.Fatalf("create facility %s: %v", code, err)
	}
	return f.ID
}

// stage stages data, failing the test on error.
func (e *env) stage(name string, data []byte) *evidence.Staged {
	e.t.Helper()
	st, err := e.svc.Stage(context.Background(), name, bytes.NewReader(data))
	if err != nil {
		e.t.Fatalf("stage %s: %v", name, err)
	}
	return st
}

// create uploads data as new evidence for reqs, failing the test on error.
func (e *env) create(data []byte, meta evidence.Meta, reqs ...string) []bukti.Evidence {
	e.t.Helper()
	evs, err := e.svc.Create(context.Background(), evidence.Upload{FacilityID: e.facility, Requirements: reqs, Meta: meta, By: user}, e.stage("berkas.pdf", data))
	if err != nil {
		e.t.Fatalf("create %v: %v", reqs, err)
	}
	return evs
}

// state is what a failed or refused operation must leave unchanged.
type state struct {
	evidence, revisions, audits int64
	blobs, staged               int
}

// state counts rows, evidence audit rows, blobs and staged objects.
func (e *env) state() state {
	e.t.Helper()
	var s state
	for _, c := range []struct {
		q *gorm.DB
		n *int64
	}{
		{e.db.Model(&bukti.Evidence{}), &s.evidence},
		{e.db.Model(&bukti.Revision{}), &s.revisions},
		{e.db.Model(&bukti.AuditEntry{}).Where("action LIKE ?", "evidence.%"), &s.audits},
	} {
		if err := c.q.Count(c.n).Error; err != nil {
			e.t.Fatal(err)
		}
	}
	s.blobs = testenv.StoredBlobs(e.t, e.cfg)
	s.staged = testenv.StagedLeft(e.t, e.cfg)
	return s
}

// blobSize is the size of the blob holding data, or the store's error.
func (e *env) blobSize(data []byte) (int64, error) {
	e.t.Helper()
	key, err := storage.Key(sum(data))
	if err != nil {
		e.t.Fatal(err)
	}
	return e.store.Size(context.Background(), key)
}

// setReview sets an evidence record's review state directly in the database,
// as a surveyor's decision would.
func (e *env) setReview(id int64, review string) {
	e.t.Helper()
	if err := e.db.Model(&bukti.Evidence{}).Where("id = ?", id).Update("review", review).Error; err != nil {
		e.t.Fatal(err)
	}
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// code is the error code of err, for messages.
func code(err error) string { return bukti.ErrorCode(err) }

// ooxml builds a minimal Office Open XML package: [Content_Types].xml first,
// then _rels/.rels, then the main part (word/document.xml or
// xl/workbook.xml), as Word and Excel write them.
func ooxml(t testing.TB, mainPart, contentType string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
			`<Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/` + mainPart + `" ContentType="` + contentType + `"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="` + mainPart + `"/>` +
			`</Relationships>`},
	}
	if strings.HasPrefix(mainPart, "word/") {
		parts = append(parts, struct{ name, body string }{mainPart, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>` +
			`<w:t>SK Kepala Puskesmas tentang Pemberdayaan Masyarakat</w:t></w:r></w:p></w:body></w:document>`})
	} else {
		parts = append(parts, struct{ name, body string }{mainPart, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets>` +
			`<sheet name="Daftar Hadir" sheetId="1"/></sheets></workbook>`})
	}
	for _, p := range parts {
		w, err := zw.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(p.body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// odt builds an OpenDocument text: a zip whose first entry, "mimetype", is
// stored uncompressed and without extra fields, so the type string sits at
// byte 38 as the OpenDocument specification requires.
func odt(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "mimetype", Method: zip.Store})
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("application/vnd.oasis.opendocument.text"))
	for name, body := range map[string]string{
		"content.xml":           `<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>`,
		"META-INF/manifest.xml": `<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>`,
	} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// box is one ISO base media file format box.
func box(typ string, payload []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(8+len(payload)))
	return append(append(b, typ...), payload...)
}

// mp4 is a minimal MP4 as a phone writes it: an ftyp box (major brand isom,
// minor version 0x200, compatible brands), a free box and an mdat box.
func mp4() []byte {
	ftyp := append([]byte("isom"), 0, 0, 2, 0)
	ftyp = append(ftyp, "isomiso2avc1mp41"...)
	out := box("ftyp", ftyp)
	out = append(out, box("free", nil)...)
	return append(out, box("mdat", bytes.Repeat([]byte{0x55}, 64))...)
}

// webp is a minimal lossy WebP: RIFF header, "WEBP", one "VP8 " chunk with a
// key-frame header for a 4×4 picture.
func webp() []byte {
	vp8 := []byte{0x30, 0x01, 0x00, 0x9d, 0x01, 0x2a, 4, 0, 4, 0}
	vp8 = append(vp8, bytes.Repeat([]byte{0}, 14)...)
	chunk := append([]byte("VP8 "), binary.LittleEndian.AppendUint32(nil, uint32(len(vp8)))...)
	chunk = append(chunk, vp8...)
	out := append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(4+len(chunk)))...)
	out = append(out, "WEBP"...)
	return append(out, chunk...)
}

// pe is the head of a Windows PE executable: a DOS "MZ" header whose
// e_lfanew (at 0x3c) points to the "PE\0\0" signature and a COFF header.
func pe() []byte {
	b := make([]byte, 0x40, 0x200)
	copy(b, "MZ")
	binary.LittleEndian.PutUint32(b[0x3c:], 0x40)
	b = append(b, 'P', 'E', 0, 0)
	b = binary.LittleEndian.AppendUint16(b, 0x8664) // machine: x86-64
	b = binary.LittleEndian.AppendUint16(b, 1)      // sections
	return append(b, make([]byte, 0x200-len(b))...)
}

// pdfOfSize is a PDF header padded to exactly n bytes with pseudo-random
// bytes (so that different sizes give different content).
func pdfOfSize(n int) []byte {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(uint64(n), 1))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	copy(b, "%PDF-1.7\n")
	return b
}

// pdfStream streams size bytes of a PDF: a header, then pseudo-random bytes
// generated on the fly, so no test holds the whole file in memory. A size
// below 0 streams forever.
type pdfStream struct {
	size, off int64
	rng       *rand.PCG
	word      [8]byte
}

const pdfHead = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"

func newPDFStream(size int64, seed uint64) *pdfStream {
	return &pdfStream{size: size, rng: rand.NewPCG(seed, 0x9e3779b97f4a7c15)}
}

func (s *pdfStream) Read(p []byte) (int, error) {
	if s.size >= 0 {
		if s.off >= s.size {
			return 0, io.EOF
		}
		if rest := s.size - s.off; int64(len(p)) > rest {
			p = p[:rest]
		}
	}
	n := 0
	if s.off < int64(len(pdfHead)) {
		n = copy(p, pdfHead[s.off:])
	}
	for ; n+8 <= len(p); n += 8 {
		binary.LittleEndian.PutUint64(p[n:], s.rng.Uint64())
	}
	if n < len(p) {
		binary.LittleEndian.PutUint64(s.word[:], s.rng.Uint64())
		n += copy(p[n:], s.word[:])
	}
	s.off += int64(n)
	return n, nil
}

func findElement(t *testing.T, rep readiness.Report, id string) readiness.ElementScore {
	t.Helper()
	e, ok := rep.Element(id)
	if !ok {
		t.Fatalf("element %s not in report", id)
	}
	return e
}

func findRequirement(t *testing.T, e readiness.ElementScore, id string) readiness.RequirementScore {
	t.Helper()
	r, ok := e.Requirement(id)
	if !ok {
		t.Fatalf("requirement %s not in %s", id, e.ID)
	}
	return r
}

func findKriteria(t *testing.T, rep readiness.Report, id string) readiness.KriteriaScore {
	t.Helper()
	for _, b := range rep.Bab {
		for _, s := range b.Standar {
			for _, k := range s.Kriteria {
				if k.ID == id {
					return k
				}
			}
		}
	}
	t.Fatalf("kriteria %s not in report", id)
	return readiness.KriteriaScore{}
}
