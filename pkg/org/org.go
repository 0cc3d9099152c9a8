// Package org manages the organisation Bukti serves: provinces, districts
// (kabupaten/kota) and facilities (Puskesmas). Codes are unique and stable;
// every change runs as its own unit of work (package sqlstore), with its
// audit row.
package org

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/bukti-id/bukti/pkg/audit"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/ui/locales"
)

// Service creates and reads the organisation.
type Service struct {
	Store *sqlstore.DB
	Now   func() time.Time

	keptOnce sync.Once
	kept     *lru.Cache[int64, keptFacility] // FacilityAt's, the maxKept used most recently
}

// keptFacility is a facility as read at an access version.
type keptFacility struct {
	version sqlstore.AccessVersion
	f       bukti.Facility
}

// maxKept bounds how many facilities FacilityAt keeps.
const maxKept = 4096

// codeRe is the accepted shape of a code: letters, digits, dot, dash and
// underscore (BPS codes such as "32", "3277"; Puskesmas codes such as
// "P3277010101").
var codeRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$`)

// kindNames are the message keys naming what a code belongs to.
var kindNames = map[string]locales.Key{"province": "org.kind.province", "district": "org.kind.district", "facility": "org.kind.facility"}

func checkCode(kind, code string) error {
	if !codeRe.MatchString(code) {
		return bukti.E(bukti.EINVALID, "err.org.code_required", kindNames[kind])
	}
	return nil
}

func checkName(kind, name string) error {
	if name == "" || len([]rune(name)) > 200 {
		return bukti.E(bukti.EINVALID, "err.org.name_required", kindNames[kind])
	}
	return nil
}

// create runs insert and writes its audit row in one unit of work by by;
// a duplicate code is a conflict.
func (s *Service) create(ctx context.Context, insert func(*sqlstore.Tx) error, kind, code string, id func() int64, facility func() *int64, by *int64, summary string) error {
	return s.Store.Run(ctx, by, func(t *sqlstore.Tx) error {
		if err := insert(t); err != nil {
			if errors.Is(err, sqlstore.ErrDuplicate) {
				return bukti.E(bukti.ECONFLICT, "err.org.code_exists", kindNames[kind], code)
			}
			return err
		}
		return t.Audit(audit.Entry{Action: kind + ".create", ObjectType: kind,
			ObjectID: strconv.FormatInt(id(), 10), FacilityID: facility(), Summary: summary})
	})
}

// CreateProvince adds a province.
func (s *Service) CreateProvince(ctx context.Context, code, name string, by *int64) (*bukti.Province, error) {
	code, name = strings.TrimSpace(code), strings.TrimSpace(name)
	if err := errors.Join(checkCode("province", code), checkName("province", name)); err != nil {
		return nil, firstErr(err)
	}
	p := bukti.Province{Code: code, Name: name, CreatedAt: s.Now().UTC()}
	err := s.create(ctx, func(t *sqlstore.Tx) error { return t.CreateProvince(&p) }, "province", code, func() int64 { return p.ID }, func() *int64 { return nil }, by, code+" "+name)
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// CreateDistrict adds a district to a province given by code.
func (s *Service) CreateDistrict(ctx context.Context, code, name, provinceCode string, by *int64) (*bukti.District, error) {
	code, name = strings.TrimSpace(code), strings.TrimSpace(name)
	if err := errors.Join(checkCode("district", code), checkName("district", name)); err != nil {
		return nil, firstErr(err)
	}
	prov, err := s.ProvinceByCode(ctx, provinceCode)
	if err != nil {
		return nil, err
	}
	d := bukti.District{Code: code, Name: name, ProvinceID: prov.ID, CreatedAt: s.Now().UTC()}
	if err := s.create(ctx, func(t *sqlstore.Tx) error { return t.CreateDistrict(&d) }, "district", code, func() int64 { return d.ID }, func() *int64 { return nil }, by, code+" "+name+" in "+prov.Code); err != nil {
		return nil, err
	}
	d.Province = prov
	return &d, nil
}

// FacilityInput is what a caller gives to create or change a facility.
type FacilityInput struct {
	Code         string `json:"code"`
	Name         string `json:"name"`
	DistrictCode string `json:"district"` // district code, e.g. "3277"
}

// CreateFacility adds a facility to a district given by code.
func (s *Service) CreateFacility(ctx context.Context, in FacilityInput, by *int64) (*bukti.Facility, error) {
	f, err := s.newFacility(ctx, in)
	if err != nil {
		return nil, err
	}
	insert := func(t *sqlstore.Tx) error {
		if err := t.CreateFacility(f); err != nil {
			return err // a taken code first
		}
		return nameFree(t, f.DistrictID, f.Name, f.ID, f.District.Name)
	}
	if err := s.create(ctx, insert, "facility", f.Code, func() int64 { return f.ID }, func() *int64 { return &f.ID }, by, f.Code+" "+f.Name); err != nil {
		return nil, err
	}
	return f, nil
}

func (s *Service) newFacility(ctx context.Context, in FacilityInput) (*bukti.Facility, error) {
	in.Code, in.Name = strings.TrimSpace(in.Code), strings.TrimSpace(in.Name)
	if err := errors.Join(checkCode("facility", in.Code), checkName("facility", in.Name)); err != nil {
		return nil, firstErr(err)
	}
	d, err := s.DistrictByCode(ctx, in.DistrictCode)
	if err != nil {
		return nil, err
	}
	return &bukti.Facility{Code: in.Code, Name: in.Name, DistrictID: d.ID, District: d, CreatedAt: s.Now().UTC()}, nil
}

// UpdateFacility renames a facility or moves it to another district.
func (s *Service) UpdateFacility(ctx context.Context, id int64, in FacilityInput, by *int64) (*bukti.Facility, error) {
	old, err := s.Facility(ctx, id)
	if err != nil {
		return nil, err
	}
	if in.Code == "" {
		in.Code = old.Code
	}
	if in.DistrictCode == "" {
		in.DistrictCode = old.District.Code
	}
	f, err := s.newFacility(ctx, in)
	if err != nil {
		return nil, err
	}
	err = s.Store.Run(ctx, by, func(t *sqlstore.Tx) error {
		err := t.UpdateFacility(id, f.Code, f.Name, f.DistrictID)
		if errors.Is(err, sqlstore.ErrDuplicate) {
			return bukti.E(bukti.ECONFLICT, "err.org.facility_code_already_exists", f.Code)
		}
		if err != nil {
			return err
		}
		if err := nameFree(t, f.DistrictID, f.Name, id, f.District.Name); err != nil {
			return err
		}
		return t.Audit(audit.Entry{Action: "facility.update", ObjectType: "facility",
			ObjectID: strconv.FormatInt(id, 10), FacilityID: &id,
			Before: fmt.Sprintf("%s %s (%s)", old.Code, old.Name, old.District.Code), After: fmt.Sprintf("%s %s (%s)", f.Code, f.Name, f.District.Code)})
	})
	if err != nil {
		return nil, err
	}
	return s.Facility(ctx, id)
}

// Facility returns one facility with its district and province.
func (s *Service) Facility(ctx context.Context, id int64) (*bukti.Facility, error) {
	f, err := s.Store.Facility(ctx, id)
	if errors.Is(err, sqlstore.ErrNotFound) {
		return nil, bukti.E(bukti.ENOTFOUND, "err.authz.facility_not_found", id)
	}
	return f, err
}

// FacilityAt is Facility for a caller that read the access version v just
// before (sqlstore.DB.Versions): every write of a facility, district or
// province changes that version in its own transaction, so the facility
// read at an earlier request of the same version is returned without a
// read; its District (with Province) is shared and must not be modified.
func (s *Service) FacilityAt(ctx context.Context, id int64, v sqlstore.AccessVersion) (*bukti.Facility, error) {
	s.keptOnce.Do(func() { s.kept, _ = lru.New[int64, keptFacility](maxKept) })
	if k, ok := s.kept.Get(id); ok && k.version == v {
		f := k.f
		return &f, nil
	}
	f, err := s.Facility(ctx, id)
	if err != nil {
		return nil, err
	}
	s.kept.Add(id, keptFacility{version: v, f: *f}) // read after v: at least as new
	return f, nil
}

// Facilities returns facilities ordered by district then name: all of them
// when all is true, else those in ids.
func (s *Service) Facilities(ctx context.Context, all bool, ids []int64) ([]bukti.Facility, error) {
	return s.Store.Facilities(ctx, all, ids)
}

// ProvinceByCode finds a province.
func (s *Service) ProvinceByCode(ctx context.Context, code string) (*bukti.Province, error) {
	p, err := s.Store.ProvinceByCode(ctx, strings.TrimSpace(code))
	if errors.Is(err, sqlstore.ErrNotFound) {
		return nil, bukti.E(bukti.EINVALID, "err.org.no_province_with_code_add", code)
	}
	return p, err
}

// DistrictByCode finds a district.
func (s *Service) DistrictByCode(ctx context.Context, code string) (*bukti.District, error) {
	d, err := s.Store.DistrictByCode(ctx, strings.TrimSpace(code))
	if errors.Is(err, sqlstore.ErrNotFound) {
		return nil, bukti.E(bukti.EINVALID, "err.org.no_district_with_code_add", code)
	}
	return d, err
}

// FacilityByCode finds a facility.
func (s *Service) FacilityByCode(ctx context.Context, code string) (*bukti.Facility, error) {
	f, err := s.Store.FacilityByCode(ctx, strings.TrimSpace(code))
	if errors.Is(err, sqlstore.ErrNotFound) {
		return nil, bukti.E(bukti.EINVALID, "err.org.no_facility_with_code_add", code)
	}
	return f, err
}

// Provinces lists every province by code.
func (s *Service) Provinces(ctx context.Context) ([]bukti.Province, error) {
	return s.Store.Provinces(ctx)
}

// Districts lists every district by code, with its province.
func (s *Service) Districts(ctx context.Context) ([]bukti.District, error) {
	return s.Store.Districts(ctx)
}

// firstErr unwraps a joined error to its first part, keeping the one
// message a user should act on first.
func firstErr(err error) error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()[0]
	}
	return err
}

// Rename changes the name of a province, district or facility.
func (s *Service) Rename(ctx context.Context, kind string, id int64, name string, by *int64) error {
	name = strings.TrimSpace(name)
	if err := checkName(kind, name); err != nil {
		return err
	}
	if _, ok := kindNames[kind]; !ok {
		return fmt.Errorf("org: unknown kind %q", kind)
	}
	return s.Store.Run(ctx, by, func(t *sqlstore.Tx) error {
		old, err := t.OrgName(kind, id)
		if errors.Is(err, sqlstore.ErrNotFound) {
			return notFound(kind, id)
		} else if err != nil {
			return err
		}
		if kind == "facility" {
			districtID, err := t.FacilityDistrict(id)
			if err != nil {
				return err
			}
			if err := nameFree(t, districtID, name, id, ""); err != nil {
				return err
			}
		}
		if err := t.RenameOrg(kind, id, name); err != nil {
			return err
		}
		return t.Audit(audit.Entry{Action: kind + ".rename", ObjectType: kind,
			ObjectID: strconv.FormatInt(id, 10), FacilityID: facilityRef(kind, id), Before: old, After: name})
	})
}

// Delete removes a province, district or facility that nothing refers to
// any more: a province without districts, a district without facilities, a
// facility without evidence, surveys or role bindings. Anything else is a
// conflict that says what still refers to it.
func (s *Service) Delete(ctx context.Context, kind string, id int64, by *int64) error {
	if _, ok := kindNames[kind]; !ok {
		return fmt.Errorf("org: unknown kind %q", kind)
	}
	return s.Store.Run(ctx, by, func(t *sqlstore.Tx) error {
		code, err := t.OrgCode(kind, id)
		if errors.Is(err, sqlstore.ErrNotFound) {
			return notFound(kind, id)
		} else if err != nil {
			return err
		}
		name, err := t.OrgName(kind, id)
		if err != nil {
			return err
		}
		for _, ref := range references[kind] {
			n, err := t.CountOrgReferrers(kind, id, ref.referrer)
			if err != nil {
				return err
			}
			if n > 0 {
				return bukti.E(bukti.ECONFLICT, "err.org.still_referred", kindNames[kind], name, n, ref.name)
			}
		}
		if err := t.DeleteOrg(kind, id); err != nil {
			return err
		}
		return t.Audit(audit.Entry{Action: kind + ".delete", ObjectType: kind,
			ObjectID: strconv.FormatInt(id, 10), FacilityID: facilityRef(kind, id), Before: code + " " + name})
	})
}

// references lists what must be gone before a kind can be deleted, in the
// order they are checked: the referrer (sqlstore's name for the rows) and
// the message key naming them.
var references = map[string][]struct {
	referrer string
	name     locales.Key
}{
	"province": {{"district", "org.ref.districts"}, {"role_binding", "org.ref.role_bindings"}},
	"district": {{"facility", "org.ref.facilities"}, {"role_binding", "org.ref.role_bindings"}},
	"facility": {{"evidence", "org.ref.evidence"}, {"survey", "org.ref.surveys"},
		{"role_binding", "org.ref.role_bindings"},
		{"not_applicable", "org.ref.tdd_marks"}, {"interviewee", "org.ref.interviewees"}},
}

// nameFree refuses a facility name already used by another facility (not
// except) of the same district: two Puskesmas of one district with one
// name cannot be told apart in any list. district names the district in
// the message ("" reads it).
func nameFree(t *sqlstore.Tx, districtID int64, name string, except int64, district string) error {
	other, err := t.FacilityNamed(districtID, name, except)
	if err != nil || other == 0 {
		return err
	}
	if district == "" {
		if district, err = t.OrgName("district", districtID); err != nil {
			return err
		}
	}
	return bukti.E(bukti.ECONFLICT, "err.org.facility_name_taken", name, district)
}

func notFound(kind string, id int64) error {
	return bukti.E(bukti.ENOTFOUND, "err.org.not_found", kindNames[kind], id)
}

// facilityRef is the audit facility of an object: itself for a facility.
func facilityRef(kind string, id int64) *int64 {
	if kind == "facility" {
		return &id
	}
	return nil
}
