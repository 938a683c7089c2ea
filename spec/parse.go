package spec

import (
	"bytes"
	"errors"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// The patterns are compiled when first used, so that a command that reads
// no spec pays nothing for them. Lengths are checked apart (boundedRe): a
// counted repetition such as {0,63} makes a regexp ten times dearer to compile.
var (
	nameRe      = boundedRe(`^[a-z][a-z0-9-]*$`, 40)
	stageRe     = boundedRe(`^[A-Za-z0-9_]+$`, 64)
	segmentRe   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9._-]+$`) })
	fieldNameRe = boundedRe(`^[A-Za-z_][A-Za-z0-9_]*$`, 64)
	yamlLineRe  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^yaml: line (\d+): (.*)$`) })
)

// boundedRe is a matcher of the ASCII strings of at most max bytes that expr
// matches, compiled when first used.
func boundedRe(expr string, max int) func(string) bool {
	re := sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
	return func(s string) bool { return len(s) <= max && re().MatchString(s) }
}

var (
	topKeys    = []string{"version", "name", "api", "table", "fields", "stream", "tracing", "alarms"}
	apiKeys    = []string{"path", "stage", "auth", "throttle", "cors", "routes"}
	tableKeys  = []string{"partitionKey", "sortKey", "ttl", "onDuplicate", "retain"}
	streamKeys = []string{"view", "events", "batchSize", "batchWindow", "retries", "maxRecordAge", "parallelization", "memory", "timeout",
		"onFailure", "failureRetention", "logLevel", "environment", "permissions"}

	auths        = []string{string(AuthNone), string(AuthIAM), string(AuthAPIKey)}
	onDuplicates = []string{string(Reject), string(Overwrite)}
	views        = []string{string(NewImage), string(NewAndOldImages), string(KeysOnly), string(OldImage)}
)

// ReadFile reads and parses the spec at path. A file that cannot be read gives
// the os error; a spec with problems gives Errors, as Parse does.
func ReadFile(path string) (*Spec, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, src)
}

// Parse reads the spec in src, named file in messages. On any problem it
// returns nil and an Errors value listing every problem found, in file order.
func Parse(file string, src []byte) (*Spec, error) {
	p := &parser{file: file, broken: map[*Field]bool{}, goNameAt: map[*Field]*yaml.Node{}}
	root := p.document(src)
	if root == nil {
		return nil, p.sorted()
	}
	s := p.spec(root)
	if len(p.errs) > 0 {
		return nil, p.sorted()
	}
	s.File = file
	s.Warnings = p.warnings
	return s, nil
}

// document decodes src into the root mapping node, reporting everything that
// makes it not a single plain YAML document. It returns nil on failure.
func (p *parser) document(src []byte) *yaml.Node {
	whole := &yaml.Node{Line: 1, Column: 1}
	if !utf8.Valid(src) {
		p.errorf(invalidUTF8(src), "", "not UTF-8 text: a spec is YAML saved as UTF-8")
		return nil
	}
	if at, r, found := notYAMLText(src); found {
		kind := "control character"
		if r >= 0xFFFE {
			kind = "noncharacter"
		}
		p.errorf(at, "", "%s U+%04X is not allowed in YAML; remove it (in a double-quoted string, write it as the escape \\u%04X)", kind, r, r)
		return nil
	}
	if line, col, ok := indentTab(src); ok {
		p.errorf(&yaml.Node{Line: line, Column: col}, "", "tab in indentation; YAML indents with spaces only")
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			p.errorf(whole, "", "empty spec; it needs at least version, name, table and fields (run `gen init` for a starter)")
		} else {
			p.yamlError(err, lineCount(src))
		}
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		p.errorf(&yaml.Node{Line: max(extra.Line, 1), Column: 1}, "", "a second YAML document; a spec is one document (remove the ---)")
		return nil
	} else if !errors.Is(err, io.EOF) {
		p.yamlError(err, lineCount(src))
		return nil
	}
	if len(doc.Content) == 0 {
		p.errorf(whole, "", "empty spec; it needs at least version, name, table and fields (run `gen init` for a starter)")
		return nil
	}
	if p.plainYAML(&doc); len(p.errs) > 0 {
		return nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		p.errorf(root, "", "a spec is a mapping of keys (version, name, ...), not %s", describe(root))
		return nil
	}
	return root
}

