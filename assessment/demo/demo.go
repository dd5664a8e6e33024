package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/scoring"
)

// DefaultPassword is the password of every demo account unless
// Options.Password sets another. It is printed with the accounts.
const DefaultPassword = "ChuyenDoiSo@2026"

// Options configure Build.
type Options struct {
	// Index is the index file (indicators.yaml) both demo periods pin.
	Index []byte
	// Now is the demo's today: the current period assesses the previous
	// year and closes 45 days after Now; the past period assesses the year
	// before and is published.
	Now time.Time
	// Seed makes the generated data; the same seed, index and Now give
	// the same demo. 0 means 2026.
	Seed uint64
	// Password is the password of every account; "" means DefaultPassword.
	Password string
}

// Account is a demo account as Build created it.
type Account struct {
	Username, Password, FullName string
	Role                         assessment.Role
	// Unit is the code of the unit the role is tied to, "" for the whole
	// province.
	Unit string
	// Note says what the account shows, in Vietnamese and English.
	NoteVI, NoteEN string
}

// Result says what Build created.
type Result struct {
	Accounts []Account
	Units    int
	// PastPeriod is published; CurrentPeriod is open.
	PastPeriod, CurrentPeriod string
	// States counts the current period's forms by status.
	States map[assessment.SubmissionStatus]int
}

// ErrNotEmpty is returned (wrapped in an *assessment.Error matching
// assessment.ErrConflict) when the store already holds data.
var ErrNotEmpty = errors.New("the database is not empty")

// builder carries the state of one Build.
type builder struct {
	st    assessment.Store
	ix    *scoring.Index
	pin   assessment.PinnedIndex
	rng   *rand.Rand
	opts  Options
	admin assessment.Actor

	units     []*assessment.Unit
	unitBy    map[string]*assessment.Unit
	spec      map[string]unitSpec
	tree      *assessment.UnitTree
	quality   map[string]float64
	editors   map[string]assessment.Actor // unit code -> its editor account
	approvers map[string]assessment.Actor // unit code -> its approver account
	reviewers []assessment.Actor          // [0] unscoped; then pillar-scoped
	values    periodValues                // generated values of the period being built
}

// Build fills an empty store with the demo province and returns its
// accounts. It refuses a store that already holds units, users or periods
// (ErrConflict) and an invalid index (ErrInvalid).
func Build(ctx context.Context, st assessment.Store, opts Options) (*Result, error) {
	if opts.Seed == 0 {
		opts.Seed = 2026
	}
	if opts.Password == "" {
		opts.Password = DefaultPassword
	}
	if opts.Now.IsZero() {
		return nil, errors.New("demo: Options.Now is required")
	}
	if err := assessment.CheckPasswordPolicy(opts.Password); err != nil {
		return nil, err
	}
	if err := checkEmpty(ctx, st); err != nil {
		return nil, err
	}
	pin, ix, err := assessment.PinIndex(opts.Index)
	if err != nil {
		return nil, err
	}
	b := &builder{st: st, ix: ix, pin: pin, opts: opts, rng: rand.New(rand.NewPCG(opts.Seed, 0x44544921)),
		unitBy: map[string]*assessment.Unit{}, spec: map[string]unitSpec{}, quality: map[string]float64{},
		editors: map[string]assessment.Actor{}, approvers: map[string]assessment.Actor{}}
	if err := b.createUnits(ctx); err != nil {
		return nil, fmt.Errorf("demo units: %w", err)
	}
	accs, err := b.createAccounts(ctx)
	if err != nil {
		return nil, fmt.Errorf("demo accounts: %w", err)
	}
	dataYear := opts.Now.Year() - 1
	past, err := b.pastPeriod(ctx, dataYear-1)
	if err != nil {
		return nil, fmt.Errorf("demo period %d: %w", dataYear-1, err)
	}
	cur, states, err := b.currentPeriod(ctx, dataYear)
	if err != nil {
		return nil, fmt.Errorf("demo period %d: %w", dataYear, err)
	}
	return &Result{Accounts: accs, Units: len(b.units), PastPeriod: past.Code, CurrentPeriod: cur.Code, States: states}, nil
}

