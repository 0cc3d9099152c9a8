package evidence_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/pkg/readiness"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/pkg/testenv"
)

func date(y int, m time.Month, d int) *time.Time {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return &t
}

// TestUploadDatesPlausible refuses document dates outside the plausible
// range — 01-01-1945 to a year ahead for an issue date, thirty years
// ahead for a valid-until date, today read in the service clock's zone —
// on upload and on edit, with a Bahasa message naming the date and the
// range, and nothing stored.
func TestUploadDatesPlausible(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite", "filesystem")
	ctx := context.Background()
	// now is 10 March 2025, 02:00 UTC: the last plausible issue date is
	// 10-03-2026, the last valid-until date 10-03-2055.
	cases := []struct {
		name        string
		meta        evidence.Meta
		wantCode    string
		wantMessage string
	}{
		{"year 0004", evidence.Meta{IssueDate: date(4, time.May, 1)}, bukti.EINVALID,
			"Tanggal terbit 01-05-0004 tidak masuk akal: isi tanggal antara 01-01-1945 dan 10-03-2026."},
		{"the day before 1945", evidence.Meta{IssueDate: date(1944, time.December, 31)}, bukti.EINVALID, "31-12-1944"},
		{"1 January 1945", evidence.Meta{IssueDate: date(1945, time.January, 1)}, "", ""},
		{"a year ahead", evidence.Meta{IssueDate: date(2026, time.March, 10)}, "", ""},
		{"a year and a day ahead", evidence.Meta{IssueDate: date(2026, time.March, 11)}, bukti.EINVALID, "11-03-2026"},
		{"valid until 2055", evidence.Meta{ValidUntil: date(2055, time.March, 10)}, "", ""},
		{"valid until 2205", evidence.Meta{ValidUntil: date(2205, time.March, 10)}, bukti.EINVALID,
			"Berlaku sampai 10-03-2205 tidak masuk akal: isi tanggal antara 01-01-1945 dan 10-03-2055."},
		{"valid until 0202", evidence.Meta{ValidUntil: date(202, time.January, 1)}, bukti.EINVALID, "01-01-0202"},
		{"an instant, not a day", evidence.Meta{IssueDate: &now}, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := e.state()
			tc.meta.Title = "SK " + tc.name
			_, err := e.svc.Create(ctx, evidence.Upload{FacilityID: e.facility, Requirements: []string{"2.1.2/a/R1"}, Meta: tc.meta, By: user},
				e.stage("sk.pdf", testenv.PDF(tc.name)))
			if code(err) != tc.wantCode {
				t.Fatalf("Create: error got %v, want code %q", err, tc.wantCode)
			}
			if tc.wantCode == "" {
				return
			}
			if id, en := bukti.ErrorMessage(err); !strings.Contains(id, tc.wantMessage) || en == "" {
				t.Errorf("message got %q, want it to hold %q", id, tc.wantMessage)
			}
			if after := e.state(); after != before {
				t.Errorf("refused upload changed the state: %+v → %+v", before, after)
			}
		})
	}

	t.Run("edit", func(t *testing.T) {
		ev := e.create(testenv.PDF("SK edit"), evidence.Meta{Title: "SK", IssueDate: date(2024, time.January, 3)}, "2.1.2/a/R2")[0]
		if _, err := e.svc.UpdateMeta(ctx, ev.ID, user, evidence.Meta{Title: "SK", IssueDate: date(4, time.January, 3)}); code(err) != bukti.EINVALID {
			t.Fatalf("UpdateMeta with year 0004: error %v, want %s", err, bukti.EINVALID)
		}
		if got, _ := e.svc.Get(ctx, ev.ID); got.IssueDate == nil || got.IssueDate.Year() != 2024 {
			t.Errorf("refused edit changed the issue date to %v", got.IssueDate)
		}
	})

	// The range is counted from today in the clock's zone: at 03:00 WIB on
	// 10 March it is still 9 March in UTC.
	t.Run("today in the clock's zone", func(t *testing.T) {
		wib := time.FixedZone("WIB", 7*3600)
		for _, c := range []struct {
			name string
			now  time.Time
			want string
		}{
			{"WIB clock", time.Date(2025, time.March, 10, 3, 0, 0, 0, wib), ""},
			{"UTC clock at the same instant", time.Date(2025, time.March, 10, 3, 0, 0, 0, wib).UTC(), bukti.EINVALID},
		} {
			svc := *e.svc
			svc.Now = func() time.Time { return c.now }
			svc.Store = sqlstore.New(e.db, svc.Now)
			up := evidence.Upload{FacilityID: e.facility, Requirements: []string{"2.1.2/a/R3"}, By: user,
				Meta: evidence.Meta{Title: "KAK", IssueDate: date(2026, time.March, 10)}}
			if err := svc.CheckUpload(ctx, &up, "kak.pdf"); code(err) != c.want {
				t.Errorf("%s: issue date 10-03-2026: error %v, want code %q", c.name, err, c.want)
			}
			first, issue, valid := svc.DateBounds()
			if c.want == "" && (!first.Equal(*date(1945, 1, 1)) || !issue.Equal(*date(2026, 3, 10)) || !valid.Equal(*date(2055, 3, 10))) {
				t.Errorf("%s: DateBounds got %v, %v, %v", c.name, first, issue, valid)
			}
		}
	})
}

