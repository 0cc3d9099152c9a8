// Package stdimport reads the national self-assessment spreadsheet of the
// Standar Akreditasi Puskesmas (an .xlsx workbook, as a Puskesmas admin has
// it) into a validated *catalogue.Catalogue, with a Report of what was read
// and of every row it could not use.
//
// # Layout
//
// One sheet per Bab (or every Bab on one sheet), one row per Elemen
// Penilaian (EP), with the columns bab, standar, kriteria, EP number, EP
// text, then R, D, O, W, S. The header row is searched in the first ten rows
// of each sheet (a title above it is fine) and matched by name, case and
// spacing ignored: "Bab", "Standar", "Kriteria", "No EP"/"EP", "Elemen
// Penilaian", "R"/"Regulasi", "D"/"Dokumen", "O"/"Observasi",
// "W"/"Wawancara", "S"/"Simulasi". The method columns may also sit on the row
// just below (a merged group heading above them). A row of column numbers
// (1, 2, 3, …) under the header is ignored.
//
// # Cells
//
// Cells are read as the strings Excel shows, never as numbers, so a standar
// typed as 2.1 stays "2.1". Text is normalised: tabs, non-breaking and
// doubled spaces, stray backticks and line-final backslashes (conversion
// noise) become single spaces; whitespace-only cells are empty. Blank bab,
// standar and kriteria cells (merged cells or continuation rows) inherit the
// value of the row above; a new Bab clears the inherited standar and
// kriteria, a new standar the kriteria. A Bab may also be taken from the
// sheet name ("Bab II").
//
// An R, D, O or S cell is a list: "1. …", "1.\t…", "1) …", "a. …", "(1) …" or
// bullets; lines without a marker continue the item above, and a list of
// another kind inside an item (sub-items "a." under "1.") stays in it. An
// item that ends with ":" and is followed by other items is a heading: it
// becomes the Group of the items after it, not a requirement. "Catatan:"
// (any case, inline or on its own line) starts a note that runs to the next
// item and is kept as the Note of the item before it (of the first item when
// it comes first). Each item becomes a requirement keyed method letter +
// position (R1, R2, …), with a DocType guessed from its leading word (R and
// D only).
//
// A W cell lists interviews: "Kepala Puskesmas, Pj UKM dan pelaksana:
// topic". The roles before the first colon are split on commas, and on
// "dan"/"serta" when a role word follows ("Pj KIA dan Anak" stays whole);
// "Pj" is spelled out as "Penanggung jawab". A W item without a colon keeps
// the whole text as topic with the role "Petugas terkait", and a warning.
//
// The EP's methods come from the "(R, D, W)" written after the EP text
// (removed from the text), or else from the non-empty method cells. EP
// numbers 1, 2, 3 become letters a, b, c.
//
// # Result
//
// The catalogue always lists Bab I to V (so the caller's threshold table
// validates), with standar, kriteria and EP sorted by number. It is
// checked by writing it with catalogue.Marshal and reading it back with
// catalogue.Parse, so it satisfies every rule of the catalogue format and
// its lookups work. Rows that cannot become a valid EP are left out and
// listed in Report.Skipped with sheet, row and reason; rows read with an
// assumption are listed in Report.Warnings.
package stdimport
