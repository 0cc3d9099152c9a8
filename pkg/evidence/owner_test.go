package evidence_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// ownerExempt lists non-test code outside pkg/evidence allowed to write
// the evidence tables, with the reason.
var ownerExempt = map[string]string{
	// The demo seeder bulk-loads a fresh database with generated evidence
	// (newBulkTable over bukti.Evidence and bukti.Revision) before anyone
	// has computed a score; going through the service would take hours.
	"pkg/demo": "bulk seed of a fresh database",
}

// TestOneOwner guards that pkg/evidence is the one owner of the evidences
// and revisions tables and of the score cache's invalidation: no other
// package's non-test code calls an Invalidate function or writes those
// tables (Model(&bukti.Evidence{}) / Model(&bukti.Revision{}) /
// Table("evidences"|"revisions") chained into a write, a write given
// &bukti.Evidence{} or &bukti.Revision{}, or raw SQL that inserts into,
// updates or deletes from them). Such code must ask the evidence service,
// inside a unit of work (evidence.Service.Run), instead.
func TestOneOwner(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..")
	writes := map[string]bool{"Update": true, "Updates": true, "UpdateColumn": true, "UpdateColumns": true,
		"Delete": true, "Create": true, "CreateInBatches": true, "Save": true, "FirstOrCreate": true}
	owned := func(e ast.Expr) bool { // &bukti.Evidence{} or &bukti.Revision{}
		u, ok := e.(*ast.UnaryExpr)
		if !ok || u.Op != token.AND {
			return false
		}
		cl, ok := u.X.(*ast.CompositeLit)
		if !ok {
			return false
		}
		sel, ok := cl.Type.(*ast.SelectorExpr)
		return ok && (sel.Sel.Name == "Evidence" || sel.Sel.Name == "Revision")
	}
	ownedTable := func(e ast.Expr) bool {
		lit, ok := e.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return false
		}
		s, _ := strconv.Unquote(lit.Value)
		return s == "evidences" || s == "revisions"
	}
	rawWrite := func(e ast.Expr) bool {
		lit, ok := e.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return false
		}
		s, _ := strconv.Unquote(lit.Value)
		s = strings.ToLower(strings.Join(strings.Fields(s), " "))
		for _, tbl := range []string{"evidences", "revisions"} {
			for _, verb := range []string{"insert into ", "update ", "delete from "} {
				if strings.Contains(s, verb+tbl) {
					return true
				}
			}
		}
		return false
	}
	// chainTouchesOwned reports whether a method chain ending in a write
	// selects an owned table on the way.
	var chainTouchesOwned func(e ast.Expr) bool
	chainTouchesOwned = func(e ast.Expr) bool {
		call, ok := e.(*ast.CallExpr)
		if !ok {
			return false
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return false
		}
		if len(call.Args) > 0 && ((sel.Sel.Name == "Model" && owned(call.Args[0])) || (sel.Sel.Name == "Table" && ownedTable(call.Args[0]))) {
			return true
		}
		return chainTouchesOwned(sel.X)
	}

	checked := 0
	err := filepath.WalkDir(filepath.Join(root, "pkg"), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		dir := filepath.ToSlash(filepath.Dir(rel))
		if dir == "pkg/evidence" {
			return nil
		}
		_, exempt := ownerExempt[dir]
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		checked++
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			var name string
			switch fn := call.Fun.(type) {
			case *ast.SelectorExpr:
				name = fn.Sel.Name
				if writes[name] && !exempt && (chainTouchesOwned(fn.X) || (len(call.Args) > 0 && owned(call.Args[0]))) {
					t.Errorf("%s: %s writes the evidence tables; ask the evidence service inside evidence.Service.Run", rel, name)
				}
				if (name == "Exec" || name == "Raw") && !exempt {
					for _, a := range call.Args {
						if rawWrite(a) {
							t.Errorf("%s: raw SQL writes the evidence tables; ask the evidence service", rel)
						}
					}
				}
			case *ast.Ident:
				name = fn.Name
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 20 {
		t.Fatalf("checked only %d files under pkg/; is the test run from pkg/evidence?", checked)
	}
}
