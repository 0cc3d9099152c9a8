package sqlstore

import (
	"context"
	"fmt"

	"github.com/bukti-id/bukti/pkg/bukti"
)

// The organisation: provinces, districts and facilities. Its kinds are
// named "province", "district" and "facility"; a kind's rows are referred
// to by the column <kind>_id of other tables.

// orgModels makes an empty value of each organisation kind, for queries.
var orgModels = map[string]func() any{
	"province": func() any { return &bukti.Province{} },
	"district": func() any { return &bukti.District{} },
	"facility": func() any { return &bukti.Facility{} },
}

// orgReferrers makes an empty value of each kind of row that may refer to
// a province, district or facility, for queries.
var orgReferrers = map[string]func() any{
	"district":       func() any { return &bukti.District{} },
	"facility":       func() any { return &bukti.Facility{} },
	"role_binding":   func() any { return &bukti.RoleBinding{} },
	"evidence":       func() any { return &bukti.Evidence{} },
	"survey":         func() any { return &bukti.Survey{} },
	"not_applicable": func() any { return &bukti.NotApplicable{} },
	"interviewee":    func() any { return &bukti.Interviewee{} },
}

func orgModel(kind string) (any, error) {
	m, ok := orgModels[kind]
	if !ok {
		return nil, fmt.Errorf("sqlstore: unknown organisation kind %q", kind)
	}
	return m(), nil
}

// Facility returns a facility with its district and the district's
// province; ErrNotFound if there is none with that id.
func (d *DB) Facility(ctx context.Context, id int64) (*bukti.Facility, error) {
	var f bukti.Facility
	// One statement (joins) rather than one per association: the
	// dashboard and every facility page read it on each request.
	if err := d.gdb.WithContext(ctx).Joins("District").Joins("District.Province").Where("facilities.id = ?", id).Take(&f).Error; err != nil {
		return nil, err
	}
	return &f, nil
}

// Facilities returns facilities with their districts and provinces,
// ordered by district name then facility name: every facility when all is
// true, else those whose id is in ids (none when ids is empty).
func (d *DB) Facilities(ctx context.Context, all bool, ids []int64) ([]bukti.Facility, error) {
	out := []bukti.Facility{}
	if !all && len(ids) == 0 {
		return out, nil
	}
	q := d.gdb.WithContext(ctx).Preload("District.Province").Joins("JOIN districts ON districts.id = facilities.district_id").
		Order("districts.name, facilities.name")
	if !all {
		q = q.Where("facilities.id IN ?", ids)
	}
	return out, q.Find(&out).Error
}

// ProvinceByCode returns the province with code; ErrNotFound if there is
// none.
func (d *DB) ProvinceByCode(ctx context.Context, code string) (*bukti.Province, error) {
	var p bukti.Province
	if err := d.gdb.WithContext(ctx).Where("code = ?", code).First(&p).Error; err != nil {
		return nil, err
	}
	return &p, nil
}

// DistrictByCode returns the district with code, with its province;
// ErrNotFound if there is none.
func (d *DB) DistrictByCode(ctx context.Context, code string) (*bukti.District, error) {
	var di bukti.District
	if err := d.gdb.WithContext(ctx).Preload("Province").Where("code = ?", code).First(&di).Error; err != nil {
		return nil, err
	}
	return &di, nil
}

// FacilityByCode returns the facility with code, with its district and
// province; ErrNotFound if there is none.
func (d *DB) FacilityByCode(ctx context.Context, code string) (*bukti.Facility, error) {
	var f bukti.Facility
	if err := d.gdb.WithContext(ctx).Preload("District.Province").Where("code = ?", code).First(&f).Error; err != nil {
		return nil, err
	}
	return &f, nil
}

// Provinces returns every province, by code.
func (d *DB) Provinces(ctx context.Context) ([]bukti.Province, error) {
	out := []bukti.Province{}
	return out, d.gdb.WithContext(ctx).Order("code").Find(&out).Error
}

// Districts returns every district with its province, by code.
func (d *DB) Districts(ctx context.Context) ([]bukti.District, error) {
	out := []bukti.District{}
	return out, d.gdb.WithContext(ctx).Preload("Province").Order("code").Find(&out).Error
}

