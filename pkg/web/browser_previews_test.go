package web_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// netlog records, from the DevTools protocol, every request a page makes
// and the bytes each took on the wire (headers and body, as transferred:
// compressed when it was).
type netlog struct {
	mu    sync.Mutex
	url   map[network.RequestID]string
	kind  map[network.RequestID]network.ResourceType
	bytes map[network.RequestID]float64 // of each finished request
	got   map[network.RequestID]float64 // body bytes received, also of those that did not finish
	order []network.RequestID
}

// listen starts recording ctx's requests.
func listen(t *testing.T, ctx context.Context) *netlog {
	t.Helper()
	n := &netlog{}
	n.reset()
	chromedp.ListenTarget(ctx, func(ev any) {
		n.mu.Lock()
		defer n.mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			if _, seen := n.url[e.RequestID]; !seen {
				n.order = append(n.order, e.RequestID)
			}
			n.url[e.RequestID], n.kind[e.RequestID] = e.Request.URL, e.Type
		case *network.EventDataReceived:
			n.got[e.RequestID] += float64(e.EncodedDataLength)
		case *network.EventLoadingFinished:
			n.bytes[e.RequestID] = e.EncodedDataLength
		}
	})
	run(t, ctx, "record the network", network.Enable())
	return n
}

func (n *netlog) reset() {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.url, n.kind, n.order = map[network.RequestID]string{}, map[network.RequestID]network.ResourceType{}, nil
	n.bytes, n.got = map[network.RequestID]float64{}, map[network.RequestID]float64{}
}

// requests lists the URLs requested whose path contains part.
func (n *netlog) requests(part string) []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []string
	for _, id := range n.order {
		if strings.Contains(n.url[id], part) {
			out = append(out, n.url[id])
		}
	}
	return out
}

// weight is the bytes transferred in all, and by resource type.
func (n *netlog) weight() (total float64, byKind map[string]float64, count int) {
	n.mu.Lock()
	defer n.mu.Unlock()
	byKind = map[string]float64{}
	for _, id := range n.order {
		b, finished := n.bytes[id]
		if !finished {
			b = n.got[id] // cancelled on the way (a PDF frame headless Chromium does not show)
		}
		if !finished && b == 0 {
			continue
		}
		total += b
		kind := string(n.kind[id])
		if kind == "" {
			kind = "Other"
		}
		byKind[kind] += b
		count++
	}
	return total, byKind, count
}

func kib(b float64) string { return fmt.Sprintf("%.1f KiB", b/1024) }

// twelveFiles uploads what a requirement with twelve files holds: six
// scanned PDFs of about 1 MiB and six phone photos, and waits for their
// thumbnails. It returns the requirement page's path.
func twelveFiles(t *testing.T, h *harness, facility int64) string {
	t.Helper()
	startThumbs(h)
	req := field{name: "requirement", value: "2.1.2/a/R1"}
	var ups []uploaded
	for i := range 6 {
		ups = append(ups, h.mustUpload(facility, req, field{name: "title", value: fmt.Sprintf("Notulen rapat %d", i+1)},
			file(fmt.Sprintf("notulen-%d.pdf", i+1), testenv.PagePDF(i, 1<<20, false))))
		ups = append(ups, h.mustUpload(facility, req, field{name: "title", value: fmt.Sprintf("Foto kegiatan %d", i+1)},
			file(fmt.Sprintf("IMG_%04d.jpg", i+1), testPhoto(t, 2000, 1500, i))))
	}
	for _, up := range ups {
		h.made(up)
	}
	return fmt.Sprintf("/f/%d/req?id=2.1.2/a/R1", facility)
}

