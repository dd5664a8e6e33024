package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/assessment/sqlite"
)

func TestSessions(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	secret, id, err := assessment.NewSecret("")
	if err != nil || id != assessment.HashSecret(secret) {
		t.Fatalf("NewSecret = %q %q %v", secret, id, err)
	}
	s := &assessment.Session{ID: id, UserID: f.editor.ID, CSRFToken: "csrf", ExpiresAt: testNow.Add(time.Hour), IP: "10.0.0.1", UserAgent: "Firefox"}
	if err := f.db.CreateSession(ctx, s); err != nil {
		t.Fatal(err)
	}
	got, err := f.db.FindSession(ctx, id)
	if err != nil || got.UserID != f.editor.ID || got.CSRFToken != "csrf" || !got.ExpiresAt.Equal(testNow.Add(time.Hour)) {
		t.Fatalf("FindSession = %+v, %v", got, err)
	}
	u, _ := f.db.FindUserByID(ctx, f.editor.ID)
	if !u.LastLoginAt.Equal(testNow) {
		t.Errorf("LastLoginAt = %v; want %v", u.LastLoginAt, testNow)
	}
	if _, err := f.db.FindSession(ctx, assessment.HashSecret("other")); !errors.Is(err, assessment.ErrNotFound) {
		t.Errorf("FindSession(unknown) = %v; want ErrNotFound", err)
	}
	if err := f.db.CreateSession(ctx, &assessment.Session{ID: assessment.HashSecret("x"), UserID: 999, CSRFToken: "c", ExpiresAt: testNow.Add(time.Hour)}); !errors.Is(err, assessment.ErrNotFound) {
		t.Errorf("CreateSession(unknown user) = %v; want ErrNotFound", err)
	}

	// Sliding expiry, then expiry.
	f.clock.Add(50 * time.Minute)
	if err := f.db.TouchSession(ctx, id, f.clock.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(50 * time.Minute)
	if _, err := f.db.FindSession(ctx, id); err != nil {
		t.Errorf("FindSession after touch = %v", err)
	}
	f.clock.Add(11 * time.Minute)
	if _, err := f.db.FindSession(ctx, id); !errors.Is(err, assessment.ErrNotFound) {
		t.Errorf("FindSession after expiry = %v; want ErrNotFound", err)
	}
	if n, err := f.db.DeleteExpiredSessions(ctx); err != nil || n != 1 {
		t.Errorf("DeleteExpiredSessions = %d, %v; want 1", n, err)
	}
	if err := f.db.TouchSession(ctx, id, testNow); !errors.Is(err, assessment.ErrNotFound) {
		t.Errorf("TouchSession(deleted) = %v; want ErrNotFound", err)
	}
	if err := f.db.DeleteSession(ctx, id); err != nil {
		t.Errorf("DeleteSession(missing) = %v; want nil", err)
	}
}

func TestAPITokens(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tok, secret, err := f.db.CreateAPIToken(ctx, admin, f.editor.ID, "Hệ thống một cửa")
	if err != nil {
		t.Fatal(err)
	}
	if tok.Hash == secret || tok.Hash != assessment.HashSecret(secret) || secret[:len(tok.Prefix)] != tok.Prefix {
		t.Errorf("token %+v does not match its secret", tok)
	}
	got, u, err := f.db.AuthenticateToken(ctx, secret)
	if err != nil || got.ID != tok.ID || u.ID != f.editor.ID || !got.LastUsedAt.Equal(testNow) {
		t.Fatalf("AuthenticateToken = %+v, %v, %v", got, u, err)
	}
	for _, bad := range []string{"", "dti_wrong", secret + "x", secret[4:]} {
		if _, _, err := f.db.AuthenticateToken(ctx, bad); !errors.Is(err, assessment.ErrNotFound) {
			t.Errorf("AuthenticateToken(%q) = %v; want ErrNotFound", bad, err)
		}
	}
	if _, _, err := f.db.CreateAPIToken(ctx, admin, f.editor.ID, " "); !errors.Is(err, assessment.ErrInvalid) {
		t.Errorf("CreateAPIToken(no name) = %v; want ErrInvalid", err)
	}
	if _, _, err := f.db.CreateAPIToken(ctx, admin, 999, "x"); !errors.Is(err, assessment.ErrNotFound) {
		t.Errorf("CreateAPIToken(unknown user) = %v; want ErrNotFound", err)
	}
	yes := true
	if _, err := f.db.UpdateUser(ctx, admin, f.editor.ID, assessment.UserUpdate{Disabled: &yes}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.db.AuthenticateToken(ctx, secret); !errors.Is(err, assessment.ErrForbidden) {
		t.Errorf("AuthenticateToken(disabled user) = %v; want ErrForbidden", err)
	}
	if err := f.db.RevokeAPIToken(ctx, admin, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.db.AuthenticateToken(ctx, secret); !errors.Is(err, assessment.ErrNotFound) {
		t.Errorf("AuthenticateToken(revoked) = %v; want ErrNotFound", err)
	}
	if err := f.db.RevokeAPIToken(ctx, admin, tok.ID); !errors.Is(err, assessment.ErrNotFound) {
		t.Errorf("RevokeAPIToken twice = %v; want ErrNotFound", err)
	}
	list, err := f.db.FindAPITokens(ctx, f.editor.ID)
	if err != nil || len(list) != 1 || list[0].Active() {
		t.Errorf("FindAPITokens = %+v, %v", list, err)
	}
}

func TestFindAudit_FiltersAndPaging(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for i := range 5 {
		f.clock.Add(time.Minute)
		if err := f.db.AddAudit(ctx, &assessment.AuditEntry{ActorID: f.editor.ID, ActorName: "editor1", Action: "user.login_failed",
			Field: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.db.AddAudit(ctx, &assessment.AuditEntry{}); !errors.Is(err, assessment.ErrInvalid) {
		t.Errorf("AddAudit(no action) = %v; want ErrInvalid", err)
	}
	eid := f.editor.ID
	tests := []struct {
		name      string
		filter    assessment.AuditFilter
		wantTotal int
		wantFirst string // Field of the first entry
		wantLen   int
	}{
		{"action", assessment.AuditFilter{Action: "user.login_failed"}, 5, "4", 5},
		{"prefix", assessment.AuditFilter{Action: "user.", ActorID: &eid}, 5, "4", 5},
		{"page 2", assessment.AuditFilter{Action: "user.login_failed", Limit: 2, Offset: 2}, 5, "2", 2},
		{"date range", assessment.AuditFilter{Action: "user.login_failed", From: testNow.Add(2 * time.Minute), To: testNow.Add(4 * time.Minute)}, 2, "2", 2},
		{"nothing", assessment.AuditFilter{Action: "nope"}, 0, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, total, err := f.db.FindAudit(ctx, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			if total != tt.wantTotal || len(got) != tt.wantLen || (len(got) > 0 && got[0].Field != tt.wantFirst) {
				t.Errorf("FindAudit(%+v) = %d of %d; want %d of %d first %q", tt.filter, len(got), total, tt.wantLen, tt.wantTotal, tt.wantFirst)
			}
		})
	}
}

func TestBackup(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	first, err := f.db.SaveValues(ctx, f.editorActor(), assessment.ValueSave{SubmissionID: f.sub.ID, Version: f.sub.Version,
		Changes: []assessment.ValueChange{num("A", "x", 7)}})
	if err != nil {
		t.Fatal(err)
	}
	// Writers keep saving while the backup runs, as under a live server.
	stop := make(chan struct{})
	done := make(chan error, 1)
	started := make(chan struct{})
	go func() {
		s := first
		for i := 0; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			next, err := f.db.SaveValues(ctx, admin, assessment.ValueSave{SubmissionID: s.ID, Version: s.Version,
				Changes: []assessment.ValueChange{num("B", fmt.Sprintf("x%d", i), float64(i))}})
			if err != nil {
				done <- err
				return
			}
			s = next
			if i == 20 {
				close(started) // back up in the middle of the saves
			}
		}
	}()
	select {
	case <-started:
	case err := <-done:
		t.Fatalf("writer before backup: %v", err)
	}
	dest := filepath.Join(t.TempDir(), "backup.db")
	err = f.db.Backup(ctx, dest)
	close(stop)
	if werr := <-done; werr != nil {
		t.Fatalf("writer during backup: %v", werr)
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.Backup(ctx, dest); err == nil {
		t.Error("Backup over an existing file succeeded; want an error")
	}
	b, err := sqlite.Open(dest)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	for _, table := range []string{"units", "users", "user_grants", "periods", "submissions"} {
		want, err1 := f.db.CountRows(ctx, table)
		got, err2 := b.CountRows(ctx, table)
		if err1 != nil || err2 != nil || got != want || want == 0 {
			t.Errorf("%s: backup has %d rows, database %d (%v, %v)", table, got, want, err1, err2)
		}
	}
	// The backup is one consistent state: every save in it is whole (its
	// value, its audit entry, the packed copy and the version agree).
	vals, err := b.FindValues(ctx, f.sub.ID)
	if err != nil || len(vals) == 0 || vals[0].Indicator != "A" || vals[0].Text != "7" {
		t.Errorf("values in backup = %d, %v", len(vals), err)
	}
	if err := b.CheckPacked(ctx); err != nil {
		t.Errorf("backup packed values: %v", err)
	}
	sub, _ := b.FindSubmissionByID(ctx, f.sub.ID)
	if want := f.sub.Version + int64(len(vals)); sub.Version != want {
		t.Errorf("backup: submission version %d with %d values; want %d", sub.Version, len(vals), want)
	}
	sid := f.sub.ID
	_, nAudit, _ := b.FindAudit(ctx, assessment.AuditFilter{Action: assessment.ActionValueSet, EntityID: &sid})
	if nAudit != len(vals) {
		t.Errorf("backup: %d value audit entries for %d values", nAudit, len(vals))
	}
	t.Logf("backup taken with %d values saved", len(vals))
	if res, err := b.IntegrityCheck(ctx); err != nil || res != "ok" {
		t.Errorf("integrity of backup = %q, %v", res, err)
	}
}
