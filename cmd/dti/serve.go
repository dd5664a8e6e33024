package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/assessment/demo"
	"github.com/dti-platform/dti/assessment/sqlite"
	"github.com/dti-platform/dti/scoring"
	"github.com/dti-platform/dti/web"
)

func init() {
	register(command{
		name:    "serve",
		usage:   "dti serve [--db FILE] [--index FILE] [--addr ADDR] [--demo] [--dev]",
		summary: "run the web server",
		run:     runServe,
	})
}

// serveConfig is the configuration of dti serve, from flags, then
// environment variables, then defaults.
type serveConfig struct {
	DB              string
	Index           string
	Addr            string
	BaseURL         string
	Demo            bool
	Dev             bool
	Secure          bool
	TrustedProxies  []string
	SessionLifetime time.Duration
	UploadLimitMB   int
	APIRate         int // requests per minute of one API token
	LogFormat       string
	// Secret is DTI_SECRET; empty means the secret file beside the
	// database.
	Secret string
}

// serveEnv names the environment variable of each flag.
var serveEnv = map[string]string{
	"db":               "DTI_DB",
	"index":            "DTI_INDEX",
	"addr":             "DTI_ADDR",
	"base-url":         "DTI_BASE_URL",
	"demo":             "DTI_DEMO",
	"dev":              "DTI_DEV",
	"secure":           "DTI_SECURE",
	"trusted-proxies":  "DTI_TRUSTED_PROXIES",
	"session-lifetime": "DTI_SESSION_LIFETIME",
	"upload-limit-mb":  "DTI_UPLOAD_LIMIT_MB",
	"api-rate":         "DTI_API_RATE",
	"log-format":       "DTI_LOG_FORMAT",
}

// parseServeConfig reads flags over environment variables over defaults
// and checks the result; every error names the flag and its variable.
func parseServeConfig(args []string, getenv func(string) string, stderr io.Writer) (serveConfig, error) {
	var c serveConfig
	var problems []string
	bad := func(flagName, format string, a ...any) {
		problems = append(problems, fmt.Sprintf("--%s (%s): %s", flagName, serveEnv[flagName], fmt.Sprintf(format, a...)))
	}
	envStr := func(name, def string) string {
		if v := getenv(serveEnv[name]); v != "" {
			return v
		}
		return def
	}
	envBool := func(name string) bool {
		v := getenv(serveEnv[name])
		if v == "" {
			return false
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			bad(name, "%q is not true or false", v)
		}
		return b
	}
	envDur := func(name string, def time.Duration) time.Duration {
		v := getenv(serveEnv[name])
		if v == "" {
			return def
		}
		d, err := time.ParseDuration(v)
		if err != nil {
			bad(name, "%q is not a duration like 8h or 30m", v)
			return def
		}
		return d
	}
	envInt := func(name string, def int) int {
		v := getenv(serveEnv[name])
		if v == "" {
			return def
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			bad(name, "%q is not a whole number", v)
			return def
		}
		return n
	}

	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.DB, "db", envStr("db", "dti.db"), "SQLite database file, created if missing (DTI_DB)")
	fs.StringVar(&c.Index, "index", envStr("index", "indicators.yaml"), "index definition file (DTI_INDEX)")
	fs.StringVar(&c.Addr, "addr", envStr("addr", "127.0.0.1:8080"), "address to listen on, host:port (DTI_ADDR)")
	fs.StringVar(&c.BaseURL, "base-url", envStr("base-url", ""), "public address of the site, e.g. https://dti.example.gov.vn (DTI_BASE_URL)")
	fs.BoolVar(&c.Demo, "demo", envBool("demo"), "load demonstration units, users and data into an empty database (DTI_DEMO)")
	fs.BoolVar(&c.Dev, "dev", envBool("dev"), "development mode: reload templates and static files from web/ (DTI_DEV)")
	fs.BoolVar(&c.Secure, "secure", envBool("secure"), "served over TLS (directly or by a proxy): Secure cookies and HSTS (DTI_SECURE)")
	proxies := fs.String("trusted-proxies", envStr("trusted-proxies", ""), "comma-separated IPs or CIDR ranges of reverse proxies to believe (DTI_TRUSTED_PROXIES)")
	fs.DurationVar(&c.SessionLifetime, "session-lifetime", envDur("session-lifetime", 12*time.Hour), "how long a sign-in lasts (DTI_SESSION_LIFETIME)")
	fs.IntVar(&c.UploadLimitMB, "upload-limit-mb", envInt("upload-limit-mb", 20), "largest uploaded file in MiB (DTI_UPLOAD_LIMIT_MB)")
	fs.IntVar(&c.APIRate, "api-rate", envInt("api-rate", 120), "requests per minute one API token may make (DTI_API_RATE)")
	fs.StringVar(&c.LogFormat, "log-format", envStr("log-format", "text"), "log format: text or json (DTI_LOG_FORMAT)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		problems = append(problems, fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	}
	c.Secret = getenv("DTI_SECRET")
	for _, p := range strings.Split(*proxies, ",") {
		if p = strings.TrimSpace(p); p != "" {
			if net.ParseIP(p) == nil {
				if _, _, err := net.ParseCIDR(p); err != nil {
					bad("trusted-proxies", "%q is neither an IP address nor a CIDR range", p)
				}
			}
			c.TrustedProxies = append(c.TrustedProxies, p)
		}
	}

	if c.DB == "" {
		bad("db", "must not be empty")
	} else if dir := filepath.Dir(c.DB); dir != "." {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			bad("db", "directory %s does not exist", dir)
		}
	}
	if c.Index == "" {
		bad("index", "must not be empty")
	}
	if _, port, err := net.SplitHostPort(c.Addr); err != nil {
		bad("addr", "%q is not host:port (e.g. 127.0.0.1:8080 or :8080)", c.Addr)
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		bad("addr", "port %q is not a number from 0 to 65535", port)
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("base-url", "%q is not an http:// or https:// address", c.BaseURL)
		} else if u.Scheme == "https" {
			c.Secure = true
		}
	}
	if c.SessionLifetime < time.Minute || c.SessionLifetime > 30*24*time.Hour {
		bad("session-lifetime", "%s is outside 1m..720h", c.SessionLifetime)
	}
	if c.UploadLimitMB < 1 || c.UploadLimitMB > 1024 {
		bad("upload-limit-mb", "%d is outside 1..1024", c.UploadLimitMB)
	}
	if c.APIRate < 1 || c.APIRate > 100000 {
		bad("api-rate", "%d is outside 1..100000", c.APIRate)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		bad("log-format", "%q is not text or json", c.LogFormat)
	}
	if c.Secret != "" && len(c.Secret) < 32 {
		problems = append(problems, "DTI_SECRET: must be at least 32 characters")
	}
	if len(problems) > 0 {
		return c, errors.New(strings.Join(problems, "\n"))
	}
	return c, nil
}

