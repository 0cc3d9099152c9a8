package criteria_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/bukti-id/bukti/criteria"
	"github.com/bukti-id/bukti/pkg/catalogue"
)

func TestBuiltin(t *testing.T) {
	c, err := criteria.Builtin()
	if err != nil {
		t.Fatalf("Builtin: %v", err)
	}

	t.Run("Header", func(t *testing.T) {
		if c.Format != catalogue.FormatV1 || c.ID != "pkp-2023" || c.Version != "2023.1" ||
			c.Title != "Standar Akreditasi Puskesmas" || c.Source != "KMK HK.01.07/MENKES/165/2023" {
			t.Errorf("header = %q %q %q %q %q", c.Format, c.ID, c.Version, c.Title, c.Source)
		}
	})

	t.Run("ParsedOnce", func(t *testing.T) {
		if again := criteria.MustBuiltin(); again != c {
			t.Error("MustBuiltin returned a different catalogue; the built-in catalogue must be parsed once and shared")
		}
	})

	t.Run("Bab", func(t *testing.T) {
		want := []string{"I", "II", "III", "IV", "V"}
		var got []string
		for _, b := range c.Bab {
			got = append(got, b.ID)
			if b.Title == "" {
				t.Errorf("Bab %s has no title", b.ID)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("Bab IDs = %v, want %v", got, want)
		}
		if got, want := c.Bab[1].Title, "Penyelenggaraan UKM yang berorientasi pada upaya promotif dan preventif"; got != want {
			t.Errorf("Bab II title = %q, want %q", got, want)
		}
		if got, want := c.Counts(), (catalogue.Counts{Bab: 5, Standar: 1, Kriteria: 1, Elements: 3, Requirements: 12}); got != want {
			t.Errorf("Counts = %+v, want %+v", got, want)
		}
	})

	t.Run("Kriteria", func(t *testing.T) {
		k, _, ok := c.Kriteria("2.1.2")
		if !ok {
			t.Fatal("kriteria 2.1.2 not found")
		}
		if k.Title != "Pemberdayaan Masyarakat" {
			t.Errorf("title = %q", k.Title)
		}
		if !strings.HasPrefix(k.Statement, "Perencanaan pelayanan UKM Puskesmas memuat kegiatan pemberdayaan masyarakat") ||
			!strings.HasSuffix(k.Statement, "dengan difasilitasi oleh Puskesmas") {
			t.Errorf("statement = %q", k.Statement)
		}
		if len(k.PokokPikiran) != 10 {
			t.Fatalf("pokok pikiran: %d items, want 10 (a..j)", len(k.PokokPikiran))
		}
		if p := k.PokokPikiran[7]; !strings.HasPrefix(p, "Kegiatan fasilitasi berupa:\n1. ") || !strings.Contains(p, "\n10. melakukan pemantauan") {
			t.Errorf("pokok pikiran h = %q, want the heading and its 10 numbered items on separate lines", p)
		}
	})

	t.Run("RequirementIDs", func(t *testing.T) {
		want := []string{
			"2.1.2/a/D1", "2.1.2/a/D2", "2.1.2/a/R1", "2.1.2/a/R2", "2.1.2/a/R3", "2.1.2/a/W1",
			"2.1.2/b/D1", "2.1.2/b/D2", "2.1.2/b/W1",
			"2.1.2/c/D1", "2.1.2/c/D2", "2.1.2/c/W1",
		}
		var got []string
		for _, r := range allRequirements(c) {
			got = append(got, r.ID)
			if _, _, ok := c.Requirement(r.ID); !ok {
				t.Errorf("Requirement(%q) not found", r.ID)
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("requirement IDs =\n%v\nwant\n%v\n(published IDs must never change)", got, want)
		}
	})

	t.Run("Methods", func(t *testing.T) {
		for letter, want := range map[string][]catalogue.Method{
			"a": {catalogue.Regulasi, catalogue.Dokumen, catalogue.Wawancara},
			"b": {catalogue.Dokumen, catalogue.Wawancara},
			"c": {catalogue.Dokumen, catalogue.Wawancara},
		} {
			e, ok := c.Element("2.1.2/" + letter)
			if !ok {
				t.Errorf("EP %s not found", letter)
				continue
			}
			if !slices.Equal(e.Methods, want) {
				t.Errorf("EP %s methods = %v, want %v", letter, e.Methods, want)
			}
			if strings.Contains(e.Text, "(") {
				t.Errorf("EP %s text still carries the method suffix: %q", letter, e.Text)
			}
		}
	})

	t.Run("DocTypes", func(t *testing.T) {
		r := mustReq(t, c, "2.1.2/a/R1")
		if r.Title != "SK Kepala Puskesmas tentang fasilitasi pemberdayaan masyarakat" {
			t.Errorf("a/R1 title = %q", r.Title)
		}
		for id, want := range map[string]string{
			"2.1.2/a/R1": "SK", "2.1.2/a/R2": "SOP", "2.1.2/a/R3": "KAK",
			"2.1.2/a/D1": "RUK/RPK", "2.1.2/a/D2": "kesepakatan",
			"2.1.2/b/D1": "RUK/RPK",
			"2.1.2/c/D1": "laporan evaluasi", "2.1.2/c/D2": "tindak lanjut",
		} {
			if got := mustReq(t, c, id).DocType; got != want {
				t.Errorf("%s doc_type = %q, want %q", id, got, want)
			}
		}
	})

	t.Run("StagesAndParts", func(t *testing.T) {
		r := mustReq(t, c, "2.1.2/b/D2")
		if want := []string{"perencanaan", "pelaksanaan", "perbaikan", "evaluasi"}; !slices.Equal(r.Stages, want) {
			t.Errorf("stages = %v, want %v", r.Stages, want)
		}
		var parts []string
		for _, p := range r.Parts {
			parts = append(parts, p.Key+"="+p.DocType)
		}
		if want := []string{"daftar_hadir=daftar hadir", "notulen=notulen", "foto=foto"}; !slices.Equal(parts, want) {
			t.Errorf("parts = %v, want %v", parts, want)
		}
		slots := r.Slots()
		if len(slots) != 12 {
			t.Fatalf("Slots: %d, want 12 (4 stages × 3 parts)", len(slots))
		}
		if slots[0] != (catalogue.Slot{Stage: "perencanaan", Part: "daftar_hadir"}) || slots[11] != (catalogue.Slot{Stage: "evaluasi", Part: "foto"}) {
			t.Errorf("Slots first/last = %+v / %+v", slots[0], slots[11])
		}
		for _, id := range []string{"2.1.2/b/D1", "2.1.2/b/D2"} {
			if g := mustReq(t, c, id).Group; g != "Bukti pelaksanaan keterlibatan masyarakat" {
				t.Errorf("%s group = %q", id, g)
			}
		}
		for _, r := range allRequirements(c) {
			if r.ID != "2.1.2/b/D2" && r.Method != catalogue.Wawancara && len(r.Slots()) != 1 {
				t.Errorf("%s: %d slots, want 1", r.ID, len(r.Slots()))
			}
		}
	})

	t.Run("Interviewees", func(t *testing.T) {
		staff := []string{"Kepala Puskesmas", "Penanggung jawab UKM", "Koordinator Pelayanan UKM", "Pelaksana pelayanan UKM"}
		withCommunity := append(slices.Clone(staff), "Masyarakat")
		for id, want := range map[string][]string{
			"2.1.2/a/W1": withCommunity,
			"2.1.2/b/W1": withCommunity,
			"2.1.2/c/W1": staff,
		} {
			r := mustReq(t, c, id)
			if !slices.Equal(r.Interviewees, want) {
				t.Errorf("%s interviewees = %v, want %v", id, r.Interviewees, want)
			}
			if !strings.HasPrefix(r.Topic, "Penggalian informasi terkait") {
				t.Errorf("%s topic = %q", id, r.Topic)
			}
			if len(r.Slots()) != len(want) {
				t.Errorf("%s: %d slots, want one per interviewee (%d)", id, len(r.Slots()), len(want))
			}
		}
	})

	t.Run("Notes", func(t *testing.T) {
		for id, want := range map[string][]string{
			"2.1.2/a/D2": {"Bukti kesepakatan disesuaikan dengan kegiatan yang dilakukan saat menyusun RUK & RPK."},
			"2.1.2/b/D2": {
				"Bukti keterlibatan masyarakat disesuaikan dengan kegiatan yang dilakukan.",
				"Misal, kegiatan dilakukan dalam bentuk pertemuan minimal melampirkan daftar hadir, dan notulen yang diserta dengan foto kegiatan.",
			},
			"2.1.2/c/D1": {"Untuk mengevaluasi dapat dilakukan dengan melihat KAK Pemberdayaan Masyarakat dan disandingkan dengan hasil kegiatan."},
		} {
			note := mustReq(t, c, id).Note
			for _, w := range want {
				if !strings.Contains(note, w) {
					t.Errorf("%s note = %q, want it to contain %q", id, note, w)
				}
			}
		}
	})

	t.Run("Thresholds", func(t *testing.T) {
		want := []catalogue.Status{
			{Name: "Paripurna", Min: map[string]float64{"I": 80, "II": 80, "III": 80, "IV": 80, "V": 80}},
			{Name: "Utama", Min: map[string]float64{"I": 80, "II": 80, "III": 70, "IV": 80, "V": 75}},
			{Name: "Madya", Min: map[string]float64{"I": 75, "II": 75, "III": 60, "IV": 75, "V": 70}},
			{Name: "Dasar", Min: map[string]float64{"I": 75, "II": 60, "III": 50, "IV": 60, "V": 60}},
		}
		if !reflect.DeepEqual(c.Scoring.Statuses, want) {
			t.Errorf("statuses =\n%+v\nwant (DESIGN.md §3)\n%+v", c.Scoring.Statuses, want)
		}
		if c.Scoring.Below != "Tidak Terakreditasi" {
			t.Errorf("below = %q", c.Scoring.Below)
		}
		if !slices.Equal(c.Scoring.Values, []int{10, 5, 0}) || !c.Scoring.TDD || c.Scoring.Max() != 10 {
			t.Errorf("scoring = %v tdd=%v", c.Scoring.Values, c.Scoring.TDD)
		}
	})

	t.Run("CleanText", func(t *testing.T) {
		n := 0
		walkStrings(reflect.ValueOf(c).Elem(), "catalogue", func(path, s string) {
			n++
			if strings.ContainsAny(s, "`\\") {
				t.Errorf("%s: conversion noise (backtick or backslash) left in %q", path, s)
			}
			if strings.Contains(s, "  ") || strings.TrimSpace(s) != s || strings.Contains(s, " \n") || strings.Contains(s, "\n ") {
				t.Errorf("%s: stray spaces in %q", path, s)
			}
		})
		if n < 100 {
			t.Errorf("walked only %d strings; the walker is not reaching the tree", n)
		}
	})
}

func mustReq(t *testing.T, c *catalogue.Catalogue, id string) *catalogue.Requirement {
	t.Helper()
	r, _, ok := c.Requirement(id)
	if !ok {
		t.Fatalf("requirement %s not found", id)
	}
	return r
}

func allRequirements(c *catalogue.Catalogue) []catalogue.Requirement {
	var out []catalogue.Requirement
	for _, b := range c.Bab {
		for _, s := range b.Standar {
			for _, k := range s.Kriteria {
				for _, e := range k.Elements {
					out = append(out, e.Requirements...)
				}
			}
		}
	}
	return out
}

// walkStrings calls fn for every string reachable through the exported
// fields, slices and maps of v.
func walkStrings(v reflect.Value, path string, fn func(path, s string)) {
	switch v.Kind() {
	case reflect.String:
		fn(path, v.String())
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walkStrings(v.Elem(), path, fn)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if f := v.Type().Field(i); f.IsExported() {
				walkStrings(v.Field(i), path+"."+f.Name, fn)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			walkStrings(v.Index(i), path+fmt.Sprintf("[%d]", i), fn)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			walkStrings(k, path+"{key}", fn)
			walkStrings(v.MapIndex(k), path+"["+k.String()+"]", fn)
		}
	}
}
