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
)

// anyVerb formats as "x" under every verb, so a format string can be
// checked for its argument count whatever the verbs' types.
type anyVerb struct{}

func (anyVerb) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte("x")) }

// TestBilingualMessages formats every bukti.Errorf message of the project's
// source in both languages with as many arguments as the call passes, and
// fails on a missing or extra argument ("%!"): the Bahasa Indonesia and the
// English text must use the same arguments.
func TestBilingualMessages(t *testing.T) {
	root := moduleRoot(t)
	fset := token.NewFileSet()
	calls := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules") && path != root {
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
			call, ok := n.(*ast.CallExpr)
			if !ok || !isErrorf(call.Fun, inBukti) || len(call.Args) < 3 {
				return true
			}
			calls++
			pos := fset.Position(call.Pos())
			rel, _ := filepath.Rel(root, pos.Filename)
			where := fmt.Sprintf("%s:%d", rel, pos.Line)
			if call.Ellipsis.IsValid() {
				t.Errorf("%s: bukti.Errorf with args... cannot be checked; pass the arguments one by one", where)
				return true
			}
			args := make([]any, len(call.Args)-3)
			for i := range args {
				args[i] = anyVerb{}
			}
			for i, lang := range []string{"Bahasa Indonesia", "English"} {
				format, ok := stringLit(call.Args[1+i])
				if !ok {
					t.Errorf("%s: the %s message is not a string literal", where, lang)
					continue
				}
				if out := fmt.Sprintf(format, args...); strings.Contains(out, "%!") {
					t.Errorf("%s: the %s message does not take the call's %d argument(s): %q", where, lang, len(args), out)
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
		t.Fatalf("found only %d bukti.Errorf calls under %s: the walk missed the source", calls, root)
	}
}

// isErrorf reports whether fun names bukti.Errorf.
func isErrorf(fun ast.Expr, inBukti bool) bool {
	switch f := fun.(type) {
	case *ast.SelectorExpr:
		x, ok := f.X.(*ast.Ident)
		return ok && x.Name == "bukti" && f.Sel.Name == "Errorf"
	case *ast.Ident:
		return inBukti && f.Name == "Errorf"
	}
	return false
}

// stringLit returns the value of a string literal, or of literals joined
// with +.
func stringLit(e ast.Expr) (string, bool) {
	switch v := e.(type) {
	case *ast.BasicLit:
		if v.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(v.Value)
		return s, err == nil
	case *ast.BinaryExpr:
		if v.Op != token.ADD {
			return "", false
		}
		a, ok1 := stringLit(v.X)
		b, ok2 := stringLit(v.Y)
		return a + b, ok1 && ok2
	case *ast.ParenExpr:
		return stringLit(v.X)
	}
	return "", false
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
