package web

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/scoring"
)

// Config holds every dependency and setting of the web application. The
// zero value of each optional field has a sensible default (see New).
type Config struct {
	// Store keeps the domain: users and sessions, units, periods, forms.
	Store assessment.Store
	// Index is the parsed default index (indicators.yaml): shown on the
	// index pages and pinned to new periods.
	Index *scoring.Index
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives the request log and errors; nil discards them.
	Logger *slog.Logger
	// Location is the time zone dates are shown in; nil means Vietnam
	// (UTC+7, no daylight saving).
	Location *time.Location
	// Dev reloads templates and static files from web/templates and
	// web/static on disk (when present) on every request, and disables
	// asset caching.
	Dev bool
	// BaseURL is the public address of the site (https://dti.example.gov.vn),
	// used in links written outside a request (mails, exports).
	BaseURL string
	// Secure marks a deployment served over TLS (directly or by a proxy):
	// cookies get the Secure flag and responses Strict-Transport-Security.
	Secure bool
	// TrustedProxies are the addresses (IPs or CIDR ranges) of reverse
	// proxies whose X-Forwarded-For and X-Forwarded-Proto headers are
	// believed. Empty: the headers are ignored.
	TrustedProxies []string
	// SessionLifetime is how long a sign-in lasts without activity;
	// 0 means 12 hours.
	SessionLifetime time.Duration
	// BodyLimit caps a request body in bytes, except on the upload routes
	// and the API; 0 means 1 MiB. Larger bodies are refused (413) from
	// their Content-Length, before they are read.
	BodyLimit int
	// UploadLimit caps an uploaded evidence or workbook file in bytes;
	// 0 means 20 MiB. Only the upload routes (evidence, the unit's
	// template, admin imports, index migration) accept bodies that large.
	UploadLimit int
	// APIRequestsPerMinute is how many requests one API token may make
	// per minute (also its burst); 0 means 120.
	APIRequestsPerMinute int
	// Secret keys the CSRF tokens of visitors. At least 32 bytes; nil
	// means a random key per process (tokens of open pages then stop
	// working after a restart).
	Secret []byte
}

// Server is the web application.
type Server struct {
	cfg    Config
	app    *fiber.App
	log    *slog.Logger
	views  *views
	assets *assets
	cats   map[string]catalog

	loginUser    *limiter // failed sign-ins per username and client address
	loginAccount *limiter // failed sign-ins per username, over all addresses
	loginIP      *limiter // sign-in attempts per client address
	// trusted are the reverse proxies whose X-Forwarded-For is read
	// (see clientIP).
	trusted []netip.Prefix
	indexes indexCache
	// snapshots keeps the final results of published snapshots, which
	// never change once written: the ranking page is the busiest page of
	// the site and should not decode a period's results on every view.
	snapshots renderCache[*scoring.Results]
	// rankingTables caches the rendered tables of published rankings.
	rankingTables renderCache[template.HTML]
	// publishedRankings caches the look-up of published rankings briefly.
	publishedRankings publishedCache
	// workbooks caches the Excel files of published rankings.
	workbooks renderCache[[]byte]
	// charts are the chart scripts; chartScripts their URLs in load order.
	charts       chartAssets
	chartScripts []string
	// imports keeps uploaded import files between preview and apply.
	imports importStash
	// results caches what the profile and chart pages derive from
	// published snapshots.
	results resultCaches
	// api holds the JSON API's rate limiters.
	api apiState
}

// Defaults of Config.
const (
	defaultSessionLifetime = 12 * time.Hour
	defaultBodyLimit       = 1 << 20
	defaultUploadLimit     = 20 << 20
)

// vietnam is the platform's default time zone (Indochina Time).
var vietnam = time.FixedZone("ICT", 7*3600)

