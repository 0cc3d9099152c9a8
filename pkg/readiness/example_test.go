package readiness_test

import (
	"fmt"
	"time"

	"github.com/bukti-id/bukti/criteria"
	"github.com/bukti-id/bukti/pkg/readiness"
)

// A Puskesmas has uploaded its SK for EP 2.1.2/a, the minutes of the
// planning meeting for EP 2.1.2/b and named its head for the EP 2.1.2/c
// interview. Only the R and D slots suggest a score: EP a has 1 of its 5
// (20 % → 5), EP b 1 of its 13 (D2 + D3's 4 stages × 3 parts; 7.7 % → 0)
// and EP c none of its 2 (→ 0); the named head shows only in EP c's
// interview preparation. Kriteria 2.1.2: 5/30. The built-in catalogue is
// the complete standard: Bab II has 94 EP (5/940), every Bab has EP that
// can be projected, so the status is projected — the lowest, with nearly
// nothing uploaded. Five EP have no R or D item and count nowhere.
func ExampleScore() {
	rep := readiness.Score(criteria.MustBuiltin(), readiness.Input{
		Now: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC),
		Items: []readiness.Item{
			{RequirementID: "2.1.2/a/R1"},
			{RequirementID: "2.1.2/b/D3", Stage: "perencanaan", Part: "notulen"},
			{RequirementID: "2.1.2/c/W1", Part: "Kepala Puskesmas"},
		},
	})
	bab := rep.Bab[1]
	for _, k := range bab.Standar[0].Kriteria {
		if k.ID != "2.1.2" {
			continue
		}
		for _, e := range k.Elements {
			fmt.Printf("EP %s: %d (%d/%d slots, %d/%d requirements met, %d/%d roles named)\n",
				e.ID, e.Suggested, e.SlotsPresent, e.Slots, e.Met, e.Counted, e.Interview.Named, e.Interview.Roles)
		}
		fmt.Printf("Kriteria %s: %d/%d = %.2f%%\n", k.ID, k.Score, k.Max, k.Percent)
	}
	fmt.Printf("Bab %s: %d/%d = %.2f%%\n", bab.ID, bab.Score, bab.Max, bab.Percent)
	fmt.Printf("status: %q (partial: %v, %d EP unprojectable)\n", rep.Status, rep.Partial, rep.Unprojectable)
	// Output:
	// EP 2.1.2/a: 5 (1/5 slots, 1/5 requirements met, 0/5 roles named)
	// EP 2.1.2/b: 0 (1/13 slots, 0/2 requirements met, 0/5 roles named)
	// EP 2.1.2/c: 0 (0/2 slots, 0/2 requirements met, 1/4 roles named)
	// Kriteria 2.1.2: 5/30 = 16.67%
	// Bab II: 5/940 = 0.53%
	// status: "Tidak Terakreditasi" (partial: false, 5 EP unprojectable)
}
