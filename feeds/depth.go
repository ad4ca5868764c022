package feeds

import (
	"bytes"
	"errors"
	"fmt"
)

// MaxDepth bounds element nesting. gofeed recurses into extension
// elements without limit, and deep enough nesting (about 11 MB of it)
// overflows the stack, which no recover can catch.
const MaxDepth = 100

// ErrTooDeep reports a document nested deeper than MaxDepth.
var ErrTooDeep = errors.New("elements nested too deeply")

// checkDepth scans XML for element nesting deeper than MaxDepth. It is a
// byte scanner, not a parser: it skips comments, CDATA, processing
// instructions and quoted attribute values, which is all it needs to
// count open and close tags, at a fraction of a parse's cost.
func checkDepth(b []byte) error {
	depth := 0
	for i := 0; i < len(b); {
		lt := bytes.IndexByte(b[i:], '<')
		if lt < 0 {
			return nil
		}
		i += lt + 1
		if i >= len(b) {
			return nil
		}
		switch {
		case b[i] == '/':
			depth = max(0, depth-1)
			i = skipPast(b, i, ">")
		case bytes.HasPrefix(b[i:], []byte("!--")):
			i = skipPast(b, i, "-->")
		case bytes.HasPrefix(b[i:], []byte("![CDATA[")):
			i = skipPast(b, i, "]]>")
		case b[i] == '?':
			i = skipPast(b, i, "?>") // as encoding/xml ends a processing instruction
		case b[i] == '!':
			i = directiveEnd(b, i)
		default:
			end, selfClosing := tagEnd(b, i)
			i = end
			if !selfClosing {
				depth++
				if depth > MaxDepth {
					return fmt.Errorf("%w (more than %d levels)", ErrTooDeep, MaxDepth)
				}
			}
		}
	}
	return nil
}

func skipPast(b []byte, i int, marker string) int {
	j := bytes.Index(b[i:], []byte(marker))
	if j < 0 {
		return len(b)
	}
	return i + j + len(marker)
}

// directiveEnd finds the end of <!DOCTYPE …> and kin the way encoding/xml
// does: at the '>' that balances every '<' inside, outside quotes and
// comments.
func directiveEnd(b []byte, i int) int {
	depth := 1
	var quote byte
	for ; i < len(b); i++ {
		c := b[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case bytes.HasPrefix(b[i:], []byte("<!--")):
			i = skipPast(b, i, "-->") - 1
		case c == '<':
			depth++
		case c == '>':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return len(b)
}

// tagEnd finds the '>' closing a start tag, skipping quoted values.
func tagEnd(b []byte, i int) (end int, selfClosing bool) {
	var quote byte
	for ; i < len(b); i++ {
		c := b[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return i + 1, i > 0 && b[i-1] == '/'
		}
	}
	return len(b), false
}