// TestRevisionWithMeta adds a revision that also changes the document's
// details, in one unit: the details are checked first, and a refusal
// stores nothing.
func TestRevisionWithMeta(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite", "filesystem")
	ctx := context.Background()
	ev := e.create(testenv.PDF("SK 2023"), evidence.Meta{Title: "SK Tim Pemberdayaan 2023", DocNumber: "440/1/2023", IssueDate: date(2023, 1, 2)}, "2.1.2/a/R1")[0]

	cases := []struct {
		name       string
		meta       *evidence.Meta
		wantCode   string
		wantTitle  string
		wantNumber string
		wantRevs   int
	}{
		{"file only keeps the details", nil, "", "SK Tim Pemberdayaan 2023", "440/1/2023", 2},
		{"new title, number and date", &evidence.Meta{Title: "SK Tim Pemberdayaan 2025", DocNumber: "440/7/2025", IssueDate: date(2025, 1, 6)}, "",
			"SK Tim Pemberdayaan 2025", "440/7/2025", 3},
		{"implausible date refuses the revision", &evidence.Meta{Title: "SK 0025", IssueDate: date(25, 1, 6)}, bukti.EINVALID,
			"SK Tim Pemberdayaan 2025", "440/7/2025", 3},
		{"stage on a requirement without stages", &evidence.Meta{Title: "SK", Stage: "evaluasi"}, bukti.EINVALID,
			"SK Tim Pemberdayaan 2025", "440/7/2025", 3},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := e.state()
			got, err := e.svc.Revise(ctx, ev.ID, user, e.stage("sk.pdf", testenv.PDF(fmt.Sprint("SK versi ", i))), tc.meta)
			if code(err) != tc.wantCode {
				t.Fatalf("Revise: error %v, want code %q", err, tc.wantCode)
			}
			if tc.wantCode != "" {
				if after := e.state(); after != before {
					t.Errorf("refused revision changed the state: %+v → %+v", before, after)
				}
				return
			}
			if got.Title != tc.wantTitle || got.DocNumber != tc.wantNumber || len(got.Revisions) != tc.wantRevs {
				t.Errorf("after Revise: %q %q %d revisions, want %q %q %d", got.Title, got.DocNumber, len(got.Revisions), tc.wantTitle, tc.wantNumber, tc.wantRevs)
			}
		})
	}
	var updates int64
	e.db.Model(&bukti.AuditEntry{}).Where("action = ? AND object_id = ?", "evidence.update", fmt.Sprint(ev.ID)).Count(&updates)
	if updates != 1 {
		t.Errorf("evidence.update audit rows: %d, want 1 (only the revision that changed the details)", updates)
	}
	if err := e.svc.CheckMeta(ctx, ev.ID, &evidence.Meta{Title: "x", ValidUntil: date(3025, 1, 1)}); code(err) != bukti.EINVALID {
		t.Errorf("CheckMeta with valid-until 3025: %v, want %s", err, bukti.EINVALID)
	}
	if err := e.svc.CheckMeta(ctx, 9999, &evidence.Meta{Title: "x"}); code(err) != bukti.ENOTFOUND {
		t.Errorf("CheckMeta of unknown evidence: %v, want %s", err, bukti.ENOTFOUND)
	}
}

