package core_test

import (
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/bukti-id/bukti/pkg/web"
	"github.com/bukti-id/bukti/pkg/web/core"
)

// TestObservedRoutesExist keeps the route lists of metrics.go in step with
// the routes: every upload route is a POST route, every facility prefix
// a route whose :id is the first parameter.
func TestObservedRoutesExist(t *testing.T) {
	routes := web.New(web.Deps{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Routes()
	for path := range core.UploadRoutes {
		t.Run("upload "+path, func(t *testing.T) {
			if !slices.Contains(routes, "POST "+path) {
				t.Errorf("no route POST %s", path)
			}
		})
	}
	for _, prefix := range core.FacilityRoutes {
		t.Run("facility "+prefix, func(t *testing.T) {
			if !slices.Contains(routes, "GET "+prefix) || !strings.HasSuffix(prefix, "/:id") {
				t.Errorf("no route GET %s ending in /:id", prefix)
			}
		})
	}
}
