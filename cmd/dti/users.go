package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/assessment/sqlite"
)

func init() {
	register(command{
		name:    "users",
		usage:   "dti users add|passwd|disable|enable|list --db FILE ...",
		summary: "manage accounts (the first admin, password resets)",
		run:     runUsers,
	})
}

const usersUsage = `Usage:
  dti users add     --db FILE --username NAME --name "FULL NAME" [--email E] [--lang vi|en] --grant GRANT...
  dti users passwd  --db FILE --username NAME
  dti users disable --db FILE --username NAME
  dti users enable  --db FILE --username NAME
  dti users list    --db FILE

GRANT is ROLE, ROLE@UNIT_CODE, ROLE@UNIT_CODE+ (the unit and its
descendants) or reviewer:PILLAR,PILLAR (a reviewer limited to pillars).
Roles: admin, reviewer, unit_editor, unit_approver, viewer.

The password is read from the environment variable DTI_PASSWORD; when it
is not set, a random password is generated, printed once, and must be
changed at the first sign-in.
`

// grantList collects repeated --grant flags.
type grantList []string

func (g *grantList) String() string     { return strings.Join(*g, " ") }
func (g *grantList) Set(v string) error { *g = append(*g, v); return nil }

func runUsers(ctx context.Context, env *cmdEnv, args []string) error {
	sub, fs, dbPath, usage, help := actionFlags(env, "users", usersUsage, args)
	if help {
		return nil
	}
	username := fs.String("username", "", "sign-in name")
	fullName := fs.String("name", "", "full name")
	email := fs.String("email", "", "e-mail address")
	lang := fs.String("lang", "vi", "language: vi or en")
	var grants grantList
	fs.Var(&grants, "grant", "role grant (repeatable)")
	if err := fs.Parse(args[1:]); err != nil {
		return exitError{2}
	}
	if fs.NArg() > 0 {
		return usage(fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	}
	if *dbPath == "" {
		return usage("--db is required (or set DTI_DB)")
	}
	needName := sub == "add" || sub == "passwd" || sub == "disable" || sub == "enable"
	if needName && *username == "" {
		return usage("--username is required")
	}
	switch sub {
	case "add", "passwd", "disable", "enable", "list":
	default:
		return usage(fmt.Sprintf("unknown action %q", sub))
	}

	db, err := sqlite.Open(*dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	actor := assessment.SystemActor
	switch sub {
	case "list":
		return listUsers(ctx, env.stdout, db)
	case "add":
		gs, err := parseGrants(ctx, db, grants)
		if err != nil {
			return usage(err.Error())
		}
		pw, hash, generated, err := newPassword(env)
		if err != nil {
			return err
		}
		u := &assessment.User{Username: *username, FullName: *fullName, Email: *email, Lang: *lang, PasswordHash: hash,
			MustChangePassword: generated, Grants: gs}
		if err := db.CreateUser(ctx, actor, u); err != nil {
			return userError(env, err)
		}
		fmt.Fprintf(env.stdout, "Đã tạo tài khoản / account created: %s\n", u.Username)
		if generated {
			fmt.Fprintf(env.stdout, "Mật khẩu tạm / temporary password: %s\n", pw)
		}
		return nil
	}
	u, err := db.FindUserByUsername(ctx, *username)
	if err != nil {
		return fmt.Errorf("no account %q: %w", *username, err)
	}
	switch sub {
	case "passwd":
		pw, hash, generated, err := newPassword(env)
		if err != nil {
			return err
		}
		if err := db.SetPassword(ctx, actor, u.ID, hash, generated, ""); err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "Đã đặt lại mật khẩu / password reset: %s\n", u.Username)
		if generated {
			fmt.Fprintf(env.stdout, "Mật khẩu tạm / temporary password: %s\n", pw)
		}
	case "disable", "enable":
		disabled := sub == "disable"
		if _, err := db.UpdateUser(ctx, actor, u.ID, assessment.UserUpdate{Disabled: &disabled}); err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "%s: %s\n", map[bool]string{true: "Đã khoá / disabled", false: "Đã mở khoá / enabled"}[disabled], u.Username)
	}
	return nil
}

