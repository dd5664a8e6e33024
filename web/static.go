package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"path"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"
)

//go:embed static
var staticFS embed.FS

//go:embed templates
var templateFS embed.FS

// assets serves the static files at versioned URLs,
// /static/<hash>/css/app.css, where hash is taken from the file's content:
// a changed file gets a new URL, so every URL can be cached forever.
type assets struct {
	fsys fs.FS
	dev  bool

	mu    sync.RWMutex
	files map[string]asset // by path under static/, e.g. "css/app.css"
}

type asset struct {
	hash  string
	data  []byte
	ctype string
}

// loadAssets reads and hashes every file of fsys.
func loadAssets(fsys fs.FS, dev bool) (*assets, error) {
	a := &assets{fsys: fsys, dev: dev}
	if err := a.load(); err != nil {
		return nil, err
	}
	return a, nil
}

func (a *assets) load() error {
	files := make(map[string]asset)
	err := fs.WalkDir(a.fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(a.fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ctype := mime.TypeByExtension(path.Ext(p))
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		files[p] = asset{hash: hex.EncodeToString(sum[:6]), data: b, ctype: ctype}
		return nil
	})
	if err != nil {
		return fmt.Errorf("static files: %w", err)
	}
	a.mu.Lock()
	a.files = files
	a.mu.Unlock()
	return nil
}

// URL returns the versioned URL of the static file name ("css/app.css").
func (a *assets) URL(name string) (string, error) {
	if a.dev {
		// Pick up edits without a restart.
		if err := a.load(); err != nil {
			return "", err
		}
	}
	a.mu.RLock()
	f, ok := a.files[name]
	a.mu.RUnlock()
	if !ok {
		return "", fmt.Errorf("unknown static file %q", name)
	}
	return "/static/" + f.hash + "/" + name, nil
}

// has reports whether name is a static file.
func (a *assets) has(name string) bool {
	a.mu.RLock()
	defer a.mu.RUnlock()
	_, ok := a.files[name]
	return ok
}

// serve answers GET /static/:hash/*. A current hash is cached for a year
// (immutable); an outdated hash (a page from before a deployment) still
// gets the file, but uncached, so no stale copy is stored under the new
// content.
func (a *assets) serve(c *fiber.Ctx) error {
	name := c.Params("*")
	if strings.Contains(name, "..") {
		return fiber.ErrNotFound
	}
	a.mu.RLock()
	f, ok := a.files[name]
	a.mu.RUnlock()
	if !ok {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderContentType, f.ctype)
	if c.Params("hash") == f.hash && !a.dev {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "no-cache")
	}
	c.Set(fiber.HeaderETag, `"`+f.hash+`"`)
	if c.Get(fiber.HeaderIfNoneMatch) == `"`+f.hash+`"` {
		return c.SendStatus(fiber.StatusNotModified)
	}
	return c.Send(f.data)
}
