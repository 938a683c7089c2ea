package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"

	"github.com/streamgen/streamgen/spec"
)

// Validator checks request bodies against a spec's model, as the deployed
// API's request validator does.
type Validator struct {
	schema *jsonschema.Schema
}

// NewValidator compiles the model of s with a draft-04 validator.
func NewValidator(s *spec.Spec) (*Validator, error) {
	model, err := Model(s)
	if err != nil {
		return nil, err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(model))
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft4)
	const url = "model.json"
	if err := c.AddResource(url, doc); err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	return &Validator{schema: sch}, nil
}

// maxProblems is how many problems a message lists.
const maxProblems = 5

// Validate returns nil when the model accepts body, else an error whose
// message says what is wrong and where, for a 400 answer. An empty body is an
// empty object, as API Gateway's mapping template sees it.
func (v *Validator) Validate(body []byte) error {
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	if err := unicodeText(body); err != nil {
		return err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("not JSON: %v", err)
	}
	if at := loneSurrogate(body); at >= 0 {
		return fmt.Errorf("not Unicode text: the escape %s at byte %d is half of a UTF-16 surrogate pair", body[at:at+6], at)
	}
	if err := hugeNumber(doc, ""); err != nil {
		return err
	}
	err = v.schema.Validate(doc)
	var verr *jsonschema.ValidationError
	if err == nil || !errors.As(err, &verr) {
		return err
	}
	var problems []string
	for _, unit := range verr.BasicOutput().Errors {
		if unit.Error != nil && len(unit.Errors) == 0 {
			problems = append(problems, fmt.Sprintf("at %s: %s", where(unit.InstanceLocation), problem(unit.Error)))
		}
	}
	sort.Strings(problems)
	if len(problems) > maxProblems {
		problems = append(problems[:maxProblems], fmt.Sprintf("and %d more", len(problems)-maxProblems))
	}
	return errors.New(strings.Join(problems, "; "))
}

// where names a location in the body: "/" for the body itself.
func where(instanceLocation string) string {
	if instanceLocation == "" {
		return "/"
	}
	return instanceLocation
}

// unicodeText refuses a body that is not UTF-8. encoding/json would read
// each bad byte as U+FFFD and store a string the client never sent;
// DynamoDB keeps strings as UTF-8 ("Supported data types and naming rules
// in Amazon DynamoDB"), so the body cannot be stored as it is.
func unicodeText(body []byte) error {
	if utf8.Valid(body) {
		return nil
	}
	at := 0
	for at < len(body) {
		r, size := utf8.DecodeRune(body[at:])
		if r == utf8.RuneError && size == 1 {
			break
		}
		at += size
	}
	return fmt.Errorf("not UTF-8 text: byte %d (0x%02x) is not UTF-8; send the body as UTF-8 JSON", at, body[at])
}

// loneSurrogate is where body, valid JSON, has a \u escape of a UTF-16
// surrogate that is not part of a pair (encoding/json reads it as U+FFFD),
// or -1.
func loneSurrogate(body []byte) int {
	inString := false
	for i := 0; i < len(body); i++ {
		switch c := body[i]; {
		case c == '"':
			inString = !inString
		case c == '\\' && inString:
			if body[i+1] != 'u' {
				i++
				continue
			}
			r := hex4(body[i+2 : i+6])
			switch {
			case r >= 0xD800 && r < 0xDC00:
				next := body[i+6:]
				if len(next) < 6 || next[0] != '\\' || next[1] != 'u' {
					return i
				}
				if low := hex4(next[2:6]); low < 0xDC00 || low > 0xDFFF {
					return i
				}
				i += 11
			case r >= 0xDC00 && r <= 0xDFFF:
				return i
			default:
				i += 5
			}
		}
	}
	return -1
}

// hex4 is the value of four hexadecimal digits (valid JSON has them).
func hex4(b []byte) rune {
	var r rune
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		default:
			r = r<<4 | rune(c-'A'+10)
		}
	}
	return r
}

// problem says what a validation error means. The validator prints bounds
// as float64, so that 1.0000000000000000001 against a maximum of 1 reads
// "got 1, want 1"; these are shown exactly.
func problem(e *jsonschema.OutputError) string {
	switch k := e.Kind.(type) {
	case *kind.Minimum:
		return fmt.Sprintf("minimum: got %s, want at least %s", decimal(k.Got), decimal(k.Want))
	case *kind.Maximum:
		return fmt.Sprintf("maximum: got %s, want at most %s", decimal(k.Got), decimal(k.Want))
	}
	return e.String()
}

// decimal is the exact decimal text of r, a number read from JSON (a finite
// decimal); numbers of more than 100 digits are shortened to 40 significant
// digits, with "about".
func decimal(r *big.Rat) string {
	den := new(big.Int).Set(r.Denom())
	places := int(den.TrailingZeroBits())
	den.Rsh(den, uint(places))
	five, fives := big.NewInt(5), 0
	for m := new(big.Int); den.Cmp(big.NewInt(1)) > 0; fives++ {
		if den.DivMod(den, five, m); m.Sign() != 0 {
			break // not a finite decimal: cannot come from JSON
		}
	}
	text := r.FloatString(max(places, fives))
	if len(strings.TrimLeft(text, "-0.")) > 100 {
		f, _ := new(big.Float).SetPrec(200).SetString(text)
		return "about " + f.Text('g', 40)
	}
	return text
}

// The validator compares numbers as big.Rat, whose cost grows with the
// exponent (1e999999 has a million digits) and which fails beyond 1e1000000
// (the validator then panics). Every spec bound and every number DynamoDB
// stores is far inside these limits.
const (
	maxNumberText = 1000
	maxExponent   = 1000
)

// pointerEscaper escapes a key in a JSON pointer (RFC 6901).
var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// hugeNumber refuses a number of doc beyond maxNumberText or maxExponent.
func hugeNumber(doc any, at string) error {
	switch v := doc.(type) {
	case json.Number:
		text := string(v)
		exponent := 0
		if i := strings.IndexAny(text, "eE"); i >= 0 {
			var err error
			if exponent, err = strconv.Atoi(strings.TrimPrefix(text[i+1:], "+")); err != nil {
				exponent = math.MaxInt
			}
		}
		if len(text) > maxNumberText || exponent > maxExponent || exponent < -maxExponent {
			if len(text) > 40 {
				text = text[:40] + "..."
			}
			return fmt.Errorf("at %s: %s is out of range: DynamoDB stores numbers from 1e-130 to 9.99e125, of up to 38 digits", where(at), text)
		}
	case []any:
		for i, e := range v {
			if err := hugeNumber(e, at+"/"+strconv.Itoa(i)); err != nil {
				return err
			}
		}
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys) // the same answer every time
		for _, k := range keys {
			if err := hugeNumber(v[k], at+"/"+pointerEscaper.Replace(k)); err != nil {
				return err
			}
		}
	}
	return nil
}
