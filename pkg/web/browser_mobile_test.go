package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// Phone is the viewport of the phone-first checks: a common small
// Android phone in portrait.
const (
	phoneWidth  = 360
	phoneHeight = 780
	// minTap is the least height of a tap target, in CSS pixels.
	minTap = 44
	// maxHeader is the most the page header may take on a phone.
	maxHeader = 64
)

// layoutProblemsJS lists, in the page as shown, what makes it hard to use
// on a phone:
//   - an element reaching past the viewport's right or left edge that is
//     not inside a container that scrolls (or clips) sideways, and the
//     page itself wider than the viewport;
//   - a table cell narrower than one of its words: the cell's content box
//     narrower than the min-content width of a word (text between white
//     space) with normal wrapping, so that only overflow-wrap or
//     word-break could fit it, breaking it mid-word;
//   - a visible control (link, button, form field, summary) less than
//     minTap px tall. A check box or a visually hidden field is measured
//     by its label; a link inside a sentence of a paragraph (three or more
//     words of text around it) is text, not a tap target, and is exempt;
//   - a header taller than maxHeader px.
//
// Elements inside closed <details> are not shown, so not measured; the
// test measures again with every <details> opened.
const layoutProblemsJS = `(() => {
  const minTap = %d, maxHeader = %d;
  const vw = document.documentElement.clientWidth;
  const out = [];
  const describe = el => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += "#" + el.id;
    if (typeof el.className === "string" && el.className.trim()) s += "." + el.className.trim().split(/\s+/).join(".");
    const txt = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().replace(/\s+/g, " ");
    if (txt) s += ' "' + txt.slice(0, 40) + '"';
    return s;
  };
  const shown = el => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== "hidden";
  };
  const contained = el => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== "visible") return true;
    }
    return false;
  };
  if (document.documentElement.scrollWidth > vw) out.push("page: " + document.documentElement.scrollWidth + " px wide, viewport " + vw);
  const header = document.querySelector("body > header");
  if (header && header.getBoundingClientRect().height > maxHeader) out.push("header: " + Math.round(header.getBoundingClientRect().height) + " px tall (at most " + maxHeader + ")");
  const over = new Set();
  for (const el of document.body.querySelectorAll("*")) {
    if (!shown(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.right <= 0) continue; // moved off-screen on purpose (skip link)
    if ((r.right > vw + 0.5 || r.left < -0.5) && !contained(el)) {
      over.add(el);
      if (!over.has(el.parentElement)) out.push("overflow: " + describe(el) + " spans " + Math.round(r.left) + "–" + Math.round(r.right) + " px");
    }
  }
  // A word's least width is its min-content width with normal wrapping
  // (it may still break where browsers break words: after a hyphen, a
  // slash, between ")" and "("), measured in its own font off-screen.
  const box = document.createElement("div");
  box.style.cssText = "position:absolute;left:0;top:0;width:0;visibility:hidden";
  const probes = new Map(), cells = [];
  for (const cell of document.querySelectorAll("td, th")) {
    if (!shown(cell)) continue;
    const words = [];
    const walk = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      const cs = getComputedStyle(n.parentElement);
      if (cs.display === "none") continue;
      const font = [cs.font, cs.letterSpacing, cs.textTransform].join("|");
      for (const word of n.data.split(/\s+/)) {
        if (!word) continue;
        const key = font + "|" + word;
        if (!probes.has(key)) {
          const p = document.createElement("span");
          p.style.cssText = "display:block;width:min-content;white-space:normal;overflow-wrap:normal;word-break:normal";
          p.style.font = cs.font; p.style.letterSpacing = cs.letterSpacing; p.style.textTransform = cs.textTransform;
          p.textContent = word;
          box.appendChild(p);
          probes.set(key, p);
        }
        words.push([word, probes.get(key)]);
      }
    }
    cells.push([cell, words]);
  }
  document.body.appendChild(box);
  const widths = new Map();
  for (const p of probes.values()) widths.set(p, p.getBoundingClientRect().width);
  box.remove();
  for (const [cell, words] of cells) {
    const cs = getComputedStyle(cell);
    const room = cell.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    let worst = null;
    for (const [word, p] of words) if (widths.get(p) > room + 0.5 && (!worst || widths.get(p) > worst[1])) worst = [word, widths.get(p)];
    if (worst) out.push("cell narrower than its word " + JSON.stringify(worst[0]) + " (" + Math.round(worst[1]) + " px): " + describe(cell) + " has " + Math.round(room) + " px");
  }
  const sentence = a => {
    const p = a.parentElement && a.parentElement.closest("p, li, td, th, dd, dt, div, section, label, h1, h2, h3, h4, summary");
    if (!p || p.tagName !== "P") return false;
    let text = "";
    const walk = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) if (!n.parentElement.closest("a")) text += " " + n.data;
    return (text.match(/[\p{L}\p{N}]+/gu) || []).length >= 3;
  };
  for (const el of document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, summary")) {
    if (!shown(el)) continue;
    let target = el, r = el.getBoundingClientRect();
    if (r.right <= 0 || (el.tagName === "A" && sentence(el))) continue;
    if (el.tagName === "INPUT" && (el.type === "checkbox" || el.type === "radio" || (r.width <= 2 && r.height <= 2))) {
      target = el.closest("label") || (el.id && document.querySelector('label[for="' + el.id + '"]'));
      if (!target) { out.push("control without a label: " + describe(el)); continue; }
      r = target.getBoundingClientRect();
    }
    if (r.height < minTap - 0.5) out.push("tap target " + Math.round(r.height) + " px tall: " + describe(target));
  }
  return out;
})()`

