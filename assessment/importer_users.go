package assessment

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"net/mail"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// userColumns are the columns of a users import: one row per role grant;
// the rows of one username make one account.
var userColumns = []importColumn{
	{key: "username", aliases: []string{"ten_dang_nhap", "tai_khoan"}, required: true},
	{key: "full_name", aliases: []string{"ho_ten", "ho_va_ten"}, required: true},
	{key: "email", aliases: []string{"thu_dien_tu", "e_mail"}},
	{key: "lang", aliases: []string{"ngon_ngu"}},
	{key: "role", aliases: []string{"vai_tro"}},
	{key: "unit_code", aliases: []string{"ma_don_vi", "don_vi"}},
	{key: "subtree", aliases: []string{"ca_don_vi_truc_thuoc", "bao_gom_don_vi_truc_thuoc"}},
	{key: "pillars", aliases: []string{"tru_cot"}},
	{key: "disabled", aliases: []string{"khoa", "vo_hieu_hoa"}},
}

// roleAliases are the folded spellings of each role in import files.
var roleAliases = map[string]Role{
	"admin": RoleAdmin, "quan_tri": RoleAdmin, "quan_tri_vien": RoleAdmin,
	"reviewer": RoleReviewer, "tham_dinh": RoleReviewer, "hoi_dong_tham_dinh": RoleReviewer,
	"unit_editor": RoleEditor, "editor": RoleEditor, "can_bo_dau_moi": RoleEditor, "nhap_lieu": RoleEditor,
	"unit_approver": RoleApprover, "approver": RoleApprover, "lanh_dao": RoleApprover, "lanh_dao_don_vi": RoleApprover, "phe_duyet": RoleApprover,
	"viewer": RoleViewer, "xem": RoleViewer, "nguoi_xem": RoleViewer,
}

// userPlan is one account to write.
type userPlan struct {
	line   int
	op     ImportOp
	user   User // ID set for an existing account
	update UserUpdate
	// old is the stored account an update was compared with; the store
	// refuses the update when the account no longer matches it.
	old *User
}

