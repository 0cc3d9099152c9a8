package pages

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/bukti-id/bukti/pkg/authz"
	"github.com/bukti-id/bukti/pkg/integrity"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/pkg/web/core"
)

// integrityFile is one damaged evidence file on the admin's integrity
// page, with what is known of its damage.
type integrityFile struct {
	sqlstore.AffectedFile
	Damage sqlstore.DamagedBlob
	Href   string // the requirement page of the evidence
}

type integrityFacility struct {
	ID    int64
	Name  string
	Files []integrityFile
}

type integrityPage struct {
	integrity.Status
	// PassPercent is the share of the recorded bytes the scrub pass in
	// progress has read; HasPass says a pass is under way.
	PassPercent float64
	HasPass     bool
	// Period is the scrub period for a reader: days when whole.
	Period string
	// FsckMode says what the last fsck run checked (sizes or content,
	// with -repair), FsckError why it could not finish.
	FsckMode, FsckError string
	// Unlinked counts the damaged contents no revision names (nothing to
	// upload again; a later check resolves them).
	Unlinked   int
	Facilities []integrityFacility
}

// adminIntegrity shows the admin the last fsck run, the scrub and the
// damaged evidence files by facility (GET /admin/integrity).
func (s *handlers) adminIntegrity(c echo.Context) error {
	if err := core.Principal(c).RequireAdmin(); err != nil {
		return err
	}
	st, err := s.Integrity.Status(c.Request().Context())
	if err != nil {
		return err
	}
	data := integrityPage{Status: st, Period: st.Scrub.Period.String()}
	if d := st.Scrub.Period; d > 0 && d%(24*time.Hour) == 0 {
		data.Period = s.Tr(c, "integrity.days", int(d/(24*time.Hour)))
	}
	p := st.Scrub.Progress
	if data.HasPass = p.Checked > 0; data.HasPass && st.Scrub.TotalBytes > 0 {
		data.PassPercent = min(float64(p.Bytes)/float64(st.Scrub.TotalBytes)*100, 100)
	}
	if r := st.Fsck; r != nil {
		data.FsckMode = s.Tr(c, "integrity.mode.sizes")
		if strings.HasPrefix(r.Detail, "content verified") {
			data.FsckMode = s.Tr(c, "integrity.mode.verified")
		}
		if mode, _, _ := strings.Cut(r.Detail, ":"); strings.Contains(mode, "repair") {
			data.FsckMode += ", " + s.Tr(c, "integrity.mode.repair")
		}
		if _, why, ok := strings.Cut(r.Detail, ": "); ok && r.Outcome == integrity.OutcomeFailed {
			data.FsckError = why
		}
	}
	damage := map[string]sqlstore.DamagedBlob{}
	for _, d := range st.Damaged {
		damage[d.SHA256] = d
	}
	linked := map[string]bool{}
	for _, fd := range st.Facilities {
		f := integrityFacility{ID: fd.FacilityID, Name: fd.FacilityName}
		for _, a := range fd.Files {
			linked[a.SHA256] = true
			f.Files = append(f.Files, integrityFile{AffectedFile: a, Damage: damage[a.SHA256],
				Href: fmt.Sprintf("/f/%d/req?id=%s", a.FacilityID, a.RequirementID)})
		}
		data.Facilities = append(data.Facilities, f)
	}
	data.Unlinked = len(st.Damaged) - len(linked)
	return s.Render(c, http.StatusOK, "integrity", s.Tr(c, "integrity.title"), data)
}

// reuploadItem is one evidence file a facility must upload again.
type reuploadItem struct {
	RequirementID, Title, FileName string
	EvidenceID                     int64
	Href                           string // the requirement page, where a new revision is uploaded
}

// reupload lists the evidence files of a facility whose stored content is
// damaged (the latest revision of each evidence not deleted), for the
// dashboard's partial (partials/reupload.html): to those who upload or
// oversee its evidence — its Tim Mutu, its supervisors and admins — and
// nil for anyone else.
func (s *handlers) reupload(c echo.Context, facilityID int64) ([]reuploadItem, error) {
	p := core.Principal(c)
	if !p.Can(authz.WriteEvidence, facilityID) && !p.Can(authz.ManageSurvey, facilityID) {
		return nil, nil
	}
	if vs, ok := core.RequestVersions(c); ok && !vs.Damage {
		return nil, nil // nothing damaged at all, as read with the principal
	}
	files, err := s.Integrity.Reupload(c.Request().Context(), facilityID)
	if err != nil {
		return nil, err
	}
	out := make([]reuploadItem, len(files))
	for i, f := range files {
		out[i] = reuploadItem{RequirementID: f.RequirementID, Title: f.Title, FileName: f.FileName, EvidenceID: f.EvidenceID,
			Href: fmt.Sprintf("/f/%d/req?id=%s", facilityID, f.RequirementID)}
	}
	return out, nil
}