// layoutProblems measures the page as shown, then with every <details>
// opened, and returns what layoutProblemsJS finds (each once).
func layoutProblems(t *testing.T, ctx context.Context) []string {
	t.Helper()
	js := fmt.Sprintf(layoutProblemsJS, minTap, maxHeader)
	var closed, opened []string
	run(t, ctx, "measure the page",
		chromedp.Evaluate(js, &closed),
		chromedp.Evaluate(`document.querySelectorAll("details").forEach(d => d.open = true)`, nil),
		chromedp.Evaluate(js, &opened))
	seen := map[string]bool{}
	var out []string
	for _, p := range append(closed, opened...) {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// mobileWorld is what the phone checks open: two Puskesmas of district A
// and one of B on the complete standard, with evidence in EP a (an SK),
// the 12-slot D3 of EP b and an interviewee; a final survey of the first
// (with its PPS) and one in review, both led by the surveyor; daily
// snapshots; a catalogue version to compare.
type mobileWorld struct {
	h                  *harness
	fa                 bukti.Facility
	final, review, cat int64
	shots              map[string]string
}

func newMobileWorld(t *testing.T) *mobileWorld {
	h := newHarness(t, "sqlite", "filesystem", 10<<20)
	w := &world{h: h}
	h.db.Model(&bukti.User{}).Where("email = ?", adminEmail).Pluck("id", &w.admin)
	fa := h.createFacilityIn("P3277010101", districtA)
	fa2 := h.createFacilityIn("P3277010202", districtA)
	h.createFacilityIn("P3273020101", districtB)
	// A long name, as some Puskesmas have, in the tables.
	h.expect(200, h.call("PATCH", fmt.Sprintf("/api/v1/facilities/%d", fa2.ID), map[string]string{"name": "Puskesmas Rawat Inap Cibeber Kecamatan Cimahi Selatan"}, ""), nil)
	var did int64
	h.db.Model(&bukti.District{}).Where("code = ?", districtA).Pluck("id", &did)
	h.userWith("mutu@puskesmas.test", bukti.RoleBinding{Role: bukti.RoleQualityTeam, FacilityID: &fa.ID})
	h.userWith("dinkes@cimahi.test", bukti.RoleBinding{Role: bukti.RoleSupervisor, DistrictID: &did})
	surveyor, _ := h.userWith("surveior@kars.test", bukti.RoleBinding{})

	h.mustUpload(fa.ID, field{name: "requirement", value: "2.1.2/a/R1"}, field{name: "title", value: "SK Kepala Puskesmas tentang pemberdayaan masyarakat"},
		field{name: "doc_number", value: "445/012/SK/PKM/2025"}, file("sk-pemberdayaan.pdf", testenv.PDF("SK")))
	for i, stage := range []string{"perencanaan", "pelaksanaan"} {
		for _, part := range []string{"daftar_hadir", "notulen", "foto"} {
			h.mustUpload(fa.ID, field{name: "requirement", value: "2.1.2/b/D3"}, field{name: "stage", value: stage}, field{name: "part", value: part},
				file(fmt.Sprintf("IMG_2025011%d_%s.jpg", i, part), testenv.JPEG(i*3+len(part))))
		}
	}
	h.mustUpload(fa2.ID, field{name: "requirement", value: "2.1.2/a/R1"}, file("sk.pdf", testenv.PDF("SK 2")))
	h.expect(200, h.call("PUT", fmt.Sprintf("/api/v1/facilities/%d/interviewees", fa.ID),
		map[string]string{"requirement": "2.1.2/a/W1", "role": "Kepala Puskesmas", "name": "dr. Ratna Kusumawardhani, M.Kes."}, ""), nil)
	if _, err := h.app.Reports.Snapshot(context.Background()); err != nil {
		t.Fatal(err)
	}
	a := side{facility: fa.ID}
	mw := &mobileWorld{h: h, fa: fa}
	mw.final = w.surveyAt(a, bukti.SurveyFinal, surveyor).id
	mw.review = w.surveyAt(a, bukti.SurveyInReview, surveyor).id
	mw.cat = w.catalogueVersion()
	return mw
}

// pages are the pages each role reaches, by role; shots names the
// screenshots taken on the way, by role and path.
func (mw *mobileWorld) pages() map[string][]string {
	f := fmt.Sprintf("/f/%d", mw.fa.ID)
	mw.shots = map[string]string{
		"supervisor /":                        "phone-district",
		"quality " + f + "/req?id=2.1.2/b/D3": "phone-requirement",
		"quality " + f + "/kriteria/2.1.2":    "phone-kriteria",
		"admin /":                             "phone-admin",
	}
	facility := []string{f, f + "/kriteria/2.1.2", f + "/req?id=2.1.2/a/R1", f + "/req?id=2.1.2/b/D3", f + "/req?id=2.1.2/a/W1"}
	final, review := fmt.Sprintf("/s/%d", mw.final), fmt.Sprintf("/s/%d", mw.review)
	surveys := []string{final, final + "/report", review}
	return map[string][]string{
		"admin":      append(append([]string{"/", "/district", "/surveys", fmt.Sprintf("/admin/catalogue/%d", mw.cat)}, facility...), surveys...),
		"quality":    append(append([]string{"/", "/surveys", f + "/surveys"}, facility...), surveys...),
		"surveyor":   append(append([]string{"/", "/surveys"}, facility...), surveys...),
		"supervisor": append(append([]string{"/", "/surveys"}, facility...), surveys...),
	}
}

// roleLogins are the roles' sign-ins.
var roleLogins = map[string][2]string{
	"admin":      {adminEmail, adminPassword},
	"quality":    {"mutu@puskesmas.test", "kata-sandi-pengguna-1"},
	"surveyor":   {"surveior@kars.test", "kata-sandi-pengguna-1"},
	"supervisor": {"dinkes@cimahi.test", "kata-sandi-pengguna-1"},
}

// TestMobileLayout opens, on a 360×780 phone, every page each role
// reaches (the home page it lands on, the dashboard, a kriteria, three
// requirements, the survey list, survey pages in review and final, the
// printable report, the district overview, the admin and catalogue pages)
// and checks layoutProblems finds nothing: no sideways overflow outside a
// scrolling container, no table cell narrower than its longest word, tap
// targets at least 44 px tall, a header at most 64 px tall.
func TestMobileLayout(t *testing.T) {
	mw := newMobileWorld(t)
	pages := mw.pages()
	for _, role := range []string{"admin", "quality", "surveyor", "supervisor"} {
		t.Run(role, func(t *testing.T) {
			t.Parallel() // a browser each, on one server
			ctx := browser(t, phoneWidth, phoneHeight)
			login := roleLogins[role]
			mw.h.signIn(t, ctx, login[0], login[1])
			for _, path := range pages[role] {
				resp, err := chromedp.RunResponse(ctx, chromedp.Navigate(mw.h.srv.URL+path))
				if err != nil {
					t.Fatalf("open %s: %v", path, err)
				}
				if resp.Status != 200 {
					t.Errorf("%s as %s: status %d", path, role, resp.Status)
					continue
				}
				var landed string
				run(t, ctx, "where "+path+" landed", chromedp.WaitVisible("main", chromedp.ByQuery), chromedp.Location(&landed))
				if name := mw.shots[role+" "+path]; name != "" {
					screenshot(t, ctx, name)
				}
				problems := layoutProblems(t, ctx)
				if len(problems) > 0 {
					if len(problems) > 12 {
						problems = append(problems[:12], fmt.Sprintf("… and %d more", len(problems)-12))
					}
					t.Errorf("%s (%s) at %d×%d:\n  %s", path, strings.TrimPrefix(landed, mw.h.srv.URL), phoneWidth, phoneHeight, strings.Join(problems, "\n  "))
				}
			}
		})
	}
}
