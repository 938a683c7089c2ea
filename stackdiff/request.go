package stackdiff

import "strings"

// methodType is the resource whose integration's request template writes
// the item: the only place of a template that names the server-set fields
// (the model leaves them out, since the body may not set them).
const methodType = "AWS::ApiGateway::Method"

// serverSet records, by path as shape does, the type of every server-set
// attribute the request templates of r write: a string, or an integer (the
// request time, the only number a server sets). It reads the DynamoDB JSON
// of "Item" in the template, skipping the Velocity around and inside it; an
// attribute is server-set when its value is a $context reference.
// number is the kind to give N: the old template's items hold integers, but
// a new integer field and a new number field write the same N.
func serverSet(r resource, number string, kinds map[string]string) {
	integration, _ := r.Properties["Integration"].(map[string]any)
	templates, _ := integration["RequestTemplates"].(map[string]any)
	for _, t := range templates {
		text, ok := subText(t)
		if !ok {
			continue
		}
		p := &vtlJSON{s: text}
		p.skip()
		doc, _ := p.value(0).(map[string]any)
		item, _ := doc["Item"].(map[string]any)
		for name, v := range item {
			serverAttr(v, name, number, kinds)
		}
	}
}

// subText is the text of a template string, plain or in Fn::Sub.
func subText(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case map[string]any:
		switch sub := v["Fn::Sub"].(type) {
		case string:
			return sub, true
		case []any:
			if len(sub) > 0 {
				s, ok := sub[0].(string)
				return s, ok
			}
		}
	}
	return "", false
}

// serverAttr records the attribute value v (DynamoDB JSON, {"S": ...}) at
// path if it is server-set, or the server-set attributes inside it.
func serverAttr(v any, path, number string, kinds map[string]string) {
	typed, _ := v.(map[string]any)
	for typ, inner := range typed {
		switch typ {
		case "M":
			fields, _ := inner.(map[string]any)
			for name, sub := range fields {
				serverAttr(sub, path+"."+name, number, kinds)
			}
		case "L":
			elems, _ := inner.([]any)
			for _, e := range elems {
				serverAttr(e, path+"[]", number, kinds)
			}
		case "S", "N":
			s, _ := inner.(vtlString)
			if !s.fromContext() {
				continue
			}
			kinds[path] = "string"
			if typ == "N" {
				kinds[path] = number
			}
		}
	}
}

// vtlString is the raw text of a JSON string of the template, Velocity in it
// unexpanded.
type vtlString string

// fromContext reports whether the string is a server-set value: a reference
// to $context, possibly escaped (the user agent).
func (s vtlString) fromContext() bool {
	return strings.HasPrefix(string(s), "$context.") || strings.HasPrefix(string(s), `$util.escapeJavaScript("$!context.`)
}

// vtlJSON reads the JSON a request template writes without running it:
// Velocity directives (#set(...), #if(...), #end) and references ($o0,
// $input.json("$.a"), ${Table}) outside strings are skipped like whitespace,
// and inside strings kept as text. Each branch of an #if is read, each
// #foreach body once. What it cannot read ends the value early.
type vtlJSON struct {
	s string
	i int
}

// maxDepth bounds the nesting read (DynamoDB nests at most 32 levels).
const maxDepth = 100

func (p *vtlJSON) peek() byte {
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

// skip skips whitespace and Velocity outside strings.
func (p *vtlJSON) skip() {
	for p.i < len(p.s) {
		switch c := p.s[p.i]; {
		case c == ' ' || c == '\n' || c == '\r' || c == '\t':
			p.i++
		case c == '#':
			p.i++
			if p.peek() == '{' { // #{else}, #{end}: a directive's braced form
				p.balanced('{', '}')
			} else {
				p.name()
			}
			if p.peek() == '(' {
				p.balanced('(', ')')
			}
		case c == '$':
			p.reference()
		default:
			return
		}
	}
}

// reference skips a Velocity reference: $x, $!x, ${X}, $a.b.c("...")[...].
func (p *vtlJSON) reference() {
	p.i++ // $
	if p.peek() == '!' {
		p.i++
	}
	if p.peek() == '{' {
		p.balanced('{', '}')
		return
	}
	p.name()
	for {
		switch p.peek() {
		case '(':
			p.balanced('(', ')')
		case '[':
			p.balanced('[', ']')
		case '.':
			if p.i+1 < len(p.s) && isNameByte(p.s[p.i+1]) {
				p.i++
				p.name()
				continue
			}
			return
		default:
			return
		}
	}
}

func isNameByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func (p *vtlJSON) name() {
	for p.i < len(p.s) && isNameByte(p.s[p.i]) {
		p.i++
	}
}

// balanced skips from the open byte at p.i to its matching close, over
// quoted Velocity strings.
func (p *vtlJSON) balanced(open, close byte) {
	depth := 0
	for p.i < len(p.s) {
		c := p.s[p.i]
		p.i++
		switch c {
		case open:
			depth++
		case close:
			if depth--; depth == 0 {
				return
			}
		case '"', '\'':
			for p.i < len(p.s) && p.s[p.i] != c {
				if p.s[p.i] == '\\' {
					p.i++
				}
				p.i++
			}
			p.i++
		}
	}
}

// value reads the JSON value at p.i: map[string]any, []any, vtlString, or
// nil for anything else.
func (p *vtlJSON) value(depth int) any {
	if depth > maxDepth {
		p.i = len(p.s)
		return nil
	}
	switch p.peek() {
	case '{':
		p.i++
		m := map[string]any{}
		for {
			p.skip()
			switch p.peek() {
			case '}':
				p.i++
				return m
			case ',':
				p.i++
				continue
			case '{', '[':
				// The #else branch of a defaulted attribute: the default's
				// literal, no server-set value in it.
				p.value(depth + 1)
				continue
			case '"':
			default:
				p.i = len(p.s)
				return m
			}
			key := p.str()
			p.skip()
			if p.peek() != ':' {
				p.i = len(p.s)
				return m
			}
			p.i++
			p.skip()
			m[string(key)] = p.value(depth + 1)
		}
	case '[':
		p.i++
		var l []any
		for {
			p.skip()
			switch p.peek() {
			case ']':
				p.i++
				return l
			case ',':
				p.i++
			case 0:
				return l
			default:
				at := p.i
				if l = append(l, p.value(depth+1)); p.i == at {
					p.i = len(p.s) // a byte no value starts with
				}
			}
		}
	case '"':
		return p.str()
	}
	// A literal (true, 12) or a reference already skipped.
	for p.i < len(p.s) && !strings.ContainsRune(",}] \n#$", rune(p.s[p.i])) {
		p.i++
	}
	return nil
}

// str reads the JSON string at p.i, Velocity references in it kept as text.
func (p *vtlJSON) str() vtlString {
	p.i++ // "
	start := p.i
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case '\\':
			p.i += 2
		case '$':
			p.reference()
		case '"':
			s := vtlString(p.s[start:p.i])
			p.i++
			return s
		default:
			p.i++
		}
	}
	return vtlString(p.s[start:])
}