// runServe runs the web server until ctx is cancelled (SIGINT, SIGTERM),
// then shuts down, letting open requests finish.
func runServe(ctx context.Context, env *cmdEnv, args []string) error {
	cfg, err := parseServeConfig(args, env.getenv, env.stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		fmt.Fprintf(env.stderr, "dti serve: invalid configuration:\n%s\n", err)
		return exitError{2}
	}
	var handler slog.Handler = slog.NewTextHandler(env.stderr, nil)
	if cfg.LogFormat == "json" {
		handler = slog.NewJSONHandler(env.stderr, nil)
	}
	logger := slog.New(handler)

	src, err := os.ReadFile(cfg.Index)
	if err != nil {
		return fmt.Errorf("--index (DTI_INDEX): %w", err)
	}
	ix, err := scoring.ParseIndex(src)
	if err != nil {
		return fmt.Errorf("index %s is not valid:\n%w", cfg.Index, err)
	}
	secret, err := loadSecret(cfg)
	if err != nil {
		return err
	}
	store, err := sqlite.Open(cfg.DB, sqlite.WithMaxEvidenceSize(int64(cfg.UploadLimitMB)<<20))
	if err != nil {
		return fmt.Errorf("--db (DTI_DB): %w", err)
	}
	defer store.Close()
	if cfg.Demo {
		res, err := demo.Build(ctx, store, demo.Options{Index: src, Now: time.Now()})
		switch {
		case errors.Is(err, assessment.ErrConflict):
			logger.Info("demo: the database already holds data; it is left as it is")
		case err != nil:
			return fmt.Errorf("--demo (DTI_DEMO): %w", err)
		default:
			logger.Info("demo: built", "units", res.Units, "published", res.PastPeriod, "open", res.CurrentPeriod)
			demo.PrintAccounts(env.stdout, res.Accounts)
		}
	}

	srv, err := web.New(web.Config{
		Store:                store,
		Index:                ix,
		Logger:               logger,
		Dev:                  cfg.Dev,
		BaseURL:              cfg.BaseURL,
		Secure:               cfg.Secure,
		TrustedProxies:       cfg.TrustedProxies,
		SessionLifetime:      cfg.SessionLifetime,
		UploadLimit:          cfg.UploadLimitMB << 20,
		APIRequestsPerMinute: cfg.APIRate,
		Secret:               secret,
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("--addr (DTI_ADDR): %w", err)
	}
	logger.Info("listening", "url", "http://"+ln.Addr().String(), "index", ix.Code+" "+ix.Version, "dev", cfg.Dev)

	done := make(chan error, 1)
	go func() { done <- srv.Listener(ln) }()
	go sweepSessions(ctx, store, logger)
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	<-done
	return nil
}

// loadSecret returns DTI_SECRET, or the key in the file dti.secret beside
// the database, creating it (mode 0600) on first start: CSRF tokens then
// survive restarts.
func loadSecret(cfg serveConfig) ([]byte, error) {
	if cfg.Secret != "" {
		return []byte(cfg.Secret), nil
	}
	path := filepath.Join(filepath.Dir(cfg.DB), "dti.secret")
	b, err := os.ReadFile(path)
	if err == nil {
		if len(b) < 32 {
			return nil, fmt.Errorf("secret file %s is shorter than 32 bytes; delete it to make a new one", path)
		}
		return b, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("secret file: %w", err)
	}
	b = []byte(newSecret())
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return nil, fmt.Errorf("secret file: %w", err)
	}
	return b, nil
}

// sweepSessions deletes expired sessions every hour until ctx ends. Expired
// sessions are already refused; this only keeps the table small.
func sweepSessions(ctx context.Context, store interface {
	DeleteExpiredSessions(context.Context) (int, error)
}, logger *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := store.DeleteExpiredSessions(ctx); err != nil {
				logger.Error("delete expired sessions", "err", err)
			} else if n > 0 {
				logger.Info("deleted expired sessions", "count", n)
			}
		}
	}
}
