// Package web is the platform's web interface: a fiber application that
// parses requests, calls the assessment store, the scoring engine and the
// report writers, and renders server-side HTML from embedded templates.
//
// It owns the routes (routes.go), security middleware (headers, CSRF,
// sessions, throttling), the message catalogs for Vietnamese and English,
// the templates and the static files. It holds no SQL and no scoring
// arithmetic: values are stored by the assessment store and scored by the
// scoring package; web only formats them for reading.
//
// It also serves the JSON API for machines under /api/v1 (api*.go):
// bearer tokens instead of sessions, JSON errors, an OpenAPI document in
// static/openapi.json.
//
// Nothing in this module imports web except cmd/dti.
package web
