package survey_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/bukti-id/bukti/criteria"
	"github.com/bukti-id/bukti/pkg/auth"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/pkg/org"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/pkg/survey"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// now is the fixed clock of every test: 10 March 2025, 09:00 WIB.
var now = time.Date(2025, time.March, 10, 2, 0, 0, 0, time.UTC)

func fixedNow() time.Time { return now }

// The EP of Kriteria 2.1.2, the one kriteria of the catalogue most tests
// run on (kriteria212).
const (
	epA = "2.1.2/a"
	epB = "2.1.2/b"
	epC = "2.1.2/c"
)

// justification is a self-assessment reason long enough to be accepted.
const justification = "Dokumen sudah diunggah dan dibahas dalam rapat tim mutu."

// narrative returns a facts-and-analysis or recommendation text of exactly
// n characters (runes). It holds an em dash, so it is longer in bytes than
// in characters.
func narrative(n int) string {
	base := []rune("Telah diperiksa — dokumen tersedia, ditandatangani kepala Puskesmas dan sesuai ketentuan yang berlaku. ")
	var out []rune
	for len(out) < n {
		out = append(out, base...)
	}
	return string(out[:n])
}

// Narratives used by the surveyors' scores.
var (
	leadFacts    = "Ketua: RUK dan RPK memuat kegiatan pemberdayaan, disepakati bersama masyarakat."
	leadRec      = "Ketua: pertahankan dan evaluasi kegiatan pemberdayaan setiap triwulan."
	secondFacts  = "Anggota: bukti keterlibatan masyarakat baru ada untuk tahap perencanaan."
	secondRec    = "Anggota: lengkapi daftar hadir, notulen dan foto untuk setiap tahap kegiatan."
	decidedFacts = "Keputusan ketua: keterlibatan masyarakat terbukti pada sebagian tahap saja."
	decidedRec   = "Lengkapi bukti keterlibatan masyarakat pada tahap pelaksanaan, perbaikan dan evaluasi."
)

// env is one test's services on a fresh database and blob store: one
// facility with a quality-team user, another facility, and surveyors.
type env struct {
	t   *testing.T
	ctx context.Context
	db  *gorm.DB
	ev  *evidence.Service
	svc *survey.Service

	facility, otherFacility int64
	admin, team             int64 // admin; the facility's quality team
	lead, second, outsider  int64 // surveyors; outsider is assigned to another survey only
}