// userError prints validation problems field by field.
func userError(env *cmdEnv, err error) error {
	var v *assessment.ValidationError
	if errors.As(err, &v) {
		for _, f := range v.Fields {
			fmt.Fprintf(env.stderr, "dti users: %s: %s / %s\n", f.Field, f.VI, f.EN)
		}
		return exitError{1}
	}
	var e *assessment.Error
	if errors.As(err, &e) {
		fmt.Fprintf(env.stderr, "dti users: %s / %s\n", e.VI, e.EN)
		return exitError{1}
	}
	return err
}

// newPassword returns DTI_PASSWORD when set (checked against the policy),
// else a generated password, with its hash.
func newPassword(env *cmdEnv) (pw, hash string, generated bool, err error) {
	if pw = env.getenv("DTI_PASSWORD"); pw != "" {
		if err := assessment.CheckPasswordPolicy(pw); err != nil {
			return "", "", false, fmt.Errorf("DTI_PASSWORD: %w", err)
		}
	} else {
		// 26 base32 characters: 128 bits from crypto/rand.
		pw, generated = rand.Text(), true
	}
	hash, err = assessment.HashPassword(pw)
	if err != nil {
		return "", "", false, err
	}
	return pw, hash, generated, nil
}

// parseGrants turns --grant values into grants, resolving unit codes.
func parseGrants(ctx context.Context, db *sqlite.DB, specs []string) ([]assessment.Grant, error) {
	var out []assessment.Grant
	for _, s := range specs {
		var g assessment.Grant
		rest, pillars, hasPillars := strings.Cut(s, ":")
		role, unit, hasUnit := strings.Cut(rest, "@")
		g.Role = assessment.Role(role)
		if !g.Role.Valid() {
			return nil, fmt.Errorf("--grant %q: unknown role %q", s, role)
		}
		if hasUnit {
			if strings.HasSuffix(unit, "+") {
				g.Subtree = true
				unit = strings.TrimSuffix(unit, "+")
			}
			u, err := db.FindUnitByCode(ctx, unit)
			if err != nil {
				return nil, fmt.Errorf("--grant %q: no unit with code %q", s, unit)
			}
			g.UnitID = u.ID
		}
		if hasPillars {
			for _, p := range strings.Split(pillars, ",") {
				if p = strings.TrimSpace(p); p != "" {
					g.Pillars = append(g.Pillars, p)
				}
			}
		}
		out = append(out, g)
	}
	return out, nil
}

func listUsers(ctx context.Context, w io.Writer, db *sqlite.DB) error {
	users, _, err := db.FindUsers(ctx, assessment.UserFilter{})
	if err != nil {
		return err
	}
	tree, err := db.UnitTree(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "USERNAME\tFULL NAME\tGRANTS\tSTATUS\tLAST LOGIN")
	for _, u := range users {
		var gs []string
		for _, g := range u.Grants {
			s := string(g.Role)
			if g.UnitID != 0 {
				code := fmt.Sprint(g.UnitID)
				if unit := tree.Unit(g.UnitID); unit != nil {
					code = unit.Code
				}
				s += "@" + code
				if g.Subtree {
					s += "+"
				}
			}
			if len(g.Pillars) > 0 {
				s += ":" + strings.Join(g.Pillars, ",")
			}
			gs = append(gs, s)
		}
		status := "active"
		if u.Disabled {
			status = "disabled"
		} else if u.MustChangePassword {
			status = "must change password"
		}
		last := "-"
		if !u.LastLoginAt.IsZero() {
			last = u.LastLoginAt.Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Username, u.FullName, strings.Join(gs, " "), status, last)
	}
	return tw.Flush()
}
