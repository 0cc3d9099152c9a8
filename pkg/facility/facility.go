// Package facility manages Puskesmas records.
package facility

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/bukti-id/bukti/pkg/audit"
	"github.com/bukti-id/bukti/pkg/bukti"
)

// Service creates and reads facilities.
type Service struct {
	DB  *gorm.DB
	Now func() time.Time
}

// codeRe is the accepted shape of a facility code: letters, digits, dot,
// dash and underscore (national Puskesmas codes such as "P3273020201").
var codeRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$`)

// Input is what a caller gives to create a facility.
type Input struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	District string `json:"district"`
}

func (in *Input) normalize() error {
	in.Code, in.Name, in.District = strings.TrimSpace(in.Code), strings.TrimSpace(in.Name), strings.TrimSpace(in.District)
	switch {
	case !codeRe.MatchString(in.Code):
		return bukti.Errorf(bukti.EINVALID, "Kode Puskesmas wajib diisi: 1–32 huruf, angka, titik, minus atau garis bawah (contoh: P3273020201).",
			"code is required: 1–32 letters, digits, '.', '-' or '_' (e.g. P3273020201)")
	case in.Name == "" || len([]rune(in.Name)) > 200:
		return bukti.Errorf(bukti.EINVALID, "Nama Puskesmas wajib diisi (paling banyak 200 karakter).", "name is required (at most 200 characters)")
	case in.District == "" || len([]rune(in.District)) > 200:
		return bukti.Errorf(bukti.EINVALID, "Kabupaten/kota wajib diisi (paling banyak 200 karakter).", "district is required (at most 200 characters)")
	}
	return nil
}

// Create adds a facility and records it in the audit log. A duplicate code
// is a conflict.
func (s *Service) Create(ctx context.Context, in Input, by int64) (*bukti.Facility, error) {
	if err := in.normalize(); err != nil {
		return nil, err
	}
	f := bukti.Facility{Code: in.Code, Name: in.Name, District: in.District, CreatedAt: s.Now().UTC()}
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&f).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return bukti.Errorf(bukti.ECONFLICT, "Kode Puskesmas %q sudah terdaftar.", "facility code %q already exists", in.Code)
			}
			return err
		}
		return audit.Record(tx, f.CreatedAt, &by, "facility.create", "facility", strconv.FormatInt(f.ID, 10), &f.ID, f.Code+" "+f.Name)
	})
	if err != nil {
		return nil, err
	}
	return &f, nil
}

// Get returns one facility.
func (s *Service) Get(ctx context.Context, id int64) (*bukti.Facility, error) {
	var f bukti.Facility
	err := s.DB.WithContext(ctx).First(&f, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, bukti.Errorf(bukti.ENOTFOUND, "Puskesmas dengan id %d tidak ditemukan.", "facility %d not found", id)
	}
	return &f, err
}

// List returns all facilities ordered by district then name.
func (s *Service) List(ctx context.Context) ([]bukti.Facility, error) {
	out := []bukti.Facility{}
	return out, s.DB.WithContext(ctx).Order("district, name").Find(&out).Error
}
