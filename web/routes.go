package web

import (
	"fmt"
	"runtime/debug"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"github.com/dti-platform/dti/assessment"
)

// routes registers every route of the application. Fiber runs middleware
// and handlers in the order they are registered, so this list reads top
// down as a request travels: what is registered before a Use is not
// affected by it.
func (s *Server) routes() {
	app := s.app

	// Every request: request id, security headers, error pages, log; then
	// panics become errors.
	app.Use(s.frame)
	app.Use(recover.New(recover.Config{
		EnableStackTrace: true,
		StackTraceHandler: func(c *fiber.Ctx, e any) {
			s.log.Error("panic", "request_id", requestID(c), "panic", fmt.Sprint(e), "stack", string(debug.Stack()))
		},
	}))

	// Static files and the health check: no session, no CSRF.
	app.Get("/static/charts/:name", s.charts.serve)
	app.Get("/static/:hash/*", s.assets.serve)
	app.Get("/healthz", s.healthz)

	// The JSON API for machines (/api/v1): bearer tokens only, registered
	// before the session so that no cookie ever authenticates it.
	s.apiRoutes(app)

	// Everything else: the language, the session, the CSRF check (every
	// method but GET/HEAD/OPTIONS must carry the token), and the forced
	// password change after an admin reset.
	app.Use(s.language, s.loadSession, s.csrf, s.forcePasswordChange)

	// Public: visitors see published public results; the rest signs in.
	app.Get("/", s.home)
	app.Get("/lang/:code", s.switchLang)
	app.Get("/login", s.loginPage)
	app.Post("/login", s.login)
	app.Get("/results", s.resultsList)
	app.Get("/results/:period", s.rankingPage)
	app.Get("/results/:period/ranking.xlsx", s.rankingWorkbook)
	// Charts, unit profiles and their downloads: the ranking's visibility;
	// a profile of a private period also needs a right over results, and
	// the scorecard a role over the unit (see accessUnit).
	app.Get("/results/:period/charts/:kind", s.chartPage)
	app.Get("/results/:period/charts/:kind/download", s.chartDownload)
	app.Get("/results/:period/units/:unit", s.profilePage)
	app.Get("/results/:period/units/:unit/radar.html", s.unitChartDownload("radar"))
	app.Get("/results/:period/units/:unit/trend.html", s.unitChartDownload("trend"))
	app.Get("/results/:period/units/:unit/scorecard.xlsx", s.requireUser, s.scorecardDownload)
	app.Get("/index", s.indexOverview)
	app.Get("/index/form/:type", s.formPreview)

	// Signed-in users.
	app.Post("/logout", s.requireUser, s.logout)
	app.Get("/account/password", s.requireUser, s.passwordPage)
	app.Post("/account/password", s.requireUser, s.changePassword)
	app.Post("/account/lang", s.requireUser, s.saveLanguage)
	// API tokens: one's own; province-wide admins see and make every
	// account's (see account_tokens.go).
	app.Get("/account/tokens", s.requireUser, s.tokensPage)
	app.Post("/account/tokens", s.requireUser, s.createToken)
	app.Post("/account/tokens/:id/revoke", s.requireUser, s.revokeToken)

	// The appraisal council's queue (reviewers and admins).
	app.Get("/reviews", s.requireUser, s.reviewQueue)
	app.Post("/reviews/approve", s.requireUser, s.bulkApprove)

	// A unit's form: loadForm checks the user's roles over the unit
	// (editors and approvers fill it, admins read it, reviewers read it
	// once submitted) and the workflow decides what they may do now.
	form := app.Group("/periods/:period/units/:unit/form", s.requireUser)
	form.Get("", s.formPage)
	form.Post("", s.saveValuesForm)
	form.Post("/values", s.saveValuesJSON)
	form.Get("/score", s.scoreJSON)
	form.Post("/submit", s.submitForm)
	form.Post("/approve", s.reviewDecision(assessment.ActApprove))
	form.Post("/return", s.reviewDecision(assessment.ActReturn))
	form.Get("/review", s.appraisalPage)
	form.Post("/review", s.appraisalDecide)
	form.Post("/evidence", s.addEvidence)
	form.Post("/evidence/delete", s.deleteEvidence)
	form.Get("/evidence/:id", s.evidenceFile)
	form.Get("/template.xlsx", s.templateDownload)
	form.Get("/import", s.importPage)
	form.Post("/import", s.importPreview)
	form.Post("/import/apply", s.importApply)

	// A unit's results across the published periods.
	app.Get("/units/:unit/history", s.requireUser, s.historyPage)

	// Administration of units and users: admins of any scope. A district
	// admin manages only its subtree (the handlers narrow through
	// adminScopeOf). Registered before the province-wide group below so
	// that its check does not run first.
	app.Get("/admin/units", s.requireAnyAdmin, s.adminUnits)
	app.Get("/admin/units/new", s.requireAnyAdmin, s.newUnitPage)
	app.Post("/admin/units", s.requireAnyAdmin, s.createUnit)
	app.Get("/admin/units/:unit", s.requireAnyAdmin, s.editUnitPage)
	app.Post("/admin/units/:unit", s.requireAnyAdmin, s.updateUnit)
	app.Get("/admin/users", s.requireAnyAdmin, s.adminUsers)
	app.Get("/admin/users/new", s.requireAnyAdmin, s.newUserPage)
	app.Post("/admin/users", s.requireAnyAdmin, s.createUser)
	app.Get("/admin/users/:id", s.requireAnyAdmin, s.editUserPage)
	app.Post("/admin/users/:id", s.requireAnyAdmin, s.updateUser)
	app.Post("/admin/users/:id/disable", s.requireAnyAdmin, s.setUserDisabled(true))
	app.Post("/admin/users/:id/enable", s.requireAnyAdmin, s.setUserDisabled(false))
	app.Post("/admin/users/:id/reset-password", s.requireAnyAdmin, s.resetUserPassword)

	// Administration: province-wide admins.
	admin := app.Group("/admin", s.requireAdmin)
	admin.Get("/periods", s.adminPeriods)
	admin.Get("/periods/new", s.newPeriodPage)
	admin.Post("/periods", s.createPeriod)
	admin.Get("/periods/:period/preview", s.periodPreview)
	admin.Get("/periods/:period/edit", s.editPeriodPage)
	admin.Post("/periods/:period/edit", s.updatePeriod)
	admin.Get("/audit", s.adminAudit)
	admin.Get("/audit/export.:format", s.auditExport)
	admin.Get("/imports/:kind", s.adminImportPage)
	admin.Get("/imports/:kind/sample.csv", s.importSample)
	admin.Post("/imports/:kind", s.uploadImport)
	admin.Get("/imports/:kind/:id", s.previewImport)
	admin.Post("/imports/:kind/:id", s.applyImport)
	admin.Get("/periods/:period/preview.xlsx", s.previewWorkbook)
	admin.Get("/periods/:period/rawdata.xlsx", s.rawDataDownload("xlsx"))
	admin.Get("/periods/:period/rawdata.csv", s.rawDataDownload("csv"))
	admin.Get("/periods/:period/migrate", s.migratePage)
	admin.Post("/periods/:period/migrate", s.uploadMigration)
	admin.Get("/periods/:period/migrate/:id", s.migrationReport)
	admin.Post("/periods/:period/migrate/:id", s.confirmMigration)
	admin.Post("/periods/:period/:action", s.periodAction)
}
