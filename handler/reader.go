package handler

import (
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// Reader decodes DynamoDB JSON (attribute values such as {"S":"x"}) straight
// from the bytes of a stream event into Go values, without the
// map[string]events.DynamoDBAttributeValue step. Generated decoders drive it.
//
// The first error sticks: later calls return zero values and Member and
// Element report false, so a decoder checks Err once at the end.
type Reader struct {
	data    []byte
	pos     int
	err     error
	scratch []byte // unescaped keys and strings that hold escapes
	// allowMissing lets required attributes be absent: an old image may be of
	// an item written before the spec required them.
	allowMissing bool
}

// DecodeError says where a record could not be decoded.
type DecodeError struct {
	Path   string // attribute path, e.g. "author.name" or "lines[].sku"; "" for the JSON itself
	Msg    string
	Offset int // byte offset in the JSON text being read
}

func (e *DecodeError) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("offset %d: %s", e.Offset, e.Msg)
	}
	return fmt.Sprintf("%s: %s (offset %d)", e.Path, e.Msg, e.Offset)
}

// maxDepth bounds the nesting that Skip follows; DynamoDB itself allows 32 levels.
const maxDepth = 512

// NewReader returns a Reader of data.
func NewReader(data []byte) *Reader { return &Reader{data: data} }

// Reset makes r read data from the start, keeping its scratch buffer.
func (r *Reader) Reset(data []byte) {
	r.data, r.pos, r.err, r.allowMissing = data, 0, nil, false
}

// Err is the first error met, or nil.
func (r *Reader) Err() error { return r.err }

// Fail records err as the reader's error unless one is already set.
func (r *Reader) fail(path, format string, args ...any) {
	if r.err == nil {
		r.err = &DecodeError{Path: path, Msg: fmt.Sprintf(format, args...), Offset: r.pos}
	}
}

// Missing records that the required attribute at path is absent, unless the
// image being read is an old one (then the field keeps its zero value).
func (r *Reader) Missing(path string) {
	if !r.allowMissing {
		r.fail(path, "required attribute is missing")
	}
}

// End reports an error if anything but white space follows the value read.
func (r *Reader) End() {
	r.space()
	if r.err == nil && r.pos != len(r.data) {
		r.fail("", "unexpected data after the JSON value")
	}
}

func (r *Reader) space() {
	data, i := r.data, r.pos
	for i < len(data) && (data[i] == ' ' || data[i] == '\n' || data[i] == '\t' || data[i] == '\r') {
		i++
	}
	r.pos = i
}

// next returns the next byte that is not white space, without consuming it; 0 at the end.
func (r *Reader) next() byte {
	r.space()
	if r.pos < len(r.data) {
		return r.data[r.pos]
	}
	return 0
}

func (r *Reader) expect(path string, c byte, what string) bool {
	if r.err != nil {
		return false
	}
	if r.next() != c {
		r.fail(path, "expected %s, found %s", what, r.found())
		return false
	}
	r.pos++
	return true
}

// found describes the byte at the current position for messages.
func (r *Reader) found() string {
	if r.pos >= len(r.data) {
		return "end of input"
	}
	return fmt.Sprintf("%q", r.data[r.pos])
}

// Member advances to the i-th member of an object (consuming its "{" when i
// is 0) and reports whether there is one; the caller then reads Key and the
// value. It reports false after the closing "}" or on error.
func (r *Reader) Member(i int) bool {
	return r.more(i, '{', '}', "object")
}

// Element advances to the i-th element of an array, as Member does for objects.
func (r *Reader) Element(i int) bool {
	return r.more(i, '[', ']', "array")
}

func (r *Reader) more(i int, open, close byte, what string) bool {
	if r.err != nil {
		return false
	}
	if i == 0 {
		if !r.expect("", open, what) {
			return false
		}
		if r.next() == close {
			r.pos++
			return false
		}
		return true
	}
	switch r.next() {
	case ',':
		r.pos++
		return true
	case close:
		r.pos++
		return false
	}
	r.fail("", "expected ',' or '%c', found %s", close, r.found())
	return false
}

// Key reads a member's name and the colon after it. The bytes are valid
// until the next call on r.
func (r *Reader) Key() []byte {
	k := r.str("")
	r.expect("", ':', "':'")
	return k
}

// str reads a JSON string and returns its unescaped bytes, which alias the
// input or the scratch buffer.
func (r *Reader) str(path string) []byte {
	if !r.expect(path, '"', "string") {
		return nil
	}
	data, start := r.data, r.pos
	for i := start; i < len(data); i++ {
		switch c := data[i]; {
		case c == '"':
			r.pos = i + 1
			return data[start:i]
		case c == '\\':
			r.pos = i
			return r.unescape(path, start)
		case c < 0x20:
			r.pos = i
			r.fail(path, "control character in string")
			return nil
		}
	}
	r.pos = len(data)
	r.fail(path, "unterminated string")
	return nil
}

