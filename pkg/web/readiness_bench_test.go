package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/bukti-id/bukti/criteria"
	"github.com/bukti-id/bukti/pkg/app"
	"github.com/bukti-id/bukti/pkg/demo"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/pkg/testenv"
	"github.com/bukti-id/bukti/pkg/web"
	"github.com/bukti-id/bukti/pkg/web/core"
	"github.com/bukti-id/bukti/ui"
)

// BenchmarkReadiness serves one facility's readiness on the complete
// built-in standard (328 EP), seeded nearly complete, through the whole
// handler stack (authentication included) without a network:
// GET /api/v1/facilities/:id/readiness, the same with If-None-Match of
// the answer's ETag, and the dashboard page /f/:id. For profiles:
//
//	go test -run '^$' -bench Readiness -cpuprofile cpu.out ./pkg/web/
func BenchmarkReadiness(b *testing.B) {
	for _, kind := range testenv.DatabaseKinds {
		b.Run(kind, func(b *testing.B) {
			ctx := context.Background()
			gdb := testenv.OpenDB(b, kind)
			cat := criteria.MustBuiltin()
			pages, err := ui.Load()
			if err != nil {
				b.Fatal(err)
			}
			st := sqlstore.New(gdb, nil)
			a := app.New(st, nil, cat, app.Options{TimeZone: time.Local, Log: testenv.Logger(b), BcryptCost: 4, UI: pages})
			if err := a.Auth.Bootstrap(ctx, adminEmail, adminPassword); err != nil {
				b.Fatal(err)
			}
			if _, err := demo.Seed(ctx, st, cat, demo.SeedOptions{Facilities: 3, Seed: 5, Completeness: 0.95}); err != nil {
				b.Fatal(err)
			}
			token, _, err := a.Auth.Login(ctx, adminEmail, adminPassword)
			if err != nil {
				b.Fatal(err)
			}
			var fid int64
			if err := gdb.Raw("SELECT facility_id FROM evidences GROUP BY facility_id ORDER BY count(*) DESC LIMIT 1").Scan(&fid).Error; err != nil {
				b.Fatal(err)
			}
			h := web.New(a.WebDeps()).Handler()
			get := func(b *testing.B, path string, header ...string) *httptest.ResponseRecorder {
				req := httptest.NewRequest(http.MethodGet, path, nil)
				for i := 0; i+1 < len(header); i += 2 {
					req.Header.Set(header[i], header[i+1])
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				return rec
			}
			api := fmt.Sprintf("/api/v1/facilities/%d/readiness", fid)
			bearer := "Bearer " + token
			first := get(b, api, "Authorization", bearer)
			if first.Code != http.StatusOK {
				b.Fatalf("GET %s: %d %s", api, first.Code, first.Body)
			}
			for _, tc := range []struct {
				name   string
				path   string
				header []string
				status int
			}{
				{"api", api, []string{"Authorization", bearer}, http.StatusOK},
				{"api-not-modified", api, []string{"Authorization", bearer, "If-None-Match", first.Header().Get("ETag")}, http.StatusNotModified},
				{"dashboard", fmt.Sprintf("/f/%d", fid), []string{"Cookie", core.SessionCookie + "=" + token}, http.StatusOK},
			} {
				b.Run(tc.name, func(b *testing.B) {
					if tc.status == http.StatusNotModified && first.Header().Get("ETag") == "" {
						b.Skip("no ETag")
					}
					b.ReportAllocs()
					var n int
					for b.Loop() {
						rec := get(b, tc.path, tc.header...)
						if rec.Code != tc.status {
							b.Fatalf("GET %s: %d, want %d", tc.path, rec.Code, tc.status)
						}
						n = rec.Body.Len()
					}
					b.ReportMetric(float64(n), "bytes")
				})
			}
		})
	}
}
