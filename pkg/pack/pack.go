// Package pack writes the evidence pack of a survey: one ZIP archive, streamed
// to any io.Writer, holding every evidence file frozen into the survey's
// snapshot, an offline index.html and a manifest.csv.
//
// Layout of the archive, in this order:
//
//	Bab II/2.1/2.1.2/a/R1/<file>                   one entry per snapshot item
//	Bab II/2.1/2.1.2/b/D3/perencanaan - Notulen/<file>   (stage and part, when set)
//	Lainnya/<requirement ID>/<file>                items whose requirement is not in the catalogue
//	index.html                                     the browsable report, relative links to every file
//	manifest.csv                                   one row per file, with its SHA-256 and size, in Input.Lang
//
// Every path is made of safe names (see safeFileName): no separators or ".."
// from user data, no control characters, nothing Windows refuses, unique
// within its folder (case-insensitively), at most 199 bytes. Names depend only
// on the Input, so the same survey always gives the same paths.
//
// Write never holds a whole file in memory: each blob is copied from the
// store through a fixed 32 KiB buffer into the compressor, hashing as it
// goes, so memory stays flat whatever the size of the pack (see
// BenchmarkWrite).
package pack

import (
	"archive/zip"
	"cmp"
	"compress/flate"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/scoring"
	"github.com/bukti-id/bukti/storage"
)

// Input is everything a pack holds.
type Input struct {
	Survey    bukti.Survey
	Facility  bukti.Facility // Code, Name
	Surveyors []string       // display names
	Catalogue *catalogue.Catalogue
	// Items are the current (non-superseded) snapshot items, in any order.
	Items []bukti.SnapshotItem
	// Scores is the final score per EP ID (may be empty before
	// reconciliation).
	Scores map[string]bukti.SurveyScore
	// Tally holds the percentages and status computed from those scores.
	Tally scoring.Tally
	// Now is the time the pack is made; it is printed in index.html and is
	// the modification time of index.html and manifest.csv.
	Now time.Time
	// T gives the text of index.html: the message keys pack.* of the
	// interface's catalogues (ui/locales), Bahasa Indonesia with an
	// English gloss. Required: pass (*ui.UI).T.
	T Translator
	// Interviewees are the people the facility named for the roles of its
	// W (wawancara) items, listed under each W item of index.html.
	Interviewees []bukti.Interviewee
	// Lang is the language of manifest.csv, its header and its words:
	// "id" (Bahasa Indonesia, also when empty) or "en".
	Lang string
}

// Translator returns the message with key in lang ("id" or "en"),
// formatting args with the message's fmt verbs, like (*ui.UI).T; an unknown
// key comes back as the key itself.
type Translator func(lang, key string, args ...any) string

// ErrCorrupt is returned (wrapped; test with errors.Is) when a blob's bytes
// do not match the SHA-256 or the size its snapshot item records. A blob
// missing from the store gives an error satisfying
// errors.Is(err, storage.ErrNotFound) instead.
var ErrCorrupt = errors.New("pack: stored file does not match its recorded SHA-256 or size")

// copyBufSize is the one copy buffer per Write.
const copyBufSize = 32 << 10

