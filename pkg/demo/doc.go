// Package demo makes synthetic data for demonstrations, reports and
// benchmarks: a catalogue shaped like the whole accreditation standard
// (FullStandard: 5 Bab, 35 standar, 82 kriteria, 328 EP, with the real
// Kriteria 2.1.2 inside) and a national-scale population of provinces,
// districts and Puskesmas holding evidence in every state (Seed).
//
// Everything is deterministic: the same seed and options give the same
// rows. Seeded evidence has database rows only, no stored files (see Seed).
// Never seed a production database: the data is fake but looks real in
// reports.
package demo
