// Package api serves Bukti's JSON API under /api/v1. Its handlers parse
// requests, call the domain services and encode their results as JSON (or
// a file); an error is returned to the core's error handler, which answers
// it with its status and the JSON error body.
package api

import (
	"github.com/labstack/echo/v4"

	"github.com/bukti-id/bukti/pkg/web/core"
)

// handlers are the API's handlers, on the server core.
type handlers struct{ *core.Server }

// Register adds the API's routes to g, the /api/v1 group: sign-in, and
// behind RequireUser (and never cached) everything else.
func Register(srv *core.Server, g *echo.Group) {
	s := &handlers{srv}
	g.POST("/auth/login", s.login)

	// Everything below needs a signed-in user; each handler then asks
	// authz about the object it touches.
	a := g.Group("", s.RequireUser, core.NoStore)
	a.POST("/auth/logout", s.logout)
	a.GET("/auth/me", s.me)
	a.GET("/tokens", s.listTokens)
	a.POST("/tokens", s.createToken)
	a.DELETE("/tokens/:id", s.revokeToken)

	a.GET("/catalogue", s.getCatalogue)
	a.GET("/catalogue/versions", s.listCatalogueVersions)
	a.POST("/catalogue/import", s.importCatalogue)
	a.GET("/catalogue/versions/:id/plan", s.planCatalogue)
	a.POST("/catalogue/versions/:id/activate", s.activateCatalogue)
	a.GET("/catalogue/versions/:id/export", s.exportCatalogue)
	a.GET("/criteria/:id", s.getKriteria)

	a.GET("/provinces", s.listProvinces)
	a.POST("/provinces", s.createProvince)
	a.PATCH("/provinces/:id", s.renameOrg("province"))
	a.DELETE("/provinces/:id", s.deleteOrg("province"))
	a.GET("/districts", s.listDistricts)
	a.POST("/districts", s.createDistrict)
	a.PATCH("/districts/:id", s.renameOrg("district"))
	a.DELETE("/districts/:id", s.deleteOrg("district"))

	a.GET("/facilities", s.listFacilities)
	a.POST("/facilities", s.createFacility)
	a.POST("/facilities/import", s.importFacilities)
	a.GET("/facilities/:id", s.getFacility)
	a.PATCH("/facilities/:id", s.updateFacility)
	a.DELETE("/facilities/:id", s.deleteOrg("facility"))
	a.GET("/facilities/:id/readiness", s.getReadiness)
	a.POST("/facilities/:id/evidence", s.uploadEvidence)
	a.GET("/facilities/:id/evidence", s.listEvidence)
	a.GET("/facilities/:id/not-applicable", s.listNotApplicable)
	a.PUT("/facilities/:id/not-applicable", s.setNotApplicable)
	a.DELETE("/facilities/:id/not-applicable", s.clearNotApplicable)
	a.GET("/facilities/:id/interviewees", s.listInterviewees)
	a.PUT("/facilities/:id/interviewees", s.setInterviewee)

	a.GET("/evidence/:id", s.getEvidence)
	a.PATCH("/evidence/:id", s.updateEvidence)
	a.DELETE("/evidence/:id", s.deleteEvidence)
	a.GET("/evidence/:id/content", s.evidenceContent)
	a.POST("/evidence/:id/revisions", s.uploadRevision)

	a.GET("/users", s.listUsers)
	a.POST("/users", s.createUser)
	a.GET("/users/:id", s.getUser)
	a.PATCH("/users/:id", s.updateUser)
	a.POST("/users/:id/password", s.resetPassword)
	a.GET("/users/:id/tokens", s.userTokens)
	a.DELETE("/users/:id/tokens/:token", s.revokeUserToken)
	a.POST("/users/:id/roles", s.grantRole)
	a.DELETE("/users/:id/roles/:binding", s.revokeRole)

	a.GET("/surveys", s.listSurveys)
	a.POST("/surveys", s.createSurvey)
	a.GET("/surveys/:id", s.getSurvey)
	a.GET("/surveys/:id/overview", s.surveyOverview)
	a.PUT("/surveys/:id/self-assessment", s.selfAssess)
	a.POST("/surveys/:id/submit", s.submitSurvey)
	a.POST("/surveys/:id/items", s.resubmit)
	a.POST("/surveys/:id/items/:item/review", s.reviewItem)
	a.PUT("/surveys/:id/scores", s.scoreElement)
	a.POST("/surveys/:id/reconcile", s.reconcile)
	a.PUT("/surveys/:id/final", s.setFinal)
	a.POST("/surveys/:id/finalize", s.finalize)
	a.PUT("/surveys/:id/pps/:row", s.updatePPS)
	a.GET("/surveys/:id/report.xlsx", s.surveyXLSX)
	a.GET("/surveys/:id/pack.zip", s.surveyPack)

	a.GET("/reports/gaps", s.gapsReport)
	a.GET("/reports/trends", s.trendsReport)

	a.GET("/audit", s.listAudit)
	a.GET("/audit.csv", s.auditCSV)

	a.GET("/admin/integrity", s.adminIntegrity)
}