// TestBrowserPreviews checks, in Chromium, that a requirement page with
// twelve files (6 MiB of PDFs, 5 MiB of photos) fetches none of them
// while their previews are closed — only their thumbnails, lazily — that
// opening a preview fetches its file, and that the page weighs less than
// 300 KiB on the wire. It logs the page's weight, by type, cold and warm
// (thumbnails and assets cached), and its load time on a throttled link
// (1.6 Mbit/s, 150 ms), for the README.
func TestBrowserPreviews(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 20<<20)
	f := h.createFacility("P3277010101")
	h.userWith("mutu@puskesmas.test", bukti.RoleBinding{Role: bukti.RoleQualityTeam, FacilityID: &f.ID})
	path := twelveFiles(t, h, f.ID)
	ctx := browser(t, 1366, 768)
	h.signIn(t, ctx, "mutu@puskesmas.test", "kata-sandi-pengguna-1")
	n := listen(t, ctx)
	run(t, ctx, "cold cache", network.SetCacheDisabled(true))

	// load opens the page and scrolls through it to its end, as a reader
	// would, so that every lazy thumbnail loads, and waits until they
	// have. It returns the time to the page's load event, and to the
	// last thumbnail.
	load := func(step string) (loaded, all time.Duration) {
		t.Helper()
		n.reset()
		start := time.Now()
		var done bool
		run(t, ctx, step,
			chromedp.Navigate(h.srv.URL+path),
			chromedp.WaitVisible(`article.evidence`, chromedp.ByQuery),
			chromedp.Evaluate(`(async () => {
				for (let y = 0; y < document.body.scrollHeight; y += 300) {
					window.scrollTo(0, y);
					await new Promise(r => setTimeout(r, 30));
				}
			})()`, nil, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }),
			chromedp.Poll(`Array.from(document.images).every(i => i.complete)`, &done, chromedp.WithPollingTimeout(30*time.Second)))
		all = time.Since(start)
		var ms float64
		run(t, ctx, "read the load time", chromedp.Evaluate(`performance.getEntriesByType("navigation")[0].loadEventEnd`, &ms))
		time.Sleep(300 * time.Millisecond) // let the last loadingFinished events arrive
		return time.Duration(ms * float64(time.Millisecond)), all
	}
	load("open the requirement page")
	if got := n.requests("/content"); len(got) != 0 {
		t.Errorf("closed previews fetched files: %v", got)
	}
	if got := n.requests("/thumbnail/"); len(got) != 12 {
		t.Errorf("thumbnails fetched: %d, want 12", len(got))
	}
	var sized int
	run(t, ctx, "thumbnails carry their size", chromedp.Evaluate(
		`document.querySelectorAll('img.thumb[loading="lazy"][width="160"][height="160"]').length`, &sized))
	if sized != 12 {
		t.Errorf("%d thumbnails with loading=lazy and a size, want 12", sized)
	}
	total, byKind, count := n.weight()
	t.Logf("requirement page, 12 files, cold cache: %s in %d requests (%s)", kib(total), count, kinds(byKind))
	if total > 300*1024 {
		t.Errorf("the page weighs %s on the wire, want under 300 KiB", kib(total))
	}

	t.Run("opening a preview fetches its file", func(t *testing.T) {
		for _, kind := range []string{"pdf", "image"} {
			sel := fmt.Sprintf(`details[data-preview=%q]`, kind)
			var src string
			run(t, ctx, "open a "+kind+" preview",
				chromedp.Evaluate(`document.querySelector('`+sel+`').scrollIntoView()`, nil),
				chromedp.AttributeValue(sel, "data-src", &src, nil, chromedp.ByQuery),
				chromedp.Click(sel+` summary`, chromedp.ByQuery),
				chromedp.WaitReady(sel+` .preview`, chromedp.ByQuery))
			deadline := time.Now().Add(30 * time.Second)
			for len(n.requests(src)) == 0 && time.Now().Before(deadline) {
				time.Sleep(50 * time.Millisecond)
			}
			if got := n.requests(src); len(got) == 0 {
				t.Errorf("opening the %s preview did not fetch %s", kind, src)
			}
			if others := len(n.requests("/content")) - len(n.requests(src)); others != 0 {
				t.Errorf("opening one preview fetched %d other files", others)
			}
			n.reset()
		}
	})

	run(t, ctx, "warm cache", network.SetCacheDisabled(false))
	load("warm the cache")
	load("open the page again")
	total, byKind, count = n.weight()
	t.Logf("requirement page, 12 files, warm cache: %s in %d requests (%s)", kib(total), count, kinds(byKind))

	run(t, ctx, "cold cache, slow link", network.SetCacheDisabled(true),
		network.EmulateNetworkConditions(false, 150, 1.6e6/8, 0.75e6/8))
	loaded, all := load("open the page on a slow link")
	total, _, _ = n.weight()
	t.Logf("requirement page, 12 files, 1.6 Mbit/s and 150 ms, cold cache: %s; load event after %.1f s, every thumbnail (scrolling through) after %.1f s",
		kib(total), loaded.Seconds(), all.Seconds())
}

func kinds(by map[string]float64) string {
	var parts []string
	for k, v := range by {
		parts = append(parts, k+" "+kib(v))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}