// invalidUTF8 is the position of the first byte of src that is not UTF-8.
func invalidUTF8(src []byte) *yaml.Node {
	line, col := 1, 1
	for len(src) > 0 {
		r, size := utf8.DecodeRune(src)
		if r == utf8.RuneError && size == 1 {
			break
		}
		if r == '\n' {
			line, col = line+1, 0
		}
		col++
		src = src[size:]
	}
	return &yaml.Node{Line: line, Column: col}
}

// notYAMLText finds the first character of src that YAML does not allow in
// a stream (https://yaml.org/spec/1.2.2/#51-character-set): C0 controls
// but tab, line feed and carriage return, DEL, C1 controls but U+0085,
// U+FFFE and U+FFFF. src is UTF-8, so it holds no surrogates.
func notYAMLText(src []byte) (at *yaml.Node, r rune, found bool) {
	line, col := 1, 1
	for _, r := range string(src) {
		switch {
		case r == '\n':
			line, col = line+1, 1
			continue
		case r < 0x20 && r != '\t' && r != '\r',
			r >= 0x7F && r <= 0x9F && r != 0x85,
			r == 0xFFFE || r == 0xFFFF:
			return &yaml.Node{Line: line, Column: col}, r, true
		}
		col++
	}
	return nil, 0, false
}

// indentTab finds the first tab in the indentation of a line.
func indentTab(src []byte) (line, col int, found bool) {
	for i, l := range strings.Split(string(src), "\n") {
		for j, c := range l {
			if c == '\t' {
				return i + 1, j + 1, true
			}
			if c != ' ' {
				break
			}
		}
	}
	return 0, 0, false
}

// lineCount is the number of lines of src, at least 1.
func lineCount(src []byte) int {
	return max(1, bytes.Count(src, []byte("\n"))+min(1, len(src)-bytes.LastIndexByte(src, '\n')-1))
}

// yamlError turns a yaml.v3 syntax error into positioned errors; lines is
// the last line of the file.
func (p *parser) yamlError(err error, lines int) {
	msgs := []string{err.Error()}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	for _, m := range msgs {
		line := 1
		if sub := yamlLineRe().FindStringSubmatch(m); sub != nil {
			line, _ = strconv.Atoi(sub[1])
			m = sub[2]
			if strings.HasPrefix(m, "did not find expected") {
				// yaml.v3 gives the 0-based line where the unfinished
				// mapping or list starts, not where the problem is
				line++
				m += " in the mapping or list that starts here"
			}
		} else {
			m = strings.TrimPrefix(m, "yaml: ")
		}
		p.errorf(&yaml.Node{Line: min(line, lines), Column: 1}, "", "not valid YAML: %s", m)
	}
}

// plainYAML reports anchors, aliases and explicit tags: the spec is plain
// data, so every value is written where it is used.
func (p *parser) plainYAML(n *yaml.Node) {
	switch {
	case n.Kind == yaml.AliasNode:
		p.errorf(n, "", "alias *%s: aliases are not supported; write the value out", n.Value)
		return
	case n.Anchor != "":
		p.errorf(n, "", "anchor &%s: anchors are not supported; write the value out", n.Anchor)
	case n.Style&yaml.TaggedStyle != 0:
		p.errorf(n, "", "explicit tag %s: tags are not supported; write a plain value", n.Tag)
	}
	for _, c := range n.Content {
		p.plainYAML(c)
	}
}

