package pack_test

import (
	"bytes"
	"context"
	"html"
	"net/url"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/bukti-id/bukti/pkg/pack"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// TestWriteNamesByDetectedType packs files uploaded under names whose
// extension lies about their content. Every entry, its manifest.csv row and
// its index.html link must carry the extension of the detected type, so
// that opening the unpacked file never runs it as a page or a program.
func TestWriteNamesByDetectedType(t *testing.T) {
	t.Parallel()
	specs := []spec{
		{evidence: 1, req: "2.1.2/a/R1", name: "laporan.html", ctype: "application/pdf", data: []byte("%PDF-1.4\n% laporan")},
		{evidence: 2, req: "2.1.2/a/R1", name: "foto", ctype: "image/jpeg", data: testenv.JPEG(1)},
		{evidence: 3, req: "2.1.2/a/R1", name: "logo.SVG", ctype: "image/png", data: testenv.PNG(1)},
		{evidence: 4, req: "2.1.2/a/R1", name: "index.htm", ctype: "application/pdf", data: []byte("%PDF-1.4\n% index")},
		{evidence: 5, req: "2.1.2/a/R1", name: "sk.exe", ctype: "application/pdf", data: []byte("%PDF-1.4\n% sk")},
	}
	want := map[int]string{
		0: r1 + "laporan.pdf",
		1: r1 + "foto.jpg",
		2: r1 + "logo.png",
		3: r1 + "index.pdf",
		4: r1 + "sk.pdf",
	}
	st := testenv.OpenStore(t, "filesystem")
	var buf bytes.Buffer
	if err := pack.Write(context.Background(), &buf, st, input(items(t, st, specs))); err != nil {
		t.Fatalf("Write: %v", err)
	}
	u := check(t, buf.Bytes())

	var manifest []string
	for _, row := range u.manifest {
		manifest = append(manifest, row[0])
	}
	var links []string
	for _, m := range hrefRE.FindAllStringSubmatch(u.index, -1) {
		if p, err := url.PathUnescape(html.UnescapeString(m[1])); err == nil && !strings.HasPrefix(p, "#") {
			links = append(links, p)
		}
	}
	for i, name := range want {
		t.Run(specs[i].name, func(t *testing.T) {
			if _, ok := u.files[name]; !ok {
				t.Errorf("no entry %q; entries: %q", name, names(mapValues(u.files)))
			}
			if !slices.Contains(manifest, name) {
				t.Errorf("manifest.csv does not list %q; it lists %q", name, manifest)
			}
			if !slices.Contains(links, name) {
				t.Errorf("index.html does not link to %q; it links to %q", name, links)
			}
		})
	}
	t.Run("no uploaded extension survives", func(t *testing.T) {
		for name := range u.files {
			if name == "index.html" || name == "manifest.csv" {
				continue
			}
			switch strings.ToLower(path.Ext(name)) {
			case ".html", ".htm", ".svg", ".exe":
				t.Errorf("entry %q keeps the uploaded extension", name)
			}
		}
	})
}
