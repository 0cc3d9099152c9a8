package catalogue_test

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestLeafPackage keeps package catalogue a leaf of the domain:
// pkg/readiness, pkg/scoring and pkg/sqlstore build on it, so it may not
// import the database, the store or any feature; of Bukti's own packages
// only pkg/bukti (the one error type). Stored versions belong to
// pkg/standard.
func TestLeafPackage(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	allowed := map[string]bool{
		"github.com/bukti-id/bukti/pkg/bukti": true,
		"github.com/xuri/excelize/v2":         true, // the spreadsheet import
		"go.yaml.in/yaml/v3":                  true, // the catalogue format
	}
	seen := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		seen++
		for _, imp := range src.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if strings.Contains(path, ".") && !allowed[path] {
				t.Errorf("%s imports %s: package catalogue must stay a leaf (no database, store or feature package)", f, path)
			}
		}
	}
	if seen < 10 {
		t.Fatalf("checked only %d files", seen)
	}
}
