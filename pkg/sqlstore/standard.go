package sqlstore

// The standard area: stored catalogue versions and which one is active.

import (
	"context"

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

// ActivateCatalogueVersion makes a catalogue version the only active one.
func (t *Tx) ActivateCatalogueVersion(id int64) error {
	if err := t.db.Model(&bukti.CatalogueVersion{}).Where("active = ?", true).Update("active", false).Error; err != nil {
		return err
	}
	return t.db.Model(&bukti.CatalogueVersion{}).Where("id = ?", id).Update("active", true).Error
}

// RequirementCount is how many live evidence records a facility holds for
// one requirement.
type RequirementCount struct {
	FacilityID    int64
	RequirementID string
	Count         int64
}

// LiveEvidenceCounts counts the live evidence of every facility per
// requirement, ordered by facility then requirement ID.
func (d *DB) LiveEvidenceCounts(ctx context.Context) ([]RequirementCount, error) {
	var rows []RequirementCount
	err := d.gdb.WithContext(ctx).Model(&bukti.Evidence{}).Select("facility_id, requirement_id, count(*) AS count").
		Where("deleted_at IS NULL").Group("facility_id, requirement_id").Order("facility_id, requirement_id").Scan(&rows).Error
	return rows, err
}
