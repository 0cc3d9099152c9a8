package evidence_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/pkg/readiness"
	"github.com/bukti-id/bukti/pkg/testenv"
	"github.com/bukti-id/bukti/storage"
)

// TestCreateLinksOneBlob links one file to several requirements: one record
// and one revision per requirement, all pointing at one blob.
func TestCreateLinksOneBlob(t *testing.T) {
	t.Parallel()
	for _, combo := range testenv.Combos {
		t.Run(testenv.Name(combo.DB, combo.Store), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, combo.DB, combo.Store)
			data := testenv.PDF("RPK UKM 2024")
			reqs := []string{"2.1.2/a/D1", "2.1.2/b/D2", "2.1.2/c/D1"}
			meta := evidence.Meta{Title: "  RPK UKM 2024 ", DocNumber: " 440/RPK/2024 ", IssueDate: day(-30), ValidUntil: day(335), Notes: " disahkan "}
			evs := e.create(data, meta, reqs...)

			if len(evs) != len(reqs) {
				t.Fatalf("records: got %d, want %d", len(evs), len(reqs))
			}
			for i, ev := range evs {
				name := fmt.Sprintf("record %d", i)
				for _, c := range []struct {
					field     string
					got, want any
				}{
					{"RequirementID", ev.RequirementID, reqs[i]},
					{"FacilityID", ev.FacilityID, e.facility},
					{"Title", ev.Title, "RPK UKM 2024"},
					{"DocNumber", ev.DocNumber, "440/RPK/2024"},
					{"Notes", ev.Notes, "disahkan"},
					{"Review", ev.Review, bukti.ReviewPending},
					{"CreatedBy", ev.CreatedBy, user},
					{"CreatedAt", ev.CreatedAt.Equal(now), true},
					{"revisions", len(ev.Revisions), 1},
				} {
					if c.got != c.want {
						t.Errorf("%s: %s got %v, want %v", name, c.field, c.got, c.want)
					}
				}
				rev := ev.Revisions[0]
				if rev.Number != 1 || rev.SHA256 != sum(data) || rev.Size != int64(len(data)) || rev.ContentType != "application/pdf" || rev.FileName != "berkas.pdf" || rev.UploadedBy != user {
					t.Errorf("%s: revision got %+v, want number 1, sha256 %s, size %d, application/pdf, berkas.pdf, by %d", name, rev, sum(data), len(data), user)
				}
				got, err := e.svc.Get(context.Background(), ev.ID)
				if err != nil || got.RequirementID != reqs[i] || len(got.Revisions) != 1 || got.ValidUntil == nil || !got.ValidUntil.Equal(*meta.ValidUntil) {
					t.Errorf("%s: Get got %+v, %v, want the stored record with ValidUntil %v", name, got, err, meta.ValidUntil)
				}
			}
			want := state{evidence: 3, revisions: 3, audits: 3, blobs: 1}
			if s := e.state(); s != want {
				t.Errorf("state: got %+v, want %+v", s, want)
			}
		})
	}
}

