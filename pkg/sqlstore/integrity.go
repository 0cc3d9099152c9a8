package sqlstore

import (
	"context"
	"iter"

	"github.com/bukti-id/bukti/pkg/bukti"
)

// BlobRecord is what the evidence records say of one file content: its
// SHA-256, the size recorded with it and how many revisions name it.
type BlobRecord struct {
	SHA256    string
	Size      int64
	Revisions int64
}

// BlobRecords yields every distinct (SHA-256, size) the revisions record,
// ordered by SHA-256, streaming the rows. Revisions of deleted evidence
// count: their files are kept.
func (d *DB) BlobRecords(ctx context.Context) iter.Seq2[BlobRecord, error] {
	return d.BlobRecordsAfter(ctx, "")
}

// BlobRecordsAfter is BlobRecords from the first SHA-256 above after.
func (d *DB) BlobRecordsAfter(ctx context.Context, after string) iter.Seq2[BlobRecord, error] {
	return func(yield func(BlobRecord, error) bool) {
		rows, err := d.gdb.WithContext(ctx).Model(&bukti.Revision{}).Where("sha256 > ?", after).
			Select("sha256, size, COUNT(*) AS revisions").Group("sha256, size").Order("sha256, size").Rows()
		if err != nil {
			yield(BlobRecord{}, err)
			return
		}
		defer rows.Close()
		for rows.Next() {
			var r BlobRecord
			if err := rows.Scan(&r.SHA256, &r.Size, &r.Revisions); err != nil {
				yield(BlobRecord{}, err)
				return
			}
			if !yield(r, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(BlobRecord{}, err)
		}
	}
}

// BlobReferenced reports whether any revision names the file content sum.
func (d *DB) BlobReferenced(ctx context.Context, sum string) (bool, error) {
	var n int64
	err := d.gdb.WithContext(ctx).Model(&bukti.Revision{}).Where("sha256 = ?", sum).Limit(1).Count(&n).Error
	return n > 0, err
}

// AffectedFile is one revision whose file content is damaged or missing,
// with the evidence and facility it belongs to.
type AffectedFile struct {
	SHA256        string
	EvidenceID    int64
	Revision      int
	FacilityID    int64
	RequirementID string
	Title         string
	FileName      string
	Deleted       bool // the evidence was deleted (its file is kept for the record)
}

// AffectedFiles lists the revisions naming any of the contents sums, by
// facility, requirement and evidence.
func (d *DB) AffectedFiles(ctx context.Context, sums []string) ([]AffectedFile, error) {
	if len(sums) == 0 {
		return nil, nil
	}
	var out []AffectedFile
	err := d.gdb.WithContext(ctx).Table("revisions r").
		Select("r.sha256, r.evidence_id, r.number AS revision, e.facility_id, e.requirement_id, e.title, r.file_name, e.deleted_at IS NOT NULL AS deleted").
		Joins("JOIN evidences e ON e.id = r.evidence_id").
		Where("r.sha256 IN ?", sums).
		Order("e.facility_id, e.requirement_id, r.evidence_id, r.number").
		Scan(&out).Error
	return out, err
}
