package web

import (
	"strings"

	"github.com/valyala/fasthttp"
)

// uploadFormSlack is the room an upload form gets beyond its file for the
// other fields and the multipart framing.
const uploadFormSlack = 64 << 10

// requestConfig runs when a request's header has been read, before its
// body: it sets the body limit for that request, so only upload routes
// and the API buffer large bodies. Anyone can send a body to the sign-in
// form; it is refused past BodyLimit without being read.
func (s *Server) requestConfig(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
	return fasthttp.RequestConfig{MaxRequestBodySize: s.bodyLimit(string(h.Method()), h.RequestURI())}
}

// bodyLimit is the largest body accepted for a request to uri.
func (s *Server) bodyLimit(method string, uri []byte) int {
	if method != fasthttp.MethodPost && method != fasthttp.MethodPut {
		return s.cfg.BodyLimit
	}
	var u fasthttp.URI
	if err := u.Parse(nil, uri); err != nil {
		return s.cfg.BodyLimit
	}
	// The path as routing sees it: decoded, dot segments resolved, in any
	// case, with or without a trailing slash.
	path := strings.TrimSuffix(strings.ToLower(string(u.Path())), "/")
	switch {
	case strings.HasPrefix(path, apiPrefix+"/"):
		// A little over the API's own limit, so a body just past it gets
		// the API's explanation from apiFrame.
		return max(s.cfg.BodyLimit, apiBodyLimit+uploadFormSlack)
	case isUploadPath(path):
		return max(s.cfg.BodyLimit, s.cfg.UploadLimit+uploadFormSlack)
	}
	return s.cfg.BodyLimit
}

// isUploadPath reports whether path is a route that takes a file:
// evidence, the unit's filled template, the admin imports and the index
// migration.
func isUploadPath(path string) bool {
	seg := strings.Split(strings.TrimPrefix(path, "/"), "/")
	switch len(seg) {
	case 6: // /periods/:period/units/:unit/form/{evidence,import}
		return seg[0] == "periods" && seg[2] == "units" && seg[4] == "form" && (seg[5] == "evidence" || seg[5] == "import")
	case 3: // /admin/imports/:kind
		return seg[0] == "admin" && seg[1] == "imports"
	case 4: // /admin/periods/:period/migrate
		return seg[0] == "admin" && seg[1] == "periods" && seg[3] == "migrate"
	}
	return false
}
