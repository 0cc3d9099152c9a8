package web_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/bukti-id/bukti/pkg/bukti"
)

// The slow link of the page-weight table: 1.6 Mbps each way with a
// 150 ms round trip, as DevTools emulates it.
const (
	slowLinkBytesPerSecond = 1.6e6 / 8
	slowLinkRTT            = 150 // ms
)

// weightsFile is where TestPageWeights writes its table, beside the
// screenshots (every run rewrites it).
const weightsFile = screenshotDir + "/page-weights.md"

// noisyJPEG is a w×h JPEG of a gradient under noise of ±noise levels: it
// compresses about as badly as a detailed phone photo or a scanned page,
// so its size is like theirs. seed varies the pixels.
func noisyJPEG(t *testing.T, w, h, quality, noise int, seed uint64) []byte {
	t.Helper()
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(seed, 7))
	for y := range h {
		for x := range w {
			i := m.PixOffset(x, y)
			for c, base := range [3]int{x * 255 / w, y * 255 / h, (x + y) * 255 / (w + h)} {
				m.Pix[i+c] = uint8(max(0, min(255, base+r.IntN(2*noise+1)-noise)))
			}
			m.Pix[i+3] = 255
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: quality}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// jpegNoted is a JPEG with a comment segment carrying note after its
// start marker: the same picture as other bytes (another hash).
func jpegNoted(j []byte, note string) []byte {
	n := len(note) + 2
	out := append([]byte{0xFF, 0xD8, 0xFF, 0xFE, byte(n >> 8), byte(n)}, note...)
	return append(out, j[2:]...)
}

// scanPDF is a one-page A4 PDF showing a JPEG (w×h pixels) full page, as
// a scanner or a phone's "scan document" makes.
func scanPDF(j []byte, w, h int, note string) []byte {
	var b bytes.Buffer
	var offsets []int
	obj := func(body string, stream []byte) {
		offsets = append(offsets, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s", len(offsets), body)
		if stream != nil {
			b.WriteString("\nstream\n")
			b.Write(stream)
			b.WriteString("\nendstream")
		}
		b.WriteString("\nendobj\n")
	}
	b.WriteString("%PDF-1.4\n%\xE2\xE3\xCF\xD3\n")
	content := []byte("q 595 0 0 842 0 0 cm /Im0 Do Q")
	obj("<< /Type /Catalog /Pages 2 0 R >>", nil)
	obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>", nil)
	obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>", nil)
	obj(fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length %d >>", w, h, len(j)), j)
	obj(fmt.Sprintf("<< /Length %d >>", len(content)), content)
	obj(fmt.Sprintf("<< /Title (%s) >>", note), nil)
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, o := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, len(offsets), xref)
	return b.Bytes()
}

// weight is what one page load transferred, by kind, and how long it
// took on the slow link.
type weight struct {
	page      string
	first     bytesByKind   // the page as first shown, nothing scrolled
	all       bytesByKind   // after scrolling to its end (lazy images load)
	requests  int           // of all
	load      time.Duration // navigation start to the load event, in the browser
	firstDone time.Duration // navigation start to the end of the first view's last transfer, in the browser
	waited    bool          // a transfer was still running quietWithin after the load
}

// bytesByKind is what responses carried, by kind.
type bytesByKind map[string]float64

func (b bytesByKind) total() float64 {
	var t float64
	for _, v := range b {
		t += v
	}
	return t
}

// kindOf sorts a response by its media type.
func kindOf(mime string) string {
	switch {
	case strings.HasPrefix(mime, "text/html"):
		return "html"
	case strings.HasPrefix(mime, "text/css"):
		return "css"
	case strings.Contains(mime, "javascript"):
		return "js"
	case strings.HasPrefix(mime, "image/"):
		return "images"
	default:
		return "other"
	}
}

// meter counts what a server sends: every response's status line,
// headers and body (as written, so compressed when the server
// compresses), by the kind of its Content-Type. Counting at the server
// sees what the browser's own network events miss (a PDF handed to the
// viewer of an iframe).
type meter struct {
	mu       sync.Mutex
	bytes    bytesByKind
	requests int
	inflight int
	// subresources counts the requests for images, styles and scripts
	// (not documents or frames), each of which the page reports in its
	// resource timing once it has arrived.
	subresources int
	first        time.Time
	last         time.Time
}

func (m *meter) reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.bytes, m.requests, m.subresources, m.first, m.last = bytesByKind{}, 0, 0, time.Time{}, time.Time{}
}

// countingWriter counts the body bytes written through it.
type countingWriter struct {
	http.ResponseWriter
	n int64
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.ResponseWriter.Write(b)
	c.n += int64(n)
	return n, err
}

func (c *countingWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }

func (m *meter) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.mu.Lock()
		m.requests++
		m.inflight++
		// The favicon the browser may ask for is no part of the page.
		if dest := r.Header.Get("Sec-Fetch-Dest"); dest != "document" && dest != "iframe" && r.URL.Path != "/favicon.ico" {
			m.subresources++
		}
		if m.first.IsZero() {
			m.first = time.Now()
		}
		m.mu.Unlock()
		cw := &countingWriter{ResponseWriter: w}
		next.ServeHTTP(cw, r)
		head := len("HTTP/1.1 200 OK\r\n\r\n")
		for k, vs := range w.Header() {
			for _, v := range vs {
				head += len(k) + len(v) + 4
			}
		}
		m.mu.Lock()
		m.inflight--
		m.bytes[kindOf(w.Header().Get("Content-Type"))] += float64(cw.n + int64(head))
		m.last = time.Now()
		m.mu.Unlock()
	})
}

