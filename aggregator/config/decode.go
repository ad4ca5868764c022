package config

import (
	"errors"
	"fmt"
	"math"
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
	values   map[string]*token.Position  // path → position of the value
	keys     map[string]*token.Position  // path → position of the key
	zones    map[string]*time.Location   // time zones loaded, by name
	body     ast.Node                    // the document decoded
	aliases  map[*ast.AliasNode]ast.Node // each alias's anchored value, found at the first alias
	aliased  int                         // values expanded by aliases so far
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

// maxAliasNodes bounds the values that aliases may expand to, so that a
// small file of aliases upon aliases cannot make decoding run away. It
// is far more than 5,000 sources that each alias a few shared values.
const maxAliasNodes = 1 << 20

// decode parses data into v. It reports syntax errors, unknown and
// duplicate keys (all of them) and type errors, and returns false when
// any of them leaves nothing to validate.
//
// The syntax tree is decoded here rather than by the YAML library's own
// decoder: that one maps every struct's fields afresh for each of a
// file's hundreds of sources, and was half of reading a configuration
// of 600 sources (see BenchmarkParse).
func (d *decoder) decode(data []byte, v any) bool {
	d.values = map[string]*token.Position{}
	d.keys = map[string]*token.Position{}
	// Duplicate keys are allowed through the parser so that fill reports
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
		d.addAt(documentStart(f.Docs[1]), "only one YAML document is allowed")
	}
	d.body = f.Docs[0].Body
	return d.fill(d.body, reflect.ValueOf(v).Elem(), "")
}

// documentStart is where a document begins: its first value, or else its
// "---". The library's GetToken dereferences an empty document's absent
// body.
func documentStart(doc *ast.DocumentNode) *token.Position {
	switch {
	case doc.Body != nil && doc.Body.GetToken() != nil:
		return doc.Body.GetToken().Position
	case doc.Start != nil:
		return doc.Start.Position
	}
	return nil
}

func (d *decoder) yamlError(err error) {
	var ye yaml.Error
	if errors.As(err, &ye) && ye.GetToken() != nil {
		d.addAt(ye.GetToken().Position, "%s", ye.GetMessage())
		return
	}
	d.addAt(nil, "%v", err)
}

