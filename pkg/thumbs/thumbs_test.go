package thumbs_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bukti-id/bukti/pkg/testenv"
	"github.com/bukti-id/bukti/pkg/thumbs"
	"github.com/bukti-id/bukti/storage"
)

// The test pictures are halves of two colours, so that a thumbnail shows
// whether it was turned the right way.
var (
	red  = color.RGBA{220, 30, 30, 255}
	blue = color.RGBA{30, 30, 220, 255}
)

// halves is a w×h picture, left half red, right half blue.
func halves(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := red
			if x >= w/2 {
				c = blue
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

func jpegOf(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func pngOf(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withOrientation inserts an EXIF segment carrying orientation o right
// after a JPEG's start marker, as a phone camera writes it; order is "II"
// or "MM".
func withOrientation(jpg []byte, o uint16, order string) []byte {
	var bo binary.AppendByteOrder = binary.BigEndian
	if order == "II" {
		bo = binary.LittleEndian
	}
	tiff := []byte(order)
	tiff = bo.AppendUint16(tiff, 42)
	tiff = bo.AppendUint32(tiff, 8)
	tiff = bo.AppendUint16(tiff, 2)       // two entries
	tiff = bo.AppendUint16(tiff, 0x010F)  // Make, ASCII, 4 bytes inline
	tiff = bo.AppendUint16(tiff, 2)       //
	tiff = bo.AppendUint32(tiff, 4)       //
	tiff = append(tiff, 'A', 'c', 'm', 0) //
	tiff = bo.AppendUint16(tiff, 0x0112)  // Orientation, SHORT, 1
	tiff = bo.AppendUint16(tiff, 3)       //
	tiff = bo.AppendUint32(tiff, 1)       //
	tiff = bo.AppendUint16(tiff, o)       //
	tiff = append(tiff, 0, 0)             // padding of the value
	tiff = bo.AppendUint32(tiff, 0)       // no next IFD
	seg := append([]byte("Exif\x00\x00"), tiff...)
	out := append([]byte{}, jpg[:2]...)
	out = append(out, 0xFF, 0xE1, byte((len(seg)+2)>>8), byte(len(seg)+2))
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// heic converts a PNG to HEIC with libheif's encoder (heif-enc, Debian
// libheif-examples), as an iPhone would have stored it.
func heic(t *testing.T, pngBytes []byte) []byte {
	t.Helper()
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.png"), filepath.Join(dir, "out.heic")
	if err := os.WriteFile(in, pngBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command("heif-enc", "-q", "60", in, "-o", out).CombinedOutput(); err != nil {
		t.Fatalf("heif-enc (Debian libheif-examples; scripts/services.sh installs it): %v: %s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// put stores content as an evidence blob and returns its File.
func put(t *testing.T, st storage.Store, content []byte, contentType string) thumbs.File {
	t.Helper()
	ctx := context.Background()
	sum := sha256.Sum256(content)
	hexSum := hex.EncodeToString(sum[:])
	key, err := storage.Key(hexSum)
	if err != nil {
		t.Fatal(err)
	}
	tmp, err := st.Stage(ctx, bytes.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Commit(ctx, tmp, key); err != nil {
		t.Fatal(err)
	}
	return thumbs.File{SHA256: hexSum, Size: int64(len(content)), ContentType: contentType}
}

// read returns f's thumbnail, decoded, and its size in bytes.
func read(t *testing.T, svc *thumbs.Service, f thumbs.File) (image.Image, int) {
	t.Helper()
	rc, n, err := svc.Open(context.Background(), f)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(b)) != n {
		t.Errorf("Open said %d bytes, read %d", n, len(b))
	}
	img, format, err := image.Decode(bytes.NewReader(b))
	if err != nil || format != "jpeg" {
		t.Fatalf("the thumbnail is not a JPEG (%q): %v", format, err)
	}
	return img, len(b)
}

// near reports whether c is within a JPEG's error of want.
func near(c color.Color, want color.RGBA) bool {
	r, g, b, _ := c.RGBA()
	d := func(a uint32, b uint8) int { return max(int(a>>8)-int(b), int(b)-int(a>>8)) }
	return d(r, want.R) < 40 && d(g, want.G) < 40 && d(b, want.B) < 40
}

// where names the colours a thumbnail must show at the middle of its
// four sides.
type where struct{ left, right, top, bottom color.RGBA }

var (
	upright  = where{left: red, right: blue}
	flipped  = where{left: blue, right: red}
	redTop   = where{top: red, bottom: blue}
	blueTop  = where{top: blue, bottom: red}
	whiteish = color.RGBA{255, 255, 255, 255}
)

func (w where) check(t *testing.T, img image.Image) {
	t.Helper()
	b := img.Bounds()
	mx, my := b.Min.X+b.Dx()/2, b.Min.Y+b.Dy()/2
	for _, p := range []struct {
		name string
		want color.RGBA
		x, y int
	}{
		{"left", w.left, b.Min.X + b.Dx()/8, my},
		{"right", w.right, b.Max.X - 1 - b.Dx()/8, my},
		{"top", w.top, mx, b.Min.Y + b.Dy()/8},
		{"bottom", w.bottom, mx, b.Max.Y - 1 - b.Dy()/8},
	} {
		if p.want == (color.RGBA{}) {
			continue
		}
		if c := img.At(p.x, p.y); !near(c, p.want) {
			t.Errorf("%s of the thumbnail is %v, want about %v", p.name, c, p.want)
		}
	}
}

// TestMake makes the thumbnail of each kind of file, good and bad, on
// both blob stores, and checks what is stored: the picture, its size and
// orientation, or the recorded failure.
func TestMake(t *testing.T) {
	big := halves(800, 600)
	transparent := halves(400, 200)
	for y := range 200 {
		for x := 150; x < 250; x++ {
			transparent.SetRGBA(x, y, color.RGBA{}) // a transparent band in the middle
		}
	}
	cases := []struct {
		name        string
		content     []byte
		contentType string
		opt         thumbs.Options
		w, h        int    // of the thumbnail
		look        where  // colours at its sides
		white       bool   // its centre is white
		failure     string // instead: the recorded reason contains this
	}{
		{name: "jpeg", content: jpegOf(t, big), contentType: "image/jpeg", w: 320, h: 240, look: upright},
		{name: "jpeg turned right (exif 6)", content: withOrientation(jpegOf(t, big), 6, "MM"), contentType: "image/jpeg", w: 240, h: 320, look: redTop},
		{name: "jpeg upside down (exif 3, intel order)", content: withOrientation(jpegOf(t, big), 3, "II"), contentType: "image/jpeg", w: 320, h: 240, look: flipped},
		{name: "jpeg turned left (exif 8)", content: withOrientation(jpegOf(t, big), 8, "MM"), contentType: "image/jpeg", w: 240, h: 320, look: blueTop},
		{name: "jpeg mirrored (exif 2)", content: withOrientation(jpegOf(t, big), 2, "II"), contentType: "image/jpeg", w: 320, h: 240, look: flipped},
		{name: "jpeg with an invalid orientation", content: withOrientation(jpegOf(t, big), 9, "MM"), contentType: "image/jpeg", w: 320, h: 240, look: upright},
		{name: "portrait jpeg", content: jpegOf(t, halves(450, 800)), contentType: "image/jpeg", w: 180, h: 320, look: upright},
		{name: "small png is not enlarged", content: pngOf(t, halves(100, 50)), contentType: "image/png", w: 100, h: 50, look: upright},
		{name: "transparent png on white", content: pngOf(t, transparent), contentType: "image/png", w: 320, h: 160, look: upright, white: true},
		{name: "webp", content: fixture(t, "halves.webp"), contentType: "image/webp", w: 320, h: 240, look: upright},
		{name: "heic from a phone", content: heic(t, pngOf(t, halves(400, 300))), contentType: "image/heic", w: 320, h: 240, look: upright},
		{name: "first page of a pdf", content: testenv.PagePDF(1, 4096, false), contentType: "application/pdf", w: 227, h: 320, look: upright},
		{name: "pdf with a content type parameter", content: testenv.PagePDF(2, 0, false), contentType: "application/pdf; charset=binary", w: 227, h: 320, look: upright},

		{name: "encrypted pdf", content: testenv.PagePDF(3, 0, true), contentType: "application/pdf", failure: "pdftoppm failed"},
		{name: "pdf without pages", content: testenv.PDF("kosong"), contentType: "application/pdf", failure: "pdftoppm"},
		{name: "not a pdf at all", content: []byte("%PDF-1.4\nthis is no PDF\n"), contentType: "application/pdf", failure: "pdftoppm"},
		{name: "damaged jpeg", content: append(jpegOf(t, big)[:600], bytes.Repeat([]byte{0x55}, 2000)...), contentType: "image/jpeg", failure: "cannot decode"},
		{name: "jpeg header only", content: []byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00}, contentType: "image/jpeg", failure: "header"},
		{name: "png that is not", content: []byte("\x89PNG\r\n\x1a\nnothing"), contentType: "image/png", failure: "header"},
		{name: "damaged heic", content: heic(t, pngOf(t, halves(64, 48)))[:200], contentType: "image/heic", failure: "heif-thumbnailer"},
		{name: "picture too large", content: pngOf(t, halves(400, 300)), contentType: "image/png", opt: thumbs.Options{MaxPixels: 100_000}, failure: "400×300 pixels"},
	}
	for _, kind := range testenv.StoreKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			st := testenv.OpenStore(t, kind)
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					ctx := context.Background()
					opt := tc.opt
					opt.Log = testenv.Logger(t)
					svc := thumbs.New(st, opt)
					f := put(t, st, tc.content, tc.contentType)
					if state, err := svc.State(ctx, f); err != nil || state != thumbs.Pending {
						t.Fatalf("State before = %v, %v; want pending", state, err)
					}
					if err := svc.Make(ctx, f); err != nil {
						t.Fatalf("Make: %v", err)
					}
					state, err := svc.State(ctx, f)
					if err != nil {
						t.Fatal(err)
					}
					if tc.failure != "" {
						if state != thumbs.Failed {
							t.Fatalf("State = %v, want failed", state)
						}
						reason, err := svc.Reason(ctx, f)
						if err != nil || !strings.Contains(reason, tc.failure) {
							t.Errorf("Reason = %q, %v; want it to contain %q", reason, err, tc.failure)
						}
						if _, _, err := svc.Open(ctx, f); !errors.Is(err, storage.ErrNotFound) {
							t.Errorf("Open of a failed thumbnail: %v, want ErrNotFound", err)
						}
						return
					}
					if state != thumbs.Ready {
						reason, _ := svc.Reason(ctx, f)
						t.Fatalf("State = %v (%s), want ready", state, reason)
					}
					img, n := read(t, svc, f)
					if b := img.Bounds(); b.Dx() != tc.w || b.Dy() != tc.h {
						t.Errorf("thumbnail %d×%d, want %d×%d", b.Dx(), b.Dy(), tc.w, tc.h)
					}
					if n > 30<<10 {
						t.Errorf("thumbnail of %d bytes, want under 30 KiB", n)
					}
					tc.look.check(t, img)
					if tc.white {
						b := img.Bounds()
						if c := img.At(b.Min.X+b.Dx()/2, b.Min.Y+b.Dy()/2); !near(c, whiteish) {
							t.Errorf("transparent middle is %v, want white", c)
						}
					}
					// Made once: a second Make leaves it as it is.
					if err := svc.Make(ctx, f); err != nil {
						t.Errorf("second Make: %v", err)
					}
				})
			}
		})
	}
}

// TestRevisionsShare checks that the thumbnail is named by content: a file
// recorded twice (two revisions, two records) has one thumbnail, and
// another content of the same size has none.
func TestRevisionsShare(t *testing.T) {
	st := testenv.OpenStore(t, "filesystem")
	svc := thumbs.New(st, thumbs.Options{Log: testenv.Logger(t)})
	ctx := context.Background()
	content := jpegOf(t, halves(640, 480))
	f := put(t, st, content, "image/jpeg")
	if err := svc.Make(ctx, f); err != nil {
		t.Fatal(err)
	}
	again := thumbs.New(st, thumbs.Options{Log: testenv.Logger(t)}) // another server, nothing cached
	if state, err := again.State(ctx, thumbs.File{SHA256: f.SHA256, Size: f.Size, ContentType: "image/jpeg"}); err != nil || state != thumbs.Ready {
		t.Errorf("the same content: State = %v, %v; want ready", state, err)
	}
	other := put(t, st, jpegOf(t, halves(480, 640)), "image/jpeg")
	if state, err := again.State(ctx, other); err != nil || state != thumbs.Pending {
		t.Errorf("other content: State = %v, %v; want pending", state, err)
	}
	n := 0
	for bi, err := range st.Thumbs(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(bi.Key, f.SHA256) {
			t.Errorf("unexpected thumbnail %s", bi.Key)
		}
		n++
	}
	if n != 1 {
		t.Errorf("%d thumbnails stored, want 1", n)
	}
}

// TestNone checks the types no thumbnail is made of, and a PDF when
// pdftoppm is not installed: no thumbnail, no recorded failure, and Make
// says why.
func TestNone(t *testing.T) {
	st := testenv.OpenStore(t, "filesystem")
	ctx := context.Background()
	noPoppler := thumbs.New(st, thumbs.Options{Log: testenv.Logger(t), LookPath: func(name string) (string, error) {
		if name == "pdftoppm" {
			return "", exec.ErrNotFound
		}
		return exec.LookPath(name)
	}})
	if _, missing := noPoppler.Tools(); strings.Join(missing, ",") != "pdftoppm" {
		t.Errorf("Tools() missing %v, want [pdftoppm]", missing)
	}
	for _, tc := range []struct {
		name        string
		svc         *thumbs.Service
		content     []byte
		contentType string
	}{
		{"word document", thumbs.New(st, thumbs.Options{}), []byte("PK\x03\x04 docx"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{"video", thumbs.New(st, thumbs.Options{}), []byte("....ftypisom video"), "video/mp4"},
		{"pdf without pdftoppm", noPoppler, testenv.PagePDF(4, 0, false), "application/pdf"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := put(t, st, tc.content, tc.contentType)
			if state, err := tc.svc.State(ctx, f); err != nil || state != thumbs.None {
				t.Errorf("State = %v, %v; want none", state, err)
			}
			if tc.svc.Enqueue(f) {
				t.Error("Enqueue took a file no thumbnail is made of")
			}
			if err := tc.svc.Make(ctx, f); err == nil {
				t.Error("Make succeeded")
			}
		})
	}
	for bi, err := range st.Thumbs(ctx) {
		t.Errorf("something was stored: %s (%v)", bi.Key, err)
	}
}

// fakeTool writes an executable shell script standing in for a tool.
func fakeTool(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "tool")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// withTool is a service whose pdftoppm is path.
func withTool(t *testing.T, st storage.Store, path string, opt thumbs.Options) *thumbs.Service {
	opt.Log = testenv.Logger(t)
	opt.LookPath = func(name string) (string, error) {
		if name == "pdftoppm" {
			return path, nil
		}
		return exec.LookPath(name)
	}
	return thumbs.New(st, opt)
}

// waitFor polls cond until it holds or a generous deadline passes (a
// deadline against a hang, not a timing assertion).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestTools checks how a tool is run: under prlimit's limits, in a bare
// environment; one that runs too long is killed and the file recorded as
// failed; one killed by a shutdown records nothing.
func TestTools(t *testing.T) {
	if _, err := exec.LookPath("prlimit"); err != nil {
		t.Fatal("prlimit (util-linux) is missing")
	}
	st := testenv.OpenStore(t, "filesystem")
	ctx := context.Background()

	t.Run("limits and environment", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "seen")
		tool := fakeTool(t, fmt.Sprintf(`{ ulimit -v; ulimit -t; env | sort; } > %s; exit 3`, out))
		svc := withTool(t, st, tool, thumbs.Options{Memory: 512 << 20, Timeout: 20 * time.Second})
		f := put(t, st, testenv.PagePDF(10, 0, false), "application/pdf")
		if err := svc.Make(ctx, f); err != nil {
			t.Fatal(err)
		}
		seen, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(seen)), "\n")
		if len(lines) < 2 || lines[0] != "524288" || lines[1] != "20" {
			t.Errorf("tool ran with limits %q, want address space 524288 KiB and 20 s of CPU", lines[:min(2, len(lines))])
		}
		for _, l := range lines[2:] {
			if name, _, _ := strings.Cut(l, "="); !strings.Contains(" PATH HOME LC_ALL XDG_CACHE_HOME PWD SHLVL _ ", " "+name+" ") {
				t.Errorf("tool saw %q from the server's environment", l)
			}
		}
		if reason, _ := svc.Reason(ctx, f); !strings.Contains(reason, "exit status 3") {
			t.Errorf("Reason = %q, want the tool's exit status", reason)
		}
	})

	t.Run("too slow", func(t *testing.T) {
		svc := withTool(t, st, fakeTool(t, "exec sleep 30"), thumbs.Options{Timeout: 500 * time.Millisecond})
		f := put(t, st, testenv.PagePDF(11, 0, false), "application/pdf")
		if err := svc.Make(ctx, f); err != nil {
			t.Fatal(err)
		}
		if reason, _ := svc.Reason(ctx, f); !strings.Contains(reason, "took longer than 500ms") {
			t.Errorf("Reason = %q, want the time limit", reason)
		}
	})

	t.Run("shutdown records nothing", func(t *testing.T) {
		started := filepath.Join(t.TempDir(), "started")
		svc := withTool(t, st, fakeTool(t, fmt.Sprintf("touch %s; exec sleep 30", started)), thumbs.Options{Workers: 1})
		f := put(t, st, testenv.PagePDF(12, 0, false), "application/pdf")
		svc.Start()
		if !svc.Enqueue(f) {
			t.Fatal("Enqueue refused")
		}
		waitFor(t, "the tool to start", func() bool { _, err := os.Stat(started); return err == nil })
		svc.Stop()
		if state, err := svc.State(ctx, f); err != nil || state != thumbs.Pending {
			t.Errorf("after shutdown State = %v, %v; want pending (nothing recorded)", state, err)
		}
	})
}