func (p *parser) spec(root *yaml.Node) *Spec {
	s := &Spec{}
	top := p.block(root, "", topKeys)
	p.require(top, root, "", "version", "name", "table", "fields")
	if e, ok := top["version"]; ok {
		if v, ok := p.integer(e.value, "version"); ok {
			if v != 1 {
				p.errorf(e.value, "version", "unsupported version %d; only version 1 exists", v)
			}
			s.Version = v
		}
	}
	if e, ok := top["name"]; ok {
		if v, ok := p.str(e.value, "name"); ok {
			if !nameRe(v) {
				p.errorf(e.value, "name", "%q must be 1 to 40 of a-z, 0-9 and -, starting with a letter (it prefixes resource names)", v)
			}
			s.Name = v
		}
	}
	s.API = p.api(top["api"])
	if e, ok := top["fields"]; ok {
		s.Fields = p.fields(e.key, e.value, "fields", 1)
		s.FieldsPos = Pos{Line: e.key.Line, Col: e.key.Column}
	}
	if e, ok := top["table"]; ok {
		s.Table = p.table(e, s)
		if n := p.routeNodes[Query]; n != nil && s.Table.SortKey == "" && s.Table.PartitionKey != "" {
			p.errorf(n, "api.routes", "query reads a partition's items in sort-key order, so it needs table.sortKey; without one, read gets the item by its key")
		}
		if n := p.routeNodes[Update]; n != nil && !hasBodyField(s) {
			p.errorf(n, "api.routes", "update sets fields from its body, but every field is a key or server-set (from), so every update would be refused; add a field the body gives, or drop update")
		}
	}
	s.Stream = p.stream(top["stream"])
	if e, ok := top["tracing"]; ok {
		s.Tracing, _ = p.boolean(e.value, "tracing")
	}
	if e, ok := top["alarms"]; ok {
		s.Alarms = p.alarms(e)
	}
	return s
}

// hasBodyField reports whether s has a field an update body may set: a
// top-level field the body gives (not server-set) that is not a key.
func hasBodyField(s *Spec) bool {
	for _, f := range s.Fields {
		if !f.ServerSet() && f.Name != s.Table.PartitionKey && f.Name != s.Table.SortKey {
			return true
		}
	}
	return false
}

func (p *parser) api(e entry) API {
	a := API{Path: "/InsertItem", Stage: "prod", Auth: AuthNone, Routes: []Route{Create}}
	if e.value == nil {
		return a
	}
	m := p.block(e.value, "api", apiKeys)
	if e, ok := m["path"]; ok {
		if v, ok := p.str(e.value, "api.path"); ok && p.apiPath(e.value, v) {
			a.Path = v
		}
	}
	if e, ok := m["stage"]; ok {
		if v, ok := p.str(e.value, "api.stage"); ok {
			if !stageRe(v) {
				p.errorf(e.value, "api.stage", "%q must be 1 to 64 of A-Z, a-z, 0-9 and _", v)
			}
			a.Stage = v
		}
	}
	if e, ok := m["auth"]; ok {
		if v, ok := p.oneOf(e.value, "api.auth", "auth mode", auths, map[string]string{"apikey": "api_key", "api-key": "api_key", "aws_iam": "iam"}); ok {
			a.Auth = Auth(v)
		}
	}
	if e, ok := m["throttle"]; ok {
		a.Throttle = p.throttle(e)
	}
	if e, ok := m["cors"]; ok {
		a.CORS = p.cors(e.value)
	}
	if e, ok := m["routes"]; ok {
		a.Routes = p.routes(e.value, a.Auth)
	}
	return a
}

// routes reads api.routes, returned in the order of RouteNames. update and
// delete change stored data, so they need callers who authenticate.
func (p *parser) routes(n *yaml.Node, auth Auth) []Route {
	const path = "api.routes"
	if !p.isList(n, path) {
		return []Route{Create}
	}
	if len(n.Content) == 0 {
		p.errorf(n, path, "is empty, so the API would serve nothing; name at least one of create, read, query, update, delete")
		return nil
	}
	names := make([]string, len(RouteNames))
	for i, r := range RouteNames {
		names[i] = string(r)
	}
	given := map[Route]*yaml.Node{}
	for i, c := range n.Content {
		at := index(path, i)
		v, ok := p.oneOf(c, at, "route", names, map[string]string{"get": "read", "put": "create", "post": "create", "patch": "update", "list": "query", "remove": "delete"})
		switch {
		case !ok:
			continue
		case given[Route(v)] != nil:
			p.errorf(c, at, "duplicate route %q", v)
			continue
		}
		given[Route(v)] = c
		if r := Route(v); (r == Update || r == Delete) && auth == AuthNone {
			p.errorf(c, at, "%s changes stored data, so it needs api.auth: iam or api_key (api.auth is none)", v)
		}
	}
	p.routeNodes = given
	var out []Route
	for _, r := range RouteNames {
		if given[r] != nil {
			out = append(out, r)
		}
	}
	return out
}