func checkEmpty(ctx context.Context, st assessment.Store) error {
	_, nu, err := st.FindUnits(ctx, assessment.UnitFilter{Limit: 1})
	if err != nil {
		return err
	}
	_, nus, err := st.FindUsers(ctx, assessment.UserFilter{Limit: 1})
	if err != nil {
		return err
	}
	_, np, err := st.FindPeriods(ctx, assessment.PeriodFilter{Limit: 1})
	if err != nil {
		return err
	}
	if nu+nus+np > 0 {
		return fmt.Errorf("%w (%w)", assessment.NewError(assessment.ErrConflict, "demo.not_empty",
			fmt.Sprintf("Cơ sở dữ liệu đã có dữ liệu (%d đơn vị, %d tài khoản, %d kỳ đánh giá); dữ liệu mẫu chỉ tạo trên cơ sở dữ liệu trống.", nu, nus, np),
			fmt.Sprintf("the database already holds data (%d units, %d accounts, %d periods); the demo only fills an empty database", nu, nus, np)), ErrNotEmpty)
	}
	return nil
}

// blockFor picks the ranking block of a unit: a block of the index that
// ranks the unit's type; for departments without administrative
// procedures, the type's unranked block when there is one.
func (b *builder) blockFor(s unitSpec) string {
	var ranked, unranked []string
	for _, bl := range b.ix.Blocks {
		if slices.Contains(bl.UnitTypes, s.kind) {
			if bl.Ranked {
				ranked = append(ranked, bl.Code)
			} else {
				unranked = append(unranked, bl.Code)
			}
		}
	}
	switch {
	case s.noProcedures && len(unranked) > 0:
		return unranked[0]
	case len(ranked) > 0:
		return ranked[0]
	case len(unranked) > 0:
		return unranked[0]
	}
	return ""
}

func (b *builder) createUnits(ctx context.Context) error {
	for _, s := range province {
		u := &assessment.Unit{Code: s.code, NameVI: s.nameVI, NameEN: s.nameEN, Type: s.kind, Block: b.blockFor(s), Active: true}
		if s.parent != "" {
			u.ParentID = b.unitBy[s.parent].ID
		}
		if s.population != "" {
			u.Attrs = map[string]string{"population": s.population}
		}
		if err := b.st.CreateUnit(ctx, b.admin, u); err != nil {
			return fmt.Errorf("%s: %w", s.code, err)
		}
		b.units = append(b.units, u)
		b.unitBy[s.code] = u
		b.spec[s.code] = s
		// A unit's quality decides how well it does: 0.45..0.97.
		b.quality[s.code] = 0.45 + 0.52*b.rng.Float64()
	}
	tree, err := b.st.UnitTree(ctx)
	if err != nil {
		return err
	}
	b.tree = tree
	return nil
}

func (b *builder) createAccounts(ctx context.Context) ([]Account, error) {
	hash, err := assessment.HashPassword(b.opts.Password)
	if err != nil {
		return nil, err
	}
	var out []Account
	// Create the province admin first: it acts for the rest of the build.
	b.admin = assessment.SystemActor
	for _, a := range accounts {
		g := assessment.Grant{Role: assessment.Role(a.role), Subtree: a.subtree}
		switch a.role {
		case "reviewer:first", "reviewer:rest":
			g.Role = assessment.RoleReviewer
			var ps []string
			for _, p := range b.ix.Pillars {
				ps = append(ps, p.Code)
			}
			if len(ps) < 2 {
				continue // no pillars to scope to
			}
			if a.role == "reviewer:first" {
				g.Pillars = ps[:1]
			} else {
				g.Pillars = ps[1:]
			}
		}
		if a.unit != "" {
			g.UnitID = b.unitBy[a.unit].ID
		}
		u := &assessment.User{Username: a.username, FullName: a.fullName, Lang: "vi", PasswordHash: hash,
			Email: a.username + "@hoabinhxanh.gov.vn", Grants: []assessment.Grant{g}}
		if err := b.st.CreateUser(ctx, b.admin, u); err != nil {
			return nil, fmt.Errorf("%s: %w", a.username, err)
		}
		actor := u.Actor()
		switch {
		case a.username == "quantri":
			b.admin = actor
		case g.Role == assessment.RoleReviewer && len(g.Pillars) == 0:
			b.reviewers = append([]assessment.Actor{actor}, b.reviewers...)
		case g.Role == assessment.RoleReviewer:
			b.reviewers = append(b.reviewers, actor)
		case g.Role == assessment.RoleEditor:
			b.editors[a.unit] = actor
		case g.Role == assessment.RoleApprover:
			b.approvers[a.unit] = actor
		}
		noteVI, noteEN := a.noteVI, a.noteEN
		if len(g.Pillars) > 0 {
			noteVI = "Thành viên Hội đồng thẩm định, chỉ trụ cột " + strings.Join(g.Pillars, ", ")
			noteEN = "Council member, pillar " + strings.Join(g.Pillars, ", ") + " only"
		}
		out = append(out, Account{Username: u.Username, Password: b.opts.Password, FullName: u.FullName, Role: g.Role,
			Unit: a.unit, NoteVI: noteVI, NoteEN: noteEN})
	}
	return out, nil
}

