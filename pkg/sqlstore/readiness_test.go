package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/readiness"
	"github.com/bukti-id/bukti/pkg/sqlstore"
)

// itemKey is a readiness item as a comparable, printable value.
func itemKey(it readiness.Item) string {
	until := "-"
	if it.ValidUntil != nil {
		until = it.ValidUntil.UTC().Format(time.RFC3339Nano)
	}
	return fmt.Sprintf("%q %q %q %v %s", it.RequirementID, it.Stage, it.Part, it.Rejected, until)
}

func itemKeys(items []readiness.Item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = itemKey(it)
	}
	slices.Sort(out)
	return out
}

// TestLoadReadiness checks that LoadReadiness reads back exactly what is
// stored — live evidence only, the rejected flag, valid-until dates stored
// in any zone, named interviewees after the evidence, TDD marks — with
// each facility's version, also when a text holds the separators its
// statement folds the rows with (read again row by row), and leaves out
// facilities that do not exist; LoadScoreInputs reads the same without the
// interviewees.
func TestLoadReadiness(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		st := sqlstore.New(e.db, fixedNow)
		wib := time.FixedZone("WIB", 7*3600)
		at := func(tm time.Time) *time.Time { return &tm }
		deleted := now
		weird := "a\x1fb\x1ec\x1dd"
		type stored struct {
			evs    []bukti.Evidence
			people []bukti.Interviewee
			marks  []bukti.NotApplicable
		}
		data := map[int64]stored{
			e.f1: {
				evs: []bukti.Evidence{
					{RequirementID: "2.1.2/a/R1"},
					{RequirementID: "2.1.2/a/R1", Review: bukti.ReviewRejected},
					{RequirementID: "2.1.2/b/D2", Stage: "perencanaan", Part: "notulen", Review: bukti.ReviewAccepted,
						ValidUntil: at(time.Date(2025, time.March, 10, 0, 0, 0, 0, time.UTC))},
					{RequirementID: "2.1.2/a/R2", ValidUntil: at(time.Date(2025, time.April, 1, 0, 0, 0, 0, wib))},
					{RequirementID: "2.1.2/a/R3", Review: bukti.ReviewRejected, ValidUntil: at(time.Date(1999, time.December, 31, 23, 59, 59, 0, time.UTC))},
					{RequirementID: "2.1.2/a/D1", DeletedAt: &deleted},
				},
				people: []bukti.Interviewee{{RequirementID: "2.1.2/a/W1", Role: "Kepala Puskesmas", Name: "Ibu Sari"}},
				marks:  []bukti.NotApplicable{{ElementID: "2.1.2/c", Reason: "Tidak ada kegiatan ini."}},
			},
			// Separators inside texts: the statement's strings cannot be
			// split back, so the facility is read row by row.
			e.f2: {
				evs:    []bukti.Evidence{{RequirementID: "2.1.2/a/R1", Stage: weird}, {RequirementID: "2.1.2/a/R2", ValidUntil: at(time.Date(2025, time.May, 5, 0, 0, 0, 0, wib))}},
				people: []bukti.Interviewee{{RequirementID: "2.1.2/a/W1", Role: weird, Name: "x"}},
				marks:  []bukti.NotApplicable{{ElementID: "2.1.2/c", Reason: "Alasan\x1e2.1.2/a\x1fpalsu"}},
			},
		}
		for f, d := range data {
			for _, ev := range d.evs {
				ev.FacilityID, ev.Title, ev.CreatedBy = f, "Dokumen", user
				if ev.Review == "" {
					ev.Review = bukti.ReviewPending
				}
				if err := e.db.Create(&ev).Error; err != nil {
					t.Fatal(err)
				}
			}
			for _, p := range d.people {
				p.FacilityID, p.UpdatedBy = f, user
				if err := e.db.Create(&p).Error; err != nil {
					t.Fatal(err)
				}
			}
			for _, m := range d.marks {
				m.FacilityID, m.SetBy = f, user
				if err := e.db.Create(&m).Error; err != nil {
					t.Fatal(err)
				}
			}
		}
		by := user
		if err := e.ev.Run(ctx, &by, func(tx *sqlstore.Tx) error { tx.Touch(e.f1); return nil }); err != nil {
			t.Fatal(err)
		}
		const missing = 987654
		got, err := st.LoadReadiness(ctx, []int64{e.f1, e.f2, missing}, now)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(slices.Sorted(maps.Keys(got)), []int64{e.f1, e.f2}) {
			t.Fatalf("loaded facilities %v, want %d and %d", slices.Collect(maps.Keys(got)), e.f1, e.f2)
		}
		for f, d := range data {
			fi := got[f]
			var live, people []readiness.Item
			for _, ev := range d.evs {
				if ev.DeletedAt == nil {
					live = append(live, readiness.Item{RequirementID: ev.RequirementID, Stage: ev.Stage, Part: ev.Part,
						Rejected: ev.Review == bukti.ReviewRejected, ValidUntil: ev.ValidUntil})
				}
			}
			for _, p := range d.people {
				people = append(people, readiness.Item{RequirementID: p.RequirementID, Part: p.Role})
			}
			if fi.Evidence != len(live) || len(fi.Items) != len(live)+len(people) {
				t.Fatalf("facility %d: %d items of which %d evidence, want %d and %d", f, len(fi.Items), fi.Evidence, len(live)+len(people), len(live))
			}
			if g, w := itemKeys(fi.Items[:fi.Evidence]), itemKeys(live); !slices.Equal(g, w) {
				t.Errorf("facility %d: evidence\n%q\nwant\n%q", f, g, w)
			}
			if g, w := itemKeys(fi.Items[fi.Evidence:]), itemKeys(people); !slices.Equal(g, w) {
				t.Errorf("facility %d: interviewees\n%q\nwant\n%q", f, g, w)
			}
			want := map[string]string{}
			for _, m := range d.marks {
				want[m.ElementID] = m.Reason
			}
			if !maps.Equal(fi.NotApplicable, want) {
				t.Errorf("facility %d: TDD %q, want %q", f, fi.NotApplicable, want)
			}
			if !fi.Now.Equal(now) {
				t.Errorf("facility %d: now %v", f, fi.Now)
			}
			v, err := st.ReadinessVersionOf(ctx, f)
			if err != nil || v != fi.Version || v.Created == 0 {
				t.Errorf("facility %d: version %+v, loaded with %+v (%v)", f, v, fi.Version, err)
			}
			if touched := f == e.f1; (v.Token != 0) != touched {
				t.Errorf("facility %d: token %d, touched %v", f, v.Token, touched)
			}
		}
		// Without the interviewees, for scores: the rest as above.
		scoring, err := st.LoadScoreInputs(ctx, []int64{e.f1, e.f2, missing}, now)
		if err != nil || len(scoring) != 2 {
			t.Fatalf("LoadScoreInputs: %d facilities, %v", len(scoring), err)
		}
		for f, fi := range scoring {
			all := got[f]
			if fi.Evidence != all.Evidence || !slices.Equal(itemKeys(fi.Items), itemKeys(all.Items[:all.Evidence])) ||
				!maps.Equal(fi.NotApplicable, all.NotApplicable) || fi.Version != all.Version {
				t.Errorf("facility %d: score inputs %+v, want the evidence, TDD marks and version of %+v", f, fi, all)
			}
		}
		// EachScoreInputs passes one reused FacilityInputs: each facility
		// reads as LoadScoreInputs reads it, whatever the one before it
		// held (f4, empty, follows f3 in the statement; f2 is read row by
		// row), and fn's error stops it.
		var first bukti.Facility
		if err := e.db.First(&first, e.f1).Error; err != nil {
			t.Fatal(err)
		}
		f3 := bukti.Facility{Code: "P3277019998", Name: "Puskesmas Tiga", DistrictID: first.DistrictID}
		f4 := bukti.Facility{Code: "P3277019999", Name: "Puskesmas Kosong", DistrictID: first.DistrictID}
		for _, f := range []*bukti.Facility{&f3, &f4} {
			if err := e.db.Create(f).Error; err != nil {
				t.Fatal(err)
			}
		}
		valid := time.Date(2025, time.June, 1, 0, 0, 0, 0, time.UTC)
		if err := e.db.Create(&bukti.Evidence{FacilityID: f3.ID, RequirementID: "2.1.2/a/R1", Title: "Dokumen", CreatedBy: user,
			Review: bukti.ReviewPending, ValidUntil: &valid}).Error; err != nil {
			t.Fatal(err)
		}
		if err := e.db.Create(&bukti.NotApplicable{FacilityID: f3.ID, ElementID: "2.1.2/c", Reason: "Tidak ada.", SetBy: user}).Error; err != nil {
			t.Fatal(err)
		}
		ids := []int64{e.f1, f3.ID, e.f2, f4.ID, missing}
		loaded, err := st.LoadScoreInputs(ctx, ids, now)
		if err != nil || len(loaded) != 4 {
			t.Fatalf("LoadScoreInputs: %d facilities, %v", len(loaded), err)
		}
		seen := map[int64]bool{}
		err = st.EachScoreInputs(ctx, ids, now, func(id int64, fi *sqlstore.FacilityInputs) error {
			want, ok := loaded[id]
			if !ok || seen[id] {
				t.Errorf("EachScoreInputs: facility %d unexpected or passed twice", id)
				return nil
			}
			seen[id] = true
			if fi.Evidence != want.Evidence || !slices.Equal(itemKeys(fi.Items), itemKeys(want.Items)) ||
				!maps.Equal(fi.NotApplicable, want.NotApplicable) || fi.Version != want.Version || !fi.Now.Equal(now) {
				t.Errorf("EachScoreInputs: facility %d: %+v, want %+v", id, fi, want)
			}
			return nil
		})
		if err != nil || len(seen) != len(loaded) {
			t.Errorf("EachScoreInputs passed %d of %d facilities: %v", len(seen), len(loaded), err)
		}
		stop, calls := errors.New("stop"), 0
		err = st.EachScoreInputs(ctx, ids, now, func(int64, *sqlstore.FacilityInputs) error { calls++; return stop })
		if !errors.Is(err, stop) || calls != 1 {
			t.Errorf("EachScoreInputs after fn's error: %v, %d calls", err, calls)
		}
		ins, err := st.ReadinessInputs(ctx, []int64{e.f1, missing}, now)
		if err != nil || len(ins[e.f1].Items) != 6 || ins[missing].NotApplicable == nil || len(ins[missing].Items) != 0 {
			t.Errorf("ReadinessInputs: %v, %+v", err, ins)
		}
		if _, err := st.ReadinessVersionOf(ctx, missing); !errors.Is(err, sqlstore.ErrNotFound) {
			t.Errorf("version of a facility that does not exist: %v", err)
		}
	})
}