// TestWorkers checks the background pool: what is queued gets made, the
// same file queued twice is made once, and nothing is left in the
// temporary directory.
func TestWorkers(t *testing.T) {
	for _, kind := range testenv.StoreKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			cfg := testenv.StoreConfig(t, kind)
			st, err := storage.New(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			tmp := t.TempDir()
			svc := thumbs.New(st, thumbs.Options{Log: testenv.Logger(t), TempDir: tmp})
			svc.Start()
			t.Cleanup(svc.Stop)
			ctx := context.Background()
			var files []thumbs.File
			for i := range 6 {
				files = append(files, put(t, st, jpegOf(t, halves(800+i, 600)), "image/jpeg"))
			}
			files = append(files, put(t, st, testenv.PagePDF(20, 0, false), "application/pdf"),
				put(t, st, testenv.PagePDF(21, 0, true), "application/pdf"))
			for _, f := range files {
				if !svc.Enqueue(f) || !svc.Enqueue(f) {
					t.Fatal("Enqueue refused")
				}
			}
			for i, f := range files {
				want := thumbs.Ready
				if i == len(files)-1 {
					want = thumbs.Failed
				}
				waitFor(t, fmt.Sprintf("file %d", i), func() bool {
					s, err := svc.State(ctx, f)
					return err == nil && s == want
				})
			}
			n := 0
			for _, err := range st.Thumbs(ctx) {
				if err != nil {
					t.Fatal(err)
				}
				n++
			}
			if n != len(files) {
				t.Errorf("%d thumbnails and failures stored, want %d", n, len(files))
			}
			svc.Stop()
			if left, _ := os.ReadDir(tmp); len(left) != 0 {
				t.Errorf("left in the temporary directory: %v", left)
			}
			if testenv.StagedLeft(t, cfg) != 0 {
				t.Error("staged objects left")
			}
		})
	}
}

