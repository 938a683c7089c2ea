package spec

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// parser collects every problem of one spec while reading its YAML nodes.
type parser struct {
	file     string
	errs     Errors
	warnings Errors                    // valid but pointless settings, said but not refused
	patterns map[*Field]*regexp.Regexp // compiled patterns, to check defaults and enums
	// suggested holds path+" "+key for each known key a misspelt key was
	// taken for, so that the key is not also reported missing.
	suggested map[string]bool
	// broken holds fields with errors, so that rules about them (keys, ttl)
	// do not add errors that follow from the first.
	broken map[*Field]bool
	// goNameAt holds where each goName is, for errors about its siblings.
	goNameAt map[*Field]*yaml.Node
	// routeNodes holds where each route of api.routes is, for the rules
	// that depend on the table (query needs a sort key).
	routeNodes map[Route]*yaml.Node
}

func (p *parser) errorf(n *yaml.Node, path, format string, args ...any) {
	p.errs = append(p.errs, &Error{
		File: p.file,
		Pos:  Pos{Line: n.Line, Col: n.Column},
		Path: path,
		Msg:  fmt.Sprintf(format, args...),
	})
}

func (p *parser) warnf(n *yaml.Node, path, format string, args ...any) {
	p.warnings = append(p.warnings, &Error{
		File: p.file,
		Pos:  Pos{Line: n.Line, Col: n.Column},
		Path: path,
		Msg:  "warning: " + fmt.Sprintf(format, args...),
	})
}

// sorted returns the errors in file order; errors at one place keep the
// order they were found in.
func (p *parser) sorted() Errors {
	sort.SliceStable(p.errs, func(i, j int) bool {
		a, b := p.errs[i].Pos, p.errs[j].Pos
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	return p.errs
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

// entry is one key and its value in a YAML mapping.
type entry struct {
	key, value *yaml.Node
}

// entries returns the key/value pairs of a mapping node in file order,
// reporting keys that are not strings and keys given twice (dropped).
func (p *parser) entries(n *yaml.Node, path string) []entry {
	var out []entry
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			p.errorf(k, path, "a key must be a plain name, not %s", describe(k))
			continue
		}
		if first, ok := seen[k.Value]; ok {
			p.errorf(k, path, "duplicate key %q (first at line %d, col %d)", k.Value, first.Line, first.Column)
			continue
		}
		seen[k.Value] = k
		out = append(out, entry{k, v})
	}
	return out
}

// block reads a mapping whose keys come from a fixed set, reporting unknown
// keys with a suggestion. It returns nil (after reporting) when n is not a mapping.
func (p *parser) block(n *yaml.Node, path string, known []string) map[string]entry {
	if !p.isMapping(n, path) {
		return nil
	}
	out := map[string]entry{}
	for _, e := range p.entries(n, path) {
		if !contains(known, e.key.Value) {
			p.errorf(e.key, path, "%s", unknownKey(e.key.Value, known))
			if s := suggest(e.key.Value, known); s != "" {
				if p.suggested == nil {
					p.suggested = map[string]bool{}
				}
				p.suggested[path+" "+s] = true
			}
			continue
		}
		out[e.key.Value] = e
	}
	return out
}

// require reports each key of names missing from m; at is the mapping's own key.
func (p *parser) require(m map[string]entry, at *yaml.Node, path string, names ...string) {
	for _, name := range names {
		if _, ok := m[name]; !ok && !p.suggested[path+" "+name] {
			p.errorf(at, path, "missing required key %q", name)
		}
	}
}

func (p *parser) isMapping(n *yaml.Node, path string) bool {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, path, "must be a mapping of keys, not %s", describe(n))
		return false
	}
	return true
}

func (p *parser) isList(n *yaml.Node, path string) bool {
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, path, "must be a list, not %s", describe(n))
		return false
	}
	return true
}

