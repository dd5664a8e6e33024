package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/dti-platform/dti/assessment"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// DB is the SQLite store. It implements assessment.Store. Create it with
// Open; it is safe for concurrent use.
type DB struct {
	write *sql.DB // one connection: SQLite has one writer at a time
	// writeTurn admits write transactions one at a time in arrival order:
	// goroutines blocked on a channel are served first come, first served,
	// while database/sql hands a free connection to a random waiter, which
	// under load makes the slowest saves many times slower than the mean.
	writeTurn chan struct{}
	read      *sql.DB // readers, in parallel thanks to WAL

	// prepared holds the write pool's statements of the hot path
	// (saves), prepared once at open: parsing SQL costs more than running
	// these statements.
	prepared map[string]*sql.Stmt

	// migrateTo stops migrations at this version (tests of a migration);
	// 0 applies all. The save path is not prepared when set.
	migrateTo int

	path        string
	evidenceDir string
	maxEvidence int64
	now         func() time.Time
}

var _ assessment.Store = (*DB)(nil)

// Option configures Open.
type Option func(*DB)

// WithClock sets the clock (tests pin it). Every row written in one
// transaction gets the same timestamp.
func WithClock(now func() time.Time) Option { return func(db *DB) { db.now = now } }

// WithEvidenceDir sets where evidence files are kept; the default is the
// "evidence" directory beside the database file.
func WithEvidenceDir(dir string) Option { return func(db *DB) { db.evidenceDir = dir } }

// WithMaxEvidenceSize sets the size limit of an evidence file in bytes
// (default assessment.MaxEvidenceSize, 20 MiB).
func WithMaxEvidenceSize(n int64) Option { return func(db *DB) { db.maxEvidence = n } }

// commonDSN holds the DSN parameters of every connection.
const commonDSN = "_pragma=foreign_keys(1)&_pragma=busy_timeout(5000)&_time_format=sqlite"

// Open opens (creating if needed) the database at path and applies the
// pending migrations.
func Open(path string, opts ...Option) (*DB, error) {
	if path == "" || strings.ContainsAny(path, "?#") || path == ":memory:" {
		return nil, fmt.Errorf("open database: %q is not a usable file path", path)
	}
	db := &DB{
		writeTurn:   make(chan struct{}, 1),
		path:        path,
		evidenceDir: filepath.Join(filepath.Dir(path), "evidence"),
		maxEvidence: assessment.MaxEvidenceSize,
		now:         time.Now,
	}
	for _, o := range opts {
		o(db)
	}
	// Pragmas go in the DSN so every pooled connection gets them.
	// synchronous=NORMAL in WAL mode loses no committed transaction on a
	// process crash (only on power loss, the last commits) and is several
	// times faster than FULL. _txlock=immediate takes the write lock at
	// BEGIN, so read-then-write transactions never fail with SQLITE_BUSY
	// half-way.
	w, err := sql.Open("sqlite", path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate&"+commonDSN)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	db.write = w
	// Opening the writer first creates the file and switches it to WAL
	// before a reader looks at it.
	if err := db.migrate(context.Background()); err != nil {
		w.Close()
		return nil, err
	}
	if db.migrateTo == 0 {
		if err := db.prepare(context.Background()); err != nil {
			w.Close()
			return nil, err
		}
	}
	r, err := sql.Open("sqlite", path+"?_pragma=query_only(1)&"+commonDSN)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	// A few more readers than cores, so a reader waiting on the disk does
	// not hold up the others.
	n := max(4, 2*runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	db.read = r
	return db, nil
}

// hotQueries are prepared once on the writer connection.
var hotQueries = []string{qSubmissionByID, qPeriodMeta, qUnitByID, qValueRows, qUpsertValue, qDeleteValue, qBumpSubmission, qInsertAudit, qWritePacked}

func (db *DB) prepare(ctx context.Context) error {
	db.prepared = make(map[string]*sql.Stmt, len(hotQueries))
	for _, q := range hotQueries {
		st, err := db.write.PrepareContext(ctx, q)
		if err != nil {
			return fmt.Errorf("open database: prepare %q: %w", q, err)
		}
		db.prepared[q] = st
	}
	return nil
}

// Close closes both connection pools.
func (db *DB) Close() error {
	errs := []error{db.read.Close()}
	for _, st := range db.prepared {
		errs = append(errs, st.Close())
	}
	return errors.Join(append(errs, db.write.Close())...)
}

// Path returns the database file path.
func (db *DB) Path() string { return db.path }

// migration is one numbered SQL file.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the embedded migrations in order. Names must be
// NNNN_name.sql, numbered from 1 without gaps or repeats.
func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, n := range names {
		base := filepath.Base(n)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || len(num) != 4 {
			return nil, fmt.Errorf("migration %s: name must be NNNN_name.sql", base)
		}
		b, err := migrationFS.ReadFile(n)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: base, sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: expected number %04d (numbers must be unique and contiguous from 0001)", m.name, i+1)
		}
	}
	return out, nil
}