// brokenStore fails every Open as an outage would.
type brokenStore struct{ storage.Store }

func (brokenStore) Open(context.Context, string) (io.ReadCloser, error) {
	return nil, fmt.Errorf("%w: the bucket is not answering", storage.ErrUnavailable)
}

// TestOutageRecordsNothing checks that a blob store that cannot be read
// is not taken for a bad file: Make fails, nothing is recorded, and the
// file is made once the store answers again.
func TestOutageRecordsNothing(t *testing.T) {
	st := testenv.OpenStore(t, "filesystem")
	ctx := context.Background()
	f := put(t, st, jpegOf(t, halves(64, 48)), "image/jpeg")
	down := thumbs.New(brokenStore{st}, thumbs.Options{Log: testenv.Logger(t)})
	if err := down.Make(ctx, f); !errors.Is(err, storage.ErrUnavailable) {
		t.Fatalf("Make during an outage: %v, want ErrUnavailable", err)
	}
	up := thumbs.New(st, thumbs.Options{Log: testenv.Logger(t)})
	if state, err := up.State(ctx, f); err != nil || state != thumbs.Pending {
		t.Fatalf("after the outage State = %v, %v; want pending", state, err)
	}
	if err := up.Make(ctx, f); err != nil {
		t.Fatal(err)
	}
	if state, _ := up.State(ctx, f); state != thumbs.Ready {
		t.Errorf("State = %v, want ready", state)
	}
}