// TestLink uses one SK for a second requirement: a new record, pending
// review, holding the same blob; both requirements are met; bad targets
// and a second link of the same file to the same slot are refused with
// nothing stored.
func TestLink(t *testing.T) {
	t.Parallel()
	for _, combo := range testenv.Combos {
		t.Run(testenv.Name(combo.DB, combo.Store), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, combo.DB, combo.Store)
			ctx := context.Background()
			data := testenv.PDF("SK Kepala Puskesmas tentang Pemberdayaan Masyarakat")
			sk := e.create(data, evidence.Meta{Title: "SK Pemberdayaan", DocNumber: "440/12/2024", IssueDate: date(2024, 1, 3)}, "2.1.2/a/R1")[0]
			e.setReview(sk.ID, bukti.ReviewAccepted)

			linked, err := e.svc.Link(ctx, sk.ID, user+1, evidence.LinkTarget{Requirement: "2.1.2/a/R2"})
			if err != nil {
				t.Fatalf("Link: %v", err)
			}
			rev := linked.Latest()
			for _, c := range []struct {
				field     string
				got, want any
			}{
				{"RequirementID", linked.RequirementID, "2.1.2/a/R2"},
				{"FacilityID", linked.FacilityID, e.facility},
				{"Title", linked.Title, "SK Pemberdayaan"},
				{"DocNumber", linked.DocNumber, "440/12/2024"},
				{"IssueDate", linked.IssueDate.Equal(*date(2024, 1, 3)), true},
				{"Review", linked.Review, bukti.ReviewPending},
				{"CreatedBy", linked.CreatedBy, user + 1},
				{"revisions", len(linked.Revisions), 1},
				{"revision number", rev.Number, 1},
				{"revision sha256", rev.SHA256, sum(data)},
				{"revision file name", rev.FileName, "berkas.pdf"},
				{"revision type", rev.ContentType, "application/pdf"},
			} {
				if c.got != c.want {
					t.Errorf("linked %s got %v, want %v", c.field, c.got, c.want)
				}
			}
			rep, err := e.svc.Readiness(ctx, e.facility)
			if err != nil {
				t.Fatal(err)
			}
			ep, _ := rep.Element("2.1.2/a")
			for _, id := range []string{"2.1.2/a/R1", "2.1.2/a/R2"} {
				if rs, _ := ep.Requirement(id); rs.Reason != readiness.ReasonMet {
					t.Errorf("%s after the link: %s, want met", id, rs.Reason)
				}
			}
			var audits int64
			e.db.Model(&bukti.AuditEntry{}).Where("action = ? AND object_id = ?", "evidence.link", fmt.Sprint(linked.ID)).Count(&audits)
			if audits != 1 {
				t.Errorf("evidence.link audit rows: %d, want 1", audits)
			}

			t.Run("to a slot", func(t *testing.T) {
				photo := e.create(testenv.JPEG(5), evidence.Meta{Title: "Rapat"}, "2.1.2/a/D1")[0]
				ev, err := e.svc.Link(ctx, photo.ID, user, evidence.LinkTarget{Requirement: "2.1.2/b/D3", Stage: "evaluasi", Part: "foto"})
				if err != nil || ev.Stage != "evaluasi" || ev.Part != "foto" {
					t.Fatalf("Link to a slot: %+v, %v", ev, err)
				}
			})

			refusals := []struct {
				name     string
				source   int64
				to       evidence.LinkTarget
				wantCode string
			}{
				{"the same file twice", sk.ID, evidence.LinkTarget{Requirement: "2.1.2/a/R2"}, bukti.ECONFLICT},
				{"back to its own requirement", sk.ID, evidence.LinkTarget{Requirement: "2.1.2/a/R1"}, bukti.ECONFLICT},
				{"unknown requirement", sk.ID, evidence.LinkTarget{Requirement: "9.9.9/z/R1"}, bukti.EINVALID},
				{"interview item", sk.ID, evidence.LinkTarget{Requirement: "2.1.2/a/W1"}, bukti.EINVALID},
				{"slot requirement without its slot", sk.ID, evidence.LinkTarget{Requirement: "2.1.2/b/D3"}, bukti.EINVALID},
				{"stage on a requirement without stages", sk.ID, evidence.LinkTarget{Requirement: "2.1.2/a/R3", Stage: "evaluasi"}, bukti.EINVALID},
				{"unknown source", 9999, evidence.LinkTarget{Requirement: "2.1.2/a/R3"}, bukti.ENOTFOUND},
			}
			for _, tc := range refusals {
				t.Run(tc.name, func(t *testing.T) {
					before := e.state()
					if _, err := e.svc.Link(ctx, tc.source, user, tc.to); code(err) != tc.wantCode {
						t.Fatalf("Link: error %v, want code %q", err, tc.wantCode)
					}
					if after := e.state(); after != before {
						t.Errorf("refused link changed the state: %+v → %+v", before, after)
					}
				})
			}
			if s := e.state(); s.blobs != 2 || s.evidence != 4 {
				t.Errorf("blobs, records: %d, %d, want 2, 4 (a link stores no file)", s.blobs, s.evidence)
			}
		})
	}
}

