package peel_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/peel-rms/peel"

// layer says what a package may import from the project and from outside the standard library.
type layer struct {
	project  []string // project packages it may import ("*" for any)
	external []string // module prefixes it may import
}

// domain packages are pure: the standard library, the model and small pure libraries, no I/O.
var domainLibs = []string{"github.com/hbollon/go-edlib", "github.com/nyaruka/phonenumbers", "github.com/alexedwards/argon2id", "golang.org/x/crypto", "github.com/valyala/fastjson"}

// rules is the dependency rule of docs/architecture.md, package by package.
var rules = map[string]layer{
	"":                {project: []string{"pole", "auth", "audit", "ukref", "graph", "hazard", "incident", "match"}},
	"graph":           {project: []string{"pole"}},
	"hazard":          {project: []string{"pole", "ukref"}},
	"pole":            {project: []string{"ukref"}, external: domainLibs},
	"ukref":           {external: domainLibs},
	"auth":            {project: []string{"pole"}, external: domainLibs},
	"audit":           {},
	"match":           {external: domainLibs},
	"search":          {project: []string{"pole", "ukref", "match"}, external: domainLibs},
	"incident":        {project: []string{"pole", "ukref"}},
	"demo":            {project: []string{"pole", "ukref"}},
	"sqlstore":        {project: []string{"", "pole", "ukref", "auth", "audit", "search", "match", "incident", "graph", "hazard"}, external: domainLibs},
	"sqlite":          {project: []string{"sqlstore"}, external: []string{"modernc.org/sqlite", "github.com/pressly/goose"}},
	"postgres":        {project: []string{"sqlstore"}, external: []string{"github.com/jackc/pgx", "github.com/pressly/goose"}},
	"postgres/pgtest": {external: []string{"github.com/jackc/pgx"}},
	"storetest":       {project: []string{"", "pole", "ukref", "auth", "audit", "sqlstore", "hazard", "graph", "incident"}},
	"web":             {project: []string{"", "pole", "ukref", "auth", "audit", "search", "match", "incident", "graph", "hazard"}, external: domainLibs},
	"web/webtest":     {project: []string{"*"}, external: []string{"*"}},
	"cmd/peel":        {project: []string{"*"}, external: []string{"*"}},
	"bench":           {project: []string{"*"}, external: []string{"*"}},
}

// TestDependencyRule fails when a package imports what its layer may not, so the architecture
// cannot drift: domain packages stay pure, stores never import the web layer, and the web layer
// reaches stores only through the peel.Store interface.
func TestDependencyRule(t *testing.T) {
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != "." && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules" || name == "tmp" || name == "static" || name == "templates") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		pkg := filepath.ToSlash(filepath.Dir(path))
		if pkg == "." {
			pkg = ""
		}
		if strings.HasPrefix(pkg, "bench/") {
			pkg = "bench" // benchmark programs wire real stores like cmd/peel
		}
		rule, ok := rules[pkg]
		if !ok {
			t.Errorf("package %q has no dependency rule: add it to arch_test.go and docs/architecture.md", pkg)
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			p := strings.Trim(imp.Path.Value, `"`)
			switch {
			case p == module || strings.HasPrefix(p, module+"/"):
				rel := strings.TrimPrefix(strings.TrimPrefix(p, module), "/")
				if !slices.Contains(rule.project, rel) && !slices.Contains(rule.project, "*") {
					t.Errorf("%s imports %s: package %q may import only %v from the project", path, p, pkg, rule.project)
				}
			case !strings.Contains(strings.Split(p, "/")[0], "."):
				// standard library
			default:
				ok := slices.Contains(rule.external, "*")
				for _, prefix := range rule.external {
					ok = ok || strings.HasPrefix(p, prefix)
				}
				if !ok {
					t.Errorf("%s imports %s: package %q may import only %v outside the standard library", path, p, pkg, rule.external)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
