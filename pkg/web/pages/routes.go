// Package pages serves Bukti's HTML pages: the sign-in form, and for
// signed-in users the facility, district, survey and admin pages. They work
// without JavaScript: forms post to page routes that call the domain
// services and redirect back with a confirmation. Errors are returned to
// the core's error handler, which renders the error page (or sends an
// unauthenticated visitor to the sign-in page).
package pages

import (
	"github.com/labstack/echo/v4"

	"github.com/bukti-id/bukti/pkg/web/core"
)

// handlers are the pages' handlers, on the server core.
type handlers struct{ *core.Server }

// Register adds the pages' routes to e: the static files, sign-in and the
// language switch, and behind RequirePage (the session cookie) every page
// for signed-in users.
func Register(srv *core.Server, e *echo.Echo) {
	s := &handlers{srv}
	e.GET("/static/:name", s.static)
	e.GET("/login", s.loginForm)
	e.POST("/login", s.loginSubmit)
	e.GET("/lang/:code", s.setLang)

	// Pages for signed-in users (cookie session).
	pg := e.Group("", s.RequirePage)
	pg.GET("/", s.home)
	pg.POST("/logout", s.logoutSubmit)
	pg.GET("/f/:id", s.facilityDashboard)
	pg.GET("/f/:id/kriteria/:kid", s.kriteriaView)
	pg.GET("/f/:id/req", s.requirementView)
	pg.POST("/f/:id/upload", s.uploadPage)
	pg.POST("/f/:id/evidence/:eid/delete", s.deleteEvidencePage)
	pg.POST("/f/:id/evidence/:eid/revision", s.revisionPage)
	pg.POST("/f/:id/evidence/:eid/meta", s.metaPage)
	pg.POST("/f/:id/tdd", s.tddPage)
	pg.POST("/f/:id/interviewees", s.intervieweePage)
	pg.GET("/district", s.districtOverview)
	pg.GET("/admin", s.adminView)
	pg.POST("/admin/provinces", s.adminAddProvince)
	pg.POST("/admin/districts", s.adminAddDistrict)
	pg.POST("/admin/facilities", s.adminAddFacility)
	pg.POST("/admin/users", s.adminAddUser)
	pg.POST("/admin/catalogue/import", s.adminImportCatalogue)
	pg.GET("/admin/catalogue/:id", s.adminCatalogueVersion)
	pg.POST("/admin/catalogue/:id/activate", s.adminActivateCatalogue)
	pg.GET("/admin/integrity", s.adminIntegrity)
	pg.GET("/surveys", s.surveysList)
	pg.POST("/surveys", s.planSurveyPage)
	pg.GET("/f/:id/surveys", s.facilitySurveys)
	pg.GET("/s/:id", s.surveyView)
	pg.GET("/s/:id/report", s.surveyReport)
	pg.POST("/s/:id/self-assessment", s.surveySelfPage)
	pg.POST("/s/:id/submit", s.surveySubmitPage)
	pg.POST("/s/:id/resubmit", s.surveyResubmitPage)
	pg.POST("/s/:id/items/:item/review", s.surveyReviewPage)
	pg.POST("/s/:id/score", s.surveyScorePage)
	pg.POST("/s/:id/reconcile", s.surveyReconcilePage)
	pg.POST("/s/:id/final", s.surveyFinalPage)
	pg.POST("/s/:id/finalize", s.surveyFinalizePage)
	pg.POST("/s/:id/pps/:row", s.surveyPPSPage)
}