// migrate applies the migrations newer than PRAGMA user_version, each in
// its own transaction together with the new user_version.
func (db *DB) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	var current int
	if err := db.write.QueryRowContext(ctx, "PRAGMA user_version").Scan(&current); err != nil {
		return fmt.Errorf("open database: read schema version: %w", err)
	}
	if current > len(ms) {
		return fmt.Errorf("open database: schema version %d is newer than this program (%d)", current, len(ms))
	}
	if db.migrateTo > 0 && db.migrateTo < len(ms) {
		ms = ms[:db.migrateTo]
	}
	if current > len(ms) {
		return nil
	}
	for _, m := range ms[current:] {
		tx, err := db.write.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
		// PRAGMA takes no parameters; the version is our own integer.
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.version)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return nil
}

// SchemaVersion returns the number of the last applied migration.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := db.read.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
}

// tx is a write transaction with the timestamp all its rows share and the
// actor its audit entries name.
type tx struct {
	*sql.Tx
	db    *DB
	now   time.Time
	actor assessment.Actor
}

// update runs fn in a write transaction and commits it when fn returns
// nil.
func (db *DB) update(ctx context.Context, actor assessment.Actor, fn func(*tx) error) error {
	select {
	case db.writeTurn <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-db.writeTurn }()
	t, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	x := &tx{Tx: t, db: db, now: db.now().UTC(), actor: actor}
	if err := fn(x); err != nil {
		t.Rollback()
		return err
	}
	if err := t.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// stmt returns the transaction's copy of a prepared hot statement, or nil.
func (x *tx) stmt(ctx context.Context, query string) *sql.Stmt {
	if st, ok := x.db.prepared[query]; ok {
		return x.Tx.StmtContext(ctx, st)
	}
	return nil
}

// ExecContext runs query, through its prepared statement when it is a hot
// one.
func (x *tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := x.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return x.Tx.ExecContext(ctx, query, args...)
}

// QueryContext runs query, through its prepared statement when it is a
// hot one.
func (x *tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := x.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return x.Tx.QueryContext(ctx, query, args...)
}

// QueryRowContext runs query, through its prepared statement when it is a
// hot one.
func (x *tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := x.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return x.Tx.QueryRowContext(ctx, query, args...)
}

// view runs fn in a read transaction, so its queries see one state of the
// database.
func (db *DB) view(ctx context.Context, fn func(*sql.Tx) error) error {
	t, err := db.read.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer t.Rollback()
	return fn(t)
}

// queryer is what read helpers need: a *sql.DB, a *sql.Tx or a *tx.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// audit writes an audit entry at the transaction's time by its actor.
func (x *tx) audit(ctx context.Context, e assessment.AuditEntry) error {
	e.At = x.now
	e.ActorID = x.actor.ID
	e.ActorName = x.actor.Username
	if e.ActorName == "" {
		e.ActorName = "system"
	}
	return insertAudit(ctx, x, &e)
}

// translate turns a driver error into a domain error: no rows is
// ErrNotFound, a uniqueness violation ErrConflict, a foreign key violation
// ErrInvalid. what names the operation, e.g. "find unit 42".
func translate(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, assessment.ErrNotFound)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%s: %w (%v)", what, assessment.ErrConflict, se)
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return fmt.Errorf("%s: %w: a referenced row does not exist", what, assessment.ErrInvalid)
		}
	}
	return fmt.Errorf("%s: %w", what, err)
}

// Scan and bind helpers for nullable columns.

// nullID binds 0 as NULL.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// nullTime binds the zero time as NULL and others in UTC.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// nullFloat binds nil as NULL.
func nullFloat(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

// idDest scans a nullable integer into an int64 (NULL → 0).
type idDest struct{ p *int64 }

func (d idDest) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*d.p = 0
	case int64:
		*d.p = x
	default:
		return fmt.Errorf("scan id: unexpected %T", v)
	}
	return nil
}

// timeDest scans a nullable timestamp into a time.Time in UTC (NULL →
// zero).
type timeDest struct{ p *time.Time }

func (d timeDest) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*d.p = time.Time{}
	case time.Time:
		*d.p = x.UTC()
	case string:
		t, err := parseTime(x)
		if err != nil {
			return err
		}
		*d.p = t
	default:
		return fmt.Errorf("scan time: unexpected %T", v)
	}
	return nil
}

func parseTime(s string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999", time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("scan time: cannot parse %q", s)
}

// floatDest scans a nullable real into a *float64 (NULL → nil).
type floatDest struct{ p **float64 }

func (d floatDest) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*d.p = nil
	case float64:
		*d.p = &x
	case int64:
		f := float64(x)
		*d.p = &f
	default:
		return fmt.Errorf("scan number: unexpected %T", v)
	}
	return nil
}

// where builds a WHERE clause from conditions with ? placeholders.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// page returns a LIMIT/OFFSET clause (standard SQL form) for a filter.
func page(offset, limit int) string {
	if limit <= 0 && offset <= 0 {
		return ""
	}
	if limit <= 0 {
		limit = -1
		return fmt.Sprintf(" LIMIT %d OFFSET %d", limit, offset)
	}
	return fmt.Sprintf(" LIMIT %d OFFSET %d", limit, max(0, offset))
}

// inList returns "(?, ?, ?)" for n placeholders.
func inList(n int) string {
	if n == 0 {
		return "(NULL)"
	}
	return "(" + strings.TrimSuffix(strings.Repeat("?, ", n), ", ") + ")"
}

// likePattern folds s (assessment.Fold) and escapes it for a
// "dti_fold(column) LIKE ? ESCAPE '\'" substring match.
func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(assessment.Fold(s)) + "%"
}