// TestBackfillOnFirstLook checks that a file stored before thumbnails
// existed (never queued) gets its thumbnail once a page asks about it,
// and that a full queue drops a file without blocking, which the next
// look queues again.
func TestBackfillOnFirstLook(t *testing.T) {
	st := testenv.OpenStore(t, "filesystem")
	ctx := context.Background()
	svc := thumbs.New(st, thumbs.Options{Log: testenv.Logger(t), Queue: 1})
	old := put(t, st, jpegOf(t, halves(400, 300)), "image/jpeg")
	other := put(t, st, pngOf(t, halves(300, 400)), "image/png")
	if state, err := svc.State(ctx, old); err != nil || state != thumbs.Pending {
		t.Fatalf("first look: %v, %v; want pending", state, err)
	}
	// The queue (of one) is full and no worker runs: the other file is
	// dropped, and the look returns at once.
	if svc.Enqueue(other) {
		t.Error("Enqueue took a file into a full queue")
	}
	svc.Start()
	t.Cleanup(svc.Stop)
	waitFor(t, "the old file's thumbnail", func() bool {
		s, err := svc.State(ctx, old)
		return err == nil && s == thumbs.Ready
	})
	waitFor(t, "the dropped file's thumbnail, queued again by a look", func() bool {
		s, err := svc.State(ctx, other)
		return err == nil && s == thumbs.Ready
	})
}
