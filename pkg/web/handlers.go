package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/bukti-id/bukti/pkg/auth"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/facility"
)

// maxJSONBody caps JSON request bodies.
const maxJSONBody = 64 << 10

// bindJSON decodes a JSON body strictly: unknown fields and trailing data
// are errors, so a typo in a field name is reported instead of ignored.
func bindJSON(c echo.Context, v any) error {
	dec := json.NewDecoder(io.LimitReader(c.Request().Body, maxJSONBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return bukti.Errorf(bukti.EINVALID, "Isi permintaan bukan JSON yang valid: %v.", "request body is not valid JSON: %v", err)
	}
	if dec.More() {
		return bukti.Errorf(bukti.EINVALID, "Isi permintaan memuat data lebih dari satu objek JSON.", "request body has more than one JSON value")
	}
	return nil
}

// pathID parses a numeric ID from the path.
func pathID(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, bukti.Errorf(bukti.EINVALID, "ID %q tidak valid: harus bilangan bulat positif.", "invalid id %q: must be a positive integer", c.Param(name))
	}
	return id, nil
}

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type loginResponse struct {
	Token     string      `json:"token"`
	ExpiresAt time.Time   `json:"expires_at"`
	User      *bukti.User `json:"user"`
}

func (s *Server) login(c echo.Context) error {
	var req loginRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if req.Email == "" || req.Password == "" {
		return bukti.Errorf(bukti.EINVALID, "Isi email dan kata sandi.", "email and password are required")
	}
	token, u, err := s.Auth.Login(c.Request().Context(), req.Email, req.Password)
	if err != nil {
		return err
	}
	exp := time.Now().Add(auth.SessionTTL)
	c.SetCookie(&http.Cookie{Name: SessionCookie, Value: token, Path: "/", Expires: exp, HttpOnly: true,
		Secure: c.IsTLS() || c.Request().Header.Get("X-Forwarded-Proto") == "https", SameSite: http.SameSiteLaxMode})
	return c.JSON(http.StatusOK, loginResponse{Token: token, ExpiresAt: exp.UTC(), User: u})
}

func (s *Server) logout(c echo.Context) error {
	if tok := sessionToken(c); tok != "" {
		if err := s.Auth.Logout(c.Request().Context(), tok); err != nil {
			return err
		}
	}
	c.SetCookie(&http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) me(c echo.Context) error {
	return c.JSON(http.StatusOK, currentUser(c))
}

type catalogueResponse struct {
	*catalogue.Catalogue
	Counts catalogue.Counts `json:"counts"`
}

func (s *Server) getCatalogue(c echo.Context) error {
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

func (s *Server) getKriteria(c echo.Context) error {
	k, place, ok := s.Catalogue.Kriteria(c.Param("id"))
	if !ok {
		return bukti.Errorf(bukti.ENOTFOUND, "Kriteria %q tidak ada di katalog (contoh: 2.1.2).", "kriteria %q not in the catalogue (e.g. 2.1.2)", c.Param("id"))
	}
	resp := kriteriaResponse{Bab: place.Bab.ID, Kriteria: k}
	resp.Standar.ID, resp.Standar.Title = place.Standar.ID, place.Standar.Title
	return c.JSON(http.StatusOK, resp)
}

func (s *Server) createFacility(c echo.Context) error {
	var in facility.Input
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	f, err := s.Facilities.Create(c.Request().Context(), in, currentUser(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, f)
}

func (s *Server) listFacilities(c echo.Context) error {
	fs, err := s.Facilities.List(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"facilities": fs})
}

func (s *Server) getFacility(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	f, err := s.Facilities.Get(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, f)
}

func (s *Server) getReadiness(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	rep, err := s.Evidence.Readiness(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, rep)
}

type notApplicableRequest struct {
	Element string `json:"element"`
	Reason  string `json:"reason"`
}

func (s *Server) listNotApplicable(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	list, err := s.Evidence.ListNotApplicable(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"not_applicable": list})
}

func (s *Server) setNotApplicable(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req notApplicableRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	na, err := s.Evidence.SetNotApplicable(c.Request().Context(), id, req.Element, req.Reason, currentUser(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, na)
}

func (s *Server) clearNotApplicable(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := s.Evidence.ClearNotApplicable(c.Request().Context(), id, c.QueryParam("element"), currentUser(c).ID); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) listInterviewees(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	list, err := s.Evidence.ListInterviewees(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"interviewees": list})
}

type intervieweeRequest struct {
	Requirement string `json:"requirement"`
	Role        string `json:"role"`
	Name        string `json:"name"`
	Position    string `json:"position"`
}

func (s *Server) setInterviewee(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req intervieweeRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	in, err := s.Evidence.SetInterviewee(c.Request().Context(), bukti.Interviewee{FacilityID: id, RequirementID: req.Requirement,
		Role: req.Role, Name: req.Name, Position: req.Position, UpdatedBy: currentUser(c).ID})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, in)
}

// isMaxBytes reports whether err comes from http.MaxBytesReader.
func isMaxBytes(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}