// fill decodes node into v, checking it against v's type: every mapping
// key must name a field, no key may repeat, and every value must have
// the right shape. Each problem is reported and the rest of the file
// still decoded, so that one run names them all. fill returns false
// when node itself has the wrong shape; v then keeps its zero value.
func (d *decoder) fill(node ast.Node, v reflect.Value, path string) bool {
	node, ok := d.resolve(node)
	if !ok {
		return true
	}
	if _, null := node.(*ast.NullNode); null || node == nil {
		return true
	}
	if tok := node.GetToken(); tok != nil {
		d.values[path] = tok.Position
	}
	entries, isMapping := mappingEntries(node)
	if isMapping && len(entries) > 0 {
		// A mapping's own token is its first ':'; point at its first key.
		d.values[path] = entries[0].Key.GetToken().Position
	}
	if v.Kind() == reflect.Pointer {
		elem := reflect.New(v.Type().Elem())
		if !d.fill(node, elem.Elem(), path) {
			return false
		}
		v.Set(elem)
		return true
	}
	switch v.Kind() {
	case reflect.Struct:
		if !isMapping {
			d.addAt(node.GetToken().Position, "%s must be a mapping", describe(path))
			return false
		}
		fields := yamlFields(v.Type())
		seen := map[string]bool{}
		for _, mv := range entries {
			key := scalarText(mv.Key)
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
			d.fill(mv.Value, v.FieldByIndex(field.Index), p)
		}
	case reflect.Map:
		if !isMapping {
			d.addAt(node.GetToken().Position, "%s must be a mapping", describe(path))
			return false
		}
		t := v.Type()
		m := reflect.MakeMapWithSize(t, len(entries))
		seen := map[string]bool{}
		for _, mv := range entries {
			key := scalarText(mv.Key)
			keyPos := mv.Key.GetToken().Position
			if seen[key] {
				d.addAt(keyPos, "duplicate key %q (first at line %d)", key, d.keys[join(path, key)].Line)
				continue
			}
			seen[key] = true
			p := join(path, key)
			d.keys[p] = keyPos
			// A value of the wrong shape still names its key, as null.
			elem := reflect.New(t.Elem()).Elem()
			d.fill(mv.Value, elem, p)
			m.SetMapIndex(reflect.ValueOf(key).Convert(t.Key()), elem)
		}
		v.Set(m)
	case reflect.Slice:
		seq, ok := node.(*ast.SequenceNode)
		if !ok {
			d.addAt(node.GetToken().Position, "%s must be a list", describe(path))
			return false
		}
		s := reflect.MakeSlice(v.Type(), len(seq.Values), len(seq.Values))
		for i, el := range seq.Values {
			d.fill(el, s.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
		v.Set(s)
	case reflect.Int, reflect.Int64:
		n, ok := wholeNumber(node)
		if !ok || v.OverflowInt(n) {
			d.addAt(node.GetToken().Position, "%s must be a whole number, got %s", describe(path), node.GetToken().Value)
			return false
		}
		v.SetInt(n)
	case reflect.Bool:
		b, ok := node.(*ast.BoolNode)
		if !ok {
			d.addAt(node.GetToken().Position, "%s must be true or false, got %s", describe(path), node.GetToken().Value)
			return false
		}
		v.SetBool(b.Value)
	case reflect.String:
		if _, seq := node.(*ast.SequenceNode); isMapping || seq {
			d.addAt(node.GetToken().Position, "%s must be a single value, not a list or mapping", describe(path))
			return false
		}
		v.SetString(scalarText(node))
	default:
		panic(fmt.Sprintf("config: no decoding for %s at %s", v.Type(), describe(path)))
	}
	return true
}

// resolve looks through anchors, aliases and tags to the value they
// carry. It returns false when there is nothing to decode: an alias to
// no anchor, or past maxAliasNodes (both reported).
func (d *decoder) resolve(node ast.Node) (ast.Node, bool) {
	for {
		switch n := node.(type) {
		case *ast.AnchorNode:
			node = n.Value
		case *ast.TagNode:
			node = n.Value
		case *ast.AliasNode:
			if d.aliases == nil {
				d.aliases = map[*ast.AliasNode]ast.Node{}
				ast.Walk(&aliasBinder{anchors: map[string]ast.Node{}, aliases: d.aliases}, d.body)
			}
			target, ok := d.aliases[n]
			if !ok {
				name := n.Value.GetToken().Value
				d.addAt(n.GetToken().Position, "alias *%s names no anchor &%s before it", name, name)
				return nil, false
			}
			if d.aliased += countNodes(target); d.aliased > maxAliasNodes {
				d.addAt(n.GetToken().Position, "aliases expand to more than %d values", maxAliasNodes)
				return nil, false
			}
			node = target
		default:
			return node, true
		}
	}
}

// aliasBinder finds, in document order, the anchor each alias names: the
// last one before it, wherever it sits, even under a key fill rejects.
type aliasBinder struct {
	anchors map[string]ast.Node
	aliases map[*ast.AliasNode]ast.Node
}

func (b *aliasBinder) Visit(node ast.Node) ast.Visitor {
	switch n := node.(type) {
	case *ast.AnchorNode:
		// Bound after its value is walked: a value cannot hold itself.
		ast.Walk(b, n.Value)
		b.anchors[n.Name.GetToken().Value] = n.Value
		return nil
	case *ast.AliasNode:
		if target, ok := b.anchors[n.Value.GetToken().Value]; ok {
			b.aliases[n] = target
		}
		return nil
	}
	return b
}

// countNodes counts the values under node, aliases as one each.
func countNodes(node ast.Node) int {
	switch n := node.(type) {
	case *ast.MappingNode:
		c := 1
		for _, mv := range n.Values {
			c += countNodes(mv.Value)
		}
		return c
	case *ast.MappingValueNode:
		return 1 + countNodes(n.Value)
	case *ast.SequenceNode:
		c := 1
		for _, el := range n.Values {
			c += countNodes(el)
		}
		return c
	case *ast.AnchorNode:
		return countNodes(n.Value)
	case *ast.TagNode:
		return countNodes(n.Value)
	}
	return 1
}

// scalarText is a scalar's value as text: a string's own characters, and
// the written form of anything else (so "1.50" stays "1.50").
func scalarText(node ast.Node) string {
	switch n := node.(type) {
	case *ast.StringNode:
		return n.Value
	case *ast.LiteralNode:
		return n.Value.Value
	case *ast.MappingKeyNode:
		return scalarText(n.Value)
	case *ast.TagNode:
		return scalarText(n.Value)
	case *ast.AnchorNode:
		return scalarText(n.Value)
	}
	return node.GetToken().Value
}

// wholeNumber is the value of an integer node that fits an int64.
func wholeNumber(node ast.Node) (int64, bool) {
	n, ok := node.(*ast.IntegerNode)
	if !ok {
		return 0, false
	}
	switch x := n.Value.(type) {
	case int64:
		return x, true
	case uint64:
		if x <= math.MaxInt64 {
			return int64(x), true
		}
	}
	return 0, false
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