// CreateProvince inserts p and sets its ID; ErrDuplicate if its code is
// taken.
func (t *Tx) CreateProvince(p *bukti.Province) error {
	t.accessChanged()
	return t.db.Create(p).Error
}

// CreateDistrict inserts d (not its Province) and sets its ID;
// ErrDuplicate if its code is taken.
func (t *Tx) CreateDistrict(d *bukti.District) error {
	t.accessChanged()
	return t.db.Omit("Province").Create(d).Error
}

// CreateFacility inserts f (not its District) and sets its ID;
// ErrDuplicate if its code is taken.
func (t *Tx) CreateFacility(f *bukti.Facility) error {
	t.accessChanged()
	return t.db.Omit("District").Create(f).Error
}

// UpdateFacility sets the code, name and district of facility id;
// ErrDuplicate if the code is another facility's. A missing facility is
// left alone without error.
func (t *Tx) UpdateFacility(id int64, code, name string, districtID int64) error {
	t.accessChanged()
	return t.db.Model(&bukti.Facility{}).Where("id = ?", id).
		Updates(map[string]any{"code": code, "name": name, "district_id": districtID}).Error
}

// OrgName returns the name of the province, district or facility (kind)
// id; ErrNotFound if there is none.
func (t *Tx) OrgName(kind string, id int64) (string, error) {
	var old struct{ Name string }
	return old.Name, t.orgTake(kind, id, "name", &old)
}

// OrgCode returns the code of the province, district or facility (kind)
// id; ErrNotFound if there is none.
func (t *Tx) OrgCode(kind string, id int64) (string, error) {
	var code string
	return code, t.orgTake(kind, id, "code", &code)
}

func (t *Tx) orgTake(kind string, id int64, column string, dest any) error {
	m, err := orgModel(kind)
	if err != nil {
		return err
	}
	return t.db.Model(m).Where("id = ?", id).Select(column).Take(dest).Error
}

// RenameOrg sets the name of the province, district or facility (kind)
// id.
func (t *Tx) RenameOrg(kind string, id int64, name string) error {
	t.accessChanged()
	m, err := orgModel(kind)
	if err != nil {
		return err
	}
	return t.db.Model(m).Where("id = ?", id).Update("name", name).Error
}

// CountOrgReferrers returns how many rows of referrer refer to the
// province, district or facility (kind) id. referrer is one of "district",
// "facility", "role_binding", "evidence", "survey", "not_applicable" and
// "interviewee".
func (t *Tx) CountOrgReferrers(kind string, id int64, referrer string) (int64, error) {
	if _, err := orgModel(kind); err != nil {
		return 0, err
	}
	m, ok := orgReferrers[referrer]
	if !ok {
		return 0, fmt.Errorf("sqlstore: unknown referrer %q", referrer)
	}
	var n int64
	return n, t.db.Model(m()).Where(kind+"_id = ?", id).Count(&n).Error
}

// DeleteOrg deletes the province, district or facility (kind) id, and
// with a facility the scores derived from it (its daily score snapshots),
// so that a facility added later under a reused ID starts without them. A
// missing row is no error.
func (t *Tx) DeleteOrg(kind string, id int64) error {
	t.accessChanged()
	m, err := orgModel(kind)
	if err != nil {
		return err
	}
	if kind == "facility" {
		if err := t.db.Where("facility_id = ?", id).Delete(&bukti.ScoreSnapshot{}).Error; err != nil {
			return err
		}
	}
	return t.db.Delete(m, id).Error
}

// FacilityNamed returns the ID of a facility of district districtID, other
// than facility except, whose name is name, letters compared without case
// (ASCII), or 0 when there is none.
func (t *Tx) FacilityNamed(districtID int64, name string, except int64) (int64, error) {
	var ids []int64
	err := t.db.Model(&bukti.Facility{}).Where("district_id = ? AND LOWER(name) = LOWER(?) AND id <> ?", districtID, name, except).
		Order("id").Limit(1).Pluck("id", &ids).Error
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	return ids[0], nil
}

// FacilityDistrict returns the district ID of facility id; ErrNotFound if
// there is none.
func (t *Tx) FacilityDistrict(id int64) (int64, error) {
	var districtID int64
	return districtID, t.orgTake("facility", id, "district_id", &districtID)
}
