package handler

// Each method below reads one DynamoDB attribute value of one type, such as
// {"S":"text"}, and names path in its error when the value has another type.
// Generated decoders call them with a constant path, so no path is built
// unless something fails.

// begin reads the opening of an attribute value of type typ: `{"typ":`.
func (r *Reader) begin(path, typ string) bool {
	if r.err == nil && r.next() != '{' {
		r.fail(path, "expected an attribute value {%q: ...}, found %s", typ, r.found())
	}
	if !r.Member(0) {
		r.fail(path, "expected an attribute value {%q: ...}, found {}", typ)
		return false
	}
	if got := r.Key(); string(got) != typ {
		r.fail(path, "expected attribute type %s, found %s", typ, got)
		return false
	}
	return r.err == nil
}

// end reads the closing "}" of an attribute value.
func (r *Reader) end(path string) {
	if r.Member(1) {
		r.fail(path, "attribute value has more than one type")
	}
}

// S reads a string attribute.
func (r *Reader) S(path string) string {
	if !r.begin(path, "S") {
		return ""
	}
	s := string(r.str(path))
	r.end(path)
	return s
}

// N reads a number attribute as exact decimal text.
func (r *Reader) N(path string) Number {
	if !r.begin(path, "N") {
		return ""
	}
	n := r.numberText(path)
	r.end(path)
	return n
}

// numberText reads the string that holds a number, as DynamoDB JSON writes numbers.
func (r *Reader) numberText(path string) Number {
	b := r.str(path)
	if r.err != nil {
		return ""
	}
	if len(b) == 0 || scanNumber(b, 0) != len(b) {
		r.fail(path, "%q is not a number", b)
		return ""
	}
	return Number(b)
}

// Int reads a number attribute that must hold an integer in int64's range.
func (r *Reader) Int(path string) int64 {
	if !r.begin(path, "N") {
		return 0
	}
	b := r.str(path)
	n, ok := parseInt(b)
	if !ok && r.err == nil {
		// DynamoDB normalises numbers, but "1E+3" or "5.0" are integers too.
		var err error
		if n, err = Number(b).Int64(); err != nil || len(b) == 0 {
			r.fail(path, "%q is not an integer in int64's range", b)
		}
	}
	r.end(path)
	return n
}

// parseInt parses decimal integer text without allocating.
func parseInt(b []byte) (int64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 19 {
		return 0, false
	}
	var u uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		u = u*10 + uint64(c-'0')
	}
	switch {
	case neg && u <= 1<<63:
		return -int64(u), true // 1<<63 wraps to the minimum, as it should
	case !neg && u < 1<<63:
		return int64(u), true
	}
	return 0, false
}

// Bool reads a boolean attribute.
func (r *Reader) Bool(path string) bool {
	if !r.begin(path, "BOOL") {
		return false
	}
	lit := r.literal(path)
	if lit == "null" {
		r.fail(path, "BOOL attribute holds null")
	}
	r.end(path)
	return lit == "true"
}

// SS reads a string set attribute.
func (r *Reader) SS(path string) []string {
	if !r.begin(path, "SS") {
		return nil
	}
	var set []string
	for i := 0; r.Element(i); i++ {
		set = append(set, string(r.str(path)))
	}
	r.end(path)
	return set
}

// NS reads a number set attribute.
func (r *Reader) NS(path string) []Number {
	if !r.begin(path, "NS") {
		return nil
	}
	var set []Number
	for i := 0; r.Element(i); i++ {
		set = append(set, r.numberText(path))
	}
	r.end(path)
	return set
}

// BeginMap reads the opening of a map attribute, `{"M":`; the caller then
// reads the members of the map with Member and closes it with EndMap.
func (r *Reader) BeginMap(path string) {
	r.begin(path, "M")
}

// EndMap reads the closing of a map attribute.
func (r *Reader) EndMap(path string) {
	r.end(path)
}

// List reads a list attribute, each element with elem and elemPath. A present
// list is never nil, even when empty, so nil means the attribute is absent.
func List[T any](r *Reader, path, elemPath string, elem func(*Reader, string) T) []T {
	if !r.begin(path, "L") {
		return nil
	}
	list := []T{}
	for i := 0; r.Element(i); i++ {
		list = append(list, elem(r, elemPath))
	}
	r.end(path)
	return list
}

// Ptr returns a pointer to v: optional fields of generated items are pointers.
func Ptr[T any](v T) *T { return &v }