// skipString reads over a JSON string, checking its syntax but not
// unescaping it.
func (r *Reader) skipString() {
	if !r.expect("", '"', "string") {
		return
	}
	data := r.data
	for i := r.pos; i < len(data); i++ {
		switch c := data[i]; {
		case c == '"':
			r.pos = i + 1
			return
		case c < 0x20:
			r.pos = i
			r.fail("", "control character in string")
			return
		case c == '\\':
			r.pos = i + 1
			if !r.skipEscape() {
				r.fail("", "invalid escape in string")
				return
			}
			i = r.pos - 1
		}
	}
	r.pos = len(data)
	r.fail("", "unterminated string")
}

// skipEscape reads over the escape after a backslash.
func (r *Reader) skipEscape() bool {
	if r.pos >= len(r.data) {
		return false
	}
	e := r.data[r.pos]
	r.pos++
	switch e {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return true
	case 'u':
		_, ok := r.hex4()
		return ok
	}
	return false
}

// unescape finishes a string that holds escapes, from r.pos at the first
// backslash, into the scratch buffer. Lone surrogates become U+FFFD, as
// encoding/json does.
func (r *Reader) unescape(path string, start int) []byte {
	b := append(r.scratch[:0], r.data[start:r.pos]...)
	for r.pos < len(r.data) {
		c := r.data[r.pos]
		switch {
		case c == '"':
			r.pos++
			r.scratch = b
			return b
		case c < 0x20:
			r.fail(path, "control character in string")
			return nil
		case c != '\\':
			b = append(b, c)
			r.pos++
			continue
		}
		if r.pos+1 >= len(r.data) {
			break
		}
		e := r.data[r.pos+1]
		r.pos += 2
		switch e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			c1, ok := r.hex4()
			if !ok {
				r.fail(path, "invalid \\u escape")
				return nil
			}
			ch := rune(c1)
			if utf16.IsSurrogate(ch) {
				ch = utf8.RuneError
				save := r.pos
				if r.pos+1 < len(r.data) && r.data[r.pos] == '\\' && r.data[r.pos+1] == 'u' {
					r.pos += 2
					if c2, ok := r.hex4(); ok {
						if dec := utf16.DecodeRune(rune(c1), rune(c2)); dec != utf8.RuneError {
							ch = dec
							save = r.pos
						}
					}
				}
				r.pos = save
			}
			b = utf8.AppendRune(b, ch)
		default:
			r.fail(path, "invalid escape \\%c", e)
			return nil
		}
	}
	r.fail(path, "unterminated string")
	return nil
}

func (r *Reader) hex4() (uint16, bool) {
	if r.pos+4 > len(r.data) {
		return 0, false
	}
	var v uint16
	for _, c := range r.data[r.pos : r.pos+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		v = v<<4 | uint16(c)
	}
	r.pos += 4
	return v, true
}

// number reads a JSON number token and returns its text.
func (r *Reader) number(path string) []byte {
	if r.err != nil {
		return nil
	}
	r.space()
	start := r.pos
	end := scanNumber(r.data, start)
	if end < 0 {
		r.fail(path, "expected number, found %s", r.found())
		return nil
	}
	r.pos = end
	return r.data[start:end]
}

// scanNumber returns the end of the JSON number that starts at i, or -1.
func scanNumber(b []byte, i int) int {
	digits := func() bool {
		start := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		return i > start
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	if i < len(b) && b[i] == '0' {
		i++
	} else if !digits() {
		return -1
	}
	if i < len(b) && b[i] == '.' {
		i++
		if !digits() {
			return -1
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if !digits() {
			return -1
		}
	}
	return i
}

// literal reads true, false or null and returns it.
func (r *Reader) literal(path string) string {
	if r.err != nil {
		return ""
	}
	r.space()
	for _, lit := range [...]string{"true", "false", "null"} {
		if len(r.data)-r.pos >= len(lit) && string(r.data[r.pos:r.pos+len(lit)]) == lit {
			r.pos += len(lit)
			return lit
		}
	}
	r.fail(path, "expected true, false or null, found %s", r.found())
	return ""
}

// Skip reads over one JSON value of any kind, checking its syntax.
func (r *Reader) Skip() { r.skip(0) }

func (r *Reader) skip(depth int) {
	if depth > maxDepth {
		r.fail("", "nesting deeper than %d", maxDepth)
		return
	}
	switch r.next() {
	case '{':
		for i := 0; r.Member(i); i++ {
			r.skipString()
			r.expect("", ':', "':'")
			r.skip(depth + 1)
		}
	case '[':
		for i := 0; r.Element(i); i++ {
			r.skip(depth + 1)
		}
	case '"':
		r.skipString()
	case 't', 'f', 'n':
		r.literal("")
	default:
		r.number("")
	}
}

// Raw reads over one JSON value and returns its text.
func (r *Reader) Raw() []byte {
	r.space()
	start := r.pos
	r.Skip()
	if r.err != nil {
		return nil
	}
	return r.data[start:r.pos]
}
