package evidence_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// evidenceStore is the one file that writes the evidences and revisions
// tables: the evidence area of the store.
const evidenceStore = "pkg/sqlstore/evidence.go"

// ownerExempt lists files of non-test code besides evidenceStore allowed
// to write the evidence tables, with the reason.
var ownerExempt = map[string]string{
	// The demo seeder bulk-loads new facilities with generated evidence
	// (DemoInsertEvidence, DemoInsertRevisions) before anyone has computed
	// a score; going through the service would take hours.
	"pkg/sqlstore/demo.go": "bulk seed of new demo facilities",
}

// TestOneOwner guards that pkg/evidence is the one owner of the evidences
// and revisions tables: in the non-test code under pkg/,
//   - only pkg/sqlstore/evidence.go writes them (see ownerProblems for
//     what counts as a write), and
//   - the functions of that file that write them, directly or through
//     another function of the file, are called only by pkg/evidence (and
//     that file): no other package, nor another file of the store, calls
//     them.
//
// Code elsewhere that needs to change evidence (a surveyor's verdict, say)
// asks the evidence service inside a unit of work (evidence.Service.Run).
func TestOneOwner(t *testing.T) {
	t.Parallel()
	files := parseTree(t)
	problems, writers := ownerProblems(files)
	for _, p := range problems {
		t.Error(p)
	}
	// The writes pkg/evidence relies on must be seen as writes, or the
	// guard would let anyone call them.
	for _, name := range []string{"CreateEvidence", "AddEvidenceRevision", "SetEvidenceReview", "SoftDeleteEvidence", "UpdateEvidenceMeta"} {
		if !writers[name] {
			t.Errorf("%s: %s is not recognised as a write of the evidence tables; the guard is blind to it", evidenceStore, name)
		}
	}
}

// TestOneOwnerCatches shows that the guard fails on the writes it exists to
// stop, each added to the real tree as one more file.
func TestOneOwnerCatches(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, path, src string
	}{
		{"a model write in another package", "pkg/survey/verdict.go", `package survey
func reject(tx *gorm.DB, id int64) error {
	return tx.Model(&bukti.Evidence{}).Where("id = ?", id).Update("review", bukti.ReviewRejected).Error
}`},
		{"a table write in another package", "pkg/survey/verdict.go", `package survey
func drop(tx *gorm.DB, id int64) error { return tx.Table("revisions").Where("id = ?", id).Delete(nil).Error }`},
		{"a typed insert in another package", "pkg/survey/verdict.go", `package survey
func add(tx *gorm.DB, rev *bukti.Revision) error { return tx.Create(rev).Error }`},
		{"a local record inserted in another package", "pkg/survey/verdict.go", `package survey
func add(tx *gorm.DB) error {
	ev := bukti.Evidence{Title: "x"}
	return tx.Save(&ev).Error
}`},
		{"raw SQL in another package", "pkg/survey/verdict.go", `package survey
func reject(db *sql.DB) error {
	_, err := db.Exec("UPDATE  evidences SET review = 'rejected'")
	return err
}`},
		{"a write in another file of the store", "pkg/sqlstore/survey.go", `package sqlstore
func (t *Tx) SurveyReject(id int64) error {
	return t.DB.Model(&bukti.Evidence{}).Where("id = ?", id).Update("review", "rejected").Error
}`},
		{"pkg/evidence writing itself", "pkg/evidence/direct.go", `package evidence
func reject(db *sql.DB) error {
	_, err := db.Exec("delete from revisions")
	return err
}`},
		{"the store's write called by another package", "pkg/survey/verdict.go", `package survey
func reject(t *sqlstore.Tx) error { return t.SetEvidenceReview(1, 2, bukti.ReviewRejected, "") }`},
		{"the store's write called by another file of the store", "pkg/sqlstore/survey.go", `package sqlstore
func (t *Tx) SurveyDelete(id int64) error {
	_, err := t.SoftDeleteEvidence(id, 0)
	return err
}`},
	}
	base := parseTree(t)
	if problems, _ := ownerProblems(base); len(problems) > 0 {
		t.Fatalf("the tree itself fails the guard: %v", problems)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			files := maps.Clone(base)
			f, err := parser.ParseFile(token.NewFileSet(), c.path, c.src, 0)
			if err != nil {
				t.Fatal(err)
			}
			files[c.path] = f
			problems, _ := ownerProblems(files)
			if !slices.ContainsFunc(problems, func(p string) bool { return strings.HasPrefix(p, c.path+":") }) {
				t.Errorf("the guard let %s pass (problems: %v)", c.path, problems)
			}
		})
	}
}