// PreviewUsers reads a users table: one row per role grant, with the
// columns username and full_name (required), email, lang (vi/en), role,
// unit_code (the unit of the grant; empty: the whole province), subtree
// (có/không), pillars (a reviewer's pillar codes, comma separated) and
// disabled. The rows of one username make one account; a username already
// in the store updates that account and, when the file has a role column,
// replaces its grants with the file's. New accounts get a random initial
// password that Apply returns and must be changed at the first sign-in.
func (im *Importer) PreviewUsers(ctx context.Context, t *Table) (*ImportPreview, error) {
	if !im.Actor.IsAdmin() {
		return nil, ruleError(ErrForbidden, "role.admin_only", ActImport)
	}
	p := &ImportPreview{Kind: ImportUsers, table: t}
	it := mapColumns(t, p, userColumns, nil)
	if !p.OK() {
		return p, nil
	}
	units, _, err := im.Store.FindUnits(ctx, UnitFilter{})
	if err != nil {
		return nil, err
	}
	unitByCode := map[string]*Unit{}
	unitCode := map[int64]string{}
	for _, u := range units {
		unitByCode[u.Code] = u
		unitCode[u.ID] = u.Code
	}

	type account struct {
		line   int
		user   User
		grants map[string]int // grant text -> line, for duplicates
	}
	var order []string
	accounts := map[string]*account{}
	for _, r := range t.Rows {
		if !it.checkControl(r, "username", "full_name", "email", "role", "unit_code", "pillars") {
			continue
		}
		name := strings.ToLower(it.cell(r, "username"))
		if name == "" {
			it.issue(r.Line, "username", "import.required")
			continue
		}
		if !ValidUsername(name) {
			it.issue(r.Line, "username", "import.username", name)
			continue
		}
		a := accounts[name]
		if a == nil {
			a = &account{line: r.Line, user: User{Username: name}, grants: map[string]int{}}
			accounts[name] = a
			order = append(order, name)
		}
		u := &a.user
		// Account fields: the first row gives them; later rows may repeat
		// them but not contradict them.
		field := func(key string, dst *string, check func(string) bool, bad string) {
			v := it.cell(r, key)
			if v == "" {
				return
			}
			if check != nil && !check(v) {
				it.issue(r.Line, key, bad, v)
				return
			}
			if *dst != "" && a.line != r.Line && *dst != v {
				it.issue(r.Line, key, "import.user_conflict", name, a.line)
				return
			}
			*dst = v
		}
		field("full_name", &u.FullName, func(s string) bool { return utf8.RuneCountInString(s) <= 200 }, "import.too_long_value")
		field("email", &u.Email, func(s string) bool {
			m, err := mail.ParseAddress(s)
			return err == nil && m.Address == s
		}, "import.email")
		field("lang", &u.Lang, func(s string) bool { return s == "vi" || s == "en" }, "import.lang")
		if v := it.cell(r, "disabled"); v != "" {
			b, ok := parseBool(v)
			if !ok {
				it.issue(r.Line, "disabled", "import.boolean", v)
			}
			u.Disabled = u.Disabled || b
		}
		if a.line == r.Line && u.FullName == "" {
			it.issue(r.Line, "full_name", "import.required")
		}

		// The grant of the row.
		rs := it.cell(r, "role")
		if rs == "" {
			if it.cell(r, "unit_code") != "" || it.cell(r, "pillars") != "" {
				it.issue(r.Line, "role", "import.required")
			}
			continue
		}
		role, ok := roleAliases[headerKey(rs)]
		if !ok {
			it.issue(r.Line, "role", "import.role", rs)
			continue
		}
		g := Grant{Role: role}
		if code := it.cell(r, "unit_code"); code != "" {
			unit := unitByCode[code]
			if unit == nil {
				it.issue(r.Line, "unit_code", "import.unit_unknown", code)
				continue
			}
			g.UnitID = unit.ID
		} else if role == RoleEditor || role == RoleApprover {
			it.issue(r.Line, "unit_code", "import.unit_role_needs_unit", role)
			continue
		}
		if v := it.cell(r, "subtree"); v != "" {
			b, ok := parseBool(v)
			if !ok {
				it.issue(r.Line, "subtree", "import.boolean", v)
			}
			g.Subtree = b
		}
		if v := it.cell(r, "pillars"); v != "" {
			if role != RoleReviewer {
				it.issue(r.Line, "pillars", "import.pillars_role")
				continue
			}
			for _, pc := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' || r == ' ' }) {
				if im.Index != nil && !indexHasPillar(im, pc) {
					it.issue(r.Line, "pillars", "import.pillar_unknown", pc)
					continue
				}
				if !slices.Contains(g.Pillars, pc) {
					g.Pillars = append(g.Pillars, pc)
				}
			}
			slices.Sort(g.Pillars)
		}
		key := grantText(g, unitCode)
		if first, dup := a.grants[key]; dup {
			it.issue(r.Line, "role", "import.duplicate_grant", key, first)
			continue
		}
		a.grants[key] = r.Line
		u.Grants = append(u.Grants, g)
	}

	for _, name := range order {
		a := accounts[name]
		check := a.user
		check.PasswordHash = "x" // set by Apply
		if check.Lang == "" {
			check.Lang = "vi"
		}
		it.issueFields(a.line, check.Validate(), map[string]string{"grants": "role", "password": ""})
		old, err := im.Store.FindUserByUsername(ctx, name)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return nil, err
		}
		pl := userPlan{line: a.line, user: a.user}
		ch := ImportChange{Line: a.line, Key: name}
		if old == nil {
			if pl.user.Lang == "" {
				pl.user.Lang = "vi"
				a.user.Lang = "vi"
			}
			pl.op, ch.Op = OpCreate, OpCreate
			pl.user.MustChangePassword = true
			ch.Fields = append(ch.Fields, FieldChange{Field: "full_name", To: a.user.FullName})
			if a.user.Email != "" {
				ch.Fields = append(ch.Fields, FieldChange{Field: "email", To: a.user.Email})
			}
			ch.Fields = append(ch.Fields, FieldChange{Field: "lang", To: a.user.Lang})
			if a.user.Disabled {
				ch.Fields = append(ch.Fields, FieldChange{Field: "disabled", To: "true"})
			}
			if len(a.user.Grants) > 0 {
				ch.Fields = append(ch.Fields, FieldChange{Field: "grants", To: grantsText(a.user.Grants, unitCode)})
			}
		} else {
			pl.user.ID = old.ID
			pl.old = old
			pl.update, ch.Fields = userDiff(old, &a.user, it, unitCode)
			pl.op = OpUpdate
			if len(ch.Fields) == 0 {
				pl.op = OpUnchanged
			}
			ch.Op = pl.op
		}
		p.users = append(p.users, pl)
		p.Changes = append(p.Changes, ch)
	}
	if !p.OK() {
		p.Changes, p.users = nil, nil
	}
	sortChanges(p)
	return p, nil
}

func indexHasPillar(im *Importer, code string) bool {
	for _, p := range im.Index.Pillars {
		if p.Code == code {
			return true
		}
	}
	return false
}

