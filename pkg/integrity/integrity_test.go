package integrity_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bukti-id/bukti/criteria"
	"github.com/bukti-id/bukti/pkg/app"
	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/pkg/integrity"
	"github.com/bukti-id/bukti/pkg/org"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/pkg/testenv"
	"github.com/bukti-id/bukti/pkg/thumbs"
	"github.com/bukti-id/bukti/storage"
)

var t0 = time.Date(2025, time.March, 10, 2, 0, 0, 0, time.UTC)

// env is a facility with evidence on a real database and blob store.
type env struct {
	a        *app.App
	st       storage.Store
	rec      *sqlstore.DB
	facility int64
	req      string
}

func newEnv(t *testing.T, dbKind, storeKind string) *env {
	t.Helper()
	return newEnvOn(t, dbKind, testenv.OpenStore(t, storeKind))
}

// newEnvOn is newEnv on the blob store st.
func newEnvOn(t *testing.T, dbKind string, st storage.Store) *env {
	t.Helper()
	ctx := context.Background()
	gdb := testenv.OpenDB(t, dbKind)
	a := app.New(sqlstore.New(gdb, nil), st, criteria.MustBuiltin(), app.Options{TimeZone: time.UTC, Log: testenv.Logger(t)})
	if _, err := a.Org.CreateProvince(ctx, "32", "Jawa Barat", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Org.CreateDistrict(ctx, "3277", "Kota Cimahi", "32", nil); err != nil {
		t.Fatal(err)
	}
	f, err := a.Org.CreateFacility(ctx, org.FacilityInput{Code: "P3277010101", Name: "Puskesmas Cimahi Tengah", DistrictCode: "3277"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &env{a: a, st: st, rec: sqlstore.New(gdb, nil), facility: f.ID, req: "2.1.2/a/R1"}
}

// upload records a PDF as evidence and returns its blob key and sum.
func (e *env) upload(t *testing.T, note string) (key, sum string) {
	t.Helper()
	ctx := context.Background()
	data := testenv.PDF(note)
	staged, err := e.a.Evidence.Stage(ctx, "sk.pdf", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.a.Evidence.Create(ctx, evidenceUpload(e, note), staged); err != nil {
		t.Fatalf("upload: %v", err)
	}
	s := sha256.Sum256(data)
	sum = hex.EncodeToString(s[:])
	key, err = storage.Key(sum)
	if err != nil {
		t.Fatal(err)
	}
	return key, sum
}

// put stores bytes under key behind the records' back.
func (e *env) put(t *testing.T, key string, data []byte) {
	t.Helper()
	ctx := context.Background()
	if err := e.st.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	tmp, err := e.st.Stage(ctx, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.Commit(ctx, tmp, key); err != nil {
		t.Fatal(err)
	}
}

func (e *env) check(t *testing.T, opt integrity.Options) integrity.Report {
	t.Helper()
	rep, err := integrity.Check(context.Background(), e.rec, e.st, opt)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	return rep
}

// kinds lists the problems as "kind key", sorted, with "(removed)".
func kinds(rep integrity.Report) []string {
	var out []string
	for _, p := range rep.Problems {
		s := p.Kind + " " + p.Key
		if p.Removed {
			s += " (removed)"
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

func later(d time.Duration) func() time.Time {
	return func() time.Time { return time.Now().Add(d) }
}

func TestCheck(t *testing.T) {
	t.Parallel()
	for _, combo := range [][2]string{{"sqlite", "filesystem"}, {"postgres", "s3"}} {
		t.Run(testenv.Name(combo[0], combo[1]), func(t *testing.T) {
			t.Parallel()
			tests := []struct {
				name string
				run  func(t *testing.T, e *env)
			}{
				{"clean", func(t *testing.T, e *env) {
					e.upload(t, "SK tim mutu")
					e.upload(t, "SOP pemberdayaan")
					rep := e.check(t, integrity.Options{VerifyContent: true})
					if len(rep.Problems) != 0 || rep.Records != 2 || rep.Blobs != 2 || rep.Remaining() != 0 {
						t.Errorf("clean store: records %d blobs %d problems %v", rep.Records, rep.Blobs, kinds(rep))
					}
				}},
				{"missing blob names the evidence", func(t *testing.T, e *env) {
					key, sum := e.upload(t, "SK tim mutu")
					if err := e.st.Delete(context.Background(), key); err != nil {
						t.Fatal(err)
					}
					rep := e.check(t, integrity.Options{Repair: true})
					if got := kinds(rep); !slices.Equal(got, []string{"missing " + key}) {
						t.Errorf("problems %v, want missing %s", got, key)
					}
					if rep.Damaged() != 1 || rep.Remaining() != 1 {
						t.Errorf("damaged %d remaining %d, want 1 1 (repair cannot bring a file back)", rep.Damaged(), rep.Remaining())
					}
					if len(rep.Affected) != 1 || rep.Affected[0].SHA256 != sum || rep.Affected[0].FacilityID != e.facility || rep.Affected[0].RequirementID != e.req {
						t.Errorf("affected %+v, want the one evidence of facility %d for %s", rep.Affected, e.facility, e.req)
					}
				}},
				{"wrong size", func(t *testing.T, e *env) {
					key, _ := e.upload(t, "SK tim mutu")
					e.put(t, key, []byte("short"))
					if got := kinds(e.check(t, integrity.Options{})); !slices.Equal(got, []string{"wrong_size " + key}) {
						t.Errorf("problems %v, want wrong_size %s", got, key)
					}
				}},
				{"flipped byte found only when verifying", func(t *testing.T, e *env) {
					key, _ := e.upload(t, "SK tim mutu")
					data := testenv.PDF("SK tim mutu")
					data[len(data)/2] ^= 0x20
					e.put(t, key, data)
					if rep := e.check(t, integrity.Options{}); len(rep.Problems) != 0 {
						t.Errorf("without verify: %v, want none (sizes agree)", kinds(rep))
					}
					rep := e.check(t, integrity.Options{VerifyContent: true})
					if got := kinds(rep); !slices.Equal(got, []string{"corrupt " + key}) {
						t.Errorf("problems %v, want corrupt %s", got, key)
					}
					if len(rep.Affected) != 1 {
						t.Errorf("affected %+v, want the evidence", rep.Affected)
					}
				}},
				{"orphans and leftovers after the grace period", func(t *testing.T, e *env) {
					ctx := context.Background()
					key, _ := e.upload(t, "SK tim mutu")
					orphan := []byte("nobody records me")
					s := sha256.Sum256(orphan)
					orphanKey, _ := storage.Key(hex.EncodeToString(s[:]))
					e.put(t, orphanKey, orphan)
					if _, err := e.st.Stage(ctx, strings.NewReader("interrupted upload")); err != nil {
						t.Fatal(err)
					}
					if rep := e.check(t, integrity.Options{Repair: true}); len(rep.Problems) != 0 {
						t.Errorf("within the grace period: %v, want nothing (an upload may still be running)", kinds(rep))
					}
					rep := e.check(t, integrity.Options{Now: later(25 * time.Hour)})
					if got := kinds(rep); len(got) != 2 || got[1] != "orphan "+orphanKey || !strings.HasPrefix(got[0], "leftover ") {
						t.Errorf("problems %v, want a leftover and orphan %s", got, orphanKey)
					}
					rep = e.check(t, integrity.Options{Now: later(25 * time.Hour), Repair: true})
					if rep.Remaining() != 0 || len(rep.Problems) != 2 {
						t.Errorf("repair: %v, want both removed", kinds(rep))
					}
					if rep := e.check(t, integrity.Options{Now: later(25 * time.Hour), VerifyContent: true}); len(rep.Problems) != 0 || rep.Blobs != 1 {
						t.Errorf("after repair: %v, %d blobs; want clean, the recorded blob kept", kinds(rep), rep.Blobs)
					}
					if err := integrity.Verify(ctx, e.st, key, key[len(key)-64:]); err != nil {
						t.Errorf("recorded blob after repair: %v", err)
					}
				}},
				{"thumbnails are not orphans; those of unrecorded content are", func(t *testing.T, e *env) {
					ctx := context.Background()
					// A photo gets a thumbnail, the page-less PDF a recorded
					// failure: both under thumbnail keys, apart from blobs.
					_, pdfSum := e.upload(t, "SK tim mutu")
					photo := testenv.JPEG(7)
					staged, err := e.a.Evidence.Stage(ctx, "foto.jpg", bytes.NewReader(photo))
					if err != nil {
						t.Fatal(err)
					}
					if _, err := e.a.Evidence.Create(ctx, evidenceUpload(e, "foto"), staged); err != nil {
						t.Fatal(err)
					}
					ps := sha256.Sum256(photo)
					files := []thumbs.File{
						{SHA256: pdfSum, Size: int64(len(testenv.PDF("SK tim mutu"))), ContentType: "application/pdf"},
						{SHA256: hex.EncodeToString(ps[:]), Size: int64(len(photo)), ContentType: "image/jpeg"},
					}
					for _, f := range files {
						if err := e.a.Thumbs.Make(ctx, f); err != nil {
							t.Fatal(err)
						}
					}
					// A thumbnail of content nothing records (its upload's
					// record failed, or its blob was repaired away).
					gone := sha256.Sum256([]byte("never recorded"))
					orphan, _ := storage.ThumbKey(hex.EncodeToString(gone[:]), 14, storage.ThumbImage)
					e.put(t, orphan, testenv.JPEG(8))

					rep := e.check(t, integrity.Options{VerifyContent: true})
					if len(rep.Problems) != 0 || rep.Blobs != 2 || rep.Thumbs != 3 {
						t.Errorf("within the grace period: %v, %d blobs, %d thumbnails; want no problem, 2 and 3", kinds(rep), rep.Blobs, rep.Thumbs)
					}
					rep = e.check(t, integrity.Options{Now: later(25 * time.Hour), VerifyContent: true})
					if got := kinds(rep); !slices.Equal(got, []string{"orphan_thumbnail " + orphan}) {
						t.Errorf("problems %v, want only the orphan thumbnail %s", got, orphan)
					}
					rep = e.check(t, integrity.Options{Now: later(25 * time.Hour), Repair: true})
					if got := kinds(rep); !slices.Equal(got, []string{"orphan_thumbnail " + orphan + " (removed)"}) || rep.Remaining() != 0 {
						t.Errorf("repair: %v, want the orphan thumbnail removed", got)
					}
					rep = e.check(t, integrity.Options{Now: later(25 * time.Hour)})
					if len(rep.Problems) != 0 || rep.Blobs != 2 || rep.Thumbs != 2 {
						t.Errorf("after repair: %v, %d blobs, %d thumbnails; want clean, 2 and 2", kinds(rep), rep.Blobs, rep.Thumbs)
					}
					for f, want := range map[thumbs.File]thumbs.State{files[0]: thumbs.Failed, files[1]: thumbs.Ready} {
						if got, err := e.a.Thumbs.State(ctx, f); err != nil || got != want {
							t.Errorf("%s after repair: %v, %v; want %v", f.ContentType, got, err, want)
						}
					}
				}},
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					tc.run(t, newEnv(t, combo[0], combo[1]))
				})
			}
		})
	}
}

func TestSweep(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite", "filesystem")
	ctx := context.Background()
	key, sum := e.upload(t, "SK tim mutu")
	for i := range 3 {
		if _, err := e.st.Stage(ctx, strings.NewReader(fmt.Sprint("interrupted ", i))); err != nil {
			t.Fatal(err)
		}
	}
	if n, _, err := integrity.Sweep(ctx, e.st, time.Now().Add(-time.Hour)); err != nil || n != 0 {
		t.Fatalf("Sweep of young leftovers = %d, %v; want 0", n, err)
	}
	n, size, err := integrity.Sweep(ctx, e.st, time.Now().Add(time.Minute))
	if err != nil || n != 3 || size != int64(3*len("interrupted 0")) {
		t.Fatalf("Sweep = %d, %d bytes, %v; want 3, %d bytes", n, size, err, 3*len("interrupted 0"))
	}
	if err := integrity.Verify(ctx, e.st, key, sum); err != nil {
		t.Errorf("blob after sweep: %v", err)
	}
}

func evidenceUpload(e *env, title string) evidence.Upload {
	return evidence.Upload{FacilityID: e.facility, Requirements: []string{e.req}, Meta: evidence.Meta{Title: title}, By: 1}
}

func TestScrubStep(t *testing.T) {
	t.Parallel()
	for _, combo := range [][2]string{{"sqlite", "filesystem"}, {"postgres", "s3"}} {
		t.Run(testenv.Name(combo[0], combo[1]), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, combo[0], combo[1])
			ctx := context.Background()
			var keys []string
			for _, note := range []string{"SK", "SOP", "KAK", "RUK"} {
				key, _ := e.upload(t, note)
				keys = append(keys, key)
			}
			slices.Sort(keys) // the scrubber's order
			data := testenv.PDF("SOP")
			data[10] ^= 1
			s := sha256.Sum256(testenv.PDF("SOP"))
			damagedKey, _ := storage.Key(hex.EncodeToString(s[:]))
			e.put(t, damagedKey, data)

			var found []string
			record := func(r sqlstore.BlobRecord, d *integrity.Problem) {
				if d != nil {
					found = append(found, d.Kind+" "+d.Key)
				}
			}
			var p integrity.ScrubProgress
			now := t0
			// A budget of one byte checks one file per step; the step that
			// checks the last file completes the pass.
			for step := 1; step <= 4; step++ {
				next, done, err := integrity.ScrubStep(ctx, e.rec, e.st, p, 1, now, record)
				if err != nil {
					t.Fatalf("step %d: %v", step, err)
				}
				if step < 4 && (next.Checked != int64(step) || next.Cursor != keys[step-1][len(keys[step-1])-64:] || !next.LastPass.IsZero() || done != nil) {
					t.Fatalf("step %d: progress %+v, done %+v, want %d checked up to %s", step, next, done, step, keys[step-1])
				}
				if step == 4 {
					if !next.LastPass.Equal(now) || next.Cursor != "" || next.Checked != 0 {
						t.Fatalf("last step: progress %+v, want the pass complete", next)
					}
					if done == nil || done.Checked != 4 || done.Damaged != 1 || !done.LastPass.Equal(now) || !done.PassStarted.Equal(now) {
						t.Fatalf("last step: done %+v, want the tallies of the pass: 4 checked, 1 damaged", done)
					}
				}
				p = next
			}
			if !slices.Equal(found, []string{"corrupt " + damagedKey}) {
				t.Errorf("damaged = %v, want corrupt %s", found, damagedKey)
			}
			end := p
			// A large budget checks everything in one step, from the start;
			// a short file is of the wrong size, a removed one missing.
			others := slices.DeleteFunc(slices.Clone(keys), func(k string) bool { return k == damagedKey })
			e.put(t, others[0], []byte("short"))
			if err := e.st.Delete(ctx, others[1]); err != nil {
				t.Fatal(err)
			}
			found = nil
			again, done, err := integrity.ScrubStep(ctx, e.rec, e.st, end, 1<<30, now.Add(2*time.Hour), record)
			if err != nil || !again.LastPass.Equal(now.Add(2*time.Hour)) || done == nil || done.Checked != 4 {
				t.Errorf("second pass: %+v, done %+v, %v", again, done, err)
			}
			want := []string{"corrupt " + damagedKey, "missing " + others[1], "wrong_size " + others[0]}
			slices.Sort(found)
			if !slices.Equal(found, want) {
				t.Errorf("second pass found %v, want %v", found, want)
			}
		})
	}
}

func TestScrubRate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		total  int64
		period time.Duration
		want   int64
	}{
		{"SmallStoreAtTheFloor", 1 << 20, 0, integrity.MinScrubRate},
		{"MonthOfTerabyte", 1 << 40, 0, (1 << 40) / int64(integrity.DefaultScrubPeriod.Seconds()+1)},
		{"CappedForAFastPeriod", 1 << 40, time.Hour, integrity.MaxScrubRate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := integrity.ScrubRate(tc.total, tc.period); got != tc.want {
				t.Errorf("ScrubRate(%d, %v) = %d, want %d", tc.total, tc.period, got, tc.want)
			}
		})
	}
}