// parseTree parses the non-test Go files under pkg/, by path from the
// repository root with forward slashes.
func parseTree(t *testing.T) map[string]*ast.File {
	t.Helper()
	root := filepath.Join("..", "..")
	files := map[string]*ast.File{}
	err := filepath.WalkDir(filepath.Join(root, "pkg"), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		files[filepath.ToSlash(rel)] = f
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 20 {
		t.Fatalf("parsed only %d files under pkg/; is the test run from pkg/evidence?", len(files))
	}
	if files[evidenceStore] == nil {
		t.Fatalf("%s not found: the evidence tables' writer moved; update the guard", evidenceStore)
	}
	return files
}

// ownerProblems checks files (path → syntax) against TestOneOwner's rules
// and returns the breaches, each starting with "<path>:", and the names of
// the functions of evidenceStore that write the evidence tables.
//
// A write is a gorm write method (Create, Save, Update, Delete, …) whose
// chain selects an owned table (Model(x) or Table("evidences"|"revisions"))
// or whose argument is owned, or raw SQL (Exec, Raw) that inserts into,
// updates or deletes from those tables. x or an argument is owned when it
// is a bukti.Evidence or bukti.Revision value, pointer or slice: a
// composite literal, or a name the function declares with such a type
// (parameter, var, or := of a literal, make or new).
func ownerProblems(files map[string]*ast.File) (problems []string, writers map[string]bool) {
	writers = map[string]bool{}
	// Which functions of the store file write, directly or through one
	// another: repeat until no new writer appears.
	store := files[evidenceStore]
	direct := map[string]bool{}
	for _, fn := range funcs(store) {
		if len(writes(fn.body, fn.owned)) > 0 {
			direct[fn.name] = true
		}
	}
	maps.Copy(writers, direct)
	for grown := true; grown; {
		grown = false
		for _, fn := range funcs(store) {
			if writers[fn.name] {
				continue
			}
			for _, c := range calls(fn.body) {
				if writers[c.name] {
					writers[fn.name], grown = true, true
					break
				}
			}
		}
	}

	for _, path := range slices.Sorted(maps.Keys(files)) {
		if path == evidenceStore {
			continue
		}
		if _, ok := ownerExempt[path]; ok {
			continue
		}
		dir := filepath.ToSlash(filepath.Dir(path))
		f := files[path]
		for _, fn := range funcs(f) {
			for _, w := range writes(fn.body, fn.owned) {
				problems = append(problems, fmt.Sprintf("%s: %s (in %s) writes the evidence tables; only %s may, for pkg/evidence",
					path, w, fn.name, evidenceStore))
			}
			if dir == "pkg/evidence" {
				continue
			}
			inStore := dir == "pkg/sqlstore"
			for _, c := range calls(fn.body) {
				// A plain name is the store's function only inside the store.
				if writers[c.name] && (c.selector || inStore) {
					problems = append(problems, fmt.Sprintf("%s: %s calls %s, which writes the evidence tables; only pkg/evidence may",
						path, fn.name, c.name))
				}
			}
		}
	}
	return problems, writers
}

// fn is one function (or the package-level declarations) of a file, with
// the names it declares as owned.
type fn struct {
	name  string
	body  ast.Node
	owned map[string]bool
}

// funcs returns the functions of f, and its package-level declarations as
// one more "function" named "<package level>".
func funcs(f *ast.File) []fn {
	var out []fn
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			owned := map[string]bool{}
			for _, l := range []*ast.FieldList{d.Recv, d.Type.Params, d.Type.Results} {
				if l == nil {
					continue
				}
				for _, fld := range l.List {
					if ownedType(fld.Type) {
						for _, n := range fld.Names {
							owned[n.Name] = true
						}
					}
				}
			}
			if d.Body == nil {
				continue
			}
			ast.Inspect(d.Body, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.ValueSpec:
					for i, name := range n.Names {
						if (n.Type != nil && ownedType(n.Type)) || (i < len(n.Values) && ownedValue(n.Values[i])) {
							owned[name.Name] = true
						}
					}
				case *ast.AssignStmt:
					if n.Tok == token.DEFINE && len(n.Lhs) == len(n.Rhs) {
						for i, l := range n.Lhs {
							if id, ok := l.(*ast.Ident); ok && ownedValue(n.Rhs[i]) {
								owned[id.Name] = true
							}
						}
					}
				}
				return true
			})
			out = append(out, fn{name: d.Name.Name, body: d.Body, owned: owned})
		case *ast.GenDecl:
			out = append(out, fn{name: "<package level>", body: d, owned: map[string]bool{}})
		}
	}
	return out
}