// grantText renders a grant for previews and duplicate checks:
// "reviewer@*[CQS,KTS]", "unit_editor@SO-TC", "admin@H-CP+subtree".
func grantText(g Grant, unitCode map[int64]string) string {
	var b strings.Builder
	b.WriteString(string(g.Role))
	b.WriteByte('@')
	if g.UnitID == 0 {
		b.WriteByte('*')
	} else if c, ok := unitCode[g.UnitID]; ok {
		b.WriteString(c)
	} else {
		fmt.Fprintf(&b, "#%d", g.UnitID)
	}
	if g.Subtree {
		b.WriteString("+subtree")
	}
	if len(g.Pillars) > 0 {
		b.WriteString("[" + strings.Join(g.Pillars, ",") + "]")
	}
	return b.String()
}

// grantsText renders grants sorted, joined by "; ".
func grantsText(gs []Grant, unitCode map[int64]string) string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = grantText(g, unitCode)
	}
	slices.Sort(out)
	return strings.Join(out, "; ")
}

// userDiff compares the file's account with the stored one: the update to
// make (only columns present in the file) and the fields it changes.
func userDiff(old, nu *User, it *importTable, unitCode map[int64]string) (UserUpdate, []FieldChange) {
	var upd UserUpdate
	var out []FieldChange
	str := func(key, from, to string, set func(*string)) {
		if !it.has(key) || to == "" || from == to {
			return
		}
		v := to
		set(&v)
		out = append(out, FieldChange{Field: key, From: from, To: to})
	}
	str("full_name", old.FullName, nu.FullName, func(v *string) { upd.FullName = v })
	str("email", old.Email, nu.Email, func(v *string) { upd.Email = v })
	str("lang", old.Lang, nu.Lang, func(v *string) { upd.Lang = v })
	if it.has("disabled") && old.Disabled != nu.Disabled {
		d := nu.Disabled
		upd.Disabled = &d
		out = append(out, FieldChange{Field: "disabled", From: fmt.Sprint(old.Disabled), To: fmt.Sprint(nu.Disabled)})
	}
	if it.has("role") {
		from, to := grantsText(old.Grants, unitCode), grantsText(nu.Grants, unitCode)
		if from != to {
			g := slices.Clone(nu.Grants)
			upd.Grants = &g
			out = append(out, FieldChange{Field: "grants", From: from, To: to})
		}
	}
	return upd, out
}

// applyUsers makes the initial passwords of new accounts and writes the
// planned accounts in one Store.ImportUsers. The passwords are returned
// only when everything was written.
func (im *Importer) applyUsers(ctx context.Context, p *ImportPreview, res *ImportResult) error {
	var creates []*User
	var updates []UserImportUpdate
	lines := map[ImportOp][]int{}
	for _, pl := range p.users {
		switch pl.op {
		case OpCreate:
			u := pl.user
			u.Grants = slices.Clone(pl.user.Grants)
			creates = append(creates, &u)
		case OpUpdate:
			updates = append(updates, UserImportUpdate{ID: pl.user.ID, Old: pl.old, Update: pl.update})
		default:
			continue
		}
		lines[pl.op] = append(lines[pl.op], pl.line)
	}
	pws, err := initialPasswords(ctx, len(creates))
	if err != nil {
		return err
	}
	passwords := map[string]string{}
	for i, u := range creates {
		u.PasswordHash = pws[i].hash
		passwords[u.Username] = pws[i].password
	}
	if err := im.Store.ImportUsers(ctx, im.Actor, creates, updates); err != nil {
		return rowError(err, lines)
	}
	res.Created, res.Updated = len(creates), len(updates)
	if len(passwords) > 0 {
		res.Passwords = passwords
	}
	return nil
}

// initialPassword is a new account's password and its hash.
type initialPassword struct{ password, hash string }

// initialPasswords makes n initial passwords and hashes them on every
// core: argon2id is slow on purpose (about 25 ms a hash here), and an
// import may create hundreds of accounts.
func initialPasswords(ctx context.Context, n int) ([]initialPassword, error) {
	out := make([]initialPassword, n)
	errs := make([]error, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(n, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for i := range next {
				pw, err := NewInitialPassword()
				if err == nil {
					out[i].hash, err = HashPassword(pw)
				}
				out[i].password, errs[i] = pw, err
			}
		})
	}
	var err error
	for i := range n {
		if err = ctx.Err(); err != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	return out, errors.Join(append(errs, err)...)
}

// passwordAlphabet has no look-alike characters (0/O, 1/l/I).
const passwordAlphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// NewInitialPassword returns a random 14-character password (about 82
// bits) for a new account, to be changed at the first sign-in.
func NewInitialPassword() (string, error) {
	b := make([]byte, 14)
	n := big.NewInt(int64(len(passwordAlphabet)))
	for i := range b {
		k, err := rand.Int(rand.Reader, n)
		if err != nil {
			return "", fmt.Errorf("initial password: %w", err)
		}
		b[i] = passwordAlphabet[k.Int64()]
	}
	return string(b), nil
}
