package web

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/dti-platform/dti/assessment"
)

// This file holds the frame of the JSON API for machines (/api/v1): central
// systems push indicator values, dashboards pull results. A request
// authenticates with "Authorization: Bearer <token>" (a token made on the
// account's token page); the API never reads the session cookie, so a
// browser signed in to the site cannot be made to call it (no CSRF risk)
// and a token acts with exactly its user's grants. Errors are JSON:
//
//	{"error": {"code": "not_found", "message": "...", "fields": [...]}}

// apiPrefix starts every API path.
const apiPrefix = "/api/v1"

// API limits and defaults.
const (
	// apiBodyLimit caps an API request body: a push of values for every
	// unit of a province fits comfortably.
	apiBodyLimit = 4 << 20
	// apiMaxValues caps the values of one push.
	apiMaxValues = assessment.MaxImportRows
	// defaultAPIRate is the requests a token may make per minute (also its
	// burst).
	defaultAPIRate = 120
	// Requests without a valid token, per client address: a small burst,
	// then one every two seconds.
	apiFailBurst = 20
	apiFailEvery = 2 * time.Second
)

// Keys of the API's values in fiber's locals.
const localAPIToken = "dti.apitoken"

// apiState is the API's per-process state.
type apiState struct {
	perToken *limiter // requests per token
	failedIP *limiter // requests without a valid token, per address
	// results keeps the encoded results of published snapshots (frozen),
	// by period, snapshot, language and block.
	results renderCache[[]byte]
}

// apiError is an error answered as the API's JSON error.
type apiError struct {
	Status int
	Code   string
	VI, EN string
	Fields []apiField
}

// apiField is one problem of a request's field: a body field ("values[3].value"),
// with the unit, indicator and input it concerns when the field is a value.
type apiField struct {
	Field     string `json:"field"`
	Unit      string `json:"unit,omitempty"`
	Indicator string `json:"indicator,omitempty"`
	Input     string `json:"input,omitempty"`
	Message   string `json:"message"`
	vi, en    string
}

func (e *apiError) Error() string { return "api: " + e.Code + ": " + e.EN }

func newAPIError(status int, code, vi, en string) *apiError {
	return &apiError{Status: status, Code: code, VI: vi, EN: en}
}

// The API's fixed errors.
var (
	errAPINoToken = newAPIError(fiber.StatusUnauthorized, "unauthorized",
		"Cần gửi mã truy cập trong tiêu đề Authorization: Bearer <mã>.",
		"send an API token in the header Authorization: Bearer <token>")
	errAPIBadToken = newAPIError(fiber.StatusUnauthorized, "invalid_token",
		"Mã truy cập không đúng, đã bị thu hồi hoặc tài khoản đã bị khoá.",
		"the API token is unknown or revoked, or its account is disabled")
	errAPINoRoute = newAPIError(fiber.StatusNotFound, "not_found",
		"Không có địa chỉ API này.", "no such API endpoint")
)

// apiRoutes registers the API. It must come before the session middleware:
// nothing of the API reads cookies or CSRF tokens.
func (s *Server) apiRoutes(app *fiber.App) {
	rate := s.cfg.APIRequestsPerMinute
	if rate <= 0 {
		rate = defaultAPIRate
	}
	s.api.perToken = newLimiter(rate, time.Minute/time.Duration(rate), s.cfg.Now)
	s.api.failedIP = newLimiter(apiFailBurst, apiFailEvery, s.cfg.Now)

	api := app.Group(apiPrefix, s.apiFrame)
	api.Get("/openapi.json", s.apiOpenAPI)
	api.Get("/periods", s.apiAuth, s.apiPeriods)
	api.Get("/periods/:code", s.apiAuth, s.apiPeriod)
	api.Get("/periods/:code/results", s.apiAuth, s.apiResults)
	api.Get("/periods/:code/units/:unit/results", s.apiAuth, s.apiUnitResults)
	api.Get("/periods/:code/units/:unit/values", s.apiAuth, s.apiUnitValues)
	api.Put("/periods/:code/values", s.apiAuth, s.apiPushValues)
	api.Post("/periods/:code/values", s.apiAuth, s.apiPushValues)
	api.Get("/units", s.apiAuth, s.apiUnits)
	// Anything else under the prefix: a JSON 404 (or 405 for a known
	// path), never the site's pages.
	api.All("/*", s.apiNoRoute)
}