// settled waits, after the load event (which waits for the document and
// its frames), until every image, style and script the server sent has
// reached the page (a resource timing entry each), the server has
// nothing in flight, and so for 1.5 s; at most quietWithin. It returns
// when the last transfer ended (from navigation start, in the browser's
// clock) and whether it had to give up.
func (m *meter) settled(t *testing.T, ctx context.Context) (done time.Duration, gaveUp bool) {
	t.Helper()
	deadline := time.Now().Add(quietWithin)
	var stable time.Time
	for {
		var seen struct {
			Entries int     `json:"entries"`
			End     float64 `json:"end"`
		}
		run(t, ctx, "resource timing", chromedp.Evaluate(`(() => {
			const r = performance.getEntriesByType("resource"), n = performance.getEntriesByType("navigation")[0];
			return {entries: r.filter(e => e.initiatorType !== "iframe").length, end: Math.max(n ? n.responseEnd : 0, ...r.map(e => e.responseEnd))};
		})()`, &seen))
		m.mu.Lock()
		arrived := m.inflight == 0 && seen.Entries >= m.subresources
		m.mu.Unlock()
		switch {
		case !arrived:
			stable = time.Time{}
		case stable.IsZero():
			stable = time.Now()
		case time.Since(stable) > 1500*time.Millisecond:
			return time.Duration(seen.End * float64(time.Millisecond)), false
		}
		if time.Now().After(deadline) {
			return time.Duration(seen.End * float64(time.Millisecond)), true
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func (m *meter) snapshot() bytesByKind {
	m.mu.Lock()
	defer m.mu.Unlock()
	return maps.Clone(m.bytes)
}

// quietWithin bounds the wait for the transfers to end after the load
// event (or after the lazy images are asked for).
const quietWithin = 3 * time.Minute

// measure loads url on the slow link with the cache off and waits for
// its transfers to end (first view); then it has every lazy image load,
// as scrolling through the page would, and waits again.
func (m *meter) measure(t *testing.T, ctx context.Context, name, url string) weight {
	t.Helper()
	m.reset()
	var loadMS float64
	run(t, ctx, "load "+name, chromedp.Navigate(url),
		chromedp.Poll(`(() => { const n = performance.getEntriesByType("navigation")[0]; return n && n.loadEventEnd > 0 ? n.loadEventEnd : false })()`, &loadMS,
			chromedp.WithPollingTimeout(5*time.Minute)))
	w := weight{page: name, load: time.Duration(loadMS * float64(time.Millisecond))}
	w.firstDone, w.waited = m.settled(t, ctx)
	w.first = m.snapshot()
	run(t, ctx, "lazy images of "+name, chromedp.Evaluate(`document.querySelectorAll("img[loading=lazy]").forEach(i => i.loading = "eager")`, nil))
	var waited bool
	_, waited = m.settled(t, ctx)
	w.waited = w.waited || waited
	w.all = m.snapshot()
	m.mu.Lock()
	defer m.mu.Unlock()
	w.requests = m.requests
	return w
}

// slowBrowser is a headless Chromium at phone size with a longer deadline
// than browser's: a page of photos takes minutes on the slow link.
func slowBrowser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("chromium is not installed: run the suite with scripts/test.sh, which installs it")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(phoneWidth, phoneHeight))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 15*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	run(t, ctx, "start chromium", chromedp.EmulateViewport(phoneWidth, phoneHeight))
	return ctx
}

func kb(b float64) string { return fmt.Sprintf("%.0f", b/1000) }

// TestPageWeights records what four pages a phone user opens every day
// transfer, by kind, and how long they take to load on a slow mobile link
// (1.6 Mbps, 150 ms RTT, emulated by DevTools, cache off): the facility
// dashboard, a requirement holding 12 files (four 2.9 MB photos, four
// 1 MB scanned attendance lists, four scanned minutes as PDF), the survey
// page in review and the district overview of 40 Puskesmas. It logs the
// table and writes it to ui/screenshots/page-weights.md, and fails when a
// page, scrolled to its end, weighs 300 KB or more on the wire (the
// target of a page on mobile data). Times are recorded, never judged.
func TestPageWeights(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 10<<20)
	startThumbs(h)
	w := &world{h: h}
	h.db.Model(&bukti.User{}).Where("email = ?", adminEmail).Pluck("id", &w.admin)
	f := h.createFacilityIn("P3277010101", districtA)
	for i := range 39 {
		g := h.createFacilityIn(fmt.Sprintf("P32770102%02d", i), districtA)
		if i%3 == 0 {
			h.mustUpload(g.ID, field{name: "requirement", value: "2.1.2/a/R1"}, file("sk.pdf", scanPDF(jpegNoted(noisyJPEG(t, 80, 110, 80, 10, uint64(i)), "x"), 80, 110, "SK")))
		}
	}
	var did int64
	h.db.Model(&bukti.District{}).Where("code = ?", districtA).Pluck("id", &did)
	h.userWith("mutu@puskesmas.test", bukti.RoleBinding{Role: bukti.RoleQualityTeam, FacilityID: &f.ID})
	h.userWith("dinkes@cimahi.test", bukti.RoleBinding{Role: bukti.RoleSupervisor, DistrictID: &did})
	surveyor, _ := h.userWith("surveior@kars.test", bukti.RoleBinding{})

	photo := noisyJPEG(t, 2600, 1950, 90, 48, 1)   // ≈ 2.9 MB, a 5 MP phone photo
	list := noisyJPEG(t, 1240, 1754, 85, 40, 2)    // ≈ 1 MB, an A4 page photographed
	minutes := noisyJPEG(t, 1240, 1754, 80, 20, 3) // ≈ 0.4 MB, an A4 page scanned
	stages := []string{"perencanaan", "pelaksanaan", "perbaikan", "evaluasi"}
	var ups []uploaded
	for i, stage := range stages {
		for part, content := range map[string][]byte{
			"foto":         jpegNoted(photo, stage),
			"daftar_hadir": jpegNoted(list, stage),
			"notulen":      scanPDF(jpegNoted(minutes, stage), 1240, 1754, "Notulen "+stage),
		} {
			name := fmt.Sprintf("IMG_2025021%d_%s.jpg", i, part)
			if part == "notulen" {
				name = "notulen-" + stage + ".pdf"
			}
			ups = append(ups, h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/b/D3"}, field{name: "stage", value: stage}, field{name: "part", value: part}, file(name, content)))
		}
	}
	// The page is measured as a user sees it a little after uploading:
	// with its thumbnails made.
	for _, up := range ups {
		h.made(up)
	}
	h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/a/R1"}, file("sk-pemberdayaan.pdf", scanPDF(minutes, 1240, 1754, "SK")))
	if _, err := h.app.Reports.Snapshot(context.Background()); err != nil {
		t.Fatal(err)
	}
	review := w.surveyAt(side{facility: f.ID}, bukti.SurveyInReview, surveyor).id

	pages := []struct{ name, who, path string }{
		{"Facility dashboard", "quality", fmt.Sprintf("/f/%d", f.ID)},
		{"Requirement with 12 files (2.1.2/b/D3)", "quality", fmt.Sprintf("/f/%d/req?id=2.1.2/b/D3", f.ID)},
		{"Survey page in review", "surveyor", fmt.Sprintf("/s/%d", review)},
		{"District overview, 40 Puskesmas", "supervisor", "/district"},
	}
	// The pages are served through the meter.
	m := &meter{}
	m.reset()
	srv := httptest.NewServer(m.wrap(h.web.Handler()))
	t.Cleanup(srv.Close)
	metered := *h
	metered.srv = srv
	var rows []weight
	for _, p := range pages {
		ctx := slowBrowser(t)
		login := roleLogins[p.who]
		metered.signIn(t, ctx, login[0], login[1])
		run(t, ctx, "slow link", network.Enable(), network.SetCacheDisabled(true),
			network.EmulateNetworkConditions(false, slowLinkRTT, slowLinkBytesPerSecond, slowLinkBytesPerSecond))
		w := m.measure(t, ctx, p.name, srv.URL+p.path)
		t.Logf("%s: first view %s KB, scrolled %s KB in %d requests, load event %.1f s, first view done %.1f s", w.page, kb(w.first.total()), kb(w.all.total()),
			w.requests, w.load.Seconds(), w.firstDone.Seconds())
		rows = append(rows, w)
		if w.all.total() >= 300e3 {
			t.Errorf("%s weighs %s KB on the wire scrolled to its end (%v), want under 300 KB", w.page, kb(w.all.total()), w.all)
		}
	}

	var b strings.Builder
	fmt.Fprintf(&b, "| Page | HTML KB | CSS KB | JS KB | Images KB | Other KB | Total KB, first view | Total KB, scrolled to the end | Requests | Load event | First view loaded | Bytes ÷ 1.6 Mbps, first view / scrolled |\n")
	fmt.Fprintf(&b, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range rows {
		done := fmt.Sprintf("%.1f s", r.firstDone.Seconds())
		if r.waited {
			done = "> " + done + " (still running)"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s | %d | %.1f s | %s | %.1f s / %.1f s |\n", r.page, kb(r.all["html"]), kb(r.all["css"]), kb(r.all["js"]),
			kb(r.all["images"]), kb(r.all["other"]), kb(r.first.total()), kb(r.all.total()), r.requests, r.load.Seconds(), done,
			r.first.total()/slowLinkBytesPerSecond, r.all.total()/slowLinkBytesPerSecond)
	}
	table := b.String()
	t.Logf("page weights at %d×%d, 1.6 Mbps, %d ms RTT, cache off (KB = 1000 bytes as sent by the server, headers included):\n%s", phoneWidth, phoneHeight, slowLinkRTT, table)
	doc := fmt.Sprintf("# Page weights\n\nWritten by `TestPageWeights` (pkg/web/pageweights_test.go) on every run: Chromium at %d×%d, "+
		"DevTools network emulation at 1.6 Mbps down and up with %d ms round trip, cache off, signed in. "+
		"KB are 1000 bytes as the server sent them (status line, headers and body; compressed when the server compresses), "+
		"by the response's Content-Type (\"Other\": PDFs and the rest); the kinds are those of the page scrolled to its end. "+
		"\"First view\" is what loads without scrolling, \"scrolled to the end\" adds what loads as the page is scrolled (lazy images). "+
		"\"Load event\" and \"First view loaded\" (the end of the last transfer of the first view, lazy images in sight included) are the browser's, from navigation start. "+
		"The last column is the least time those bytes take on a 1.6 Mbps link (no round trips counted): "+
		"in Chromium's emulation the PDFs shown in iframes (handed to its PDF viewer) are neither timed nor, it seems, held back by the throttling, "+
		"so the measured times of a page with PDF previews are too short. "+
		"Measured times depend on the machine and its load: compare rows, not runs.\n\n%s", phoneWidth, phoneHeight, slowLinkRTT, table)
	if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Clean(weightsFile), []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
}