// str reads a string scalar; unquoted numbers, booleans and nulls are not strings.
func (p *parser) str(n *yaml.Node, path string) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
		if n.Kind == yaml.ScalarNode && n.ShortTag() != "!!null" {
			p.errorf(n, path, "must be a string, not %s; quote it: %q", describe(n), n.Value)
		} else {
			p.errorf(n, path, "must be a string, not %s", describe(n))
		}
		return "", false
	}
	return n.Value, true
}

func (p *parser) boolean(n *yaml.Node, path string) (bool, bool) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
		p.errorf(n, path, "must be true or false, not %s", describe(n))
		return false, false
	}
	return n.Value == "true" || n.Value == "True" || n.Value == "TRUE", true
}

// integerText checks that n is a plain decimal integer and returns its text.
// yaml.v3 tags an integer beyond 64 bits !!float: it is still an integer.
func (p *parser) integerText(n *yaml.Node, path string) (string, bool) {
	tag := n.ShortTag()
	if n.Kind != yaml.ScalarNode || tag != "!!int" && !(tag == "!!float" && jsonInteger().MatchString(n.Value)) {
		p.errorf(n, path, "must be an integer, not %s", describe(n))
		return "", false
	}
	if !jsonInteger().MatchString(n.Value) {
		p.errorf(n, path, "must be a plain decimal integer like 10, not %s", n.Value)
		return "", false
	}
	return n.Value, true
}

// integer reads a decimal integer scalar of 32 bits.
func (p *parser) integer(n *yaml.Node, path string) (int, bool) {
	return p.intIn(n, path, math.MinInt32, math.MaxInt32)
}

// intIn reads an integer in lo..hi.
func (p *parser) intIn(n *yaml.Node, path string, lo, hi int) (int, bool) {
	text, ok := p.integerText(n, path)
	if !ok {
		return 0, false
	}
	v, err := strconv.Atoi(text)
	if err != nil || v < lo || v > hi {
		if lo == math.MinInt32 && hi == math.MaxInt32 {
			p.errorf(n, path, "%s is out of range (%d..%d)", text, lo, hi)
		} else {
			p.errorf(n, path, "must be in %d..%d, not %s", lo, hi, text)
		}
		return 0, false
	}
	return v, true
}

// number reads a number scalar written as a JSON number. yaml.v3 leaves a
// plain number beyond float64's range (1e400) a string: it is still a number.
func (p *parser) number(n *yaml.Node, path string) (Decimal, bool) {
	tag := n.ShortTag()
	plainNumber := tag == "!!str" && n.Style == 0 && IsJSONNumber(n.Value)
	if n.Kind != yaml.ScalarNode || (tag != "!!int" && tag != "!!float" && !plainNumber) {
		p.errorf(n, path, "must be a number, not %s", describe(n))
		return "", false
	}
	if !IsJSONNumber(n.Value) {
		p.errorf(n, path, "must be a number written as in JSON, like 10, -1.5 or 1e3, not %s", n.Value)
		return "", false
	}
	if msg := NumberLimits(n.Value); msg != "" {
		p.errorf(n, path, "%s %s", n.Value, msg)
		return "", false
	}
	return Decimal(n.Value), true
}

// oneOf reads a string that must be one of allowed; what names the set in messages.
func (p *parser) oneOf(n *yaml.Node, path, what string, allowed []string, aliases map[string]string) (string, bool) {
	v, ok := p.str(n, path)
	if !ok {
		return "", false
	}
	if !contains(allowed, v) {
		p.errorf(n, path, "%s", notOneOf(what, v, allowed, aliases))
		return "", false
	}
	return v, true
}

// describe names the kind of a node for messages: "a list", "a string", ...
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.DocumentNode:
		return "a document"
	}
	switch n.ShortTag() {
	case "!!null":
		return "an empty value"
	case "!!str":
		return "a string"
	case "!!int":
		return "an integer"
	case "!!float":
		return "a number"
	case "!!bool":
		return "a boolean"
	}
	return "a " + strings.TrimPrefix(n.ShortTag(), "!!")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
