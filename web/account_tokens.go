package web

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/dti-platform/dti/assessment"
)

// This file holds the page where signed-in users manage their API tokens
// (the JSON API's bearer tokens): create one (its secret is shown once),
// see when each was last used, revoke it. Province-wide admins also make
// tokens for integration accounts (a central system's secretariat
// account, a dashboard's viewer account) and see and revoke every token.

// tokensView is the data of the token page.
type tokensView struct {
	// All is true for admins: the list shows every account's tokens and
	// the form names the account.
	All    bool
	Name   string
	User   string
	Errors map[string]string
	Tokens []tokenRow
	// Active counts the active tokens listed.
	Active int
}

// tokenRow is one token in the list.
type tokenRow struct {
	ID        int64
	Name      string
	Prefix    string
	User      string
	Created   string
	LastUsed  string
	Revoked   string
	RevokeURL string
}

// tokenSecretView shows a new token's secret once.
type tokenSecretView struct {
	Name   string
	User   string
	Secret string
	// Example is a curl call with the token, to copy.
	Example string
}

// tokensPage lists the user's tokens (admins: every token) with the form
// to create one.
func (s *Server) tokensPage(c *fiber.Ctx) error {
	return s.renderTokens(c, fiber.StatusOK, tokensView{Errors: map[string]string{}})
}

// renderTokens fills the list and renders the page with status.
func (s *Server) renderTokens(c *fiber.Ctx, status int, v tokensView) error {
	ctx := c.UserContext()
	u := currentUser(c)
	l := s.localizer(c)
	v.All = u.IsAdmin
	var owner int64
	if !v.All {
		owner = u.ID
	}
	toks, err := s.cfg.Store.FindAPITokens(ctx, owner)
	if err != nil {
		return err
	}
	names := map[int64]string{u.ID: u.Login}
	for _, t := range toks {
		if _, ok := names[t.UserID]; ok {
			continue
		}
		switch tu, err := s.cfg.Store.FindUserByID(ctx, t.UserID); {
		case err == nil:
			names[t.UserID] = tu.Username
		case isNotFound(err):
			names[t.UserID] = "#" + strconv.FormatInt(t.UserID, 10)
		default:
			return err
		}
	}
	for _, t := range toks {
		row := tokenRow{ID: t.ID, Name: t.Name, Prefix: t.Prefix, User: names[t.UserID], Created: l.DateTime(t.CreatedAt)}
		if !t.LastUsedAt.IsZero() {
			row.LastUsed = l.DateTime(t.LastUsedAt)
		}
		if t.Active() {
			row.RevokeURL = "/account/tokens/" + strconv.FormatInt(t.ID, 10) + "/revoke"
			v.Active++
		} else {
			row.Revoked = l.DateTime(t.RevokedAt)
		}
		v.Tokens = append(v.Tokens, row)
	}
	return s.render(c, status, "account_tokens", s.newPage(c, "tokens.title", "tokens", v))
}

// createToken makes a token for the user (admins: for the named account)
// and shows its secret once.
func (s *Server) createToken(c *fiber.Ctx) error {
	ctx := c.UserContext()
	u := currentUser(c)
	l := s.localizer(c)
	v := tokensView{Name: strings.TrimSpace(c.FormValue("name")), Errors: map[string]string{}}
	owner := &assessment.User{ID: u.ID, Username: u.Login}
	if u.IsAdmin {
		v.User = strings.ToLower(strings.TrimSpace(c.FormValue("user")))
		if v.User != "" && v.User != u.Login {
			switch found, err := s.cfg.Store.FindUserByUsername(ctx, v.User); {
			case isNotFound(err):
				v.Errors["user"] = l.T("tokens.user_unknown", v.User)
			case err != nil:
				return err
			case found.Disabled:
				v.Errors["user"] = l.T("tokens.user_disabled", found.Username)
			default:
				owner = found
			}
		}
	}
	if v.Name == "" {
		v.Errors["name"] = l.T("tokens.name_required")
	} else if len(v.Name) > 200 || !assessment.CleanText(v.Name) {
		v.Errors["name"] = l.T("tokens.name_bad")
	}
	if len(v.Errors) > 0 {
		return s.renderTokens(c, fiber.StatusUnprocessableEntity, v)
	}
	tok, secret, err := s.cfg.Store.CreateAPIToken(ctx, u.Actor, owner.ID, v.Name)
	if isInvalid(err) {
		v.Errors["name"] = domainMessage(err, l.Lang)
		return s.renderTokens(c, fiber.StatusUnprocessableEntity, v)
	}
	if err != nil {
		return err
	}
	// The secret exists only in this answer: never cached, never stored.
	c.Set(fiber.HeaderCacheControl, "no-store")
	base := strings.TrimSuffix(s.cfg.BaseURL, "/")
	if base == "" {
		base = c.BaseURL()
	}
	sv := tokenSecretView{Name: tok.Name, User: owner.Username, Secret: secret,
		Example: "curl -H 'Authorization: Bearer " + secret + "' " + base + apiPrefix + "/periods"}
	return s.render(c, fiber.StatusOK, "account_tokens_secret", s.newPage(c, "tokens.secret_title", "tokens", sv))
}

// revokeToken revokes one of the user's tokens (admins: any token).
func (s *Server) revokeToken(c *fiber.Ctx) error {
	ctx := c.UserContext()
	u := currentUser(c)
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return assessment.ErrNotFound
	}
	var owner int64
	if !u.IsAdmin {
		owner = u.ID
	}
	toks, err := s.cfg.Store.FindAPITokens(ctx, owner)
	if err != nil {
		return err
	}
	var tok *assessment.APIToken
	for _, t := range toks {
		if t.ID == id {
			tok = t
		}
	}
	// Another user's token does not exist for this user.
	if tok == nil {
		return assessment.ErrNotFound
	}
	if tok.Active() {
		if err := s.cfg.Store.RevokeAPIToken(ctx, u.Actor, id); err != nil {
			return err
		}
	}
	s.setFlash(c, "flash.token_revoked")
	return c.Redirect("/account/tokens", fiber.StatusSeeOther)
}