// ownedType reports whether a type expression is bukti.Evidence or
// bukti.Revision, or a pointer, slice or array of one.
func ownedType(e ast.Expr) bool {
	for {
		switch t := e.(type) {
		case *ast.StarExpr:
			e = t.X
		case *ast.ArrayType:
			e = t.Elt
		case *ast.SelectorExpr:
			return t.Sel.Name == "Evidence" || t.Sel.Name == "Revision"
		default:
			return false
		}
	}
}

// ownedValue reports whether an expression makes an owned value: a
// composite literal of an owned type (or its address), or make/new of one.
func ownedValue(e ast.Expr) bool {
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = u.X
	}
	switch v := e.(type) {
	case *ast.CompositeLit:
		return v.Type != nil && ownedType(v.Type)
	case *ast.CallExpr:
		if id, ok := v.Fun.(*ast.Ident); ok && (id.Name == "make" || id.Name == "new") && len(v.Args) > 0 {
			return ownedType(v.Args[0])
		}
	}
	return false
}

// writeMethods are gorm's methods that write rows.
var writeMethods = map[string]bool{"Update": true, "Updates": true, "UpdateColumn": true, "UpdateColumns": true,
	"Delete": true, "Create": true, "CreateInBatches": true, "Save": true, "FirstOrCreate": true}

// writes returns a description of every write of the evidence tables in
// body (see ownerProblems), owned naming its owned variables.
func writes(body ast.Node, owned map[string]bool) []string {
	isOwned := func(e ast.Expr) bool {
		if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
			e = u.X
		}
		if id, ok := e.(*ast.Ident); ok {
			return owned[id.Name]
		}
		return ownedValue(e)
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
	// chainTouchesOwned reports whether a method chain selects an owned
	// table on the way.
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
		if len(call.Args) > 0 && ((sel.Sel.Name == "Model" && isOwned(call.Args[0])) || (sel.Sel.Name == "Table" && ownedTable(call.Args[0]))) {
			return true
		}
		return chainTouchesOwned(sel.X)
	}
	var out []string
	ast.Inspect(body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		name := sel.Sel.Name
		if writeMethods[name] && (chainTouchesOwned(sel.X) || (len(call.Args) > 0 && isOwned(call.Args[0]))) {
			out = append(out, name)
		}
		if name == "Exec" || name == "Raw" || name == "ExecContext" {
			if slices.ContainsFunc(call.Args, rawWrite) {
				out = append(out, "raw SQL ("+name+")")
			}
		}
		return true
	})
	return out
}

// call is one call in a body: the called name, and whether it was called
// through a selector (x.name) rather than by a plain name.
type call struct {
	name     string
	selector bool
}

// calls returns the calls in body.
func calls(body ast.Node) []call {
	var out []call
	ast.Inspect(body, func(n ast.Node) bool {
		c, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		switch f := c.Fun.(type) {
		case *ast.SelectorExpr:
			out = append(out, call{name: f.Sel.Name, selector: true})
		case *ast.Ident:
			out = append(out, call{name: f.Name})
		}
		return true
	})
	return out
}
