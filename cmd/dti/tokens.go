package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/assessment/sqlite"
)

func init() {
	register(command{
		name:    "tokens",
		usage:   "dti tokens create|list|revoke --db FILE ...",
		summary: "manage API tokens of integration accounts (central systems, dashboards)",
		run:     runTokens,
	})
}

const tokensUsage = `Usage:
  dti tokens create --db FILE --username NAME --name "TOKEN NAME"
  dti tokens list   --db FILE [--username NAME]
  dti tokens revoke --db FILE --id ID

A token lets a machine call the JSON API (/api/v1, see docs/api.md) with
the grants of the account it belongs to. create prints the secret once;
only its hash is kept. The site's page /account/tokens does the same.
`

func runTokens(ctx context.Context, env *cmdEnv, args []string) error {
	sub, fs, dbPath, usage, help := actionFlags(env, "tokens", tokensUsage, args)
	if help {
		return nil
	}
	username := fs.String("username", "", "the account the token acts as")
	name := fs.String("name", "", "what the token is for, e.g. the system's name")
	id := fs.Int64("id", 0, "the token to revoke (see list)")
	if err := fs.Parse(args[1:]); err != nil {
		return exitError{2}
	}
	switch {
	case fs.NArg() > 0:
		return usage(fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	case sub != "create" && sub != "list" && sub != "revoke":
		return usage(fmt.Sprintf("unknown action %q", sub))
	case *dbPath == "":
		return usage("--db is required (or set DTI_DB)")
	case sub == "create" && (*username == "" || *name == ""):
		return usage("--username and --name are required")
	case sub == "revoke" && *id <= 0:
		return usage("--id is required")
	}

	db, err := sqlite.Open(*dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	var owner *assessment.User
	if *username != "" {
		if owner, err = db.FindUserByUsername(ctx, *username); err != nil {
			return fmt.Errorf("no account %q: %w", *username, err)
		}
	}
	switch sub {
	case "create":
		tok, secret, err := db.CreateAPIToken(ctx, assessment.SystemActor, owner.ID, *name)
		if err != nil {
			return userError(env, err)
		}
		fmt.Fprintf(env.stdout, "Đã tạo mã / token created: %d %s for %s\n", tok.ID, tok.Name, owner.Username)
		fmt.Fprintf(env.stdout, "Mã (chỉ hiện một lần) / secret (shown once): %s\n", secret)
		return nil
	case "revoke":
		if err := db.RevokeAPIToken(ctx, assessment.SystemActor, *id); err != nil {
			return fmt.Errorf("revoke token %d: %w", *id, err)
		}
		fmt.Fprintf(env.stdout, "Đã thu hồi / revoked: %d\n", *id)
		return nil
	}
	var ownerID int64
	if owner != nil {
		ownerID = owner.ID
	}
	return listTokens(ctx, env.stdout, db, ownerID)
}

// listTokens prints tokens newest first: id, account, name, prefix,
// created, last used, revoked.
func listTokens(ctx context.Context, w io.Writer, db *sqlite.DB, userID int64) error {
	toks, err := db.FindAPITokens(ctx, userID)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tACCOUNT\tNAME\tPREFIX\tCREATED\tLAST USED\tREVOKED")
	const layout = "2006-01-02 15:04"
	at := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.UTC().Format(layout)
	}
	for _, t := range toks {
		if _, ok := names[t.UserID]; !ok {
			names[t.UserID] = "#" + strconv.FormatInt(t.UserID, 10)
			if u, err := db.FindUserByID(ctx, t.UserID); err == nil {
				names[t.UserID] = u.Username
			}
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s…\t%s\t%s\t%s\n", t.ID, names[t.UserID], t.Name, t.Prefix,
			at(t.CreatedAt), at(t.LastUsedAt), at(t.RevokedAt))
	}
	return tw.Flush()
}