// Write streams the ZIP to w: one file per item under
// Bab/Standar/Kriteria/EP/requirement folders, then index.html and
// manifest.csv.
//
// Before writing anything to w, Write checks the input: a nil catalogue, a
// nil translator (Input.T), a manifest language other than id or en, an item whose SHA256 is not a SHA-256, and a
// blob that is missing from store or whose stored size differs from the
// item's Size are reported without a byte written, so a caller can still answer with an error status.
//
// While streaming, every blob is hashed; if its bytes do not match the item's
// SHA256 and Size, Write stops and returns an error wrapping ErrCorrupt. It
// also stops when ctx is canceled, returning an error wrapping ctx.Err(). In
// both cases w has received part of an archive with no central directory:
// the caller must abort the response or delete the file, never hand it out.
// A wrong file is never shipped silently.
//
// Memory use is bounded by one copy buffer, one compressor and the metadata
// of the items, whatever the size of the files. Write does not close w.
func Write(ctx context.Context, w io.Writer, store storage.Store, in Input) error {
	if in.Catalogue == nil {
		return errors.New("pack: no catalogue in the input")
	}
	if store == nil {
		return errors.New("pack: no blob store")
	}
	tr, err := translator(in)
	if err != nil {
		return err
	}
	in.T = tr
	if _, err := manifestLang(in.Lang); err != nil {
		return err
	}
	files, err := plan(in)
	if err != nil {
		return err
	}
	if err := preflight(ctx, store, files); err != nil {
		return err
	}

	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, newFlate)
	buf := make([]byte, copyBufSize)
	for i := range files {
		if err := copyBlob(ctx, zw, store, &files[i], buf); err != nil {
			return err
		}
	}
	modified := in.Now
	if modified.IsZero() {
		modified = time.Now()
	}
	ew, err := zw.CreateHeader(&zip.FileHeader{Name: "index.html", Method: zip.Deflate, Modified: modified})
	if err != nil {
		return fmt.Errorf("pack: add index.html: %w", err)
	}
	if err := writeIndex(ew, in, files); err != nil {
		return fmt.Errorf("pack: write index.html: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("pack: %w", err)
	}
	ew, err = zw.CreateHeader(&zip.FileHeader{Name: "manifest.csv", Method: zip.Deflate, Modified: modified})
	if err != nil {
		return fmt.Errorf("pack: add manifest.csv: %w", err)
	}
	if err := writeManifest(ew, tr, in.Lang, files); err != nil {
		return fmt.Errorf("pack: write manifest.csv: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("pack: finish archive: %w", err)
	}
	return nil
}

// file is one snapshot item placed in the archive.
type file struct {
	item  *bukti.SnapshotItem
	key   string                 // storage key of item.SHA256
	req   *catalogue.Requirement // nil when the requirement is not in the catalogue
	place catalogue.Place
	slot  string // "perencanaan - Notulen", "" without stage and part
	path  string // entry name, "/"-separated
}

// reqOrder gives every requirement its position in the catalogue tree, so
// that the archive follows the order of the standard.
func reqOrder(c *catalogue.Catalogue) map[string]int {
	order := map[string]int{}
	for r := range c.Requirements() {
		order[r.ID] = len(order)
	}
	return order
}

// plan sorts the items (requirement in catalogue order, unknown
// requirements last by ID, then stage and part in the requirement's order,
// evidence ID, revision, item ID) and gives each a unique safe path.
func plan(in Input) ([]file, error) {
	order := reqOrder(in.Catalogue)
	files := make([]file, len(in.Items))
	for i := range in.Items {
		it := &in.Items[i]
		key, err := storage.Key(it.SHA256)
		if err != nil {
			return nil, fmt.Errorf("pack: item %d (evidence %d revision %d): %w", it.ID, it.EvidenceID, it.RevisionNumber, err)
		}
		if it.Size < 0 {
			return nil, fmt.Errorf("pack: item %d (evidence %d revision %d): negative size %d", it.ID, it.EvidenceID, it.RevisionNumber, it.Size)
		}
		f := file{item: it, key: key}
		if r, p, ok := in.Catalogue.Requirement(it.RequirementID); ok {
			f.req, f.place = r, p
		}
		files[i] = f
	}
	slotRank := func(f *file) (int, int) {
		if f.req == nil {
			return 0, 0
		}
		return slices.Index(f.req.Stages, f.item.Stage), slices.IndexFunc(f.req.Parts, func(p catalogue.Part) bool { return p.Key == f.item.Part })
	}
	slices.SortStableFunc(files, func(a, b file) int {
		oa, okA := order[a.item.RequirementID]
		ob, okB := order[b.item.RequirementID]
		switch {
		case okA && okB && oa != ob:
			return cmp.Compare(oa, ob)
		case okA != okB:
			if okA {
				return -1
			}
			return 1
		case !okA:
			if c := cmp.Compare(a.item.RequirementID, b.item.RequirementID); c != 0 {
				return c
			}
		}
		sa, pa := slotRank(&a)
		sb, pb := slotRank(&b)
		return cmp.Or(
			cmp.Compare(sa, sb), cmp.Compare(a.item.Stage, b.item.Stage),
			cmp.Compare(pa, pb), cmp.Compare(a.item.Part, b.item.Part),
			cmp.Compare(a.item.EvidenceID, b.item.EvidenceID),
			cmp.Compare(a.item.RevisionNumber, b.item.RevisionNumber),
			cmp.Compare(a.item.ID, b.item.ID),
		)
	})

	folders := map[string]*folderNames{}
	for i := range files {
		f := &files[i]
		dir := folder(f)
		names := folders[dir]
		if names == nil {
			names = &folderNames{}
			folders[dir] = names
		}
		max := min(maxFileName, maxPath-len(dir)-1)
		fallback := "bukti-" + strconv.FormatInt(f.item.EvidenceID, 10) + "-r" + strconv.Itoa(f.item.RevisionNumber)
		name := safeFileName(f.item.FileName, f.item.ContentType, fallback, max)
		f.path = dir + "/" + names.unique(name, max)
	}
	return files, nil
}

// folder returns the folder of f, without trailing slash, and sets f.slot.
func folder(f *file) string {
	it := f.item
	var dir string
	if f.req == nil {
		dir = "Lainnya"
		// A requirement ID is "2.1.2/a/R1": keep its levels as folders,
		// each made safe; at most four.
		segs := 0
		for s := range strings.SplitSeq(it.RequirementID, "/") {
			if s == "" {
				continue
			}
			if segs == 4 {
				break
			}
			dir += "/" + segment(s, "_")
			segs++
		}
		if segs == 0 {
			dir += "/_"
		}
	} else {
		p := f.place
		dir = "Bab " + segment(p.Bab.ID, "_") + "/" + segment(p.Standar.ID, "_") + "/" +
			segment(p.Kriteria.ID, "_") + "/" + segment(p.Element.Letter, "_") + "/" + segment(f.req.Key, "_")
	}
	part := it.Part
	if f.req != nil {
		if i := slices.IndexFunc(f.req.Parts, func(p catalogue.Part) bool { return p.Key == it.Part }); i >= 0 && f.req.Parts[i].Title != "" {
			part = f.req.Parts[i].Title
		}
	}
	switch {
	case it.Stage != "" && part != "":
		f.slot = it.Stage + " - " + part
	case it.Stage != "":
		f.slot = it.Stage
	default:
		f.slot = part
	}
	if f.slot != "" {
		dir += "/" + segment(f.slot, "_")
	}
	return dir
}

// preflight checks, before anything is written, that every blob exists and
// has the recorded size.
func preflight(ctx context.Context, store storage.Store, files []file) error {
	for i := range files {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("pack: %w", err)
		}
		f := &files[i]
		size, err := store.Size(ctx, f.key)
		if err != nil {
			return fmt.Errorf("pack: %s (evidence %d revision %d, sha256 %s): %w", f.path, f.item.EvidenceID, f.item.RevisionNumber, f.item.SHA256, err)
		}
		if size != f.item.Size {
			return fmt.Errorf("pack: %s (evidence %d revision %d, sha256 %s): stored size %d, recorded %d: %w",
				f.path, f.item.EvidenceID, f.item.RevisionNumber, f.item.SHA256, size, f.item.Size, ErrCorrupt)
		}
	}
	return nil
}

