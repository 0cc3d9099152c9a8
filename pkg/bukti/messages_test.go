package bukti_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/bukti-id/bukti/ui/locales"
)

// anyVerb formats as "x" under every verb, so a message can be checked for
// its argument count whatever the verbs' types.
type anyVerb struct{}

func (anyVerb) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte("x")) }

// TestErrorMessages checks every bukti.E call of the project's source: its
// key is a string literal naming a message of the locale files, and the
// message renders in every language with as many arguments as the call
// passes (no "%!"). An error built as a literal bukti.Error with texts,
// rather than by key, fails too — every message lives in the locale files —
// except in literalTexts.
// literalTexts are the files allowed to build an error from texts: the
// catalogue importer composes its refusal in both languages from what it
// found in the workbook.
var literalTexts = map[string]bool{"pkg/catalogue/import_layout.go": true}

func TestErrorMessages(t *testing.T) {
	root := moduleRoot(t)
	fset := token.NewFileSet()
	calls := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules" || d.Name() == "testdata") && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		inBukti := f.Name.Name == "bukti"
		ast.Inspect(f, func(n ast.Node) bool {
			if n == nil {
				return true
			}
			pos := fset.Position(n.Pos())
			rel, _ := filepath.Rel(root, pos.Filename)
			where := fmt.Sprintf("%s:%d", rel, pos.Line)
			if lit, ok := n.(*ast.CompositeLit); ok && isBuktiError(lit.Type, inBukti) && !literalTexts[filepath.ToSlash(rel)] {
				for _, el := range lit.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok {
						if k, ok := kv.Key.(*ast.Ident); ok && (k.Name == "Message" || k.Name == "MessageEN") {
							t.Errorf("%s: a bukti.Error with literal texts; use bukti.E with a message key", where)
						}
					}
				}
			}
			call, ok := n.(*ast.CallExpr)
			if !ok || !isE(call.Fun, inBukti) {
				return true
			}
			calls++
			if len(call.Args) < 2 {
				t.Errorf("%s: bukti.E needs a code and a key", where)
				return true
			}
			lit, ok := call.Args[1].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				t.Errorf("%s: the message key is not a string literal", where)
				return true
			}
			key, _ := strconv.Unquote(lit.Value)
			if !locales.Has(key) {
				t.Errorf("%s: no message %q in ui/locales", where, key)
				return true
			}
			if call.Ellipsis.IsValid() {
				t.Errorf("%s: bukti.E with args... cannot be checked; pass the arguments one by one", where)
				return true
			}
			args := make([]any, len(call.Args)-2)
			for i := range args {
				args[i] = anyVerb{}
			}
			for _, lang := range locales.Languages {
				if out := locales.T(lang, key, args...); strings.Contains(out, "%!") {
					t.Errorf("%s: %s in %s does not take the call's %d argument(s): %q", where, key, lang, len(args), out)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls < 100 {
		t.Fatalf("found only %d bukti.E calls under %s: the walk missed the source", calls, root)
	}
}

// isE reports whether fun names bukti.E.
func isE(fun ast.Expr, inBukti bool) bool {
	switch f := fun.(type) {
	case *ast.SelectorExpr:
		x, ok := f.X.(*ast.Ident)
		return ok && x.Name == "bukti" && f.Sel.Name == "E"
	case *ast.Ident:
		return inBukti && f.Name == "E"
	}
	return false
}

// isBuktiError reports whether typ names bukti.Error.
func isBuktiError(typ ast.Expr, inBukti bool) bool {
	switch f := typ.(type) {
	case *ast.SelectorExpr:
		x, ok := f.X.(*ast.Ident)
		return ok && x.Name == "bukti" && f.Sel.Name == "Error"
	case *ast.Ident:
		return inBukti && f.Name == "Error"
	}
	return false
}

// moduleRoot finds the directory holding go.mod above the test's package.
func moduleRoot(t *testing.T) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test directory")
		}
		dir = parent
	}
}