// apiPath checks a POST route: one or more segments of [A-Za-z0-9._-].
func (p *parser) apiPath(n *yaml.Node, v string) bool {
	const path = "api.path"
	if !strings.HasPrefix(v, "/") {
		p.errorf(n, path, "%q must start with /, e.g. /%s", v, strings.TrimLeft(v, "/"))
		return false
	}
	for _, seg := range strings.Split(v[1:], "/") {
		switch {
		case seg == "":
			p.errorf(n, path, "%q has an empty segment; write segments like /orders or /v1/orders, with no trailing or double /", v)
			return false
		case seg == "." || seg == "..":
			p.errorf(n, path, "%q has the segment %q, which clients resolve away", v, seg)
			return false
		case !segmentRe().MatchString(seg):
			p.errorf(n, path, "segment %q of %q may hold only A-Z, a-z, 0-9, '.', '_' and '-'", seg, v)
			return false
		}
	}
	return true
}

func (p *parser) throttle(e entry) *Throttle {
	const path = "api.throttle"
	m := p.block(e.value, path, []string{"rate", "burst"})
	if m == nil {
		return nil
	}
	p.require(m, e.key, path, "rate", "burst")
	t := &Throttle{}
	if e, ok := m["rate"]; ok {
		if d, ok := p.number(e.value, path+".rate"); ok {
			rate, err := strconv.ParseFloat(string(d), 64)
			if err != nil || rate <= 0 {
				p.errorf(e.value, path+".rate", "must be > 0 requests per second, not %s", d)
			}
			t.Rate = rate
		}
	}
	if e, ok := m["burst"]; ok {
		if v, ok := p.integer(e.value, path+".burst"); ok {
			if v <= 0 {
				p.errorf(e.value, path+".burst", "must be an integer > 0, not %d", v)
			}
			t.Burst = v
		}
	}
	return t
}

// cors reads allowed origins: ["*"] or origins like https://app.example.com.
func (p *parser) cors(n *yaml.Node) []string {
	const path = "api.cors"
	if !p.isList(n, path) {
		return nil
	}
	var origins []string // nil when empty, as when cors is absent
	seen := map[string]bool{}
	for i, o := range n.Content {
		at := index(path, i)
		v, ok := p.str(o, at)
		if !ok {
			continue
		}
		switch {
		case seen[v]:
			p.errorf(o, at, "duplicate origin %q", v)
		case v == "*" && len(n.Content) > 1:
			p.errorf(o, at, `"*" allows every origin; it cannot be combined with other origins`)
		case v != "*":
			if msg := checkOrigin(v); msg != "" {
				p.errorf(o, at, "%s", msg)
			}
		}
		seen[v] = true
		origins = append(origins, v)
	}
	return origins
}

var originRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^https?://[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]{1,5})?$`)
})

// checkOrigin explains why v is not a browser origin (scheme://host[:port]), or "".
func checkOrigin(v string) string {
	switch {
	case originRe().MatchString(v):
		port := v[strings.LastIndex(v, "/")+1:]
		if i := strings.LastIndex(port, ":"); i >= 0 {
			if n, _ := strconv.Atoi(port[i+1:]); n < 1 || n > 65535 {
				return "origin " + strconv.Quote(v) + " has a port outside 1..65535"
			}
		}
		return ""
	case strings.Contains(v, "*"):
		return "origin " + strconv.Quote(v) + ": wildcards inside an origin are not supported; list each origin, or use \"*\" alone"
	case originRe().MatchString(strings.ToLower(v)):
		return "origin " + strconv.Quote(v) + " must be lower case as browsers send it: " + strconv.Quote(strings.ToLower(v))
	case originRe().MatchString(strings.TrimRight(v, "/")):
		return "origin " + strconv.Quote(v) + " must not end with /: " + strconv.Quote(strings.TrimRight(v, "/"))
	}
	return "origin " + strconv.Quote(v) + " must be scheme://host[:port] with http or https, e.g. https://app.example.com"
}

