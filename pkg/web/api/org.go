package api

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/bukti-id/bukti/pkg/authz"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/org"
	"github.com/bukti-id/bukti/pkg/web/core"
)

type catalogueResponse struct {
	*catalogue.Catalogue
	Counts catalogue.Counts `json:"counts"`
}

func (s *handlers) getCatalogue(c echo.Context) error {
	return c.JSON(http.StatusOK, catalogueResponse{Catalogue: s.Catalogue, Counts: s.Catalogue.Counts()})
}

type kriteriaResponse struct {
	Bab     string `json:"bab"`
	Standar struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	} `json:"standar"`
	*catalogue.Kriteria
}

func (s *handlers) getKriteria(c echo.Context) error {
	k, place, ok := s.Catalogue.Kriteria(c.Param("id"))
	if !ok {
		return bukti.E(bukti.ENOTFOUND, "err.api.kriteria_not_in_catalogue_e", c.Param("id"))
	}
	resp := kriteriaResponse{Bab: place.Bab.ID, Kriteria: k}
	resp.Standar.ID, resp.Standar.Title = place.Standar.ID, place.Standar.Title
	return c.JSON(http.StatusOK, resp)
}

type codeName struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Province string `json:"province"` // province code, for districts
}

func (s *handlers) createProvince(c echo.Context) error {
	if err := core.Principal(c).RequireAdmin(); err != nil {
		return err
	}
	var req codeName
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	p, err := s.Org.CreateProvince(c.Request().Context(), req.Code, req.Name, core.UserID(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, p)
}

func (s *handlers) listProvinces(c echo.Context) error {
	ps, err := s.Org.Provinces(c.Request().Context())
	if err != nil {
		return err
	}
	return list(c, "provinces", ps)
}

func (s *handlers) createDistrict(c echo.Context) error {
	if err := core.Principal(c).RequireAdmin(); err != nil {
		return err
	}
	var req codeName
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	d, err := s.Org.CreateDistrict(c.Request().Context(), req.Code, req.Name, req.Province, core.UserID(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, d)
}

func (s *handlers) listDistricts(c echo.Context) error {
	ds, err := s.Org.Districts(c.Request().Context())
	if err != nil {
		return err
	}
	return list(c, "districts", ds)
}

func (s *handlers) createFacility(c echo.Context) error {
	if err := core.Principal(c).RequireAdmin(); err != nil {
		return err
	}
	var in org.FacilityInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	f, err := s.Org.CreateFacility(c.Request().Context(), in, core.UserID(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, f)
}

// importFacilities takes a CSV body (text/csv) or a multipart form with
// the CSV in the field "file", and adds every row or none: a file with a
// bad row is refused (400) with every bad row, its line number and reason
// under "rows".
func (s *handlers) importFacilities(c echo.Context) error {
	if err := core.Principal(c).RequireAdmin(); err != nil {
		return err
	}
	body := c.Request().Body
	if fh, err := c.FormFile("file"); err == nil {
		f, err := fh.Open()
		if err != nil {
			return err
		}
		defer f.Close()
		body = f
	}
	res, err := s.Org.ImportFacilities(c.Request().Context(), body, core.UserID(c))
	if err != nil {
		return err
	}
	if len(res.Errors) > 0 {
		id, en := bukti.ErrorMessage(bukti.E(bukti.EINVALID, "err.org.csv_rows_refused", len(res.Errors)))
		return c.JSON(http.StatusBadRequest, map[string]any{
			"error": map[string]string{"code": bukti.EINVALID, "message": id, "message_en": en},
			"rows":  res.Errors,
		})
	}
	return c.JSON(http.StatusCreated, res)
}

func (s *handlers) listFacilities(c echo.Context) error {
	all, ids := core.Principal(c).Facilities(authz.ReadFacility)
	fs, err := s.Org.Facilities(c.Request().Context(), all, ids)
	if err != nil {
		return err
	}
	return list(c, "facilities", fs)
}

func (s *handlers) getFacility(c echo.Context) error {
	id, err := s.FacilityFor(c, authz.ReadFacility)
	if err != nil {
		return err
	}
	f, err := s.Org.Facility(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, f)
}

func (s *handlers) updateFacility(c echo.Context) error {
	id, err := s.FacilityFor(c, authz.ReadFacility)
	if err != nil {
		return err
	}
	if err := core.Principal(c).RequireAdmin(); err != nil {
		return err
	}
	var in org.FacilityInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	f, err := s.Org.UpdateFacility(c.Request().Context(), id, in, core.UserID(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, f)
}

// renameOrg renames a province or district (admin).
func (s *handlers) renameOrg(kind string) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := core.Principal(c).RequireAdmin(); err != nil {
			return err
		}
		id, err := core.PathID(c, "id")
		if err != nil {
			return err
		}
		var req struct {
			Name string `json:"name"`
		}
		if err := bindJSON(c, &req); err != nil {
			return err
		}
		if err := s.Org.Rename(c.Request().Context(), kind, id, req.Name, core.UserID(c)); err != nil {
			return err
		}
		return c.NoContent(http.StatusNoContent)
	}
}

// deleteOrg deletes a province, district or facility nothing refers to
// (admin). A facility outside a non-admin's scope is not found.
func (s *handlers) deleteOrg(kind string) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := core.PathID(c, "id")
		if err != nil {
			return err
		}
		p := core.Principal(c)
		if kind == "facility" && !p.Can(authz.ReadFacility, id) {
			return authz.NotFound(id)
		}
		if err := p.RequireAdmin(); err != nil {
			return err
		}
		if err := s.Org.Delete(c.Request().Context(), kind, id, core.UserID(c)); err != nil {
			return err
		}
		return c.NoContent(http.StatusNoContent)
	}
}

