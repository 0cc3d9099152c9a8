package demo

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/bukti-id/bukti/criteria"
	"github.com/bukti-id/bukti/pkg/catalogue"
)

// FullStandardVersion is the version string of the synthetic catalogue. Its
// catalogue ID is the built-in's ("pkp-2023"), so evidence stored against
// Kriteria 2.1.2 carries over between the two.
const FullStandardVersion = "2023.1-sintetis"

// BabShape is the size of one Bab of Standar Akreditasi Puskesmas (KMK
// HK.01.07/MENKES/165/2023), as listed in DESIGN.md §3.
type BabShape struct {
	ID                         string
	Standar, Kriteria, Element int
}

// Shape is the size of the whole standard, Bab by Bab: 35 standar, 82
// kriteria, 328 EP. FullStandard builds a catalogue of exactly this shape.
var Shape = []BabShape{
	{"I", 7, 26, 102},
	{"II", 8, 20, 94},
	{"III", 10, 11, 42},
	{"IV", 5, 5, 34},
	{"V", 5, 20, 56},
}

// FullStandard returns a synthetic but structurally faithful catalogue of
// the whole standard: the five Bab of the built-in catalogue with their
// titles and threshold table, and in each Bab exactly the number of standar,
// kriteria and EP of the real standard (Shape), with IDs shaped like the
// real ones ("1.1", "1.1.1", EP letters a, b, …). Kriteria 2.1.2 is the real
// one, taken from the built-in catalogue, so its requirement IDs and any
// evidence stored against them stay valid. Every other text is Bahasa-like
// placeholder; every other EP has 2–5 requirements in a fixed mix of
// methods (R, D and W, some O and S; some D items asked per stage × part,
// W items with 2–4 interviewees).
//
// The result is the same on every call and in every release (it does not
// depend on math/rand); it went through catalogue.Marshal and
// catalogue.Parse, so it is validated and indexed. Each call returns a new
// catalogue that the caller may keep.
func FullStandard() (*catalogue.Catalogue, error) {
	doc, err := fullStandardYAML()
	if err != nil {
		return nil, err
	}
	return catalogue.Parse("demo full standard", doc)
}

// FullStandardYAML returns FullStandard as a bukti-catalogue/v1 document.
func FullStandardYAML() ([]byte, error) {
	doc, err := fullStandardYAML()
	return append([]byte(nil), doc...), err
}

var fullStandardYAML = sync.OnceValues(func() ([]byte, error) {
	base, err := criteria.Builtin()
	if err != nil {
		return nil, err
	}
	c, err := buildFullStandard(base)
	if err != nil {
		return nil, err
	}
	doc, err := catalogue.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("demo: write the synthetic catalogue: %w", err)
	}
	if _, err := catalogue.Parse("demo full standard", doc); err != nil {
		return nil, fmt.Errorf("demo: the synthetic catalogue does not parse: %w", err)
	}
	return doc, nil
})

// The real Kriteria 2.1.2 sits second in Standar 2.1 of Bab II.
const (
	realBab      = "II"
	realStandar  = "2.1"
	realKriteria = "2.1.2"
)

func buildFullStandard(base *catalogue.Catalogue) (*catalogue.Catalogue, error) {
	kept, place, ok := base.Kriteria(realKriteria)
	if !ok {
		return nil, fmt.Errorf("demo: the built-in catalogue has no kriteria %s", realKriteria)
	}
	c := &catalogue.Catalogue{
		Format:  catalogue.FormatV1,
		ID:      base.ID,
		Version: FullStandardVersion,
		Title:   base.Title + " (sintetis, untuk demo dan uji beban)",
		Source:  base.Source,
		Scoring: base.Scoring,
	}
	r := newRNG(2023, 165)
	for bi, shape := range Shape {
		var title string
		for _, b := range base.Bab {
			if b.ID == shape.ID {
				title = b.Title
			}
		}
		if title == "" {
			return nil, fmt.Errorf("demo: the built-in catalogue has no Bab %s", shape.ID)
		}
		bab := catalogue.Bab{ID: shape.ID, Title: title}
		topics := standarTopics[shape.ID]

		// Kriteria per standar: at least one each (two for Standar 2.1,
		// which holds the real 2.1.2).
		mins := make([]int, shape.Standar)
		for i := range mins {
			mins[i] = 1
			if shape.ID == realBab && i == 0 {
				mins[i] = 2
			}
		}
		perStandar := spread(r, shape.Kriteria, 12, mins)

		// EP per kriteria: at least two each; 2.1.2 keeps its own three.
		slots := shape.Kriteria
		epTotal := shape.Element
		if shape.ID == realBab {
			slots--
			epTotal -= len(kept.Elements)
		}
		perKriteria := spread(r, epTotal, 12, repeat(2, slots))

		next := 0
		for si := range shape.Standar {
			sid := fmt.Sprintf("%d.%d", bi+1, si+1)
			topic := topics[si%len(topics)]
			st := catalogue.Standar{ID: sid, Title: topic}
			if sid == realStandar {
				st.Title = place.Standar.Title
			}
			for ki := range perStandar[si] {
				kid := fmt.Sprintf("%s.%d", sid, ki+1)
				if kid == realKriteria {
					st.Kriteria = append(st.Kriteria, *kept)
					continue
				}
				st.Kriteria = append(st.Kriteria, syntheticKriteria(r, kid, lower(topic), perKriteria[next]))
				next++
			}
			bab.Standar = append(bab.Standar, st)
		}
		c.Bab = append(c.Bab, bab)
	}
	return c, nil
}