// TestLinkSearch finds a facility's evidence by the words of its title and
// document number, in any case, newest first, never another facility's.
func TestLinkSearch(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite", "filesystem")
	ctx := context.Background()
	e.create(testenv.PDF("a"), evidence.Meta{Title: "SK Tim Pemberdayaan Masyarakat", DocNumber: "440/12/2024"}, "2.1.2/a/R1")
	e.create(testenv.PDF("b"), evidence.Meta{Title: "SOP Pemberdayaan", DocNumber: "SOP/UKM/03"}, "2.1.2/a/R2")
	e.create(testenv.PDF("c"), evidence.Meta{Title: "Notulen rapat"}, "2.1.2/a/R3")
	other := e.newFacility("P-LAIN")
	svc := *e.svc
	if _, err := svc.Create(ctx, evidence.Upload{FacilityID: other, Requirements: []string{"2.1.2/a/R1"}, Meta: evidence.Meta{Title: "SK Pemberdayaan lain"}, By: user},
		e.stage("lain.pdf", testenv.PDF("d"))); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		query string
		want  []string
	}{
		{"", []string{"Notulen rapat", "SOP Pemberdayaan", "SK Tim Pemberdayaan Masyarakat"}},
		{"pemberdayaan", []string{"SOP Pemberdayaan", "SK Tim Pemberdayaan Masyarakat"}},
		{"  SK   PEMBERDAYAAN ", []string{"SK Tim Pemberdayaan Masyarakat"}},
		{"440/12", []string{"SK Tim Pemberdayaan Masyarakat"}},
		{"ukm", []string{"SOP Pemberdayaan"}},
		{"lain", nil},
		{"tidak ada", nil},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%q", tc.query), func(t *testing.T) {
			evs, err := e.svc.Search(ctx, e.facility, tc.query)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, ev := range evs {
				got = append(got, ev.Title)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Search(%q) = %q, want %q", tc.query, got, tc.want)
			}
		})
	}
	if _, err := e.svc.Search(ctx, 9999, "sk"); code(err) != bukti.ENOTFOUND {
		t.Errorf("Search of an unknown facility: %v, want %s", err, bukti.ENOTFOUND)
	}
}
