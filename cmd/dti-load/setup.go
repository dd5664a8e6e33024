package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"time"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/assessment/demo"
	"github.com/dti-platform/dti/assessment/sqlite"
	"github.com/dti-platform/dti/scoring"
	"github.com/dti-platform/dti/web"
)

// sessionCookie is the name of the web application's session cookie.
const sessionCookie = "dti_session"

// loadEnv is the running server and what the phases need of its data.
type loadEnv struct {
	db        *sqlite.DB
	srv       *web.Server
	base      string // http://127.0.0.1:PORT
	units     int    // units of the demo province
	published string // code of the published period
	current   string // code of the open period
	periodID  int64  // ID of the open period
	field     fieldSpec
	editors   []*editor
	client    *http.Client
}

// fieldSpec is the form input every editor types into.
type fieldSpec struct {
	Indicator, Input string
	// Max is the largest value the input accepts (values wrap around).
	Max int
}

// editor is one signed-in editor of its own unit.
type editor struct {
	unitID    int64
	unitCode  string
	subID     int64
	cookie    string // session secret
	csrf      string
	version   int64 // the form version the editor last saw
	startVer  int64
	acked     []ack
	conflicts int
}

// ack is one save the server acknowledged.
type ack struct {
	value   string
	version int64
}

// setup builds the demo province in a new database under dir, adds an own
// unit, account, session and form for every editor, and starts the server
// on a loopback port.
func setup(ctx context.Context, dir string, src []byte, cfg config) (*loadEnv, error) {
	db, err := sqlite.Open(filepath.Join(dir, "dti.db"))
	if err != nil {
		return nil, err
	}
	env := &loadEnv{db: db}
	ok := false
	defer func() {
		if !ok {
			env.close()
		}
	}()
	now := time.Now()
	res, err := demo.Build(ctx, db, demo.Options{Index: src, Now: now, Seed: cfg.Seed})
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	env.units, env.published, env.current = res.Units, res.PastPeriod, res.CurrentPeriod
	period, err := db.FindPeriodByCode(ctx, res.CurrentPeriod)
	if err != nil {
		return nil, err
	}
	env.periodID = period.ID
	_, ix, err := assessment.PinIndex([]byte(period.IndexSource))
	if err != nil {
		return nil, err
	}
	const unitType = "department"
	env.field, err = pickField(ix, unitType)
	if err != nil {
		return nil, err
	}
	if err := env.addEditors(ctx, ix, unitType, cfg.Editors, now); err != nil {
		return nil, err
	}

	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return nil, err
	}
	env.srv, err = web.New(web.Config{Store: db, Index: ix, Secret: secret, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	go env.srv.Listener(ln)
	env.base = "http://" + ln.Addr().String()
	conns := max(cfg.Clients, cfg.Editors) + 8
	env.client = &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns: conns, MaxIdleConnsPerHost: conns,
			DisableCompression: true, IdleConnTimeout: time.Minute,
		},
		// The phases judge the first answer; a redirect is an error.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	ok = true
	return env, nil
}

// close stops the server and closes the database.
func (env *loadEnv) close() {
	if env.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		env.srv.Shutdown(ctx)
		cancel()
	}
	if env.client != nil {
		env.client.CloseIdleConnections()
	}
	env.db.Close()
}

// pickField chooses the first self-reported count or number input of an
// indicator that applies to the unit type, preferring one without an upper
// limit: every save then writes a new, distinct value.
func pickField(ix *scoring.Index, unitType string) (fieldSpec, error) {
	var best fieldSpec
	for _, n := range ix.IndicatorsFor(unitType) {
		if n.Source.ReadOnlyForUnit() {
			continue
		}
		for _, in := range n.Inputs {
			if (in.Type != scoring.InputCount && in.Type != scoring.InputNumber) || in.Source.ReadOnlyForUnit() {
				continue
			}
			if in.Min != nil && *in.Min > 0 {
				continue
			}
			limit := math.MaxInt32
			if in.Max != nil {
				limit = int(math.Min(*in.Max, math.MaxInt32))
			}
			if limit > best.Max {
				best = fieldSpec{Indicator: n.Code, Input: in.Key, Max: limit}
			}
			if limit == math.MaxInt32 {
				return best, nil
			}
		}
	}
	if best.Max < 2 {
		return best, fmt.Errorf("the index has no self-reported count or number input for unit type %s", unitType)
	}
	return best, nil
}

// addEditors creates n units of the unit type outside the demo's ranking,
// each with one editor account, a session and an open form.
func (env *loadEnv) addEditors(ctx context.Context, ix *scoring.Index, unitType string, n int, now time.Time) error {
	var block string
	for _, b := range ix.Blocks {
		if slices.Contains(b.UnitTypes, unitType) {
			block = b.Code
			break
		}
	}
	pw := make([]byte, 24)
	rand.Read(pw)
	// One hash for every account: argon2id is slow on purpose, and the
	// phases never sign in with a password.
	hash, err := assessment.HashPassword(base64.RawURLEncoding.EncodeToString(pw))
	if err != nil {
		return err
	}
	sys := assessment.SystemActor
	for i := 1; i <= n; i++ {
		u := &assessment.Unit{Code: fmt.Sprintf("TAI-%04d", i), NameVI: fmt.Sprintf("Đơn vị thử tải %d", i),
			NameEN: fmt.Sprintf("Load test unit %d", i), Type: unitType, Block: block, Active: true}
		if err := env.db.CreateUnit(ctx, sys, u); err != nil {
			return fmt.Errorf("unit %s: %w", u.Code, err)
		}
		usr := &assessment.User{Username: fmt.Sprintf("tai.%04d", i), FullName: fmt.Sprintf("Cán bộ thử tải %d", i),
			Lang: "vi", PasswordHash: hash, Grants: []assessment.Grant{{Role: assessment.RoleEditor, UnitID: u.ID}}}
		if err := env.db.CreateUser(ctx, sys, usr); err != nil {
			return fmt.Errorf("user %s: %w", usr.Username, err)
		}
		secret, id, err := assessment.NewSecret("")
		if err != nil {
			return err
		}
		csrf := make([]byte, 32)
		rand.Read(csrf)
		sess := &assessment.Session{ID: id, UserID: usr.ID, CSRFToken: base64.RawURLEncoding.EncodeToString(csrf),
			CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(12 * time.Hour), IP: "127.0.0.1", UserAgent: "dti-load"}
		if err := env.db.CreateSession(ctx, sess); err != nil {
			return fmt.Errorf("session of %s: %w", usr.Username, err)
		}
		sub, err := env.db.EnsureSubmission(ctx, sys, env.periodID, u.ID)
		if err != nil {
			return fmt.Errorf("form of %s: %w", u.Code, err)
		}
		env.editors = append(env.editors, &editor{unitID: u.ID, unitCode: u.Code, subID: sub.ID,
			cookie: secret, csrf: sess.CSRFToken, version: sub.Version, startVer: sub.Version})
	}
	return nil
}
