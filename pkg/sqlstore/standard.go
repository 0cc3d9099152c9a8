package sqlstore

// The standard area: stored catalogue versions and which one is active.

import (
	"cmp"
	"context"
	"slices"

	"gorm.io/gorm"

	"github.com/bukti-id/bukti/pkg/bukti"
)

// CreateCatalogueVersion inserts a catalogue version, setting its ID;
// ErrDuplicate when its catalogue ID and version are already stored.
func (t *Tx) CreateCatalogueVersion(v *bukti.CatalogueVersion) error {
	return t.db.Create(v).Error
}

// CatalogueVersions returns every stored catalogue version without its
// document, newest first; never nil.
func (d *DB) CatalogueVersions(ctx context.Context) ([]bukti.CatalogueVersion, error) {
	out := []bukti.CatalogueVersion{}
	return out, d.gdb.WithContext(ctx).Omit("document").Order("id DESC").Find(&out).Error
}

// CatalogueVersion returns one stored catalogue version with its document;
// ErrNotFound when there is none.
func (d *DB) CatalogueVersion(ctx context.Context, id int64) (*bukti.CatalogueVersion, error) {
	var v bukti.CatalogueVersion
	if err := d.gdb.WithContext(ctx).First(&v, id).Error; err != nil {
		return nil, err
	}
	return &v, nil
}

// ActiveCatalogueVersion returns the active catalogue version with its
// document; ErrNotFound when none is active.
func (d *DB) ActiveCatalogueVersion(ctx context.Context) (*bukti.CatalogueVersion, error) {
	var v bukti.CatalogueVersion
	if err := d.gdb.WithContext(ctx).Where("active = ?", true).First(&v).Error; err != nil {
		return nil, err
	}
	return &v, nil
}

// ActiveCatalogueVersion is DB.ActiveCatalogueVersion read in the unit.
func (t *Tx) ActiveCatalogueVersion() (*bukti.CatalogueVersion, error) {
	var v bukti.CatalogueVersion
	if err := t.db.Where("active = ?", true).First(&v).Error; err != nil {
		return nil, err
	}
	return &v, nil
}

// ActivateCatalogueVersion makes a catalogue version the only active one.
func (t *Tx) ActivateCatalogueVersion(id int64) error {
	if err := t.db.Model(&bukti.CatalogueVersion{}).Where("active = ?", true).Update("active", false).Error; err != nil {
		return err
	}
	return t.db.Model(&bukti.CatalogueVersion{}).Where("id = ?", id).Update("active", true).Error
}

// Stored reads what the facilities' data is stored against, to tell what
// a catalogue version would not carry over: outside a unit (DB.Stored) or
// in one (Tx.Stored), so that what an activation leaves behind is read in
// the activation's own transaction.
type Stored struct{ db *gorm.DB }

// Stored reads with ctx, outside any unit.
func (d *DB) Stored(ctx context.Context) Stored { return Stored{d.gdb.WithContext(ctx)} }

// Stored reads in the unit's transaction.
func (t *Tx) Stored() Stored { return Stored{t.db} }

// EvidenceKey is a slot live evidence is stored against: requirement,
// stage and part, with how many records.
type EvidenceKey struct {
	RequirementID, Stage, Part string
	Count                      int64
}

// IntervieweeKey is a requirement and role interviewees are named for,
// with how many facilities named one.
type IntervieweeKey struct {
	RequirementID, Role string
	Count               int64
}

// ElementKey is an EP marked TDD, with how many facilities marked it.
type ElementKey struct {
	ElementID string
	Count     int64
}

// EvidenceKeys lists the distinct slots of live evidence, in ID order.
func (s Stored) EvidenceKeys() ([]EvidenceKey, error) {
	out := []EvidenceKey{}
	err := s.db.Model(&bukti.Evidence{}).Select("requirement_id, stage, part, count(*) AS count").
		Where("deleted_at IS NULL").Group("requirement_id, stage, part").Order("requirement_id, stage, part").Scan(&out).Error
	return out, err
}

// IntervieweeKeys lists the distinct requirements and roles of the named
// interviewees, in ID order.
func (s Stored) IntervieweeKeys() ([]IntervieweeKey, error) {
	out := []IntervieweeKey{}
	err := s.db.Model(&bukti.Interviewee{}).Select("requirement_id, role, count(*) AS count").
		Group("requirement_id, role").Order("requirement_id, role").Scan(&out).Error
	return out, err
}

// NotApplicableKeys lists the distinct EP marked TDD, in ID order.
func (s Stored) NotApplicableKeys() ([]ElementKey, error) {
	out := []ElementKey{}
	err := s.db.Model(&bukti.NotApplicable{}).Select("element_id, count(*) AS count").
		Group("element_id").Order("element_id").Scan(&out).Error
	return out, err
}

// keyChunk bounds the IDs of one IN list, well below every database's
// limit of bound parameters.
const keyChunk = 500

// inChunks runs find for the IDs, keyChunk at a time.
func inChunks(ids []string, find func([]string) error) error {
	for len(ids) > 0 {
		n := min(len(ids), keyChunk)
		if err := find(ids[:n]); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// EvidenceOn returns the live evidence records (without revisions) stored
// against the given requirements, by facility, requirement and ID.
func (s Stored) EvidenceOn(requirementIDs []string) ([]bukti.Evidence, error) {
	out := []bukti.Evidence{}
	err := inChunks(requirementIDs, func(ids []string) error {
		var part []bukti.Evidence
		err := s.db.Select("id, facility_id, requirement_id, stage, part, title").
			Where("deleted_at IS NULL AND requirement_id IN ?", ids).Find(&part).Error
		out = append(out, part...)
		return err
	})
	slices.SortFunc(out, func(a, b bukti.Evidence) int {
		return cmp.Or(cmp.Compare(a.FacilityID, b.FacilityID), cmp.Compare(a.RequirementID, b.RequirementID), cmp.Compare(a.ID, b.ID))
	})
	return out, err
}

// IntervieweesOn returns the interviewees named for the given
// requirements, by facility, requirement and role.
func (s Stored) IntervieweesOn(requirementIDs []string) ([]bukti.Interviewee, error) {
	out := []bukti.Interviewee{}
	err := inChunks(requirementIDs, func(ids []string) error {
		var part []bukti.Interviewee
		err := s.db.Where("requirement_id IN ?", ids).Find(&part).Error
		out = append(out, part...)
		return err
	})
	slices.SortFunc(out, func(a, b bukti.Interviewee) int {
		return cmp.Or(cmp.Compare(a.FacilityID, b.FacilityID), cmp.Compare(a.RequirementID, b.RequirementID), cmp.Compare(a.Role, b.Role))
	})
	return out, err
}

// NotApplicableOn returns the TDD marks of the given EP, by facility and
// EP.
func (s Stored) NotApplicableOn(elementIDs []string) ([]bukti.NotApplicable, error) {
	out := []bukti.NotApplicable{}
	err := inChunks(elementIDs, func(ids []string) error {
		var part []bukti.NotApplicable
		err := s.db.Where("element_id IN ?", ids).Find(&part).Error
		out = append(out, part...)
		return err
	})
	slices.SortFunc(out, func(a, b bukti.NotApplicable) int {
		return cmp.Or(cmp.Compare(a.FacilityID, b.FacilityID), cmp.Compare(a.ElementID, b.ElementID))
	})
	return out, err
}