// TestCreateRefused checks that a refused Create stores nothing: no rows, no
// blob, nothing staged.
func TestCreateRefused(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		facility int64 // 0: the test's facility
		reqs     []string
		meta     evidence.Meta
		wantCode string
	}{
		{"duplicate requirement", 0, []string{"2.1.2/a/R1", "2.1.2/a/D1", "2.1.2/a/R1"}, evidence.Meta{}, bukti.EINVALID},
		{"no requirement", 0, nil, evidence.Meta{}, bukti.EINVALID},
		{"unknown requirement after a good one", 0, []string{"2.1.2/a/R1", "2.1.2/a/R9"}, evidence.Meta{}, bukti.EINVALID},
		{"interview item", 0, []string{"2.1.2/a/W1"}, evidence.Meta{}, bukti.EINVALID},
		{"stage missing on a staged requirement", 0, []string{"2.1.2/b/D3"}, evidence.Meta{}, bukti.EINVALID},
		{"valid_until before issue_date", 0, []string{"2.1.2/a/R1"}, evidence.Meta{IssueDate: day(0), ValidUntil: day(-1)}, bukti.EINVALID},
		{"unknown facility", 4242, []string{"2.1.2/a/R1"}, evidence.Meta{}, bukti.ENOTFOUND},
	}
	for _, combo := range testenv.Combos {
		t.Run(testenv.Name(combo.DB, combo.Store), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, combo.DB, combo.Store)
			for i, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					data := testenv.PDF(fmt.Sprintf("ditolak %d", i))
					fac := tc.facility
					if fac == 0 {
						fac = e.facility
					}
					before := e.state()
					evs, err := e.svc.Create(context.Background(), evidence.Upload{FacilityID: fac, Requirements: tc.reqs, Meta: tc.meta, By: user}, e.stage("sk.pdf", data))
					if code(err) != tc.wantCode || evs != nil {
						t.Fatalf("%s: Create got (%v, %v), want (nil, code %q)", tc.name, evs, err, tc.wantCode)
					}
					if after := e.state(); after != before {
						t.Errorf("%s: state got %+v, want %+v (unchanged)", tc.name, after, before)
					}
					if _, err := e.blobSize(data); !errors.Is(err, storage.ErrNotFound) {
						t.Errorf("%s: blob Size error got %v, want storage.ErrNotFound", tc.name, err)
					}
				})
			}
		})
	}
}

// TestRevisions adds revisions to one record: numbers 1, 2, 3, a rejected
// record back to pending, Revision(0) the latest.
func TestRevisions(t *testing.T) {
	t.Parallel()
	for _, combo := range testenv.Combos {
		t.Run(testenv.Name(combo.DB, combo.Store), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, combo.DB, combo.Store)
			ctx := context.Background()
			versions := [][]byte{testenv.PDF("SOP rev 0"), testenv.PDF("SOP rev 1"), testenv.JPEG(3)}
			id := e.create(versions[0], evidence.Meta{Title: "SOP Pemberdayaan"}, "2.1.2/a/R2")[0].ID

			for i, data := range versions[1:] {
				number := i + 2
				e.setReview(id, bukti.ReviewRejected)
				ev, err := e.svc.AddRevision(ctx, id, user+int64(number), e.stage(fmt.Sprintf("sop-rev%d", number-1), data))
				if err != nil {
					t.Fatalf("AddRevision %d: %v", number, err)
				}
				if ev.Review != bukti.ReviewPending {
					t.Errorf("revision %d: Review got %q, want %q (a new revision goes back to review)", number, ev.Review, bukti.ReviewPending)
				}
				var numbers []int
				for _, r := range ev.Revisions {
					numbers = append(numbers, r.Number)
				}
				if want := []int{1, 2, 3}[:number]; !slices.Equal(numbers, want) {
					t.Errorf("revision %d: numbers got %v, want %v", number, numbers, want)
				}
				if l := ev.Latest(); l.SHA256 != sum(data) || l.UploadedBy != user+int64(number) {
					t.Errorf("revision %d: latest got sha256 %s by %d, want %s by %d", number, l.SHA256, l.UploadedBy, sum(data), user+int64(number))
				}
			}

			cases := []struct {
				name     string
				n        int
				wantSum  string
				wantType string
				wantCode string
			}{
				{"latest", 0, sum(versions[2]), "image/jpeg", ""},
				{"first", 1, sum(versions[0]), "application/pdf", ""},
				{"second", 2, sum(versions[1]), "application/pdf", ""},
				{"third", 3, sum(versions[2]), "image/jpeg", ""},
				{"missing", 4, "", "", bukti.ENOTFOUND},
				{"negative", -1, "", "", bukti.ENOTFOUND},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					ev, rev, err := e.svc.Revision(ctx, id, tc.n)
					if code(err) != tc.wantCode {
						t.Fatalf("%s: error got %v, want code %q", tc.name, err, tc.wantCode)
					}
					if tc.wantCode != "" {
						return
					}
					if ev.ID != id || rev.SHA256 != tc.wantSum || rev.ContentType != tc.wantType {
						t.Errorf("%s: revision got evidence %d sha256 %s type %s, want %d %s %s", tc.name, ev.ID, rev.SHA256, rev.ContentType, id, tc.wantSum, tc.wantType)
					}
				})
			}

			var audits int64
			e.db.Model(&bukti.AuditEntry{}).Where("action = ? AND object_id = ?", "evidence.revision", fmt.Sprint(id)).Count(&audits)
			if audits != 2 {
				t.Errorf("revision audit rows: got %d, want 2", audits)
			}
			if s := e.state(); s.blobs != 3 || s.revisions != 3 || s.staged != 0 {
				t.Errorf("state: blobs, revisions, staged got %d, %d, %d, want 3, 3, 0", s.blobs, s.revisions, s.staged)
			}

			t.Run("unknown evidence", func(t *testing.T) {
				data := testenv.PDF("revisi tanpa induk")
				before := e.state()
				ev, err := e.svc.AddRevision(ctx, 9999, user, e.stage("x.pdf", data))
				if code(err) != bukti.ENOTFOUND || ev != nil {
					t.Errorf("AddRevision: got (%v, %v), want (nil, code %q)", ev, err, bukti.ENOTFOUND)
				}
				if after := e.state(); after != before {
					t.Errorf("state: got %+v, want %+v (unchanged)", after, before)
				}
			})
		})
	}
}