// getReadiness answers GET /api/v1/facilities/:id/readiness with the
// facility's readiness report, encoded once per state of its inputs
// (evidence.Scored) — and compressed once, with brotli or gzip, for a
// client that accepts either — and sent with its ETag (weak when
// compressed); a request whose If-None-Match names that ETag gets 304 Not
// Modified and no body.
func (s *handlers) getReadiness(c echo.Context) error {
	id, err := s.FacilityFor(c, authz.ReadFacility)
	if err != nil {
		return err
	}
	sc, err := s.Scored(c, id)
	if err != nil {
		return err
	}
	if _, pretty := c.QueryParams()["pretty"]; pretty {
		return c.JSON(http.StatusOK, sc.Report)
	}
	body, etag, err := sc.JSON()
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Add(echo.HeaderVary, echo.HeaderAcceptEncoding)
	// Compressed once per state too, for the clients that take it (the
	// compress middleware leaves an encoded answer alone).
	if enc := core.AcceptedEncoding(c.Request()); enc != "" {
		v, err := sc.Memo("json/"+enc, func() (any, error) { return core.Encode(enc, body) })
		if err != nil {
			return err
		}
		body, etag = v.([]byte), "W/"+etag // the bytes differ from the identity's
		h.Set(echo.HeaderContentEncoding, enc)
	}
	h.Set("ETag", etag)
	if etagMatch(c.Request().Header.Get("If-None-Match"), etag) {
		return c.NoContent(http.StatusNotModified)
	}
	h.Set(echo.HeaderContentLength, strconv.Itoa(len(body)))
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, body)
}

type notApplicableRequest struct {
	Element string `json:"element"`
	Reason  string `json:"reason"`
}

func (s *handlers) listNotApplicable(c echo.Context) error {
	id, err := s.FacilityFor(c, authz.ReadFacility)
	if err != nil {
		return err
	}
	na, err := s.Evidence.ListNotApplicable(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return list(c, "not_applicable", na)
}

func (s *handlers) setNotApplicable(c echo.Context) error {
	id, err := s.FacilityFor(c, authz.WriteEvidence)
	if err != nil {
		return err
	}
	var req notApplicableRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	na, err := s.Evidence.SetNotApplicable(c.Request().Context(), id, req.Element, req.Reason, *core.UserID(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, na)
}

func (s *handlers) clearNotApplicable(c echo.Context) error {
	id, err := s.FacilityFor(c, authz.WriteEvidence)
	if err != nil {
		return err
	}
	if err := s.Evidence.ClearNotApplicable(c.Request().Context(), id, c.QueryParam("element"), *core.UserID(c)); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *handlers) listInterviewees(c echo.Context) error {
	id, err := s.FacilityFor(c, authz.ReadFacility)
	if err != nil {
		return err
	}
	people, err := s.Evidence.ListInterviewees(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return list(c, "interviewees", people)
}

type intervieweeRequest struct {
	Requirement string `json:"requirement"`
	Role        string `json:"role"`
	Name        string `json:"name"`
	Position    string `json:"position"`
}

func (s *handlers) setInterviewee(c echo.Context) error {
	id, err := s.FacilityFor(c, authz.WriteEvidence)
	if err != nil {
		return err
	}
	var req intervieweeRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	in, err := s.Evidence.SetInterviewee(c.Request().Context(), bukti.Interviewee{FacilityID: id, RequirementID: req.Requirement,
		Role: req.Role, Name: req.Name, Position: req.Position, UpdatedBy: *core.UserID(c)})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, in)
}
