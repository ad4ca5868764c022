package config

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// Problem is one thing wrong with a configuration file.
type Problem struct {
	File      string
	Line, Col int
	Msg       string
}

func (p Problem) String() string {
	return fmt.Sprintf("%s:%d:%d: %s", p.File, p.Line, p.Col, p.Msg)
}

// Problems is every problem found in a file, in file order.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

func (ps Problems) sort() {
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].Line != ps[j].Line {
			return ps[i].Line < ps[j].Line
		}
		return ps[i].Col < ps[j].Col
	})
}

// decoder turns YAML into fileConfig, remembering where each value sat so
// that later checks can point at it.
type decoder struct {
	file     string
	problems Problems
	values   map[string]*token.Position // path → position of the value
	keys     map[string]*token.Position // path → position of the key
	zones    map[string]*time.Location  // time zones loaded, by name
}

func (d *decoder) addAt(pos *token.Position, format string, args ...any) {
	p := Problem{File: d.file, Line: 1, Col: 1, Msg: fmt.Sprintf(format, args...)}
	if pos != nil {
		p.Line, p.Col = pos.Line, pos.Column
	}
	d.problems = append(d.problems, p)
}

// add reports a problem at the value found at path (or the nearest
// enclosing one).
func (d *decoder) add(path, format string, args ...any) {
	d.addAt(d.lookup(d.values, path), format, args...)
}

// addKey reports a problem at the key of path.
func (d *decoder) addKey(path, format string, args ...any) {
	d.addAt(d.lookup(d.keys, path), format, args...)
}

func (d *decoder) lookup(m map[string]*token.Position, path string) *token.Position {
	for p := path; p != ""; p = parent(p) {
		if pos := m[p]; pos != nil {
			return pos
		}
	}
	return nil
}

// where names the position of path as "line L col C".
func (d *decoder) where(path string) string {
	pos := d.lookup(d.values, path)
	if pos == nil {
		return "?"
	}
	return fmt.Sprintf("line %d", pos.Line)
}

func parent(path string) string {
	i := strings.LastIndexAny(path, ".[")
	if i < 0 {
		return ""
	}
	return path[:i]
}

// decode parses data into v. It reports syntax errors, unknown and
// duplicate keys (all of them) and type errors, and returns false when
// any was found.
func (d *decoder) decode(data []byte, v any) bool {
	d.values = map[string]*token.Position{}
	d.keys = map[string]*token.Position{}
	// Duplicate keys are allowed through the parser so that walk reports
	// every one of them, with everything else, instead of only the first.
	f, err := parser.ParseBytes(data, 0, parser.AllowDuplicateMapKey())
	if err != nil {
		d.yamlError(err)
		return false
	}
	if len(f.Docs) == 0 || f.Docs[0].Body == nil {
		return true
	}
	if len(f.Docs) > 1 {
		d.addAt(f.Docs[1].GetToken().Position, "only one YAML document is allowed")
	}
	body := f.Docs[0].Body
	if !d.walk(body, reflect.TypeOf(v).Elem(), "") {
		return false
	}
	// walk reported unknown keys (the decoder skips them) and replaced
	// values of the wrong shape with nulls, so the rest of the file can
	// still be decoded and checked.
	if err := yaml.NodeToValue(body, v, yaml.AllowDuplicateMapKey()); err != nil {
		d.yamlError(err)
		return false
	}
	return true
}

func (d *decoder) yamlError(err error) {
	var ye yaml.Error
	if errors.As(err, &ye) && ye.GetToken() != nil {
		d.addAt(ye.GetToken().Position, "%s", ye.GetMessage())
		return
	}
	d.addAt(nil, "%v", err)
}

