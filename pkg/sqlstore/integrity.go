package sqlstore

import (
	"context"
	"iter"
	"time"

	"gorm.io/gorm"

	"github.com/bukti-id/bukti/pkg/bukti"
)

// The records of pkg/integrity: what the evidence records say of the
// stored file contents, and what the integrity checks found in the store
// (tables integrity_runs, damaged_blobs and scrub_state, migration 7).
// What counts as damage, when a run is clean and how the scrub paces
// itself are package integrity's rules; this file only stores them.

// BlobRecord is what the evidence records say of one file content: its
// SHA-256, the size recorded with it and how many revisions name it.
type BlobRecord struct {
	SHA256    string
	Size      int64
	Revisions int64
}

// blobRecords is the query of the distinct (SHA-256, size) the revisions
// record, from the first SHA-256 above after, in SHA-256 order.
func (d *DB) blobRecords(ctx context.Context, after string) *gorm.DB {
	return d.gdb.WithContext(ctx).Model(&bukti.Revision{}).Where("sha256 > ?", after).
		Select("sha256, size, COUNT(*) AS revisions").Group("sha256, size").Order("sha256, size")
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
		rows, err := d.blobRecords(ctx, after).Rows()
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

// BlobRecordPage returns up to limit records of BlobRecordsAfter, read at
// once: for a caller that does slow work (reading blobs) between pages
// and must not hold a statement open meanwhile.
func (d *DB) BlobRecordPage(ctx context.Context, after string, limit int) ([]BlobRecord, error) {
	var out []BlobRecord
	err := d.blobRecords(ctx, after).Limit(limit).Scan(&out).Error
	return out, err
}

// BlobTotals counts the distinct file contents the revisions record and
// the bytes they hold (each content once).
func (d *DB) BlobTotals(ctx context.Context) (files, bytes int64, err error) {
	var t struct{ Files, Bytes int64 }
	err = d.gdb.WithContext(ctx).Raw(`SELECT COUNT(*) AS files, COALESCE(SUM(size), 0) AS bytes
		FROM (SELECT DISTINCT sha256, size FROM revisions) b`).Scan(&t).Error
	return t.Files, t.Bytes, err
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
	SHA256        string `json:"sha256"`
	EvidenceID    int64  `json:"evidence_id"`
	Revision      int    `json:"revision"`
	FacilityID    int64  `json:"facility_id"`
	FacilityName  string `json:"facility_name"`
	RequirementID string `json:"requirement"`
	Title         string `json:"title"`
	FileName      string `json:"file_name"`
	// Current is true for the evidence's latest revision: the one its
	// readiness and surveys use, which must be uploaded again.
	Current bool `json:"current"`
	Deleted bool `json:"deleted"` // the evidence was deleted (its file is kept for the record)
}

// affectedFiles is the query of AffectedFile rows.
func (d *DB) affectedFiles(ctx context.Context) *gorm.DB {
	return d.gdb.WithContext(ctx).Table("revisions r").
		Select(`r.sha256, r.evidence_id, r.number AS revision, e.facility_id, f.name AS facility_name, e.requirement_id, e.title, r.file_name,
			r.number = (SELECT MAX(r2.number) FROM revisions r2 WHERE r2.evidence_id = r.evidence_id) AS current,
			e.deleted_at IS NOT NULL AS deleted`).
		Joins("JOIN evidences e ON e.id = r.evidence_id").
		Joins("JOIN facilities f ON f.id = e.facility_id")
}

// AffectedFiles lists the revisions naming any of the contents sums, by
// facility, requirement and evidence.
func (d *DB) AffectedFiles(ctx context.Context, sums []string) ([]AffectedFile, error) {
	if len(sums) == 0 {
		return nil, nil
	}
	var out []AffectedFile
	err := d.affectedFiles(ctx).Where("r.sha256 IN ?", sums).
		Order("e.facility_id, e.requirement_id, r.evidence_id, r.number").
		Scan(&out).Error
	return out, err
}

// DamagedCurrentFiles lists a facility's evidence, not deleted, whose
// latest revision names a file content with unresolved damage: the files
// the facility must upload again. A new revision ends the listing of its
// evidence.
//
// Every dashboard of a user who may upload asks it, and damage is rare:
// the unresolved contents are read first (none: nothing more is read),
// and a few of them are looked up by their sums (revisions' index) rather
// than by scanning the facility's revisions.
func (d *DB) DamagedCurrentFiles(ctx context.Context, facilityID int64) ([]AffectedFile, error) {
	var sums []string
	if err := d.gdb.WithContext(ctx).Table("damaged_blobs").Where("resolved_at IS NULL").Limit(damagedLookup+1).
		Pluck("sha256", &sums).Error; err != nil {
		return nil, err
	}
	if len(sums) == 0 {
		return nil, nil
	}
	q := d.affectedFiles(ctx)
	if len(sums) <= damagedLookup {
		q = q.Where("r.sha256 IN ?", sums)
	}
	var out []AffectedFile
	err := q.
		Joins("JOIN damaged_blobs d ON d.sha256 = r.sha256 AND d.resolved_at IS NULL").
		Where("e.facility_id = ? AND e.deleted_at IS NULL", facilityID).
		Where("r.number = (SELECT MAX(r2.number) FROM revisions r2 WHERE r2.evidence_id = r.evidence_id)").
		Order("e.requirement_id, r.evidence_id").
		Scan(&out).Error
	return out, err
}

// damagedLookup is at most how many unresolved damaged contents
// DamagedCurrentFiles looks up by their sums.
var damagedLookup = 500

// IntegrityRun is one bukti fsck run or one scrub pass (integrity_runs).
type IntegrityRun struct {
	ID         int64      `json:"id"`
	Kind       string     `json:"kind"` // fsck or scrub
	StartedAt  time.Time  `json:"started"`
	FinishedAt *time.Time `json:"finished,omitempty"` // nil while a scrub pass runs
	Files      int64      `json:"files"`              // file contents checked
	Bytes      int64      `json:"bytes"`              // their bytes
	Problems   int64      `json:"problems"`           // every finding (fsck: orphans and debris too)
	Damaged    int64      `json:"damaged"`            // missing, wrong-size and corrupt contents
	// ProblemKinds counts the problems by kind.
	ProblemKinds map[string]int `gorm:"serializer:json" json:"problem_kinds,omitempty"`
	Outcome      string         `json:"outcome"` // running, clean, problems or failed
	Detail       string         `json:"detail,omitempty"`
}

// TableName is the table of the runs.
func (IntegrityRun) TableName() string { return "integrity_runs" }

// CreateIntegrityRun records a new run and sets r.ID.
func (t *Tx) CreateIntegrityRun(r *IntegrityRun) error {
	if r.ProblemKinds == nil {
		r.ProblemKinds = map[string]int{}
	}
	return t.db.Create(r).Error
}

// SaveIntegrityRun stores every field of the existing run r (by its ID).
func (t *Tx) SaveIntegrityRun(r *IntegrityRun) error {
	if r.ProblemKinds == nil {
		r.ProblemKinds = map[string]int{}
	}
	return t.db.Model(r).Select("*").Omit("id").Updates(r).Error
}

// IntegrityRun returns the run of an ID.
func (d *DB) IntegrityRun(ctx context.Context, id int64) (*IntegrityRun, error) {
	var r IntegrityRun
	if err := d.gdb.WithContext(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return nil, err
	}
	return &r, nil
}

// LastIntegrityRun returns the latest run of a kind, with finished only
// among those that ended; nil when there is none.
func (d *DB) LastIntegrityRun(ctx context.Context, kind string, finished bool) (*IntegrityRun, error) {
	var rs []IntegrityRun
	q := d.gdb.WithContext(ctx).Where("kind = ?", kind)
	if finished {
		q = q.Where("finished_at IS NOT NULL")
	}
	if err := q.Order("id DESC").Limit(1).Find(&rs).Error; err != nil || len(rs) == 0 {
		return nil, err
	}
	return &rs[0], nil
}

// DamagedBlob is one file content found damaged (damaged_blobs).
type DamagedBlob struct {
	SHA256     string     `gorm:"column:sha256;primaryKey" json:"sha256"`
	Kind       string     `json:"kind"`        // missing, wrong_size or corrupt, as last seen
	Source     string     `json:"source"`      // the check that found it: fsck, scrub or download
	LastSource string     `json:"last_source"` // the check that saw it last
	Detail     string     `json:"detail,omitempty"`
	FirstSeen  time.Time  `json:"first_seen"`
	LastSeen   time.Time  `json:"last_seen"`
	ResolvedAt *time.Time `json:"resolved_at,omitempty"`
	Resolution string     `json:"resolution,omitempty"` // healthy or unreferenced
}

// TableName is the table of the damaged contents.
func (DamagedBlob) TableName() string { return "damaged_blobs" }

// RecordDamage records that source found the content sum damaged (kind)
// at the unit's time. Damage already open is updated (kind, detail, last
// seen); damage resolved earlier is opened again as new.
func (t *Tx) RecordDamage(sum, kind, source, detail string) error {
	return t.db.Exec(`INSERT INTO damaged_blobs (sha256, kind, source, last_source, detail, first_seen, last_seen)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (sha256) DO UPDATE SET kind = excluded.kind, last_source = excluded.last_source,
			detail = excluded.detail, last_seen = excluded.last_seen,
			source = CASE WHEN damaged_blobs.resolved_at IS NULL THEN damaged_blobs.source ELSE excluded.source END,
			first_seen = CASE WHEN damaged_blobs.resolved_at IS NULL THEN damaged_blobs.first_seen ELSE excluded.first_seen END,
			resolved_at = NULL, resolution = ''`,
		sum, kind, source, source, detail, t.Now, t.Now).Error
}

// ResolveDamage closes the open damage of the contents sums last seen
// before seenBefore (when the check that found them healthy began: damage
// seen since stands) with the resolution, at the unit's time, and returns
// how many it closed.
func (t *Tx) ResolveDamage(sums []string, seenBefore time.Time, resolution string) (int64, error) {
	if len(sums) == 0 {
		return 0, nil
	}
	res := t.db.Model(&DamagedBlob{}).Where("sha256 IN ? AND resolved_at IS NULL AND last_seen < ?", sums, seenBefore).
		Updates(map[string]any{"resolved_at": t.Now, "resolution": resolution})
	return res.RowsAffected, res.Error
}

// ResolveUnreferencedDamage closes, as "unreferenced", the open damage of
// contents no revision names any more, and returns how many it closed.
func (t *Tx) ResolveUnreferencedDamage() (int64, error) {
	res := t.db.Model(&DamagedBlob{}).
		Where("resolved_at IS NULL AND NOT EXISTS (SELECT 1 FROM revisions r WHERE r.sha256 = damaged_blobs.sha256)").
		Updates(map[string]any{"resolved_at": t.Now, "resolution": "unreferenced"})
	return res.RowsAffected, res.Error
}

// OpenDamage lists the damage not resolved, by SHA-256.
func (d *DB) OpenDamage(ctx context.Context) ([]DamagedBlob, error) {
	out := []DamagedBlob{}
	err := d.gdb.WithContext(ctx).Where("resolved_at IS NULL").Order("sha256").Find(&out).Error
	return out, err
}

// Damage returns the damage record of a content, open or resolved.
func (d *DB) Damage(ctx context.Context, sum string) (*DamagedBlob, error) {
	var b DamagedBlob
	if err := d.gdb.WithContext(ctx).Where("sha256 = ?", sum).Take(&b).Error; err != nil {
		return nil, err
	}
	return &b, nil
}

// ScrubState is where the background scrub stands (the one row of
// scrub_state) and which server holds its lease.
type ScrubState struct {
	Cursor      string     `gorm:"column:cursor_sha256" json:"cursor"` // last SHA-256 checked in this pass; "" at its start
	PassStarted *time.Time `json:"pass_started,omitempty"`
	LastPass    *time.Time `json:"last_pass,omitempty"` // when the last complete pass ended
	Checked     int64      `json:"checked"`             // contents checked in this pass
	Bytes       int64      `json:"bytes"`               // their bytes
	Damaged     int64      `json:"damaged"`             // damaged contents found in this pass
	RunID       *int64     `json:"run_id,omitempty"`    // the integrity_runs row of this pass
	LeaseOwner  string     `json:"-"`
	LeaseUntil  *time.Time `json:"-"`
}

// TableName is the table of the scrub's state.
func (ScrubState) TableName() string { return "scrub_state" }

// ScrubState reads the scrub's state.
func (d *DB) ScrubState(ctx context.Context) (ScrubState, error) {
	var s ScrubState
	err := d.gdb.WithContext(ctx).Where("id = 1").Take(&s).Error
	return s, err
}

// TakeScrubLease gives the scrub's lease to owner until until, when owner
// holds it already or it lapsed (at the unit's time), and reports whether
// owner holds it now. On PostgreSQL two units taking it at once queue on
// the row, and the second finds it held.
func (t *Tx) TakeScrubLease(owner string, until time.Time) (bool, error) {
	res := t.db.Model(&ScrubState{}).
		Where("id = 1 AND (lease_owner = ? OR lease_until IS NULL OR lease_until <= ?)", owner, t.Now).
		Updates(map[string]any{"lease_owner": owner, "lease_until": until})
	return res.RowsAffected == 1, res.Error
}

// ReleaseScrubLease lets the lease of owner lapse at once.
func (t *Tx) ReleaseScrubLease(owner string) error {
	return t.db.Model(&ScrubState{}).Where("id = 1 AND lease_owner = ?", owner).
		Updates(map[string]any{"lease_owner": "", "lease_until": nil}).Error
}

// SaveScrubState stores the progress of s while owner holds the lease,
// and reports whether it did (false: the lease went to another server,
// whose progress stands).
func (t *Tx) SaveScrubState(owner string, s ScrubState) (bool, error) {
	res := t.db.Model(&ScrubState{}).Where("id = 1 AND lease_owner = ?", owner).
		Updates(map[string]any{"cursor_sha256": s.Cursor, "pass_started": s.PassStarted, "last_pass": s.LastPass,
			"checked": s.Checked, "bytes": s.Bytes, "damaged": s.Damaged, "run_id": s.RunID})
	return res.RowsAffected == 1, res.Error
}