// apiFrame sets what every API answer shares (language, no caching) and
// turns a returned error into the JSON error.
func (s *Server) apiFrame(c *fiber.Ctx) error {
	c.Locals(localLang, apiLang(c, ""))
	c.Set(fiber.HeaderCacheControl, "no-store")
	if len(c.Body()) > apiBodyLimit {
		return s.apiWriteError(c, newAPIError(fiber.StatusRequestEntityTooLarge, "too_large",
			"Nội dung yêu cầu quá lớn (tối đa "+strconv.Itoa(apiBodyLimit>>20)+" MiB).",
			"the request body is too large (at most "+strconv.Itoa(apiBodyLimit>>20)+" MiB)"))
	}
	if err := c.Next(); err != nil {
		return s.apiWriteError(c, err)
	}
	return nil
}

// apiLang picks the language of messages: the Accept-Language header
// ("en..." gives English), else the user's, else Vietnamese.
func apiLang(c *fiber.Ctx, userLang string) string {
	al := strings.ToLower(strings.TrimSpace(c.Get(fiber.HeaderAcceptLanguage)))
	switch {
	case strings.HasPrefix(al, LangEN):
		return LangEN
	case strings.HasPrefix(al, LangVI):
		return LangVI
	case supportedLang(userLang):
		return userLang
	}
	return LangVI
}

// apiAuth authenticates the bearer token, applies the token's rate limit
// and makes its user the request's user.
func (s *Server) apiAuth(c *fiber.Ctx) error {
	h := c.Get(fiber.HeaderAuthorization)
	scheme, secret, _ := strings.Cut(strings.TrimSpace(h), " ")
	secret = strings.TrimSpace(secret)
	if h == "" || !strings.EqualFold(scheme, "Bearer") || secret == "" {
		if err := s.apiThrottleFailure(c); err != nil {
			return err
		}
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="dti"`)
		return errAPINoToken
	}
	tok, u, err := s.cfg.Store.AuthenticateToken(c.UserContext(), secret)
	if isNotFound(err) || isForbidden(err) {
		if err := s.apiThrottleFailure(c); err != nil {
			return err
		}
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="dti", error="invalid_token"`)
		return errAPIBadToken
	}
	if err != nil {
		return err
	}
	if ok, wait := s.api.perToken.allow(strconv.FormatInt(tok.ID, 10)); !ok {
		return apiTooMany(c, wait)
	}
	c.Locals(localAPIToken, tok)
	c.Locals(localUser, userView(u))
	c.Locals(localLang, apiLang(c, u.Lang))
	return c.Next()
}

// apiThrottleFailure counts a request without a valid token against its
// address.
func (s *Server) apiThrottleFailure(c *fiber.Ctx) error {
	if ok, wait := s.api.failedIP.allow(throttleKey(s.clientIP(c))); !ok {
		return apiTooMany(c, wait)
	}
	return nil
}

func apiTooMany(c *fiber.Ctx, wait time.Duration) error {
	secs := int(wait/time.Second) + 1
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(secs))
	return newAPIError(fiber.StatusTooManyRequests, "rate_limited",
		"Quá nhiều yêu cầu; hãy thử lại sau "+strconv.Itoa(secs)+" giây.",
		"too many requests; retry in "+strconv.Itoa(secs)+" s")
}

// apiTokenOf returns the token of an authenticated API request.
func apiTokenOf(c *fiber.Ctx) *assessment.APIToken {
	t, _ := c.Locals(localAPIToken).(*assessment.APIToken)
	return t
}

// apiNoRoute answers a path the API does not have: 405 when the path
// exists with another method, else 404.
func (s *Server) apiNoRoute(c *fiber.Ctx) error {
	path := strings.TrimSuffix(c.Path(), "/")
	var allowed []string
	for _, r := range s.app.GetRoutes(true) {
		if r.Method == fiber.MethodHead || !strings.HasPrefix(r.Path, apiPrefix+"/") || strings.HasSuffix(r.Path, "*") {
			continue
		}
		if routeMatches(r.Path, path) {
			allowed = append(allowed, r.Method)
		}
	}
	if len(allowed) > 0 {
		c.Set(fiber.HeaderAllow, strings.Join(allowed, ", "))
		return newAPIError(fiber.StatusMethodNotAllowed, "method_not_allowed",
			"Địa chỉ này không nhận phương thức "+c.Method()+".", "this endpoint does not accept "+c.Method())
	}
	return errAPINoRoute
}