// unitActors are who fill and who submit a unit's form: its demo
// accounts, or for units without accounts a data-entry actor with both
// unit roles (recorded in the audit log by name only).
func (b *builder) unitActors(code string) (editor, approver assessment.Actor) {
	id := b.unitBy[code].ID
	stand := assessment.Actor{Username: "nhaplieu." + strings.ToLower(code), Grants: []assessment.Grant{
		{Role: assessment.RoleEditor, UnitID: id}, {Role: assessment.RoleApprover, UnitID: id}}}
	editor, approver = stand, stand
	if a, ok := b.editors[code]; ok {
		editor = a
	}
	if a, ok := b.approvers[code]; ok {
		approver = a
	}
	return editor, approver
}

// scoredUnits are the units whose type is an enabled unit type of the
// index, in registration order.
func (b *builder) scoredUnits() []*assessment.Unit {
	var out []*assessment.Unit
	for _, u := range b.units {
		if ut, ok := b.ix.UnitType(u.Type); ok && ut.Enabled {
			out = append(out, u)
		}
	}
	return out
}

// newPeriod creates a period pinned to the demo index and opens it.
func (b *builder) newPeriod(ctx context.Context, year int, opens, closes time.Time, public bool) (*assessment.Period, error) {
	p := &assessment.Period{Code: fmt.Sprintf("DTI-%d", year), Name: fmt.Sprintf("Chỉ số chuyển đổi số năm %d", year), Year: year,
		Status: assessment.PeriodDraft, IndexCode: b.pin.Code, IndexVersion: b.pin.Version, IndexHash: b.pin.Hash,
		IndexSource: b.pin.Source, OpensAt: opens, ClosesAt: closes, Public: public}
	if err := b.st.CreatePeriod(ctx, b.admin, p); err != nil {
		return nil, err
	}
	return b.st.SetPeriodStatus(ctx, b.admin, p.ID, p.Version, assessment.PeriodOpen, "",
		assessment.PeriodCheck(b.admin, assessment.PeriodChange{Action: assessment.ActOpen}, assessment.PeriodOpen))
}

