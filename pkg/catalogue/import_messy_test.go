package catalogue

// The messy workbook: what a real self-assessment file looks like. Every
// oddity the importer handles occurs at least once; the comments give the
// Excel row numbers the tests assert on.

// messyBabI: title and blank row above the header (row 3), a row of column
// numbers (row 4), then:
//
//	5  EP 1.1.1/a, number 1, "(R, D, W)"; "1.\t" items, a continuation line,
//	   "1)" items, a doubled space, a whitespace-only O cell, roles "dan".
//	6  EP b, number "2", blank bab/standar/kriteria inherited, "(D.W)", "a."
//	   items, a non-breaking space, a W item without colon.
//	7  EP c, number "3.", no methods in the text (derived: D), a "Catatan:"
//	   before the first item.
//	8  EP d, text with methods but every R..S cell blank or whitespace → skipped.
//	9  standar 1.2 with kriteria 1.3.1 → skipped (not under its standar).
//	10 EP 1.2.1/a, standar inherited from row 9, "(R, D, O, W)"; "Catatan:"
//	   on its own line with the note below it; two numbered W items.
//	11 EP 1.2.1/a again → skipped (duplicate).
//	12 an R cell over 32 767 characters → skipped.
//	13 a D cell with 150 items → skipped.
func messyBabI() sheetSpec {
	return sheetSpec{name: "Bab I", rows: [][]any{
		{"INSTRUMEN SURVEI AKREDITASI PUSKESMAS - BAB I KEPEMIMPINAN DAN MANAJEMEN PUSKESMAS"},
		nil,
		header,
		{1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
		{"I", "1.1", "1.1.1", 1, "Ditetapkan struktur organisasi Puskesmas (R, D, W)",
			"1.\tSK Kepala Puskesmas tentang struktur organisasi\n2.\tSOP penyusunan struktur\n   organisasi",
			"1) Bagan struktur organisasi\n2) Notulen rapat penetapan  struktur",
			"   \t ",
			"Kepala Puskesmas, Pj UKM dan pelaksana: Penggalian informasi tentang struktur organisasi",
			""},
		{"", " ", nil, "2", "Uraian tugas ditetapkan (D.W)",
			nil,
			"a. Uraian tugas\u00a0pegawai\nb. Daftar hadir sosialisasi uraian tugas",
			nil,
			"Petugas menjelaskan uraian tugasnya"},
		{nil, nil, nil, "3.", "Dilakukan evaluasi struktur organisasi",
			"",
			"Catatan: laporan dibuat tiap tahun\n1. Laporan evaluasi struktur\n2. Bukti tindak lanjut"},
		{nil, nil, nil, 4, "Kegiatan tanpa bukti (R, D)", " ", "\t", "\u00a0", "\n", ""},
		{nil, "1.2", "1.3.1", 1, "Kriteria salah tempat (R)", "1. SK salah tempat"},
		{nil, nil, "1.2.1", 1, "Perencanaan tingkat Puskesmas disusun (R, D, O, W)",
			"1. Pedoman perencanaan",
			"1. RUK tahun berjalan\nCatatan:\nRUK disusun bersama lintas program\n2. RPK bulanan",
			"1) Papan informasi perencanaan",
			"1. Kepala Puskesmas: Penggalian informasi proses perencanaan\n2. Tim perencanaan serta masyarakat: Keterlibatan dalam perencanaan"},
		{nil, nil, nil, 1, "Duplikat EP (R)", "1. SK duplikat"},
		{nil, nil, nil, 2, "Sel terlalu besar (R)", hugePlaceholder},
		{nil, nil, nil, 3, "Terlalu banyak butir (D)", nil, manyItems()},
	}}
}

// messyBabII: upper-case header names with the method spelled out, on row
// 2 under a title; Kriteria 2.1.2 from the seed (rows 3–5); row 6 has a
// standar Excel stored as the binary float 2.0999999999999996.
func messyBabII() sheetSpec {
	rows := [][]any{
		{"Bab II Penyelenggaraan UKM"},
		{"BAB", "STANDAR", "KRITERIA", "NO EP", "ELEMEN PENILAIAN", "R (Regulasi)", "D (Dokumen)", "O (Observasi)", "W (Wawancara)", "S (Simulasi)"},
	}
	rows = append(rows, seedRows()...)
	rows = append(rows, []any{nil, 2.0999999999999996, "2.1.3", 1, "Kegiatan UKM dievaluasi (D, W)", nil, "1. Laporan evaluasi UKM", nil, "Pj UKM: evaluasi kegiatan UKM"})
	return sheetSpec{name: "Bab II", rows: rows}
}

// messyBabV: a title row, a group heading "Metode" merged over the method
// columns (row 2) with the method names on row 3; bab as the number 5,
// standar as the number 5.1; bab/standar/kriteria merged over rows 4–5;
// bullets; a "-" cell meaning none; a blank row; "Bab 5" and "1" on row 7
// and methods without a space "dipantau(D)".
func messyBabV() sheetSpec {
	return sheetSpec{
		name: "Bab V",
		rows: [][]any{
			{"BAB V PENINGKATAN MUTU PUSKESMAS"},
			{"Bab", "Standar", "Kriteria", "EP", "Uraian Elemen Penilaian", "Metode"},
			{nil, nil, nil, nil, nil, "Regulasi", "Dokumen", "Observasi", "Wawancara", "Simulasi"},
			{5, 5.1, "5.1.1", "a", "Tim mutu ditetapkan (R, D, W)",
				"- SK tim mutu\n- Pedoman mutu",
				"1.\tProgram mutu\n2.\tLaporan mutu  ",
				nil,
				"Tim mutu: tugas tim mutu"},
			{nil, nil, nil, "b", "Simulasi kode biru (S)", nil, nil, "-", nil, "1. Simulasi penanganan kode biru"},
			nil,
			{"Bab 5", "5.2", "5.2.1", "1", "Indikator mutu dipantau(D)", nil, "1. Laporan indikator mutu"},
		},
		merges: [][2]string{{"F2", "J2"}, {"A4", "A5"}, {"B4", "B5"}, {"C4", "C5"}},
	}
}

// messyGuide is an instruction sheet without the layout.
func messyGuide() sheetSpec {
	return sheetSpec{name: "Petunjuk", rows: [][]any{
		{"Petunjuk pengisian"},
		{"Isi kolom R, D, O, W, S dengan bukti yang tersedia."},
	}}
}
