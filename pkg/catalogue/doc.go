// Package catalogue is the accreditation standard as data: Bab → Standar →
// Kriteria → Elemen Penilaian (EP) → evidence requirements, plus the scoring
// values and the status threshold table.
//
// A catalogue is read from a versioned YAML document (see Parse and the format
// described in criteria/README.md) and is immutable once loaded: lookups by ID
// are prepared by Parse and every exported slice must be treated as
// read-only. Elements and Requirements walk the tree in order; Diff compares
// two versions EP by EP.
//
// # One concept, three places
//
// The standard is one concept, split by what each part may depend on:
//
//   - This package: the model, its YAML format (Parse, Marshal), lookups,
//     iterators, Diff, and the import of the national self-assessment
//     spreadsheet (ImportWorkbook, ImportFiles; see below). It is a leaf
//     domain package: it reads the bytes or files it is given, opens no
//     database and imports no Bukti package but pkg/bukti (for its one error
//     type), so that pkg/readiness, pkg/scoring, pkg/sqlstore and every
//     feature can build on it.
//   - criteria/: the built-in catalogue, kept as YAML data embedded in the
//     binary with its loader (criteria.Builtin). It is data to be edited
//     without touching code, and its loader imports this package.
//   - pkg/standard: the stored versions (an import saved as a new, inactive
//     version; the list; activation after showing the Diff against the
//     catalogue in use and the evidence that would not carry over; the
//     catalogue the server uses). It needs the database, through
//     pkg/sqlstore, which itself builds on this package, so it sits above
//     the store as a feature service and cannot live here.
//
// # Import
//
// ImportWorkbook reads the national self-assessment spreadsheet of the
// Standar Akreditasi Puskesmas (an .xlsx workbook, as a Puskesmas admin has
// it) into a validated *Catalogue, with an ImportReport of what was read and
// of every row it could not use; ImportFiles reads one workbook per Bab.
//
// # Import: layout
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
// A sheet without a header row, as the national files of one Bab often
// are, is recognised from the shape of its cells: a row with a Bab in
// column A (2, II, Bab II; or blank on a sheet named after its Bab), a
// standar in B (2.1), a kriteria of that standar in C (2.1.2), an EP number
// in D (1, or a) and text in E to J. The columns are then A to J in the
// order above, and the data starts at the first such row in the first ten
// (rows above it are titles; one of them holding an EP or items is listed
// in ImportReport.Skipped). A row naming three or more columns (the header of
// another table, such as a recap of scores) rules this reading out.
//
// A workbook none of whose sheets is in either layout is refused with an
// error that wraps ErrLayout and a *bukti.Error: for every sheet it says
// what was expected and what was found (the row closest to a header, the
// row closest to data and the column that does not fit, or the first rows),
// in Bahasa Indonesia (Message) and English (MessageEN).
//
// # Import: cells
//
// Cells are read as the strings Excel shows, never as numbers, so a standar
// typed as 2.1 stays "2.1"; a standar or kriteria typed with decimal commas
// ("2,1", "5,3,6") is read with points. Text is normalised: tabs,
// non-breaking and doubled spaces, stray backticks and line-final
// backslashes (conversion noise) become single spaces; whitespace-only
// cells are empty. Blank bab, standar and kriteria cells (merged cells or
// continuation rows) inherit the value of the row above; a new Bab clears
// the inherited standar and kriteria, a new standar the kriteria. A Bab may
// also be taken from the sheet name ("Bab II").
//
// An R, D, O or S cell is a list: "1. …", "1 . …", "1.\t…", "1) …", "a. …",
// "(1) …" or bullets; lines without a marker continue the item above, and a
// list of another kind inside an item (sub-items "a." under "1.") stays in
// it. A number of other punctuation that goes on with the numbering ("2)"
// after "1.") is an item of the list, not a sub-list. An item that ends
// with ":" and is followed by other items is a heading: it becomes the
// Group of the items after it, not a requirement. "Catatan:" (any case,
// inline or on its own line) starts a note that runs to the next item and
// is kept as the Note of the item before it (of the first item when it
// comes first). Examples introduced by "Misal", "misalnya", "contohnya",
// "sebagai contoh", "minimal melampirkan" or "sekurang-kurangnya
// melampirkan" (inline, on their own line, as an item of their own, or in
// parentheses) are a note too, on the item they follow, up to the next
// item; when they end with ":" and the list goes on with items of the main
// list, those items are taken as the examples up to the end of the cell (or
// a Catatan), with a warning. Each item becomes a requirement, keyed as
// told under Import: keys, with a DocType guessed from its leading word (R and D
// only).
//
// A W cell lists interviews: "Kepala Puskesmas, Pj UKM dan pelaksana:
// topic". The roles before the first colon are split on commas, and on
// "dan"/"serta"/"&" when a role word follows ("Pj KIA dan Anak" stays
// whole); "Pj" is spelled out as "Penanggung jawab". Without a colon the
// roles end where the topic starts ("Kepala Puskesmas, Pj UKM Penggalian
// informasi …"), or at a blank line when the paragraph above it reads as
// roles only (each starts with a role word such as Kepala, Pj, Koordinator,
// Pelaksana, Petugas, Tim, Masyarakat, and none holds a verb). Roles may
// also be written one per line. A bare position before another one shares
// its tail: "Koordinator & Pelaksana pelayanan UKM" names "Koordinator
// pelayanan UKM" and "Pelaksana pelayanan UKM". An item that only names
// roles ("Kepala Puskesmas dan Pj UKM", with or without ":") names them for
// the items after it; like a heading, it is no requirement. A W item whose
// roles cannot be told keeps the whole text as topic with the role
// "Petugas terkait", and a warning.
//
// The EP's methods come from the "(R, D, W)" written after the EP text
// (removed from the text), or else from the non-empty method cells. EP
// numbers 1, 2, 3 become letters a, b, c.
//
// An EP text in the wrong column is put back when that is unambiguous: a
// method cell that is a copy of the EP text, or begins with one above its
// list, loses the copy; when the EP text cell is empty, a method cell that
// begins with an EP text (one ending with its methods) gives it; "1.
// Terdapat …" in the No EP cell is split, No EP and EP text swapped back.
// A method cell that begins with another EP text than the EP cell's, or
// several with different EP texts, are imported as they are, with a
// warning.
//
// # Import: keys
//
// A requirement's key is its method letter + the number the standard gives
// its item, so that a surveyor's "D3" is Bukti's D3: "3." (or "3)", "c.")
// is D3. An item that becomes no requirement still takes its number: a
// heading (Kriteria 2.1.2 EP b lists "1. Bukti pelaksanaan keterlibatan
// masyarakat:", "2. RPK …", "3. Bukti keterlibatan … sesuai angka 1 …":
// the requirements are D2 and D3, both of that group, and there is no D1;
// a heading at item 2 of four gives D1, D3, D4), a W item that only names
// roles, an empty "3.", an item "2. Misal: …" kept as the note of item 1,
// and examples that go on with the numbering ("1. Bukti, misal:" then "2.
// rapat"). A cell that numbers nothing (one unmarked item, bullets) is
// keyed 1, 2, 3 … in order. So is a cell whose numbering cannot be
// followed, with a warning naming the cell and why: a number used twice, a
// number skipped (a heading skips none: it has its number), a list that
// does not start at 1, or an unnumbered item among numbered ones (such as
// an EP text above the list).
//
// # Import: result
//
// The catalogue always lists Bab I to V (so the caller's threshold table
// validates), with standar, kriteria and EP sorted by number. It is
// checked by writing it with Marshal and reading it back with
// Parse, so it satisfies every rule of the catalogue format and
// its lookups work. Rows that cannot become a valid EP are left out and
// listed in ImportReport.Skipped with sheet, row and reason; rows read with an
// assumption are listed in ImportReport.Warnings, the reason naming the cell
// ("cell I7 (W): …") when it is about one. The reasons are in English.
package catalogue
