// Package surveyreport exports a survey visit's report as an XLSX workbook
// for the facility and the district office: identity and surveyors, per-Bab
// achievement with the status recommendation and the distance to the next
// status, every EP's scores with facts and recommendation, and the
// improvement plan (PPS). Labels are in Bahasa Indonesia.
package surveyreport

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/survey"
)

// ContentType is the media type of the workbook.
const ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// Sheet names, in workbook order.
const (
	SheetSummary = "Ringkasan"
	SheetScores  = "Nilai EP"
	SheetPPS     = "PPS"
)

// TypeLabel and ModeLabel name survey types and modes in Bahasa Indonesia.
var (
	TypeLabel = map[string]string{"initial": "Akreditasi awal", "reaccreditation": "Reakreditasi", "upgrade": "Peningkatan status"}
	ModeLabel = map[string]string{"onsite": "Luring (di lokasi)", "hybrid": "Hibrida"}
)

// WriteXLSX writes the report of a survey scored against c.
func WriteXLSX(w io.Writer, ov *survey.Overview, c *catalogue.Catalogue) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetSummary); err != nil {
		return err
	}
	for _, name := range []string{SheetScores, SheetPPS} {
		if _, err := f.NewSheet(name); err != nil {
			return err
		}
	}
	sheets := []struct {
		name string
		rows [][]any
	}{
		{SheetSummary, summaryRows(ov)},
		{SheetScores, scoreRows(ov, c)},
		{SheetPPS, ppsRows(ov)},
	}
	for _, sh := range sheets {
		for i, r := range sh.rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow(sh.name, cell, &r); err != nil {
				return err
			}
		}
	}
	return f.Write(w)
}

func summaryRows(ov *survey.Overview) [][]any {
	sv := ov.Survey
	var names, lead []string
	for _, u := range ov.Surveyors {
		names = append(names, u.DisplayName())
		if sv.LeadID != nil && *sv.LeadID == u.ID {
			lead = append(lead, u.DisplayName())
		}
	}
	district := ""
	if ov.Facility.District != nil {
		district = ov.Facility.District.Name
	}
	status := sv.Status
	if sv.State != bukti.SurveyFinal {
		status = ov.Tally.Status + " (sementara: survei belum final)"
	}
	rows := [][]any{
		{"Laporan survei akreditasi Puskesmas"},
		{"Puskesmas", ov.Facility.Name},
		{"Kode", ov.Facility.Code},
		{"Kabupaten/kota", district},
		{"Survei", fmt.Sprintf("#%d", sv.ID)},
		{"Jenis survei", label(TypeLabel, sv.Type)},
		{"Moda", label(ModeLabel, sv.Mode)},
		{"Tanggal", dates(sv)},
		{"Katalog", sv.Catalogue},
		{"Tahap", sv.State},
		{"Surveior", strings.Join(names, ", ")},
		{"Ketua tim", strings.Join(lead, ", ")},
		{"Rekomendasi status", status},
		{},
		{"Bab", "Judul", "Capaian (%)", "EP dinilai", "Status berikutnya", "Minimal (%)", "Kurang (poin %)", "Poin EP yang perlu ditambah"},
	}
	gaps := map[string]int{}
	for i, g := range ov.Tally.Gaps {
		gaps[g.Bab] = i
	}
	for _, b := range ov.Tally.Bab {
		row := []any{b.ID, b.Title, "tidak dinilai", b.Applicable}
		if b.Assessed {
			row[2] = round(b.Percent)
		}
		if i, ok := gaps[b.ID]; ok {
			g := ov.Tally.Gaps[i]
			row = append(row, ov.Tally.Next, g.Min, round(g.Short), g.Points)
		}
		rows = append(rows, row)
	}
	return rows
}

func scoreRows(ov *survey.Overview, c *catalogue.Catalogue) [][]any {
	head := []any{"Bab", "Standar", "Kriteria", "EP", "Elemen penilaian", "Penilaian mandiri", "Saran sistem"}
	for _, u := range ov.Surveyors {
		head = append(head, "Nilai "+u.DisplayName())
	}
	head = append(head, "Nilai akhir", "Fakta dan analisis", "Rekomendasi")
	rows := [][]any{head}
	for _, b := range c.Bab {
		for _, s := range b.Standar {
			for _, k := range s.Kriteria {
				for _, e := range k.Elements {
					var suggested any = "" // none: proposed TDD, or no R or D item
					if v, ok := ov.Suggestions[e.ID]; ok {
						suggested = v
					}
					row := []any{b.ID, s.ID, k.ID, e.ID, e.Text, "", suggested}
					if a, ok := ov.Self(e.ID); ok {
						row[5] = survey.FormatScore(a.Score, a.TDD)
					}
					for _, u := range ov.Surveyors {
						v := ""
						if r, ok := ov.ScoreBy(e.ID, u.ID); ok {
							v = survey.FormatScore(r.Score, r.TDD)
						}
						row = append(row, v)
					}
					if r, ok := ov.Final(e.ID); ok {
						row = append(row, survey.FormatScore(r.Score, r.TDD), r.Facts, r.Recommendation)
					} else {
						row = append(row, "belum dinilai", "", "")
					}
					rows = append(rows, row)
				}
			}
		}
	}
	return rows
}

func ppsRows(ov *survey.Overview) [][]any {
	rows := [][]any{{"EP", "Nilai", "Rekomendasi", "Rencana tindakan", "Penanggung jawab", "Target", "Indikator", "Kemajuan (%)", "Status"}}
	if len(ov.PPS) == 0 {
		return append(rows, []any{"PPS dibuat saat survei difinalisasi, untuk setiap EP dengan nilai di bawah maksimal."})
	}
	for _, p := range ov.PPS {
		target := ""
		if p.TargetDate != nil {
			target = p.TargetDate.Format("2006-01-02")
		}
		rows = append(rows, []any{p.ElementID, p.Score, p.Recommendation, p.Action, p.Responsible, target, p.Indicator, p.Progress,
			label(map[string]string{bukti.PPSOpen: "Belum dimulai", bukti.PPSInProgress: "Berjalan", bukti.PPSDone: "Selesai"}, p.State)})
	}
	return rows
}

func label(m map[string]string, k string) string {
	if v, ok := m[k]; ok {
		return v
	}
	return k
}

func dates(sv bukti.Survey) string {
	var parts []string
	for _, d := range []*time.Time{sv.StartDate, sv.EndDate} {
		if d != nil {
			parts = append(parts, d.Format("2006-01-02"))
		}
	}
	return strings.Join(parts, " s.d. ")
}

func round(x float64) float64 { return math.Round(x*100) / 100 }