func (p *parser) table(e entry, s *Spec) Table {
	const path = "table"
	t := Table{OnDuplicate: Reject, Retain: true}
	m := p.block(e.value, path, tableKeys)
	if m == nil {
		return t
	}
	p.require(m, e.key, path, "partitionKey")
	if e, ok := m["partitionKey"]; ok {
		t.PartitionKey, _ = p.str(e.value, path+".partitionKey")
		p.keyField(e.value, path+".partitionKey", t.PartitionKey, s)
	}
	if e, ok := m["sortKey"]; ok {
		if v, ok := p.str(e.value, path+".sortKey"); ok {
			if v == t.PartitionKey && v != "" {
				p.errorf(e.value, path+".sortKey", "%q is already the partition key; a sort key is a second field", v)
			} else {
				p.keyField(e.value, path+".sortKey", v, s)
			}
			t.SortKey = v
		}
	}
	if e, ok := m["ttl"]; ok {
		if v, ok := p.str(e.value, path+".ttl"); ok {
			p.ttlField(e.value, v, t, s)
			t.TTL = v
		}
	}
	if e, ok := m["onDuplicate"]; ok {
		if v, ok := p.oneOf(e.value, path+".onDuplicate", "onDuplicate value", onDuplicates, map[string]string{"replace": "overwrite", "error": "reject", "fail": "reject"}); ok {
			t.OnDuplicate = OnDuplicate(v)
		}
	}
	if e, ok := m["retain"]; ok {
		if v, ok := p.boolean(e.value, path+".retain"); ok {
			t.Retain = v
		}
	}
	return t
}

// topField finds a top-level field for a table key, reporting a name that
// names none (with a suggestion).
func (p *parser) topField(n *yaml.Node, path, name string, s *Spec) *Field {
	if name == "" {
		return nil
	}
	if f := s.Field(name); f != nil {
		return f
	}
	if len(s.Fields) == 0 {
		return nil // the fields block has its own error
	}
	names := make([]string, len(s.Fields))
	for i, f := range s.Fields {
		names[i] = f.Name
	}
	if sug := suggest(name, names); sug != "" {
		p.errorf(n, path, "%q is not a top-level field; did you mean %q?", name, sug)
	} else {
		p.errorf(n, path, "%q is not a top-level field; fields are %s", name, strings.Join(names, ", "))
	}
	return nil
}

// keyField checks a partition or sort key: a top-level string, number or
// integer field that the server sets or the body must give.
func (p *parser) keyField(n *yaml.Node, path, name string, s *Spec) {
	f := p.topField(n, path, name, s)
	if f == nil || p.broken[f] {
		return
	}
	switch {
	case f.Type != String && f.Type != Number && f.Type != Integer:
		p.errorf(n, path, "field %q is of type %s; a key is a string, number or integer field", name, f.Type)
	case !f.ServerSet() && !f.Required:
		p.errorf(n, path, "field %q may be missing from the body; a key field must be required: true or set by the server with from", name)
	case f.Type == String && !f.ServerSet() && f.MinLength != nil && *f.MinLength == 0:
		p.errorf(n, path, "field %q allows the empty string (minLength: 0), which DynamoDB refuses as a key", name)
	}
}