// walk checks node against the Go type t: every mapping key must name a
// field, no key may repeat, and every value must have the right shape. It
// returns false when node itself has the wrong shape; the caller then
// replaces it with a null, so decoding goes on without it.
func (d *decoder) walk(node ast.Node, t reflect.Type, path string) bool {
	if node == nil {
		return true
	}
	if _, null := node.(*ast.NullNode); null {
		return true
	}
	if _, alias := node.(*ast.AliasNode); alias {
		return true
	}
	if tok := node.GetToken(); tok != nil {
		d.values[path] = tok.Position
	}
	if entries, ok := mappingEntries(node); ok && len(entries) > 0 {
		// A mapping's own token is its first ':'; point at its first key.
		d.values[path] = entries[0].Key.GetToken().Position
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		entries, ok := mappingEntries(node)
		if !ok {
			d.addAt(node.GetToken().Position, "%s must be a mapping", describe(path))
			return false
		}
		fields := yamlFields(t)
		seen := map[string]bool{}
		for _, mv := range entries {
			key := mv.Key.String()
			keyPos := mv.Key.GetToken().Position
			field, ok := fields[key]
			switch {
			case !ok:
				d.addAt(keyPos, "unknown field %q%s", key, suggest(key, fields))
				continue
			case seen[key]:
				d.addAt(keyPos, "duplicate field %q (first at line %d)", key, d.keys[join(path, key)].Line)
				continue
			}
			seen[key] = true
			p := join(path, key)
			d.keys[p] = keyPos
			if !d.walk(mv.Value, field.Type, p) {
				mv.Value = ast.Null(mv.Value.GetToken())
			}
		}
		return true
	case reflect.Map:
		entries, ok := mappingEntries(node)
		if !ok {
			d.addAt(node.GetToken().Position, "%s must be a mapping", describe(path))
			return false
		}
		seen := map[string]bool{}
		for _, mv := range entries {
			key := mv.Key.String()
			keyPos := mv.Key.GetToken().Position
			if seen[key] {
				d.addAt(keyPos, "duplicate key %q (first at line %d)", key, d.keys[join(path, key)].Line)
				continue
			}
			seen[key] = true
			p := join(path, key)
			d.keys[p] = keyPos
			if !d.walk(mv.Value, t.Elem(), p) {
				mv.Value = ast.Null(mv.Value.GetToken())
			}
		}
		return true
	case reflect.Slice:
		seq, ok := node.(*ast.SequenceNode)
		if !ok {
			d.addAt(node.GetToken().Position, "%s must be a list", describe(path))
			return false
		}
		for i, el := range seq.Values {
			if !d.walk(el, t.Elem(), fmt.Sprintf("%s[%d]", path, i)) {
				seq.Values[i] = ast.Null(el.GetToken())
			}
		}
		return true
	case reflect.Int, reflect.Int64:
		if _, ok := node.(*ast.IntegerNode); !ok {
			d.addAt(node.GetToken().Position, "%s must be a whole number, got %s", describe(path), node.GetToken().Value)
			return false
		}
	case reflect.Bool:
		if _, ok := node.(*ast.BoolNode); !ok {
			d.addAt(node.GetToken().Position, "%s must be true or false, got %s", describe(path), node.GetToken().Value)
			return false
		}
	case reflect.String:
		switch node.(type) {
		case *ast.MappingNode, *ast.MappingValueNode, *ast.SequenceNode:
			d.addAt(node.GetToken().Position, "%s must be a single value, not a list or mapping", describe(path))
			return false
		}
	}
	return true
}

func mappingEntries(node ast.Node) ([]*ast.MappingValueNode, bool) {
	switch n := node.(type) {
	case *ast.MappingNode:
		return n.Values, true
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{n}, true
	case *ast.NullNode:
		return nil, true
	}
	return nil, false
}

// fieldsByType caches yamlFields: a file lists hundreds of sources, each
// a struct of the same type.
var fieldsByType sync.Map // reflect.Type → map[string]reflect.StructField

// yamlFields maps the YAML keys of struct type t to its fields. The map
// is shared: callers must not change it.
func yamlFields(t reflect.Type) map[string]reflect.StructField {
	if m, ok := fieldsByType.Load(t); ok {
		return m.(map[string]reflect.StructField)
	}
	out := map[string]reflect.StructField{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name != "" && name != "-" {
			out[name] = f
		}
	}
	fieldsByType.Store(t, out)
	return out
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func describe(path string) string {
	if path == "" {
		return "the configuration"
	}
	return path
}

// suggest names the known field closest to a misspelt key.
func suggest(key string, fields map[string]reflect.StructField) string {
	best, bestDist := "", 3
	for name := range fields {
		if dist := editDistance(key, name); dist < bestDist || (dist == bestDist && name < best) {
			best, bestDist = name, dist
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