// New checks cfg, parses the templates and message catalogs (failing on any
// problem) and builds the application with every route.
func New(cfg Config) (*Server, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Location == nil {
		cfg.Location = vietnam
	}
	if cfg.SessionLifetime == 0 {
		cfg.SessionLifetime = defaultSessionLifetime
	}
	if cfg.SessionLifetime < 0 {
		return nil, errors.New("web: session lifetime must be positive")
	}
	if cfg.BodyLimit == 0 {
		cfg.BodyLimit = defaultBodyLimit
	}
	if cfg.UploadLimit == 0 {
		cfg.UploadLimit = defaultUploadLimit
	}
	if cfg.BodyLimit < 0 || cfg.UploadLimit < 0 {
		return nil, errors.New("web: body and upload limits must be positive")
	}
	if cfg.Secret == nil {
		cfg.Secret = make([]byte, 32)
		if _, err := rand.Read(cfg.Secret); err != nil {
			return nil, fmt.Errorf("web: secret: %w", err)
		}
	}
	if len(cfg.Secret) < 32 {
		return nil, errors.New("web: secret must be at least 32 bytes")
	}
	for _, p := range cfg.TrustedProxies {
		if net.ParseIP(p) == nil {
			if _, _, err := net.ParseCIDR(p); err != nil {
				return nil, fmt.Errorf("web: trusted proxy %q is neither an IP address nor a CIDR range", p)
			}
		}
	}

	if cfg.Store == nil {
		return nil, errors.New("web: a store is required")
	}
	s := &Server{cfg: cfg, log: cfg.Logger, trusted: parseTrustedProxies(cfg.TrustedProxies)}
	s.loginUser = newLimiter(loginBurstPerUser, loginEveryPerUser, cfg.Now)
	s.loginAccount = newLimiter(loginBurstPerAccount, loginEveryPerAccount, cfg.Now)
	s.loginIP = newLimiter(loginBurstPerIP, loginEveryPerIP, cfg.Now)
	s.charts, s.chartScripts = newChartAssets()
	templatesFS, staticFiles := embeddedFS()
	if cfg.Dev {
		// Edit-and-reload: read from the source tree when run from the
		// module root.
		if fi, err := os.Stat("web/templates"); err == nil && fi.IsDir() {
			templatesFS = os.DirFS("web/templates")
		}
		if fi, err := os.Stat("web/static"); err == nil && fi.IsDir() {
			staticFiles = os.DirFS("web/static")
		}
	}
	cats, err := loadCatalogs(catalogFS)
	if err != nil {
		return nil, err
	}
	s.cats = cats
	s.assets, err = loadAssets(staticFiles, cfg.Dev)
	if err != nil {
		return nil, err
	}
	s.views, err = newViews(templatesFS, cats, s.assets, cfg.Location, cfg.Dev)
	if err != nil {
		return nil, err
	}

	fcfg := fiber.Config{
		// Strings from the request stay valid after the handler returns.
		Immutable:             true,
		ErrorHandler:          s.handleError,
		BodyLimit:             cfg.BodyLimit,
		DisableStartupMessage: true,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		// Forwarded headers are believed only from the listed proxies.
		// No ProxyHeader: fiber's c.IP() would return the client-written
		// X-Forwarded-For as is; the client address is clientIP's.
		EnableTrustedProxyCheck: true,
		TrustedProxies:          cfg.TrustedProxies,
		AppName:                 "dti",
	}
	s.app = fiber.New(fcfg)
	// Per-route body limits, set from the header before the body is read
	// (fiber has no per-route limit without streaming request bodies).
	s.app.Server().HeaderReceived = s.requestConfig
	s.routes()
	return s, nil
}

// App returns the fiber application, for tests (app.Test) and for serving.
func (s *Server) App() *fiber.App { return s.app }

// Listener serves the application on ln until Shutdown.
func (s *Server) Listener(ln net.Listener) error { return s.app.Listener(ln) }

// Shutdown stops accepting connections and waits for open requests to end,
// at most until ctx is done.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.app.ShutdownWithContext(ctx)
	if cerr := s.imports.close(); err == nil {
		err = cerr
	}
	return err
}

// embeddedFS returns the embedded templates and static files rooted at
// their directories.
func embeddedFS() (templates, static fs.FS) {
	t, err := fs.Sub(templateFS, "templates")
	if err != nil {
		panic(err) // the embed pattern guarantees the directory
	}
	st, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err)
	}
	return t, st
}