func syntheticKriteria(r *rng, id, topic string, elements int) catalogue.Kriteria {
	aspect := pick(r, aspects)
	k := catalogue.Kriteria{
		ID:    id,
		Title: upperFirst(aspect) + " dalam " + topic,
		Statement: fmt.Sprintf("Puskesmas menetapkan dan melaksanakan %s dalam %s sesuai dengan kebijakan dan prosedur yang ditetapkan (kriteria sintetis %s)",
			aspect, topic, id),
		PokokPikiran: []string{
			fmt.Sprintf("Kepala Puskesmas menetapkan kebijakan tentang %s dalam %s.", aspect, topic),
			fmt.Sprintf("Pelaksanaan %s dipantau dan dievaluasi secara berkala, dan hasilnya ditindaklanjuti.", topic),
		},
	}
	for ei := range elements {
		k.Elements = append(k.Elements, syntheticElement(r, id, string(rune('a'+ei)), topic))
	}
	return k
}

func syntheticElement(r *rng, kid, letter, topic string) catalogue.Element {
	id := kid + "/" + letter
	e := catalogue.Element{Letter: letter, Text: fmt.Sprintf(pick(r, elementTexts), topic) + " (EP sintetis " + id + ")"}

	// The mix of methods: usually R and D, often W, sometimes O or S,
	// padded with R or D to 2–5 requirements.
	n := r.between(2, 5)
	count := map[catalogue.Method]int{catalogue.Dokumen: 1}
	total := 1
	for _, m := range []struct {
		method catalogue.Method
		p      float64
	}{{catalogue.Regulasi, 0.6}, {catalogue.Wawancara, 0.55}, {catalogue.Observasi, 0.12}, {catalogue.Simulasi, 0.08}} {
		if r.chance(m.p) {
			count[m.method]++
			total++
		}
	}
	for ; total < n; total++ {
		if r.chance(0.4) {
			count[catalogue.Regulasi]++
		} else {
			count[catalogue.Dokumen]++
		}
	}
	for _, m := range []catalogue.Method{catalogue.Regulasi, catalogue.Dokumen, catalogue.Observasi, catalogue.Wawancara, catalogue.Simulasi} {
		if count[m] == 0 {
			continue
		}
		e.Methods = append(e.Methods, m)
		for i := range count[m] {
			e.Requirements = append(e.Requirements, syntheticRequirement(r, m, string(m)+strconv.Itoa(i+1), topic))
		}
	}
	return e
}

func syntheticRequirement(r *rng, m catalogue.Method, key, topic string) catalogue.Requirement {
	req := catalogue.Requirement{Key: key, Method: m}
	switch m {
	case catalogue.Regulasi:
		d := pick(r, regulationDocs)
		req.Title, req.DocType = fmt.Sprintf(d.title, topic), d.docType
	case catalogue.Dokumen:
		d := pick(r, implementationDocs)
		req.Title, req.DocType = fmt.Sprintf(d.title, topic), d.docType
		if r.chance(0.08) {
			// Evidence asked for each stage, each shown by several
			// documents, like 2.1.2/b/D2.
			req.Title = "Bukti keterlibatan lintas program dan masyarakat dalam " + topic + " pada setiap tahap"
			req.DocType = ""
			req.Stages = sample(r, stages, r.between(2, len(stages)))
			req.Parts = sample(r, meetingParts, r.between(2, len(meetingParts)))
			req.Note = "Kegiatan dalam bentuk pertemuan minimal melampirkan daftar hadir dan notulen yang disertai foto kegiatan."
		} else if r.chance(0.1) {
			req.Note = "Bukti disesuaikan dengan kegiatan yang dilakukan."
		}
	case catalogue.Observasi:
		req.Title = "Observasi pelaksanaan " + topic
	case catalogue.Wawancara:
		req.Title = "Wawancara tentang " + topic
		req.Interviewees = sample(r, roles, r.between(2, 4))
		req.Topic = "Penggalian informasi terkait pelaksanaan " + topic
	case catalogue.Simulasi:
		req.Title = "Simulasi prosedur " + topic
	}
	return req
}

