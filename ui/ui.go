// Package ui holds Bukti's pages: HTML templates, static assets and the
// message catalogues, embedded into the binary so a deployment is one file.
//
// Load parses every template and catalogue at start-up, so a broken
// template or a missing message fails the start, not a request. Static
// assets are served under fingerprinted names (app.<hash>.css) and may be
// cached forever.
package ui

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bukti-id/bukti/ui/locales"
)

//go:embed templates/*.html templates/partials/*.html static/*
var files embed.FS

// Languages the interface speaks, the default first.
var Languages = locales.Languages

// UI is the loaded interface.
type UI struct {
	pages    map[string]*template.Template
	messages map[string]map[string]string // lang → key → text
	assets   map[string]asset             // fingerprinted name → asset
	names    map[string]string            // plain name → fingerprinted name

	zone atomic.Pointer[time.Location] // where times are shown (SetTimeZone)
}

// SetTimeZone sets the zone every time on the pages is shown in, with its
// label (WIB, WITA, WIT): the deployment's BUKTI_TIMEZONE, set by the
// composition root (pkg/app). Until it is set, times show in UTC.
func (u *UI) SetTimeZone(loc *time.Location) {
	if loc == nil {
		loc = time.UTC
	}
	u.zone.Store(loc)
}

// timeZone is the zone set by SetTimeZone, UTC before.
func (u *UI) timeZone() *time.Location {
	if loc := u.zone.Load(); loc != nil {
		return loc
	}
	return time.UTC
}

type asset struct {
	body        []byte
	contentType string
}

// Load parses the templates, catalogues and assets. Every page template is
// parsed together with layout.html and the shared partials in
// templates/partials, and may use asset, t, lang and the formatting helpers
// in funcs.go.
func Load() (*UI, error) {
	u := &UI{pages: map[string]*template.Template{}, messages: map[string]map[string]string{},
		assets: map[string]asset{}, names: map[string]string{}}
	if err := u.loadMessages(); err != nil {
		return nil, err
	}
	if err := u.loadAssets(); err != nil {
		return nil, err
	}
	// Each language gets its own parsed set, with t bound to it.
	for _, lang := range Languages {
		funcs := template.FuncMap{
			"asset": u.Asset,
			"t":     func(key string, args ...any) string { return u.T(lang, key, args...) },
			"lang":  func() string { return lang },
		}
		maps.Copy(funcs, formatters)
		maps.Copy(funcs, zoned(u.timeZone))
		layout, err := template.New("layout.html").Funcs(funcs).ParseFS(files, "templates/layout.html", "templates/partials/*.html")
		if err != nil {
			return nil, fmt.Errorf("ui: parse layout: %w", err)
		}
		pages, _ := fs.Glob(files, "templates/*.html")
		for _, p := range pages {
			name := strings.TrimSuffix(path.Base(p), ".html")
			if name == "layout" {
				continue
			}
			t, err := template.Must(layout.Clone()).ParseFS(files, p)
			if err != nil {
				return nil, fmt.Errorf("ui: parse %s: %w", p, err)
			}
			u.pages[lang+"/"+name] = t
		}
	}
	if err := u.checkKeys(); err != nil {
		return nil, err
	}
	return u, nil
}

func (u *UI) loadMessages() error {
	m, err := locales.Messages()
	if err != nil {
		return fmt.Errorf("ui: %w", err)
	}
	u.messages = m
	return nil
}

// checkKeys verifies that every key a template passes to t is in the
// catalogues.
func (u *UI) checkKeys() error {
	pages, _ := fs.Glob(files, "templates/*.html")
	for _, p := range pages {
		b, _ := files.ReadFile(p)
		for _, key := range templateKeys(string(b)) {
			if _, ok := u.messages[Languages[0]][key]; !ok {
				return fmt.Errorf("ui: %s uses message %q, which the catalogues lack", p, key)
			}
		}
	}
	return nil
}

// keyRe finds literal keys in {{t "key" …}} calls; a key ending in "." is
// a prefix completed at run time ((print "state." .State)) and is skipped.
var keyRe = regexp.MustCompile(`(?:\{\{-?\s*|\()t "([^"]+[^".])"`)

// templateKeys finds the literal message keys a template uses.
func templateKeys(src string) []string {
	var keys []string
	for _, m := range keyRe.FindAllStringSubmatch(src, -1) {
		keys = append(keys, m[1])
	}
	return keys
}

func (u *UI) loadAssets() error {
	entries, _ := fs.ReadDir(files, "static")
	for _, e := range entries {
		b, err := files.ReadFile("static/" + e.Name())
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ext := path.Ext(e.Name())
		name := strings.TrimSuffix(e.Name(), ext) + "." + hex.EncodeToString(sum[:])[:12] + ext
		u.assets[name] = asset{body: b, contentType: map[string]string{
			".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml",
		}[ext]}
		u.names[e.Name()] = name
	}
	return nil
}

// Asset returns the URL path of a static file by its plain name
// ("app.css" → "/static/app.3f2a….css"). It panics on an unknown name: a
// template naming a missing asset is a programming error caught by tests.
func (u *UI) Asset(name string) string {
	fp, ok := u.names[name]
	if !ok {
		panic("ui: unknown asset " + name)
	}
	return "/static/" + fp
}

// Static returns a fingerprinted asset's bytes and content type.
func (u *UI) Static(fingerprinted string) ([]byte, string, bool) {
	a, ok := u.assets[fingerprinted]
	return a.body, a.contentType, ok
}

// T translates a message key into lang, formatting args with fmt verbs in
// the message. An unknown language falls back to the default; an unknown
// key returns the key itself, so a gap shows without breaking the page.
func (u *UI) T(lang, key string, args ...any) string { return locales.T(lang, key, args...) }

// HasLanguage reports whether lang is one of Languages.
func HasLanguage(lang string) bool { return slices.Contains(Languages, lang) }

// Render executes a page with data; t in the templates speaks lang (the
// default language when lang is unknown). The page is rendered to a buffer
// first, so a failing template never sends half a page.
func (u *UI) Render(w io.Writer, page, lang string, data any) error {
	if !HasLanguage(lang) {
		lang = Languages[0]
	}
	t, ok := u.pages[lang+"/"+page]
	if !ok {
		return fmt.Errorf("ui: no page %q", page)
	}
	buf := pageBuffers.Get().(*bytes.Buffer)
	defer putPageBuffer(buf)
	if err := t.ExecuteTemplate(buf, "layout.html", data); err != nil {
		return fmt.Errorf("ui: render %s: %w", page, err)
	}
	_, err := buf.WriteTo(w)
	return err
}

// pageBuffers holds the buffers pages are rendered into, so that a page
// does not grow a new one from nothing on every request.
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// putPageBuffer gives a buffer back to pageBuffers, unless a rare large
// page grew it beyond what is worth keeping.
func putPageBuffer(buf *bytes.Buffer) {
	if buf.Cap() > 1<<20 {
		return
	}
	buf.Reset()
	pageBuffers.Put(buf)
}

// RenderPart executes the template name defined in page's file with data,
// as Render does the whole page: a part rendered once and shown many
// times (inserted as template.HTML).
func (u *UI) RenderPart(w io.Writer, page, name, lang string, data any) error {
	if !HasLanguage(lang) {
		lang = Languages[0]
	}
	t, ok := u.pages[lang+"/"+page]
	if !ok {
		return fmt.Errorf("ui: no page %q", page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		return fmt.Errorf("ui: render %s of %s: %w", name, page, err)
	}
	_, err := buf.WriteTo(w)
	return err
}
