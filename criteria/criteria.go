// Package criteria is the built-in accreditation catalogue, kept as data: the
// YAML files in this directory are embedded into the binary and parsed by
// package catalogue. No code here knows the content of the standard; to change
// it, edit or add a YAML file (see README.md), never Go code.
//
// The built-in catalogue is parsed once and shared: it is immutable, so
// callers must not modify anything reachable from it.
package criteria

import (
	"embed"
	"fmt"
	"sync"

	"github.com/bukti-id/bukti/pkg/catalogue"
)

// BuiltinFile is the name of the embedded file holding the built-in
// catalogue: the complete Standar Akreditasi Puskesmas 2023.
const BuiltinFile = Standard2023File

// Standard2023File is the embedded file holding the complete Standar
// Akreditasi Puskesmas 2023 (pkp-2023 version 2023.2: all five Bab, 82
// kriteria, 328 EP), the built-in catalogue.
const Standard2023File = "standard-2023.yaml"

// Kriteria212File is the embedded file of the earlier built-in catalogue
// (pkp-2023 version 2023.1: Kriteria 2.1.2 only, EP b keyed D1, D2). It is
// kept, as every published version is, for what was recorded against it;
// migration 6 of pkg/db moved stored IDs to 2023.2's keys.
const Kriteria212File = "kriteria-2.1.2.yaml"

//go:embed *.yaml
var files embed.FS

// builtin parses the built-in catalogue on first use and remembers the result.
var builtin = sync.OnceValues(func() (*catalogue.Catalogue, error) {
	data, err := files.ReadFile(BuiltinFile)
	if err != nil {
		return nil, fmt.Errorf("criteria: read embedded %s: %w (is the file still in criteria/?)", BuiltinFile, err)
	}
	c, err := catalogue.Parse(BuiltinFile, data)
	if err != nil {
		return nil, fmt.Errorf("criteria: built-in catalogue is invalid, fix criteria/%s: %w", BuiltinFile, err)
	}
	return c, nil
})

// Builtin returns the built-in catalogue (Standar Akreditasi Puskesmas
// 2023, the complete standard). The file is parsed on the first call; every call
// returns the same immutable catalogue, or the same error naming the file.
// Errors from catalogue.Parse are wrapped, so errors.As finds a
// *catalogue.ParseError.
func Builtin() (*catalogue.Catalogue, error) { return builtin() }

// File parses the embedded catalogue file name (one of the *.yaml files of
// this directory, e.g. Standard2023File). Unlike Builtin, every call parses
// the file afresh and returns a new catalogue. Errors from catalogue.Parse are
// wrapped, so errors.As finds a *catalogue.ParseError.
func File(name string) (*catalogue.Catalogue, error) {
	data, err := files.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("criteria: read embedded %s: %w", name, err)
	}
	c, err := catalogue.Parse(name, data)
	if err != nil {
		return nil, fmt.Errorf("criteria: embedded catalogue is invalid, fix criteria/%s: %w", name, err)
	}
	return c, nil
}

// MustBuiltin is like Builtin but panics if the built-in catalogue does not
// parse. It is meant for tests and for wiring at start-up, where an invalid
// embedded file is a build defect rather than a runtime condition.
func MustBuiltin() *catalogue.Catalogue {
	c, err := Builtin()
	if err != nil {
		panic(err)
	}
	return c
}