// kriteria212 is the catalogue of Kriteria 2.1.2 alone (pkp-2023@2023.1,
// the built-in catalogue before the complete standard): a survey scores
// every EP of its catalogue, and three keep a whole visit — self-assessment,
// review, scores, reconciliation — short. The survey's rules do not depend
// on the catalogue's size; TestSuggestionRules runs on the built-in one.
func kriteria212(t *testing.T) *catalogue.Catalogue {
	t.Helper()
	c, err := criteria.File(criteria.Kriteria212File)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// newEnv is newEnvOn the catalogue of Kriteria 2.1.2 alone.
func newEnv(t *testing.T, dbKind, storeKind string) *env {
	t.Helper()
	return newEnvOn(t, dbKind, storeKind, kriteria212(t))
}

// newEnvOn sets up a test's services on cat.
func newEnvOn(t *testing.T, dbKind, storeKind string, cat *catalogue.Catalogue) *env {
	t.Helper()
	gdb := testenv.OpenDB(t, dbKind)
	st := testenv.OpenStore(t, storeKind)
	ctx := context.Background()
	e := &env{t: t, ctx: ctx, db: gdb,
		ev: &evidence.Service{Store: sqlstore.New(gdb, fixedNow), Blobs: st, Catalogue: cat, MaxBytes: evidence.DefaultMaxBytes, Now: fixedNow, Log: testenv.Logger(t)}}
	e.svc = &survey.Service{Store: sqlstore.New(gdb, fixedNow), Catalogue: cat, Evidence: e.ev, Now: fixedNow}

	o := &org.Service{Store: sqlstore.New(gdb, fixedNow), Now: fixedNow}
	if _, err := o.CreateProvince(ctx, "32", "Jawa Barat", nil); err != nil {
		t.Fatalf("create province: %v", err)
	}
	if _, err := o.CreateDistrict(ctx, "3277", "Kota Cimahi", "32", nil); err != nil {
		t.Fatalf("create district: %v", err)
	}
	for _, f := range []struct {
		code string
		id   *int64
	}{{"P3277010101", &e.facility}, {"P3277010102", &e.otherFacility}} {
		fac, err := o.CreateFacility(ctx, org.FacilityInput{Code: f.code, Name: "Puskesmas " + f.code, DistrictCode: "3277"}, nil)
		if err != nil {
			t.Fatalf("create facility %s: %v", f.code, err)
		}
		*f.id = fac.ID
	}

	a := &auth.Service{Store: sqlstore.New(gdb, fixedNow), Now: fixedNow, Log: testenv.Logger(t), Cost: 4}
	for _, u := range []struct {
		email string
		role  *bukti.RoleBinding
		id    *int64
	}{
		{"admin@dinkes.example", &bukti.RoleBinding{Role: bukti.RoleAdmin}, &e.admin},
		{"mutu@puskesmas.example", &bukti.RoleBinding{Role: bukti.RoleQualityTeam, FacilityID: &e.facility}, &e.team},
		{"ketua@surveior.example", nil, &e.lead},
		{"anggota@surveior.example", nil, &e.second},
		{"lain@surveior.example", nil, &e.outsider},
	} {
		usr, err := a.CreateUserWithRole(ctx, u.email, "", "kata-sandi-uji-123", u.role, nil)
		if err != nil {
			t.Fatalf("create user %s: %v", u.email, err)
		}
		*u.id = usr.ID
	}
	return e
}

// upload creates evidence for one requirement of a facility (the test's
// when facility is 0) from a PDF with the given note.
func (e *env) upload(facility int64, req, note string, meta evidence.Meta) bukti.Evidence {
	e.t.Helper()
	if facility == 0 {
		facility = e.facility
	}
	if meta.Title == "" {
		meta.Title = note
	}
	st, err := e.ev.Stage(e.ctx, "berkas.pdf", bytes.NewReader(testenv.PDF(note)))
	if err != nil {
		e.t.Fatalf("stage %s: %v", note, err)
	}
	evs, err := e.ev.Create(e.ctx, evidence.Upload{FacilityID: facility, Requirements: []string{req}, Meta: meta, By: e.team}, st)
	if err != nil {
		e.t.Fatalf("upload %s for %s: %v", note, req, err)
	}
	return evs[0]
}

// revise uploads a new revision of an evidence record.
func (e *env) revise(id int64, note string) *bukti.Evidence {
	e.t.Helper()
	st, err := e.ev.Stage(e.ctx, "revisi.pdf", bytes.NewReader(testenv.PDF(note)))
	if err != nil {
		e.t.Fatalf("stage %s: %v", note, err)
	}
	ev, err := e.ev.AddRevision(e.ctx, id, e.team, st)
	if err != nil {
		e.t.Fatalf("add revision %s to evidence %d: %v", note, id, err)
	}
	return ev
}

// evidence reads one evidence record (deleted or not) as stored.
func (e *env) evidence(id int64) bukti.Evidence {
	e.t.Helper()
	var ev bukti.Evidence
	if err := e.db.First(&ev, id).Error; err != nil {
		e.t.Fatalf("read evidence %d: %v", id, err)
	}
	return ev
}

// survey reads one survey as stored.
func (e *env) survey(id int64) bukti.Survey {
	e.t.Helper()
	sv, err := e.svc.Get(e.ctx, id)
	if err != nil {
		e.t.Fatalf("get survey %d: %v", id, err)
	}
	return *sv
}

// newSurvey plans a survey of the test's facility.
func (e *env) newSurvey(lead int64, surveyors ...int64) bukti.Survey {
	e.t.Helper()
	sv, err := e.svc.Create(e.ctx, survey.Input{FacilityID: e.facility, Type: "initial", Surveyors: surveyors, Lead: lead}, e.admin)
	if err != nil {
		e.t.Fatalf("create survey: %v", err)
	}
	return *sv
}

// selfAssess records the quality team's scores, score by EP in the order
// a, b, c ("" skips an EP).
func (e *env) selfAssess(id int64, a, b, c string) []bukti.SelfAssessment {
	e.t.Helper()
	var in []survey.SelfScore
	for i, v := range []string{a, b, c} {
		if v != "" {
			in = append(in, survey.SelfScore{Element: []string{epA, epB, epC}[i], Score: v, Justification: justification})
		}
	}
	rows, err := e.svc.SelfAssess(e.ctx, id, e.team, in)
	if err != nil {
		e.t.Fatalf("self-assess survey %d: %v", id, err)
	}
	return rows
}

// items returns a survey's snapshot by evidence ID: the current item of
// each evidence record.
func (e *env) items(id int64) map[int64]bukti.SnapshotItem {
	e.t.Helper()
	all, err := e.svc.Items(e.ctx, id)
	if err != nil {
		e.t.Fatalf("items of survey %d: %v", id, err)
	}
	out := map[int64]bukti.SnapshotItem{}
	for _, it := range survey.Current(all) {
		out[it.EvidenceID] = it
	}
	return out
}

// review records a verdict, failing the test on error.
func (e *env) review(id, itemID, by int64, verdict, note string) *bukti.SnapshotItem {
	e.t.Helper()
	it, err := e.svc.Review(e.ctx, id, itemID, by, survey.Verdict{Review: verdict, Note: note})
	if err != nil {
		e.t.Fatalf("review item %d %s by %d: %v", itemID, verdict, by, err)
	}
	return it
}

// score records a surveyor's score, failing the test on error.
func (e *env) score(id, by int64, ep, score, facts, rec string) *bukti.SurveyScore {
	e.t.Helper()
	row, err := e.svc.Score(e.ctx, id, by, survey.ScoreInput{Element: ep, Score: score, Facts: facts, Recommendation: rec})
	if err != nil {
		e.t.Fatalf("score %s %q by %d: %v", ep, score, by, err)
	}
	return row
}

// suggestion is a stored suggestion as the tests write it: the score, or
// "none".
func suggestion(v *int) string {
	if v == nil {
		return "none"
	}
	return strconv.Itoa(*v)
}

// suggestions returns the system's suggestion per EP for a survey.
func (e *env) suggestions(id int64) map[string]int {
	e.t.Helper()
	sug, err := e.svc.Suggestions(e.ctx, id)
	if err != nil {
		e.t.Fatalf("suggestions of survey %d: %v", id, err)
	}
	return sug
}

// dump is every row a survey operation may write, as JSON, to compare the
// database before and after a refused operation.
func (e *env) dump() string {
	e.t.Helper()
	var d struct {
		Surveys   []bukti.Survey
		Self      []bukti.SelfAssessment
		Items     []bukti.SnapshotItem
		Scores    []bukti.SurveyScore
		PPS       []bukti.PPSItem
		Evidence  []bukti.Evidence
		Revisions []bukti.Revision
		Bindings  []bukti.RoleBinding
		Audit     []bukti.AuditEntry
	}
	for _, q := range []struct {
		dest  any
		order string
	}{
		{&d.Surveys, "id"}, {&d.Self, "survey_id, element_id"}, {&d.Items, "id"},
		{&d.Scores, "survey_id, element_id, surveyor_id"}, {&d.PPS, "id"}, {&d.Evidence, "id"},
		{&d.Revisions, "id"}, {&d.Bindings, "id"}, {&d.Audit, "id"},
	} {
		if err := e.db.Order(q.order).Find(q.dest).Error; err != nil {
			e.t.Fatalf("dump: %v", err)
		}
	}
	b, err := json.MarshalIndent(d, "", " ")
	if err != nil {
		e.t.Fatal(err)
	}
	return string(b)
}

// wantCode checks that err is a *bukti.Error with the code and messages in
// both languages.
func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := bukti.ErrorCode(err); got != code {
		t.Errorf("%s: got error %v (code %q), want code %q", what, err, got, code)
		return
	}
	var be *bukti.Error
	if !errors.As(err, &be) || strings.TrimSpace(be.Text("id")) == "" || strings.TrimSpace(be.Text("en")) == "" {
		t.Errorf("%s: error %#v lacks a message in Bahasa Indonesia and English", what, err)
	}
}

// sameDump reports the first line where two dumps differ.
func sameDump(t *testing.T, what, before, after string) {
	t.Helper()
	if before == after {
		return
	}
	b, a := strings.Split(before, "\n"), strings.Split(after, "\n")
	for i := 0; i < len(b) && i < len(a); i++ {
		if b[i] != a[i] {
			t.Errorf("%s changed the database: line %d was %q, is %q", what, i+1, b[i], a[i])
			return
		}
	}
	t.Errorf("%s changed the database: %d lines before, %d after", what, len(b), len(a))
}
