package sqlstore_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// gormAllowed are the directories whose non-test code may import gorm: the
// database package (opens, migrates, snapshots), this store (all SQL) and
// the test support that hands tests a database.
var gormAllowed = map[string]bool{"pkg/db": true, "pkg/sqlstore": true, "pkg/testenv": true}

// TestOnlyTheStoreSpeaksSQL fails when non-test code outside gormAllowed
// imports gorm or a database driver: feature packages call the store, the
// web layer calls the services.
func TestOnlyTheStoreSpeaksSQL(t *testing.T) {
	t.Parallel()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found from pkg/sqlstore: %v", err)
	}
	checked := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		dir := filepath.ToSlash(filepath.Dir(rel))
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		checked++
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			sql := strings.HasPrefix(p, "gorm.io/") || p == "database/sql" || strings.Contains(p, "sqlite") || strings.Contains(p, "jackc/pgx") || strings.Contains(p, "lib/pq")
			if sql && !gormAllowed[dir] {
				t.Errorf("%s imports %s: only %v may; ask the store (pkg/sqlstore) through a service", rel, p, keys(gormAllowed))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 100 {
		t.Fatalf("checked only %d files from %s", checked, root)
	}
}

func keys(m map[string]bool) []string { return slices.Sorted(maps.Keys(m)) }