// TestReadinessRecordFromIndex checks, on SQLite, that LoadReadiness's
// statement reads each evidence record from idx_evidence_readiness_record
// (migration 10) rather than formatting it: its byte code calls none of
// the functions of the record's expression, which SQLite leaves out only
// when the expression is exactly the one indexed. It fails when the
// statement's expression and the index's drift apart, which would put the
// formatting of every record of a national report back into SQLite's
// interpreter (twice the CPU of a cold national gap report's load).
func TestReadinessRecordFromIndex(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	for _, people := range []bool{false, true} {
		rows, err := e.db.Raw("EXPLAIN "+sqlstore.LoadReadinessSQL("sqlite", people), []int64{e.f1, e.f2}).Rows()
		if err != nil {
			t.Fatal(err)
		}
		var ops []string
		for rows.Next() {
			var (
				addr, p1, p2, p3, p5 int64
				op                   string
				p4, comment          sql.NullString
			)
			if err := rows.Scan(&addr, &op, &p1, &p2, &p3, &p4, &p5, &comment); err != nil {
				t.Fatal(err)
			}
			ops = append(ops, op+" "+p4.String)
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		if len(ops) == 0 {
			t.Fatal("EXPLAIN returned no byte code")
		}
		for _, op := range ops {
			if strings.Contains(op, "printf") || strings.Contains(op, "strftime") {
				t.Errorf("people %v: the statement formats evidence records (%q) instead of reading them from idx_evidence_readiness_record: "+
					"its expression must be exactly the one migration 10 indexes", people, op)
			}
		}
	}
}

// TestReadinessVersions checks that every unit touching a facility gives
// it a new version, whichever facility and however often, that units
// touching others leave it alone, and that PutScores stores the scores of
// the facilities whose version is still the one they were read at.
func TestReadinessVersions(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		st := sqlstore.New(e.db, fixedNow)
		version := func(f int64) sqlstore.ReadinessVersion {
			t.Helper()
			v, err := st.ReadinessVersionOf(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		v1, v2 := version(e.f1), version(e.f2)
		if v1.Token != 0 || v2.Token != 0 || v1.Created == 0 {
			t.Fatalf("untouched facilities' versions %+v %+v", v1, v2)
		}
		seen := map[int64]bool{0: true}
		by := user
		for i := range 5 {
			if err := e.ev.Run(ctx, &by, func(tx *sqlstore.Tx) error { tx.Touch(e.f1); tx.Touch(e.f1); return nil }); err != nil {
				t.Fatal(err)
			}
			v := version(e.f1)
			if seen[v.Token] || v.Created != v1.Created {
				t.Fatalf("touch %d: version %+v seen before", i, v)
			}
			seen[v.Token] = true
		}
		if version(e.f2) != v2 {
			t.Error("a unit touching another facility changed this one's version")
		}
		// A unit that fails changes no version.
		before := version(e.f1)
		boom := errors.New("boom")
		if err := e.ev.Run(ctx, &by, func(tx *sqlstore.Tx) error { tx.Touch(e.f1); return boom }); !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if version(e.f1) != before {
			t.Error("a unit that rolled back changed the version")
		}

		// Scores read at a version are stored while it holds, not after.
		rows := func() []bukti.FacilityScore {
			return []bukti.FacilityScore{{FacilityID: e.f2, Catalogue: "c@1", Payload: "p2"}, {FacilityID: e.f1, Catalogue: "c@1", Payload: "p1"}}
		}
		read := map[int64]sqlstore.ReadinessVersion{e.f1: version(e.f1), e.f2: version(e.f2)}
		if err := e.ev.Run(ctx, &by, func(tx *sqlstore.Tx) error { tx.Touch(e.f2); return nil }); err != nil {
			t.Fatal(err)
		}
		n, err := st.PutScores(ctx, rows(), read)
		if err != nil || n != 1 {
			t.Fatalf("PutScores stored %d (%v), want 1: the other facility changed since", n, err)
		}
		if e.count(t, &bukti.FacilityScore{}, "catalogue = ? AND facility_id = ?", "c@1", e.f1) != 1 ||
			e.count(t, &bukti.FacilityScore{}, "catalogue = ? AND facility_id = ?", "c@1", e.f2) != 0 {
			t.Error("PutScores stored the wrong facility's score")
		}
		read[e.f2] = version(e.f2)
		if n, err := st.PutScores(ctx, rows(), read); err != nil || n != 2 {
			t.Fatalf("PutScores at current versions stored %d (%v), want 2", n, err)
		}
		var payloads []string
		e.db.Model(&bukti.FacilityScore{}).Where("catalogue = ?", "c@1").Order("facility_id").Pluck("payload", &payloads)
		if want := []string{"p1", "p2"}; !slices.Equal(payloads, want) {
			t.Errorf("payloads %v, want %v", payloads, want)
		}
	})
}

// TestInputWritesTouchTheirFacility runs each write of readiness inputs
// (evidence, revisions, reviews, metadata, deletes, TDD marks,
// interviewees) in a unit that does not call Touch itself: the write
// alone must renew its facility's readiness version and drop its cached
// scores, and leave the other facility's alone. A write that changes
// nothing (a record of another facility, a mark that is not there)
// renews nothing.
func TestInputWritesTouchTheirFacility(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		st := sqlstore.New(e.db, fixedNow)
		by := user
		ev := bukti.Evidence{FacilityID: e.f1, RequirementID: "2.1.2/a/R1", Title: "Dokumen", Review: bukti.ReviewPending, CreatedBy: user}
		until := time.Date(2026, time.June, 1, 0, 0, 0, 0, time.UTC)
		writes := []struct {
			name    string
			write   func(tx *sqlstore.Tx) error
			touches bool
		}{
			{"create evidence", func(tx *sqlstore.Tx) error { return tx.CreateEvidence(&ev) }, true},
			{"add a revision", func(tx *sqlstore.Tx) error {
				return tx.AddEvidenceRevision(&bukti.Revision{EvidenceID: ev.ID, Number: 1, SHA256: "ab", Size: 1, ContentType: "application/pdf", FileName: "a.pdf", UploadedBy: user}, bukti.ReviewPending)
			}, true},
			{"review", func(tx *sqlstore.Tx) error {
				return tx.SetEvidenceReview(e.f1, ev.ID, bukti.ReviewRejected, "Tidak sah")
			}, true},
			{"review named with another facility", func(tx *sqlstore.Tx) error {
				return tx.SetEvidenceReview(e.f2, ev.ID, bukti.ReviewAccepted, "")
			}, false},
			{"metadata", func(tx *sqlstore.Tx) error {
				return tx.UpdateEvidenceMeta(ev.ID, sqlstore.EvidenceMeta{Title: "Dokumen", ValidUntil: &until})
			}, true},
			{"TDD mark", func(tx *sqlstore.Tx) error {
				return tx.PutNotApplicable(&bukti.NotApplicable{FacilityID: e.f1, ElementID: "2.1.2/b", Reason: "Tidak ada", SetBy: user})
			}, true},
			{"TDD mark cleared", func(tx *sqlstore.Tx) error { _, err := tx.DeleteNotApplicable(e.f1, "2.1.2/b"); return err }, true},
			{"TDD mark that is not there cleared", func(tx *sqlstore.Tx) error { _, err := tx.DeleteNotApplicable(e.f1, "2.1.2/b"); return err }, false},
			{"interviewee", func(tx *sqlstore.Tx) error {
				return tx.PutInterviewee(&bukti.Interviewee{FacilityID: e.f1, RequirementID: "2.1.2/a/W1", Role: "Kepala Puskesmas", Name: "Ibu Sari", UpdatedBy: user})
			}, true},
			{"delete evidence", func(tx *sqlstore.Tx) error { _, err := tx.SoftDeleteEvidence(ev.ID, user); return err }, true},
			{"delete it again", func(tx *sqlstore.Tx) error { _, err := tx.SoftDeleteEvidence(ev.ID, user); return err }, false},
		}
		for _, w := range writes {
			for _, f := range []int64{e.f1, e.f2} {
				if err := e.db.Save(&bukti.FacilityScore{FacilityID: f, Catalogue: "test@1", Payload: "x"}).Error; err != nil {
					t.Fatal(err)
				}
			}
			before1, _ := st.ReadinessVersionOf(ctx, e.f1)
			before2, _ := st.ReadinessVersionOf(ctx, e.f2)
			if err := e.ev.Run(ctx, &by, w.write); err != nil {
				t.Fatalf("%s: %v", w.name, err)
			}
			after1, _ := st.ReadinessVersionOf(ctx, e.f1)
			after2, _ := st.ReadinessVersionOf(ctx, e.f2)
			if renewed := after1 != before1; renewed != w.touches {
				t.Errorf("%s: facility's version renewed %v, want %v", w.name, renewed, w.touches)
			}
			if dropped := !e.cached(t, e.f1); dropped != w.touches {
				t.Errorf("%s: facility's cached score dropped %v, want %v", w.name, dropped, w.touches)
			}
			if after2 != before2 || !e.cached(t, e.f2) {
				t.Errorf("%s: the other facility's version or cached score changed", w.name)
			}
		}
	})
}