// TestSoftDelete deletes a record: the row stays, marked; reads treat it as
// gone; its blob stays.
func TestSoftDelete(t *testing.T) {
	t.Parallel()
	for _, combo := range testenv.Combos {
		t.Run(testenv.Name(combo.DB, combo.Store), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, combo.DB, combo.Store)
			ctx := context.Background()
			data := testenv.PNG(9)
			gone := e.create(data, evidence.Meta{Title: "Foto evaluasi"}, "2.1.2/c/D1")[0]
			kept := e.create(testenv.PDF("tindak lanjut"), evidence.Meta{}, "2.1.2/c/D2")[0]
			const deleter int64 = 42

			if err := e.svc.Delete(ctx, gone.ID, deleter); err != nil {
				t.Fatalf("Delete: %v", err)
			}
			var row bukti.Evidence
			if err := e.db.First(&row, gone.ID).Error; err != nil {
				t.Fatalf("deleted row: %v", err)
			}
			if row.DeletedAt == nil || !row.DeletedAt.Equal(now) {
				t.Errorf("row: DeletedAt got %v, want %v", row.DeletedAt, now)
			}
			if row.DeletedBy == nil || *row.DeletedBy != deleter {
				t.Errorf("row: DeletedBy got %v, want %d", row.DeletedBy, deleter)
			}
			var revs int64
			e.db.Model(&bukti.Revision{}).Where("evidence_id = ?", gone.ID).Count(&revs)
			if revs != 1 {
				t.Errorf("row: revisions got %d, want 1 (kept)", revs)
			}
			if size, err := e.blobSize(data); err != nil || size != int64(len(data)) {
				t.Errorf("blob: size got (%d, %v), want %d (kept)", size, err, len(data))
			}

			cases := []struct {
				name string
				call func() error
			}{
				{"Get", func() error { _, err := e.svc.Get(ctx, gone.ID); return err }},
				{"Revision latest", func() error { _, _, err := e.svc.Revision(ctx, gone.ID, 0); return err }},
				{"Revision 1", func() error { _, _, err := e.svc.Revision(ctx, gone.ID, 1); return err }},
				{"second Delete", func() error { return e.svc.Delete(ctx, gone.ID, deleter) }},
				{"UpdateMeta", func() error {
					_, err := e.svc.UpdateMeta(ctx, gone.ID, user, evidence.Meta{Title: "baru"})
					return err
				}},
				{"AddRevision", func() error {
					_, err := e.svc.AddRevision(ctx, gone.ID, user, e.stage("baru.pdf", testenv.PDF("revisi setelah hapus")))
					return err
				}},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					before := e.state()
					if err := tc.call(); code(err) != bukti.ENOTFOUND {
						t.Errorf("%s: error got %v, want code %q", tc.name, err, bukti.ENOTFOUND)
					}
					if after := e.state(); after != before {
						t.Errorf("%s: state got %+v, want %+v (unchanged)", tc.name, after, before)
					}
				})
			}

			list, err := e.svc.List(ctx, e.facility, evidence.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 1 || list[0].ID != kept.ID {
				t.Errorf("List: got %v, want only record %d", ids(list), kept.ID)
			}
			var audits int64
			e.db.Model(&bukti.AuditEntry{}).Where("action = ? AND object_id = ? AND user_id = ?", "evidence.delete", fmt.Sprint(gone.ID), deleter).Count(&audits)
			if audits != 1 {
				t.Errorf("delete audit rows: got %d, want 1", audits)
			}
		})
	}
}