// ttlField checks the TTL attribute. When it names a field, that is a
// top-level integer field of epoch seconds. It may name no field (the
// contract's own example does): then the API never writes it and only items
// that something else gives the attribute expire; a name close to a field's
// is taken for a typo.
func (p *parser) ttlField(n *yaml.Node, name string, t Table, s *Spec) {
	const path = "table.ttl"
	f := s.Field(name)
	if f == nil {
		names := make([]string, len(s.Fields))
		for i, f := range s.Fields {
			names[i] = f.Name
		}
		if sug := suggest(name, names); sug != "" {
			p.errorf(n, path, "%q is not a top-level field; did you mean %q?", name, sug)
		} else if !fieldNameRe(name) {
			p.errorf(n, path, "%q must be 1 to 64 of A-Z, a-z, 0-9 and _, not starting with a digit", name)
		}
		return
	}
	if p.broken[f] {
		return
	}
	switch {
	case f.Type != Integer:
		p.errorf(n, path, "field %q is of type %s; ttl names an integer field of epoch seconds", name, f.Type)
	case f.From == FromRequestTimeEpoch:
		p.errorf(n, path, "field %q holds requestTimeEpoch, in milliseconds; ttl needs epoch seconds (an item would never expire)", name)
	case name == t.PartitionKey || name == t.SortKey:
		p.errorf(n, path, "field %q is a key; the ttl field must be another field", name)
	}
}

func (p *parser) stream(e entry) Stream {
	s := Stream{
		View: NewImage, Events: append([]string(nil), EventNames...),
		BatchSize: 100, BatchWindow: 0, Retries: 3, MaxRecordAge: -1,
		Parallelization: 1, Memory: 256, Timeout: 30,
		OnFailure: FailToS3, FailureRetention: 14, LogLevel: "INFO",
	}
	if e.value == nil {
		return s
	}
	const path = "stream"
	m := p.block(e.value, path, streamKeys)
	p.operations(m, &s)
	if e, ok := m["view"]; ok {
		if v, ok := p.oneOf(e.value, path+".view", "stream view", views, nil); ok {
			s.View = View(v)
		}
	}
	if e, ok := m["events"]; ok {
		if v, ok := p.events(e.value); ok {
			s.Events = v
		}
	}
	ints := []struct {
		key    string
		to     *int
		lo, hi int
	}{
		{"batchSize", &s.BatchSize, 1, 10000},
		{"batchWindow", &s.BatchWindow, 0, 300},
		{"retries", &s.Retries, -1, 10000},
		{"parallelization", &s.Parallelization, 1, 10},
		{"memory", &s.Memory, 128, 10240},
		{"timeout", &s.Timeout, 1, 900},
	}
	for _, in := range ints {
		if e, ok := m[in.key]; ok {
			if v, ok := p.intIn(e.value, path+"."+in.key, in.lo, in.hi); ok {
				*in.to = v
			}
		}
	}
	if e, ok := m["maxRecordAge"]; ok {
		if v, ok := p.integer(e.value, path+".maxRecordAge"); ok {
			if v != -1 && (v < 60 || v > 604800) {
				p.errorf(e.value, path+".maxRecordAge", "must be -1 (until the record expires) or 60..604800 seconds, not %d", v)
			} else {
				s.MaxRecordAge = v
			}
			if v > streamRetention {
				p.warnf(e.value, path+".maxRecordAge", "%d seconds is more than the %d (24 hours) a DynamoDB stream keeps a record, so records expire before this age and it never applies; use -1 or at most %d",
					v, streamRetention, streamRetention)
			}
		}
	}
	return s
}

// streamRetention is how long a DynamoDB stream keeps a record: "All data
// in DynamoDB Streams is subject to a 24-hour lifetime"
// (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html).
const streamRetention = 24 * 60 * 60

// events reads the stream event names, returned in the order INSERT, MODIFY, REMOVE.
func (p *parser) events(n *yaml.Node) ([]string, bool) {
	const path = "stream.events"
	if !p.isList(n, path) {
		return nil, false
	}
	if len(n.Content) == 0 {
		p.errorf(n, path, "is empty, so no record would reach the handler; name at least one of INSERT, MODIFY, REMOVE")
		return nil, false
	}
	given := map[string]bool{}
	ok := true
	for i, c := range n.Content {
		at := index(path, i)
		v, good := p.oneOf(c, at, "stream event", EventNames, nil)
		switch {
		case !good:
			ok = false
		case given[v]:
			p.errorf(c, at, "duplicate event %q", v)
			ok = false
		}
		given[v] = true
	}
	var out []string
	for _, name := range EventNames {
		if given[name] {
			out = append(out, name)
		}
	}
	return out, ok
}