// copyBlob adds f to the archive, streaming its blob through buf and
// checking its size and SHA-256.
func copyBlob(ctx context.Context, zw *zip.Writer, store storage.Store, f *file, buf []byte) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("pack: %w", err)
	}
	it := f.item
	desc := func() string {
		return fmt.Sprintf("%s (evidence %d revision %d, sha256 %s)", f.path, it.EvidenceID, it.RevisionNumber, it.SHA256)
	}
	rc, err := store.Open(ctx, f.key)
	if err != nil {
		return fmt.Errorf("pack: open %s: %w", desc(), err)
	}
	defer rc.Close()
	modified := it.UploadedAt
	if modified.IsZero() {
		modified = it.AddedAt
	}
	hdr := &zip.FileHeader{Name: f.path, Method: zip.Deflate, Modified: modified}
	hdr.SetMode(0o644)
	ew, err := zw.CreateHeader(hdr)
	if err != nil {
		return fmt.Errorf("pack: add %s: %w", desc(), err)
	}
	h := sha256.New()
	// Read at most one byte more than recorded: enough to tell that a
	// blob is too long without streaming all of it.
	r := io.LimitReader(rc, it.Size+1)
	var n int64
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("pack: copy %s: %w", desc(), err)
		}
		m, rerr := r.Read(buf)
		if m > 0 {
			h.Write(buf[:m])
			if _, err := ew.Write(buf[:m]); err != nil {
				return fmt.Errorf("pack: write %s: %w", desc(), err)
			}
			n += int64(m)
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return fmt.Errorf("pack: read %s: %w", desc(), rerr)
		}
	}
	if n != it.Size {
		return fmt.Errorf("pack: %s: read %d bytes, recorded %d: %w", desc(), n, it.Size, ErrCorrupt)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != it.SHA256 {
		return fmt.Errorf("pack: %s: bytes hash to %s: %w", desc(), got, ErrCorrupt)
	}
	return nil
}

// flatePool recycles compressors across entries and packs: a flate.Writer
// holds about 1 MiB of tables, which would otherwise be allocated per file.
var flatePool sync.Pool

// pooledFlate returns its flate.Writer to flatePool on Close.
type pooledFlate struct{ *flate.Writer }

func (p pooledFlate) Close() error {
	err := p.Writer.Close()
	flatePool.Put(p.Writer)
	return err
}

// newFlate compresses at flate.BestSpeed: evidence is mostly PDF, JPEG,
// MP4 and Office files, already compressed, so a higher level costs CPU
// for next to nothing.
func newFlate(w io.Writer) (io.WriteCloser, error) {
	if fw, ok := flatePool.Get().(*flate.Writer); ok {
		fw.Reset(w)
		return pooledFlate{fw}, nil
	}
	fw, err := flate.NewWriter(w, flate.BestSpeed)
	if err != nil {
		return nil, err
	}
	return pooledFlate{fw}, nil
}
