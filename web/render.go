package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
	"text/template/parse"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/dti-platform/dti/scoring"
)

// views holds the parsed templates: one set per language, each page parsed
// with the layouts and partials, so that t, num and date are bound to the
// language at parse time and rendering needs no per-request cloning.
type views struct {
	fsys   fs.FS
	cats   map[string]catalog
	assets *assets
	loc    *time.Location
	dev    bool

	mu    sync.RWMutex
	pages map[string]map[string]*template.Template // lang -> page -> template
}

// newViews parses every template and checks that every message key and
// static file they name exists.
func newViews(fsys fs.FS, cats map[string]catalog, a *assets, loc *time.Location, dev bool) (*views, error) {
	v := &views{fsys: fsys, cats: cats, assets: a, loc: loc, dev: dev}
	if err := v.parse(); err != nil {
		return nil, err
	}
	return v, nil
}

func (v *views) parse() error {
	shared, err := globFiles(v.fsys, "layouts/*.html", "partials/*.html")
	if err != nil {
		return err
	}
	pageFiles, err := fs.Glob(v.fsys, "pages/*.html")
	if err != nil {
		return err
	}
	if len(pageFiles) == 0 {
		return fmt.Errorf("templates: no pages")
	}
	all := make(map[string]map[string]*template.Template, len(languages))
	for _, lang := range languages {
		l := &Localizer{Lang: lang, cat: v.cats[lang], loc: v.loc}
		pages := make(map[string]*template.Template, len(pageFiles))
		for _, pf := range pageFiles {
			name := strings.TrimSuffix(path.Base(pf), ".html")
			t := template.New(name).Funcs(v.funcs(l))
			for _, f := range append(shared, pf) {
				b, err := fs.ReadFile(v.fsys, f)
				if err != nil {
					return err
				}
				if _, err := t.New(f).Parse(string(b)); err != nil {
					return fmt.Errorf("templates: %w", err)
				}
			}
			if t.Lookup("base") == nil || t.Lookup("content") == nil {
				return fmt.Errorf("templates: page %s must define \"content\" for the \"base\" layout", pf)
			}
			pages[name] = t
		}
		all[lang] = pages
	}
	// The same files serve every language: check one set.
	for name, t := range all[LangVI] {
		if err := checkLiterals(t, v.cats[LangVI], v.assets); err != nil {
			return fmt.Errorf("templates: page %s: %w", name, err)
		}
	}
	v.mu.Lock()
	v.pages = all
	v.mu.Unlock()
	return nil
}

func globFiles(fsys fs.FS, patterns ...string) ([]string, error) {
	var out []string
	for _, p := range patterns {
		m, err := fs.Glob(fsys, p)
		if err != nil {
			return nil, err
		}
		sort.Strings(m)
		out = append(out, m...)
	}
	return out, nil
}

// funcs are the template functions, bound to one language.
func (v *views) funcs(l *Localizer) template.FuncMap {
	return template.FuncMap{
		"t":        l.T,
		"num":      l.Num,
		"date":     l.Date,
		"datetime": l.DateTime,
		"clock":    l.Clock,
		"tx":       func(t scoring.Text) string { return t.In(l.Lang) },
		"asset":    v.assets.URL,
		"dict":     dict,
	}
}

// dict builds a map from key/value pairs, to pass several values to a
// partial: {{template "field" dict "Input" . "Lang" $.Lang}}.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

// checkLiterals walks every template of t and checks the constant
// arguments of t "key" and asset "file".
func checkLiterals(t *template.Template, cat catalog, a *assets) error {
	var problems []string
	for _, tt := range t.Templates() {
		if tt.Tree == nil {
			continue
		}
		walkCalls(tt.Tree.Root, func(fn, arg string) {
			switch fn {
			case "t":
				if _, ok := cat[arg]; !ok {
					problems = append(problems, fmt.Sprintf("%s: unknown message key %q", tt.Name(), arg))
				}
			case "asset":
				if !a.has(arg) {
					problems = append(problems, fmt.Sprintf("%s: unknown static file %q", tt.Name(), arg))
				}
			}
		})
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return nil
}

// walkCalls calls fn for every function call in the tree whose first
// argument is a string constant.
func walkCalls(n parse.Node, fn func(name, arg string)) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			walkCalls(c, fn)
		}
	case *parse.ActionNode:
		walkCalls(n.Pipe, fn)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, c := range n.Cmds {
			walkCalls(c, fn)
		}
	case *parse.CommandNode:
		if len(n.Args) >= 2 {
			if id, ok := n.Args[0].(*parse.IdentifierNode); ok {
				if s, ok := n.Args[1].(*parse.StringNode); ok {
					fn(id.Ident, s.Text)
				}
			}
		}
		for _, a := range n.Args {
			walkCalls(a, fn)
		}
	case *parse.IfNode:
		walkCalls(n.Pipe, fn)
		walkCalls(n.List, fn)
		walkCalls(n.ElseList, fn)
	case *parse.RangeNode:
		walkCalls(n.Pipe, fn)
		walkCalls(n.List, fn)
		walkCalls(n.ElseList, fn)
	case *parse.WithNode:
		walkCalls(n.Pipe, fn)
		walkCalls(n.List, fn)
		walkCalls(n.ElseList, fn)
	case *parse.TemplateNode:
		walkCalls(n.Pipe, fn)
	}
}

// page returns the template of a page in a language.
func (v *views) page(lang, name string) (*template.Template, error) {
	if v.dev {
		if err := v.parse(); err != nil {
			return nil, err
		}
	}
	v.mu.RLock()
	t := v.pages[lang][name]
	v.mu.RUnlock()
	if t == nil {
		return nil, fmt.Errorf("templates: no page %q", name)
	}
	return t, nil
}

// partial executes the named template of a page's set (a partial) with
// data, in lang, and returns the HTML.
func (v *views) partial(lang, page, name string, data any) (template.HTML, error) {
	t, err := v.page(lang, page)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		return "", fmt.Errorf("render %s: %w", name, err)
	}
	// The output of html/template is safe HTML by construction.
	return template.HTML(buf.String()), nil
}

// bufPool recycles render buffers.
var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render executes a page into the response with the given status. The page
// is rendered into a buffer first, so a template error becomes a clean 500
// page instead of half a page.
func (s *Server) render(c *fiber.Ctx, status int, name string, p *Page) error {
	t, err := s.views.page(p.Lang, name)
	if err != nil {
		return err
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := t.ExecuteTemplate(buf, "base", p); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	c.Status(status)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	// SetBody copies: the buffer goes back to the pool.
	c.Response().SetBody(buf.Bytes())
	return nil
}
