package catalogue_test

import (
	"github.com/bukti-id/bukti/criteria"
	"github.com/bukti-id/bukti/pkg/catalogue"
)

// The internal tests of the importer cannot import criteria (it imports
// catalogue); give them the built-in catalogue before any test runs.
func init() { catalogue.SetBuiltinForTests(criteria.MustBuiltin()) }
