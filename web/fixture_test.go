package web

import (
	"context"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/assessment/sqlite"
	"github.com/dti-platform/dti/scoring"
)

// testPassword is every fixture user's password.
const testPassword = "mật khẩu thử nghiệm"

var (
	hashOnce sync.Once
	testHash string
)

// passwordHash hashes testPassword once per test binary (argon2id is slow
// on purpose).
func passwordHash(t testing.TB) string {
	hashOnce.Do(func() {
		h, err := assessment.HashPassword(testPassword)
		if err != nil {
			panic(err)
		}
		testHash = h
	})
	return testHash
}

// fixture is a store in a temp directory with units, users of every role
// and one open period pinned to testdata/index.yaml.
type fixture struct {
	// now is the clock of the store and the server; tests move it.
	now    time.Time
	store  *sqlite.DB
	ix     *scoring.Index
	period *assessment.Period
	units  map[string]*assessment.Unit
	users  map[string]*assessment.User
}

// Fixture users by name: their grants.
var fixtureUsers = []struct {
	name   string
	role   assessment.Role
	unit   string // "" for province-wide
	forced bool
}{
	{"admin", assessment.RoleAdmin, "", false},
	{"reviewer", assessment.RoleReviewer, "", false},
	{"viewer", assessment.RoleViewer, "", false},
	{"editor.tc", assessment.RoleEditor, "SO-TC", false},
	{"approver.tc", assessment.RoleApprover, "SO-TC", false},
	{"editor.yt", assessment.RoleEditor, "SO-YT", false},
	{"approver.yt", assessment.RoleApprover, "SO-YT", false},
	{"reset.user", assessment.RoleEditor, "SO-TC", true},
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	fx := &fixture{now: fixedNow}
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "dti.db"), sqlite.WithClock(fx.clock))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	*fx = fixture{now: fixedNow, store: db, ix: testIndex(), units: map[string]*assessment.Unit{}, users: map[string]*assessment.User{}}
	sys := assessment.SystemActor
	for _, u := range []*assessment.Unit{
		{Code: "SO-TC", NameVI: "Sở Tài chính", NameEN: "Department of Finance", Type: "department", Active: true},
		{Code: "SO-YT", NameVI: "Sở Y tế", NameEN: "Department of Health", Type: "department", Active: true},
		{Code: "H-A", NameVI: "Huyện A", NameEN: "District A", Type: "district", Active: true},
	} {
		if err := db.CreateUnit(ctx, sys, u); err != nil {
			t.Fatalf("CreateUnit %s: %v", u.Code, err)
		}
		fx.units[u.Code] = u
	}
	for _, fu := range fixtureUsers {
		g := assessment.Grant{Role: fu.role}
		if fu.unit != "" {
			g.UnitID = fx.units[fu.unit].ID
		}
		u := &assessment.User{Username: fu.name, FullName: "Người dùng " + fu.name, Lang: "vi",
			PasswordHash: passwordHash(t), MustChangePassword: fu.forced, Grants: []assessment.Grant{g}}
		if err := db.CreateUser(ctx, sys, u); err != nil {
			t.Fatalf("CreateUser %s: %v", fu.name, err)
		}
		fx.users[fu.name] = u
	}
	fx.period = fx.addPeriod(t, "DTI-2025", 2025, assessment.PeriodOpen, false)
	return fx
}

// clock is the fixture's clock.
func (fx *fixture) clock() time.Time { return fx.now }

// addPeriod creates a period pinned to the fixture index.
func (fx *fixture) addPeriod(t testing.TB, code string, year int, status assessment.PeriodStatus, public bool) *assessment.Period {
	t.Helper()
	p := &assessment.Period{
		Code: code, Name: "Đánh giá DTI " + code, Year: year, Status: status, Public: public,
		IndexCode: fx.ix.Code, IndexVersion: fx.ix.Version, IndexHash: fx.ix.Hash, IndexSource: fx.ix.Source,
		OpensAt: fixedNow.Add(-24 * time.Hour), ClosesAt: fixedNow.Add(30 * 24 * time.Hour),
	}
	if err := fx.store.CreatePeriod(context.Background(), assessment.SystemActor, p); err != nil {
		t.Fatalf("CreatePeriod %s: %v", code, err)
	}
	return p
}

// signIn starts a session for the user directly in the store and returns
// its cookie (the sign-in form has its own tests).
func (fx *fixture) signIn(t testing.TB, name string) *http.Cookie {
	t.Helper()
	u := fx.users[name]
	secret, hash, err := assessment.NewSecret("")
	if err != nil {
		t.Fatal(err)
	}
	err = fx.store.CreateSession(context.Background(), &assessment.Session{
		ID: hash, UserID: u.ID, CSRFToken: "csrf-" + name, ExpiresAt: fixedNow.Add(time.Hour),
	})
	if err != nil {
		t.Fatal(err)
	}
	return &http.Cookie{Name: cookieSession, Value: secret}
}
