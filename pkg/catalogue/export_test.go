package catalogue

// The importer's tests (package catalogue, internal) carry the built-in
// catalogue's thresholds into their options and compare an import with the
// built-in Kriteria 2.1.2, as callers do. Package criteria loads the
// built-in but imports this package, so these tests cannot import it: the
// external test package hands it over in its init (import_builtin_test.go),
// which runs before any test.
var builtinForTests *Catalogue

// SetBuiltinForTests gives the internal tests the built-in catalogue.
func SetBuiltinForTests(c *Catalogue) { builtinForTests = c }

// mustBuiltin is criteria.MustBuiltin for the internal tests.
func mustBuiltin() *Catalogue {
	if builtinForTests == nil {
		panic("catalogue tests: the built-in catalogue was not set (import_builtin_test.go's init)")
	}
	return builtinForTests
}