func ids(evs []bukti.Evidence) []int64 {
	out := []int64{}
	for _, ev := range evs {
		out = append(out, ev.ID)
	}
	return out
}

// TestListFilter filters by exact requirement and by prefix; the prefix is
// literal, "_" and "%" included.
func TestListFilter(t *testing.T) {
	t.Parallel()
	for _, combo := range testenv.Combos {
		t.Run(testenv.Name(combo.DB, combo.Store), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, combo.DB, combo.Store)
			ctx := context.Background()
			byReq := map[string]int64{}
			for i, req := range []string{"2.1.2/c/D1", "2.1.2/a/R1", "2.1.2/b/D2", "2.1.2/a/D1", "2.1.2/a/R3"} {
				byReq[req] = e.create(testenv.PDF(fmt.Sprint("dokumen ", i)), evidence.Meta{}, req)[0].ID
			}
			// A second record for a/R1, and a deleted one for a/R2.
			second := e.create(testenv.PDF("SK perubahan"), evidence.Meta{}, "2.1.2/a/R1")[0].ID
			deleted := e.create(testenv.PDF("SOP lama"), evidence.Meta{}, "2.1.2/a/R2")[0].ID
			if err := e.svc.Delete(ctx, deleted, user); err != nil {
				t.Fatal(err)
			}
			other := e.newFacility("P3277010199")
			if _, err := e.svc.Create(ctx, evidence.Upload{FacilityID: other, Requirements: []string{"2.1.2/a/R1"}, By: user}, e.stage("lain.pdf", testenv.PDF("Puskesmas lain"))); err != nil {
				t.Fatal(err)
			}

			all := []int64{byReq["2.1.2/a/D1"], byReq["2.1.2/a/R1"], second, byReq["2.1.2/a/R3"], byReq["2.1.2/b/D2"], byReq["2.1.2/c/D1"]}
			cases := []struct {
				name   string
				filter evidence.Filter
				want   []int64
			}{
				{"no filter, ordered by requirement then age", evidence.Filter{}, all},
				{"requirement", evidence.Filter{Requirement: "2.1.2/a/R1"}, []int64{byReq["2.1.2/a/R1"], second}},
				{"requirement is exact", evidence.Filter{Requirement: "2.1.2/a/"}, []int64{}},
				{"requirement of deleted evidence", evidence.Filter{Requirement: "2.1.2/a/R2"}, []int64{}},
				{"prefix of an EP", evidence.Filter{Prefix: "2.1.2/a/"}, all[:4]},
				{"prefix of a kriteria", evidence.Filter{Prefix: "2.1.2/"}, all},
				{"prefix of a method", evidence.Filter{Prefix: "2.1.2/a/R"}, all[1:4]},
				{"prefix equal to an ID", evidence.Filter{Prefix: "2.1.2/b/D2"}, []int64{byReq["2.1.2/b/D2"]}},
				{"prefix and requirement", evidence.Filter{Prefix: "2.1.2/a/", Requirement: "2.1.2/a/R3"}, []int64{byReq["2.1.2/a/R3"]}},
				{"prefix and requirement disjoint", evidence.Filter{Prefix: "2.1.2/b/", Requirement: "2.1.2/a/R3"}, []int64{}},
				{"underscore is literal", evidence.Filter{Prefix: "2.1.2/_/"}, []int64{}},
				{"percent is literal", evidence.Filter{Prefix: "2.1.2/%"}, []int64{}},
				{"percent alone", evidence.Filter{Prefix: "%"}, []int64{}},
				{"percent inside", evidence.Filter{Prefix: "2.1.2/a/%1"}, []int64{}},
				{"backslash is literal", evidence.Filter{Prefix: `2.1.2\`}, []int64{}},
				{"unknown prefix", evidence.Filter{Prefix: "9."}, []int64{}},
				{"prefix is case-sensitive (EP letter)", evidence.Filter{Prefix: "2.1.2/A/"}, []int64{}},
				{"prefix is case-sensitive (method)", evidence.Filter{Prefix: "2.1.2/a/r"}, []int64{}},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					got, err := e.svc.List(ctx, e.facility, tc.filter)
					if err != nil {
						t.Fatalf("%s: List error got %v, want nil", tc.name, err)
					}
					if !slices.Equal(ids(got), tc.want) {
						t.Errorf("%s: ids got %v, want %v", tc.name, ids(got), tc.want)
					}
					for _, ev := range got {
						if len(ev.Revisions) != 1 || ev.FacilityID != e.facility {
							t.Errorf("%s: record %d revisions, facility got %d, %d, want 1, %d", tc.name, ev.ID, len(ev.Revisions), ev.FacilityID, e.facility)
						}
					}
				})
			}
			t.Run("unknown facility", func(t *testing.T) {
				if _, err := e.svc.List(ctx, 4242, evidence.Filter{}); code(err) != bukti.ENOTFOUND {
					t.Errorf("List: error got %v, want code %q", err, bukti.ENOTFOUND)
				}
			})
		})
	}
}

// TestUpdateMeta edits metadata: fields are trimmed and stored, stage and
// part are checked against the requirement, a refused edit changes nothing.
func TestUpdateMeta(t *testing.T) {
	t.Parallel()
	for _, combo := range testenv.Combos {
		t.Run(testenv.Name(combo.DB, combo.Store), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, combo.DB, combo.Store)
			ctx := context.Background()
			r1 := e.create(testenv.PDF("KAK"), evidence.Meta{Title: "KAK"}, "2.1.2/a/R3")[0]
			d2 := e.create(testenv.JPEG(4), evidence.Meta{Title: "Foto", Stage: "perencanaan", Part: "foto"}, "2.1.2/b/D3")[0]

			cases := []struct {
				name      string
				id        int64
				meta      evidence.Meta
				wantCode  string
				wantTitle string
			}{
				{"full edit", r1.ID, evidence.Meta{Title: " KAK Fasilitasi ", DocNumber: " KAK/01/2024 ", IssueDate: day(-10), ValidUntil: day(365)}, "", "KAK Fasilitasi"},
				{"empty title keeps the old one", r1.ID, evidence.Meta{Title: " "}, "", "KAK Fasilitasi"},
				{"valid_until before issue_date", r1.ID, evidence.Meta{Title: "x", IssueDate: day(0), ValidUntil: day(-1)}, bukti.EINVALID, "KAK Fasilitasi"},
				{"stage on a requirement without stages", r1.ID, evidence.Meta{Title: "x", Stage: "evaluasi"}, bukti.EINVALID, "KAK Fasilitasi"},
				{"title too long", r1.ID, evidence.Meta{Title: strings.Repeat("j", 301)}, bukti.EINVALID, "KAK Fasilitasi"},
				{"change stage and part", d2.ID, evidence.Meta{Title: "Notulen", Stage: "evaluasi", Part: "notulen"}, "", "Notulen"},
				{"unknown part", d2.ID, evidence.Meta{Title: "x", Stage: "evaluasi", Part: "video"}, bukti.EINVALID, "Notulen"},
				{"unknown evidence", 9999, evidence.Meta{Title: "x"}, bukti.ENOTFOUND, ""},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					ev, err := e.svc.UpdateMeta(ctx, tc.id, user, tc.meta)
					if code(err) != tc.wantCode {
						t.Fatalf("%s: error got %v, want code %q", tc.name, err, tc.wantCode)
					}
					if tc.wantCode == "" && ev.Title != tc.wantTitle {
						t.Errorf("%s: returned Title got %q, want %q", tc.name, ev.Title, tc.wantTitle)
					}
					if tc.wantTitle == "" {
						return
					}
					stored, err := e.svc.Get(ctx, tc.id)
					if err != nil {
						t.Fatal(err)
					}
					if stored.Title != tc.wantTitle {
						t.Errorf("%s: stored Title got %q, want %q", tc.name, stored.Title, tc.wantTitle)
					}
				})
			}
			got, err := e.svc.Get(ctx, d2.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Stage != "evaluasi" || got.Part != "notulen" {
				t.Errorf("d2: stage, part got %q, %q, want evaluasi, notulen", got.Stage, got.Part)
			}
			if got, _ := e.svc.Get(ctx, r1.ID); got.DocNumber != "" || got.ValidUntil != nil {
				t.Errorf("r1: DocNumber, ValidUntil got %q, %v, want empty (the last edit replaced them)", got.DocNumber, got.ValidUntil)
			}
		})
	}
}

// TestReadiness scores a facility through the service: expired and rejected
// evidence does not count, deleting evidence lowers the score.
func TestReadiness(t *testing.T) {
	t.Parallel()
	const req = "2.1.2/a/R1"
	cases := []struct {
		name       string
		meta       evidence.Meta
		review     string // set in the database after the upload
		delete     bool
		wantMet    bool
		wantReason string
		wantSlot   string
		wantScore  int // EP a's suggested score: 1 of its 5 R and D slots is 20 % → 5
	}{
		{"no expiry", evidence.Meta{}, "", false, true, readiness.ReasonMet, readiness.SlotPresent, 5},
		{"valid until tomorrow", evidence.Meta{ValidUntil: day(1)}, "", false, true, readiness.ReasonMet, readiness.SlotPresent, 5},
		{"valid until today", evidence.Meta{ValidUntil: day(0)}, "", false, true, readiness.ReasonMet, readiness.SlotPresent, 5},
		{"valid until yesterday", evidence.Meta{IssueDate: day(-400), ValidUntil: day(-1)}, "", false, false, readiness.ReasonMissing, readiness.SlotExpired, 0},
		{"accepted", evidence.Meta{}, bukti.ReviewAccepted, false, true, readiness.ReasonMet, readiness.SlotPresent, 5},
		{"rejected", evidence.Meta{}, bukti.ReviewRejected, false, false, readiness.ReasonMissing, readiness.SlotRejected, 0},
		{"deleted", evidence.Meta{}, "", true, false, readiness.ReasonMissing, readiness.SlotMissing, 0},
	}
	for _, combo := range testenv.Combos {
		t.Run(testenv.Name(combo.DB, combo.Store), func(t *testing.T) {
			t.Parallel()
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					e := newEnv(t, combo.DB, combo.Store)
					ctx := context.Background()
					empty, err := e.svc.Readiness(ctx, e.facility)
					if err != nil {
						t.Fatal(err)
					}
					ev := e.create(testenv.PDF("SK Kepala Puskesmas"), tc.meta, req)[0]
					uploaded, err := e.svc.Readiness(ctx, e.facility)
					if err != nil {
						t.Fatal(err)
					}
					if tc.review != "" {
						e.setReview(ev.ID, tc.review)
					}
					if tc.delete {
						if err := e.svc.Delete(ctx, ev.ID, user); err != nil {
							t.Fatal(err)
						}
					}
					rep, err := e.svc.Readiness(ctx, e.facility)
					if err != nil {
						t.Fatal(err)
					}
					ep := findElement(t, rep, "2.1.2/a")
					r := findRequirement(t, ep, req)
					if r.Met != tc.wantMet || r.Reason != tc.wantReason {
						t.Errorf("%s: R1 met, reason got %v, %q, want %v, %q", tc.name, r.Met, r.Reason, tc.wantMet, tc.wantReason)
					}
					if len(r.Slots) != 1 || r.Slots[0].State != tc.wantSlot {
						t.Errorf("%s: R1 slots got %+v, want one %q", tc.name, r.Slots, tc.wantSlot)
					}
					if ep.Suggested != tc.wantScore {
						t.Errorf("%s: EP a suggested got %d, want %d", tc.name, ep.Suggested, tc.wantScore)
					}
					kScore := func(rep readiness.Report) int { return findKriteria(t, rep, "2.1.2").Score }
					if tc.delete && kScore(rep) >= kScore(uploaded) {
						t.Errorf("%s: kriteria score got %d after delete, want below %d", tc.name, kScore(rep), kScore(uploaded))
					}
					if !tc.wantMet && kScore(rep) != kScore(empty) {
						t.Errorf("%s: kriteria score got %d, want %d (as with no evidence)", tc.name, kScore(rep), kScore(empty))
					}
				})
			}

			t.Run("deleting one of several", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, combo.DB, combo.Store)
				ctx := context.Background()
				var evs []bukti.Evidence
				for i, r := range []string{"2.1.2/a/R1", "2.1.2/a/R2", "2.1.2/a/R3", "2.1.2/a/D1", "2.1.2/a/D2"} {
					evs = append(evs, e.create(testenv.PDF(fmt.Sprint("dokumen EP a ", i)), evidence.Meta{}, r)...)
				}
				roles := []string{"Kepala Puskesmas", "Penanggung jawab UKM", "Koordinator Pelayanan UKM", "Pelaksana pelayanan UKM", "Masyarakat"}
				for i, role := range roles {
					if _, err := e.svc.SetInterviewee(ctx, bukti.Interviewee{FacilityID: e.facility, RequirementID: "2.1.2/a/W1", Role: role, Name: fmt.Sprint("Petugas ", i), UpdatedBy: user}); err != nil {
						t.Fatal(err)
					}
				}
				full, err := e.svc.Readiness(ctx, e.facility)
				if err != nil {
					t.Fatal(err)
				}
				// Met counts the R and D items (5 of 5); the interviewees
				// are interview preparation, reported on their own.
				if ep := findElement(t, full, "2.1.2/a"); ep.Met != 5 || ep.Suggested != 10 || ep.Interview != (readiness.Interview{Named: 5, Roles: 5}) {
					t.Fatalf("complete EP a: met, suggested, interview got %d, %d, %+v, want 5, 10, 5 of 5 named", ep.Met, ep.Suggested, ep.Interview)
				}
				if err := e.svc.Delete(ctx, evs[3].ID, user); err != nil {
					t.Fatal(err)
				}
				less, err := e.svc.Readiness(ctx, e.facility)
				if err != nil {
					t.Fatal(err)
				}
				// 4 of 5 slots is 80 %: still the highest score.
				ep := findElement(t, less, "2.1.2/a")
				if ep.Met != 4 || ep.SlotsPresent != 4 || ep.Suggested != 10 || findRequirement(t, ep, "2.1.2/a/D1").Met {
					t.Errorf("after deleting D1: met, slots present, suggested got %d, %d, %d, want 4, 4, 10 and D1 not met", ep.Met, ep.SlotsPresent, ep.Suggested)
				}
				if err := e.svc.Delete(ctx, evs[4].ID, user); err != nil {
					t.Fatal(err)
				}
				// 3 of 5 is 60 %: 5, and Bab II drops.
				fewer, err := e.svc.Readiness(ctx, e.facility)
				if err != nil {
					t.Fatal(err)
				}
				ep = findElement(t, fewer, "2.1.2/a")
				if ep.Met != 3 || ep.Suggested != 5 || findRequirement(t, ep, "2.1.2/a/D2").Met {
					t.Errorf("after deleting D1 and D2: met, suggested got %d, %d, want 3, 5 and D2 not met", ep.Met, ep.Suggested)
				}
				if got, was := fewer.Bab[1].Percent, full.Bab[1].Percent; got >= was {
					t.Errorf("after deleting D1 and D2: Bab II percent got %v, want below %v", got, was)
				}
			})
			t.Run("unknown facility", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, combo.DB, combo.Store)
				if _, err := e.svc.Readiness(context.Background(), 4242); code(err) != bukti.ENOTFOUND {
					t.Errorf("Readiness: error got %v, want code %q", err, bukti.ENOTFOUND)
				}
			})
		})
	}
}