func (b *builder) pastPeriod(ctx context.Context, year int) (*assessment.Period, error) {
	opens := time.Date(year+1, 1, 10, 1, 0, 0, 0, time.UTC)
	closes := time.Date(year+1, 3, 31, 16, 59, 59, 0, time.UTC)
	at := time.Date(year+1, 3, 10, 3, 0, 0, 0, time.UTC)
	p, err := b.newPeriod(ctx, year, opens, closes, true)
	if err != nil {
		return nil, err
	}
	units := b.scoredUnits()
	if err := b.importCentral(ctx, p, units, 1); err != nil {
		return nil, err
	}
	for _, u := range units {
		if err := b.runForm(ctx, p, u, "approved", at); err != nil {
			return nil, fmt.Errorf("%s: %w", u.Code, err)
		}
	}
	p, err = b.st.FindPeriodByID(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	p, err = b.st.SetPeriodStatus(ctx, b.admin, p.ID, p.Version, assessment.PeriodClosed, "",
		assessment.PeriodCheck(b.admin, assessment.PeriodChange{Action: assessment.ActClose}, assessment.PeriodClosed))
	if err != nil {
		return nil, err
	}
	snaps, err := b.st.FindSnapshots(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	step, err := assessment.CheckPeriod(b.admin, p, assessment.PeriodChange{Action: assessment.ActPublish, Snapshots: len(snaps)})
	if err != nil {
		return nil, err
	}
	mark, err := b.st.PeriodDataMark(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	snap := &assessment.Snapshot{PeriodID: p.ID, IndexHash: b.pin.Hash, DataMark: mark,
		Reason: "Công bố kết quả Chỉ số chuyển đổi số năm " + fmt.Sprint(year)}
	for _, k := range []struct {
		kind assessment.DatasetKind
		dst  *scoring.Results
	}{{assessment.DatasetSelf, &snap.Results.Self}, {assessment.DatasetAppraised, &snap.Results.Appraised}, {assessment.DatasetFinal, &snap.Results.Final}} {
		ds, err := b.st.LoadDataset(ctx, p.ID, k.kind, b.ix)
		if err != nil {
			return nil, err
		}
		res, err := scoring.Score(b.ix, ds, scoring.Options{})
		if err != nil {
			return nil, fmt.Errorf("score %s: %w", k.kind, err)
		}
		*k.dst = *res
	}
	if !step.Snapshot {
		return nil, fmt.Errorf("publish makes no snapshot")
	}
	return b.st.PublishPeriod(ctx, b.admin, p.ID, p.Version, snap)
}

func (b *builder) currentPeriod(ctx context.Context, year int) (*assessment.Period, map[assessment.SubmissionStatus]int, error) {
	now := b.opts.Now.UTC()
	opens := now.AddDate(0, -1, 0)
	closes := time.Date(now.Year(), now.Month(), now.Day(), 16, 59, 59, 0, time.UTC).AddDate(0, 0, 45)
	p, err := b.newPeriod(ctx, year, opens, closes, false)
	if err != nil {
		return nil, nil, err
	}
	// Let the steering committee follow the ranking while forms come in.
	show := true
	p, err = b.st.UpdatePeriod(ctx, b.admin, p.ID, assessment.PeriodUpdate{Version: p.Version, ShowInProgress: &show})
	if err != nil {
		return nil, nil, err
	}
	units := b.scoredUnits()
	if err := b.importCentral(ctx, p, units, 0.85); err != nil {
		return nil, nil, err
	}
	states := map[assessment.SubmissionStatus]int{}
	next := 0
	for _, u := range units {
		state, ok := currentStates[u.Code]
		if !ok {
			state = stateCycle[next%len(stateCycle)]
			next++
		}
		if err := b.runForm(ctx, p, u, state, now); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", u.Code, err)
		}
		s, err := b.st.FindSubmission(ctx, p.ID, u.ID)
		if err != nil {
			return nil, nil, err
		}
		states[s.Status]++
	}
	return p, states, nil
}

// PrintAccounts writes the demo accounts as a table, with their password.
func PrintAccounts(w io.Writer, accs []Account) {
	fmt.Fprintln(w, "Tài khoản dùng thử / Demo accounts:")
	row := func(cells ...string) {
		var b strings.Builder
		b.WriteString(" ")
		for i, c := range cells {
			b.WriteString(" ")
			b.WriteString(c)
			if i < len(cells)-1 {
				b.WriteString(strings.Repeat(" ", max(1, []int{18, 18, 14, 12}[i]-utf8.RuneCountInString(c))))
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
	row("tên đăng nhập", "mật khẩu", "vai trò", "đơn vị", "ghi chú / note")
	for _, a := range accs {
		unit := a.Unit
		if unit == "" {
			unit = "(toàn tỉnh)"
		}
		row(a.Username, a.Password, string(a.Role), unit, a.NoteVI+" / "+a.NoteEN)
	}
}
