package readiness_test

import (
	"fmt"
	"time"

	"github.com/bukti-id/bukti/criteria"
	"github.com/bukti-id/bukti/pkg/readiness"
)

// A Puskesmas has uploaded its SK for EP a, the minutes of the planning
// meeting for EP b and named its head for the EP c interview: every EP has
// some evidence, none is complete, so each is suggested the middle value.
func ExampleScore() {
	rep := readiness.Score(criteria.MustBuiltin(), readiness.Input{
		Now: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC),
		Items: []readiness.Item{
			{RequirementID: "2.1.2/a/R1"},
			{RequirementID: "2.1.2/b/D2", Stage: "perencanaan", Part: "notulen"},
			{RequirementID: "2.1.2/c/W1", Part: "Kepala Puskesmas"},
		},
	})
	bab := rep.Bab[1]
	for _, e := range bab.Standar[0].Kriteria[0].Elements {
		fmt.Printf("EP %s: %d (%d/%d requirements met)\n", e.ID, e.Suggested, e.Met, e.Counted)
	}
	fmt.Printf("Bab %s: %d/%d = %.2f%%\n", bab.ID, bab.Score, bab.Max, bab.Percent)
	fmt.Printf("status: %s (partial: %v)\n", rep.Status, rep.Partial)
	// Output:
	// EP 2.1.2/a: 5 (1/6 requirements met)
	// EP 2.1.2/b: 5 (0/3 requirements met)
	// EP 2.1.2/c: 5 (0/3 requirements met)
	// Bab II: 15/30 = 50.00%
	// status: Tidak Terakreditasi (partial: true)
}