var (
	standarTopics = map[string][]string{
		"I": {"Tata kelola dan kepemimpinan Puskesmas", "Perencanaan Puskesmas", "Pengelolaan sumber daya manusia",
			"Pengelolaan keuangan dan barang milik daerah", "Sarana, prasarana dan peralatan kesehatan", "Sistem informasi Puskesmas",
			"Pembinaan jaringan dan jejaring Puskesmas"},
		"II": {"Perencanaan pelayanan UKM", "Promosi kesehatan", "Kesehatan lingkungan", "Kesehatan keluarga",
			"Pelayanan gizi masyarakat", "Pencegahan dan pengendalian penyakit", "Perawatan kesehatan masyarakat", "Pelayanan UKM pengembangan"},
		"III": {"Akses dan pendaftaran pasien", "Pengkajian pasien", "Rencana asuhan pasien", "Pelayanan klinis",
			"Pelayanan gawat darurat", "Pelayanan persalinan", "Pelayanan gizi pasien", "Pemulangan dan rujukan pasien",
			"Pelayanan laboratorium", "Pelayanan kefarmasian"},
		"IV": {"Penurunan angka kematian ibu dan bayi", "Percepatan perbaikan gizi masyarakat", "Peningkatan cakupan imunisasi",
			"Penanggulangan tuberkulosis", "Pengendalian penyakit tidak menular"},
		"V": {"Peningkatan mutu berkelanjutan", "Keselamatan pasien", "Manajemen risiko", "Pencegahan dan pengendalian infeksi",
			"Pengukuran indikator mutu"},
	}
	aspects = []string{"kebijakan dan prosedur", "perencanaan kegiatan", "pelaksanaan kegiatan", "pemantauan dan evaluasi",
		"tindak lanjut perbaikan", "koordinasi lintas program dan lintas sektor", "pencatatan dan pelaporan", "peningkatan kompetensi petugas"}
	elementTexts = []string{
		"Ditetapkan kebijakan dan prosedur %s oleh Kepala Puskesmas",
		"Terdapat rencana kegiatan %s yang disusun bersama lintas program",
		"Dilaksanakan kegiatan %s sesuai dengan rencana",
		"Dilakukan pemantauan dan evaluasi %s secara berkala",
		"Hasil evaluasi %s ditindaklanjuti dan dilaporkan",
		"Petugas %s memiliki kompetensi sesuai ketentuan",
	}
	regulationDocs = []struct{ title, docType string }{
		{"SK Kepala Puskesmas tentang %s", "SK"},
		{"SOP %s", "SOP"},
		{"KAK kegiatan %s", "KAK"},
		{"Pedoman %s", "pedoman"},
	}
	implementationDocs = []struct{ title, docType string }{
		{"RUK dan RPK yang memuat kegiatan %s", "RUK/RPK"},
		{"Laporan pelaksanaan kegiatan %s", "laporan"},
		{"Notulen pertemuan pembahasan %s", "notulen"},
		{"Daftar hadir kegiatan %s", "daftar hadir"},
		{"Foto kegiatan %s", "foto"},
		{"Laporan hasil evaluasi %s", "laporan evaluasi"},
		{"Bukti tindak lanjut hasil evaluasi %s", "tindak lanjut"},
	}
	stages       = []string{"perencanaan", "pelaksanaan", "perbaikan", "evaluasi"}
	meetingParts = []catalogue.Part{
		{Key: "daftar_hadir", Title: "Daftar hadir", DocType: "daftar hadir"},
		{Key: "notulen", Title: "Notulen", DocType: "notulen"},
		{Key: "foto", Title: "Foto kegiatan", DocType: "foto"},
	}
	roles = []string{"Kepala Puskesmas", "Penanggung jawab UKM", "Penanggung jawab UKP", "Penanggung jawab mutu",
		"Koordinator pelayanan", "Pelaksana kegiatan", "Tim PPI", "Petugas farmasi", "Petugas laboratorium", "Kader kesehatan", "Masyarakat"}
)

func repeat(v, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func lower(s string) string {
	// Keep acronyms (UKM, PPI) as they are; lower only the first letter.
	if s == "" || strings.ToUpper(s[:1]) != s[:1] || (len(s) > 1 && strings.ToUpper(s[1:2]) == s[1:2]) {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