// routeMatches reports whether path fits the route pattern (":name"
// segments match any one segment).
func routeMatches(pattern, path string) bool {
	ps, qs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(qs) {
		return false
	}
	for i := range ps {
		if !strings.HasPrefix(ps[i], ":") && ps[i] != qs[i] {
			return false
		}
		if strings.HasPrefix(ps[i], ":") && qs[i] == "" {
			return false
		}
	}
	return true
}

// apiWriteError answers err as the API's JSON error. Domain errors keep
// their message; anything unknown is logged and answered with a generic
// 500.
func (s *Server) apiWriteError(c *fiber.Ctx, err error) error {
	lang := lang(c)
	pick := func(vi, en string) string {
		if lang == LangEN {
			return en
		}
		return vi
	}
	var ae *apiError
	if !errors.As(err, &ae) {
		ae = s.apiErrorOf(c, err, lang)
	}
	body := apiErrorBody{Code: ae.Code, Message: pick(ae.VI, ae.EN), Fields: []apiField{}}
	for _, f := range ae.Fields {
		if f.Message == "" {
			f.Message = pick(f.vi, f.en)
		}
		body.Fields = append(body.Fields, f)
	}
	return c.Status(ae.Status).JSON(fiber.Map{"error": body, "request_id": requestID(c)})
}

// apiErrorBody is the "error" object of an API error.
type apiErrorBody struct {
	Code    string     `json:"code"`
	Message string     `json:"message"`
	Fields  []apiField `json:"fields"`
}

// apiErrorOf maps a domain or fiber error to an API error.
func (s *Server) apiErrorOf(c *fiber.Ctx, err error, lang string) *apiError {
	var v *assessment.ValidationError
	var fe *fiber.Error
	switch {
	case errors.As(err, &v):
		ae := newAPIError(fiber.StatusUnprocessableEntity, "invalid",
			"Dữ liệu gửi lên không hợp lệ.", "the request has invalid fields")
		for _, f := range v.Fields {
			ae.Fields = append(ae.Fields, apiField{Field: f.Field, vi: f.VI, en: f.EN})
		}
		return ae
	case isNotFound(err):
		return domainAPIError(err, fiber.StatusNotFound, "not_found", "Không tìm thấy.", "not found")
	case isForbidden(err):
		return domainAPIError(err, fiber.StatusForbidden, "forbidden",
			"Tài khoản của mã truy cập không có quyền này.", "the token's account may not do this")
	case isConflict(err):
		return domainAPIError(err, fiber.StatusConflict, "conflict",
			"Dữ liệu vừa bị thay đổi; hãy gửi lại.", "the data changed meanwhile; send the request again")
	case isInvalid(err):
		return domainAPIError(err, fiber.StatusUnprocessableEntity, "invalid",
			"Dữ liệu gửi lên không hợp lệ.", "the request has invalid fields")
	case errors.As(err, &fe) && fe.Code >= 400 && fe.Code < 500:
		code, ok := apiStatusCodes[fe.Code]
		if !ok {
			code = strings.ReplaceAll(strings.ToLower(utils.StatusMessage(fe.Code)), " ", "_")
		}
		return newAPIError(fe.Code, code, fe.Message, fe.Message)
	}
	s.log.Error("api request failed", "request_id", requestID(c), "method", c.Method(), "path", c.Path(), "err", err.Error())
	return newAPIError(fiber.StatusInternalServerError, "internal",
		"Lỗi máy chủ; mã yêu cầu "+requestID(c)+".", "server error; request id "+requestID(c))
}

// apiStatusCodes are the error codes of statuses fiber itself answers
// (a body over the server's limit), matching the API's own codes.
var apiStatusCodes = map[int]string{
	fiber.StatusBadRequest:            "bad_request",
	fiber.StatusUnauthorized:          "unauthorized",
	fiber.StatusForbidden:             "forbidden",
	fiber.StatusNotFound:              "not_found",
	fiber.StatusMethodNotAllowed:      "method_not_allowed",
	fiber.StatusConflict:              "conflict",
	fiber.StatusRequestEntityTooLarge: "too_large",
	fiber.StatusUnprocessableEntity:   "invalid",
	fiber.StatusTooManyRequests:       "rate_limited",
}

// domainAPIError keeps a domain error's own message when it has one.
func domainAPIError(err error, status int, code, vi, en string) *apiError {
	if m := domainMessage(err, LangVI); m != "" {
		vi, en = m, domainMessage(err, LangEN)
	}
	return newAPIError(status, code, vi, en)
}
