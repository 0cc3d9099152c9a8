package catalogue

// The rows of Kriteria 2.1.2 as the national sheet has them: the cell texts
// of the standard with their noise kept (EP letters and methods in the EP
// text, stray backticks and backslashes from conversion, doubled spaces,
// blank lines inside cells, a "Catatan:" on its own line, a heading item
// ending with ":", the roles of a W item broken over lines).
const (
	seedTextA = " a) Terdapat kegiatan fasilitasi Pemberdayaan Masyarakat yang dituangkan dalam RUK dan RPK Puskesmas termasuk kegiatan Pemberdayaan Masyarakat bersumber dari swadaya masyarakat dan sudah disepakati bersama masyarakat sesuai dengan kebijakan dan prosedur yang telah ditetapkan (R, D, W). \\"

	seedRA = "1. SK Kepala Puskesmas tentang fasilitasi pemberdayaan masyarakat \n\n\n\n`2. SOP tentang `fasilitasi pemberdayaan masyarakat dalam kegiatan Puskesmas.\n\n3. KAK Kegiatan Fasilitasi Pemberdayaan Masyarakat  \\"

	seedDA = "` \\\n1. RUK & RPK, yang mengakomodir kegiatan fasilitasi pemberdayaan masyarakat mengacu pada `Pokok Pikiran termasuk kegiatan Pemberdayaan Masyarakat bersumber dari swadaya masyarakat` \\\n`\n\n2. Bukti kesepakatan kegiatan pada angka 1 bersama dengan masyarakat.\n\nCatatan: Bukti kesepakatan disesuaikan dengan kegiatan yang dilakukan saat menyusun RUK & RPK.\n\n\n"

	seedWA = "Kepala Puskesmas, Pj UKM, Koordinator Pelayanan UKM dan pelaksana pelayanan UKM, serta masyarakat: Penggalian informasi   terkait isi RUK  & RPK yang memuat kegiatan fasilitasi pemberdayaan masyarakat bersumber  dari swadaya masyarakat \n\n\n\n"

	seedTextB = " b) Terdapat bukti keterlibatan masyarakat dalam kegiatan Pemberdayaan Masyarakat mulai dari perencanaan, pelaksanaan, perbaikan, dan evaluasi untuk mengatasi masalah kesehatan di wilayahnya (D, W).  \\"

	seedDB = "1. Bukti pelaksanaan keterlibatan masyarakat: \n\n\n\n2. RPK yang memuat kegiatan pemberdayaan masyarakat. \n\n3. Bukti keterlibatan masyarakat dalam kegiatan pemberdayaan sesuai angka 1 mulai dari perencanaan, pelaksanaan, perbaikan dan evaluasi \n\n\nCatatan: \n\n\n\n`Bukti keterlibatan `masyarakat disesuaikan dengan kegiatan yang dilakukan. \n\nMisal, kegiatan dilakukan dalam bentuk pertemuan minimal melampirkan daftar hadir, dan notulen yang diserta dengan foto kegiatan.  \\\n` \\\n  \\"

	seedWB = "Kepala Puskesmas, Pj UKM, Koordinator Pelayanan UKM, dan pelaksana pelayanan  UKM serta masyarakat: `\n\n\n\nPenggalian informasi terkait keterlibatan masyarakat dalam kegiatan pemberdayaan masyarakat mulai dari perencanaan, pelaksanaan, perbaikkan  dan evaluasi. \n\n\n\n"

	seedTextC = " c) Dilakukan evaluasi dan tindak lanjut terhadap kegiatan Pemberdayaan `Masyarakat (D, W)  \\\n`"

	seedDC = "1. Bukti hasil evaluasi kegiatan pemberdayaan masyarakat. Untuk mengevaluasi dapat dilakukan dengan melihat KAK Pemberdayaan Masyarakat dan disandingkan dengan hasil kegiatan.\n\n\n\n2. Bukti hasil tindaklanjut dari pelaksanaan evaluasi. \n\n`  \\"

	seedWC = "`  \\\nKepala Puskesmas, Pj UKM, Koordinator Pelayanan UKM, dan pelaksana pelayanan UKM: Penggalian `informasi terkait keterlibatan masyarakat dalam pelaksanaan evaluasi dan tindaklanjut kegiatan pemberdayaan masyarakat."
)

// seedRows are the three EP rows of Kriteria 2.1.2, bab/standar/kriteria
// written on the first row only, with their titles.
func seedRows() [][]any {
	return [][]any{
		{"Bab II Penyelenggaraan UKM yang berorientasi pada upaya promotif dan preventif", "2.1 Perencanaan pelayanan UKM Puskesmas yang terintegrasi", "2.1.2 Pemberdayaan Masyarakat", 1, seedTextA, seedRA, seedDA, " ", seedWA, ""},
		{nil, nil, nil, 2, seedTextB, "\t", seedDB, nil, seedWB},
		{nil, nil, nil, 3, seedTextC, nil, seedDC, nil, seedWC, "  "},
	}
}
